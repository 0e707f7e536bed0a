//! `cargo xtask registry <args>`: builds Keel's own registry server (`keel-registry`, release
//! profile, hermetically) and runs it with `<args>`, e.g. `serve --dir DIR [--addr ADDR]` or
//! `token new --dir DIR PRINCIPAL`. The server itself runs outside the build sandbox: it must
//! be reachable.

use crate::build::session::{self, Options, Session};
use anyhow::{Context, Result, bail};
use std::os::unix::process::CommandExt;

pub fn run(project: &crate::project::Project, args: &[String]) -> Result<()> {
    let opts = Options {
        release: true,
        packages: vec!["keel-registry".into()],
        no_sandbox: false,
        jobs: None,
        // This process becomes the server: nothing would stop a cache server it started.
        cache: false,
    };
    let session = Session::start(project, &opts)?;
    let exe = session::cargo_build(&session.hermetic, &opts)?
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n == "keel-registry"))
        .context("cargo built no keel-registry executable")?;
    if args.is_empty() {
        bail!("say what keel-registry should do, e.g. `cargo xtask registry serve --dir DIR`");
    }
    // Replaces this process: signals (Ctrl-C, SIGTERM) reach the server directly.
    let err = std::process::Command::new(&exe).args(args).exec();
    bail!("cannot start {}: {err}", exe.display())
}
