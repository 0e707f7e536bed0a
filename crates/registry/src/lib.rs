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

/// Serves the registry in `dir` on `listener` until `shutdown` completes.
pub async fn serve(
    dir: &Path,
    listener: tokio::net::TcpListener,
    options: Options,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let storage = storage::Storage::open(dir)?;
    let tokens = auth::Tokens::load(dir)?;
    let base_url = match options.base_url {
        Some(u) => u.trim_end_matches('/').to_owned(),
        None => format!("http://{}", listener.local_addr()?),
    };
    if tokens.is_empty() {
        tracing::warn!(
            "no publish tokens yet: create one with `keel-registry token new --dir <dir> <owner>`"
        );
    }
    let registry = Arc::new(server::Registry {
        storage,
        tokens,
        auth_required: options.auth_required,
        base_url,
        limits: options.limits,
    });
    axum::serve(listener, server::router(registry))
        .with_graceful_shutdown(shutdown)
        .await
}
