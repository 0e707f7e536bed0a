//! `cargo xtask sim`: builds keel-sim (optimized: a debug build explores a tenth of the
//! seeds) and runs it with the given arguments. The flags are keel-sim's own, so they live in
//! one place: `cargo xtask sim --help` prints them.

use crate::project::Project;
use anyhow::{Result, bail};

pub fn run(project: &Project, args: &[String]) -> Result<()> {
    let status =
        crate::build::session::run_target(project, "keel-sim", ["--bin", "keel-sim"], args)?;
    match status.code() {
        Some(0) => Ok(()),
        // clap's exit code for a usage error.
        Some(2) => {
            bail!("keel-sim refused its arguments (above); `cargo xtask sim --help` lists them")
        }
        _ => bail!("the simulation failed ({status}); the seed and its replay command are above"),
    }
}
