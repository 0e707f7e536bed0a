//! `cargo xtask test`: the workspace's tests, and xtask's own, through the same hermetic
//! invocation as builds. cargo-nextest runs them when toolchain.toml pins it and that exact
//! version is installed; otherwise `cargo test`.

use crate::build::session::{self, spawn};
use crate::hermetic::{Hermetic, Purpose};
use crate::project::{PRODUCT, Project, XTASK};
use crate::toolchain::{Runner, runner};
use anyhow::{Context, Result, bail};

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub packages: Vec<String>,
    pub no_sandbox: bool,
    /// Compile through the compilation cache, as configured.
    pub cache: bool,
    /// Passed to the test runner (filters, `--nocapture`, ...).
    pub runner_args: Vec<String>,
}

pub fn run(project: &Project, opts: &Options) -> Result<()> {
    let cx = session::prepare(project)?;
    let hermetic = Hermetic::for_build(project, &cx, !opts.no_sandbox);
    hermetic.prepare().context("creating target/keel")?;
    let hermetic = crate::cache::attach(project, &cx.pin, hermetic, opts.cache)?;
    let runner = runner(&cx.pin);
    if let Runner::CargoTest(why) = &runner {
        println!("note: running `cargo test`: {why}");
    }
    // Stock tools some tests check Keel's output with, fetched here, outside the tests'
    // network sandbox (`test_tools`).
    let tools = crate::build::test_tools::fetch();
    // The product workspace, then xtask's own workspace (its refusal tests).
    let xtask_selected = opts.packages.is_empty() || opts.packages.iter().any(|p| p == "xtask");
    let product: Vec<&String> = opts.packages.iter().filter(|p| *p != "xtask").collect();
    let mut suites: Vec<(&str, Vec<String>)> = Vec::new();
    if opts.packages.is_empty() || !product.is_empty() {
        let mut sel = vec!["--manifest-path".to_owned(), PRODUCT.0.to_owned()];
        if product.is_empty() {
            sel.push("--workspace".into());
        }
        for p in &product {
            sel.extend(["--package".to_owned(), (*p).clone()]);
        }
        suites.push(("workspace", sel));
    }
    if xtask_selected {
        suites.push(("xtask", vec!["--manifest-path".into(), XTASK.0.into()]));
    }
    for (name, selection) in suites {
        println!("== tests: {name}");
        let mut commands = Vec::new();
        match &runner {
            Runner::Nextest(path) => {
                let mut cmd = hermetic.tool(path, Purpose::Test);
                cmd.args([
                    "nextest",
                    "run",
                    "--locked",
                    "--offline",
                    "--no-tests=warn",
                    "--no-fail-fast",
                ])
                .args(&selection);
                cmd.args(&opts.runner_args);
                commands.push(cmd);
                if name == "workspace" {
                    // nextest does not run doctests; xtask has no library, so none to run.
                    let mut doc = hermetic.cargo("test", Purpose::Test);
                    doc.arg("--doc").args(&selection);
                    commands.push(doc);
                }
            }
            Runner::CargoTest(_) => {
                let mut cmd = hermetic.cargo("test", Purpose::Test);
                cmd.arg("--no-fail-fast").args(&selection);
                if !opts.runner_args.is_empty() {
                    cmd.arg("--").args(&opts.runner_args);
                }
                commands.push(cmd);
            }
        }
        for mut cmd in commands {
            cmd.envs(tools.iter().map(|(k, v)| (*k, v)));
            let status = spawn(&mut cmd, &hermetic)?.wait()?;
            if !status.success() {
                bail!("{name} tests failed ({status}); see above");
            }
        }
    }
    Ok(())
}
