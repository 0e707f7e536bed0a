//! `cargo xtask vendor`: regenerates vendor/ from both lock files, for the pinned targets
//! only, with the pinned cargo-vendor-filterer (installed into target/keel/tools when
//! missing). The only command that needs the network.
//!
//! It runs in `hermetic::online`'s environment: outside the checkout's offline mode and
//! vendored-source replacement, with the checkout's registries. Before anything downloads,
//! both manifests are loaded there, so a manifest or configuration error is reported as one.
//! The new tree is generated beside the old one and swapped in only when complete, and the
//! lock files are put back if anything fails, so a failure leaves the tree as it was.

use crate::check::verify::{self, Depth};
use crate::deps::lockfile;
use crate::deps::yanked;
use crate::fingerprint;
use crate::hermetic::online;
use crate::process::{find_on_path, run_capture, run_keeping_stderr};
use crate::project::{PRODUCT, Project, WORKSPACES, XTASK};
use crate::toolchain::{Active, Pin};
use anyhow::{Context, Result, anyhow, bail};
use std::fs;
use std::path::PathBuf;
use std::process::{Command, ExitStatus};

const TOOL: &str = "cargo-vendor-filterer";

/// What `vendor` was asked to do.
#[derive(Debug, Default)]
pub struct Options {
    /// Change nothing: load the manifests as vendoring does and report yanked packages.
    pub check: bool,
    /// `cargo update -p SPEC` for each, before vendoring.
    pub update: Vec<String>,
}

pub fn run(project: &Project, options: &Options) -> Result<()> {
    let pin = Pin::load(project)?;
    let active = Active::detect(project)?;
    active.check(&pin)?;
    preflight(project, &active)?;
    if options.check {
        println!("vendor --check: both workspaces load in vendoring's environment");
        return report_yanked(project, &active);
    }
    let updates = plan_updates(project, &options.update)?;
    let tool = ensure_tool(project, &pin, &active)?;

    let locks = Locks::keep(project)?;
    let fresh = project.state().join("vendor.new");
    let made = update(project, &active, &updates)
        .and_then(|()| generate(project, &pin, &active, &tool, &fresh));
    if let Err(e) = made {
        let _ = fs::remove_dir_all(&fresh);
        locks.restore()?;
        return Err(e);
    }

    let vendor = project.vendor();
    let old = project.state().join("vendor.old");
    if vendor.exists() {
        fs::rename(&vendor, &old).context("moving the old vendor/ aside")?;
    }
    fs::rename(&fresh, &vendor).context("moving the new vendor/ into place")?;
    if old.exists() {
        fs::remove_dir_all(&old).context("removing the old vendor/")?;
    }

    let tree = fingerprint::tree(&project.root)?;
    verify::run(project, &pin, &active, &tree, Depth::Full)
        .context("the freshly vendored tree does not verify")?;
    let crates = fs::read_dir(&vendor)?.count();
    println!(
        "vendor/ now holds {crates} crates and verifies; commit Cargo.lock, xtask/Cargo.lock and vendor/ together"
    );
    // vendor/ is complete either way: a failed scan is worth a warning, not a failure.
    if let Err(e) = report_yanked(project, &active) {
        eprintln!("warning: {e:#}");
    }
    Ok(())
}

/// Both manifests, loaded without resolving or downloading (`cargo metadata --no-deps
/// --offline`) in the very environment the vendoring tool gets: what fails here is a manifest
/// or configuration error, never the network.
fn preflight(project: &Project, active: &Active) -> Result<()> {
    for (manifest, _) in WORKSPACES {
        let out = online(project, active, &active.cargo())?
            .args([
                "metadata",
                "--format-version",
                "1",
                "--no-deps",
                "--offline",
            ])
            .arg("--manifest-path")
            .arg(project.path(manifest))
            .output()
            .context("starting cargo metadata")?;
        if !out.status.success() {
            bail!(
                "{manifest} does not load in vendoring's environment (cargo's own configuration plus the \
                 registries of {}; no vendored sources, not offline). This is a manifest or configuration \
                 error, not a network one; cargo says:\n{}\nFix the file it names (a registry a manifest \
                 names must be in {} [registries]); vendor/ and the lock files are unchanged",
                crate::deps::cargo_config::PATH,
                String::from_utf8_lossy(&out.stderr).trim(),
                crate::deps::cargo_config::PATH,
            );
        }
    }
    Ok(())
}

/// For each `--update SPEC`, the manifests of the workspaces whose lock file holds a package
/// SPEC names; a SPEC that names nothing locked is refused before anything runs.
fn plan_updates(project: &Project, specs: &[String]) -> Result<Vec<(String, &'static str)>> {
    let mut plan = Vec::new();
    for spec in specs {
        let (name, version) = spec
            .split_once('@')
            .map_or((spec.as_str(), None), |(n, v)| (n, Some(v)));
        let before = plan.len();
        for (manifest, lock) in WORKSPACES {
            if lockfile::read(&project.path(lock))?
                .iter()
                .any(|p| p.name == name && version.is_none_or(|v| p.version == v))
            {
                plan.push((spec.clone(), manifest));
            }
        }
        if plan.len() == before {
            bail!(
                "--update {spec}: neither Cargo.lock nor xtask/Cargo.lock holds {}; \
                 name a package as the lock file does, optionally as NAME@VERSION",
                spec.replace('@', " ")
            );
        }
    }
    Ok(plan)
}

/// `cargo update -p SPEC` in each planned workspace.
fn update(project: &Project, active: &Active, plan: &[(String, &str)]) -> Result<()> {
    for (spec, manifest) in plan {
        println!("updating {spec} ({manifest}) ...");
        let mut cmd = online(project, active, &active.cargo())?;
        cmd.args(["update", "-p", spec])
            .arg("--manifest-path")
            .arg(project.path(manifest));
        let (status, stderr) = run_keeping_stderr(&mut cmd)?;
        if !status.success() {
            return Err(explain(&format!("cargo update -p {spec}"), status, &stderr));
        }
    }
    Ok(())
}

/// The pinned tool over both workspaces, into `fresh`.
fn generate(
    project: &Project,
    pin: &Pin,
    active: &Active,
    tool: &std::path::Path,
    fresh: &std::path::Path,
) -> Result<()> {
    for dir in [fresh.to_path_buf(), project.state().join("vendor.old")] {
        if dir.exists() {
            fs::remove_dir_all(&dir)
                .with_context(|| format!("removing leftover {}", dir.display()))?;
        }
    }
    fs::create_dir_all(project.state())?;
    let mut cmd = online(project, active, tool)?;
    for target in &pin.targets {
        cmd.args(["--platform", target]);
    }
    cmd.arg("--versioned-dirs")
        .arg("--manifest-path")
        .arg(project.path(PRODUCT.0))
        .arg("--sync")
        .arg(project.path(XTASK.0))
        .arg(fresh);
    println!(
        "vendoring Cargo.lock and xtask/Cargo.lock for {} ...",
        pin.targets.join(", ")
    );
    let (status, stderr) = run_keeping_stderr(&mut cmd)?;
    if !status.success() {
        return Err(explain(TOOL, status, &stderr));
    }
    Ok(())
}

/// Lists the locked packages their registry has yanked, with the command that moves each on.
fn report_yanked(project: &Project, active: &Active) -> Result<()> {
    let (found, checked) = yanked::scan(project, active)?;
    if found.is_empty() {
        println!("no locked package is yanked ({checked} checked)");
    }
    for y in &found {
        let p = &y.package;
        println!(
            "warning: {} keep{} {} {}, which its registry has yanked; \
             `cargo xtask vendor --update {}@{}` moves it to the newest compatible version",
            y.locks.join(" and "),
            if y.locks.len() == 1 { "s" } else { "" },
            p.name,
            p.version,
            p.name,
            p.version
        );
    }
    Ok(())
}

/// Why an online cargo step failed, told from what cargo said: only a failure to reach a
/// registry mentions the network.
fn explain(what: &str, status: ExitStatus, stderr: &str) -> anyhow::Error {
    const UNREACHABLE: [&str; 10] = [
        "Could not resolve host",
        "Couldn't resolve host",
        "Could not connect",
        "Couldn't connect",
        "Failed to connect",
        "Connection refused",
        "Timeout was reached",
        "timed out",
        "spurious network error",
        "failed to download from",
    ];
    const UNRESOLVED: [&str; 3] = [
        "failed to select a version",
        "no matching package named",
        "failed to resolve patches",
    ];
    let unchanged = "vendor/ and the lock files are unchanged";
    if UNREACHABLE.iter().any(|m| stderr.contains(m)) {
        anyhow!(
            "{what} could not reach a registry (cargo's message above names it and why): check the \
             network, and the registry's address in {} [registries] or cargo's own configuration; {unchanged}",
            crate::deps::cargo_config::PATH
        )
    } else if UNRESOLVED.iter().any(|m| stderr.contains(m)) {
        anyhow!(
            "{what} failed: a dependency cannot be resolved (cargo's message above names it and who \
             asks for it); fix that requirement in its Cargo.toml; {unchanged}"
        )
    } else {
        anyhow!("{what} failed ({status}); its message is above; {unchanged}")
    }
}

/// The bytes of both lock files before vendoring, to put back if it fails: cargo rewrites a
/// lock file while resolving, before it knows whether everything downloads.
struct Locks(Vec<(PathBuf, Option<Vec<u8>>)>);

impl Locks {
    fn keep(project: &Project) -> Result<Locks> {
        let mut kept = Vec::new();
        for (_, lock) in WORKSPACES {
            let path = project.path(lock);
            let bytes = match fs::read(&path) {
                Ok(b) => Some(b),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
            };
            kept.push((path, bytes));
        }
        Ok(Locks(kept))
    }

    fn restore(&self) -> Result<()> {
        for (path, bytes) in &self.0 {
            match bytes {
                Some(b) => crate::files::write_atomic(path, b)?,
                None => {
                    let _ = fs::remove_file(path);
                }
            }
        }
        Ok(())
    }
}

/// The pinned cargo-vendor-filterer: from target/keel/tools or PATH, else installed.
fn ensure_tool(project: &Project, pin: &Pin, active: &Active) -> Result<PathBuf> {
    let version = pin
        .tools
        .get(TOOL)
        .with_context(|| format!("toolchain.toml [pin.tools] names no {TOOL} version"))?;
    let root = project.state().join("tools");
    let local = root.join("bin").join(TOOL);
    for candidate in [Some(local.clone()), find_on_path(TOOL)]
        .into_iter()
        .flatten()
    {
        if let Ok(out) = run_capture(Command::new(&candidate).arg("--version"))
            && out.split_whitespace().nth(1) == Some(version.as_str())
        {
            return Ok(candidate);
        }
    }
    println!("installing {TOOL} {version} into {} ...", root.display());
    let mut cmd = online(project, active, &active.cargo())?;
    cmd.args(["install", TOOL, "--locked", "--version"])
        .arg(format!("={version}"))
        .arg("--root")
        .arg(&root);
    let (status, stderr) = run_keeping_stderr(&mut cmd)?;
    if !status.success() {
        return Err(explain(
            &format!("installing {TOOL} {version}"),
            status,
            &stderr,
        ));
    }
    Ok(local)
}
