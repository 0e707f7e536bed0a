//! `cargo xtask debug <binary> [--registry R]`: for the person holding a customer's binary.
//! Reads its GNU build-id, asks the registry which release it is from, and prints the gdb
//! line that opens it with its published symbols (debuginfod, `DEBUGINFOD_URLS`).
//! A core file is refused for now: its build-ids live in the memory it captured.

use crate::project::Project;
use crate::registry::Registry;
use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::path::Path;

pub fn run(project: &Project, file: &Path, registry: Option<&str>) -> Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    if bytes.get(..4) != Some(b"\x7fELF") {
        bail!(
            "{} is not an ELF file: give the binary the customer runs",
            file.display()
        );
    }
    if bytes.get(16..18) == Some(&[4, 0]) {
        bail!(
            "{} is a core file; `debug` reads binaries so far: give the binary that crashed (its build-id names the release)",
            file.display()
        );
    }
    let id = crate::build::elf::build_id(&bytes).with_context(|| {
        format!(
            "{} has no GNU build-id: it was not built by a Keel release",
            file.display()
        )
    })?;
    let registry = Registry::resolve(project, registry)?;
    let reply = registry.get(&format!("{}/api/v1/buildid/{id}", registry.api))?;
    match reply.status {
        200 => {}
        404 => bail!(
            "build-id {id} of {} is not in registry {}: the binary is not from a release published there",
            file.display(),
            registry.label
        ),
        s => bail!(
            "registry {} answered {s}: {}",
            registry.label,
            reply.detail()
        ),
    }
    let v: Value =
        serde_json::from_slice(&reply.body).context("the registry's answer is not JSON")?;
    let side = |role: &str| {
        let r = &v[role];
        r["file"].as_str().map(|f| {
            format!(
                "{} {} / {f}",
                r["package"].as_str().unwrap_or("?"),
                r["version"].as_str().unwrap_or("?")
            )
        })
    };
    println!("{}: build-id {id}", file.display());
    if let Some(exe) = side("executable") {
        println!("  the binary of: {exe}");
    }
    match side("debuginfo") {
        Some(debug) => println!("  symbols:       {debug}"),
        None => println!("  symbols:       none published for this build-id"),
    }
    println!("debug it with its symbols:");
    println!(
        "  DEBUGINFOD_URLS={} gdb -iex 'set debuginfod enabled on' {}",
        registry.api,
        file.display()
    );
    Ok(())
}
