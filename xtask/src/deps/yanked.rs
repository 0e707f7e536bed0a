//! Which locked packages their registry has yanked. Cargo keeps a yanked version that a lock
//! file names (a lock is respected, on purpose) and says nothing about it. Resolving every
//! locked version afresh, each as an exact requirement and without a lock file, makes cargo
//! refuse the yanked ones, one per resolution, by name: the scan repeats until cargo accepts
//! the rest. Runs in vendoring's online environment, through the registries' own client.

use crate::deps::lockfile::{self, LockedPackage};
use crate::files::TempDir;
use crate::hermetic::online;
use crate::project::{Project, WORKSPACES};
use crate::registry::CRATES_IO_INDEX;
use crate::toolchain::Active;
use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A locked package its registry has yanked, and the lock files that keep it.
#[derive(Debug)]
pub struct Yanked {
    pub package: LockedPackage,
    pub locks: Vec<&'static str>,
}

/// Every registry package of both lock files that its registry has yanked; also how many
/// distinct packages were checked.
pub fn scan(project: &Project, active: &Active) -> Result<(Vec<Yanked>, usize)> {
    let mut pending: BTreeMap<LockedPackage, Vec<&'static str>> = BTreeMap::new();
    for (_, lock) in WORKSPACES {
        for p in lockfile::read(&project.path(lock))? {
            if p.is_registry() {
                let p = LockedPackage {
                    checksum: None,
                    ..p
                };
                pending.entry(p).or_default().push(lock);
            }
        }
    }
    let checked = pending.len();
    let scratch = TempDir::new("yank-scan")?;
    std::fs::write(scratch.path().join("lib.rs"), "")?;
    let mut yanked = Vec::new();
    // Each round either ends the scan or takes one package out: bounded by their number.
    for _ in 0..=checked {
        std::fs::write(
            scratch.path().join("Cargo.toml"),
            probe_manifest(pending.keys()),
        )?;
        let _ = std::fs::remove_file(scratch.path().join("Cargo.lock"));
        let out = online(project, active, &active.cargo())?
            .arg("generate-lockfile")
            .arg("--manifest-path")
            .arg(scratch.path().join("Cargo.toml"))
            .output()
            .context("starting cargo generate-lockfile")?;
        if out.status.success() {
            return Ok((yanked, checked));
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        let Some((name, version)) = refused_as_yanked(&stderr) else {
            bail!(
                "could not check the lock files for yanked packages: cargo failed to resolve the \
                 locked versions afresh:\n{}",
                stderr.trim()
            );
        };
        let key = pending
            .keys()
            .find(|p| p.name == name && p.version == version)
            .cloned()
            .with_context(|| {
                format!("cargo called {name} {version} yanked, but no lock file holds it")
            })?;
        let locks = pending.remove(&key).unwrap_or_default();
        yanked.push(Yanked {
            package: key,
            locks,
        });
    }
    bail!("the yanked-package scan did not settle after {checked} rounds")
}

/// A package that depends on exactly every pending version, under names of its own (a crate
/// can be locked at several versions), without default features (only versions matter).
fn probe_manifest<'a>(packages: impl Iterator<Item = &'a LockedPackage>) -> String {
    let mut text = String::from(
        "[package]\nname = \"keel-yank-probe\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
         publish = false\n\n[lib]\npath = \"lib.rs\"\n\n[workspace]\n\n[dependencies]\n",
    );
    for (i, p) in packages.enumerate() {
        let source = p.source.as_deref().unwrap_or_default();
        let index = match source.strip_prefix("registry+") {
            Some(url) if url == CRATES_IO_INDEX => String::new(),
            Some(url) => format!(", registry-index = \"{url}\""),
            None => format!(", registry-index = \"{source}\""), // sparse+...
        };
        let _ = writeln!(
            text,
            "p{i} = {{ package = \"{}\", version = \"={}\", default-features = false{index} }}",
            p.name, p.version
        );
    }
    text
}

/// `(name, version)` when cargo refused an exact requirement because that version is yanked:
/// "failed to select a version for the requirement `NAME = "=VERSION"`" followed by
/// "version VERSION is yanked".
fn refused_as_yanked(stderr: &str) -> Option<(String, String)> {
    let rest = stderr
        .split("failed to select a version for the requirement `")
        .nth(1)?;
    let (name, rest) = rest.split_once(" = \"=")?;
    let (version, rest) = rest.split_once("\"`")?;
    rest.contains(&format!("version {version} is yanked"))
        .then(|| (name.to_owned(), version.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cargos_refusal_of_a_yanked_exact_version() {
        let stderr = "    Updating crates.io index\n\
             error: failed to select a version for the requirement `slab = \"=0.4.10\"`\n  \
             version 0.4.10 is yanked\nlocation searched: crates.io index\n\
             required by package `keel-yank-probe v0.0.0 (/tmp/x)`\n";
        assert_eq!(
            refused_as_yanked(stderr),
            Some(("slab".into(), "0.4.10".into()))
        );
    }

    #[test]
    fn another_resolution_failure_is_not_taken_for_a_yank() {
        let stderr = "error: failed to select a version for the requirement `slab = \"=9.9.9\"`\n\
             candidate versions found which didn't match: 0.4.12, 0.4.11\n";
        assert_eq!(refused_as_yanked(stderr), None);
        assert_eq!(
            refused_as_yanked("error: download of config.json failed"),
            None
        );
    }

    #[test]
    fn the_probe_names_each_source_and_renames_every_version() {
        let crates_io = LockedPackage {
            name: "slab".into(),
            version: "0.4.12".into(),
            source: Some(format!("registry+{CRATES_IO_INDEX}")),
            checksum: None,
        };
        let sparse = LockedPackage {
            name: "leaf".into(),
            version: "0.1.0".into(),
            source: Some("sparse+http://127.0.0.1:9/index/".into()),
            checksum: None,
        };
        let text = probe_manifest([&crates_io, &sparse].into_iter());
        let doc: toml::Table = text.parse().expect("the probe manifest is TOML");
        let deps = doc["dependencies"].as_table().unwrap();
        assert_eq!(deps["p0"]["version"].as_str(), Some("=0.4.12"));
        assert!(deps["p0"].get("registry-index").is_none());
        assert_eq!(
            deps["p1"]["registry-index"].as_str(),
            Some("sparse+http://127.0.0.1:9/index/")
        );
    }
}
