//! minisign's formats, so that the stock `minisign -V` verifies Keel's signatures and
//! `minisign -S` signs with a Keel key: ed25519 (ring), messages prehashed with BLAKE2b-512
//! (signature algorithm `ED`), base64 lines under comment lines. Secret keys are written
//! unencrypted, as `minisign -G -W` writes them: they belong in a CI secret store, never in
//! the repository; an encrypted one is refused with how to make one xtask can read.

use anyhow::{Context, Result, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use blake2::Digest;
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};

const SIG_ALG: &[u8; 2] = b"Ed";
const PREHASHED: &[u8; 2] = b"ED";
const CHECKSUM_ALG: &[u8; 2] = b"B2";
const UNENCRYPTED: &[u8; 2] = &[0, 0];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    pub id: [u8; 8],
    pub key: [u8; 32],
}

pub struct SecretKey {
    pub id: [u8; 8],
    seed: [u8; 32],
    public: [u8; 32],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub key_id: [u8; 8],
    signature: [u8; 64],
    pub trusted_comment: String,
    global: [u8; 64],
}

/// A key id as minisign prints it: the 8 bytes as a little-endian number, in hex.
pub fn id_hex(id: &[u8; 8]) -> String {
    format!("{:016X}", u64::from_le_bytes(*id))
}

/// The base64 line after the first (comment) line of a minisign file.
fn payload(text: &str, what: &str) -> Result<Vec<u8>> {
    let mut lines = text.lines();
    let comment = lines.next().unwrap_or_default();
    if !comment.starts_with("untrusted comment:") {
        bail!("not a minisign {what}: the first line is not `untrusted comment: ...`");
    }
    let line = lines
        .next()
        .with_context(|| format!("not a minisign {what}: no key line"))?;
    B64.decode(line.trim())
        .with_context(|| format!("not a minisign {what}: the second line is not base64"))
}

fn blake2b512(bytes: &[u8]) -> [u8; 64] {
    blake2::Blake2b512::digest(bytes).into()
}

fn blake2b256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = blake2::Blake2b::<blake2::digest::consts::U32>::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

impl PublicKey {
    pub fn parse(text: &str) -> Result<PublicKey> {
        let b = payload(text, "public key")?;
        if b.len() != 42 || &b[..2] != SIG_ALG {
            bail!("not a minisign ed25519 public key ({} bytes)", b.len());
        }
        Ok(PublicKey {
            id: b[2..10].try_into().expect("8"),
            key: b[10..42].try_into().expect("32"),
        })
    }

    pub fn to_text(&self) -> String {
        let mut b = SIG_ALG.to_vec();
        b.extend_from_slice(&self.id);
        b.extend_from_slice(&self.key);
        format!(
            "untrusted comment: minisign public key {}\n{}\n",
            id_hex(&self.id),
            B64.encode(b)
        )
    }

    /// Checks `sig` over `message`: the key, the signature, and its trusted comment.
    pub fn verify(&self, message: &[u8], sig: &Signature) -> Result<()> {
        if sig.key_id != self.id {
            bail!(
                "signed by key {}, not by {}",
                id_hex(&sig.key_id),
                id_hex(&self.id)
            );
        }
        let key = UnparsedPublicKey::new(&ED25519, &self.key);
        key.verify(&blake2b512(message), &sig.signature)
            .map_err(|_| anyhow::anyhow!("the signature does not match the bytes (they were changed, or signed by another key)"))?;
        let mut global = sig.signature.to_vec();
        global.extend_from_slice(sig.trusted_comment.as_bytes());
        key.verify(&global, &sig.global)
            .map_err(|_| anyhow::anyhow!("the trusted comment was changed after signing"))?;
        Ok(())
    }
}

impl SecretKey {
    pub fn generate() -> Result<SecretKey> {
        use ring::rand::SecureRandom;
        let rng = ring::rand::SystemRandom::new();
        let (mut id, mut seed) = ([0u8; 8], [0u8; 32]);
        rng.fill(&mut id)
            .and_then(|()| rng.fill(&mut seed))
            .map_err(|_| anyhow::anyhow!("the system's random number generator failed"))?;
        let pair = Ed25519KeyPair::from_seed_unchecked(&seed)
            .map_err(|e| anyhow::anyhow!("making the key pair: {e}"))?;
        let public = pair.public_key().as_ref().try_into().expect("32");
        Ok(SecretKey { id, seed, public })
    }

    pub fn parse(text: &str) -> Result<SecretKey> {
        let b = payload(text, "secret key")?;
        if b.len() != 158 || &b[..2] != SIG_ALG || &b[4..6] != CHECKSUM_ALG {
            bail!("not a minisign ed25519 secret key ({} bytes)", b.len());
        }
        if &b[2..4] != UNENCRYPTED {
            bail!(
                "the secret key is encrypted with a password, which xtask cannot ask for in a pipeline: \
                 make an unencrypted one (`cargo xtask keys new NAME`, or `minisign -G -W`)"
            );
        }
        let id: [u8; 8] = b[54..62].try_into().expect("8");
        let sk = &b[62..126];
        if blake2b256(&[SIG_ALG, &id, sk]) != b[126..158] {
            bail!("the secret key is corrupt (its checksum does not match)");
        }
        let key = SecretKey {
            id,
            seed: sk[..32].try_into().expect("32"),
            public: sk[32..].try_into().expect("32"),
        };
        key.pair()?; // the seed must give the public half stored beside it
        Ok(key)
    }

    pub fn to_text(&self) -> String {
        let mut sk = self.seed.to_vec();
        sk.extend_from_slice(&self.public);
        let mut b = Vec::with_capacity(158);
        b.extend_from_slice(SIG_ALG);
        b.extend_from_slice(UNENCRYPTED);
        b.extend_from_slice(CHECKSUM_ALG);
        b.extend_from_slice(&[0; 32 + 8 + 8]); // no KDF: salt and limits unused
        b.extend_from_slice(&self.id);
        b.extend_from_slice(&sk);
        b.extend_from_slice(&blake2b256(&[SIG_ALG, &self.id, &sk]));
        format!(
            "untrusted comment: minisign secret key {} (unencrypted)\n{}\n",
            id_hex(&self.id),
            B64.encode(b)
        )
    }

    pub fn public(&self) -> PublicKey {
        PublicKey {
            id: self.id,
            key: self.public,
        }
    }

    fn pair(&self) -> Result<Ed25519KeyPair> {
        Ed25519KeyPair::from_seed_and_public_key(&self.seed, &self.public)
            .map_err(|e| anyhow::anyhow!("the secret key is inconsistent: {e}"))
    }

    /// Signs `message` as `minisign -S` does (prehashed), with `trusted_comment`. Ed25519 is
    /// deterministic: the same bytes and comment give the same signature.
    pub fn sign(&self, message: &[u8], trusted_comment: &str) -> Result<Signature> {
        let pair = self.pair()?;
        let signature: [u8; 64] = pair
            .sign(&blake2b512(message))
            .as_ref()
            .try_into()
            .expect("64");
        let mut global = signature.to_vec();
        global.extend_from_slice(trusted_comment.as_bytes());
        Ok(Signature {
            key_id: self.id,
            signature,
            trusted_comment: trusted_comment.to_owned(),
            global: pair.sign(&global).as_ref().try_into().expect("64"),
        })
    }

    /// A raw ed25519 signature (for DSSE envelopes, which sign their own encoding).
    pub fn sign_raw(&self, message: &[u8]) -> Result<[u8; 64]> {
        Ok(self.pair()?.sign(message).as_ref().try_into().expect("64"))
    }
}

impl PublicKey {
    /// Checks a raw ed25519 signature (see [`SecretKey::sign_raw`]).
    pub fn verify_raw(&self, message: &[u8], signature: &[u8]) -> Result<()> {
        UnparsedPublicKey::new(&ED25519, &self.key)
            .verify(message, signature)
            .map_err(|_| anyhow::anyhow!("the signature does not match the bytes"))
    }
}

impl Signature {
    pub fn parse(text: &str) -> Result<Signature> {
        let lines: Vec<&str> = text.lines().collect();
        if lines.len() < 4 || !lines[0].starts_with("untrusted comment:") {
            bail!("not a minisign signature (expected four lines)");
        }
        let b = B64
            .decode(lines[1].trim())
            .context("not a minisign signature: the second line is not base64")?;
        if b.len() != 74 {
            bail!("not a minisign signature ({} bytes)", b.len());
        }
        if &b[..2] != PREHASHED {
            bail!(
                "a legacy (not prehashed) minisign signature: sign again with minisign 0.10 or later"
            );
        }
        let trusted_comment = lines[2]
            .strip_prefix("trusted comment: ")
            .context("not a minisign signature: no `trusted comment:` line")?
            .to_owned();
        let global = B64
            .decode(lines[3].trim())
            .context("not a minisign signature: the global signature is not base64")?;
        Ok(Signature {
            key_id: b[2..10].try_into().expect("8"),
            signature: b[10..74].try_into().expect("64"),
            trusted_comment,
            global: global.as_slice().try_into().map_err(|_| {
                anyhow::anyhow!("not a minisign signature: the global signature is not 64 bytes")
            })?,
        })
    }

    pub fn to_text(&self, untrusted_comment: &str) -> String {
        let mut b = PREHASHED.to_vec();
        b.extend_from_slice(&self.key_id);
        b.extend_from_slice(&self.signature);
        format!(
            "untrusted comment: {untrusted_comment}\n{}\ntrusted comment: {}\n{}\n",
            B64.encode(b),
            self.trusted_comment,
            B64.encode(self.global)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_signatures_round_trip_and_refuse_changes() {
        let sk = SecretKey::generate().unwrap();
        let again = SecretKey::parse(&sk.to_text()).unwrap();
        assert_eq!(again.public(), sk.public());
        let pk = PublicKey::parse(&sk.public().to_text()).unwrap();
        let sig = sk.sign(b"hello", "timestamp:1\tfile:x").unwrap();
        assert_eq!(
            sig,
            sk.sign(b"hello", "timestamp:1\tfile:x").unwrap(),
            "deterministic"
        );
        let parsed = Signature::parse(&sig.to_text("c")).unwrap();
        pk.verify(b"hello", &parsed).unwrap();
        assert!(
            pk.verify(b"hellp", &parsed)
                .unwrap_err()
                .to_string()
                .contains("does not match")
        );
        let mut forged = parsed.clone();
        forged.trusted_comment = "timestamp:2\tfile:x".into();
        assert!(
            pk.verify(b"hello", &forged)
                .unwrap_err()
                .to_string()
                .contains("trusted comment")
        );
        let other = SecretKey::generate().unwrap().public();
        assert!(
            other
                .verify(b"hello", &parsed)
                .unwrap_err()
                .to_string()
                .contains("signed by key")
        );
        let mut text = sk.to_text().into_bytes();
        let n = text.len();
        text[n - 10] = if text[n - 10] == b'A' { b'B' } else { b'A' };
        assert!(SecretKey::parse(std::str::from_utf8(&text).unwrap()).is_err());
    }
}
