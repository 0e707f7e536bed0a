//! The host's native tools that shape artifacts beside rustc: the C compiler driver and
//! linker rustc links through (`cc`, `ld`), and `objcopy`, which splits a release binary
//! into the stripped executable that ships and its separate debug file. They are found on
//! the hermetic PATH and run in the hermetic environment, like rustc. Their versions are
//! build inputs, recorded in the manifest: a different binutils can mean different bytes.

use crate::hermetic::{Hermetic, Purpose};
use crate::process::run_capture;
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

const INSTALL_HINT: &str =
    "install GNU binutils and a C compiler (Debian/Ubuntu: `apt-get install binutils gcc`)";

/// First line of `<program> --version`, or why there is none.
fn version(hermetic: &Hermetic, program: &str) -> String {
    let Some(path) = hermetic.find_program(program) else {
        return format!("not found ({INSTALL_HINT})");
    };
    match run_capture(hermetic.tool(&path, Purpose::Build).arg("--version")) {
        Ok(out) => out.lines().next().unwrap_or("").trim().to_owned(),
        Err(e) => format!("`{program} --version` failed: {e:#}"),
    }
}

/// The native tools' versions, for the manifest's inputs.
pub fn record(hermetic: &Hermetic, split_symbols: bool) -> Value {
    let mut tools = json!({ "cc": version(hermetic, "cc"), "ld": version(hermetic, "ld") });
    if split_symbols {
        tools["objcopy"] = json!(version(hermetic, "objcopy"));
    }
    tools
}

pub struct Objcopy<'a> {
    path: PathBuf,
    hermetic: &'a Hermetic,
}

impl<'a> Objcopy<'a> {
    pub fn find(hermetic: &'a Hermetic) -> Result<Objcopy<'a>> {
        match hermetic.find_program("objcopy") {
            Some(path) => Ok(Objcopy { path, hermetic }),
            None => bail!(
                "objcopy is not installed: release builds need it to split the debug symbols from the binaries; {INSTALL_HINT}"
            ),
        }
    }

    fn run(&self, cwd: &Path, args: &[&OsStr]) -> Result<()> {
        let mut cmd = self.hermetic.tool(&self.path, Purpose::Build);
        run_capture(cmd.current_dir(cwd).args(args)).map(drop)
    }

    /// Writes `<dir>/<name>` (the binary without debug sections, with a `.gnu_debuglink` to
    /// `<name>.debug`) and `<dir>/<name>.debug` (only the debug sections) from `built`.
    /// Both keep the linker's GNU build-id, so a debugger pairs them by either link.
    pub fn split(&self, built: &Path, dir: &Path, name: &str) -> Result<()> {
        let debug = format!("{name}.debug");
        self.run(
            dir,
            &[
                "--only-keep-debug".as_ref(),
                built.as_os_str(),
                debug.as_ref(),
            ],
        )
        .with_context(|| format!("extracting the debug symbols of {name}"))?;
        // The debuglink records only the file name (and its CRC), so this runs in `dir`.
        self.run(
            dir,
            &[
                "--strip-debug".as_ref(),
                format!("--add-gnu-debuglink={debug}").as_ref(),
                built.as_os_str(),
                name.as_ref(),
            ],
        )
        .with_context(|| format!("stripping {name}"))
    }
}
