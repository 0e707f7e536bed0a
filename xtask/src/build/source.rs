//! The release's source archive: every file git tracks in the tree that was built (vendored
//! crates included), as a deterministic tar.gz whose entries sit at the paths the debug
//! info names them by. Binaries are built with the checkout remapped to `/keel`, so
//! `crates/kv/src/main.rs` is the entry `keel/crates/kv/src/main.rs`: the archive is a tree
//! rooted at `/`, and a debuginfod server answers `/buildid/<id>/source/keel/...` from it
//! without knowing Keel's remapping.

use crate::build::archive::{self, Entry};
use crate::hermetic::REMAPPED_ROOT;
use crate::manifest::{Artifact, Kind};
use crate::project::Project;
use anyhow::{Context, Result};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Where the archive goes inside target/dist/.
pub const DIR: &str = "source";

pub fn file_name(version: &str) -> String {
    format!("keel-source-{version}.tar.gz")
}

/// Writes `DIR/keel-source-<version>.tar.gz` into `dist`.
pub fn write(project: &Project, dist: &Path, version: &str, mtime: u64) -> Result<Artifact> {
    let listed = crate::git::run(project, &["ls-files", "-z"])?;
    let prefix = REMAPPED_ROOT.trim_start_matches('/');
    let mut entries = Vec::new();
    for rel in listed.split('\0').filter(|p| !p.is_empty()) {
        let path = project.path(rel);
        // Deleted in a dirty tree, or a symlink (no debugger asks for one): not a source.
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        entries.push(Entry {
            path: format!("{prefix}/{rel}"),
            data: std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?,
            executable: meta.permissions().mode() & 0o111 != 0,
        });
    }
    let rel = format!("{DIR}/{}", file_name(version));
    archive::write_tar_gz(&dist.join(&rel), &entries, mtime)
        .context("writing the source archive")?;
    Artifact::of(dist, &rel, Kind::Source)
}
