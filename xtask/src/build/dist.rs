//! `cargo xtask dist`: everything a release ships for HEAD, in target/dist/: the stripped
//! release binaries and their debug symbols, the packages, the publishable crates' `.crate`
//! files, and release-manifest.json with sha256.sum describing them.
//!
//! This command is the contract between xtask versions: `release` runs it for a new version,
//! and `rebuild <tag>` runs the tag's own `dist` and compares with the release manifest. Its
//! name, its output paths and the manifest schema must therefore stay stable.

use crate::build::session::{self, Options, Session, spawn};
use crate::files::write_atomic;
use crate::hermetic::Purpose;
use crate::manifest::{Artifact, Kind, Manifest, RELEASE_FILE_NAME, SUMS_FILE_NAME};
use crate::project::{PRODUCT, Project};
use anyhow::{Context, Result, bail};

/// Where `.crate` files go inside target/dist/.
pub const CRATES_DIR: &str = "crates";

pub fn run(project: &Project, opts: &Options) -> Result<()> {
    let session = Session::start(project, opts)?;
    let manifest = produce(&session)?;
    session::report(&session, &manifest);
    println!("  target/dist/{RELEASE_FILE_NAME}\n  target/dist/{SUMS_FILE_NAME}");
    Ok(())
}

/// Builds, packages and writes the release artifact set into target/dist/.
pub fn produce(session: &Session) -> Result<Manifest> {
    let mut manifest = crate::build::package::packaged(session)?;
    let dirty = manifest.git["dirty"].as_bool().unwrap_or(true);
    manifest.artifacts.extend(crates(session, dirty)?);
    let dist = session.project.dist();
    let (version, mtime) = (&manifest.workspace_version, session.cx.head.time);
    manifest
        .artifacts
        .extend(crate::build::docs::write(session, &dist, version, mtime)?);
    manifest.artifacts.push(crate::build::source::write(
        session.project,
        &dist,
        version,
        mtime,
    )?);
    manifest.write(&dist)?;
    write_atomic(
        &dist.join(RELEASE_FILE_NAME),
        manifest.to_text()?.as_bytes(),
    )?;
    write_atomic(&dist.join(SUMS_FILE_NAME), manifest.sums().as_bytes())?;
    Ok(manifest)
}

/// `cargo package --no-verify` for every publishable member, copied to target/dist/crates/.
/// (The release build has already compiled these sources; `publish` verifies on upload.)
fn crates(session: &Session, dirty: bool) -> Result<Vec<Artifact>> {
    let members: Vec<_> = session
        .members()?
        .into_iter()
        .filter(|m| m.publishable)
        .collect();
    if members.is_empty() {
        return Ok(Vec::new());
    }
    let mut cmd = session.hermetic.cargo("package", Purpose::Build);
    cmd.args(["--no-verify", "--quiet", "--manifest-path", PRODUCT.0]);
    for m in &members {
        cmd.args(["--package", &m.name]);
    }
    if dirty {
        // The manifest records the tree as dirty; a release itself refuses a dirty tree.
        cmd.arg("--allow-dirty");
    }
    let status = spawn(&mut cmd, &session.hermetic)?.wait()?;
    if !status.success() {
        bail!("cargo package failed ({status}); its errors are above");
    }
    let dist = session.project.dist();
    std::fs::create_dir_all(dist.join(CRATES_DIR))?;
    let mut artifacts = Vec::new();
    for m in &members {
        let file = format!("{}-{}.crate", m.name, m.version);
        let from = session.hermetic.target_dir().join("package").join(&file);
        let rel = format!("{CRATES_DIR}/{file}");
        std::fs::copy(&from, dist.join(&rel))
            .with_context(|| format!("copying {} to target/dist", from.display()))?;
        artifacts.push(Artifact::of(&dist, &rel, Kind::Crate)?);
    }
    Ok(artifacts)
}
