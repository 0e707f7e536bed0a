//! `cargo xtask vendor`: regenerates vendor/ from both lock files, for the pinned targets
//! only, with the pinned cargo-vendor-filterer (installed into target/keel/tools when
//! missing). The only command that needs the network.
//!
//! The new tree is generated beside the old one and swapped in only when complete, so a
//! failed download leaves vendor/ as it was.

use crate::fingerprint;
use crate::hermetic::online;
use crate::process::{find_on_path, run_capture};
use crate::project::{PRODUCT, Project, XTASK};
use crate::toolchain::{Active, Pin};
use crate::verify::{self, Depth};
use anyhow::{Context, Result, bail};
use std::fs;
use std::path::PathBuf;
use std::process::Command;

const TOOL: &str = "cargo-vendor-filterer";

pub fn run(project: &Project) -> Result<()> {
    let pin = Pin::load(project)?;
    let active = Active::detect(project)?;
    active.check(&pin)?;
    let tool = ensure_tool(project, &pin, &active)?;

    let fresh = project.state().join("vendor.new");
    let old = project.state().join("vendor.old");
    for dir in [&fresh, &old] {
        if dir.exists() {
            fs::remove_dir_all(dir)
                .with_context(|| format!("removing leftover {}", dir.display()))?;
        }
    }
    fs::create_dir_all(project.state())?;
    let outside = outside(project);
    let mut cmd = online(&active, &tool, &outside);
    for target in &pin.targets {
        cmd.args(["--platform", target]);
    }
    cmd.arg("--versioned-dirs")
        .arg("--manifest-path")
        .arg(project.path(PRODUCT.0))
        .arg("--sync")
        .arg(project.path(XTASK.0))
        .arg(&fresh);
    println!(
        "vendoring Cargo.lock and xtask/Cargo.lock for {} ...",
        pin.targets.join(", ")
    );
    let status = cmd
        .status()
        .with_context(|| format!("starting {}", tool.display()))?;
    if !status.success() {
        let _ = fs::remove_dir_all(&fresh);
        bail!(
            "{TOOL} failed ({status}); vendor/ is unchanged. Is the network (crates.io) reachable?"
        );
    }

    let vendor = project.vendor();
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
    Ok(())
}

/// A working directory outside the checkout, so its .cargo/config.toml (offline, vendored
/// source) does not apply to the online cargo runs.
fn outside(project: &Project) -> PathBuf {
    let tmp = std::env::temp_dir();
    if tmp.starts_with(&project.root) {
        PathBuf::from("/")
    } else {
        tmp
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
    let status = online(active, &active.cargo(), &outside(project))
        .args(["install", TOOL, "--locked", "--version"])
        .arg(format!("={version}"))
        .arg("--root")
        .arg(&root)
        .status()
        .context("starting cargo install")?;
    if !status.success() {
        bail!("installing {TOOL} {version} failed ({status}); it needs the network (crates.io)");
    }
    Ok(local)
}
