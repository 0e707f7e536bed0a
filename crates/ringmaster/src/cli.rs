//! The `ringmaster` command line: `serve` runs a server; `cli` performs any operation.

use crate::client::Client;
use crate::proto::{CreateMode, Op, Reply, WatchKind};
use crate::server::{OnSecondary, Server};
use crate::store::{Memory, Replicated, Store};
use crate::tree::Limits;
use anyhow::{Context, Result, anyhow, bail};
use keel_replication::{Member, NodeOptions, ReplicaConfig};
use keel_service::members::parse_members;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

const USAGE: &str = "usage:
  ringmaster serve --id ID --listen HOST:PORT (--memory | --cluster N --peers ID=HOST:PORT,... --dir DIR)
                   [--servers ID=HOST:PORT,...] [--on-secondary forward|redirect] [--metrics HOST:PORT]
                   [--max-in-flight N] [--election-timeout-ms MS] [--heartbeat-ms MS] [--checkpoint-interval SLOTS]
  ringmaster cli --servers ID=HOST:PORT,... [--session-timeout-ms MS] [--timeout-ms MS] COMMAND
    create PATH [DATA] [--ephemeral] [--sequential] [--parents] [--ok-if-exists]
    get PATH | exists PATH | ls PATH [--after NAME] [--limit N] | tree PATH | sync | status
    set PATH DATA [--version N]        delete PATH [--version N] [--cascade]
    watch PATH [--children] [--persistent] [--count N]
    multi OP... | batch OP...          (each OP one argument: \"create PATH DATA\", \"set PATH DATA\", \"delete PATH\")
    hold PATH [DATA]                   (an ephemeral node, held until this command is stopped)

--peers: replication addresses; --servers / --listen: client addresses.";

const SWITCHES: [&str; 8] = [
    "ephemeral",
    "sequential",
    "parents",
    "ok-if-exists",
    "cascade",
    "children",
    "persistent",
    "memory",
];

struct Args {
    flags: HashMap<String, String>,
    words: Vec<String>,
}

impl Args {
    fn parse(argv: Vec<String>) -> Result<Args> {
        let (mut flags, mut words) = (HashMap::new(), Vec::new());
        let mut it = argv.into_iter();
        while let Some(a) = it.next() {
            match a.strip_prefix("--") {
                Some(name) if SWITCHES.contains(&name) => {
                    flags.insert(name.to_string(), String::new());
                }
                Some(name) => {
                    let v = it
                        .next()
                        .ok_or_else(|| anyhow!("--{name} needs a value\n\n{USAGE}"))?;
                    flags.insert(name.to_string(), v);
                }
                None => words.push(a),
            }
        }
        Ok(Args { flags, words })
    }
    fn get(&self, name: &str) -> Option<&str> {
        self.flags.get(name).map(String::as_str)
    }
    fn has(&self, name: &str) -> bool {
        self.flags.contains_key(name)
    }
    fn required(&self, name: &str) -> Result<&str> {
        self.get(name)
            .ok_or_else(|| anyhow!("missing --{name}\n\n{USAGE}"))
    }
    fn number(&self, name: &str, default: u64) -> Result<u64> {
        self.get(name).map_or(Ok(default), |v| {
            v.parse()
                .map_err(|_| anyhow!("--{name} {v:?} is not a number"))
        })
    }
    fn word(&self, i: usize, what: &str) -> Result<&str> {
        self.words
            .get(i)
            .map(String::as_str)
            .ok_or_else(|| anyhow!("missing {what}\n\n{USAGE}"))
    }
}

fn started() -> Instant {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    *START.get_or_init(Instant::now)
}

/// Runs `ringmaster` with `argv` (without the program name).
pub fn run(argv: Vec<String>) -> Result<()> {
    let _ = started();
    let mut argv = argv.into_iter();
    let command = argv.next().ok_or_else(|| anyhow!("{USAGE}"))?;
    let args = Args::parse(argv.collect())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("ringmaster")
        .enable_all()
        .build()?;
    match command.as_str() {
        "serve" => serve(&runtime, &args),
        "cli" => runtime.block_on(cli(&args)),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown command {other:?}\n\n{USAGE}"),
    }
}

fn serve(runtime: &tokio::runtime::Runtime, args: &Args) -> Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    let id = args
        .required("id")?
        .parse::<u64>()
        .map_err(|_| anyhow!("--id is not a number"))?;
    let listen: std::net::SocketAddr = args
        .required("listen")?
        .parse()
        .map_err(|e| anyhow!("--listen is not HOST:PORT: {e}"))?;
    let on_secondary = match args.get("on-secondary").unwrap_or("forward") {
        "forward" => OnSecondary::Forward,
        "redirect" => OnSecondary::Redirect,
        other => bail!("--on-secondary {other:?}: say forward or redirect"),
    };
    let servers = match args.get("servers") {
        Some(s) => parse_members(s).map_err(|e| anyhow!("--servers: {e}"))?,
        None => HashMap::new(),
    };
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let limits = Limits::default();
    let max_in_flight = args.number("max-in-flight", 1024)? as usize;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(listen))
        .with_context(|| format!("listening on {listen}"))?;
    let metrics = match args.get("metrics") {
        Some(a) => Some(
            runtime
                .block_on(tokio::net::TcpListener::bind(a))
                .with_context(|| format!("metrics on {a}"))?,
        ),
        None => None,
    };
    let endpoints = Endpoints {
        listen,
        listener,
        metrics,
        events: rx,
    };
    if args.has("memory") {
        let server = Server::new(
            id,
            Memory::new(limits, tx),
            on_secondary,
            servers,
            max_in_flight,
        );
        run_server(runtime, server, endpoints)
    } else {
        let peers = parse_members(args.required("peers")?).map_err(|e| anyhow!("--peers: {e}"))?;
        let mut options = NodeOptions::default();
        options.protocol.election_timeout =
            Duration::from_millis(args.number("election-timeout-ms", 1000)?);
        options.protocol.heartbeat_interval =
            Duration::from_millis(args.number("heartbeat-ms", 100)?);
        options.checkpoint_interval = args.number("checkpoint-interval", 100_000)?;
        let config = ReplicaConfig {
            id,
            cluster: args.number("cluster", 0)?,
            members: peers
                .iter()
                .map(|(id, a)| Member::new(*id, a.to_string()))
                .collect(),
            listen: None,
            dir: args.required("dir")?.into(),
            options,
        };
        let store =
            Replicated::start(config, limits, tx).context("starting the replicated store")?;
        let server = Server::new(id, store, on_secondary, servers, max_in_flight);
        run_server(runtime, server, endpoints)
    }
}

/// Where a server listens, and where its store's events come from.
struct Endpoints {
    listen: std::net::SocketAddr,
    listener: tokio::net::TcpListener,
    metrics: Option<tokio::net::TcpListener>,
    events: tokio::sync::mpsc::UnboundedReceiver<crate::store::Notice>,
}

/// Serves until SIGTERM or SIGINT.
fn run_server<S: Store>(
    runtime: &tokio::runtime::Runtime,
    server: Server<S>,
    endpoints: Endpoints,
) -> Result<()> {
    let Endpoints {
        listen,
        listener,
        metrics,
        events: rx,
    } = endpoints;
    let id = server.id;
    let server = Arc::new(server);
    let ready = started().elapsed().as_millis() as u64;
    server
        .ready_ms
        .store(ready, std::sync::atomic::Ordering::Relaxed);
    println!("ringmaster server {id} ready in {ready} ms: clients on {listen}");
    runtime.block_on(async {
        tokio::spawn(server.clone().dispatch(rx));
        tokio::spawn(server.clone().expire_sessions());
        tokio::spawn(server.clone().serve(listener));
        if let Some(m) = metrics {
            tokio::spawn(server.clone().serve_metrics(m));
        }
        keel_service::shutdown::shutdown_signal().await?;
        anyhow::Ok(())
    })?;
    eprintln!("ringmaster server {id}: shutting down");
    Ok(())
}

fn parse_op(spec: &str) -> Result<Op> {
    let parts: Vec<&str> = spec.splitn(3, ' ').collect();
    let path = parts
        .get(1)
        .ok_or_else(|| anyhow!("{spec:?}: expected \"VERB PATH [DATA]\""))?
        .to_string();
    let data = parts.get(2).unwrap_or(&"").as_bytes().to_vec();
    Ok(match parts[0] {
        "create" => Op::Create {
            path,
            data,
            mode: CreateMode::Persistent,
            make_parents: false,
            ok_if_exists: false,
        },
        "set" => Op::SetData {
            path,
            data,
            version: None,
        },
        "delete" => Op::Delete {
            path,
            version: None,
            cascade: false,
        },
        other => bail!("{other:?} in {spec:?}: multi and batch take create, set and delete"),
    })
}

async fn cli(args: &Args) -> Result<()> {
    let servers =
        parse_members(args.required("servers")?).map_err(|e| anyhow!("--servers: {e}"))?;
    let command = args.word(0, "a command")?;
    let timeout = Duration::from_millis(args.number("timeout-ms", 10_000)?);
    // Ephemeral nodes of a session outlive a dead client by this much.
    let session_timeout = Duration::from_millis(args.number("session-timeout-ms", 10_000)?);
    let (client, mut events) = Client::connect(servers, timeout, session_timeout).await?;
    let path = || args.word(1, "PATH");
    let data = |i: usize| {
        args.words
            .get(i)
            .map(|s| s.as_bytes().to_vec())
            .unwrap_or_default()
    };
    let version = args
        .get("version")
        .map(|v| v.parse::<u32>())
        .transpose()
        .map_err(|_| anyhow!("--version is not a number"))?;
    let mode = match (args.has("ephemeral"), args.has("sequential")) {
        (false, false) => CreateMode::Persistent,
        (true, false) => CreateMode::Ephemeral,
        (false, true) => CreateMode::PersistentSequential,
        (true, true) => CreateMode::EphemeralSequential,
    };
    let op = match command {
        "create" => Op::Create {
            path: path()?.into(),
            data: data(2),
            mode,
            make_parents: args.has("parents"),
            ok_if_exists: args.has("ok-if-exists"),
        },
        "hold" => Op::Create {
            path: path()?.into(),
            data: data(2),
            mode: CreateMode::Ephemeral,
            make_parents: false,
            ok_if_exists: false,
        },
        "get" => Op::GetData {
            path: path()?.into(),
            watch: None,
        },
        "exists" => Op::Exists {
            path: path()?.into(),
            watch: None,
        },
        "set" => Op::SetData {
            path: path()?.into(),
            data: data(2),
            version,
        },
        "delete" => Op::Delete {
            path: path()?.into(),
            version,
            cascade: args.has("cascade"),
        },
        "ls" => Op::GetChildren {
            path: path()?.into(),
            watch: None,
            after: args.get("after").map(str::to_string),
            limit: args.number("limit", 0)? as u32,
        },
        "tree" => Op::GetSubtree {
            path: path()?.into(),
        },
        "sync" => Op::Sync,
        "status" => Op::Status,
        "multi" | "batch" => {
            let ops = args.words[1..]
                .iter()
                .map(|s| parse_op(s))
                .collect::<Result<Vec<_>>>()?;
            if command == "multi" {
                Op::Multi(ops)
            } else {
                Op::Batch(ops)
            }
        }
        "watch" => {
            let kind = if args.has("children") {
                WatchKind::Children
            } else {
                WatchKind::Data
            };
            let persistent = args.has("persistent");
            client.watch(path()?, kind, persistent).await?;
            println!(
                "watching {} ({kind:?}{})",
                path()?,
                if persistent { ", persistent" } else { "" }
            );
            let count = args.number("count", if persistent { u64::MAX } else { 1 })?;
            for _ in 0..count {
                let Some(e) = events.recv().await else { break };
                println!("{:?} {} zxid {}", e.kind, e.path, e.zxid);
            }
            let _ = client.close().await;
            return Ok(());
        }
        other => bail!("unknown cli command {other:?}\n\n{USAGE}"),
    };
    let reply = client.call(op).await;
    let reply = match reply {
        Ok(r) => r,
        Err(e) => {
            let _ = client.close().await;
            return Err(anyhow!(e));
        }
    };
    print_reply(&reply);
    if command == "hold" {
        println!("holding the session; stop this command (Ctrl-C, or kill) to end it");
        keel_service::shutdown::shutdown_signal().await?;
    }
    let _ = client.close().await;
    Ok(())
}

fn print_reply(reply: &Reply) {
    match reply {
        Reply::Done => println!("ok"),
        Reply::Created { path, .. } => println!("created {path}"),
        Reply::Stat(s) => println!("ok (version {})", s.version),
        Reply::Exists(Some(s)) => println!("exists: {s:?}"),
        Reply::Exists(None) => println!("does not exist"),
        Reply::Data { data, .. } => println!("{}", String::from_utf8_lossy(data)),
        Reply::Children { names, more, .. } => {
            for n in names {
                println!("{n}");
            }
            if *more {
                println!(
                    "... (more: use --after {})",
                    names.last().map(String::as_str).unwrap_or("")
                );
            }
        }
        Reply::Subtree(nodes) => {
            for (p, d) in nodes {
                println!("{p} {}", String::from_utf8_lossy(d));
            }
        }
        Reply::Synced { zxid } => println!("synced at {zxid}"),
        Reply::Multi(rs) => {
            for r in rs {
                print_reply(r);
            }
        }
        Reply::Batch(rs) => {
            for r in rs {
                match r {
                    Ok(r) => print_reply(r),
                    Err(e) => println!("error: {e}"),
                }
            }
        }
        Reply::Session { id, .. } => println!("session {id:#x}"),
        Reply::Status(s) => println!("{s:?}"),
        Reply::Event(e) => println!("{e:?}"),
    }
}
