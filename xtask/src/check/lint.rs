//! `cargo xtask lint`: formatting checked (`cargo fmt --check`) and clippy with warnings
//! denied, for the product workspace and xtask, through the same hermetic cargo as builds.

use crate::build::session::{self, spawn};
use crate::hermetic::{Hermetic, Purpose};
use crate::project::{PRODUCT, Project, XTASK};
use anyhow::{Context, Result, bail};

pub fn run(project: &Project) -> Result<()> {
    let cx = session::prepare(project)?;
    let hermetic = Hermetic::for_build(project, &cx, true);
    hermetic.prepare().context("creating target/keel")?;
    let mut failures = Vec::new();
    for (name, manifest) in [("workspace", PRODUCT.0), ("xtask", XTASK.0)] {
        println!("== lint: {name}: cargo fmt --check");
        let mut fmt = hermetic.cargo_plain("fmt");
        fmt.args(["--manifest-path", manifest, "--all", "--check"]);
        if !spawn(&mut fmt, &hermetic)?.wait()?.success() {
            failures.push(format!(
                "{name} is not formatted (run `cargo fmt --manifest-path {manifest} --all`)"
            ));
        }
        println!("== lint: {name}: cargo clippy, warnings denied");
        let mut clippy = hermetic.cargo("clippy", Purpose::Build);
        clippy.args([
            "--manifest-path",
            manifest,
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]);
        if !spawn(&mut clippy, &hermetic)?.wait()?.success() {
            failures.push(format!("{name} has clippy warnings (listed above)"));
        }
    }
    if !failures.is_empty() {
        bail!("lint failed:\n  {}", failures.join("\n  "));
    }
    println!("lint: ok");
    Ok(())
}
