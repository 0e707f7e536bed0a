//! `cargo xtask publish [--registry NAME_OR_URL] [--dry-run] [--version V]`: publishes a
//! release made by `release` (target/releases/<version>/): every crate in dependency order
//! with the exact `.crate` bytes the release manifest lists, then the packages, then the
//! release manifest itself. Idempotent: what is already there with the same bytes is
//! skipped; the same version with different bytes is a hard error naming it.

use crate::build::session::workspace_version;
use crate::files::sha256_bytes;
use crate::manifest::{Artifact, Kind, Manifest, RELEASE_FILE_NAME, SUMS_FILE_NAME};
use crate::project::Project;
use crate::registry::{RELEASE_PACKAGE, Registry, publish_metadata};
use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::path::Path;

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub registry: Option<String>,
    pub dry_run: bool,
    pub version: Option<String>,
}

pub fn run(project: &Project, opts: &Options) -> Result<()> {
    let version = match &opts.version {
        Some(v) => v.clone(),
        None => workspace_version(project)?,
    };
    let dir = project.target().join("releases").join(&version);
    let manifest_text = std::fs::read_to_string(dir.join(RELEASE_FILE_NAME)).with_context(|| {
        format!(
            "no release {version} in {}: make it with `cargo xtask release {version} --no-publish`, then publish",
            dir.display()
        )
    })?;
    let manifest = Manifest::parse(
        &manifest_text,
        &dir.join(RELEASE_FILE_NAME).display().to_string(),
    )?;
    let registry = Registry::resolve(project, opts.registry.as_deref())?;
    if !opts.dry_run && !registry.has_token() {
        bail!(
            "publishing to {} needs a token: {}",
            registry.label,
            registry.token_hint()
        );
    }
    publish(
        &registry,
        &dir,
        &manifest,
        &manifest_text,
        &version,
        opts.dry_run,
    )
}

/// Publishes the release stored in `dir` (described by `manifest`) to `registry`.
pub fn publish(
    registry: &Registry,
    dir: &Path,
    manifest: &Manifest,
    manifest_text: &str,
    version: &str,
    dry_run: bool,
) -> Result<()> {
    // The stored files must still be the release's, byte for byte.
    let mut files = Vec::new();
    for a in &manifest.artifacts {
        let bytes =
            std::fs::read(dir.join(&a.path)).with_context(|| format!("reading {}", a.path))?;
        let sha = sha256_bytes(&bytes);
        if sha != a.sha256 {
            bail!(
                "{} in {} has sha256 {sha}, but the release manifest says {}: the stored release was modified; \
                 nothing was published",
                a.path,
                dir.display(),
                a.sha256
            );
        }
        files.push((a.clone(), bytes));
    }
    let crates = dependency_order(
        files.iter().filter(|(a, _)| a.kind == Kind::Crate),
        &registry.index,
    )?;
    let packages: Vec<&(Artifact, Vec<u8>)> = files
        .iter()
        .filter(|(a, _)| a.kind == Kind::Package)
        .collect();
    // Every other artifact (binaries and their symbols, which the registry indexes by
    // build-id for debuggers; the source archive it serves their sources from; the docs; the
    // SBOMs), and the signatures and provenance of a signed release: files of the release
    // package, published before the manifest.
    let mut signed: Vec<(String, Vec<u8>)> = files
        .iter()
        .filter(|(a, _)| !matches!(a.kind, Kind::Crate | Kind::Package))
        .map(|(a, b)| {
            (
                a.path.rsplit('/').next().unwrap_or(&a.path).to_owned(),
                b.clone(),
            )
        })
        .collect();
    for file in crate::release::sign::files() {
        if let Ok(bytes) = std::fs::read(dir.join(&file)) {
            signed.push((file, bytes));
        }
    }
    // And the rebuilders' attestations gathered so far (publish again to add later ones).
    let mut attestations: Vec<String> = std::fs::read_dir(dir.join(crate::release::attest::DIR))
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| crate::release::attest::is_file_name(n))
        .collect();
    attestations.sort();
    for name in attestations {
        let path = dir.join(crate::release::attest::DIR).join(&name);
        signed.push((
            name,
            std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?,
        ));
    }
    let total = crates.len() + packages.len() + signed.len() + 2;
    let verb = if dry_run {
        "would publish"
    } else {
        "published"
    };
    println!(
        "{} release {version} to {} ({}): {} crates, {} packages, sha256.sum and the release manifest",
        if dry_run { "checking" } else { "publishing" },
        registry.label,
        registry.index,
        crates.len(),
        packages.len()
    );
    let mut step = 0;
    let mut progress = |what: &str, outcome: &str| {
        step += 1;
        println!("  [{step}/{total}] {what}: {outcome}");
    };

    for (a, bytes, meta) in &crates {
        let (name, vers) = (
            meta["name"].as_str().unwrap_or_default(),
            meta["vers"].as_str().unwrap_or_default(),
        );
        let what = format!("crate {name} {vers}");
        if let Some(line) = registry
            .index_lines(name)?
            .into_iter()
            .find(|l| l["vers"] == vers)
        {
            if line["cksum"] == a.sha256.as_str() {
                progress(&what, "already published, identical");
                continue;
            }
            bail!(
                "{what} is already in {} with different bytes (sha256 {}; this release's is {}): published versions \
                 are immutable; release a new version",
                registry.label,
                line["cksum"].as_str().unwrap_or("?"),
                a.sha256
            );
        }
        if dry_run {
            progress(&what, verb);
            continue;
        }
        let reply = registry.publish(meta, bytes)?;
        match reply.status {
            200 => {}
            409 => bail!("{what}: {} refused it: {}", registry.label, reply.detail()),
            401 | 403 => bail!(
                "{what}: {} refused the token ({}: {}): {}",
                registry.label,
                reply.status,
                reply.detail(),
                registry.token_hint()
            ),
            s => bail!(
                "{what}: {} answered {s}: {}",
                registry.label,
                reply.detail()
            ),
        }
        // Read back: the index must now hold exactly these bytes.
        let line = registry
            .index_lines(name)?
            .into_iter()
            .find(|l| l["vers"] == vers);
        if line.as_ref().map(|l| &l["cksum"]) != Some(&Value::String(a.sha256.clone())) {
            bail!(
                "{what}: published, but the index does not show the release's checksum {}",
                a.sha256
            );
        }
        progress(&what, verb);
    }

    let mut put = |name: &str, file: &str, bytes: &[u8], sha: &str, what: String| -> Result<()> {
        if dry_run {
            let there = registry.get_package(name, version, file)?;
            match there.status {
                200 if sha256_bytes(&there.body) == sha => {
                    progress(&what, "already published, identical")
                }
                200 => bail!(
                    "{what} is already in {} with different bytes; published versions are immutable",
                    registry.label
                ),
                _ => progress(&what, verb),
            }
            return Ok(());
        }
        let reply = registry.put_package(name, version, file, bytes, sha)?;
        match reply.status {
            201 => progress(&what, verb),
            200 => progress(&what, "already published, identical"),
            409 => bail!("{what}: {} refused it: {}", registry.label, reply.detail()),
            s => bail!(
                "{what}: {} answered {s}: {}",
                registry.label,
                reply.detail()
            ),
        }
        Ok(())
    };
    for (a, bytes) in packages {
        let file = a.path.rsplit('/').next().unwrap_or(&a.path);
        let name = file
            .split(&format!("-{version}-"))
            .next()
            .filter(|n| *n != file)
            .with_context(|| {
                format!("package file {file} is not named <name>-{version}-<target>.tar.gz")
            })?;
        put(name, file, bytes, &a.sha256, format!("package {file}"))?;
    }
    let sums = manifest.sums();
    put(
        RELEASE_PACKAGE,
        SUMS_FILE_NAME,
        sums.as_bytes(),
        &sha256_bytes(sums.as_bytes()),
        format!("{SUMS_FILE_NAME} ({RELEASE_PACKAGE} {version})"),
    )?;
    for (file, bytes) in &signed {
        put(
            RELEASE_PACKAGE,
            file,
            bytes,
            &sha256_bytes(bytes),
            format!("{file} ({RELEASE_PACKAGE} {version})"),
        )?;
    }
    put(
        RELEASE_PACKAGE,
        RELEASE_FILE_NAME,
        manifest_text.as_bytes(),
        &sha256_bytes(manifest_text.as_bytes()),
        format!("release manifest ({RELEASE_PACKAGE} {version})"),
    )?;
    println!(
        "{} {version} to {}{}",
        if dry_run { "checked" } else { "published" },
        registry.label,
        if dry_run {
            " (dry run: nothing was written)"
        } else {
            ""
        }
    );
    Ok(())
}

/// The crates, each after the crates of this release it depends on (from the same registry).
fn dependency_order<'a>(
    crates: impl Iterator<Item = &'a (Artifact, Vec<u8>)>,
    index: &str,
) -> Result<Vec<(&'a Artifact, &'a Vec<u8>, Value)>> {
    let mut pending: Vec<(&Artifact, &Vec<u8>, Value)> = Vec::new();
    for (a, bytes) in crates {
        pending.push((
            a,
            bytes,
            publish_metadata(bytes, index).with_context(|| format!("reading {}", a.path))?,
        ));
    }
    let names: Vec<String> = pending
        .iter()
        .map(|p| p.2["name"].as_str().unwrap_or_default().to_owned())
        .collect();
    let mut ordered = Vec::new();
    let mut done: Vec<String> = Vec::new();
    while !pending.is_empty() {
        let ready = pending.iter().position(|(_, _, meta)| {
            meta["deps"].as_array().into_iter().flatten().all(|d| {
                let dep = d["name"].as_str().unwrap_or_default();
                d["kind"] == "dev"
                    || !names.iter().any(|n| n == dep)
                    || done.iter().any(|n| n == dep)
            })
        });
        let Some(i) = ready else {
            bail!(
                "the release's crates depend on each other in a cycle: {}",
                names.join(", ")
            );
        };
        let item = pending.remove(i);
        done.push(item.2["name"].as_str().unwrap_or_default().to_owned());
        ordered.push(item);
    }
    Ok(ordered)
}
