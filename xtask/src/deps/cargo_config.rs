//! The checkout's `.cargo/config.toml`, read as data: the registries it names. The registry
//! client resolves `--registry NAME` through it, and vendoring, which runs outside the
//! checkout's config on purpose, hands the same registries to cargo.

use crate::project::Project;
use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;

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
