//! The one archive writer: deterministic `.tar.gz`. The bytes depend only on the entries'
//! paths, contents and executable bit, and on the mtime given (SOURCE_DATE_EPOCH):
//! - entries sorted by path, with every parent directory listed explicitly before them;
//! - mtime fixed, uid/gid 0, owner names "root", modes normalized to 0644 / 0755;
//! - no atime/ctime, no extended attributes (plain ustar headers, GNU long names only for
//!   paths over 100 bytes);
//! - gzip header without file name or mtime, OS byte "unknown", fixed compression level.

use anyhow::{Context, Result, bail};
use flate2::{Compression, GzBuilder};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// Fixed deflate level: changing it changes every package's bytes.
const LEVEL: u32 = 9;

/// One file to put in an archive.
#[derive(Debug, Clone)]
pub struct Entry {
    /// '/'-separated path inside the archive, relative, no `..`.
    pub path: String,
    pub data: Vec<u8>,
    pub executable: bool,
}

/// Writes `entries` as a deterministic tar.gz to `out` (atomically). Duplicate or unsafe
/// paths are refused.
pub fn write_tar_gz(out: &Path, entries: &[Entry], mtime: u64) -> Result<()> {
    let bytes = tar_gz(entries, mtime)?;
    crate::files::write_atomic(out, &bytes)
}

pub fn tar_gz(entries: &[Entry], mtime: u64) -> Result<Vec<u8>> {
    // path -> Some(entry) for files, None for directories.
    let mut tree: BTreeMap<String, Option<&Entry>> = BTreeMap::new();
    for e in entries {
        check_path(&e.path)?;
        if tree.insert(e.path.clone(), Some(e)).is_some() {
            bail!("two entries for {} in one archive", e.path);
        }
    }
    for e in entries {
        let mut dir = e.path.as_str();
        while let Some((parent, _)) = dir.rsplit_once('/') {
            match tree.get(parent) {
                Some(Some(_)) => bail!("{parent} is both a file and a directory in one archive"),
                Some(None) => {}
                None => {
                    tree.insert(parent.to_owned(), None);
                }
            }
            dir = parent;
        }
    }

    let gz = GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), Compression::new(LEVEL));
    let mut tar = tar::Builder::new(gz);
    for (path, entry) in &tree {
        let mut header = tar::Header::new_ustar();
        header.set_mtime(mtime);
        header.set_uid(0);
        header.set_gid(0);
        header.set_username("root")?;
        header.set_groupname("root")?;
        match entry {
            None => {
                header.set_entry_type(tar::EntryType::Directory);
                header.set_mode(0o755);
                header.set_size(0);
                tar.append_data(&mut header, format!("{path}/"), std::io::empty())
            }
            Some(e) => {
                header.set_entry_type(tar::EntryType::Regular);
                header.set_mode(if e.executable { 0o755 } else { 0o644 });
                header.set_size(e.data.len() as u64);
                tar.append_data(&mut header, path, e.data.as_slice())
            }
        }
        .with_context(|| format!("adding {path} to the archive"))?;
    }
    let gz = tar.into_inner().context("finishing the tar stream")?;
    let mut bytes = gz.finish().context("finishing the gzip stream")?;
    bytes.flush()?;
    Ok(bytes)
}

/// A relative '/'-separated path with no empty, `.` or `..` components.
pub fn check_path(path: &str) -> Result<()> {
    if path.is_empty()
        || path.starts_with('/')
        || path
            .split('/')
            .any(|c| c.is_empty() || c == "." || c == "..")
        || path.contains('\\')
    {
        bail!(
            "`{path}` is not a valid path inside an archive: use a relative path like `bin/name`, without `.` or `..`"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn entry(path: &str, data: &str, executable: bool) -> Entry {
        Entry {
            path: path.into(),
            data: data.as_bytes().to_vec(),
            executable,
        }
    }

    #[test]
    fn same_entries_in_any_order_give_the_same_bytes() {
        let a = [
            entry("p/bin/x", "x", true),
            entry("p/etc/c.toml", "c", false),
        ];
        let b = [a[1].clone(), a[0].clone()];
        assert_eq!(
            tar_gz(&a, 1_700_000_000).unwrap(),
            tar_gz(&b, 1_700_000_000).unwrap()
        );
        assert_ne!(tar_gz(&a, 1_700_000_000).unwrap(), tar_gz(&a, 1).unwrap());
    }

    #[test]
    fn headers_are_normalized_and_directories_listed() {
        let long = format!("p/{}/file", "d".repeat(120));
        let bytes = tar_gz(
            &[entry("p/bin/x", "exe", true), entry(&long, "long", false)],
            42,
        )
        .unwrap();
        // gzip: no FNAME flag, mtime 0, OS 255.
        assert_eq!(&bytes[..4], &[0x1f, 0x8b, 8, 0]);
        assert_eq!(&bytes[4..8], &[0, 0, 0, 0]);
        assert_eq!(bytes[9], 255);

        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
        let mut seen = Vec::new();
        for e in archive.entries().unwrap() {
            let mut e = e.unwrap();
            let h = e.header().clone();
            let path = e.path().unwrap().to_string_lossy().into_owned();
            assert_eq!(h.mtime().unwrap(), 42, "{path}");
            assert_eq!((h.uid().unwrap(), h.gid().unwrap()), (0, 0), "{path}");
            let mode = h.mode().unwrap();
            let mut data = String::new();
            e.read_to_string(&mut data).unwrap();
            seen.push((path, mode, data));
        }
        let expect_dir = |p: &str| (format!("{p}/"), 0o755, String::new());
        assert_eq!(
            seen,
            vec![
                expect_dir("p"),
                expect_dir("p/bin"),
                ("p/bin/x".into(), 0o755, "exe".into()),
                expect_dir(&format!("p/{}", "d".repeat(120))),
                (long.clone(), 0o644, "long".into()),
            ]
        );
    }

    #[test]
    fn unsafe_or_conflicting_paths_are_refused() {
        for bad in ["/abs", "a/../b", "a//b", "./a", ""] {
            let err = tar_gz(&[entry(bad, "", false)], 0).unwrap_err().to_string();
            assert!(err.contains("not a valid path"), "{bad}: {err}");
        }
        let err = tar_gz(&[entry("a", "", false), entry("a", "", false)], 0).unwrap_err();
        assert!(err.to_string().contains("two entries for a"), "{err}");
        let err = tar_gz(&[entry("a", "", false), entry("a/b", "", false)], 0).unwrap_err();
        assert!(
            err.to_string().contains("both a file and a directory"),
            "{err}"
        );
    }
}
