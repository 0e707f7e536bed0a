//! The registry's state is a directory:
//!
//! ```text
//! index/<index path>      one JSON line per published version (the sparse index files)
//! crates/<name>/<name>-<version>.crate
//! crates/<name>/owners.json         {"owners": [principal, ...]}
//! packages/<name>/<version>/<file>
//! packages/<name>/.owners.json      the same, for a package
//! tokens.json             the tokens (see `auth`)
//! ```
//!
//! Every write is a temp file in the same directory, fsync, rename, fsync of the directory:
//! a crash leaves the old file or the new, never a mix. A `.crate` is written before its
//! index line, so every index line points at a complete file. Writes to one crate are
//! serialized; different crates proceed in parallel. Who may write is decided under the
//! same lock, on the state the write will change (a crate's first publish makes its owner).

use crate::access::{Kind, Target};
use crate::audit::{Actor, AuditLog, Change};
use crate::index::{self, Line, NewCrate};
use crate::index_cache::{Cached, IndexCache};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    NotFound(String),
    /// The caller may not: which rule refused, in words.
    #[error("{0}")]
    Forbidden(String),
    /// The request itself is malformed.
    #[error("{0}")]
    Invalid(String),
    #[error("storage failure: {0}")]
    Io(#[from] io::Error),
}

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    Created,
    /// The same bytes were already there: nothing changed.
    AlreadyPresent,
}

/// Who asks for a write, and the rule that decides, applied under the name's lock.
pub struct Caller<'a> {
    pub principal: &'a str,
    /// For the audit log: the principal, token and address.
    pub actor: &'a Actor,
    /// Owners of names published before owners were recorded (see `auth::TokenFile`).
    pub legacy_owners: &'a [String],
    pub allow: &'a dyn Fn(Target<'_>) -> Result<(), String>,
}

impl std::fmt::Debug for Caller<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caller")
            .field("principal", &self.principal)
            .finish_non_exhaustive()
    }
}

impl Caller<'_> {
    fn allow(&self, target: Target<'_>) -> Result<(), StoreError> {
        (self.allow)(target).map_err(StoreError::Forbidden)
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct OwnersFile {
    owners: Vec<String>,
}

fn owners_bytes(owners: &[String]) -> io::Result<Vec<u8>> {
    serde_json::to_vec(&OwnersFile {
        owners: owners.to_vec(),
    })
    .map_err(io::Error::other)
}

#[derive(Debug)]
pub struct Storage {
    root: PathBuf,
    pub audit: AuditLog,
    locks: Mutex<HashMap<String, Arc<Mutex<()>>>>,
    /// What GETs of index files serve; every index write refreshes it.
    index_cache: IndexCache,
    /// Every crate's newest line and description (`catalog`), once read.
    catalog: Mutex<Option<Arc<Vec<Listed>>>>,
    /// The crates published, yanked or unyanked since the catalog was last brought up to
    /// date: only these are read again.
    stale: Mutex<Vec<String>>,
    /// Held while open: one process serves a directory (its locks and cache are in memory).
    _serving: fs::File,
}

/// A crate as lists and searches show it: its newest line (not yanked, if any is not) and
/// its description.
#[derive(Debug, Clone)]
pub struct Listed {
    pub line: Line,
    pub description: String,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes `bytes` to `path` atomically and durably.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().expect("storage paths have a parent");
    fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".tmp-{}-{}", std::process::id(), fastrand_suffix()));
    keel_durable::replace_with(path, &tmp, |f| f.write_all(bytes))
}

/// A per-write unique suffix without a random-number dependency.
fn fastrand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0);
    (N.fetch_add(1, Ordering::Relaxed) << 32) ^ nanos
}

impl Storage {
    /// Opens (creating if needed) the registry directory, removing temp files a crash left.
    pub fn open(root: &Path) -> io::Result<Storage> {
        for sub in ["index", "crates", "packages"] {
            fs::create_dir_all(root.join(sub))?;
        }
        let serving = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(root.join(".serve.lock"))?;
        if let Err(e) = serving.try_lock() {
            return Err(match e {
                fs::TryLockError::WouldBlock => io::Error::new(
                    io::ErrorKind::AddrInUse,
                    format!(
                        "another keel-registry is serving {}: one server per directory (stop it, or serve another --dir)",
                        root.display()
                    ),
                ),
                fs::TryLockError::Error(e) => e,
            });
        }
        remove_temp_files(root)?;
        Ok(Storage {
            root: root.to_path_buf(),
            audit: AuditLog::new(root),
            locks: Mutex::new(HashMap::new()),
            index_cache: IndexCache::default(),
            catalog: Mutex::new(None),
            stale: Mutex::new(Vec::new()),
            _serving: serving,
        })
    }

    /// Index file `path` (below `index/`) as served, or `None` if there is none.
    pub fn served_index(&self, path: &str) -> Option<Arc<Cached>> {
        self.index_cache.get(path, || self.index_file(path))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn lock(&self, key: &str) -> Arc<Mutex<()>> {
        self.locks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key.to_owned())
            .or_default()
            .clone()
    }

    pub fn index_file(&self, path: &str) -> PathBuf {
        self.root.join("index").join(path)
    }

    pub fn crate_file(&self, name: &str, vers: &str) -> PathBuf {
        let n = name.to_lowercase();
        self.root
            .join("crates")
            .join(&n)
            .join(format!("{n}-{vers}.crate"))
    }

    fn description_file(&self, name: &str) -> PathBuf {
        self.root
            .join("crates")
            .join(name.to_lowercase())
            .join("description.txt")
    }

    pub fn description(&self, name: &str) -> Option<String> {
        fs::read_to_string(self.description_file(name)).ok()
    }

    pub fn package_file(&self, name: &str, version: &str, file: &str) -> PathBuf {
        self.root
            .join("packages")
            .join(name)
            .join(version)
            .join(file)
    }

    /// The index lines of a crate (none if it was never published).
    pub fn lines(&self, name: &str) -> Result<Vec<Line>, StoreError> {
        let path = self.index_file(&index::path_of(name));
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                serde_json::from_str(l).map_err(|e| {
                    StoreError::Io(io::Error::other(format!(
                        "corrupt index line in {}: {e}",
                        path.display()
                    )))
                })
            })
            .collect()
    }

    fn write_lines(&self, name: &str, lines: &[Line]) -> io::Result<()> {
        let mut text = String::new();
        for l in lines {
            text.push_str(&serde_json::to_string(l).map_err(io::Error::other)?);
            text.push('\n');
        }
        let path = index::path_of(name);
        let file = self.index_file(&path);
        write_atomic(&file, text.as_bytes())?;
        self.index_cache.refresh(&path, &file);
        Ok(())
    }

    /// Makes `change` with `effect`, logged: the intent durably before, the outcome after.
    fn logged<T>(
        &self,
        caller: &Caller<'_>,
        change: Change,
        effect: impl FnOnce() -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let id = self.audit.intend(caller.actor, &change)?;
        let result = effect();
        if ["publish", "yank", "unyank"].contains(&change.action.as_str()) {
            self.stale
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(change.name.clone());
        }
        // A failed write may still have reached its commit point: the store says.
        let done = result.is_ok() || self.happened(&change).unwrap_or(false);
        self.audit.finish(id, done)?;
        result
    }

    /// Whether the store shows `change` (for an audit intent a crash left open).
    pub fn happened(&self, change: &Change) -> io::Result<bool> {
        let sha = |path: &Path| fs::read(path).map(|b| sha256_hex(&b));
        let version = change.version.as_deref().unwrap_or_default();
        let line = |name: &str| -> io::Result<Option<Line>> {
            let lines = self
                .lines(name)
                .map_err(|e| io::Error::other(e.to_string()))?;
            Ok(lines.into_iter().find(|l| l.vers == version))
        };
        Ok(match change.action.as_str() {
            "publish" => line(&change.name)?.is_some_and(|l| l.cksum == change.sha256),
            "yank" | "unyank" => {
                line(&change.name)?.is_some_and(|l| l.yanked == (change.action == "yank"))
            }
            "owners" | "package-owners" => {
                let kind = if change.action == "owners" {
                    Kind::Crate
                } else {
                    Kind::Package
                };
                sha(&self.owners_file(kind, &change.name)).is_ok_and(|s| s == change.sha256)
            }
            "package" => {
                let file = change.file.as_deref().unwrap_or_default();
                sha(&self.package_file(&change.name, version, file))
                    .is_ok_and(|s| s == change.sha256)
            }
            other => {
                return Err(io::Error::other(format!(
                    "the store does not keep `{other}` changes"
                )));
            }
        })
    }

    fn owners_file(&self, kind: Kind, name: &str) -> PathBuf {
        match kind {
            Kind::Crate => self
                .root
                .join("crates")
                .join(name.to_lowercase())
                .join("owners.json"),
            Kind::Package => self.root.join("packages").join(name).join(".owners.json"),
        }
    }

    fn lock_of(&self, kind: Kind, name: &str) -> Arc<Mutex<()>> {
        match kind {
            Kind::Crate => self.lock(&name.to_lowercase()),
            Kind::Package => self.lock(&format!("package {name}")),
        }
    }

    /// Whether anything was ever published under the name.
    fn exists(&self, kind: Kind, name: &str) -> Result<bool, StoreError> {
        match kind {
            Kind::Crate => Ok(!self.lines(name)?.is_empty()),
            Kind::Package => {
                match fs::read_dir(self.root.join("packages").join(name)) {
                    Ok(mut rd) => Ok(rd.any(|e| {
                        e.is_ok_and(|e| !e.file_name().to_string_lossy().starts_with('.'))
                    })),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
                    Err(e) => Err(e.into()),
                }
            }
        }
    }

    /// The owners of a name; `None` if it was never published.
    pub fn owners(
        &self,
        kind: Kind,
        name: &str,
        legacy_owners: &[String],
    ) -> Result<Option<Vec<String>>, StoreError> {
        let path = self.owners_file(kind, name);
        match fs::read(&path) {
            Ok(bytes) => {
                let file: OwnersFile = serde_json::from_slice(&bytes).map_err(|e| {
                    StoreError::Io(io::Error::other(format!("corrupt {}: {e}", path.display())))
                })?;
                Ok(Some(file.owners))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Ok(self.exists(kind, name)?.then(|| legacy_owners.to_vec()))
            }
            Err(e) => Err(e.into()),
        }
    }

    fn write_owners(&self, kind: Kind, name: &str, owners: &[String]) -> io::Result<()> {
        write_atomic(&self.owners_file(kind, name), &owners_bytes(owners)?)
    }

    /// Decides under the name's lock whether `caller` may act on it, then makes a first
    /// publish's caller its owner (before the write that publishes, so a published name
    /// always has its owner; a crash in between leaves an owners file for a name that is
    /// still new, which the next first publish replaces).
    fn authorize_publish(
        &self,
        kind: Kind,
        name: &str,
        caller: &Caller<'_>,
    ) -> Result<(), StoreError> {
        match self.owners(kind, name, caller.legacy_owners)? {
            Some(owners) => caller.allow(Target::Existing { owners: &owners }),
            None => {
                caller.allow(Target::New)?;
                self.write_owners(kind, name, &[caller.principal.to_owned()])?;
                Ok(())
            }
        }
    }

    /// Adds or removes owners of a name; returns what it did, in words. Every login must
    /// be a known principal; the last owner cannot be removed.
    pub fn change_owners(
        &self,
        kind: Kind,
        name: &str,
        add: bool,
        logins: &[String],
        known: &[&str],
        caller: &Caller<'_>,
    ) -> Result<String, StoreError> {
        let lock = self.lock_of(kind, name);
        let _guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        let what = match kind {
            Kind::Crate => "crate",
            Kind::Package => "package",
        };
        let mut owners = self
            .owners(kind, name, caller.legacy_owners)?
            .ok_or_else(|| StoreError::NotFound(format!("no {what} named {name}")))?;
        caller.allow(Target::Existing { owners: &owners })?;
        if logins.is_empty() {
            return Err(StoreError::Invalid(
                "no owner named: send {\"users\": [\"login\", ...]}".into(),
            ));
        }
        if add {
            if let Some(unknown) = logins.iter().find(|l| !known.contains(&l.as_str())) {
                return Err(StoreError::NotFound(format!(
                    "no principal `{unknown}` on this registry: principals are named by their tokens (`keel-registry token new {unknown}`)"
                )));
            }
            for l in logins {
                if !owners.contains(l) {
                    owners.push(l.clone());
                }
            }
        } else {
            if let Some(stranger) = logins.iter().find(|l| !owners.contains(l)) {
                return Err(StoreError::NotFound(format!(
                    "{stranger} is not an owner of the {what} `{name}`; its owners are {}",
                    owners.join(", ")
                )));
            }
            owners.retain(|o| !logins.contains(o));
            if owners.is_empty() {
                return Err(StoreError::Conflict(format!(
                    "removing {} would leave the {what} `{name}` with no owner; add another owner first",
                    logins.join(", ")
                )));
            }
        }
        let bytes = owners_bytes(&owners)?;
        let change = Change {
            action: match kind {
                Kind::Crate => "owners",
                Kind::Package => "package-owners",
            }
            .into(),
            name: name.to_owned(),
            version: None,
            file: None,
            sha256: sha256_hex(&bytes),
            detail: serde_json::json!({ "owners": owners, if add { "added" } else { "removed" }: logins }),
        };
        self.logged(caller, change, || {
            Ok(write_atomic(&self.owners_file(kind, name), &bytes)?)
        })?;
        Ok(if add {
            format!("{} now owned by {}", name, owners.join(", "))
        } else {
            format!(
                "owners removed; {name} is now owned by {}",
                owners.join(", ")
            )
        })
    }

    /// Publishes a validated upload for `caller`. The same version with the same bytes
    /// again is a no-op; with different bytes, a conflict.
    pub fn publish(
        &self,
        meta: &NewCrate,
        file: &[u8],
        caller: &Caller<'_>,
    ) -> Result<Stored, StoreError> {
        let lock = self.lock(&meta.name.to_lowercase());
        let _guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        let cksum = sha256_hex(file);
        let mut lines = self.lines(&meta.name)?;
        if let Some(first) = lines.first()
            && first.name != meta.name
        {
            return Err(StoreError::Conflict(format!(
                "a crate named `{}` already exists; `{}` differs from it only in case",
                first.name, meta.name
            )));
        }
        self.authorize_publish(Kind::Crate, &meta.name, caller)?;
        if let Some(existing) = lines
            .iter()
            .find(|l| index::same_version(&l.vers, &meta.vers))
        {
            return if existing.cksum == cksum {
                Ok(Stored::AlreadyPresent)
            } else {
                Err(StoreError::Conflict(format!(
                    "{} {} is already published with different contents (sha256 {}, this upload {cksum}); \
                     published versions are immutable: publish a new version",
                    meta.name, existing.vers, existing.cksum
                )))
            };
        }
        let change = Change {
            action: "publish".into(),
            name: meta.name.clone(),
            version: Some(meta.vers.clone()),
            file: None,
            sha256: cksum.clone(),
            detail: serde_json::Value::Null,
        };
        self.logged(caller, change, || {
            // The file first: an index line must never point at a missing or partial .crate.
            write_atomic(&self.crate_file(&meta.name, &meta.vers), file)?;
            lines.push(meta.to_line(cksum));
            self.write_lines(&meta.name, &lines)?;
            if let Some(d) = &meta.description {
                // For search; losing it in a crash costs only a description.
                write_atomic(&self.description_file(&meta.name), d.as_bytes())?;
            }
            Ok(Stored::Created)
        })
    }

    /// Sets or clears `yanked` on one version, for `caller`.
    pub fn set_yanked(
        &self,
        name: &str,
        vers: &str,
        yanked: bool,
        caller: &Caller<'_>,
    ) -> Result<(), StoreError> {
        let lock = self.lock(&name.to_lowercase());
        let _guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        let owners = self
            .owners(Kind::Crate, name, caller.legacy_owners)?
            .ok_or_else(|| StoreError::NotFound(format!("no crate named {name}")))?;
        caller.allow(Target::Existing { owners: &owners })?;
        let mut lines = self.lines(name)?;
        let line = lines
            .iter_mut()
            .find(|l| l.vers == vers)
            .ok_or_else(|| StoreError::NotFound(format!("{name} {vers} is not published here")))?;
        if line.yanked == yanked {
            return Ok(());
        }
        line.yanked = yanked;
        let change = Change {
            action: if yanked { "yank" } else { "unyank" }.into(),
            name: name.to_owned(),
            version: Some(vers.to_owned()),
            file: None,
            sha256: line.cksum.clone(),
            detail: serde_json::Value::Null,
        };
        self.logged(caller, change, || Ok(self.write_lines(name, &lines)?))
    }

    /// Stores a package file for `caller`; the same bytes again is a no-op, different
    /// bytes a conflict.
    pub fn put_package(
        &self,
        name: &str,
        version: &str,
        file: &str,
        bytes: &[u8],
        caller: &Caller<'_>,
    ) -> Result<(Stored, String), StoreError> {
        let lock = self.lock_of(Kind::Package, name);
        let _guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        self.authorize_publish(Kind::Package, name, caller)?;
        let path = self.package_file(name, version, file);
        let sha = sha256_hex(bytes);
        match fs::read(&path) {
            Ok(existing) if sha256_hex(&existing) == sha => {
                return Ok((Stored::AlreadyPresent, sha));
            }
            Ok(existing) => {
                return Err(StoreError::Conflict(format!(
                    "package {name} {version} already has {file} with different contents (sha256 {}, this upload {sha}); \
                     published versions are immutable",
                    sha256_hex(&existing)
                )));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
        // A release's ELF files are also indexed by build-id for debuggers; one build-id
        // names one binary and one debug file, so other bytes under a known build-id are
        // refused. Only the release package is indexed (its owners are the release's
        // publishers): another package cannot claim a release's build-id ahead of it, and
        // the package's lock, held here, orders every change to the index.
        let indexed = name == crate::release::PACKAGE;
        let by_id = indexed
            .then(|| crate::buildid::of(bytes))
            .flatten()
            .map(|id| {
                let role = if file.ends_with(".debug") {
                    "debuginfo"
                } else {
                    "executable"
                };
                (id.clone(), self.build_id_entry(&id, role), role)
            });
        let mut by_id = by_id;
        if let Some((id, entry, role)) = &by_id
            && let Ok(known) = fs::read_to_string(entry)
        {
            if known.lines().nth(1) != Some(sha.as_str()) {
                return Err(StoreError::Conflict(format!(
                    "build-id {id} is already the {role} of {} with other bytes; a build-id names one build",
                    known.lines().next().unwrap_or("?")
                )));
            }
            // The same bytes again (a later release that did not change this binary): the
            // index keeps naming the release that first published them.
            by_id = None;
        }
        let change = Change {
            action: "package".into(),
            name: name.to_owned(),
            version: Some(version.to_owned()),
            file: Some(file.to_owned()),
            sha256: sha.clone(),
            detail: serde_json::Value::Null,
        };
        self.logged(caller, change, || {
            write_atomic(&path, bytes)?;
            if let Some((_, entry, _)) = &by_id {
                write_atomic(
                    entry,
                    format!("{name}/{version}/{file}\n{sha}\n").as_bytes(),
                )?;
            }
            Ok(())
        })?;
        Ok((Stored::Created, sha))
    }

    /// `DIR/buildid/<id>/<role>`: which package file is the `debuginfo` or `executable` of a
    /// build-id (its path, then its sha256).
    fn build_id_entry(&self, id: &str, role: &str) -> PathBuf {
        self.root.join("buildid").join(id).join(role)
    }

    /// What was published as the `role` (`debuginfo` or `executable`) of build-id `id`: the
    /// package file (`name/version/file`) and its sha256.
    pub fn build_id_record(&self, id: &str, role: &str) -> Result<(String, String), StoreError> {
        let valid = id.len() >= 2
            && id.len() <= 128
            && id
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
        let missing = || StoreError::NotFound(format!("no {role} for build-id {id}"));
        if !valid || !["debuginfo", "executable"].contains(&role) {
            return Err(missing());
        }
        let entry = match fs::read_to_string(self.build_id_entry(id, role)) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(missing()),
            Err(e) => return Err(e.into()),
        };
        let mut lines = entry.lines();
        let rel = lines.next().unwrap_or_default().to_owned();
        Ok((rel, lines.next().unwrap_or_default().to_owned()))
    }

    /// The file published as the `role` of build-id `id`.
    pub fn by_build_id(&self, id: &str, role: &str) -> Result<PathBuf, StoreError> {
        let (rel, _) = self.build_id_record(id, role)?;
        Ok(self.root.join("packages").join(rel))
    }

    /// The names of every package, sorted.
    pub fn package_names(&self) -> Result<Vec<String>, StoreError> {
        subdirs(&self.root.join("packages"))
    }

    /// The versions of package `name`, oldest first (by semver precedence of the numbers,
    /// then as text).
    pub fn package_versions(&self, name: &str) -> Result<Vec<String>, StoreError> {
        let mut v = subdirs(&self.root.join("packages").join(name))?;
        v.sort_by_key(|s| version_key(s));
        Ok(v)
    }

    /// The files of one package version: (file, sha256, size), sorted.
    pub fn list_package(
        &self,
        name: &str,
        version: &str,
    ) -> Result<Vec<(String, String, u64)>, StoreError> {
        let dir = self.root.join("packages").join(name).join(version);
        let rd = match fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(StoreError::NotFound(format!("no package {name} {version}")));
            }
            Err(e) => return Err(e.into()),
        };
        let mut out = Vec::new();
        for entry in rd {
            let entry = entry?;
            let file = entry.file_name().to_string_lossy().into_owned();
            if file.starts_with('.') {
                continue;
            }
            let bytes = fs::read(entry.path())?;
            out.push((file, sha256_hex(&bytes), bytes.len() as u64));
        }
        out.sort();
        Ok(out)
    }

    /// Every crate, by name, for the crate list, search and dependents: read from the
    /// directory once, then kept up to date by reading again only the crates changed since
    /// (this process is the directory's one writer, so it sees every change).
    pub fn catalog(&self) -> Result<Arc<Vec<Listed>>, StoreError> {
        let mut catalog = self.catalog.lock().unwrap_or_else(|e| e.into_inner());
        // Taken before reading: a change noted meanwhile is read again next time.
        let stale = std::mem::take(&mut *self.stale.lock().unwrap_or_else(|e| e.into_inner()));
        let listed = |line: Line| Listed {
            description: self.description(&line.name).unwrap_or_default(),
            line,
        };
        let Some(current) = catalog.as_mut() else {
            let fresh = Arc::new(self.all_crates()?.into_iter().map(listed).collect());
            *catalog = Some(Arc::clone(&fresh));
            return Ok(fresh);
        };
        if !stale.is_empty() {
            let list = Arc::make_mut(current);
            for name in stale {
                if let Some(i) = list
                    .iter()
                    .position(|l| l.line.name.eq_ignore_ascii_case(&name))
                {
                    list.remove(i);
                }
                match self.newest(&name) {
                    Ok(Some(line)) => {
                        let i = list.partition_point(|l| l.line.name < line.name);
                        list.insert(i, listed(line));
                    }
                    Ok(None) => {}
                    Err(e) => {
                        *catalog = None; // read whole next time
                        return Err(e);
                    }
                }
            }
        }
        Ok(Arc::clone(current))
    }

    /// A crate's newest line: the last published that is not yanked.
    fn newest(&self, name: &str) -> Result<Option<Line>, StoreError> {
        Ok(self.lines(name)?.into_iter().rev().find(|l| !l.yanked))
    }

    /// Every crate's newest line (by publication order).
    fn all_crates(&self) -> Result<Vec<Line>, StoreError> {
        let mut out = Vec::new();
        let mut stack = vec![self.root.join("index")];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(&dir)? {
                let entry = entry?;
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') || name == "config.json" {
                    continue;
                }
                if entry.file_type()?.is_dir() {
                    stack.push(entry.path());
                } else if let Some(last) = self.newest(&name)? {
                    out.push(last);
                }
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }
}

/// The directories in `dir` not starting with `.`, sorted; none if `dir` does not exist.
fn subdirs(dir: &Path) -> Result<Vec<String>, StoreError> {
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let mut out = Vec::new();
    for e in rd {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.starts_with('.') && e.file_type()?.is_dir() {
            out.push(name);
        }
    }
    out.sort();
    Ok(out)
}

/// A sort key putting `1.10.0` after `1.9.0`, and a pre-release before its release.
fn version_key(v: &str) -> (Vec<u64>, bool, String) {
    let (core, pre) = v.split_once('-').unwrap_or((v, ""));
    let nums = core
        .split('.')
        .map(|n| n.parse().unwrap_or(u64::MAX))
        .collect();
    (nums, pre.is_empty(), pre.to_owned())
}

/// Removes `.tmp-*` files a crash left behind (they were never renamed into place).
fn remove_temp_files(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            remove_temp_files(&entry.path())?;
        } else if entry.file_name().to_string_lossy().starts_with(".tmp-") {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}
