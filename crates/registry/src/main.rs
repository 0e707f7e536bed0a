//! `keel-registry`: run Keel's internal registry, or manage its tokens.

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
                )
                .arg(
                    Arg::new("tls-cert")
                        .long("tls-cert")
                        .value_name("PEM")
                        .value_parser(value_parser!(PathBuf))
                        .requires("tls-key")
                        .help("Serve HTTPS with this certificate chain (PEM); reloaded on SIGHUP"),
                )
                .arg(
                    Arg::new("tls-key")
                        .long("tls-key")
                        .value_name("PEM")
                        .value_parser(value_parser!(PathBuf))
                        .requires("tls-cert")
                        .help("The certificate's private key (PEM); reloaded on SIGHUP"),
                )
                .arg(
                    Arg::new("threads")
                        .long("threads")
                        .value_name("N")
                        .value_parser(value_parser!(usize))
                        .help("Serving threads, each handling its share of the connections (default: one per core)"),
                ),
        )
        .subcommand(
            Command::new("token")
                .about("Manage tokens (a running registry sees changes within a second)")
                .subcommand_required(true)
                .subcommand(
                    Command::new("new")
                        .about("Create a token for PRINCIPAL; prints it once (only its hash is stored)")
                        .arg(Arg::new("principal").value_name("PRINCIPAL").required(true))
                        .arg(
                            Arg::new("name")
                                .long("name")
                                .value_name("NAME")
                                .help("The token's name, for `token list` and `token revoke` (default: PRINCIPAL-<n>)"),
                        )
                        .arg(
                            Arg::new("scope")
                                .long("scope")
                                .value_name("SCOPES")
                                .help("What it may do, comma-separated: publish-new, publish-update, yank, change-owners (default: all)"),
                        )
                        .arg(
                            Arg::new("crates")
                                .long("crates")
                                .value_name("PATTERNS")
                                .help("The crate and package names it may act on, comma-separated; a trailing * matches a prefix, as keel-* (default: any)"),
                        )
                        .arg(
                            Arg::new("expires")
                                .long("expires")
                                .value_name("WHEN")
                                .help("When it stops working: a lifetime (90d, 12h, 30m) or a date (2027-03-31) (default: never)"),
                        )
                        .arg(
                            Arg::new("admin")
                                .long("admin")
                                .action(ArgAction::SetTrue)
                                .help("It may also manage tokens through the API and change any crate's owners"),
                        ),
                )
                .subcommand(
                    Command::new("list")
                        .about("List tokens: name, principal, scopes, patterns, expiry, last use (never the token)")
                        .arg(
                            Arg::new("json")
                                .long("json")
                                .action(ArgAction::SetTrue)
                                .help("One JSON object per token"),
                        ),
                )
                .subcommand(
                    Command::new("revoke")
                        .about("Revoke the token named NAME; it is refused from then on")
                        .arg(Arg::new("name").value_name("NAME").required(true)),
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
            m.get_one::<usize>("threads").copied(),
            m.get_one::<PathBuf>("tls-cert")
                .cloned()
                .zip(m.get_one::<PathBuf>("tls-key").cloned()),
        ),
        Some(("token", m)) => match m.subcommand().expect("a subcommand is required") {
            ("new", m) => new_token(&dir, m),
            ("list", m) => list_tokens(&dir, m.get_flag("json")),
            ("revoke", m) => {
                let name = m.get_one::<String>("name").expect("required");
                let actor = keel_registry::auth::cli_actor();
                keel_registry::auth::revoke(&dir, name, &actor).map(|t| {
                    eprintln!("revoked token `{}` of {}", t.name, t.principal);
                })
            }
            _ => unreachable!("a subcommand is required"),
        },
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

fn new_token(dir: &std::path::Path, m: &clap::ArgMatches) -> Result<(), String> {
    use keel_registry::{access, auth, time};
    let arg = |name: &str| m.get_one::<String>(name);
    let mut spec = auth::Spec::full(arg("principal").expect("required"));
    spec.name = arg("name").cloned();
    spec.admin = m.get_flag("admin");
    if let Some(s) = arg("scope") {
        spec.scopes = access::Scope::parse_list(s).map_err(|e| format!("--scope: {e}"))?;
    }
    if let Some(p) = arg("crates") {
        spec.crates = access::parse_patterns(p).map_err(|e| format!("--crates: {e}"))?;
    }
    if let Some(e) = arg("expires") {
        spec.expires =
            Some(time::parse_expiry(e, time::now()).map_err(|e| format!("--expires: {e}"))?);
    }
    let (token, record) = auth::create(dir, spec, &auth::cli_actor())?;
    eprintln!(
        "created token `{}` for {} (shown once; only its hash is stored in {}): {}",
        record.name,
        record.principal,
        dir.join(auth::FILE).display(),
        summary(&record)
    );
    println!("{token}");
    Ok(())
}

/// What a token may do, in one line.
fn summary(t: &keel_registry::auth::TokenRecord) -> String {
    use keel_registry::time::rfc3339;
    let scopes: Vec<&str> = t.scopes.iter().map(|s| s.name()).collect();
    format!(
        "scopes {}; crates {}; expires {}{}",
        scopes.join(","),
        if t.crates.is_empty() {
            "any".to_owned()
        } else {
            t.crates.join(",")
        },
        t.expires.map(rfc3339).unwrap_or_else(|| "never".into()),
        if t.admin { "; admin" } else { "" }
    )
}

fn list_tokens(dir: &std::path::Path, json: bool) -> Result<(), String> {
    use keel_registry::{auth, time::rfc3339};
    let file = auth::load(dir).map_err(|e| e.to_string())?;
    let used = auth::last_used(dir);
    for t in &file.tokens {
        let last = used.get(&t.name).copied();
        if json {
            println!("{}", keel_registry::server::describe(t, last));
            continue;
        }
        let state = match t.revoked {
            Some(at) => format!("revoked {}", rfc3339(at)),
            None => "active".into(),
        };
        println!(
            "{}\t{}\t{}\t{}\tlast used {}",
            t.name,
            t.principal,
            summary(t),
            state,
            last.map(rfc3339).unwrap_or_else(|| "never".into())
        );
    }
    if file.tokens.is_empty() && !json {
        eprintln!(
            "no tokens yet: `keel-registry --dir {} token new PRINCIPAL --admin`",
            dir.display()
        );
    }
    Ok(())
}

fn serve(
    dir: PathBuf,
    addr: SocketAddr,
    base_url: Option<String>,
    auth_required: bool,
    threads: Option<usize>,
    tls_files: Option<(PathBuf, PathBuf)>,
) -> Result<(), String> {
    tracing_subscriber::fmt()
        .with_target(false)
        .with_writer(std::io::stderr)
        .init();
    let threads = threads
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1);
    let listener = std::net::TcpListener::bind(addr).map_err(|e| {
        format!("cannot listen on {addr}: {e} (is another registry running there? choose --addr)")
    })?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    let tls = match &tls_files {
        Some((cert, key)) => Some(keel_registry::tls::Tls::new(cert, key)?),
        None => None,
    };
    if tls.is_none() && !bound.ip().is_loopback() {
        tracing::warn!(
            %bound,
            "serving plain HTTP beyond loopback: tokens cross the network readable; give --tls-cert and --tls-key, or put a TLS proxy in front (--base-url https://...)"
        );
    }
    let scheme = if tls.is_some() { "https" } else { "http" };
    let options = keel_registry::Options {
        auth_required,
        base_url,
        ..Default::default()
    };
    let registry = keel_registry::open(&dir, options, format!("{scheme}://{bound}"))
        .map_err(|e| format!("opening the registry in {}: {e}", dir.display()))?;
    // Signals are handled on a runtime of their own; requests on the serving threads.
    let signals = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    use tokio::signal::unix::{SignalKind, signal};
    // Installed before the ready line: SIGHUP's default action would end the process.
    let (mut hangup, mut term) = signals
        .block_on(async {
            Ok::<_, std::io::Error>((
                signal(SignalKind::hangup())?,
                signal(SignalKind::terminate())?,
            ))
        })
        .map_err(|e| format!("installing the signal handlers: {e}"))?;
    let running = keel_registry::start(registry.clone(), listener, threads, tls.clone())
        .map_err(|e| format!("starting the serving threads: {e}"))?;
    // The first line on stdout, once ready: where it listens (scripts and tests read it).
    println!(
        "keel-registry listening on {} (index: sparse+{}/index/), serving {} with {threads} threads",
        registry.base_url,
        registry.base_url,
        dir.display()
    );
    signals.block_on(async {
        loop {
            tokio::select! {
                _ = hangup.recv() => {
                    tracing::info!("SIGHUP: reloading tokens and the certificate");
                    registry.tokens.reload();
                    if let Some(tls) = &tls {
                        match tls.reload() {
                            Ok(()) => tracing::info!("new handshakes get the reloaded certificate"),
                            Err(e) => tracing::error!(error = %e, "keeping the previous certificate"),
                        }
                    }
                }
                _ = term.recv() => break,
                _ = tokio::signal::ctrl_c() => break,
            }
        }
    });
    tracing::info!("shutting down");
    running.stop();
    running
        .wait(&registry)
        .map_err(|e| format!("serving {}: {e}", dir.display()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_well_formed() {
        super::command().debug_assert();
    }
}
