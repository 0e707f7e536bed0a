//! keel-registry: Keel's internal registry. It serves a directory as a Cargo registry (sparse
//! index and web API, exactly as the Cargo book specifies, so the real `cargo` is its
//! client) and as a store of versioned deployment packages. Published versions are
//! immutable; every write is atomic and durable.

pub mod access;
pub mod archives;
pub mod audit;
pub mod auth;
pub mod buildid;
pub mod dispatch;
pub mod docs;
pub mod html;
pub mod index;
pub mod index_cache;
pub mod readme;
pub mod release;
pub mod serve_file;
pub mod server;
pub mod storage;
pub mod time;
pub mod tls;
pub mod ui;
pub mod upload;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// How to run a registry.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub auth_required: bool,
    /// The URL clients use; defaults to `http://<bound address>`.
    pub base_url: Option<String>,
    pub limits: upload::Limits,
}

/// Opens the registry in `dir` (creating it, and removing what a crash left half-written)
/// for clients that reach it at `base_url`.
pub fn open(
    dir: &Path,
    options: Options,
    base_url: String,
) -> std::io::Result<Arc<server::Registry>> {
    let storage = storage::Storage::open(dir)?;
    let tokens = auth::Tokens::open(dir)?;
    // Changes a crash interrupted are settled before anything new is logged.
    storage
        .audit
        .recover(|change| match change.action.as_str() {
            "token-create" | "token-revoke" => auth::happened(dir, change),
            _ => storage.happened(change),
        })?;
    if tokens.file().tokens.is_empty() {
        tracing::warn!(
            "no tokens yet: create an admin one with `keel-registry --dir <dir> token new <principal> --admin`"
        );
    }
    Ok(Arc::new(server::Registry {
        archives: archives::Archives::new(dir),
        storage,
        tokens,
        auth_required: options.auth_required,
        base_url: options
            .base_url
            .unwrap_or(base_url)
            .trim_end_matches('/')
            .to_owned(),
        limits: options.limits,
    }))
}

/// A registry being served: one thread per listener, each its own single-threaded runtime.
#[derive(Debug)]
pub struct Running {
    pub addr: SocketAddr,
    stop: tokio::sync::watch::Sender<bool>,
    threads: Vec<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl Running {
    /// Asks every thread to stop accepting and finish the requests in flight.
    pub fn stop(&self) {
        let _ = self.stop.send(true);
    }

    /// Waits for every thread to end, then records when tokens were last used.
    pub fn wait(self, registry: &server::Registry) -> std::io::Result<()> {
        let mut result = Ok(());
        for t in self.threads {
            let ended = t
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("a serving thread panicked")));
            result = result.and(ended);
        }
        flush(registry);
        result
    }
}

/// Serves `registry` on `listener` with `threads` serving threads, over TLS when `tls` is
/// given, until [`Running::stop`].
pub fn start(
    registry: Arc<server::Registry>,
    listener: std::net::TcpListener,
    threads: usize,
    tls: Option<tls::Tls>,
) -> std::io::Result<Running> {
    let addr = listener.local_addr()?;
    let listeners = dispatch::spread(listener, threads)?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut threads = Vec::new();
    for (i, listener) in listeners.into_iter().enumerate() {
        let (registry, mut stopped, tls) = (registry.clone(), stopped.clone(), tls.clone());
        let thread = std::thread::Builder::new()
            .name(format!("keel-registry-{i}"))
            .spawn(move || -> std::io::Result<()> {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                rt.block_on(async move {
                    if i == 0 {
                        // Last-used times are written every few seconds (and at the end).
                        let registry = registry.clone();
                        tokio::spawn(async move {
                            let mut every = tokio::time::interval(Duration::from_secs(5));
                            loop {
                                every.tick().await;
                                let r = registry.clone();
                                let _ = tokio::task::spawn_blocking(move || flush(&r)).await;
                            }
                        });
                    }
                    let app = axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<tls::Peer>(
                        server::app(registry),
                    );
                    let stop = async move {
                        let _ = stopped.wait_for(|s| *s).await;
                    };
                    match tls {
                        Some(tls) => {
                            let listener = tls.listener(listener)?;
                            axum::serve(listener, app)
                                .with_graceful_shutdown(stop)
                                .await
                        }
                        None => {
                            axum::serve(listener, app)
                                .with_graceful_shutdown(stop)
                                .await
                        }
                    }
                })
            })?;
        threads.push(thread);
    }
    Ok(Running {
        addr,
        stop,
        threads,
    })
}

fn flush(registry: &server::Registry) {
    if let Err(e) = registry.tokens.flush_used() {
        tracing::warn!(error = %e, "could not record when tokens were last used");
    }
}
