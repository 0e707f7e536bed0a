//! The release's API documentation: rustdoc of every publishable crate, by the pinned
//! toolchain through the hermetic cargo, as one deterministic tar.gz (the crates link to
//! each other, so they share one tree). The registry serves it at `/docs/<crate>/<version>/`.

use crate::build::archive::{self, Entry};
use crate::build::session::{Session, spawn};
use crate::hermetic::Purpose;
use crate::manifest::{Artifact, Kind};
use crate::project::PRODUCT;
use anyhow::{Context, Result, bail};
use std::path::Path;

/// Where the archive goes inside target/dist/.
pub const DIR: &str = "docs";

pub fn file_name(version: &str) -> String {
    format!("keel-docs-{version}.tar.gz")
}

/// Documents the publishable crates and writes `DIR/keel-docs-<version>.tar.gz` into
/// `dist`; None when no crate is publishable.
pub fn write(
    session: &Session,
    dist: &Path,
    version: &str,
    mtime: u64,
) -> Result<Option<Artifact>> {
    let members: Vec<_> = session
        .members()?
        .into_iter()
        .filter(|m| m.publishable)
        .collect();
    if members.is_empty() {
        return Ok(None);
    }
    // A fresh output tree: what an earlier run left (a crate since removed) must not ship.
    let out = session.hermetic.target_dir().join("doc");
    if out.exists() {
        std::fs::remove_dir_all(&out).with_context(|| format!("removing {}", out.display()))?;
    }
    // Each rustdoc run merges its crate into the shared files (the search index, help.html),
    // so they depend on the order the crates are documented in: one at a time, in cargo's
    // order. The dependencies' metadata, which rustdoc reads, is built in parallel first
    // (`cargo check` makes exactly what `cargo doc` would). rustdoc names sources by their
    // path inside the crate, never the checkout's: the output holds no machine path.
    for (subcommand, args) in [
        ("check", &[][..]),
        ("doc", &["--no-deps", "--jobs", "1"][..]),
    ] {
        let mut cmd = session.hermetic.cargo(subcommand, Purpose::Build);
        cmd.args(["--quiet", "--manifest-path", PRODUCT.0])
            .args(args);
        for m in &members {
            cmd.args(["--package", &m.name]);
        }
        let status = spawn(&mut cmd, &session.hermetic)?.wait()?;
        if !status.success() {
            bail!("cargo {subcommand} for the docs failed ({status}); its errors are above");
        }
    }
    let mut entries = Vec::new();
    collect(&out, &out, &mut entries)?;
    let rel = format!("{DIR}/{}", file_name(version));
    archive::write_tar_gz(&dist.join(&rel), &entries, mtime).context("writing the docs archive")?;
    Ok(Some(Artifact::of(dist, &rel, Kind::Docs)?))
}

/// Every file under `dir` but cargo's lock file, relative to `root`.
fn collect(root: &Path, dir: &Path, entries: &mut Vec<Entry>) -> Result<()> {
    for e in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let e = e?;
        let path = e.path();
        let meta = e.metadata()?;
        if meta.is_dir() {
            collect(root, &path, entries)?;
        } else if meta.is_file() && e.file_name() != ".lock" {
            entries.push(Entry {
                path: path
                    .strip_prefix(root)
                    .expect("below the root")
                    .to_string_lossy()
                    .into_owned(),
                data: std::fs::read(&path)?,
                executable: false,
            });
        }
    }
    Ok(())
}
