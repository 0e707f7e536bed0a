//! Index files as served: their bytes and caching headers, kept in memory and checked
//! against the file at every request with one `stat`. Every index write is a rename of a
//! new file, so inode, size and mtime identify a version: a changed file is read again, and
//! a publish is visible to the next request, as when every request read the file.

use axum::body::Bytes;
use axum::http::HeaderValue;
use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::{Arc, RwLock};

/// One version of one index file, ready to send.
#[derive(Debug)]
pub struct Cached {
    stamp: (u64, u64, i64, i64),
    pub body: Bytes,
    pub etag: HeaderValue,
    pub last_modified: Option<HeaderValue>,
}

#[derive(Debug, Default)]
pub struct IndexCache {
    files: RwLock<HashMap<String, Arc<Cached>>>,
}

impl IndexCache {
    /// The current version of index file `path` (relative, the cache's key) at `file`, or
    /// `None` if there is none.
    pub fn get(&self, path: &str, file: &Path) -> Option<Arc<Cached>> {
        let meta = std::fs::metadata(file).ok()?;
        let stamp = (meta.ino(), meta.size(), meta.mtime(), meta.mtime_nsec());
        if let Some(c) = self
            .files
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
            && c.stamp == stamp
        {
            return Some(c.clone());
        }
        // On a miss, the stamp comes from the open file itself, so the bytes and their
        // stamp always belong together.
        let mut f = std::fs::File::open(file).ok()?;
        let meta = f.metadata().ok()?;
        let stamp = (meta.ino(), meta.size(), meta.mtime(), meta.mtime_nsec());
        let mut body = Vec::with_capacity(meta.size() as usize);
        std::io::Read::read_to_end(&mut f, &mut body).ok()?;
        let etag = format!(
            "\"{:x}-{:x}-{:x}.{:x}\"",
            stamp.0, stamp.1, stamp.2, stamp.3
        );
        let cached = Arc::new(Cached {
            stamp,
            body: Bytes::from(body),
            etag: HeaderValue::from_str(&etag).expect("hex"),
            last_modified: meta
                .modified()
                .ok()
                .and_then(|m| HeaderValue::from_str(&httpdate::fmt_http_date(m)).ok()),
        });
        self.files
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_owned(), cached.clone());
        Some(cached)
    }
}
