//! The `ringmaster` command line: `serve` runs a server; `cli` performs any operation.

use crate::client::Client;
use crate::proto::{CreateMode, Op, Reply, WatchKind};
use crate::server::{OnSecondary, Server};
use crate::store::{Memory, Replicated, Store};
use crate::tree::Limits;
use anyhow::{Context, Result, anyhow, bail};
use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The command line: `serve` runs a server; `cli` performs one operation against a ring.
pub fn command() -> Command {
    let flag = |name: &'static str, help: &'static str| {
        Arg::new(name)
            .long(name)
            .action(ArgAction::SetTrue)
            .help(help)
    };
    let number = |name: &'static str, value: &'static str, help: &'static str| {
        Arg::new(name)
            .long(name)
            .value_name(value)
            .value_parser(value_parser!(u64))
            .help(help)
    };
    let path = || Arg::new("path").value_name("PATH").required(true);
    let data = || {
        Arg::new("data")
            .value_name("DATA")
            .help("The node's data (default: empty)")
    };
    let version = || {
        Arg::new("version")
            .long("version")
            .value_name("N")
            .value_parser(value_parser!(u32))
            .help("Only if the node is at this version")
    };
    let ops = |name: &'static str, about: &'static str| {
        Command::new(name).about(about).arg(
            Arg::new("ops")
                .value_name("OP")
                .num_args(1..)
                .required(true)
                .help(
                    "Each one argument: \"create PATH DATA\", \"set PATH DATA\" or \"delete PATH\"",
                ),
        )
    };
    let timeout = |name: &'static str, help: &'static str| {
        Arg::new(name)
            .long(name)
            .value_name("MS")
            .default_value("10000")
            .value_parser(value_parser!(u64))
            .global(true)
            .help(help)
    };
    let serve = Command::new("serve")
        .about("Run one server; prints a line with \"ready\" once it serves")
        .args(keel_service::cli::serve_args())
        .mut_arg("peers", |a| a.required_unless_present("memory"))
        .mut_arg("dir", |a| a.required_unless_present("memory"))
        .arg(
            flag(
                "memory",
                "Keep the tree in memory, unreplicated (no --peers, --dir)",
            )
            .conflicts_with_all(["peers", "dir"]),
        )
        .arg(keel_service::cli::members(
            "servers",
            "Every server's client address, for redirecting and forwarding",
        ))
        .arg(
            Arg::new("on-secondary")
                .long("on-secondary")
                .value_name("WHAT")
                .value_parser(["forward", "redirect"])
                .default_value("forward")
                .help("What a secondary does with a write"),
        )
        .arg(
            Arg::new("metrics")
                .long("metrics")
                .value_name("HOST:PORT")
                .value_parser(value_parser!(std::net::SocketAddr))
                .help("Serve metrics over HTTP here"),
        )
        .arg(number("max-in-flight", "N", "Requests in progress at once").default_value("1024"))
        .arg(
            number(
                "reap-interval-ms",
                "MS",
                "How often the primary deletes containers and TTL nodes that are due",
            )
            .default_value("1000"),
        )
        .arg(
            Arg::new("zk-addr")
                .long("zk-addr")
                .value_name("HOST:PORT")
                .value_parser(value_parser!(std::net::SocketAddr))
                .help("Also serve ZooKeeper's client protocol here (kazoo, zkCli, Curator)"),
        )
        .arg(
            Arg::new("zk-secret-file")
                .long("zk-secret-file")
                .value_name("PATH")
                .value_parser(value_parser!(std::path::PathBuf))
                .help(
                    "The ring's secret (at least 16 bytes; the same file on every server): \
                     ZooKeeper session ids and passwords are MACs under it",
                ),
        )
        .arg(
            number(
                "zk-min-session-timeout-ms",
                "MS",
                "The shortest session timeout granted",
            )
            .default_value("4000"),
        )
        .arg(
            number(
                "zk-max-session-timeout-ms",
                "MS",
                "The longest session timeout granted",
            )
            .default_value("40000"),
        );
    let cli = Command::new("cli")
        .about("Perform one operation and print its result")
        .subcommand_required(true)
        .arg(
            // Global (it may follow the operation), so clap cannot require it: `cli` does.
            keel_service::cli::members("servers", "The servers' client addresses (required)")
                .global(true),
        )
        .arg(timeout(
            "timeout-ms",
            "How long a request may take, failovers included",
        ))
        .arg(timeout(
            "session-timeout-ms",
            "How long the session (and its ephemeral nodes) outlives this client",
        ))
        .subcommand(
            Command::new("create")
                .about("Create a node")
                .arg(path())
                .arg(data())
                .arg(flag("ephemeral", "Removed when the session ends"))
                .arg(flag("sequential", "Append a sequence number to the name"))
                .arg(flag("parents", "Create missing parents"))
                .arg(flag("ok-if-exists", "Succeed if the node exists")),
        )
        .subcommand(Command::new("get").about("Print a node's data").arg(path()))
        .subcommand(
            Command::new("exists")
                .about("Print a node's stat, if it exists")
                .arg(path()),
        )
        .subcommand(
            Command::new("ls")
                .about("List a node's children, a page at a time")
                .arg(path())
                .arg(
                    Arg::new("after")
                        .long("after")
                        .value_name("NAME")
                        .help("Start after this child"),
                )
                .arg(number("limit", "N", "At most this many (0: all)").default_value("0")),
        )
        .subcommand(
            Command::new("tree")
                .about("Print a subtree with its data")
                .arg(path()),
        )
        .subcommand(Command::new("sync").about("Wait until this server has caught up"))
        .subcommand(Command::new("status").about("The server's status"))
        .subcommand(
            Command::new("set")
                .about("Set a node's data")
                .arg(path())
                .arg(data())
                .arg(version()),
        )
        .subcommand(
            Command::new("delete")
                .about("Delete a node")
                .arg(path())
                .arg(version())
                .arg(flag("cascade", "Delete its descendants too")),
        )
        .subcommand(
            Command::new("watch")
                .about("Watch a node and print its events")
                .arg(path())
                .arg(flag("children", "Watch its children, not its data"))
                .arg(flag("persistent", "Keep watching after the first event"))
                .arg(number(
                    "count",
                    "N",
                    "Stop after this many events (default: 1, persistent: no limit)",
                )),
        )
        .subcommand(ops("multi", "All operations or none"))
        .subcommand(ops("batch", "Each operation on its own, in order"))
        .subcommand(
            Command::new("hold")
                .about("Create an ephemeral node and hold it until this command is stopped")
                .arg(path())
                .arg(data()),
        );
    Command::new("ringmaster")
        .about("Coordination service with ZooKeeper-superset semantics")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .after_help("--peers: replication addresses; --servers / --listen: client addresses.")
        .subcommand(serve)
        .subcommand(cli)
}

fn started() -> Instant {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    *START.get_or_init(Instant::now)
}

/// Runs `ringmaster` with `argv` (without the program name). `--help` and usage errors are
/// clap's: they print and exit (0 and 2).
pub fn run(argv: Vec<String>) -> Result<()> {
    let _ = started();
    let matches = command()
        .try_get_matches_from(std::iter::once("ringmaster".to_owned()).chain(argv))
        .unwrap_or_else(|e| e.exit());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("ringmaster")
        .enable_all()
        .build()?;
    match matches.subcommand() {
        Some(("serve", m)) => serve(&runtime, m),
        Some(("cli", m)) => runtime.block_on(cli(m)),
        _ => unreachable!("a subcommand is required"),
    }
}

fn serve(runtime: &tokio::runtime::Runtime, m: &ArgMatches) -> Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    let id = *m.get_one::<u64>("id").expect("required");
    let listen = *m
        .get_one::<std::net::SocketAddr>("listen")
        .expect("required");
    let on_secondary = match m.get_one::<String>("on-secondary").map(String::as_str) {
        Some("redirect") => OnSecondary::Redirect,
        _ => OnSecondary::Forward,
    };
    let servers = keel_service::cli::members_of(m, "servers").unwrap_or_default();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let limits = Limits::default();
    let max_in_flight = *m.get_one::<u64>("max-in-flight").expect("has a default") as usize;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(listen))
        .with_context(|| format!("listening on {listen}"))?;
    let metrics = match m.get_one::<std::net::SocketAddr>("metrics") {
        Some(a) => Some(
            runtime
                .block_on(tokio::net::TcpListener::bind(a))
                .with_context(|| format!("metrics on {a}"))?,
        ),
        None => None,
    };
    let zk = match m.get_one::<std::net::SocketAddr>("zk-addr") {
        None => None,
        Some(a) => {
            let secret = match m.get_one::<std::path::PathBuf>("zk-secret-file") {
                Some(f) => crate::zk::Secret::new(
                    std::fs::read(f)
                        .with_context(|| format!("reading --zk-secret-file {}", f.display()))?,
                )
                .map_err(|e| anyhow::anyhow!("--zk-secret-file {}: {e}", f.display()))?,
                None if m.get_flag("memory") => crate::zk::Secret::random(),
                None => anyhow::bail!(
                    "--zk-addr on a replicated ring needs --zk-secret-file (the same file on every server): \
                     session ids and passwords are derived from it, so a client can reattach to any server"
                ),
            };
            let (min, max) = (
                *m.get_one::<u64>("zk-min-session-timeout-ms")
                    .expect("has a default"),
                *m.get_one::<u64>("zk-max-session-timeout-ms")
                    .expect("has a default"),
            );
            if min > max {
                anyhow::bail!(
                    "--zk-min-session-timeout-ms {min} is above --zk-max-session-timeout-ms {max}"
                );
            }
            let listener = runtime
                .block_on(tokio::net::TcpListener::bind(a))
                .with_context(|| format!("zookeeper clients on {a}"))?;
            Some((
                listener,
                Arc::new(crate::zk::Config {
                    secret,
                    min_timeout_ms: min,
                    max_timeout_ms: max,
                }),
            ))
        }
    };
    let reap = std::time::Duration::from_millis(
        (*m.get_one::<u64>("reap-interval-ms").expect("has a default")).max(1),
    );
    let endpoints = Endpoints {
        listen,
        listener,
        metrics,
        zk,
        reap,
        events: rx,
    };
    match keel_service::cli::replica_config(m) {
        None => {
            let store = Memory::new(limits, tx);
            let server = Server::new(id, store, on_secondary, servers, max_in_flight);
            run_server(runtime, server, endpoints)
        }
        Some(config) => {
            let store =
                Replicated::start(config, limits, tx).context("starting the replicated store")?;
            let server = Server::new(id, store, on_secondary, servers, max_in_flight);
            run_server(runtime, server, endpoints)
        }
    }
}

/// Where a server listens, and where its store's events come from.
struct Endpoints {
    listen: std::net::SocketAddr,
    listener: tokio::net::TcpListener,
    metrics: Option<tokio::net::TcpListener>,
    /// The ZooKeeper protocol's listener and its setup.
    zk: Option<(tokio::net::TcpListener, Arc<crate::zk::Config>)>,
    /// How often the primary deletes containers and TTL nodes that are due.
    reap: std::time::Duration,
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
        zk,
        reap,
        events: rx,
    } = endpoints;
    let id = server.id;
    let server = Arc::new(server);
    let ready = started().elapsed().as_millis() as u64;
    server
        .ready_ms
        .store(ready, std::sync::atomic::Ordering::Relaxed);
    let zk_line = zk
        .as_ref()
        .and_then(|(l, _)| l.local_addr().ok())
        .map(|a| format!(", zookeeper clients on {a}"))
        .unwrap_or_default();
    println!("ringmaster server {id} ready in {ready} ms: clients on {listen}{zk_line}");
    runtime.block_on(async {
        tokio::spawn(server.clone().dispatch(rx));
        tokio::spawn(server.clone().expire_sessions());
        tokio::spawn(server.clone().reap(reap));
        tokio::spawn(server.clone().serve(listener));
        if let Some(m) = metrics {
            tokio::spawn(server.clone().serve_metrics(m));
        }
        if let Some((listener, config)) = zk {
            tokio::spawn(crate::zk::serve(server.clone(), listener, config));
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

async fn cli(m: &ArgMatches) -> Result<()> {
    let Some(servers) = keel_service::cli::members_of(m, "servers") else {
        command()
            .error(
                clap::error::ErrorKind::MissingRequiredArgument,
                "ringmaster cli needs --servers ID=HOST:PORT,...: the servers' client addresses",
            )
            .exit()
    };
    let ms = |name: &str| Duration::from_millis(*m.get_one::<u64>(name).expect("has a default"));
    let timeout = ms("timeout-ms");
    // Ephemeral nodes of a session outlive a dead client by this much.
    let session_timeout = ms("session-timeout-ms");
    let (command, args) = m.subcommand().expect("a subcommand is required");
    let (client, mut events) = Client::connect(servers, timeout, session_timeout).await?;
    let path = || -> Result<&str> { Ok(args.get_one::<String>("path").expect("required")) };
    let data = |_: usize| {
        args.try_get_one::<String>("data")
            .ok()
            .flatten()
            .map(|s| s.as_bytes().to_vec())
            .unwrap_or_default()
    };
    let has = |name: &str| {
        args.try_get_one::<bool>(name)
            .ok()
            .flatten()
            .copied()
            .unwrap_or(false)
    };
    let version = args.try_get_one::<u32>("version").ok().flatten().copied();
    let mode = match (has("ephemeral"), has("sequential")) {
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
            make_parents: has("parents"),
            ok_if_exists: has("ok-if-exists"),
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
            cascade: has("cascade"),
        },
        "ls" => Op::GetChildren {
            path: path()?.into(),
            watch: None,
            after: args.get_one::<String>("after").cloned(),
            limit: *args.get_one::<u64>("limit").expect("has a default") as u32,
        },
        "tree" => Op::GetSubtree {
            path: path()?.into(),
        },
        "sync" => Op::Sync,
        "status" => Op::Status,
        "multi" | "batch" => {
            let ops = args
                .get_many::<String>("ops")
                .expect("required")
                .map(|s| parse_op(s))
                .collect::<Result<Vec<_>>>()?;
            if command == "multi" {
                Op::Multi(ops)
            } else {
                Op::Batch(ops)
            }
        }
        "watch" => {
            let kind = if has("children") {
                WatchKind::Children
            } else {
                WatchKind::Data
            };
            let persistent = has("persistent");
            client.watch(path()?, kind, persistent).await?;
            println!(
                "watching {} ({kind:?}{})",
                path()?,
                if persistent { ", persistent" } else { "" }
            );
            let count = args
                .get_one::<u64>("count")
                .copied()
                .unwrap_or(if persistent { u64::MAX } else { 1 });
            for _ in 0..count {
                let Some(e) = events.recv().await else { break };
                println!("{:?} {} zxid {}", e.kind, e.path, e.zxid);
            }
            let _ = client.close().await;
            return Ok(());
        }
        other => unreachable!("clap knows no cli command {other:?}"),
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
        Reply::Once { id } => println!("exactly-once session {id}"),
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
        Reply::Acl { acl, version, .. } => {
            for a in acl {
                println!("{}:{} {:#04x}", a.id.scheme, a.id.id, a.perms);
            }
            println!("(ACL version {version})");
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_well_formed() {
        super::command().debug_assert();
    }
}
