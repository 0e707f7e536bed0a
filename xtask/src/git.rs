//! What git says about the checkout: the commit a build comes from and its time.

use crate::process::run_capture;
use crate::project::Project;
use anyhow::{Context, Result, bail};
use std::process::Command;

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
    let out = run_capture(git(project).args(["log", "-1", "--format=%H %T %ct"])).context(
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

/// Whether the work tree differs from HEAD (modified, staged or untracked files).
pub fn dirty(project: &Project) -> Result<bool> {
    let out =
        run_capture(git(project).args(["status", "--porcelain", "--untracked-files=normal"]))?;
    Ok(!out.trim().is_empty())
}
