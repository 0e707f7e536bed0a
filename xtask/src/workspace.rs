//! The product workspace as cargo sees it (`cargo metadata`): members, their binaries, and
//! which of them are published.

use crate::hermetic::{Hermetic, Purpose};
use crate::process::run_capture;
use crate::project::PRODUCT;
use anyhow::{Context, Result};
use serde_json::Value;

#[derive(Debug, Clone)]
pub struct Member {
    pub name: String,
    pub version: String,
    /// `publish` is not `false`: its `.crate` file is a release artifact.
    pub publishable: bool,
    /// Names of its `[[bin]]` targets.
    pub bins: Vec<String>,
}

pub fn members(hermetic: &Hermetic) -> Result<Vec<Member>> {
    let mut cmd = hermetic.cargo("metadata", Purpose::Build);
    cmd.args([
        "--format-version",
        "1",
        "--no-deps",
        "--manifest-path",
        PRODUCT.0,
    ]);
    let out = run_capture(&mut cmd).context("listing the workspace's crates")?;
    let meta: Value = serde_json::from_str(&out).context("parsing `cargo metadata` output")?;
    let mut members: Vec<Member> = meta["packages"]
        .as_array()
        .map(|v| v.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|p| Member {
            name: p["name"].as_str().unwrap_or_default().to_owned(),
            version: p["version"].as_str().unwrap_or_default().to_owned(),
            // null: any registry; []: publish = false.
            publishable: p["publish"].as_array().is_none_or(|r| !r.is_empty()),
            bins: p["targets"]
                .as_array()
                .map(|v| v.as_slice())
                .unwrap_or_default()
                .iter()
                .filter(|t| {
                    t["kind"]
                        .as_array()
                        .is_some_and(|k| k.iter().any(|k| k == "bin"))
                })
                .filter_map(|t| t["name"].as_str().map(str::to_owned))
                .collect(),
        })
        .collect();
    members.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(members)
}
