//! Tokens. `tokens.json` in the registry directory holds one record per token: its name, its
//! principal, the sha256 of the token (never the token), its scopes, crate-name patterns,
//! expiry and whether it is an admin token. Revoked tokens stay, marked, so a refusal can
//! say so. The CLI and a running server both change the file, each under a file lock; the
//! server notices changes within a second, so a token made on the command line works at
//! once. When each token was last used is kept apart, in `tokens-used.json`, written by the
//! server every few seconds, so authorizing a request never rewrites the authority file.

use crate::access::Scope;
use crate::audit::{Actor, AuditLog, Change};
use crate::storage::{sha256_hex, write_atomic};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

pub const FILE: &str = "tokens.json";
/// The one-line-per-token file of registries from before scopes and owners.
pub const LEGACY: &str = "tokens";
const LOCK: &str = ".tokens.lock";
pub const USED: &str = "tokens-used.json";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenRecord {
    pub name: String,
    pub principal: String,
    pub sha256: String,
    pub scopes: Vec<Scope>,
    /// Crate-name patterns it is limited to; empty: every name.
    #[serde(default)]
    pub crates: Vec<String>,
    /// Seconds since the epoch.
    pub expires: Option<u64>,
    #[serde(default)]
    pub admin: bool,
    pub created: u64,
    pub revoked: Option<u64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TokenFile {
    pub version: u32,
    pub tokens: Vec<TokenRecord>,
    /// The principals of tokens that predate ownership: they could publish every crate,
    /// so they own the crates and packages published then (which have no owners file).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legacy_owners: Vec<String>,
}

impl TokenRecord {
    /// Who acts with this token from `addr`, for the audit log.
    pub fn actor(&self, addr: &str) -> Actor {
        Actor {
            principal: self.principal.clone(),
            token: self.name.clone(),
            addr: addr.to_owned(),
        }
    }
}

/// The operator at the command line, for the audit log.
pub fn cli_actor() -> Actor {
    Actor {
        principal: std::env::var("USER").unwrap_or_else(|_| "operator".into()),
        token: "-".into(),
        addr: "cli".into(),
    }
}

/// What a new token may do.
#[derive(Debug, Clone)]
pub struct Spec {
    pub principal: String,
    pub name: Option<String>,
    pub scopes: Vec<Scope>,
    pub crates: Vec<String>,
    pub expires: Option<u64>,
    pub admin: bool,
}

impl Spec {
    /// Every scope, every crate, no expiry.
    pub fn full(principal: &str) -> Spec {
        Spec {
            principal: principal.to_owned(),
            name: None,
            scopes: Scope::ALL.to_vec(),
            crates: Vec::new(),
            expires: None,
            admin: false,
        }
    }
}

/// A principal or token name: letters, digits, `-`, `_`, `.`.
pub fn check_name(what: &str, s: &str) -> Result<(), String> {
    let ok = !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{s}` is not a valid {what}: use up to 64 letters, digits, '-', '_', '.'"
        ))
    }
}

/// The raw token in an `Authorization` header (what cargo sends), or `Bearer <token>`.
fn token_of(header: &str) -> &str {
    header.strip_prefix("Bearer ").unwrap_or(header).trim()
}

impl TokenFile {
    /// Every principal, in the order its first token was made (their owner-API ids).
    pub fn principals(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let names = self.legacy_owners.iter().map(String::as_str);
        for p in names.chain(self.tokens.iter().map(|t| t.principal.as_str())) {
            if !out.contains(&p) {
                out.push(p);
            }
        }
        out
    }

    /// A principal's number in the owners API (cargo wants one).
    pub fn principal_id(&self, principal: &str) -> Option<u32> {
        let ps = self.principals();
        ps.iter()
            .position(|p| *p == principal)
            .map(|i| i as u32 + 1)
    }

    pub fn find(&self, header: &str) -> Option<&TokenRecord> {
        let hash = sha256_hex(token_of(header).as_bytes());
        self.tokens.iter().find(|t| t.sha256 == hash)
    }

    fn parse(path: &Path, text: &str) -> io::Result<TokenFile> {
        let file: TokenFile = serde_json::from_str(text).map_err(|e| {
            io::Error::other(format!(
                "{} is not a token file ({e}); restore it from a backup",
                path.display()
            ))
        })?;
        if file.version != 1 {
            return Err(io::Error::other(format!(
                "{} is format version {}, and this keel-registry reads version 1: run the keel-registry that wrote it",
                path.display(),
                file.version
            )));
        }
        Ok(file)
    }
}

/// Reads the token file, converting a registry's old `tokens` file first (under the lock).
pub fn load(dir: &Path) -> io::Result<TokenFile> {
    if !dir.join(FILE).exists() && dir.join(LEGACY).exists() {
        update(dir, |_| Ok(())).map_err(io::Error::other)?;
    }
    read(dir)
}

fn read(dir: &Path) -> io::Result<TokenFile> {
    let path = dir.join(FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => TokenFile::parse(&path, &text),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(TokenFile {
            version: 1,
            ..Default::default()
        }),
        Err(e) => Err(e),
    }
}

/// The old format: `<owner> <sha256>` per line. Each becomes a token with every scope.
fn migrate(dir: &Path, file: &mut TokenFile) -> io::Result<()> {
    let path = dir.join(LEGACY);
    let text = std::fs::read_to_string(&path)?;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((owner, hash)) = line.split_once(' ').filter(|(_, h)| h.len() == 64) else {
            return Err(io::Error::other(format!(
                "{}: line {} is not `<owner> <sha256 hex>`",
                path.display(),
                n + 1
            )));
        };
        let k = file.tokens.iter().filter(|t| t.principal == owner).count() + 1;
        file.tokens.push(TokenRecord {
            name: format!("{owner}-{k}"),
            principal: owner.to_owned(),
            sha256: hash.to_owned(),
            scopes: Scope::ALL.to_vec(),
            crates: Vec::new(),
            expires: None,
            admin: false,
            created: crate::time::now(),
            revoked: None,
        });
        if !file.legacy_owners.iter().any(|o| o == owner) {
            file.legacy_owners.push(owner.to_owned());
        }
    }
    tracing::warn!(
        tokens = file.tokens.len(),
        "converted the old `tokens` file to tokens.json (kept as tokens.v0); \
         crates published before now are owned by every principal that had a token"
    );
    Ok(())
}

/// Changes the token file under its lock: read, `f`, write atomically.
pub fn update<T>(
    dir: &Path,
    f: impl FnOnce(&mut TokenFile) -> Result<T, String>,
) -> Result<T, String> {
    let fail = |e: io::Error| format!("updating {}: {e}", dir.join(FILE).display());
    std::fs::create_dir_all(dir).map_err(fail)?;
    let lock = std::fs::File::create(dir.join(LOCK)).map_err(fail)?;
    lock.lock().map_err(fail)?;
    let mut file = read(dir).map_err(|e| e.to_string())?;
    let legacy = !dir.join(FILE).exists() && dir.join(LEGACY).exists();
    if legacy {
        migrate(dir, &mut file).map_err(|e| e.to_string())?;
    }
    let out = f(&mut file)?;
    let text = serde_json::to_string_pretty(&file).expect("serializable");
    write_atomic(&dir.join(FILE), text.as_bytes()).map_err(fail)?;
    if legacy {
        std::fs::rename(dir.join(LEGACY), dir.join("tokens.v0")).map_err(fail)?;
    }
    Ok(out)
}

fn random_token() -> io::Result<String> {
    let mut random = [0u8; 32];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut random)?;
    Ok(format!(
        "keel_{}",
        random
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    ))
}

/// Makes a token as `spec` says; returns it (the only time it exists outside the caller)
/// with its record.
pub fn create(dir: &Path, spec: Spec, actor: &Actor) -> Result<(String, TokenRecord), String> {
    check_name("principal", &spec.principal)?;
    if let Some(name) = &spec.name {
        check_name("token name", name)?;
    }
    let token = random_token().map_err(|e| format!("reading /dev/urandom: {e}"))?;
    let record = update_logged(
        dir,
        |file| {
            let name = match &spec.name {
                Some(n) if file.tokens.iter().any(|t| t.name == *n) => {
                    return Err(format!(
                        "a token named `{n}` exists already; choose another name"
                    ));
                }
                Some(n) => n.clone(),
                None => {
                    let mut k = 1;
                    while file
                        .tokens
                        .iter()
                        .any(|t| t.name == format!("{}-{k}", spec.principal))
                    {
                        k += 1;
                    }
                    format!("{}-{k}", spec.principal)
                }
            };
            let record = TokenRecord {
                name,
                principal: spec.principal.clone(),
                sha256: sha256_hex(token.as_bytes()),
                scopes: spec.scopes.clone(),
                crates: spec.crates.clone(),
                expires: spec.expires,
                admin: spec.admin,
                created: crate::time::now(),
                revoked: None,
            };
            file.tokens.push(record.clone());
            Ok(record)
        },
        |r| token_change("token-create", r),
        actor,
    )?;
    Ok((token, record))
}

/// Revokes the token named `name`; revoking twice is refused, naming when.
pub fn revoke(dir: &Path, name: &str, actor: &Actor) -> Result<TokenRecord, String> {
    update_logged(
        dir,
        |file| {
            let t = file
                .tokens
                .iter_mut()
                .find(|t| t.name == name)
                .ok_or_else(|| {
                    format!("no token named `{name}` (`keel-registry token list` shows them)")
                })?;
            if let Some(at) = t.revoked {
                return Err(format!(
                    "token `{name}` was revoked already, at {}",
                    crate::time::rfc3339(at)
                ));
            }
            t.revoked = Some(crate::time::now());
            Ok(t.clone())
        },
        |r| token_change("token-revoke", r),
        actor,
    )
}

fn token_change(action: &str, t: &TokenRecord) -> Change {
    Change {
        action: action.into(),
        name: t.name.clone(),
        version: None,
        file: None,
        sha256: t.sha256.clone(),
        detail: serde_json::json!({
            "principal": t.principal, "scopes": t.scopes, "crates": t.crates,
            "expires": t.expires.map(crate::time::rfc3339), "admin": t.admin,
        }),
    }
}

/// Whether the token file shows `change` (for an audit intent a crash left open).
pub fn happened(dir: &Path, change: &Change) -> io::Result<bool> {
    let file = read(dir)?;
    let t = file
        .tokens
        .iter()
        .find(|t| t.name == change.name && t.sha256 == change.sha256);
    Ok(match change.action.as_str() {
        "token-create" => t.is_some(),
        _ => t.is_some_and(|t| t.revoked.is_some()),
    })
}

/// [`update`], with the change `describe` gives logged in the audit log: its intent
/// durably before the token file is written, its outcome after.
fn update_logged<T>(
    dir: &Path,
    f: impl FnOnce(&mut TokenFile) -> Result<T, String>,
    describe: impl FnOnce(&T) -> Change,
    actor: &Actor,
) -> Result<T, String> {
    let audit = AuditLog::new(dir);
    let mut intent = None;
    let result = update(dir, |file| {
        let out = f(file)?;
        let id = audit
            .intend(actor, &describe(&out))
            .map_err(|e| format!("writing the audit log: {e}"))?;
        intent = Some(id);
        Ok(out)
    });
    if let Some(id) = intent {
        audit
            .finish(id, result.is_ok())
            .map_err(|e| format!("writing the audit log: {e}"))?;
    }
    result
}

/// A token with every scope for `owner` (the CLI's default; tests and benchmarks use it).
pub fn new_token(dir: &Path, owner: &str) -> io::Result<String> {
    create(dir, Spec::full(owner), &cli_actor())
        .map(|(token, _)| token)
        .map_err(io::Error::other)
}

/// When each token was last used: name → seconds since the epoch.
pub fn last_used(dir: &Path) -> HashMap<String, u64> {
    std::fs::read_to_string(dir.join(USED))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// A running server's view of the token file, reloaded when it changes on disk.
#[derive(Debug)]
pub struct Tokens {
    dir: PathBuf,
    current: RwLock<(Arc<TokenFile>, Option<Stamp>)>,
    /// When the file was last looked at (ms since the epoch): at most once a second.
    checked: AtomicU64,
    used: Mutex<HashMap<String, u64>>,
    used_changed: AtomicBool,
}

/// Identifies one version of the file: every write is a rename of a new one.
type Stamp = (u64, u64, i64, i64);

fn stamp(path: &Path) -> Option<Stamp> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).ok()?;
    Some((m.ino(), m.size(), m.mtime(), m.mtime_nsec()))
}

impl Tokens {
    pub fn open(dir: &Path) -> io::Result<Tokens> {
        let file = load(dir)?;
        Ok(Tokens {
            dir: dir.to_path_buf(),
            current: RwLock::new((Arc::new(file), stamp(&dir.join(FILE)))),
            checked: AtomicU64::new(0),
            used: Mutex::new(last_used(dir)),
            used_changed: AtomicBool::new(false),
        })
    }

    /// The token file as of at most a second ago (at once after [`Tokens::reload`]).
    pub fn file(&self) -> Arc<TokenFile> {
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        let last = self.checked.load(Ordering::Relaxed);
        if now_ms >= last + 1000
            && self
                .checked
                .compare_exchange(last, now_ms, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            let on_disk = stamp(&self.dir.join(FILE));
            if on_disk != self.current.read().unwrap_or_else(|e| e.into_inner()).1 {
                self.reload();
            }
        }
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .0
            .clone()
    }

    /// Reads the file again now (after a change made through the API, or on SIGHUP). A
    /// file that no longer reads keeps the previous tokens, and says so.
    pub fn reload(&self) {
        let on_disk = stamp(&self.dir.join(FILE));
        match read(&self.dir) {
            Ok(file) => {
                *self.current.write().unwrap_or_else(|e| e.into_inner()) = (Arc::new(file), on_disk)
            }
            Err(e) => tracing::error!(error = %e, "keeping the previous tokens"),
        }
    }

    /// The record of the token in `header`, noting its use.
    pub fn lookup(&self, header: &str) -> Option<TokenRecord> {
        let record = self.file().find(header).cloned()?;
        let now = crate::time::now();
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        if used.insert(record.name.clone(), now) != Some(now) {
            self.used_changed.store(true, Ordering::Relaxed);
        }
        Some(record)
    }

    pub fn last_used(&self) -> HashMap<String, u64> {
        self.used.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Writes the last-used times if they changed.
    pub fn flush_used(&self) -> io::Result<()> {
        if !self.used_changed.swap(false, Ordering::Relaxed) {
            return Ok(());
        }
        let text = serde_json::to_string(&self.last_used()).expect("serializable");
        write_atomic(&self.dir.join(USED), text.as_bytes())
    }
}
