//! Index files as served: their bytes and caching headers, kept in memory. A GET that hits
//! costs no system call. The server is the only writer of its index (`Storage::open` holds
//! the directory's `.serve.lock`), and every index write refreshes its entry before the
//! change is acknowledged, so a publish or yank is visible to the next request.
//!
//! A request that misses reads the file and inserts it only if no entry appeared meanwhile;
//! a writer always overwrites. So a miss that read the file just before a write can never
//! put the old version back over the new one.

use axum::body::Bytes;
use axum::http::HeaderValue;
use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::{Arc, RwLock};

/// One version of one index file, ready to send.
#[derive(Debug)]
pub struct Cached {
    pub body: Bytes,
    pub etag: HeaderValue,
    pub last_modified: Option<HeaderValue>,
}

#[derive(Debug, Default)]
pub struct IndexCache {
    files: RwLock<HashMap<String, Arc<Cached>>>,
}

impl IndexCache {
    /// Index file `path` (relative, the cache's key), read from `file()` on a miss; `None`
    /// if there is no such file.
    pub fn get(
        &self,
        path: &str,
        file: impl FnOnce() -> std::path::PathBuf,
    ) -> Option<Arc<Cached>> {
        if let Some(c) = self
            .files
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
        {
            return Some(c.clone());
        }
        let loaded = Arc::new(load(&file())?);
        let mut files = self.files.write().unwrap_or_else(|e| e.into_inner());
        Some(files.entry(path.to_owned()).or_insert(loaded).clone())
    }

    /// After index file `path` was written at `file`: the new version is what is served.
    pub fn refresh(&self, path: &str, file: &Path) {
        let mut files = self.files.write().unwrap_or_else(|e| e.into_inner());
        match load(file) {
            Some(c) => files.insert(path.to_owned(), Arc::new(c)),
            None => files.remove(path),
        };
    }
}

/// The file's bytes and headers; the ETag names the version (inode, size, mtime), so it
/// stays the same across restarts.
fn load(file: &Path) -> Option<Cached> {
    let mut f = std::fs::File::open(file).ok()?;
    let meta = f.metadata().ok()?;
    let mut body = Vec::with_capacity(meta.size() as usize);
    std::io::Read::read_to_end(&mut f, &mut body).ok()?;
    let etag = format!(
        "\"{:x}-{:x}-{:x}.{:x}\"",
        meta.ino(),
        meta.size(),
        meta.mtime(),
        meta.mtime_nsec()
    );
    Some(Cached {
        body: Bytes::from(body),
        etag: HeaderValue::from_str(&etag).expect("hex"),
        last_modified: meta
            .modified()
            .ok()
            .and_then(|m| HeaderValue::from_str(&httpdate::fmt_http_date(m)).ok()),
    })
}
