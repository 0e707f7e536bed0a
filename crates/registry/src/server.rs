//! The HTTP face of the registry: the sparse index and web API exactly as the Cargo book's
//! "Registry Index", "Registry Web API" and "Registry Authentication" pages specify, plus
//! generic packages and a health endpoint.

// Helpers here return `Result<_, Response>`: the error is the response itself, returned
// straight from the handler.
#![allow(clippy::result_large_err)]

use crate::access::{self, Action, Kind, Scope, Target};
use crate::auth::{self, Spec, TokenRecord, Tokens};
use crate::index;
use crate::storage::{Caller, Storage, StoreError, Stored};
use crate::time;
use crate::tls;
use crate::upload::{self, Limits};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, delete, get, post, put};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

/// Everything a running registry needs.
#[derive(Debug)]
pub struct Registry {
    pub storage: Storage,
    /// Source and docs trees of published releases.
    pub archives: crate::archives::Archives,
    pub tokens: Tokens,
    /// Reads need a token too (the registry answers 401 to anonymous reads).
    pub auth_required: bool,
    /// How clients reach this registry, e.g. `http://127.0.0.1:8520` (no trailing slash).
    pub base_url: String,
    pub limits: Limits,
}

type Shared = State<Arc<Registry>>;
/// The client's address, for the audit log.
type Peer = ConnectInfo<tls::Peer>;

pub fn router(registry: Arc<Registry>) -> Router {
    let limit = registry
        .limits
        .max_package
        .max(registry.limits.max_crate + registry.limits.max_metadata + 8);
    Router::new()
        .route("/health", get(health))
        // The web UI (`ui`): server-rendered HTML.
        .route("/", get(ui_crates))
        .route("/crates/{name}", get(ui_crate))
        .route("/packages", get(ui_packages))
        .route("/packages/{name}/{version}", get(ui_package))
        .route("/releases", get(ui_releases))
        .route("/releases/{version}", get(ui_release))
        .route("/buildid/{id}", get(ui_build_id))
        // debuginfod (elfutils' protocol: gdb, lldb, perf and debuginfod-find ask this).
        .route("/buildid/{id}/source/{*path}", get(debuginfod_source))
        .route("/buildid/{id}/{role}", get(debuginfod))
        .route("/api/v1/buildid/{id}", get(build_id_info))
        .route("/docs/{name}/{version}", get(docs_root))
        .route("/docs/{name}/{version}/", get(docs_root))
        .route("/docs/{name}/{version}/{*path}", get(docs_file))
        .route("/index/config.json", get(config_json))
        // GET and HEAD of the other index files never reach the router (`App`).
        .route("/index/{*path}", any(method_not_allowed))
        .route("/api/v1/crates/new", put(publish))
        .route("/api/v1/crates", get(search))
        .route("/api/v1/crates/{name}/{version}/download", get(download))
        .route("/api/v1/crates/{name}/{version}/yank", delete(yank))
        .route("/api/v1/crates/{name}/{version}/unyank", put(unyank))
        .route(
            "/api/v1/crates/{name}/owners",
            get(crate_owners)
                .put(crate_owners_change)
                .delete(crate_owners_change),
        )
        .route(
            "/api/v1/packages/{name}/owners",
            get(package_owners)
                .put(package_owners_change)
                .delete(package_owners_change),
        )
        .route("/api/v1/tokens", post(token_create).get(token_list))
        .route("/api/v1/tokens/{name}", delete(token_revoke))
        .route("/api/v1/audit", get(audit_page))
        .route("/api/v1/packages/{name}/{version}", get(package_list))
        .route(
            "/api/v1/packages/{name}/{version}/{file}",
            put(package_put).get(package_get),
        )
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn(log))
        .with_state(registry)
}

/// What every connection runs. GETs of index files, by far the most frequent request (a
/// build asks for the file of every dependency), are answered here from the index cache,
/// skipping the router, its extractors and the boxed future of the logging middleware: a
/// third of the CPU a GET cost (`cargo xtask bench registry`). Everything else goes
/// through the router.
#[derive(Clone, Debug)]
pub struct App {
    registry: Arc<Registry>,
    router: Router,
}

pub fn app(registry: Arc<Registry>) -> App {
    App {
        router: router(registry.clone()),
        registry,
    }
}

type Reply = std::pin::Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

impl tower_service::Service<Request> for App {
    type Response = Response;
    type Error = Infallible;
    type Future = Reply;

    fn poll_ready(
        &mut self,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Infallible>> {
        std::task::Poll::Ready(Ok(())) // the router is always ready
    }

    fn call(&mut self, req: Request) -> Reply {
        let path = req.uri().path();
        if let Some(file) = path.strip_prefix("/index/")
            && file != "config.json"
            && matches!(*req.method(), Method::GET | Method::HEAD)
        {
            let started = Instant::now();
            let resp = index_file(&self.registry, file, req.headers());
            log_request(req.method(), path, resp.status(), started);
            return Box::pin(std::future::ready(Ok(resp)));
        }
        let call = self.router.call(req);
        Box::pin(call)
    }
}

/// One structured log line per request.
async fn log(req: Request, next: Next) -> Response {
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    let started = Instant::now();
    let resp = next.run(req).await;
    log_request(&method, &path, resp.status(), started);
    resp
}

fn log_request(method: &Method, path: &str, status: StatusCode, started: Instant) {
    tracing::info!(
        %method,
        path,
        status = status.as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
}

async fn method_not_allowed() -> Response {
    error(
        StatusCode::METHOD_NOT_ALLOWED,
        "index files are read with GET",
    )
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
        StoreError::Forbidden(m) => error(StatusCode::FORBIDDEN, m),
        StoreError::Invalid(m) => error(StatusCode::BAD_REQUEST, m),
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
    blocking(reg, move |r| f(&r.storage)).await
}

/// Runs `f` (file I/O: a write, or a read that may unpack an archive) on the blocking pool,
/// mapping its errors to responses.
async fn blocking<T: Send + 'static>(
    reg: &Arc<Registry>,
    f: impl FnOnce(&Registry) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, Response> {
    let reg = reg.clone();
    match tokio::task::spawn_blocking(move || f(&reg)).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(store_error(e)),
        Err(e) => Err(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("storage task failed: {e}"),
        )),
    }
}

/// Who is calling: `Ok(Some(token))` with a valid, live token; `Ok(None)` anonymous where
/// allowed (reads, unless every request needs a token).
fn authorize(
    reg: &Registry,
    headers: &HeaderMap,
    write: bool,
) -> Result<Option<TokenRecord>, Response> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    match given {
        Some(token) => match reg.tokens.lookup(token) {
            Some(record) => match access::check_live(&record, time::now()) {
                Ok(()) => Ok(Some(record)),
                Err(why) => Err(error(StatusCode::FORBIDDEN, why)),
            },
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

/// A write's caller: a token is required.
fn writer(reg: &Registry, headers: &HeaderMap) -> Result<TokenRecord, Response> {
    Ok(authorize(reg, headers, true)?.expect("writes require a token"))
}

/// Runs `f` with the caller `token` doing `action` on `name`, the rule applied under the
/// name's lock.
async fn write_as<T: Send + 'static>(
    reg: &Arc<Registry>,
    peer: SocketAddr,
    token: TokenRecord,
    action: Action,
    kind: Kind,
    name: String,
    f: impl FnOnce(&Storage, &Caller<'_>) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, Response> {
    let legacy = reg.tokens.file();
    write(reg, move |st| {
        let allow = |t: Target<'_>| access::check(&token, action, kind, &name, t, time::now());
        let actor = token.actor(&peer.to_string());
        let caller = Caller {
            principal: &token.principal,
            actor: &actor,
            legacy_owners: &legacy.legacy_owners,
            allow: &allow,
        };
        f(st, &caller)
    })
    .await
}

/// An admin endpoint's caller: a live admin token.
fn admin(reg: &Registry, headers: &HeaderMap) -> Result<TokenRecord, Response> {
    let token = writer(reg, headers)?;
    if !token.admin {
        return Err(error(
            StatusCode::FORBIDDEN,
            format!(
                "token `{}` of {} is not an admin token; managing tokens needs one (`keel-registry token new PRINCIPAL --admin`)",
                token.name, token.principal
            ),
        ));
    }
    Ok(token)
}

/// `GET /buildid/<id>/debuginfo|executable`: the file published under that build-id.
async fn debuginfod(
    State(reg): Shared,
    Path((id, role)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = authorize(&reg, &headers, false) {
        return r;
    }
    let path = match reg.storage.by_build_id(&id, &role) {
        Ok(p) => p,
        Err(e) => return store_error(e),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let size = match tokio::fs::metadata(&path).await {
        Ok(m) => m.len().to_string(),
        Err(e) => return store_error(e.into()),
    };
    let extra = vec![
        (HeaderName::from_static("x-debuginfod-size"), size),
        (HeaderName::from_static("x-debuginfod-file"), name),
    ];
    match crate::serve_file::file(&path, &headers, extra).await {
        Ok(response) => response,
        Err(e) => store_error(e.into()),
    }
}

/// `GET /buildid/<id>/source/<absolute path>`: a source file of the build, out of the source
/// archive published with the release its debuginfo (or executable) belongs to.
async fn debuginfod_source(
    State(reg): Shared,
    Path((id, path)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = authorize(&reg, &headers, false) {
        return r;
    }
    let found = blocking(&reg, move |reg| {
        let (rel, _) = reg
            .storage
            .build_id_record(&id, "debuginfo")
            .or_else(|_| reg.storage.build_id_record(&id, "executable"))?;
        let mut parts = rel.splitn(3, '/');
        let (package, version) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let (archive, archive_id) =
            crate::release::archive(&reg.storage, package, version, "source")?;
        let key = crate::archives::normalize(&path)
            .ok_or_else(|| StoreError::NotFound(format!("/{path} names no file")))?;
        let bytes = reg.archives.read(&archive, &archive_id, &key)?;
        Ok((key, bytes, archive_id))
    })
    .await;
    match found {
        Ok((key, bytes, archive)) => {
            let size = bytes.len().to_string();
            crate::serve_file::response(
                bytes,
                &headers,
                vec![
                    (HeaderName::from_static("x-debuginfod-size"), size),
                    (
                        HeaderName::from_static("x-debuginfod-file"),
                        format!("/{key}"),
                    ),
                    (HeaderName::from_static("x-debuginfod-archive"), archive),
                ],
            )
        }
        Err(r) => r,
    }
}

async fn docs_root(
    State(reg): Shared,
    Path((name, version)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    docs(reg, name, version, String::new(), headers).await
}

async fn docs_file(
    State(reg): Shared,
    Path((name, version, path)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    docs(reg, name, version, path, headers).await
}

/// `GET /docs/<crate>/<version>/<path>`: see `docs`.
async fn docs(
    reg: Arc<Registry>,
    name: String,
    version: String,
    path: String,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = authorize(&reg, &headers, false) {
        return r;
    }
    let found = blocking(&reg, move |reg| {
        crate::docs::lookup(&reg.storage, &reg.archives, &name, &version, &path)
    })
    .await;
    match found {
        Ok(crate::docs::Answer::Redirect(to)) => {
            (StatusCode::FOUND, [(header::LOCATION, to)]).into_response()
        }
        Ok(crate::docs::Answer::File(key, bytes)) => crate::serve_file::response(
            bytes,
            &headers,
            vec![
                (
                    header::CONTENT_TYPE,
                    crate::serve_file::content_type(&key).to_owned(),
                ),
                (header::CONTENT_SECURITY_POLICY, crate::docs::CSP.to_owned()),
            ],
        ),
        Err(r) => r,
    }
}

/// Runs a page of the web UI on the blocking pool (it reads the store) and answers HTML.
async fn ui_page(
    reg: Arc<Registry>,
    headers: HeaderMap,
    render: impl FnOnce(&Registry) -> Result<crate::ui::Page, StoreError> + Send + 'static,
) -> Response {
    if let Err(r) = authorize(&reg, &headers, false) {
        return r;
    }
    let (status, body) = match tokio::task::spawn_blocking(move || render(&reg)).await {
        Ok(Ok(crate::ui::Page::Found(html))) => (StatusCode::OK, html),
        Ok(Ok(crate::ui::Page::Missing(html))) => (StatusCode::NOT_FOUND, html),
        Ok(Err(StoreError::NotFound(what))) => (StatusCode::NOT_FOUND, crate::ui::not_found(&what)),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "rendering a page");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                crate::html::page(
                    "Error",
                    &format!("<h1>Error</h1><p>{}</p>", crate::html::esc(&e.to_string())),
                ),
            )
        }
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("rendering failed: {e}"),
        ),
    };
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, crate::html::CSP),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

async fn ui_crates(
    State(reg): Shared,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let search = q.get("q").cloned().unwrap_or_default();
    let page = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    ui_page(reg, headers, move |r| crate::ui::crates(r, &search, page)).await
}

async fn ui_crate(State(reg): Shared, Path(name): Path<String>, headers: HeaderMap) -> Response {
    ui_page(reg, headers, move |r| crate::ui::crate_page(r, &name)).await
}

async fn ui_packages(State(reg): Shared, headers: HeaderMap) -> Response {
    ui_page(reg, headers, crate::ui::packages).await
}

async fn ui_package(
    State(reg): Shared,
    Path((name, version)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    ui_page(reg, headers, move |r| {
        if upload::check_segment("name", &name).is_err()
            || upload::check_segment("version", &version).is_err()
        {
            return Err(StoreError::NotFound(format!("no package {name} {version}")));
        }
        crate::ui::package(r, &name, &version)
    })
    .await
}

async fn ui_releases(State(reg): Shared, headers: HeaderMap) -> Response {
    ui_page(reg, headers, crate::ui::releases).await
}

async fn ui_release(
    State(reg): Shared,
    Path(version): Path<String>,
    headers: HeaderMap,
) -> Response {
    ui_page(reg, headers, move |r| {
        if upload::check_segment("version", &version).is_err() {
            return Err(StoreError::NotFound(format!("no release {version}")));
        }
        crate::ui::release_page(r, &version)
    })
    .await
}

async fn ui_build_id(State(reg): Shared, Path(id): Path<String>, headers: HeaderMap) -> Response {
    ui_page(reg, headers, move |r| crate::ui::build_id(r, &id)).await
}

/// `GET /api/v1/buildid/<id>`: which release file a build-id is ("which release is this
/// binary from?"): for each role, the package, version, file and sha256; 404 if neither.
async fn build_id_info(State(reg): Shared, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if let Err(r) = authorize(&reg, &headers, false) {
        return r;
    }
    let mut found = serde_json::Map::new();
    for role in ["executable", "debuginfo"] {
        match reg.storage.build_id_record(&id, role) {
            Ok((rel, sha256)) => {
                let mut parts = rel.splitn(3, '/');
                let (package, version, file) = (parts.next(), parts.next(), parts.next());
                found.insert(
                    role.into(),
                    json!({"package": package, "version": version, "file": file, "sha256": sha256}),
                );
            }
            Err(StoreError::NotFound(_)) => {}
            Err(e) => return store_error(e),
        }
    }
    if found.is_empty() {
        return error(
            StatusCode::NOT_FOUND,
            format!("no published file has build-id {id}"),
        );
    }
    found.insert("build_id".into(), json!(id));
    axum::Json(Value::Object(found)).into_response()
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

/// An index file (`path` below `/index/`), with ETag/If-None-Match and Last-Modified.
fn index_file(reg: &Registry, path: &str, headers: &HeaderMap) -> Response {
    if let Err(r) = authorize(reg, headers, false) {
        return r;
    }
    // Index paths are lowercase crate names under 1-2 levels of short directories.
    let name = path.rsplit('/').next().unwrap_or("");
    if upload::check_name(name).is_err() || index::path_of(name) != path {
        return error(StatusCode::NOT_FOUND, format!("no index file {path}"));
    }
    // Index files are small and hot: served from memory (`index_cache`).
    let Some(cached) = reg.storage.served_index(path) else {
        return error(StatusCode::NOT_FOUND, format!("no crate named {name}"));
    };
    let not_modified = headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == cached.etag.as_bytes());
    let mut resp = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (StatusCode::OK, cached.body.clone()).into_response()
    };
    let h = resp.headers_mut();
    h.insert(header::ETAG, cached.etag.clone());
    if let Some(m) = &cached.last_modified {
        h.insert(header::LAST_MODIFIED, m.clone());
    }
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    resp
}

async fn publish(
    State(reg): Shared,
    ConnectInfo(tls::Peer(peer)): Peer,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let token = match writer(&reg, &headers) {
        Ok(t) => t,
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
    let (principal, token_name) = (token.principal.clone(), token.name.clone());
    let publish = move |st: &Storage, c: &Caller<'_>| st.publish(&meta, &file, c);
    match write_as(
        &reg,
        peer,
        token,
        Action::Publish,
        Kind::Crate,
        name.clone(),
        publish,
    )
    .await
    {
        Ok(what) => {
            tracing::info!(
                crate_name = name,
                vers,
                principal,
                token = token_name,
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
    peer: SocketAddr,
    headers: HeaderMap,
    name: String,
    version: String,
    yanked: bool,
) -> Response {
    let token = match writer(&reg, &headers) {
        Ok(t) => t,
        Err(r) => return r,
    };
    let set = {
        let name = name.clone();
        move |st: &Storage, c: &Caller<'_>| st.set_yanked(&name, &version, yanked, c)
    };
    match write_as(&reg, peer, token, Action::Yank, Kind::Crate, name, set).await {
        Ok(()) => axum::Json(json!({"ok": true})).into_response(),
        Err(r) => r,
    }
}

async fn yank(
    State(reg): Shared,
    ConnectInfo(tls::Peer(peer)): Peer,
    Path((name, version)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    set_yank(reg, peer, headers, name, version, true).await
}

async fn unyank(
    State(reg): Shared,
    ConnectInfo(tls::Peer(peer)): Peer,
    Path((name, version)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    set_yank(reg, peer, headers, name, version, false).await
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
    let all = match reg.storage.catalog() {
        Ok(a) => a,
        Err(e) => return store_error(e),
    };
    let hits: Vec<Value> = all
        .iter()
        .filter(|c| c.line.name.to_lowercase().contains(&query))
        .map(|c| json!({"name": c.line.name, "max_version": c.line.vers, "description": c.description}))
        .collect();
    let total = hits.len();
    axum::Json(json!({"crates": hits.into_iter().take(per_page).collect::<Vec<_>>(), "meta": {"total": total}})).into_response()
}

/// `GET .../owners`: `{"users": [{"id", "login", "name"}]}`, as `cargo owner --list` reads it.
async fn list_owners(reg: Arc<Registry>, headers: HeaderMap, kind: Kind, name: String) -> Response {
    if let Err(r) = authorize(&reg, &headers, false) {
        return r;
    }
    let file = reg.tokens.file();
    match reg.storage.owners(kind, &name, &file.legacy_owners) {
        Ok(Some(owners)) => {
            let users: Vec<Value> = owners
                .iter()
                .map(|o| json!({"id": file.principal_id(o).unwrap_or(0), "login": o, "name": o}))
                .collect();
            axum::Json(json!({ "users": users })).into_response()
        }
        Ok(None) => error(
            StatusCode::NOT_FOUND,
            format!("nothing named {name} is published here"),
        ),
        Err(e) => store_error(e),
    }
}

#[derive(serde::Deserialize)]
struct Users {
    users: Vec<String>,
}

/// `PUT`/`DELETE .../owners` with `{"users": [login, ...]}`: `{"ok": true, "msg": ...}`.
async fn change_owners(
    reg: Arc<Registry>,
    peer: SocketAddr,
    headers: HeaderMap,
    kind: Kind,
    name: String,
    add: bool,
    body: Bytes,
) -> Response {
    let token = match writer(&reg, &headers) {
        Ok(t) => t,
        Err(r) => return r,
    };
    let Ok(Users { users }) = serde_json::from_slice(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "the body must be {\"users\": [\"login\", ...]}",
        );
    };
    let file = reg.tokens.file();
    let change = {
        let name = name.clone();
        move |st: &Storage, c: &Caller<'_>| {
            st.change_owners(kind, &name, add, &users, &file.principals(), c)
        }
    };
    match write_as(&reg, peer, token, Action::ChangeOwners, kind, name, change).await {
        Ok(msg) => axum::Json(json!({"ok": true, "msg": msg})).into_response(),
        Err(r) => r,
    }
}

async fn crate_owners(
    State(reg): Shared,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    list_owners(reg, headers, Kind::Crate, name).await
}

/// `PUT` adds owners, `DELETE` removes them.
async fn crate_owners_change(
    State(reg): Shared,
    ConnectInfo(tls::Peer(peer)): Peer,
    method: Method,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let add = method == Method::PUT;
    change_owners(reg, peer, headers, Kind::Crate, name, add, body).await
}

async fn package_owners(
    State(reg): Shared,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    if upload::check_segment("name", &name).is_err() {
        return error(StatusCode::NOT_FOUND, format!("no package {name}"));
    }
    list_owners(reg, headers, Kind::Package, name).await
}

/// `PUT` adds owners, `DELETE` removes them.
async fn package_owners_change(
    State(reg): Shared,
    ConnectInfo(tls::Peer(peer)): Peer,
    method: Method,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(e) = upload::check_segment("name", &name) {
        return error(StatusCode::BAD_REQUEST, e.0);
    }
    let add = method == Method::PUT;
    change_owners(reg, peer, headers, Kind::Package, name, add, body).await
}

/// What the token API shows of a token: never the token or its hash.
pub fn describe(t: &TokenRecord, last_used: Option<u64>) -> Value {
    json!({
        "name": t.name,
        "principal": t.principal,
        "scopes": t.scopes,
        "crates": t.crates,
        "expires": t.expires.map(time::rfc3339),
        "admin": t.admin,
        "created": time::rfc3339(t.created),
        "last_used": last_used.map(time::rfc3339),
        "revoked": t.revoked.map(time::rfc3339),
    })
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NewToken {
    principal: String,
    name: Option<String>,
    scopes: Option<Vec<String>>,
    crates: Option<Vec<String>>,
    expires: Option<String>,
    #[serde(default)]
    admin: bool,
}

impl NewToken {
    fn spec(self) -> Result<Spec, String> {
        let mut spec = Spec::full(&self.principal);
        spec.name = self.name;
        spec.admin = self.admin;
        if let Some(scopes) = self.scopes {
            spec.scopes = Scope::parse_list(&scopes.join(","))?;
        }
        if let Some(crates) = self.crates {
            crates.iter().try_for_each(|p| access::check_pattern(p))?;
            spec.crates = crates;
        }
        if let Some(e) = self.expires {
            spec.expires = Some(time::parse_expiry(&e, time::now())?);
        }
        Ok(spec)
    }
}

/// `POST /api/v1/tokens` (admin): makes a token; 201 with the token, shown this once.
async fn token_create(
    State(reg): Shared,
    ConnectInfo(tls::Peer(peer)): Peer,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let by = match admin(&reg, &headers) {
        Ok(t) => t,
        Err(r) => return r,
    };
    let spec = match serde_json::from_slice::<NewToken>(&body)
        .map_err(|e| format!("the body must be {{\"principal\": ..., \"scopes\"?, \"crates\"?, \"expires\"?, \"name\"?, \"admin\"?}}: {e}"))
        .and_then(NewToken::spec)
    {
        Ok(s) => s,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    let dir = reg.storage.root().to_path_buf();
    let actor = by.actor(&peer.to_string());
    match tokio::task::spawn_blocking(move || auth::create(&dir, spec, &actor)).await {
        Ok(Ok((token, record))) => {
            reg.tokens.reload();
            tracing::info!(
                token = record.name,
                principal = record.principal,
                by = by.name,
                "token created"
            );
            let mut body = describe(&record, None);
            body["token"] = json!(token);
            (StatusCode::CREATED, axum::Json(body)).into_response()
        }
        Ok(Err(e)) => error(StatusCode::BAD_REQUEST, e),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("token task failed: {e}"),
        ),
    }
}

/// `GET /api/v1/tokens` (admin).
async fn token_list(State(reg): Shared, headers: HeaderMap) -> Response {
    if let Err(r) = admin(&reg, &headers) {
        return r;
    }
    let used = reg.tokens.last_used();
    let tokens: Vec<Value> = reg
        .tokens
        .file()
        .tokens
        .iter()
        .map(|t| describe(t, used.get(&t.name).copied()))
        .collect();
    axum::Json(json!({ "tokens": tokens })).into_response()
}

/// `DELETE /api/v1/tokens/{name}` (admin): revokes it.
async fn token_revoke(
    State(reg): Shared,
    ConnectInfo(tls::Peer(peer)): Peer,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let by = match admin(&reg, &headers) {
        Ok(t) => t,
        Err(r) => return r,
    };
    let dir = reg.storage.root().to_path_buf();
    let which = name.clone();
    let actor = by.actor(&peer.to_string());
    match tokio::task::spawn_blocking(move || auth::revoke(&dir, &which, &actor)).await {
        Ok(Ok(record)) => {
            reg.tokens.reload();
            tracing::info!(token = record.name, by = by.name, "token revoked");
            axum::Json(json!({"ok": true, "token": describe(&record, None)})).into_response()
        }
        Ok(Err(e)) if e.starts_with("no token named") => error(StatusCode::NOT_FOUND, e),
        Ok(Err(e)) => error(StatusCode::CONFLICT, e),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("token task failed: {e}"),
        ),
    }
}

async fn package_put(
    State(reg): Shared,
    ConnectInfo(tls::Peer(peer)): Peer,
    Path((name, version, file)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let token = match writer(&reg, &headers) {
        Ok(t) => t,
        Err(r) => return r,
    };
    for (what, s) in [("name", &name), ("version", &version), ("file name", &file)] {
        if let Err(e) = upload::check_segment(what, s) {
            return error(StatusCode::BAD_REQUEST, e.0);
        }
    }
    if version == "owners" {
        return error(
            StatusCode::BAD_REQUEST,
            "`owners` is not a valid package version: its path is the package's owners endpoint",
        );
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
    let put = {
        let name = name.clone();
        move |st: &Storage, c: &Caller<'_>| st.put_package(&name, &version, &file, &body, c)
    };
    match write_as(&reg, peer, token, Action::Publish, Kind::Package, name, put).await {
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
            crate::serve_file::response(
                bytes,
                &headers,
                vec![(HeaderName::from_static("x-checksum-sha256"), sha)],
            )
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

/// `GET /api/v1/audit?since=ID&limit=N` (admin): completed changes, oldest first, at most
/// N (default 100, at most 1000); `next` is the `since` of the following page.
async fn audit_page(
    State(reg): Shared,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = admin(&reg, &headers) {
        return r;
    }
    let number = |key: &str| -> Result<Option<u64>, Response> {
        q.get(key)
            .map(|v| {
                v.parse().map_err(|_| {
                    error(
                        StatusCode::BAD_REQUEST,
                        format!("`{key}={v}` is not a number"),
                    )
                })
            })
            .transpose()
    };
    let (since, limit) = match (number("since"), number("limit")) {
        (Ok(s), Ok(l)) => (s, l.unwrap_or(100).clamp(1, 1000) as usize),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let reg2 = reg.clone();
    match tokio::task::spawn_blocking(move || reg2.storage.audit.page(since, limit)).await {
        Ok(Ok((events, next))) => {
            axum::Json(json!({ "events": events, "next": next })).into_response()
        }
        Ok(Err(e)) => store_error(StoreError::Io(e)),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("audit task failed: {e}"),
        ),
    }
}
