//! `cargo xtask debug <binary or core file> [--registry R]`: for the person holding a
//! customer's binary or core dump. Reads the GNU build-id (of the binary, or of every ELF
//! file the crashed process had mapped), asks the registry which release each is from, and
//! prints the gdb line that opens it with the published symbols and sources (debuginfod,
//! `DEBUGINFOD_URLS`). For a core, the release's binary is fetched from the registry by
//! build-id, so nothing but the core is needed.

use crate::build::elf;
use crate::files::{sha256_bytes, write_atomic};
use crate::project::Project;
use crate::registry::Registry;
use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::path::{Path, PathBuf};

pub fn run(project: &Project, file: &Path, registry: Option<&str>) -> Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    if bytes.get(..4) != Some(b"\x7fELF") {
        bail!(
            "{} is not an ELF file: give the binary the customer runs, or its core dump",
            file.display()
        );
    }
    let registry = Registry::resolve(project, registry)?;
    if elf::is_core(&bytes) {
        return core(project, &registry, file, &bytes);
    }
    let id = elf::build_id(&bytes).with_context(|| {
        format!(
            "{} has no GNU build-id: it was not built by a Keel release",
            file.display()
        )
    })?;
    let Some(v) = lookup(&registry, &id)? else {
        bail!(
            "build-id {id} of {} is not in registry {}: the binary is not from a release published there",
            file.display(),
            registry.label
        );
    };
    println!("{}: build-id {id}", file.display());
    describe(&v, "  ");
    println!("debug it with its symbols and sources:");
    println!("  {}", gdb_line(&registry, &[file]));
    Ok(())
}

fn core(project: &Project, registry: &Registry, file: &Path, bytes: &[u8]) -> Result<()> {
    let mapped = elf::core_build_ids(bytes).with_context(|| {
        format!(
            "{} is a core file, but its program headers and notes could not be read (truncated?)",
            file.display()
        )
    })?;
    println!(
        "{}: core dump; the process had {} ELF files with build-ids mapped",
        file.display(),
        mapped.len()
    );
    let mut executable: Option<PathBuf> = None;
    for (path, id) in &mapped {
        println!("  {path}: build-id {id}");
        match lookup(registry, id)? {
            Some(v) => {
                describe(&v, "    ");
                if executable.is_none() && v["executable"].is_object() {
                    executable = Some(fetch_executable(project, registry, id, &v["executable"])?);
                }
            }
            None => println!(
                "    not in {} (a system library, or not a release's)",
                registry.label
            ),
        }
    }
    let Some(exe) = executable else {
        bail!(
            "none of the {} ELF files mapped in {} is a binary of a release published in registry {}: \
             the crash is not in a Keel release binary, or its release was published elsewhere (try --registry)",
            mapped.len(),
            file.display(),
            registry.label
        );
    };
    println!("debug it with its symbols and sources:");
    println!("  {}", gdb_line(registry, &[&exe, file]));
    Ok(())
}

/// What the registry knows of a build-id (`GET /api/v1/buildid/<id>`), None if nothing.
fn lookup(registry: &Registry, id: &str) -> Result<Option<Value>> {
    let reply = registry.get(&format!("{}/api/v1/buildid/{id}", registry.api))?;
    match reply.status {
        200 => Ok(Some(
            serde_json::from_slice(&reply.body).context("the registry's answer is not JSON")?,
        )),
        404 => Ok(None),
        s => bail!(
            "registry {} answered {s}: {}",
            registry.label,
            reply.detail()
        ),
    }
}

fn describe(v: &Value, indent: &str) {
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
    if let Some(exe) = side("executable") {
        println!("{indent}the binary of: {exe}");
    }
    match side("debuginfo") {
        Some(debug) => println!("{indent}symbols:       {debug}"),
        None => println!("{indent}symbols:       none published for this build-id"),
    }
}

/// The release's binary, by build-id, into target/debug-binaries/<id>/ (checked against the
/// sha256 the registry recorded for it).
fn fetch_executable(
    project: &Project,
    registry: &Registry,
    id: &str,
    record: &Value,
) -> Result<PathBuf> {
    let name = record["file"].as_str().unwrap_or("executable");
    let want = record["sha256"].as_str().unwrap_or_default();
    let dest = project.target().join("debug-binaries").join(id).join(name);
    if std::fs::read(&dest).is_ok_and(|b| sha256_bytes(&b) == want) {
        return Ok(dest);
    }
    let got = registry.get(&format!("{}/buildid/{id}/executable", registry.api))?;
    if got.status != 200 {
        bail!(
            "registry {} knows build-id {id} but did not serve its executable ({}): {}",
            registry.label,
            got.status,
            got.detail()
        );
    }
    if sha256_bytes(&got.body) != want {
        bail!(
            "the executable of build-id {id} served by {} is not the bytes it recorded",
            registry.label
        );
    }
    write_atomic(&dest, &got.body)?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(0o755))?;
    Ok(dest)
}

/// The gdb command for `files`, for /bin/sh.
fn gdb_line(registry: &Registry, files: &[&Path]) -> String {
    let mut line = format!(
        "DEBUGINFOD_URLS={} gdb -iex 'set debuginfod enabled on'",
        registry.api
    );
    for f in files {
        line.push(' ');
        line.push_str(&crate::process::shell_quote(&f.to_string_lossy()));
    }
    line
}
