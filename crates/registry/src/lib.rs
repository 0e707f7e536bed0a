//! keel-registry: Keel's internal registry. It serves a directory as a Cargo registry (sparse
//! index and web API, exactly as the Cargo book specifies, so the real `cargo` is its
//! client) and as a store of versioned deployment packages. Published versions are
//! immutable; every write is atomic and durable.

pub mod auth;
pub mod index;
pub mod server;
pub mod storage;
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
    let tokens = auth::Tokens::load(dir)?;
    if tokens.is_empty() {
        tracing::warn!(
            "no publish tokens yet: create one with `keel-registry token new --dir <dir> <owner>`"
        );
    }
    Ok(Arc::new(server::Registry {
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

/// Serves `registry` on `listener` until `shutdown` completes.
pub async fn serve(
    registry: Arc<server::Registry>,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, server::router(registry))
        .with_graceful_shutdown(shutdown)
        .await
}
