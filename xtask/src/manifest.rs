//! The build manifest: what a build produced and from what (schema in ../shared/DESIGN.md).
//! Nothing machine-specific goes in, so the same commit yields the same manifest anywhere.

use crate::files;
use anyhow::{Context, Result};
use serde_json::{Value, json};
use std::path::Path;

pub const SCHEMA: u32 = 1;
pub const FILE_NAME: &str = "build-manifest.json";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An executable. (The schema's other kinds, `debug`, `package` and `crate`, arrive with
    /// the release tooling that produces them.)
    Bin,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Bin => "bin",
        }
    }
}

/// One file under target/dist/.
#[derive(Debug, Clone)]
pub struct Artifact {
    /// Relative to target/dist/, '/'-separated.
    pub path: String,
    pub kind: Kind,
    pub sha256: String,
    pub size: u64,
}

impl Artifact {
    /// Describes a file already in `dist`.
    pub fn of(dist: &Path, rel: &str, kind: Kind) -> Result<Artifact> {
        let (sha256, size) =
            files::sha256_file(&dist.join(rel)).with_context(|| format!("hashing {rel}"))?;
        Ok(Artifact {
            path: rel.to_owned(),
            kind,
            sha256,
            size,
        })
    }
}

pub struct Manifest {
    pub workspace_version: String,
    pub git: Value,
    pub inputs: Value,
    pub artifacts: Vec<Artifact>,
}

impl Manifest {
    pub fn to_json(&self) -> Value {
        let mut artifacts = self.artifacts.clone();
        artifacts.sort_by(|a, b| a.path.cmp(&b.path));
        json!({
            "schema": SCHEMA,
            "workspace_version": self.workspace_version,
            "git": self.git,
            "inputs": self.inputs,
            "artifacts": artifacts.iter().map(|a| json!({
                "path": a.path, "kind": a.kind.as_str(), "sha256": a.sha256, "size": a.size,
            })).collect::<Vec<_>>(),
        })
    }

    pub fn write(&self, dist: &Path) -> Result<()> {
        let mut text = serde_json::to_string_pretty(&self.to_json())?;
        text.push('\n');
        files::write_atomic(&dist.join(FILE_NAME), text.as_bytes())
    }
}
