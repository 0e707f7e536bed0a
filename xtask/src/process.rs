//! Running helper programs (git, rustc, ...). Cargo itself is run only by `hermetic`.

use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use std::process::Command;

/// Runs a command to completion, returning stdout; a failure carries stderr.
pub fn run_capture(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .output()
        .with_context(|| format!("starting {:?}", cmd.get_program()))?;
    check_output(cmd, out)
}

/// Like `run_capture`, for a child already spawned from `cmd` with piped stdout and stderr.
pub fn wait_capture(cmd: &Command, child: std::process::Child) -> Result<String> {
    let out = child
        .wait_with_output()
        .with_context(|| format!("waiting for {:?}", cmd.get_program()))?;
    check_output(cmd, out)
}

fn check_output(cmd: &Command, out: std::process::Output) -> Result<String> {
    if !out.status.success() {
        bail!(
            "{:?} failed ({}): {}",
            cmd.get_program(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The first `program` on PATH.
pub fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

/// Runs a command to completion with its stderr shown as it comes and also kept, so the
/// caller can explain a failure from what the program said. stdout is inherited.
pub fn run_keeping_stderr(cmd: &mut Command) -> Result<(std::process::ExitStatus, String)> {
    use std::io::{BufRead, Write};
    let mut child = cmd
        .stderr(std::process::Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {:?}", cmd.get_program()))?;
    let mut kept = String::new();
    let stderr = child.stderr.take().expect("stderr is piped");
    for line in std::io::BufReader::new(stderr).split(b'\n') {
        let line = line.context("reading the child's stderr")?;
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(&line);
        let _ = err.write_all(b"\n");
        kept.push_str(&String::from_utf8_lossy(&line));
        kept.push('\n');
    }
    let status = child
        .wait()
        .with_context(|| format!("waiting for {:?}", cmd.get_program()))?;
    Ok((status, kept))
}

/// `s` as one /bin/sh word, in single quotes.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}
