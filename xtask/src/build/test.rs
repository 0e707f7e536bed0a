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
    /// Passed to the test runner (filters, `--nocapture`, ...).
    pub runner_args: Vec<String>,
}

pub fn run(project: &Project, opts: &Options) -> Result<()> {
    let cx = session::prepare(project)?;
    let hermetic = Hermetic::for_build(project, &cx, !opts.no_sandbox);
    hermetic.prepare().context("creating target/keel")?;
    let runner = runner(&cx.pin);
    if let Runner::CargoTest(why) = &runner {
        println!("note: running `cargo test`: {why}");
    }
    // Debian's stock minisign, for the test that Keel's signatures verify with it: fetched
    // here, outside the tests' network sandbox, as apt fetches it (not installed).
    let minisign = debian_tool("minisign", "usr/bin/minisign");
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
            if let Some(m) = &minisign {
                cmd.env(MINISIGN_VAR, m);
            }
            let status = spawn(&mut cmd, &hermetic)?.wait()?;
            if !status.success() {
                bail!("{name} tests failed ({status}); see above");
            }
        }
    }
    Ok(())
}

/// Where the signing test finds Debian's minisign.
pub const MINISIGN_VAR: &str = "KEEL_TEST_MINISIGN";

/// `binary` of Debian package `package`, unpacked in the tool cache (`apt-get download`,
/// `dpkg -x`: no root, nothing installed), or None with a note when apt cannot fetch it.
fn debian_tool(package: &str, binary: &str) -> Option<std::path::PathBuf> {
    let root = crate::native::toolcache::Cache::locate()
        .ok()?
        .root
        .join("debian")
        .join(package);
    let exe = root.join("root").join(binary);
    if exe.is_file() {
        return Some(exe);
    }
    let fetch = || -> Result<()> {
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root)?;
        crate::process::run_capture(
            std::process::Command::new("apt-get")
                .args(["download", package])
                .current_dir(&root),
        )?;
        let deb = std::fs::read_dir(&root)?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == "deb"))
            .context("apt-get download wrote no .deb")?;
        crate::process::run_capture(
            std::process::Command::new("dpkg")
                .arg("-x")
                .arg(&deb)
                .arg(root.join("root")),
        )?;
        Ok(())
    };
    match fetch() {
        Ok(()) if exe.is_file() => Some(exe),
        Ok(()) => None,
        Err(e) => {
            println!(
                "note: could not fetch Debian's {package} for the tests ({e:#}); the signing test will say so"
            );
            None
        }
    }
}
