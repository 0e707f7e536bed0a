//! The build manifest: what a build produced and from what (schema: docs/manifest.md, which
//! xtask/tests/schema.rs holds to what is written here).
//! Nothing machine-specific goes in, so the same commit yields the same manifest anywhere.
//! A release stores the same document as `release-manifest.json`, next to `sha256.sum`.

use crate::files;
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use std::path::Path;

pub const SCHEMA: u32 = 1;
pub const FILE_NAME: &str = "build-manifest.json";
pub const RELEASE_FILE_NAME: &str = "release-manifest.json";
pub const SUMS_FILE_NAME: &str = "sha256.sum";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An executable (for a release: stripped, with a debuglink to its `debug` file).
    Bin,
    /// A release binary's debug symbols, tied to it by GNU build-id and debuglink.
    Debug,
    /// A deployable package (packages/<name>.toml), a deterministic .tar.gz.
    Package,
    /// A publishable crate, as `cargo package` writes it.
    Crate,
    /// A release binary's CycloneDX SBOM: the crates linked into it.
    Sbom,
    /// The source archive: every tracked file of the tree built, at its remapped path.
    Source,
    /// The publishable crates' rustdoc, one tree.
    Docs,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Bin => "bin",
            Kind::Debug => "debug",
            Kind::Package => "package",
            Kind::Crate => "crate",
            Kind::Sbom => "sbom",
            Kind::Source => "source",
            Kind::Docs => "docs",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        [
            Kind::Bin,
            Kind::Debug,
            Kind::Package,
            Kind::Crate,
            Kind::Sbom,
            Kind::Source,
            Kind::Docs,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One file under target/dist/.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// Relative to target/dist/, '/'-separated.
    pub path: String,
    pub kind: Kind,
    pub sha256: String,
    pub size: u64,
    /// The GNU build-id of a `bin` or `debug` ELF file: the same in a binary and its symbols.
    pub build_id: Option<String>,
}

impl Artifact {
    /// Describes a file already in `dist`.
    pub fn of(dist: &Path, rel: &str, kind: Kind) -> Result<Artifact> {
        let path = dist.join(rel);
        let (sha256, size) = files::sha256_file(&path).with_context(|| format!("hashing {rel}"))?;
        let build_id = match kind {
            Kind::Bin | Kind::Debug => {
                let bytes = std::fs::read(&path).with_context(|| format!("reading {rel}"))?;
                crate::build::elf::build_id(&bytes)
            }
            Kind::Package | Kind::Crate | Kind::Sbom | Kind::Source | Kind::Docs => None,
        };
        Ok(Artifact {
            path: rel.to_owned(),
            kind,
            sha256,
            size,
            build_id,
        })
    }

    fn to_json(&self) -> Value {
        let mut v = json!({
            "path": self.path, "kind": self.kind.as_str(), "sha256": self.sha256, "size": self.size,
        });
        if let Some(id) = &self.build_id {
            v["build_id"] = json!(id);
        }
        v
    }

    fn from_json(v: &Value) -> Option<Artifact> {
        Some(Artifact {
            path: v["path"].as_str()?.to_owned(),
            kind: Kind::parse(v["kind"].as_str()?)?,
            sha256: v["sha256"].as_str()?.to_owned(),
            size: v["size"].as_u64()?,
            build_id: v["build_id"].as_str().map(str::to_owned),
        })
    }
}

#[derive(Debug, Clone)]
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
            "artifacts": artifacts.iter().map(Artifact::to_json).collect::<Vec<_>>(),
        })
    }

    pub fn to_text(&self) -> Result<String> {
        let mut text = serde_json::to_string_pretty(&self.to_json())?;
        text.push('\n');
        Ok(text)
    }

    /// Writes target/dist/build-manifest.json.
    pub fn write(&self, dist: &Path) -> Result<()> {
        files::write_atomic(&dist.join(FILE_NAME), self.to_text()?.as_bytes())
    }

    /// `sha256.sum`, for `sha256sum -c` run in the directory holding the artifacts.
    pub fn sums(&self) -> String {
        let mut artifacts = self.artifacts.clone();
        artifacts.sort_by(|a, b| a.path.cmp(&b.path));
        artifacts
            .iter()
            .map(|a| format!("{}  {}\n", a.sha256, a.path))
            .collect()
    }

    /// Parses a manifest some build wrote; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Manifest> {
        let v: Value = serde_json::from_str(text)
            .with_context(|| format!("{origin} is not valid JSON (truncated or edited?)"))?;
        if v["schema"].as_u64() != Some(u64::from(SCHEMA)) {
            bail!(
                "{origin} has schema {} but this xtask reads schema {SCHEMA}",
                v["schema"]
            );
        }
        let raw = v["artifacts"]
            .as_array()
            .with_context(|| format!("{origin} has no `artifacts` list"))?;
        let mut artifacts = Vec::with_capacity(raw.len());
        for a in raw {
            artifacts.push(Artifact::from_json(a).with_context(|| {
                format!("{origin}: malformed artifact entry {a} (needs path, kind, sha256, size)")
            })?);
        }
        Ok(Manifest {
            workspace_version: v["workspace_version"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            git: v["git"].clone(),
            inputs: v["inputs"].clone(),
            artifacts,
        })
    }
}
