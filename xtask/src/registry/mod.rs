//! The registry client: finds a registry (by name in .cargo/config.toml, or by URL), its
//! token (`credentials`), and speaks the Cargo registry protocols (sparse index, publish,
//! download) and Keel's package API to it, over HTTP/1.1 or HTTPS (`tls`) through ureq.

pub mod credentials;
pub mod serve;
pub mod tls;

use crate::project::Project;
use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;
use std::sync::OnceLock;
use std::time::Duration;

/// The registry `publish`, `release` and `rebuild` use unless told otherwise.
pub const DEFAULT: &str = "keel";
/// Where a release manifest is published: a package of this name, versioned like the release.
pub const RELEASE_PACKAGE: &str = "keel-release";
/// crates.io's index, as the publish API names dependencies from it.
pub const CRATES_IO_INDEX: &str = "https://github.com/rust-lang/crates.io-index";

pub struct Registry {
    /// How the user named it (for messages).
    pub label: String,
    /// Its name in `[registries]`, when it was named rather than given by URL.
    name: Option<String>,
    /// The sparse index URL, ending in '/', without `sparse+`.
    pub index: String,
    pub api: String,
    dl: String,
    project: Project,
    /// Looked up on first need, as providers may run a program (and reads seldom need one).
    token: OnceLock<Result<Option<credentials::Token>, String>>,
    /// The registry refuses anonymous reads, so every request carries the token.
    auth_reads: bool,
    /// The CA bundles trusted, for https registries (for messages).
    trust: Option<tls::Trust>,
    agent: ureq::Agent,
}

/// A request body and its extra headers.
type Upload<'a> = (&'a [u8], Vec<(&'static str, String)>);

pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The `detail` of a Cargo-style error body, or the body itself.
    pub fn detail(&self) -> String {
        serde_json::from_slice::<Value>(&self.body)
            .ok()
            .and_then(|v| v["errors"][0]["detail"].as_str().map(str::to_owned))
            .unwrap_or_else(|| self.text().trim().to_owned())
    }
}

/// The index path of a crate, as the Cargo book specifies.
pub fn index_path(name: &str) -> String {
    let n = name.to_lowercase();
    match n.len() {
        1 => format!("1/{n}"),
        2 => format!("2/{n}"),
        3 => format!("3/{}/{n}", &n[..1]),
        _ => format!("{}/{}/{n}", &n[..2], &n[2..4]),
    }
}

impl Registry {
    /// `name_or_url`: a registry name from `[registries]` in .cargo/config.toml (default
    /// `keel`), or an http(s) URL of the registry or of its index. Fetches `config.json`.
    pub fn resolve(project: &Project, name_or_url: Option<&str>) -> Result<Registry> {
        let given = name_or_url.unwrap_or(DEFAULT);
        let (name, index) = if given.contains("://") {
            let url = given.trim_start_matches("sparse+").trim_end_matches('/');
            let index = if url.ends_with("/index") {
                format!("{url}/")
            } else {
                format!("{url}/index/")
            };
            (None, index)
        } else {
            (Some(given.to_owned()), configured_index(project, given)?)
        };
        if !index.starts_with("http://") && !index.starts_with("https://") {
            bail!("registry {given}: only http(s) sparse registries are supported (index {index})");
        }
        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(300)));
        let trust = if index.starts_with("https://") {
            let trust = tls::Trust::find(project)?;
            config = config.tls_config(trust.config()?);
            Some(trust)
        } else {
            None
        };
        let mut registry = Registry {
            label: given.to_owned(),
            name,
            index,
            api: String::new(),
            dl: String::new(),
            project: project.clone(),
            token: OnceLock::new(),
            auth_reads: false,
            trust,
            agent: config.build().into(),
        };
        let config_url = format!("{}config.json", registry.index);
        let unreachable = |registry: &Registry| {
            format!(
                "cannot reach registry {given} at {}: is it running? (`cargo xtask registry serve --dir DIR` starts Keel's)",
                registry.index
            )
        };
        let mut config = registry
            .get(&config_url)
            .with_context(|| unreachable(&registry))?;
        if config.status == 401 {
            // An auth-required registry (RFC 3139): reads carry the token too.
            if !registry.has_token() {
                bail!(
                    "registry {given} requires a token for reading: {}",
                    registry.token_hint()
                );
            }
            registry.auth_reads = true;
            config = registry.get(&config_url)?;
        }
        match config.status {
            200 => {}
            401 | 403 => bail!(
                "registry {given} refused the token ({}: {}): {}",
                config.status,
                config.detail(),
                registry.token_hint()
            ),
            s => bail!(
                "registry {given}: {}config.json answered {s}: {}",
                registry.index,
                config.detail()
            ),
        }
        let config: Value = serde_json::from_slice(&config.body)
            .with_context(|| format!("registry {given}: config.json is not JSON"))?;
        registry.dl = config["dl"]
            .as_str()
            .unwrap_or_default()
            .trim_end_matches('/')
            .to_owned();
        registry.api = config["api"]
            .as_str()
            .context("the registry's config.json has no `api`: it does not accept publishing")?
            .trim_end_matches('/')
            .to_owned();
        Ok(registry)
    }

    /// The token, looked up once; a provider's failure is an error, no token is None.
    fn token(&self) -> Result<Option<&credentials::Token>> {
        let found = self.token.get_or_init(|| {
            let reg = credentials::For {
                name: self.name.as_deref(),
                index_url: &format!("sparse+{}", self.index),
            };
            credentials::find(&self.project, &reg).map_err(|e| format!("{e:#}"))
        });
        match found {
            Ok(t) => Ok(t.as_ref()),
            Err(e) => bail!("finding the token for registry {}: {e}", self.label),
        }
    }

    /// Whether a token was found (a provider that fails counts as none; using the token
    /// reports why).
    pub fn has_token(&self) -> bool {
        matches!(self.token(), Ok(Some(_)))
    }

    pub fn token_hint(&self) -> String {
        if let Ok(Some(t)) = self.token() {
            return format!(
                "the token came from {}: ask the registry's operator for one that may do this",
                t.source
            );
        }
        if let Err(e) = self.token() {
            return format!("{e:#}");
        }
        match &self.name {
            None => "set KEEL_REGISTRY_TOKEN to a token from the registry's operator".into(),
            Some(n) => format!(
                "set {} (or KEEL_REGISTRY_TOKEN), run `cargo login --registry {n}`, or configure a credential \
                 provider; Keel's registry makes tokens with `keel-registry --dir DIR token new PRINCIPAL`",
                crate::deps::cargo_config::registry_env_var(n, "token"),
            ),
        }
    }

    fn request(&self, method: &str, url: &str, body: Option<Upload<'_>>) -> Result<Reply> {
        let builder = ureq::http::Request::builder().method(method).uri(url);
        let anonymous = method == "GET" && !self.auth_reads;
        let builder = match if anonymous { None } else { self.token()? } {
            Some(_) if !may_carry_token(url) => bail!(
                "{method} {url}: refusing to send the token over plain HTTP beyond loopback, where anyone on \
                 the way can read it; reach the registry over https"
            ),
            Some(t) => builder.header("Authorization", &t.secret),
            None => builder,
        };
        let result = match body {
            Some((bytes, headers)) => {
                let mut b = builder;
                for (k, v) in headers {
                    b = b.header(k, v);
                }
                self.agent.run(b.body(bytes.to_vec())?)
            }
            None => self.agent.run(builder.body(())?),
        };
        let mut resp = result.map_err(|e| self.explain(method, url, &e))?;
        let status = resp.status().as_u16();
        let body = resp
            .body_mut()
            .with_config()
            .limit(1 << 30)
            .read_to_vec()
            .map_err(|e| anyhow!("{method} {url}: reading the answer: {e}"))?;
        Ok(Reply { status, body })
    }

    /// A transport error in words: certificate problems name what was trusted.
    fn explain(&self, method: &str, url: &str, e: &ureq::Error) -> anyhow::Error {
        match (tls::certificate_problem(e), &self.trust) {
            (Some(problem), Some(trust)) => anyhow!(
                "{method} {url}: the registry is not trusted: {problem}; {}. Add the registry's CA \
                 to a bundle named by CARGO_HTTP_CAINFO or http.cainfo in .cargo/config.toml",
                trust.describe()
            ),
            _ => anyhow!("{method} {url}: {e}"),
        }
    }

    pub fn get(&self, url: &str) -> Result<Reply> {
        self.request("GET", url, None)
    }

    /// The index lines of a crate (empty when it was never published).
    pub fn index_lines(&self, name: &str) -> Result<Vec<Value>> {
        let r = self.get(&format!("{}{}", self.index, index_path(name)))?;
        match r.status {
            200 => r
                .text()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    serde_json::from_str(l)
                        .with_context(|| format!("a malformed index line for {name}: {l}"))
                })
                .collect(),
            404 | 410 | 451 => Ok(Vec::new()),
            s => bail!(
                "reading the index entry of {name} from {}: {s}: {}",
                self.label,
                r.detail()
            ),
        }
    }

    /// Publishes `file` (a `.crate`) with its metadata (the web API's framing).
    pub fn publish(&self, metadata: &Value, file: &[u8]) -> Result<Reply> {
        let json = serde_json::to_vec(metadata)?;
        let mut body = Vec::with_capacity(json.len() + file.len() + 8);
        body.extend_from_slice(&(json.len() as u32).to_le_bytes());
        body.extend_from_slice(&json);
        body.extend_from_slice(&(file.len() as u32).to_le_bytes());
        body.extend_from_slice(file);
        self.request(
            "PUT",
            &format!("{}/api/v1/crates/new", self.api),
            Some((&body, Vec::new())),
        )
    }

    pub fn download_crate(&self, name: &str, vers: &str) -> Result<Reply> {
        let url = if self.dl.contains('{') {
            self.dl
                .replace("{crate}", name)
                .replace("{version}", vers)
                .replace(
                    "{lowerprefix}",
                    &index_path(name)
                        .rsplit_once('/')
                        .map(|p| p.0.to_owned())
                        .unwrap_or_default(),
                )
        } else {
            format!("{}/{name}/{vers}/download", self.dl)
        };
        self.get(&url)
    }

    fn package_url(&self, name: &str, version: &str, file: &str) -> String {
        format!("{}/api/v1/packages/{name}/{version}/{file}", self.api)
    }

    pub fn put_package(
        &self,
        name: &str,
        version: &str,
        file: &str,
        bytes: &[u8],
        sha256: &str,
    ) -> Result<Reply> {
        self.request(
            "PUT",
            &self.package_url(name, version, file),
            Some((bytes, vec![("X-Checksum-Sha256", sha256.to_owned())])),
        )
    }

    pub fn get_package(&self, name: &str, version: &str, file: &str) -> Result<Reply> {
        self.get(&self.package_url(name, version, file))
    }

    /// The file names of a package version (Keel's package API); empty when there is none.
    pub fn list_package(&self, name: &str, version: &str) -> Result<Vec<String>> {
        let r = self.get(&format!("{}/api/v1/packages/{name}/{version}", self.api))?;
        match r.status {
            200 => {}
            404 => return Ok(Vec::new()),
            s => bail!(
                "listing package {name} {version} in {}: {s}: {}",
                self.label,
                r.detail()
            ),
        }
        let v: Value = serde_json::from_slice(&r.body)
            .with_context(|| format!("listing package {name} {version}: not JSON"))?;
        Ok(v["files"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["file"].as_str().map(str::to_owned))
            .collect())
    }
}

/// Whether a token may travel to `url`: over https, or plain HTTP to a loopback address.
fn may_carry_token(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return url.starts_with("https://");
    };
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `[registries.<name>] index` from the checkout's .cargo/config.toml, without `sparse+`.
fn configured_index(project: &Project, name: &str) -> Result<String> {
    let index = crate::deps::cargo_config::registries(project)?
        .remove(name)
        .ok_or_else(|| {
            anyhow!(
                "no registry named `{name}` in .cargo/config.toml [registries]: add \
                 `[registries.{name}] index = \"sparse+http://HOST:PORT/index/\"`, or pass --registry URL"
            )
        })?;
    let url = index.strip_prefix("sparse+").ok_or_else(|| {
        anyhow!("registry `{name}` ({index}) is not a sparse registry (`sparse+http://...`)")
    })?;
    Ok(if url.ends_with('/') {
        url.to_owned()
    } else {
        format!("{url}/")
    })
}

/// The web API's publish metadata for a `.crate`, read from the normalized Cargo.toml
/// inside it (what cargo itself sends). `target_index` is the registry being published to:
/// dependencies from it are "this registry" (null), others name their index.
pub fn publish_metadata(file: &[u8], target_index: &str) -> Result<Value> {
    use std::io::Read;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut manifest = None;
    for entry in archive.entries().context("reading the .crate")? {
        let mut entry = entry?;
        let path = entry.path()?.into_owned();
        if path.components().count() == 2 && path.ends_with("Cargo.toml") {
            let mut s = String::new();
            entry.read_to_string(&mut s)?;
            manifest = Some(s);
            break;
        }
    }
    let manifest = manifest.context("the .crate has no Cargo.toml")?;
    let doc: toml::Table = manifest
        .parse()
        .context("the .crate's Cargo.toml is malformed")?;
    let pkg = doc
        .get("package")
        .and_then(|p| p.as_table())
        .context("no [package]")?;
    let s = |k: &str| pkg.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    let list = |k: &str| -> Vec<String> {
        pkg.get(k)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut deps = Vec::new();
    let mut add = |table: Option<&toml::Value>, kind: &str, target: Option<&str>| {
        let Some(t) = table.and_then(|t| t.as_table()) else {
            return;
        };
        for (key, spec) in t {
            let (req, tbl) = match spec {
                toml::Value::String(v) => (v.clone(), None),
                toml::Value::Table(t) => (
                    t.get("version")
                        .and_then(|v| v.as_str())
                        .unwrap_or("*")
                        .to_owned(),
                    Some(t),
                ),
                _ => continue,
            };
            let get = |k: &str| tbl.and_then(|t| t.get(k));
            let package = get("package").and_then(|v| v.as_str());
            let registry = match get("registry-index").and_then(|v| v.as_str()) {
                Some(i)
                    if i.trim_start_matches("sparse+").trim_end_matches('/')
                        == target_index.trim_end_matches('/') =>
                {
                    Value::Null
                }
                Some(i) => Value::String(i.to_owned()),
                None => Value::String(CRATES_IO_INDEX.to_owned()),
            };
            deps.push(serde_json::json!({
                "name": package.unwrap_or(key),
                "version_req": req,
                "features": get("features").and_then(|v| v.as_array()).map(|a| a.iter().filter_map(|x| x.as_str()).collect::<Vec<_>>()).unwrap_or_default(),
                "optional": get("optional").and_then(|v| v.as_bool()).unwrap_or(false),
                "default_features": get("default-features").and_then(|v| v.as_bool()).unwrap_or(true),
                "target": target,
                "kind": kind,
                "registry": registry,
                "explicit_name_in_toml": package.map(|_| key.clone()),
            }));
        }
    };
    for (table, kind) in [
        ("dependencies", "normal"),
        ("dev-dependencies", "dev"),
        ("build-dependencies", "build"),
    ] {
        add(doc.get(table), kind, None);
    }
    if let Some(targets) = doc.get("target").and_then(|t| t.as_table()) {
        for (cfg, t) in targets {
            for (table, kind) in [
                ("dependencies", "normal"),
                ("dev-dependencies", "dev"),
                ("build-dependencies", "build"),
            ] {
                add(t.get(table), kind, Some(cfg));
            }
        }
    }
    let features: serde_json::Map<String, Value> = doc
        .get("features")
        .and_then(|f| f.as_table())
        .map(|t| {
            t.iter()
                .map(|(k, v)| (k.clone(), serde_json::to_value(v).unwrap_or(Value::Null)))
                .collect()
        })
        .unwrap_or_default();
    Ok(serde_json::json!({
        "name": s("name").context("no package name")?,
        "vers": s("version").context("no package version")?,
        "deps": deps,
        "features": features,
        "authors": list("authors"),
        "description": s("description"),
        "documentation": s("documentation"),
        "homepage": s("homepage"),
        "readme": Value::Null,
        "readme_file": s("readme"),
        "keywords": list("keywords"),
        "categories": list("categories"),
        "license": s("license"),
        "license_file": s("license-file"),
        "repository": s("repository"),
        "badges": {},
        "links": s("links"),
        "rust_version": s("rust-version"),
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_token_travels_over_https_or_to_loopback_only() {
        for ok in [
            "https://r.example/api",
            "http://127.0.0.1:8520/x",
            "http://localhost/x",
            "http://[::1]:80/x",
            "http://127.3.4.5",
        ] {
            assert!(super::may_carry_token(ok), "{ok}");
        }
        for no in [
            "http://10.0.0.1:8520/x",
            "http://registry.example/x",
            "http://127.0.0.1.example/x",
            "ftp://127.0.0.1/",
        ] {
            assert!(!super::may_carry_token(no), "{no}");
        }
    }
}
