//! The `keel-kv` command line: run a replica of the replicated key-value service, or talk
//! to one. In the library so that benchmarks can start replicas from their own binary.

use crate::client::Client;
use crate::sm::Kv;
use anyhow::{Context, Result, anyhow, bail};
use keel_replication::{Member, NodeOptions, Replica, ReplicaConfig};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

const USAGE: &str = "usage:
  keel-kv serve --id ID --cluster N --peers ID=HOST:PORT,... --listen HOST:PORT --dir DIR
                [--election-timeout-ms MS] [--heartbeat-ms MS] [--checkpoint-interval SLOTS]
  keel-kv put    --servers ID=HOST:PORT,... KEY VALUE
  keel-kv get    --servers ID=HOST:PORT,... KEY
  keel-kv delete --servers ID=HOST:PORT,... KEY
  keel-kv status --servers ID=HOST:PORT,...
  keel-kv load   --servers ID=HOST:PORT,... [--clients N] [--seconds S] [--size BYTES]

--peers are the replicas' replication addresses; --servers their client addresses.";

struct Args {
    flags: HashMap<String, String>,
    positional: Vec<String>,
}

impl Args {
    fn parse(args: impl Iterator<Item = String>) -> Result<Args> {
        let mut flags = HashMap::new();
        let mut positional = Vec::new();
        let mut args = args.peekable();
        while let Some(a) = args.next() {
            if let Some(name) = a.strip_prefix("--") {
                let value = args
                    .next()
                    .ok_or_else(|| anyhow!("--{name} needs a value\n\n{USAGE}"))?;
                flags.insert(name.to_string(), value);
            } else {
                positional.push(a);
            }
        }
        Ok(Args { flags, positional })
    }

    fn required(&self, name: &str) -> Result<&str> {
        self.flags
            .get(name)
            .map(|s| s.as_str())
            .ok_or_else(|| anyhow!("missing --{name}\n\n{USAGE}"))
    }

    fn number(&self, name: &str, default: u64) -> Result<u64> {
        match self.flags.get(name) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| anyhow!("--{name} {v:?} is not a number")),
        }
    }

    fn only(&self, allowed: &[&str]) -> Result<()> {
        for name in self.flags.keys() {
            if !allowed.contains(&name.as_str()) {
                bail!("unknown option --{name}\n\n{USAGE}");
            }
        }
        Ok(())
    }
}

/// Runs `keel-kv` with `argv` (without the program name).
pub fn run(argv: Vec<String>) -> Result<()> {
    let _ = started();
    let mut argv = argv.into_iter();
    let command = argv.next().ok_or_else(|| anyhow!("{USAGE}"))?;
    let args = Args::parse(argv)?;
    match command.as_str() {
        "serve" => serve(&args),
        "put" | "get" | "delete" | "status" | "load" => client(&command, &args),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown command {other:?}\n\n{USAGE}"),
    }
}

/// When the process started (near enough: the first thing `main` does).
fn started() -> Instant {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    *START.get_or_init(Instant::now)
}

fn serve(args: &Args) -> Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    args.only(&[
        "id",
        "cluster",
        "peers",
        "listen",
        "dir",
        "election-timeout-ms",
        "heartbeat-ms",
        "checkpoint-interval",
    ])?;
    let id = args.number("id", u64::MAX)?;
    if id == u64::MAX {
        bail!("missing --id\n\n{USAGE}");
    }
    let cluster = args.number("cluster", 0)?;
    let peers = keel_service::members::parse_members(args.required("peers")?)
        .map_err(|e| anyhow!("--peers: {e}"))?;
    let listen: std::net::SocketAddr = args
        .required("listen")?
        .parse()
        .map_err(|e| anyhow!("--listen is not HOST:PORT: {e}"))?;
    let dir = PathBuf::from(args.required("dir")?);
    let mut options = NodeOptions::default();
    options.protocol.election_timeout =
        Duration::from_millis(args.number("election-timeout-ms", 1000)?);
    options.protocol.heartbeat_interval = Duration::from_millis(args.number("heartbeat-ms", 100)?);
    options.checkpoint_interval = args.number("checkpoint-interval", 100_000)?;
    let members = peers
        .iter()
        .map(|(id, addr)| Member::new(*id, addr.to_string()))
        .collect();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("keel-kv-clients")
        .enable_all()
        .build()?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(listen))
        .with_context(|| format!("listening for clients on {listen}"))?;
    let config = ReplicaConfig {
        id,
        cluster,
        members,
        listen: None,
        dir: dir.clone(),
        options,
    };
    let replica = Replica::start(config, Kv::default())
        .with_context(|| format!("starting replica {id} in {}", dir.display()))?;
    let replica = Arc::new(replica);
    println!(
        "keel-kv replica {id} ready in {} ms: peers on {}, clients on {listen}",
        started().elapsed().as_millis(),
        replica.local_addr()
    );
    runtime.block_on(async {
        tokio::spawn(crate::server::serve(listener, replica.clone()));
        keel_service::shutdown::shutdown_signal().await?;
        anyhow::Ok(())
    })?;
    eprintln!("keel-kv replica {id}: shutting down");
    drop(runtime);
    if let Ok(replica) = Arc::try_unwrap(replica) {
        replica.shutdown();
    }
    Ok(())
}

fn client(command: &str, args: &Args) -> Result<()> {
    args.only(&["servers", "clients", "seconds", "size", "timeout-ms"])?;
    let servers = keel_service::members::parse_members(args.required("servers")?)
        .map_err(|e| anyhow!("--servers: {e}"))?;
    let timeout = Duration::from_millis(args.number("timeout-ms", 10_000)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let client = Arc::new(Client::new(servers, timeout));
        let arg = |i: usize, what: &str| -> Result<&String> {
            args.positional.get(i).ok_or_else(|| anyhow!("{command} needs {what}\n\n{USAGE}"))
        };
        match command {
            "put" => {
                let seq = client.put(arg(0, "KEY")?.as_bytes(), arg(1, "VALUE")?.as_bytes()).await?;
                println!("ok (slot {seq})");
            }
            "delete" => {
                let seq = client.delete(arg(0, "KEY")?.as_bytes()).await?;
                println!("ok (slot {seq})");
            }
            "get" => match client.get(arg(0, "KEY")?.as_bytes()).await? {
                Some(v) => println!("{}", String::from_utf8_lossy(&v)),
                None => bail!("no such key: {}", arg(0, "KEY")?),
            },
            "status" => {
                for (id, status) in client.status().await {
                    match status {
                        Ok(s) => println!(
                            "replica {id}: {} (primary {:?}), executed {}, members {:?}, {} keys, ready in {} ms, queue {}, threads {}",
                            s.role, s.primary, s.executed, s.members, s.keys, s.ready_ms, s.queue_depth, s.threads
                        ),
                        Err(e) => println!("replica {id}: {e}"),
                    }
                }
            }
            "load" => load(client.clone(), args).await?,
            _ => unreachable!(),
        }
        Ok(())
    })
}

/// Puts of `--size` bytes from `--clients` concurrent callers for `--seconds`: committed
/// ops/s and latency percentiles, as one JSON line.
async fn load(client: Arc<Client>, args: &Args) -> Result<()> {
    let clients = args.number("clients", 16)? as usize;
    let seconds = args.number("seconds", 10)?;
    let size = args.number("size", 64)? as usize;
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0u64;
            let value = vec![b'v'; size];
            let mut i = 0u64;
            while Instant::now() < deadline {
                let key = format!("load-{c}-{i}");
                let t = Instant::now();
                match client.put(key.as_bytes(), &value).await {
                    Ok(_) => lat.push(t.elapsed().as_micros() as u64),
                    Err(_) => errors += 1,
                }
                i += 1;
            }
            (lat, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (lat, e) = t.await?;
        all.extend(lat);
        errors += e;
    }
    let load = keel_service::load::Load::of(all, errors, started.elapsed());
    println!(
        "{{\"ops\":{},\"errors\":{errors},\"seconds\":{:.3},\"ops_per_sec\":{:.1},\"p50_us\":{},\"p99_us\":{}}}",
        load.ops,
        started.elapsed().as_secs_f64(),
        load.per_sec,
        load.p50_us,
        load.p99_us
    );
    Ok(())
}
