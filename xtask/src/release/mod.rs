//! `cargo xtask release <version> --no-publish`: from a clean tree, set the workspace version
//! (committing it when it changes), build the release artifact set (`dist`), store it under
//! target/releases/<version>/, and create the annotated tag `v<version>`, whose message
//! records the release manifest's sha256 so `rebuild` can tell a tampered manifest.
//! Publishing to the registry arrives with the registry; until then `--no-publish` is required.

pub mod attest;
pub mod debug;
pub mod provenance;
pub mod publish;
pub mod rebuild;
pub mod repro;
pub mod sign;
pub mod verdict;
pub mod verify;

use crate::build::dist;
use crate::build::session::{Options, Session, workspace_version};
use crate::files::{sha256_bytes, write_atomic};
use crate::git;
use crate::git::{TAG_MANIFEST_LINE, tag_name};
use crate::manifest::{Manifest, RELEASE_FILE_NAME, SUMS_FILE_NAME};
use crate::process::run_capture;
use crate::project::{PRODUCT, Project};
use anyhow::{Context, Result, bail};
use std::path::Path;

/// `publish`: `None` for --no-publish, else the registry to publish to (default `keel`).
pub fn run(
    project: &Project,
    version: &str,
    publish: Option<Option<String>>,
    require_signature: bool,
    opts: &Options,
) -> Result<()> {
    check_version(version)?;
    let dirty = git::status(project)?;
    if !dirty.is_empty() {
        bail!(
            "the tree is not clean, and a release must be exactly a commit:\n  {}\n\
             commit or stash these changes first",
            dirty
                .iter()
                .take(10)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n  ")
        );
    }
    let tag = tag_name(version);
    if let Some(commit) = git::tag_commit(project, &tag) {
        bail!(
            "tag {tag} already exists (commit {commit}): a released version is immutable; \
             choose a new version, or rebuild that one with `cargo xtask rebuild {tag}`"
        );
    }

    // The whole pre-flight (pin, toolchain, vendor, locks, the registry and its token)
    // before anything is changed.
    crate::build::session::prepare(project)?;
    let registry = match &publish {
        None => None,
        Some(name) => {
            let r = crate::registry::Registry::resolve(project, name.as_deref()).map_err(|e| {
                anyhow::anyhow!("{e:#}\n(or release without publishing: `cargo xtask release {version} --no-publish`)")
            })?;
            if !r.has_token() {
                bail!(
                    "publishing to {} needs a token: {}",
                    r.label,
                    r.token_hint()
                );
            }
            Some(r)
        }
    };
    // The signing key, checked against keys/ for a release dated as HEAD (a version commit
    // made below is dated now, within any key valid now).
    let head_time = git::head(project)?.time;
    let signing = sign::key_for_release(project, head_time, require_signature)?;
    let current = workspace_version(project)?;
    if current != version {
        set_version(project, &current, version, opts)?;
        git::run(
            project,
            &[
                "commit",
                "-q",
                "-m",
                &format!("Release {version}: set the workspace version"),
                "--",
                PRODUCT.0,
                PRODUCT.1,
            ],
        )
        .context("committing the new version")?;
        println!("set the workspace version {current} -> {version} and committed it");
    }

    let session = Session::start(project, opts)?;
    let manifest = dist::produce(&session).with_context(|| {
        format!(
            "building release {version} failed; HEAD stays as it is (with the version set), \
             so after fixing the cause run `cargo xtask release {version} --no-publish` again"
        )
    })?;
    if manifest.git["dirty"] != false {
        bail!("the tree changed while the release was building; nothing was tagged");
    }
    let stored = store(project, version, &manifest)?;
    match &signing {
        Some((secret, key)) => sign::sign(project, &stored, &manifest, &tag, secret, key)?,
        None => println!(
            "  not signed: no {} (verify-release refuses unsigned releases)",
            crate::sign::keys::SECRET_VAR
        ),
    }
    let manifest_sha = sha256_bytes(manifest.to_text()?.as_bytes());
    let commit = session.cx.head.commit.as_str();
    git::run(
        project,
        &[
            "tag",
            "-a",
            &tag,
            commit,
            "-m",
            &format!(
                "Keel {version}\n\n{TAG_MANIFEST_LINE}{manifest_sha}\n\
                 Rebuild and verify with: cargo xtask rebuild {tag}\n"
            ),
        ],
    )
    .context("creating the release tag")?;

    println!(
        "released {version}: tag {tag} -> {commit}, {} artifacts stored in {}",
        manifest.artifacts.len(),
        stored.display()
    );
    println!("  {RELEASE_FILE_NAME} sha256 {manifest_sha} (recorded in the tag)");
    println!("  publish the tag: git push origin {tag}");
    println!("  verify it later: cargo xtask rebuild {tag}");
    match registry {
        Some(r) => crate::release::publish::publish(&r, &stored, &manifest, &manifest.to_text()?, version, false)
            .with_context(|| format!("release {version} is built, stored and tagged, but publishing failed; retry with `cargo xtask publish --version {version}`")),
        None => {
            println!("  not published (--no-publish); later: cargo xtask publish --version {version}");
            Ok(())
        }
    }
}

/// A semantic version (semver.org): MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD].
pub fn check_version(version: &str) -> Result<()> {
    let invalid = |why: &str| {
        anyhow::anyhow!(
            "`{version}` is not a valid release version ({why}): use MAJOR.MINOR.PATCH, \
             optionally with -PRERELEASE or +BUILD, e.g. 0.2.0 or 1.0.0-rc.1"
        )
    };
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let identifiers = |s: &str, what: &str| -> Result<()> {
        for id in s.split('.') {
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return Err(invalid(&format!("bad {what} identifier `{id}`")));
            }
        }
        Ok(())
    };
    let (rest, build) = match version.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (version, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() != 3 {
        return Err(invalid("not three numbers"));
    }
    for p in &parts {
        if !numeric(p) {
            return Err(invalid(&format!("`{p}` is not a number")));
        }
        if p.len() > 1 && p.starts_with('0') {
            return Err(invalid(&format!("`{p}` has a leading zero")));
        }
        p.parse::<u64>().map_err(|_| invalid("number too large"))?;
    }
    if let Some(pre) = pre {
        identifiers(pre, "pre-release")?;
        if let Some(id) = pre
            .split('.')
            .find(|id| numeric(id) && id.len() > 1 && id.starts_with('0'))
        {
            return Err(invalid(&format!("pre-release `{id}` has a leading zero")));
        }
    }
    if let Some(build) = build {
        identifiers(build, "build")?;
    }
    Ok(())
}

/// Sets `[workspace.package] version` and the versions of the workspace's own crates in
/// `[workspace.dependencies]`, then lets cargo record them in Cargo.lock.
fn set_version(project: &Project, from: &str, to: &str, opts: &Options) -> Result<()> {
    let path = project.path(PRODUCT.0);
    let text = crate::files::read_to_string(&path)?;
    let edited = with_version(&text, from, to);
    let by_hand = || {
        format!(
            "set [workspace.package] version and the versions of the keel-* entries in \
             [workspace.dependencies] to {to} by hand, commit, and run the release again"
        )
    };
    // Every member must inherit the version, or the release would be a mix of versions.
    let root_doc: toml::Table = text.parse().context("Cargo.toml is malformed TOML")?;
    for manifest in crate::check::verify::members(project, &root_doc)? {
        let doc: toml::Table = crate::files::read_to_string(&project.path(&manifest))?
            .parse()
            .with_context(|| format!("{} is malformed TOML", manifest.display()))?;
        let inherits = doc
            .get("package")
            .and_then(|p| p.get("version"))
            .and_then(|v| v.get("workspace"))
            .and_then(|w| w.as_bool())
            == Some(true);
        if !inherits {
            bail!(
                "{} does not take its version from the workspace: write `version.workspace = true` in its [package]",
                manifest.display()
            );
        }
    }
    let doc: toml::Table = edited.parse().with_context(by_hand)?;
    if doc["workspace"]["package"]
        .get("version")
        .and_then(|v| v.as_str())
        != Some(to)
    {
        bail!(
            "could not find [workspace.package] version = \"{from}\" in Cargo.toml; {}",
            by_hand()
        );
    }
    write_atomic(&path, edited.as_bytes())?;
    // Not a Session: verify would (rightly) call the lock stale until this runs.
    let active = crate::toolchain::Active::detect(project)?;
    let hermetic = crate::hermetic::Hermetic::new(project, &active, 0, !opts.no_sandbox);
    let mut cmd = hermetic.cargo_updating_lock("update");
    cmd.args(["--workspace", "--manifest-path", PRODUCT.0]);
    run_capture(&mut cmd).context("recording the new version in Cargo.lock")?;
    Ok(())
}

/// `text` (the root Cargo.toml) with the workspace version `from` replaced by `to` in
/// `[workspace.package]` and in path dependencies of `[workspace.dependencies]`.
fn with_version(text: &str, from: &str, to: &str) -> String {
    let mut table = String::new();
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            table = trimmed.trim_end().to_owned();
        }
        let edited = match table.as_str() {
            "[workspace.package]" if trimmed.starts_with("version") => {
                line.replacen(&format!("\"{from}\""), &format!("\"{to}\""), 1)
            }
            "[workspace.dependencies]" if line.contains("path") => line
                .replacen(
                    &format!("version = \"{from}\""),
                    &format!("version = \"{to}\""),
                    1,
                )
                .replacen(
                    &format!("version = \"={from}\""),
                    &format!("version = \"={to}\""),
                    1,
                ),
            _ => line.to_owned(),
        };
        out.push_str(&edited);
    }
    out
}

/// Copies the release artifact set into target/releases/<version>/, complete or not at all.
fn store(project: &Project, version: &str, manifest: &Manifest) -> Result<std::path::PathBuf> {
    let releases = project.target().join("releases");
    let dest = releases.join(version);
    let tmp = releases.join(format!(".{version}.partial"));
    let _ = std::fs::remove_dir_all(&tmp);
    let dist = project.dist();
    let copy = |rel: &str| -> Result<()> {
        let to = tmp.join(rel);
        std::fs::create_dir_all(to.parent().unwrap_or(Path::new(".")))?;
        std::fs::copy(dist.join(rel), &to)
            .with_context(|| format!("storing {rel} in {}", tmp.display()))?;
        Ok(())
    };
    for a in &manifest.artifacts {
        copy(&a.path)?;
    }
    copy(RELEASE_FILE_NAME)?;
    copy(SUMS_FILE_NAME)?;
    if dest.exists() {
        // Left by an earlier attempt that never got its tag (the tag is checked first).
        std::fs::remove_dir_all(&dest)?;
    }
    std::fs::rename(&tmp, &dest)?;
    Ok(dest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_semver() {
        for ok in [
            "0.1.0",
            "1.2.3",
            "10.0.0-rc.1",
            "1.0.0-alpha-1+build.7",
            "0.0.0+x",
        ] {
            check_version(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        for bad in [
            "",
            "1",
            "1.2",
            "1.2.3.4",
            "v1.2.3",
            "01.2.3",
            "1.2.x",
            "1.2.3-",
            "1.2.3-a..b",
            "1.2.3-01",
            "1.2.3+",
            " 1.2.3",
        ] {
            let err = check_version(bad).unwrap_err().to_string();
            assert!(err.contains("MAJOR.MINOR.PATCH"), "{bad}: {err}");
        }
    }

    #[test]
    fn the_version_is_set_where_the_workspace_declares_it() {
        let text = "[workspace.package]\nversion = \"0.1.0\"\nrust-version = \"0.1.0\"\n\n\
                    [workspace.dependencies]\nkeel-a = { path = \"crates/a\", version = \"0.1.0\" }\n\
                    other = \"0.1.0\"\n\n[package]\nversion = \"0.1.0\"\n";
        assert_eq!(
            with_version(text, "0.1.0", "0.2.0"),
            "[workspace.package]\nversion = \"0.2.0\"\nrust-version = \"0.1.0\"\n\n\
             [workspace.dependencies]\nkeel-a = { path = \"crates/a\", version = \"0.2.0\" }\n\
             other = \"0.1.0\"\n\n[package]\nversion = \"0.1.0\"\n"
        );
    }
}
