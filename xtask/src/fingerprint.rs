//! A cheap fingerprint of the whole source tree, from file metadata alone (like git's index):
//! path, type, size, inode, mtime and ctime of every file outside `target/` and `.git/`.
//! Any write to a file changes its ctime, which cannot be set back, so an unchanged
//! fingerprint means unchanged contents. It lets a no-op `build` skip re-hashing vendor/ and
//! re-running cargo.

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// Top-level entries that are outputs or history, not inputs.
const SKIP_AT_ROOT: [&str; 2] = ["target", ".git"];

pub fn tree(root: &Path) -> Result<String> {
    let mut hasher = Sha256::new();
    walk(root, root, &mut hasher).with_context(|| format!("scanning {}", root.display()))?;
    Ok(crate::files::hex(&hasher.finalize()))
}

fn walk(root: &Path, dir: &Path, hasher: &mut Sha256) -> std::io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if dir == root && SKIP_AT_ROOT.iter().any(|s| entry.file_name() == *s) {
            continue;
        }
        let rel = path.strip_prefix(root).unwrap_or(&path);
        hasher.update(rel.as_os_str().as_encoded_bytes());
        hasher.update([0]);
        // The type comes free with the directory listing. A directory needs no stat of its
        // own: its entries are listed and fingerprinted one by one.
        let kind = entry.file_type()?;
        if kind.is_dir() {
            hasher.update(b"d");
            walk(root, &path, hasher)?;
            continue;
        }
        let meta = fs::symlink_metadata(&path)?;
        for n in [
            meta.mode() as i64,
            meta.size() as i64,
            meta.ino() as i64,
            meta.mtime(),
            meta.mtime_nsec(),
            meta.ctime(),
            meta.ctime_nsec(),
        ] {
            hasher.update(n.to_le_bytes());
        }
        if kind.is_symlink() {
            hasher.update(fs::read_link(&path)?.as_os_str().as_encoded_bytes());
        }
    }
    Ok(())
}

/// A stamp file under target/keel/ records the fingerprint of the inputs a step last
/// succeeded with.
pub struct Stamp {
    path: std::path::PathBuf,
}

impl Stamp {
    pub fn new(path: std::path::PathBuf) -> Stamp {
        Stamp { path }
    }

    /// The payload stored with `key`, if the stamp holds exactly that key.
    pub fn read(&self, key: &str) -> Option<String> {
        let text = fs::read_to_string(&self.path).ok()?;
        let (k, payload) = text.split_once('\n')?;
        (k == key).then(|| payload.to_owned())
    }

    pub fn write(&self, key: &str, payload: &str) -> Result<()> {
        crate::files::write_atomic(&self.path, format!("{key}\n{payload}").as_bytes())
    }

    pub fn clear(&self) {
        let _ = fs::remove_file(&self.path);
    }
}
