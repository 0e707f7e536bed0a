//! `cargo xtask build`: verify, then one hermetic cargo build, then target/dist/ and its
//! build-manifest.json. A no-op build (nothing changed since the last one) stops after the
//! cheap checks.

pub mod archive;
pub mod dist;
pub mod docs;
pub mod elf;
pub mod package;
pub mod sbom;
pub mod session;
pub mod sim;
pub mod source;
pub mod test;
pub mod test_tools;

use crate::build::session::{Options, Session, check, report};
use crate::files::sha256_bytes;
use crate::fingerprint::{self, Stamp};
use crate::project::Project;
use anyhow::Result;

pub fn run(project: &Project, opts: &Options) -> Result<()> {
    let cx = check(project)?;
    let dist = project.dist();
    let stamp = Stamp::new(project.state().join("build.stamp"));
    let what = format!(
        "{}\n{}\n{}\n{}\n{:?}\n{}",
        cx.tree,
        cx.active.version_verbose,
        cx.head.commit,
        opts.profile(),
        opts.packages,
        opts.no_sandbox
    );
    let key = |dist_fp: &str| sha256_bytes(format!("{what}\n{dist_fp}").as_bytes());
    if dist.is_dir() && stamp.read(&key(&fingerprint::tree(&dist)?)).is_some() {
        println!(
            "up to date: nothing changed since the last build; target/dist/build-manifest.json stands"
        );
        return Ok(());
    }
    stamp.clear();
    let session = Session::with(project, cx.with_native(project)?, opts)?;
    let manifest = session.build()?;
    manifest.write(&dist)?;
    stamp.write(&key(&fingerprint::tree(&dist)?), "")?;
    report(&session, &manifest);
    Ok(())
}
