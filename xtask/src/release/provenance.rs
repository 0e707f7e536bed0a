//! The release's SLSA v1 provenance: an in-toto Statement whose subjects are every artifact
//! by sha256 and whose build definition is what the manifest records (tag, commit, tree,
//! lock and vendor hashes, the toolchain and native tools) plus every locked crate with its
//! checksum. Derived from the manifest and Cargo.lock alone, so it is the same bytes on
//! every machine that reproduces the release, and nothing in it depends on the clock.

use crate::deps::lockfile;
use crate::manifest::Manifest;
use crate::project::{PRODUCT, Project};
use anyhow::Result;
use serde_json::{Value, json};

pub const FILE_NAME: &str = "provenance.dsse.json";
pub const STATEMENT: &str = "https://in-toto.io/Statement/v1";
pub const SLSA: &str = "https://slsa.dev/provenance/v1";
/// What kind of build this is, as SLSA asks a URI to name (no host: a URN of Keel's).
pub const BUILD_TYPE: &str = "urn:keel:build-type:xtask-release:v1";
pub const BUILDER: &str = "urn:keel:builder:cargo-xtask-release";

pub fn statement(project: &Project, manifest: &Manifest, tag: &str) -> Result<Vec<u8>> {
    let mut artifacts = manifest.artifacts.clone();
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    let subjects: Vec<Value> = artifacts
        .iter()
        .map(|a| json!({"name": a.path, "digest": {"sha256": a.sha256}}))
        .collect();
    let inputs = &manifest.inputs;
    let mut deps = vec![json!({
        "uri": format!("git+tag:{tag}"),
        "digest": {"gitCommit": manifest.git["commit"], "gitTree": manifest.git["tree"]},
    })];
    deps.push(json!({"name": "Cargo.lock", "digest": {"sha256": inputs["cargo_lock_sha256"]}}));
    deps.push(json!({"name": "xtask/Cargo.lock", "digest": {"sha256": inputs["xtask_cargo_lock_sha256"]}}));
    deps.push(json!({"name": "vendor", "digest": {"sha256": inputs["vendor_sha256"]}}));
    deps.push(
        json!({"name": "toolchain.toml", "digest": {"sha256": inputs["toolchain_toml_sha256"]},
        "annotations": {"rustc": inputs["rustc_vv"]}}),
    );
    if let Some(tools) = inputs["native_tools"].as_object() {
        for (name, t) in tools {
            deps.push(json!({"name": name, "digest": {"sha256": t["sha256"]},
                "annotations": {"version": t["version"], "used_as": t["used_as"]}}));
        }
    }
    for p in lockfile::read(&project.path(PRODUCT.1))?
        .into_iter()
        .filter(|p| p.is_registry())
    {
        deps.push(json!({
            "uri": format!("pkg:cargo/{}@{}", p.name, p.version),
            "digest": {"sha256": p.checksum},
        }));
    }
    let statement = json!({
        "_type": STATEMENT,
        "subject": subjects,
        "predicateType": SLSA,
        "predicate": {
            "buildDefinition": {
                "buildType": BUILD_TYPE,
                "externalParameters": {"tag": tag, "version": manifest.workspace_version},
                "internalParameters": {
                    "profile": inputs["profile"], "target": inputs["target"],
                    "rustflags": inputs["rustflags"], "hermetic": inputs["hermetic"],
                    "source_date_epoch": inputs["source_date_epoch"],
                },
                "resolvedDependencies": deps,
            },
            "runDetails": {
                "builder": {"id": BUILDER, "version": {"xtask_cargo_lock_sha256": inputs["xtask_cargo_lock_sha256"]}},
            },
        },
    });
    Ok(format!("{statement}\n").into_bytes())
}
