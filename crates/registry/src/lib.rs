//! keel-registry: Keel's internal registry. It serves a directory as a Cargo registry (sparse
//! index and web API, exactly as the Cargo book specifies, so the real `cargo` is its
//! client) and as a store of versioned deployment packages. Published versions are
//! immutable; every write is atomic and durable.

pub mod access;
pub mod audit;
pub mod auth;
pub mod index;
pub mod index_cache;
pub mod server;
pub mod storage;
pub mod time;
pub mod upload;

use std::future::Future;
use std::path::Path;
use std::sync::Arc;

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
        storage,
        index_cache: Default::default(),
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

/// Serves `registry` on `listener` until `shutdown` completes.
pub async fn serve(
    registry: Arc<server::Registry>,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Last-used times are written every few seconds, and once more at the end.
    let flusher = {
        let registry = registry.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(5));
            loop {
                every.tick().await;
                let r = registry.clone();
                let _ = tokio::task::spawn_blocking(move || flush(&r)).await;
            }
        })
    };
    let app = server::router(registry.clone())
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    flusher.abort();
    flush(&registry);
    served
}

fn flush(registry: &server::Registry) {
    if let Err(e) = registry.tokens.flush_used() {
        tracing::warn!(error = %e, "could not record when tokens were last used");
    }
}
