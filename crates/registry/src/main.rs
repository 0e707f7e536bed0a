//! `keel-registry`: run Keel's internal registry, or make a publish token for it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage:
  keel-registry serve --dir DIR [--addr ADDR] [--base-url URL] [--auth-required]
      Serve the registry stored in DIR (created if missing) on ADDR (default 127.0.0.1:8520).
      Cargo's index is at <URL>/index/ (use `sparse+<URL>/index/` in .cargo/config.toml).
      --base-url is how clients reach it, when not http://ADDR (behind a proxy).
      --auth-required makes every request, reads included, need a token.
  keel-registry token new --dir DIR OWNER
      Create a publish token for OWNER; prints it once (only its hash is stored).";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let mut dir = None;
    let mut addr: SocketAddr = "127.0.0.1:8520".parse().expect("valid");
    let mut base_url = None;
    let mut auth_required = false;
    let mut rest = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |flag: &str| it.next().cloned().ok_or(format!("{flag} needs a value"));
        match a.as_str() {
            "--dir" => dir = Some(PathBuf::from(value("--dir")?)),
            "--addr" => {
                let v = value("--addr")?;
                addr = v
                    .parse()
                    .map_err(|_| format!("--addr {v:?} is not an address like 127.0.0.1:8520"))?;
            }
            "--base-url" => base_url = Some(value("--base-url")?),
            "--auth-required" => auth_required = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}")),
            _ => rest.push(a.clone()),
        }
    }
    let dir = dir.ok_or("--dir DIR is required: the directory that holds the registry")?;
    match rest
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["serve"] => serve(dir, addr, base_url, auth_required),
        ["token", "new", owner] => {
            let token = keel_registry::auth::new_token(&dir, owner).map_err(|e| e.to_string())?;
            eprintln!(
                "created a publish token for {owner} (shown once; only its hash is stored in {}):",
                dir.join(keel_registry::auth::FILE).display()
            );
            println!("{token}");
            Ok(())
        }
        other => Err(format!("unknown command {other:?}")),
    }
}

fn serve(
    dir: PathBuf,
    addr: SocketAddr,
    base_url: Option<String>,
    auth_required: bool,
) -> Result<(), String> {
    tracing_subscriber::fmt().with_target(false).init();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("keel-registry")
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
            format!(
                "cannot listen on {addr}: {e} (is another registry running there? choose --addr)"
            )
        })?;
        let bound = listener.local_addr().map_err(|e| e.to_string())?;
        let options = keel_registry::Options {
            auth_required,
            base_url,
            ..Default::default()
        };
        let registry = keel_registry::open(&dir, options, format!("http://{bound}"))
            .map_err(|e| format!("opening the registry in {}: {e}", dir.display()))?;
        // The first line on stdout, once ready: where it listens (scripts and tests read it).
        println!(
            "keel-registry listening on {} (index: sparse+{}/index/), serving {}",
            registry.base_url,
            registry.base_url,
            dir.display()
        );
        keel_registry::serve(registry, listener, shutdown_signal())
            .await
            .map_err(|e| format!("serving {}: {e}", dir.display()))
    })
}

async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    tracing::info!("shutting down");
}
