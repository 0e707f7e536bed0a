//! Durable file replacement, the one way Keel's stores write a file that must survive a
//! crash whole or not at all: write a temporary file in the same directory, fsync it, rename
//! it over the target, fsync the directory. A crash at any instant leaves the old file or the
//! new one, never a mix; only the temporary file can be left behind, and each store removes
//! its own leftovers when it opens.

use std::fs::{self, File};
use std::io;
use std::path::Path;

/// Replaces `path` with what `write` puts into a fresh file at `tmp` (in `path`'s directory,
/// so the rename is atomic). On failure `tmp` is removed and `path` is untouched.
pub fn replace_with(
    path: &Path,
    tmp: &Path,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let dir = path.parent().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} has no directory", path.display()),
        )
    })?;
    let result = (|| {
        let mut file = File::create(tmp)?;
        write(&mut file)?;
        file.sync_all()?;
        drop(file);
        fs::rename(tmp, path)?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(tmp);
    }
    result
}

/// Makes a directory's entries (a rename, a new file) durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn replaces_whole_and_a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = std::env::temp_dir().join(format!("keel-durable-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let (path, tmp) = (dir.join("f"), dir.join("f.tmp"));
        replace_with(&path, &tmp, |f| f.write_all(b"one")).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"one");
        let failed = replace_with(&path, &tmp, |f| {
            f.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(fs::read(&path).unwrap(), b"one");
        assert!(!tmp.exists());
        fs::remove_dir_all(&dir).unwrap();
    }
}
