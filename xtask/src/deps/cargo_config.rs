//! Cargo's configuration, read as data: the registries the checkout's `.cargo/config.toml`
//! names (the registry client resolves `--registry NAME` through it, and vendoring, which runs
//! outside the checkout's config on purpose, hands the same registries to cargo), and the
//! keys the registry client takes the way cargo does (`http.cainfo`, tokens, credential
//! providers).

use crate::project::Project;
use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The checkout's cargo configuration file, relative to the root.
pub const PATH: &str = ".cargo/config.toml";

/// `[registries.<name>] index` of every registry the checkout configures, by name, as written
/// (`sparse+http://...`).
pub fn registries(project: &Project) -> Result<BTreeMap<String, String>> {
    let path = project.path(PATH);
    if !path.exists() {
        return Ok(BTreeMap::new());
    }
    let doc: toml::Table = crate::files::read_to_string(&path)?
        .parse()
        .with_context(|| format!("{} is malformed TOML", path.display()))?;
    let Some(table) = doc.get("registries") else {
        return Ok(BTreeMap::new());
    };
    let Some(table) = table.as_table() else {
        bail!("{}: `registries` is not a table", path.display());
    };
    let mut out = BTreeMap::new();
    for (name, entry) in table {
        let Some(index) = entry.get("index") else {
            continue; // a registry configured only by credentials or protocol keys
        };
        let Some(index) = index.as_str() else {
            bail!(
                "{}: [registries.{name}] index is not a string",
                path.display()
            );
        };
        out.insert(name.clone(), index.to_owned());
    }
    Ok(out)
}

/// The environment variable through which cargo takes `[registries.<name>] <key>`.
pub fn registry_env_var(name: &str, key: &str) -> String {
    format!(
        "CARGO_REGISTRIES_{}_{}",
        name.to_uppercase().replace('-', "_"),
        key.to_uppercase().replace('-', "_")
    )
}

/// A value of cargo's configuration, with the file it came from and the directory its
/// relative paths are taken from (the parent of the `.cargo` directory, as cargo does).
pub struct Found {
    pub value: toml::Value,
    pub file: PathBuf,
    pub base: PathBuf,
}

/// Cargo's home directory: `CARGO_HOME`, else `~/.cargo`.
pub fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
}

/// The dotted `key` (`["http", "cainfo"]`) from the files cargo reads for a build in this
/// checkout, the first that sets it winning: the checkout's `.cargo/config.toml`, then
/// `$CARGO_HOME/config.toml`, then `$CARGO_HOME/credentials.toml` (where `cargo login`
/// writes tokens). Environment variables are the caller's to check first.
pub fn lookup(project: &Project, key: &[&str]) -> Result<Option<Found>> {
    let mut files = vec![(project.path(PATH), project.root.clone())];
    if let Some(home) = cargo_home() {
        let base = home.parent().map(Path::to_path_buf).unwrap_or_default();
        files.push((home.join("config.toml"), base.clone()));
        files.push((home.join("credentials.toml"), base));
    }
    for (file, base) in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let doc: toml::Table = text
            .parse()
            .with_context(|| format!("{} is malformed TOML", file.display()))?;
        let mut at = doc.get(key[0]);
        for k in &key[1..] {
            at = at.and_then(|v| v.get(k));
        }
        if let Some(value) = at {
            return Ok(Some(Found {
                value: value.clone(),
                file,
                base,
            }));
        }
    }
    Ok(None)
}
