//! DSSE envelopes (the in-toto attestation framework's signing wrapper): a payload, its
//! type, and ed25519 signatures over DSSE's pre-authentication encoding of both.

use super::minisign::{PublicKey, SecretKey, id_hex};
use anyhow::{Context, Result, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};

pub const IN_TOTO: &str = "application/vnd.in-toto+json";

/// "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body.
fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {payload_type} {} ",
        payload_type.len(),
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

/// The envelope's text: one JSON line. Deterministic, as ed25519 is.
pub fn seal(payload: &[u8], key: &SecretKey) -> Result<String> {
    let sig = key.sign_raw(&pae(IN_TOTO, payload))?;
    let envelope = json!({
        "payloadType": IN_TOTO,
        "payload": B64.encode(payload),
        "signatures": [{"keyid": id_hex(&key.id), "sig": B64.encode(sig)}],
    });
    Ok(format!("{envelope}\n"))
}

/// The key ids that signed the envelope, and its payload (not yet checked).
pub fn open(text: &str) -> Result<(Vec<String>, Vec<u8>)> {
    let v: Value = serde_json::from_str(text).context("not a DSSE envelope (not JSON)")?;
    if v["payloadType"] != IN_TOTO {
        bail!(
            "not an in-toto DSSE envelope (payloadType {})",
            v["payloadType"]
        );
    }
    let payload = B64
        .decode(v["payload"].as_str().context("no payload")?)
        .context("the payload is not base64")?;
    let ids = v["signatures"]
        .as_array()
        .context("no signatures")?
        .iter()
        .filter_map(|s| s["keyid"].as_str().map(str::to_owned))
        .collect();
    Ok((ids, payload))
}

/// Checks that `key` signed the envelope; returns the payload.
pub fn verify(text: &str, key: &PublicKey) -> Result<Vec<u8>> {
    let v: Value = serde_json::from_str(text).context("not a DSSE envelope (not JSON)")?;
    let (_, payload) = open(text)?;
    let id = id_hex(&key.id);
    let sig = v["signatures"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["keyid"] == id.as_str())
        .with_context(|| format!("no signature by key {id}"))?;
    let sig = B64
        .decode(sig["sig"].as_str().context("a signature without `sig`")?)
        .context("the signature is not base64")?;
    key.verify_raw(&pae(IN_TOTO, &payload), &sig)
        .context("the envelope's signature does not match its payload")?;
    Ok(payload)
}
