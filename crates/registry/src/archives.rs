//! Trees out of published tar.gz files, served file by file: a release's source archive
//! (for debuggers, `/buildid/<id>/source/<absolute path>`: the archive is a tree rooted at
//! `/`, entry `keel/crates/kv/src/main.rs` is the file `/keel/crates/kv/src/main.rs`) and its
//! docs (`/docs/<crate>/<version>/<path>`). On first use an archive is unpacked into
//! content-addressed blobs (`DIR/archives/blobs/<sha256>`: releases share most files,
//! vendored crates above all) and an index of its paths; after that a request is one lookup
//! and one file read. The blobs are a cache of the (durable) archive: they are written
//! without an fsync each, and a blob whose bytes no longer match its name is never served:
//! the archive is unpacked again.

use crate::storage::{StoreError, sha256_hex, write_atomic};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Blob {
    pub sha256: String,
    pub size: u64,
}

type Index = BTreeMap<String, Blob>;

#[derive(Debug)]
pub struct Archives {
    root: PathBuf,
    /// Indexes read so far, by archive. Archives are immutable, so they never go stale.
    indexes: Mutex<HashMap<String, Arc<Index>>>,
    /// One unpacking at a time.
    unpacking: Mutex<()>,
}

impl Archives {
    pub fn new(root: &Path) -> Archives {
        Archives {
            root: root.join("archives"),
            indexes: Mutex::default(),
            unpacking: Mutex::default(),
        }
    }

    /// The bytes of `key` (a path as `normalize` gives it) in `archive`, the package file `id`
    /// (`name/version/file`).
    pub fn read(&self, archive: &Path, id: &str, key: &str) -> Result<Vec<u8>, StoreError> {
        for _attempt in 0..2 {
            let index = self.index(archive, id)?;
            let blob = index
                .get(key)
                .ok_or_else(|| StoreError::NotFound(format!("{key} is not in {id}")))?;
            match std::fs::read(self.root.join("blobs").join(&blob.sha256)) {
                Ok(bytes) if sha256_hex(&bytes) == blob.sha256 => return Ok(bytes),
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e.into()),
            }
            // Torn or lost (a crash after the index was written): unpack again.
            tracing::warn!(
                archive = id,
                file = key,
                "blob damaged or missing; unpacking the archive again"
            );
            self.forget(id)?;
        }
        Err(StoreError::Io(std::io::Error::other(format!(
            "{key} of {id} does not unpack to its recorded sha256"
        ))))
    }

    fn forget(&self, id: &str) -> Result<(), StoreError> {
        self.indexes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id);
        match std::fs::remove_file(self.index_file(id)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }

    fn index_file(&self, id: &str) -> PathBuf {
        self.root.join("index").join(format!("{id}.json"))
    }

    fn index(&self, archive: &Path, id: &str) -> Result<Arc<Index>, StoreError> {
        if let Some(i) = self
            .indexes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
        {
            return Ok(i.clone());
        }
        let _one = self.unpacking.lock().unwrap_or_else(|e| e.into_inner());
        let file = self.index_file(id);
        let index: Index = match std::fs::read(&file) {
            Ok(text) => serde_json::from_slice(&text).map_err(|e| {
                StoreError::Io(std::io::Error::other(format!("{}: {e}", file.display())))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let index = self.unpack(archive)?;
                let text = serde_json::to_vec(&index).map_err(std::io::Error::other)?;
                // Written last: a crash before it leaves only blobs, and the next request
                // unpacks again.
                write_atomic(&file, &text)?;
                index
            }
            Err(e) => return Err(e.into()),
        };
        let index = Arc::new(index);
        self.indexes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id.to_owned(), index.clone());
        Ok(index)
    }

    /// Every regular file of the archive into blobs; anything else (links, devices, unsafe
    /// paths) is skipped, since an archive is untrusted input.
    fn unpack(&self, archive: &Path) -> Result<Index, StoreError> {
        let gz = std::fs::File::open(archive)?;
        let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(gz));
        let bad = |e: std::io::Error| {
            StoreError::Invalid(format!(
                "{} is not a readable tar.gz: {e}",
                archive.display()
            ))
        };
        let mut index = Index::new();
        for entry in tar.entries().map_err(bad)? {
            let mut entry = entry.map_err(bad)?;
            if entry.header().entry_type() != tar::EntryType::Regular {
                continue;
            }
            let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let Some(key) = normalize(&name) else {
                continue;
            };
            let mut data = Vec::new();
            entry.read_to_end(&mut data).map_err(bad)?;
            let sha256 = sha256_hex(&data);
            let blob = self.root.join("blobs").join(&sha256);
            if std::fs::read(&blob).map(|b| sha256_hex(&b)).ok().as_ref() != Some(&sha256) {
                let tmp = blob.with_file_name(format!(".tmp-{sha256}"));
                std::fs::create_dir_all(self.root.join("blobs"))?;
                std::fs::write(&tmp, &data)?;
                std::fs::rename(&tmp, &blob)?;
            }
            index.insert(
                key,
                Blob {
                    sha256,
                    size: data.len() as u64,
                },
            );
        }
        Ok(index)
    }
}

/// A path inside an archive, as the index holds it: `.`, `..` and empty components resolved,
/// no leading `/` (an absolute path names the same entry as a relative one: the archive is a
/// tree rooted at `/`); None if nothing is left.
pub fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn paths_are_resolved_like_a_debugger_names_them() {
        for (spelled, key) in [
            ("/keel/crates/kv/src/main.rs", "keel/crates/kv/src/main.rs"),
            (
                "/keel/crates/kv/../kv/./src//main.rs",
                "keel/crates/kv/src/main.rs",
            ),
            ("keel/a.rs", "keel/a.rs"),
            ("/../../etc/passwd", "etc/passwd"),
        ] {
            assert_eq!(normalize(spelled).as_deref(), Some(key), "{spelled}");
        }
        assert_eq!(normalize("/"), None);
        assert_eq!(normalize("a/.."), None);
    }
}
