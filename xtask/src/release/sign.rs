//! Signing a stored release: `release-manifest.json` and `sha256.sum` get minisign
//! signatures, and the SLSA provenance a DSSE envelope, all with the key the pipeline gives
//! (`KEEL_SIGNING_KEY` or `KEEL_SIGNING_KEY_FILE`), which must be one of keys/ and valid at
//! the release's date. Signatures are deterministic: the same bytes, key and date sign the same.

use crate::manifest::{Manifest, RELEASE_FILE_NAME, SUMS_FILE_NAME};
use crate::project::Project;
use crate::release::provenance;
use crate::sign::dsse;
use crate::sign::keys::{self, Key, SECRET_FILE_VAR, SECRET_VAR};
use crate::sign::minisign::{SecretKey, id_hex};
use anyhow::{Context, Result, bail};
use std::path::Path;

pub const SIG_SUFFIX: &str = ".minisig";

/// Every file signing adds to a release, beside the manifest and sums.
pub fn files() -> [String; 3] {
    [
        format!("{RELEASE_FILE_NAME}{SIG_SUFFIX}"),
        format!("{SUMS_FILE_NAME}{SIG_SUFFIX}"),
        provenance::FILE_NAME.to_owned(),
    ]
}

/// The signing key from the environment and its entry in keys/, checked for a release dated
/// `at`; `None` when no key is given (and `required` is false).
pub fn key_for_release(
    project: &Project,
    at: u64,
    required: bool,
) -> Result<Option<(SecretKey, Key)>> {
    let Some(secret) = keys::secret_from_env()? else {
        if required {
            bail!(
                "this release must be signed (--sign), but neither {SECRET_VAR} nor {SECRET_FILE_VAR} is set: \
                 give the pipeline the secret half of a key in keys/ (`cargo xtask keys new NAME` makes one)"
            );
        }
        return Ok(None);
    };
    let id = id_hex(&secret.id);
    let key = keys::load(project)?
        .into_iter()
        .find(|k| k.public == secret.public())
        .with_context(|| {
            format!(
                "the signing key {id} is not in keys/: commit its public half (keys/<name>.pub and .toml) first, \
                 or the release could not be verified"
            )
        })?;
    key.check_valid_at(at)?;
    Ok(Some((secret, key)))
}

pub fn trusted_comment(at: u64, file: &str, version: &str) -> String {
    format!("timestamp:{at}\tfile:{file}\tkeel release {version}")
}

/// Signs the release stored in `dir`.
pub fn sign(
    project: &Project,
    dir: &Path,
    manifest: &Manifest,
    tag: &str,
    secret: &SecretKey,
    key: &Key,
) -> Result<()> {
    let at = manifest.inputs["source_date_epoch"]
        .as_u64()
        .context("the manifest has no source_date_epoch")?;
    // Checked again at the manifest's date: a version commit made just now may be later than HEAD was.
    key.check_valid_at(at)?;
    let version = &manifest.workspace_version;
    for file in [RELEASE_FILE_NAME, SUMS_FILE_NAME] {
        let bytes = std::fs::read(dir.join(file)).with_context(|| format!("reading {file}"))?;
        let sig = secret.sign(&bytes, &trusted_comment(at, file, version))?;
        let text = sig.to_text(&format!(
            "signature of {file} by Keel key {} ({})",
            key.name,
            id_hex(&key.public.id)
        ));
        crate::files::write_atomic(&dir.join(format!("{file}{SIG_SUFFIX}")), text.as_bytes())?;
    }
    let statement = provenance::statement(project, manifest, tag)?;
    crate::files::write_atomic(
        &dir.join(provenance::FILE_NAME),
        dsse::seal(&statement, secret)?.as_bytes(),
    )?;
    println!(
        "  signed with key `{}` ({}): {}",
        key.name,
        id_hex(&key.public.id),
        files().join(", ")
    );
    Ok(())
}
