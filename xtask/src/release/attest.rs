//! Rebuilder attestations: `rebuild --attest KEY` signs what it found, an in-toto statement
//! that this rebuilder rebuilt these subjects (the release's artifacts) from this tag and
//! commit, with the verdict for each: reproduced, or which differed. Kept beside the stored
//! release (`attestations/`), published with it, and checked by `verify-release`.

use crate::manifest::Manifest;
use crate::release::provenance::STATEMENT;
use crate::release::verdict::Verdict;
use crate::sign::dsse;
use crate::sign::keys::Key;
use crate::sign::minisign::{SecretKey, id_hex};
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

pub const PREDICATE: &str = "urn:keel:predicate:rebuild:v1";
pub const DIR: &str = "attestations";

/// `rebuild-<KEYID>.dsse.json`: one per rebuilder key and release.
pub fn file_name(key: &SecretKey) -> String {
    format!("rebuild-{}.dsse.json", id_hex(&key.id))
}

/// Exactly `rebuild-<16 hex>.dsse.json`: names a registry lists go into URLs and paths.
pub fn is_file_name(name: &str) -> bool {
    name.strip_prefix("rebuild-")
        .and_then(|r| r.strip_suffix(".dsse.json"))
        .is_some_and(|id| id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The signed statement. Nothing in it depends on the clock or the machine.
pub fn seal(
    key: &SecretKey,
    tag: &str,
    commit: &str,
    manifest_text: &str,
    expected: &Manifest,
    verdicts: &[Verdict],
    problems: &[String],
) -> Result<String> {
    let mut subjects: Vec<Value> = expected
        .artifacts
        .iter()
        .map(|a| json!({"name": a.path, "digest": {"sha256": a.sha256}}))
        .collect();
    subjects.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    let artifacts: Vec<Value> = verdicts
        .iter()
        .map(|v| {
            let verdict = match (&v.expected, &v.rebuilt) {
                _ if v.same => "identical",
                (Some(_), Some(_)) => "different",
                (Some(_), None) => "missing",
                (None, _) => "extra",
            };
            json!({
                "path": v.path,
                "verdict": verdict,
                "expected_sha256": v.expected.as_ref().map(|a| a.sha256.clone()),
                "rebuilt_sha256": v.rebuilt.as_ref().map(|a| a.sha256.clone()),
            })
        })
        .collect();
    let reproduced = verdicts.iter().all(|v| v.same) && problems.is_empty();
    let statement = json!({
        "_type": STATEMENT,
        "subject": subjects,
        "predicateType": PREDICATE,
        "predicate": {
            "tag": tag,
            "commit": commit,
            "manifest_sha256": crate::files::sha256_bytes(manifest_text.as_bytes()),
            "result": if reproduced { "reproduced" } else { "differed" },
            "artifacts": artifacts,
            "problems": problems,
        },
    });
    dsse::seal(format!("{statement}\n").as_bytes(), key)
}

/// Checks an attestation of the release whose manifest is `manifest_bytes`: signed by a key
/// of `keys`, about this manifest, and whether it reproduced. Returns the key, or why not.
pub fn check<'k>(
    envelope: &str,
    manifest_bytes: &[u8],
    manifest: &Manifest,
    keys: &'k [Key],
) -> Result<&'k Key> {
    let (ids, _) = dsse::open(envelope)?;
    let key = keys
        .iter()
        .find(|k| ids.contains(&id_hex(&k.public.id)))
        .with_context(|| format!("signed by key(s) {}, none of them in keys/", ids.join(", ")))?;
    let payload = dsse::verify(envelope, &key.public)?;
    let s: Value = serde_json::from_slice(&payload).context("the statement is not JSON")?;
    if s["_type"] != STATEMENT || s["predicateType"] != PREDICATE {
        bail!("not a Keel rebuild attestation");
    }
    let p = &s["predicate"];
    if p["manifest_sha256"] != crate::files::sha256_bytes(manifest_bytes).as_str()
        || p["commit"] != manifest.git["commit"]
    {
        bail!("it attests another release manifest or commit, not this one");
    }
    if p["result"] != "reproduced" {
        let differed: Vec<String> = p["artifacts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|a| a["verdict"] != "identical")
            .map(|a| {
                format!(
                    "{} ({})",
                    a["path"].as_str().unwrap_or("?"),
                    a["verdict"].as_str().unwrap_or("?")
                )
            })
            .chain(
                p["problems"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|x| x.as_str().map(str::to_owned)),
            )
            .collect();
        bail!(
            "rebuilder `{}` could not reproduce it: {}",
            key.name,
            differed.join("; ")
        );
    }
    Ok(key)
}
