//! What git says about the checkout: the commit a build comes from and its time.

use crate::process::{run_capture, wait_capture};
use crate::project::Project;
use anyhow::{Context, Result, anyhow, bail};
use std::process::{Child, Command, Stdio};

#[derive(Debug, Clone)]
pub struct Head {
    pub commit: String,
    pub tree: String,
    /// Committer time of HEAD: the build's SOURCE_DATE_EPOCH.
    pub time: u64,
}

fn git(project: &Project) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(&project.root);
    cmd
}

pub fn head(project: &Project) -> Result<Head> {
    HeadQuery::start(project).finish()
}

/// `git log -1` running in the background while xtask does its other checks.
pub struct HeadQuery {
    cmd: Command,
    child: std::io::Result<Child>,
}

impl HeadQuery {
    pub fn start(project: &Project) -> HeadQuery {
        let mut cmd = git(project);
        cmd.args(["log", "-1", "--format=%H %T %ct"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let child = cmd.spawn();
        HeadQuery { cmd, child }
    }

    pub fn finish(self) -> Result<Head> {
        let out = match self.child {
            Ok(child) => wait_capture(&self.cmd, child),
            Err(e) => Err(anyhow!("cannot start git: {e}")),
        }
        .context(
            "SOURCE_DATE_EPOCH comes from HEAD's commit time, but git could not read HEAD: \
             is this a git checkout with at least one commit, and is git installed?",
        )?;
        let mut parts = out.split_whitespace();
        match (
            parts.next(),
            parts.next(),
            parts.next().and_then(|t| t.parse().ok()),
        ) {
            (Some(commit), Some(tree), Some(time)) => Ok(Head {
                commit: commit.into(),
                tree: tree.into(),
                time,
            }),
            _ => bail!("unexpected output from `git log -1`: {out:?}"),
        }
    }
}

/// Whether the work tree differs from HEAD (modified, staged or untracked files).
pub fn dirty(project: &Project) -> Result<bool> {
    Ok(!status(project)?.is_empty())
}

/// `git --version`: whether git is there at all.
pub fn version() -> Result<String> {
    run_capture(Command::new("git").arg("--version"))
}

/// Runs `git -C <root> <args>`, returning stdout; a failure carries git's stderr.
pub fn run(project: &Project, args: &[&str]) -> Result<String> {
    run_capture(git(project).args(args))
}

/// The commit a tag points to, or None when there is no such tag.
pub fn tag_commit(project: &Project, tag: &str) -> Option<String> {
    run(
        project,
        &[
            "rev-parse",
            "-q",
            "--verify",
            &format!("refs/tags/{tag}^{{commit}}"),
        ],
    )
    .ok()
    .map(|s| s.trim().to_owned())
}

/// `git status --porcelain` lines: what makes the tree dirty.
pub fn status(project: &Project) -> Result<Vec<String>> {
    Ok(run(
        project,
        &["status", "--porcelain", "--untracked-files=normal"],
    )?
    .lines()
    .map(str::to_owned)
    .collect())
}

/// The line of a release tag's message that carries the manifest's hash.
pub const TAG_MANIFEST_LINE: &str = "release-manifest.json sha256: ";

/// The tag a release of `version` gets.
pub fn tag_name(version: &str) -> String {
    format!("v{version}")
}

/// Makes a clone of the repository at `commit`, sharing its objects, at `dest`.
pub fn clone_at(project: &Project, commit: &str, dest: &std::path::Path) -> Result<()> {
    crate::process::run_capture(
        std::process::Command::new("git")
            .args(["clone", "--quiet", "--shared", "--no-checkout"])
            .arg(&project.root)
            .arg(dest),
    )
    .context("cloning the repository for the rebuild")?;
    crate::process::run_capture(
        std::process::Command::new("git")
            .arg("-C")
            .arg(dest)
            .args(["checkout", "--quiet", "--detach", commit]),
    )
    .context("checking out the tag in the rebuild's clone")?;
    Ok(())
}
