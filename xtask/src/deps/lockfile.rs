//! Cargo.lock, read as data.

use anyhow::{Context, Result, bail};
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LockedPackage {
    pub name: String,
    pub version: String,
    /// `None` for workspace members and other path packages.
    pub source: Option<String>,
    pub checksum: Option<String>,
}

impl LockedPackage {
    pub fn is_registry(&self) -> bool {
        self.source
            .as_deref()
            .is_some_and(|s| s.starts_with("registry+") || s.starts_with("sparse+"))
    }

    /// The directory `cargo vendor --versioned-dirs` gives this package.
    pub fn vendor_dir(&self) -> String {
        format!("{}-{}", self.name, self.version)
    }
}

pub fn read(path: &Path) -> Result<Vec<LockedPackage>> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "reading {} (regenerate it with `cargo xtask vendor`)",
            path.display()
        )
    })?;
    parse(&text).with_context(|| {
        format!(
            "{} is malformed; restore it from git or regenerate it with `cargo xtask vendor`",
            path.display()
        )
    })
}

pub fn parse(text: &str) -> Result<Vec<LockedPackage>> {
    let doc: toml::Table = text.parse()?;
    let Some(packages) = doc.get("package") else {
        return Ok(Vec::new());
    };
    let Some(packages) = packages.as_array() else {
        bail!("`package` is not an array of tables");
    };
    let field = |t: &toml::Table, key: &str| t.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    packages
        .iter()
        .map(|p| {
            let t = p.as_table().context("a [[package]] entry is not a table")?;
            Ok(LockedPackage {
                name: field(t, "name").context("a [[package]] entry has no name")?,
                version: field(t, "version").context("a [[package]] entry has no version")?,
                source: field(t, "source"),
                checksum: field(t, "checksum"),
            })
        })
        .collect()
}
