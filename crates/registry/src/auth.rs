//! Publish tokens. The registry directory's `tokens` file holds one `<owner> <sha256>` line per
//! token; only hashes are stored. `keel-registry token new <owner>` makes one.

use crate::storage::{sha256_hex, write_atomic};
use std::io::{self, Read};
use std::path::Path;

#[derive(Debug, Clone, Default)]
pub struct Tokens {
    /// (owner, sha256 of the token)
    entries: Vec<(String, String)>,
}

pub const FILE: &str = "tokens";

impl Tokens {
    pub fn load(dir: &Path) -> io::Result<Tokens> {
        let text = match std::fs::read_to_string(dir.join(FILE)) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(e),
        };
        let mut entries = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match line.split_once(' ') {
                Some((owner, hash)) if hash.len() == 64 => {
                    entries.push((owner.to_owned(), hash.to_owned()))
                }
                _ => {
                    return Err(io::Error::other(format!(
                        "{}: line {} is not `<owner> <sha256 hex>`",
                        dir.join(FILE).display(),
                        n + 1
                    )));
                }
            }
        }
        Ok(Tokens { entries })
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The owner of `token`, if it is one of ours. Accepts a raw token (what cargo sends) or
    /// `Bearer <token>`.
    pub fn owner(&self, header: &str) -> Option<&str> {
        let token = header.strip_prefix("Bearer ").unwrap_or(header).trim();
        let hash = sha256_hex(token.as_bytes());
        self.entries
            .iter()
            .find(|(_, h)| *h == hash)
            .map(|(o, _)| o.as_str())
    }

    pub fn owners(&self) -> Vec<&str> {
        let mut o: Vec<&str> = self.entries.iter().map(|(o, _)| o.as_str()).collect();
        o.dedup();
        o
    }
}

/// Makes a new token for `owner`, records its hash in `dir/tokens`, and returns it.
pub fn new_token(dir: &Path, owner: &str) -> io::Result<String> {
    if owner.is_empty()
        || !owner
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return Err(io::Error::other(format!(
            "`{owner}` is not a valid owner name: use letters, digits, '-', '_', '.'"
        )));
    }
    let mut random = [0u8; 32];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut random)?;
    let token = format!(
        "keel_{}",
        random
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    std::fs::create_dir_all(dir)?;
    let path = dir.join(FILE);
    let mut text = std::fs::read_to_string(&path).unwrap_or_default();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&format!("{owner} {}\n", sha256_hex(token.as_bytes())));
    write_atomic(&path, text.as_bytes())?;
    Ok(token)
}
