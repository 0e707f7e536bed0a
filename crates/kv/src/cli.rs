//! The `keel-kv` command line: run a replica of the replicated key-value service, or talk
//! to one. In the library so that benchmarks can start replicas from their own binary.

use crate::client::Client;
use crate::sm::Kv;
use anyhow::{Context, Result, bail};
use clap::{Arg, ArgMatches, Command, value_parser};
use keel_replication::Replica;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The command line: `serve` runs a replica, the rest talk to a running ring.
pub fn command() -> Command {
    let servers =
        || keel_service::cli::members("servers", "The replicas' client addresses").required(true);
    let timeout = || {
        Arg::new("timeout-ms")
            .long("timeout-ms")
            .value_name("MS")
            .default_value("10000")
            .value_parser(value_parser!(u64))
            .help("How long a request may take, failovers included")
    };
    let client = |name: &'static str, about: &'static str| {
        Command::new(name)
            .about(about)
            .arg(servers())
            .arg(timeout())
    };
    let key = || Arg::new("key").value_name("KEY").required(true);
    let number = keel_service::cli::number;
    Command::new("keel-kv")
        .about("A replicated key-value service on keel-replication")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .after_help(
            "--peers are the replicas' replication addresses; --servers their client addresses.",
        )
        .subcommand(
            Command::new("serve")
                .about("Run one replica; prints a line with \"ready\" once it serves")
                .args(keel_service::cli::serve_args())
                .mut_arg("peers", |a| a.required(true))
                .mut_arg("dir", |a| a.required(true)),
        )
        .subcommand(
            client(
                "put",
                "Store VALUE under KEY; prints the slot it was chosen in",
            )
            .arg(key())
            .arg(Arg::new("value").value_name("VALUE").required(true)),
        )
        .subcommand(client("get", "Print the value of KEY (linearizable)").arg(key()))
        .subcommand(client("delete", "Remove KEY").arg(key()))
        .subcommand(client("status", "Each replica's role, progress and health"))
        .subcommand(
            client(
                "load",
                "Put load for a while; prints ops/s and latency percentiles as JSON",
            )
            .arg(number("clients", "N", "16", "Concurrent callers"))
            .arg(number("seconds", "S", "10", "How long"))
            .arg(number("size", "BYTES", "64", "Value size")),
        )
}

/// Runs `keel-kv` with `argv` (without the program name). `--help` and usage errors are
/// clap's: they print and exit (0 and 2).
pub fn run(argv: Vec<String>) -> Result<()> {
    let _ = started();
    let matches = command()
        .try_get_matches_from(std::iter::once("keel-kv".to_owned()).chain(argv))
        .unwrap_or_else(|e| e.exit());
    match matches.subcommand() {
        Some(("serve", m)) => serve(m),
        Some((name, m)) => client(name, m),
        None => unreachable!("a subcommand is required"),
    }
}

/// When the process started (near enough: the first thing `main` does).
fn started() -> Instant {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    *START.get_or_init(Instant::now)
}

fn serve(m: &ArgMatches) -> Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    let config = keel_service::cli::replica_config(m).expect("--peers and --dir are required");
    let (id, dir) = (config.id, config.dir.clone());
    let listen = *m
        .get_one::<std::net::SocketAddr>("listen")
        .expect("required");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("keel-kv-clients")
        .enable_all()
        .build()?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(listen))
        .with_context(|| format!("listening for clients on {listen}"))?;
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

fn client(command: &str, m: &ArgMatches) -> Result<()> {
    let servers = keel_service::cli::members_of(m, "servers").expect("required");
    let timeout = Duration::from_millis(*m.get_one::<u64>("timeout-ms").expect("has a default"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let client = Arc::new(Client::new(servers, timeout));
        let arg = |name: &str| m.get_one::<String>(name).expect("required");
        match command {
            "put" => {
                let seq = client.put(arg("key").as_bytes(), arg("value").as_bytes()).await?;
                println!("ok (slot {seq})");
            }
            "delete" => {
                let seq = client.delete(arg("key").as_bytes()).await?;
                println!("ok (slot {seq})");
            }
            "get" => match client.get(arg("key").as_bytes()).await? {
                Some(v) => println!("{}", String::from_utf8_lossy(&v)),
                None => bail!("no such key: {}", arg("key")),
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
            "load" => load(client.clone(), m).await?,
            _ => unreachable!(),
        }
        Ok(())
    })
}

/// Puts of `--size` bytes from `--clients` concurrent callers for `--seconds`: committed
/// ops/s and latency percentiles, as one JSON line.
async fn load(client: Arc<Client>, m: &ArgMatches) -> Result<()> {
    let n = |name: &str| *m.get_one::<u64>(name).expect("has a default");
    let (clients, seconds, size) = (n("clients") as usize, n("seconds"), n("size") as usize);
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_well_formed() {
        super::command().debug_assert();
    }
}
