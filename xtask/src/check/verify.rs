//! `cargo xtask verify`: proves, without building, that the tree is self-consistent.
//!
//! - rust-toolchain.toml is still a symlink to toolchain.toml;
//! - the active toolchain is the pinned one;
//! - no git dependency, no path dependency outside the checkout;
//! - every dependency a manifest declares is in its Cargo.lock, and cargo agrees the lock
//!   is up to date (`cargo metadata --locked --offline`);
//! - every registry package of both lock files is vendored at the locked version with the
//!   locked checksum, every vendored file matches its recorded sha256, and vendor/ holds
//!   nothing else.
//!
//! Every problem found is reported, each naming the crate or file and the command that fixes it.

use crate::deps::lockfile::{self, LockedPackage};
use crate::files::{self, sha256_bytes};
use crate::fingerprint::Stamp;
use crate::hermetic::{Hermetic, Purpose};
use crate::project::{PRODUCT, Project, WORKSPACES, XTASK};
use crate::toolchain::{Active, Pin};
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Component, Path, PathBuf};

const REVENDOR: &str =
    "run `cargo xtask vendor` (needs the network), then commit Cargo.lock and vendor/ together";

/// How much to prove.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Everything, always: the `verify` command.
    Full,
    /// Skip the work when the tree's metadata fingerprint and the toolchain are exactly those
    /// of the last full pass (before every build).
    Incremental,
}

/// Verifies the tree whose metadata fingerprint (`fingerprint::tree`) is `tree`; returns the
/// input hashes a build manifest records.
pub fn run(
    project: &Project,
    pin: &Pin,
    active: &Active,
    tree: &str,
    depth: Depth,
) -> Result<Value> {
    let stamp = Stamp::new(project.state().join("verify.stamp"));
    let key = sha256_bytes(format!("{tree}\n{}", active.version_verbose).as_bytes());
    if depth == Depth::Incremental
        && let Some(inputs) = stamp.read(&key).and_then(|p| serde_json::from_str(&p).ok())
    {
        return Ok(inputs);
    }
    stamp.clear();
    let mut problems = Problems::default();
    check_toolchain_link(project, &mut problems);
    if let Err(e) = active.check(pin) {
        problems.push(format!("{e:#}"));
    }
    let mut locked = Vec::new();
    for (_, lock) in WORKSPACES {
        match lockfile::read(&project.path(lock)) {
            Ok(pkgs) => locked.push((lock, pkgs)),
            Err(e) => problems.push(format!("{e:#}")),
        }
    }
    check_sources(&locked, &mut problems);
    for problem in crate::pipeline::ci::drift(project) {
        problems.push(problem);
    }
    check_manifests(project, &locked, &mut problems);
    let vendor_sha256 = check_vendor(project, &locked, &mut problems)?;
    check_policy(project, &locked, &mut problems);
    // Only when the cheap checks pass: cargo's own verdict on whether each lock is current.
    if problems.0.is_empty() {
        check_locks_current(project, active, &mut problems);
    }
    problems.into_result()?;

    let file_sha = |rel: &str| -> Result<String> { Ok(files::sha256_file(&project.path(rel))?.0) };
    let json = json!({
        "cargo_lock_sha256": file_sha(PRODUCT.1)?,
        "xtask_cargo_lock_sha256": file_sha(XTASK.1)?,
        "vendor_sha256": vendor_sha256,
        "toolchain_toml_sha256": file_sha("toolchain.toml")?,
        "rustc_vv": active.version_verbose,
    });
    stamp.write(&key, &json.to_string())?;
    Ok(json)
}

#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn push(&mut self, p: impl Into<String>) {
        self.0.push(p.into());
    }

    fn into_result(self) -> Result<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        let n = self.0.len();
        let list: Vec<String> = self
            .0
            .into_iter()
            .map(|p| format!("  - {}", p.replace('\n', "\n    ")))
            .collect();
        bail!(
            "verify found {n} problem{}:\n{}",
            if n == 1 { "" } else { "s" },
            list.join("\n")
        )
    }
}

/// policy.toml's rules, for every locked registry package of both locks (once each).
fn check_policy(project: &Project, locked: &[(&str, Vec<LockedPackage>)], problems: &mut Problems) {
    let policy = match super::policy::Policy::load(project) {
        Ok(Some(p)) => p,
        Ok(None) => return,
        Err(e) => return problems.push(format!("{e:#}")),
    };
    let mut seen = std::collections::BTreeSet::new();
    for (_, packages) in locked {
        for p in packages.iter().filter(|p| p.is_registry()) {
            if seen.insert((&p.name, &p.version)) {
                for problem in policy.check(p, &project.path("vendor").join(p.vendor_dir())) {
                    problems.push(problem);
                }
            }
        }
    }
}

fn check_toolchain_link(project: &Project, problems: &mut Problems) {
    let link = project.path("rust-toolchain.toml");
    let fix = "fix: `rm -f rust-toolchain.toml && ln -s toolchain.toml rust-toolchain.toml`";
    match fs::read_link(&link) {
        Ok(target) if target == Path::new("toolchain.toml") => {}
        Ok(target) => problems.push(format!(
            "rust-toolchain.toml points at {} instead of toolchain.toml, so rustup may select another toolchain than the pin. {fix}",
            target.display()
        )),
        Err(_) if link.exists() => problems.push(format!(
            "rust-toolchain.toml is a regular file, not a symlink to toolchain.toml: the pin would exist twice. {fix}"
        )),
        Err(_) => problems.push(format!("rust-toolchain.toml is missing: rustup cannot see the pin. {fix}")),
    }
}

fn check_sources(locked: &[(&str, Vec<LockedPackage>)], problems: &mut Problems) {
    for (lock, pkgs) in locked {
        for p in pkgs {
            match p.source.as_deref() {
                Some(s) if s.starts_with("git+") => problems.push(format!(
                    "{} {} is a git dependency ({lock}: {s}); Keel builds only vendored registry crates. \
                     fix: depend on a published version, or move the code into the workspace",
                    p.name, p.version
                )),
                Some(_) if p.is_registry() && p.checksum.is_none() => problems.push(format!(
                    "{} {} has no checksum in {lock}. fix: {REVENDOR}",
                    p.name, p.version
                )),
                Some(s) if !p.is_registry() => problems.push(format!(
                    "{} {} comes from an unsupported source ({lock}: {s}). fix: depend on a crates.io version",
                    p.name, p.version
                )),
                _ => {}
            }
        }
    }
}

/// Dependency tables of a manifest, including target-specific ones.
fn dependency_tables(doc: &toml::Table) -> Vec<(&str, &toml::Table)> {
    const KINDS: [&str; 3] = ["dependencies", "dev-dependencies", "build-dependencies"];
    let mut out = Vec::new();
    for kind in KINDS {
        if let Some(t) = doc.get(kind).and_then(|v| v.as_table()) {
            out.push((kind, t));
        }
    }
    if let Some(targets) = doc.get("target").and_then(|v| v.as_table()) {
        for (_, t) in targets {
            for kind in KINDS {
                if let Some(t) = t.get(kind).and_then(|v| v.as_table()) {
                    out.push((kind, t));
                }
            }
        }
    }
    out
}

fn check_manifests(
    project: &Project,
    locked: &[(&str, Vec<LockedPackage>)],
    problems: &mut Problems,
) {
    let parse = |rel: &Path| -> Result<toml::Table> {
        let text = files::read_to_string(&project.path(rel))?;
        text.parse::<toml::Table>().with_context(|| {
            format!(
                "{} is malformed TOML; fix the syntax (see the position above)",
                rel.display()
            )
        })
    };
    let root_doc = match parse(Path::new(PRODUCT.0)) {
        Ok(doc) => doc,
        Err(e) => return problems.push(format!("{e:#}")),
    };
    let workspace_deps = root_doc
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(|d| d.as_table())
        .cloned()
        .unwrap_or_default();
    check_internal_registry(&root_doc, &workspace_deps, problems);
    let mut manifests: Vec<(PathBuf, &str)> = vec![(PathBuf::from(PRODUCT.0), PRODUCT.1)];
    match members(project, &root_doc) {
        Ok(m) => manifests.extend(m.into_iter().map(|p| (p, PRODUCT.1))),
        Err(e) => problems.push(format!("{e:#}")),
    }
    manifests.push((PathBuf::from(XTASK.0), XTASK.1));

    for (rel, lock) in manifests {
        let doc = if rel == Path::new(PRODUCT.0) {
            root_doc.clone()
        } else {
            match parse(&rel) {
                Ok(doc) => doc,
                Err(e) => {
                    problems.push(format!("{e:#}"));
                    continue;
                }
            }
        };
        let dir = rel.parent().unwrap_or(Path::new(""));
        let locked_names: BTreeSet<&str> = locked
            .iter()
            .filter(|(l, _)| *l == lock)
            .flat_map(|(_, pkgs)| pkgs.iter().map(|p| p.name.as_str()))
            .collect();
        let lock_readable = locked.iter().any(|(l, _)| *l == lock);
        let mut tables = dependency_tables(&doc);
        if rel == Path::new(PRODUCT.0) {
            tables.push(("workspace.dependencies", &workspace_deps));
            if let Some(patch) = doc.get("patch").and_then(|p| p.as_table()) {
                tables.extend(
                    patch
                        .values()
                        .filter_map(|t| t.as_table())
                        .map(|t| ("patch", t)),
                );
            }
        }
        for (kind, table) in tables {
            for (key, spec) in table {
                let inherited = spec.get("workspace").and_then(|v| v.as_bool()) == Some(true);
                let spec = if inherited {
                    workspace_deps.get(key).unwrap_or(spec)
                } else {
                    spec
                };
                let name = spec.get("package").and_then(|v| v.as_str()).unwrap_or(key);
                if let Some(git) = spec.get("git").and_then(|v| v.as_str()) {
                    problems.push(format!(
                        "{}: {kind} `{key}` is a git dependency ({git}); Keel builds only vendored registry crates. \
                         fix: depend on a published version",
                        rel.display()
                    ));
                }
                if let Some(path) = spec.get("path").and_then(|v| v.as_str()) {
                    let base = if inherited { Path::new("") } else { dir };
                    if escapes(&base.join(path)) {
                        problems.push(format!(
                            "{}: {kind} `{key}` has path = {path:?}, outside the checkout; a fresh clone would not have it. \
                             fix: move the crate into the workspace or depend on a published version",
                            rel.display()
                        ));
                    }
                } else if lock_readable
                    && kind != "patch"
                    && kind != "workspace.dependencies"
                    && !locked_names.contains(name)
                {
                    problems.push(format!(
                        "{}: `{name}` (in [{kind}]) is not in {lock}: it was added without re-vendoring. fix: {REVENDOR}",
                        rel.display()
                    ));
                }
            }
        }
    }
}

/// When the workspace publishes to one registry, a workspace crate that another depends on
/// (a path dependency with a version) must name that registry: `cargo package`, which
/// `dist` runs, otherwise looks for it on crates.io and fails.
fn check_internal_registry(
    root_doc: &toml::Table,
    workspace_deps: &toml::Table,
    problems: &mut Problems,
) {
    let publish = root_doc
        .get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(|p| p.get("publish"))
        .and_then(|p| p.as_array());
    let Some([only]) = publish.map(|a| a.as_slice()) else {
        return;
    };
    let Some(registry) = only.as_str() else {
        return;
    };
    for (key, spec) in workspace_deps {
        let internal = spec.get("path").is_some() && spec.get("version").is_some();
        if internal && spec.get("registry").and_then(|r| r.as_str()) != Some(registry) {
            problems.push(format!(
                "Cargo.toml: [workspace.dependencies] `{key}` is a workspace crate with a version but not registry = \"{registry}\"; \
                 packaging the crates that depend on it would look for it on crates.io. fix: add registry = \"{registry}\" to it"
            ));
        }
    }
}

/// Workspace members, from `[workspace] members` (plain paths and `dir/*` globs).
pub fn members(project: &Project, root_doc: &toml::Table) -> Result<Vec<PathBuf>> {
    let entries = root_doc
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(|m| m.as_array())
        .context("Cargo.toml: [workspace] members must be a list of paths")?;
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry
            .as_str()
            .context("Cargo.toml: [workspace] members must be strings")?;
        if let Some(parent) = entry.strip_suffix("/*") {
            let mut dirs: Vec<PathBuf> = fs::read_dir(project.path(parent))
                .with_context(|| format!("Cargo.toml: workspace member glob {entry:?}"))?
                .filter_map(|e| e.ok())
                .map(|e| Path::new(parent).join(e.file_name()).join("Cargo.toml"))
                .filter(|p| project.path(p).is_file())
                .collect();
            dirs.sort();
            out.extend(dirs);
        } else {
            out.push(Path::new(entry).join("Cargo.toml"));
        }
    }
    Ok(out)
}

/// Whether a path relative to the root leaves it (lexically: `..` beyond the top, or absolute).
fn escapes(rel: &Path) -> bool {
    let mut depth = 0i32;
    for c in rel.components() {
        match c {
            Component::Normal(_) => depth += 1,
            Component::ParentDir => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return true,
        }
    }
    false
}

/// Checks vendor/ against the lock files; returns the vendor tree's hash.
fn check_vendor(
    project: &Project,
    locked: &[(&str, Vec<LockedPackage>)],
    problems: &mut Problems,
) -> Result<String> {
    let mut wanted: BTreeMap<String, &LockedPackage> = BTreeMap::new();
    for (_, pkgs) in locked {
        for p in pkgs.iter().filter(|p| p.is_registry()) {
            wanted.insert(p.vendor_dir(), p);
        }
    }
    let vendor = project.vendor();
    let present: BTreeSet<String> = match fs::read_dir(&vendor) {
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .collect(),
        Err(_) if wanted.is_empty() => BTreeSet::new(),
        Err(_) => {
            problems.push(format!("vendor/ is missing. fix: {REVENDOR}"));
            BTreeSet::new()
        }
    };
    let mut listing = String::new();
    for (dir, pkg) in &wanted {
        if !present.contains(dir) {
            problems.push(format!(
                "{} {} is in Cargo.lock but not vendored (vendor/{dir} is missing). fix: {REVENDOR}",
                pkg.name, pkg.version
            ));
            continue;
        }
        check_crate(&vendor.join(dir), dir, pkg, problems, &mut listing)?;
    }
    for extra in present.difference(&wanted.keys().cloned().collect()) {
        problems.push(format!(
            "vendor/{extra} is not in any Cargo.lock. fix: {REVENDOR}"
        ));
    }
    Ok(sha256_bytes(listing.as_bytes()))
}

fn check_crate(
    dir: &Path,
    name: &str,
    pkg: &LockedPackage,
    problems: &mut Problems,
    listing: &mut String,
) -> Result<()> {
    let who = format!("{} {}", pkg.name, pkg.version);
    let restore = format!("fix: `git checkout -- vendor/{name}`, or {REVENDOR}");
    let checksum_file = dir.join(".cargo-checksum.json");
    let record: Value = match fs::read(&checksum_file)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
    {
        Some(v) => v,
        None => {
            problems.push(format!(
                "vendor/{name}/.cargo-checksum.json is missing or malformed ({who}). {restore}"
            ));
            return Ok(());
        }
    };
    if record.get("package").and_then(|v| v.as_str()) != pkg.checksum.as_deref() {
        problems.push(format!(
            "vendor/{name}: package checksum in .cargo-checksum.json differs from the one Cargo.lock locks ({who}). {restore}"
        ));
    }
    let manifest_version = fs::read_to_string(dir.join("Cargo.toml"))
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|d| {
            d.get("package")?
                .get("version")?
                .as_str()
                .map(str::to_owned)
        });
    if manifest_version.as_deref() != Some(pkg.version.as_str()) {
        problems.push(format!(
            "vendor/{name}/Cargo.toml does not declare version {} ({who}). {restore}",
            pkg.version
        ));
    }
    let recorded: BTreeMap<String, String> = record
        .get("files")
        .and_then(|f| f.as_object())
        .map(|f| {
            f.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    let mut on_disk = Vec::new();
    list_files(dir, dir, &mut on_disk).with_context(|| format!("reading vendor/{name}"))?;
    for rel in &on_disk {
        let (sha, _) = files::sha256_file(&dir.join(rel))
            .with_context(|| format!("reading vendor/{name}/{rel}"))?;
        listing.push_str(&format!("{sha}  vendor/{name}/{rel}\n"));
        if rel == ".cargo-checksum.json" {
            continue;
        }
        match recorded.get(rel) {
            Some(expected) if *expected == sha => {}
            Some(_) => problems.push(format!(
                "vendor/{name}/{rel} was modified: its sha256 differs from .cargo-checksum.json ({who}). {restore}"
            )),
            None => problems.push(format!(
                "vendor/{name}/{rel} is not listed in .cargo-checksum.json: a file was added to {who}. \
                 fix: delete it, or {REVENDOR}"
            )),
        }
    }
    let on_disk: BTreeSet<&String> = on_disk.iter().collect();
    for rel in recorded.keys().filter(|r| !on_disk.contains(r)) {
        problems.push(format!("vendor/{name}/{rel} is missing ({who}). {restore}"));
    }
    Ok(())
}

/// Regular files (and symlinks) under `dir`, as sorted '/'-separated relative paths.
fn list_files(base: &Path, dir: &Path, out: &mut Vec<String>) -> std::io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        if e.file_type()?.is_dir() {
            list_files(base, &path, out)?;
        } else {
            let rel = path.strip_prefix(base).unwrap_or(&path);
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

/// cargo's own verdict: can each workspace resolve from its lock file, offline, unchanged?
fn check_locks_current(project: &Project, active: &Active, problems: &mut Problems) {
    let hermetic = Hermetic::new(project, active, 0, false);
    if let Err(e) = hermetic.prepare() {
        return problems.push(format!("creating target/keel: {e}"));
    }
    for (manifest, lock) in WORKSPACES {
        let mut cmd = hermetic.cargo("metadata", Purpose::Build);
        cmd.args(["--format-version", "1", "--manifest-path", manifest]);
        match cmd.output() {
            Ok(out) if out.status.success() => {}
            Ok(out) => {
                let stderr = String::from_utf8_lossy(&out.stderr);
                let cause: Vec<&str> = stderr
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .take(6)
                    .collect();
                problems.push(format!(
                    "{lock} does not match {manifest} (cargo metadata --locked --offline says: {}). fix: {REVENDOR}",
                    cause.join(" / ")
                ));
            }
            Err(e) => problems.push(format!(
                "cannot run cargo ({}): {e}",
                active.cargo().display()
            )),
        }
    }
}
