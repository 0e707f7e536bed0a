//! The HTTP face of the registry: the sparse index and web API exactly as the Cargo book's
//! "Registry Index", "Registry Web API" and "Registry Authentication" pages specify, plus
//! generic packages and a health endpoint.

// Helpers here return `Result<_, Response>`: the error is the response itself, returned
// straight from the handler.
#![allow(clippy::result_large_err)]

use crate::auth::Tokens;
use crate::index;
use crate::storage::{Storage, StoreError, Stored};
use crate::upload::{self, Limits};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, put};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

/// Everything a running registry needs.
#[derive(Debug)]
pub struct Registry {
    pub storage: Storage,
    pub tokens: Tokens,
    /// Reads need a token too (the registry answers 401 to anonymous reads).
    pub auth_required: bool,
    /// How clients reach this registry, e.g. `http://127.0.0.1:8520` (no trailing slash).
    pub base_url: String,
    pub limits: Limits,
}

type Shared = State<Arc<Registry>>;

pub fn router(registry: Arc<Registry>) -> Router {
    let limit = registry
        .limits
        .max_package
        .max(registry.limits.max_crate + registry.limits.max_metadata + 8);
    Router::new()
        .route("/health", get(health))
        .route("/index/config.json", get(config_json))
        .route("/index/{*path}", get(index_file))
        .route("/api/v1/crates/new", put(publish))
        .route("/api/v1/crates", get(search))
        .route("/api/v1/crates/{name}/{version}/download", get(download))
        .route("/api/v1/crates/{name}/{version}/yank", delete(yank))
        .route("/api/v1/crates/{name}/{version}/unyank", put(unyank))
        .route(
            "/api/v1/crates/{name}/owners",
            get(owners).put(owners_change).delete(owners_change),
        )
        .route("/api/v1/packages/{name}/{version}", get(package_list))
        .route(
            "/api/v1/packages/{name}/{version}/{file}",
            put(package_put).get(package_get),
        )
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn(log))
        .with_state(registry)
}

/// One structured log line per request.
async fn log(req: Request, next: Next) -> Response {
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    let started = Instant::now();
    let resp = next.run(req).await;
    tracing::info!(
        %method,
        path,
        status = resp.status().as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    resp
}

/// A Cargo-style error response: `{"errors":[{"detail": ...}]}`.
fn error(status: StatusCode, detail: impl Into<String>) -> Response {
    let detail = detail.into();
    (
        status,
        axum::Json(json!({ "errors": [{ "detail": detail }] })),
    )
        .into_response()
}

fn store_error(e: StoreError) -> Response {
    match e {
        StoreError::Conflict(m) => error(StatusCode::CONFLICT, m),
        StoreError::NotFound(m) => error(StatusCode::NOT_FOUND, m),
        StoreError::Io(e) => {
            tracing::error!(error = %e, "storage failure");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("storage failure: {e}"),
            )
        }
    }
}

/// Runs a storage write (fsync-bound) on the blocking pool, mapping its errors to responses.
async fn write<T: Send + 'static>(
    reg: &Arc<Registry>,
    f: impl FnOnce(&Storage) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, Response> {
    let reg = reg.clone();
    match tokio::task::spawn_blocking(move || f(&reg.storage)).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(store_error(e)),
        Err(e) => Err(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("storage task failed: {e}"),
        )),
    }
}

/// Who is calling: `Ok(Some(owner))` with a valid token, `Ok(None)` anonymous where allowed.
fn authorize(reg: &Registry, headers: &HeaderMap, write: bool) -> Result<Option<String>, Response> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    match given {
        Some(token) => match reg.tokens.owner(token) {
            Some(owner) => Ok(Some(owner.to_owned())),
            None => Err(error(
                StatusCode::FORBIDDEN,
                "the token is not valid for this registry; get one from its operator (`keel-registry token new`)",
            )),
        },
        None if write || reg.auth_required => {
            let mut resp = error(
                StatusCode::UNAUTHORIZED,
                if write {
                    "publishing needs a token: `cargo login --registry <name>` or CARGO_REGISTRIES_<NAME>_TOKEN"
                } else {
                    "this registry requires a token for every request"
                },
            );
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Cargo login_url=\"about:blank\""),
            );
            Err(resp)
        }
        None => Ok(None),
    }
}

async fn health(State(reg): Shared) -> Response {
    axum::Json(json!({ "status": "ok", "auth_required": reg.auth_required })).into_response()
}

async fn config_json(State(reg): Shared, headers: HeaderMap) -> Response {
    if let Err(r) = authorize(&reg, &headers, false) {
        return r;
    }
    axum::Json(json!({
        "dl": format!("{}/api/v1/crates", reg.base_url),
        "api": reg.base_url,
        "auth-required": reg.auth_required,
    }))
    .into_response()
}

async fn index_file(State(reg): Shared, Path(path): Path<String>, headers: HeaderMap) -> Response {
    if let Err(r) = authorize(&reg, &headers, false) {
        return r;
    }
    // Index paths are lowercase crate names under 1-2 levels of short directories.
    let name = path.rsplit('/').next().unwrap_or("");
    if upload::check_name(name).is_err() || index::path_of(name) != path {
        return error(StatusCode::NOT_FOUND, format!("no index file {path}"));
    }
    let file = reg.storage.index_file(&path);
    // Index files are small and hot in the page cache: reading them inline costs less than
    // a hop to the blocking pool (measured by `cargo xtask bench registry`).
    let Ok(meta) = std::fs::metadata(&file) else {
        return error(StatusCode::NOT_FOUND, format!("no crate named {name}"));
    };
    // Every index write is a rename of a new file: inode, size and mtime identify a version
    // without reading or hashing it.
    let etag = {
        use std::os::unix::fs::MetadataExt;
        format!(
            "\"{:x}-{:x}-{:x}.{:x}\"",
            meta.ino(),
            meta.size(),
            meta.mtime(),
            meta.mtime_nsec()
        )
    };
    let modified = meta.modified().ok();
    let not_modified = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == etag);
    let mut resp = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let Ok(bytes) = std::fs::read(&file) else {
            return error(StatusCode::NOT_FOUND, format!("no crate named {name}"));
        };
        (StatusCode::OK, bytes).into_response()
    };
    let h = resp.headers_mut();
    h.insert(header::ETAG, HeaderValue::from_str(&etag).expect("hex"));
    if let Some(m) = modified {
        h.insert(
            header::LAST_MODIFIED,
            HeaderValue::from_str(&httpdate::fmt_http_date(m)).expect("ascii date"),
        );
    }
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    resp
}

async fn publish(State(reg): Shared, headers: HeaderMap, body: Bytes) -> Response {
    let owner = match authorize(&reg, &headers, true) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let (meta, file) = match upload::split_publish(&body, &reg.limits) {
        Ok(x) => x,
        Err(e) => return error(StatusCode::BAD_REQUEST, e.0),
    };
    if let Err(e) = upload::check_crate(&meta, file, &reg.limits) {
        return error(StatusCode::BAD_REQUEST, e.0);
    }
    let (name, vers) = (meta.name.clone(), meta.vers.clone());
    let file = file.to_vec();
    match write(&reg, move |st| st.publish(&meta, &file)).await {
        Ok(what) => {
            tracing::info!(
                crate_name = name,
                vers,
                owner = owner.as_deref(),
                ?what,
                "published"
            );
            let other: Vec<String> = match what {
                Stored::Created => vec![],
                Stored::AlreadyPresent => vec![format!(
                    "{name} {vers} was already published with these exact bytes; nothing changed"
                )],
            };
            axum::Json(json!({"warnings": {"invalid_categories": [], "invalid_badges": [], "other": other}}))
                .into_response()
        }
        Err(r) => r,
    }
}

async fn download(
    State(reg): Shared,
    Path((name, version)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = authorize(&reg, &headers, false) {
        return r;
    }
    if upload::check_name(&name).is_err() || upload::check_version(&version).is_err() {
        return error(StatusCode::NOT_FOUND, format!("no crate {name} {version}"));
    }
    match tokio::fs::read(reg.storage.crate_file(&name, &version)).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, "application/gzip")], bytes).into_response(),
        Err(_) => error(StatusCode::NOT_FOUND, format!("no crate {name} {version}")),
    }
}

async fn set_yank(
    reg: Arc<Registry>,
    headers: HeaderMap,
    name: String,
    version: String,
    yanked: bool,
) -> Response {
    if let Err(r) = authorize(&reg, &headers, true) {
        return r;
    }
    match write(&reg, move |st| st.set_yanked(&name, &version, yanked)).await {
        Ok(()) => axum::Json(json!({"ok": true})).into_response(),
        Err(r) => r,
    }
}

async fn yank(
    State(reg): Shared,
    Path((name, version)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    set_yank(reg, headers, name, version, true).await
}

async fn unyank(
    State(reg): Shared,
    Path((name, version)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    set_yank(reg, headers, name, version, false).await
}

async fn search(
    State(reg): Shared,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = authorize(&reg, &headers, false) {
        return r;
    }
    let query = q.get("q").map(|s| s.to_lowercase()).unwrap_or_default();
    let per_page: usize = q
        .get("per_page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(10)
        .clamp(1, 100);
    let all = match reg.storage.all_crates() {
        Ok(a) => a,
        Err(e) => return store_error(e),
    };
    let hits: Vec<Value> = all
        .iter()
        .filter(|l| l.name.to_lowercase().contains(&query))
        .map(|l| json!({"name": l.name, "max_version": l.vers, "description": reg.storage.description(&l.name).unwrap_or_default()}))
        .collect();
    let total = hits.len();
    axum::Json(json!({"crates": hits.into_iter().take(per_page).collect::<Vec<_>>(), "meta": {"total": total}})).into_response()
}

async fn owners(State(reg): Shared, Path(name): Path<String>, headers: HeaderMap) -> Response {
    if let Err(r) = authorize(&reg, &headers, false) {
        return r;
    }
    match reg.storage.lines(&name) {
        Ok(l) if l.is_empty() => error(StatusCode::NOT_FOUND, format!("no crate named {name}")),
        Ok(_) => {
            // Every token holder may publish every crate: the owners are the token owners.
            let users: Vec<Value> = reg
                .tokens
                .owners()
                .iter()
                .enumerate()
                .map(|(i, o)| json!({"id": i + 1, "login": o, "name": o}))
                .collect();
            axum::Json(json!({ "users": users })).into_response()
        }
        Err(e) => store_error(e),
    }
}

async fn owners_change(State(reg): Shared, headers: HeaderMap) -> Response {
    if let Err(r) = authorize(&reg, &headers, true) {
        return r;
    }
    error(
        StatusCode::BAD_REQUEST,
        "owners here are the holders of publish tokens; the operator adds one with `keel-registry token new <owner>`",
    )
}

async fn package_put(
    State(reg): Shared,
    Path((name, version, file)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = authorize(&reg, &headers, true) {
        return r;
    }
    for (what, s) in [("name", &name), ("version", &version), ("file name", &file)] {
        if let Err(e) = upload::check_segment(what, s) {
            return error(StatusCode::BAD_REQUEST, e.0);
        }
    }
    let sha = crate::storage::sha256_hex(&body);
    if let Some(claimed) = headers
        .get("x-checksum-sha256")
        .and_then(|v| v.to_str().ok())
        && claimed != sha
    {
        return error(
            StatusCode::BAD_REQUEST,
            format!(
                "the body's sha256 is {sha}, but X-Checksum-Sha256 says {claimed}: the upload was damaged or truncated; nothing was stored"
            ),
        );
    }
    match write(&reg, move |st| {
        st.put_package(&name, &version, &file, &body)
    })
    .await
    {
        Ok((what, sha)) => {
            let status = if what == Stored::Created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            (
                status,
                [("x-checksum-sha256", sha.clone())],
                axum::Json(json!({"sha256": sha, "created": what == Stored::Created})),
            )
                .into_response()
        }
        Err(r) => r,
    }
}

async fn package_get(
    State(reg): Shared,
    Path((name, version, file)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = authorize(&reg, &headers, false) {
        return r;
    }
    for (what, s) in [("name", &name), ("version", &version), ("file name", &file)] {
        if upload::check_segment(what, s).is_err() {
            return error(
                StatusCode::NOT_FOUND,
                format!("no package file {name}/{version}/{file}"),
            );
        }
    }
    match tokio::fs::read(reg.storage.package_file(&name, &version, &file)).await {
        Ok(bytes) => {
            let sha = crate::storage::sha256_hex(&bytes);
            ([("x-checksum-sha256", sha)], Body::from(bytes)).into_response()
        }
        Err(_) => error(
            StatusCode::NOT_FOUND,
            format!("no package file {name}/{version}/{file}"),
        ),
    }
}

async fn package_list(
    State(reg): Shared,
    Path((name, version)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = authorize(&reg, &headers, false) {
        return r;
    }
    if upload::check_segment("name", &name).is_err()
        || upload::check_segment("version", &version).is_err()
    {
        return error(
            StatusCode::NOT_FOUND,
            format!("no package {name} {version}"),
        );
    }
    match reg.storage.list_package(&name, &version) {
        Ok(files) => axum::Json(json!({
            "name": name, "version": version,
            "files": files.iter().map(|(f, sha, size)| json!({"file": f, "sha256": sha, "size": size})).collect::<Vec<_>>(),
        }))
        .into_response(),
        Err(e) => store_error(e),
    }
}
