//! Where things are: the repository root and the directories xtask owns under `target/`.

use anyhow::{Result, bail};
use std::path::{Path, PathBuf};

/// The product workspace's manifest and lock file.
pub const PRODUCT: (&str, &str) = ("Cargo.toml", "Cargo.lock");
/// xtask's own workspace (see ARCHITECTURE.md for why it is separate).
pub const XTASK: (&str, &str) = ("xtask/Cargo.toml", "xtask/Cargo.lock");
/// Both workspaces, as (manifest, lock file): every registry package of both locks is vendored.
pub const WORKSPACES: [(&str, &str); 2] = [PRODUCT, XTASK];

/// The Keel checkout xtask is working on.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
}

impl Project {
    /// Finds the root: the nearest directory, from the current one upwards, holding both
    /// `toolchain.toml` and `Cargo.toml`.
    pub fn discover() -> Result<Project> {
        let cwd = std::env::current_dir()?;
        for dir in cwd.ancestors() {
            if dir.join("toolchain.toml").is_file() && dir.join("Cargo.toml").is_file() {
                return Ok(Project {
                    root: dir.to_path_buf(),
                });
            }
        }
        bail!(
            "no Keel checkout around {}: no directory upwards holds both toolchain.toml and Cargo.toml; \
             run `cargo xtask` from the repository root",
            cwd.display()
        )
    }

    pub fn path(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.root.join(rel)
    }

    /// `target/`: every build output lives below it, and nothing else does.
    pub fn target(&self) -> PathBuf {
        self.root.join("target")
    }

    /// `target/keel/`: xtask's private state (cargo home, hermetic target dir, stamps).
    pub fn state(&self) -> PathBuf {
        self.target().join("keel")
    }

    /// `target/dist/`: what the last build produced, described by build-manifest.json.
    pub fn dist(&self) -> PathBuf {
        self.target().join("dist")
    }

    pub fn vendor(&self) -> PathBuf {
        self.root.join("vendor")
    }
}
