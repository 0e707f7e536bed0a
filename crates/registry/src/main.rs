//! `keel-registry`: run Keel's internal registry, or make a publish token for it.

use clap::{Arg, ArgAction, Command, value_parser};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// The command line. `--dir` may come before or after the command, so it is global, and
/// `run` requires it.
fn command() -> Command {
    Command::new("keel-registry")
        .about("Keel's internal registry: Cargo's sparse index and web API, and versioned packages")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(
            Arg::new("dir")
                .long("dir")
                .value_name("DIR")
                .value_parser(value_parser!(PathBuf))
                .global(true)
                .help("The directory that holds the registry (created if missing; required)"),
        )
        .subcommand(
            Command::new("serve")
                .about("Serve the registry stored in DIR")
                .long_about(
                    "Serve the registry stored in DIR. Cargo's index is at <URL>/index/ (use \
                     `sparse+<URL>/index/` in .cargo/config.toml). The first line on stdout, once \
                     ready, says where it listens.",
                )
                .arg(
                    Arg::new("addr")
                        .long("addr")
                        .value_name("ADDR")
                        .default_value("127.0.0.1:8520")
                        .value_parser(value_parser!(SocketAddr))
                        .help("Where to listen (port 0: any free port)"),
                )
                .arg(
                    Arg::new("base-url")
                        .long("base-url")
                        .value_name("URL")
                        .help("How clients reach it, when not http://ADDR (behind a proxy)"),
                )
                .arg(
                    Arg::new("auth-required")
                        .long("auth-required")
                        .action(ArgAction::SetTrue)
                        .help("Every request, reads included, needs a token"),
                ),
        )
        .subcommand(
            Command::new("token")
                .about("Manage publish tokens")
                .subcommand_required(true)
                .subcommand(
                    Command::new("new")
                        .about("Create a publish token for OWNER; prints it once (only its hash is stored)")
                        .arg(Arg::new("owner").value_name("OWNER").required(true)),
                ),
        )
}

fn main() -> ExitCode {
    let matches = command().get_matches();
    let Some(dir) = matches.get_one::<PathBuf>("dir").cloned() else {
        command()
            .error(
                clap::error::ErrorKind::MissingRequiredArgument,
                "--dir DIR is required: the directory that holds the registry",
            )
            .exit()
    };
    let result = match matches.subcommand() {
        Some(("serve", m)) => serve(
            dir,
            *m.get_one::<SocketAddr>("addr").expect("has a default"),
            m.get_one::<String>("base-url").cloned(),
            m.get_flag("auth-required"),
        ),
        Some(("token", m)) => {
            let (_, m) = m.subcommand().expect("a subcommand is required");
            let owner = m.get_one::<String>("owner").expect("required");
            new_token(&dir, owner)
        }
        _ => unreachable!("a subcommand is required"),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn new_token(dir: &std::path::Path, owner: &str) -> Result<(), String> {
    let token = keel_registry::auth::new_token(dir, owner).map_err(|e| e.to_string())?;
    eprintln!(
        "created a publish token for {owner} (shown once; only its hash is stored in {}):",
        dir.join(keel_registry::auth::FILE).display()
    );
    println!("{token}");
    Ok(())
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_well_formed() {
        super::command().debug_assert();
    }
}
