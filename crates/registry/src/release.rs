//! Release manifests as the registry reads them: `release-manifest.json`, published as a
//! file of the `keel-release` package (schema: docs/manifest.md in the repository). The
//! registry finds a release's source archive through it and shows its artifacts.

use crate::storage::{Storage, StoreError};
use serde::Deserialize;
use std::path::PathBuf;

/// The package a release's manifest, symbols, SBOMs and source archive are files of.
pub const PACKAGE: &str = "keel-release";
pub const MANIFEST: &str = "release-manifest.json";

#[derive(Debug, Clone, Deserialize)]
pub struct Artifact {
    pub path: String,
    pub kind: String,
    pub sha256: String,
    pub size: u64,
    #[serde(default)]
    pub build_id: Option<String>,
}

impl Artifact {
    /// The file name it is published under.
    pub fn file(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    pub workspace_version: String,
    pub artifacts: Vec<Artifact>,
    #[serde(default)]
    pub git: serde_json::Value,
    #[serde(default)]
    pub inputs: serde_json::Value,
}

/// The manifest of release `version` of `package`, if it was published.
pub fn manifest(storage: &Storage, package: &str, version: &str) -> Result<Manifest, StoreError> {
    let path = storage.package_file(package, version, MANIFEST);
    let text = match std::fs::read(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(StoreError::NotFound(format!(
                "{package} {version} has no {MANIFEST} (its publish has not finished)"
            )));
        }
        Err(e) => return Err(e.into()),
    };
    serde_json::from_slice(&text).map_err(|e| {
        StoreError::Invalid(format!(
            "{package} {version}'s {MANIFEST} is not a release manifest: {e}"
        ))
    })
}

/// The archive of `kind` (`source` or `docs`) published with release `version` of
/// `package`: its path and its id (`package/version/file`).
pub fn archive(
    storage: &Storage,
    package: &str,
    version: &str,
    kind: &str,
) -> Result<(PathBuf, String), StoreError> {
    let m = manifest(storage, package, version)?;
    let a = m.artifacts.iter().find(|a| a.kind == kind).ok_or_else(|| {
        StoreError::NotFound(format!(
            "release {version} has no {kind} archive (it was made before releases carried one)"
        ))
    })?;
    Ok((
        storage.package_file(package, version, a.file()),
        format!("{package}/{version}/{}", a.file()),
    ))
}
