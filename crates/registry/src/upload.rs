//! Checking what clients upload before anything is stored: the publish framing, names and
//! versions, and the `.crate` archive itself.

use crate::index::NewCrate;
use std::io::Read;

/// Limits on what one upload may be.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_crate: usize,
    pub max_metadata: usize,
    pub max_package: usize,
    /// Total unpacked size of a `.crate` (a guard against gzip bombs).
    pub max_unpacked: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_crate: 10 << 20,
            max_metadata: 1 << 20,
            max_package: 512 << 20,
            max_unpacked: 256 << 20,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0}")]
pub struct Invalid(pub String);

fn invalid(s: impl Into<String>) -> Invalid {
    Invalid(s.into())
}

/// Splits a publish body (u32 LE metadata length, JSON, u32 LE crate length, crate bytes).
pub fn split_publish<'a>(body: &'a [u8], limits: &Limits) -> Result<(NewCrate, &'a [u8]), Invalid> {
    let take_len = |at: usize, what: &str| -> Result<usize, Invalid> {
        let b = body.get(at..at + 4).ok_or_else(|| {
            invalid(format!(
                "the publish body is truncated: it ends before the {what} length"
            ))
        })?;
        Ok(u32::from_le_bytes(b.try_into().expect("4 bytes")) as usize)
    };
    let json_len = take_len(0, "metadata")?;
    if json_len > limits.max_metadata {
        return Err(invalid(format!(
            "the metadata is {json_len} bytes; the limit is {}",
            limits.max_metadata
        )));
    }
    let json = body.get(4..4 + json_len).ok_or_else(|| {
        invalid(format!(
            "the publish body is truncated: it announces {json_len} bytes of metadata but holds {}",
            body.len().saturating_sub(4)
        ))
    })?;
    let crate_len = take_len(4 + json_len, "crate")?;
    if crate_len > limits.max_crate {
        return Err(invalid(format!(
            "the .crate is {crate_len} bytes; the limit is {}",
            limits.max_crate
        )));
    }
    let start = 8 + json_len;
    let file = body.get(start..start + crate_len).ok_or_else(|| {
        invalid(format!(
            "the publish body is truncated: it announces a {crate_len}-byte .crate but holds {}",
            body.len().saturating_sub(start)
        ))
    })?;
    if body.len() != start + crate_len {
        return Err(invalid(format!(
            "{} unexpected bytes after the .crate",
            body.len() - start - crate_len
        )));
    }
    let meta: NewCrate = serde_json::from_slice(json)
        .map_err(|e| invalid(format!("the publish metadata is not valid JSON: {e}")))?;
    check_name(&meta.name)?;
    check_version(&meta.vers)?;
    for d in &meta.deps {
        check_name(&d.name)?;
        if !["normal", "dev", "build"].contains(&d.kind.as_str()) {
            return Err(invalid(format!(
                "dependency {} has unknown kind {:?}",
                d.name, d.kind
            )));
        }
    }
    Ok((meta, file))
}

/// A crate name as crates.io accepts it: ASCII letter first, then letters, digits, `-`, `_`;
/// at most 64 characters.
pub fn check_name(name: &str) -> Result<(), Invalid> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(invalid(format!(
            "`{name}` is not a valid crate name (ASCII letter first, then letters, digits, - or _; at most 64)"
        )))
    }
}

/// `MAJOR.MINOR.PATCH[-PRE][+BUILD]`, each part plain ASCII.
pub fn check_version(v: &str) -> Result<(), Invalid> {
    let core = v.split(['-', '+']).next().unwrap_or("");
    let nums: Vec<&str> = core.split('.').collect();
    let ok = nums.len() == 3
        && nums.iter().all(|n| {
            !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && n.parse::<u64>().is_ok()
        })
        && v.len() <= 128
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-+.".contains(&b))
        && !v.ends_with(['-', '+', '.']);
    if ok {
        Ok(())
    } else {
        Err(invalid(format!(
            "`{v}` is not a valid semantic version (MAJOR.MINOR.PATCH[-PRE][+BUILD])"
        )))
    }
}

/// A package path segment (name, version or file name): no separators, not `.`/`..`.
pub fn check_segment(what: &str, s: &str) -> Result<(), Invalid> {
    let ok = !s.is_empty()
        && s.len() <= 255
        && s != "."
        && s != ".."
        && !s.starts_with('.')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.+".contains(c));
    if ok {
        Ok(())
    } else {
        Err(invalid(format!(
            "`{s}` is not a valid package {what}: use letters, digits, '-', '_', '.', '+' (not starting with '.')"
        )))
    }
}

/// Checks a `.crate`: a gzip tar whose every entry is a relative path under
/// `<name>-<version>/`, with a `Cargo.toml` naming the same package and version.
pub fn check_crate(meta: &NewCrate, file: &[u8], limits: &Limits) -> Result<(), Invalid> {
    let top = format!("{}-{}", meta.name, meta.vers);
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let entries = archive
        .entries()
        .map_err(|e| invalid(format!("the .crate is not a valid gzip tar archive: {e}")))?;
    let mut unpacked = 0u64;
    let mut manifest = None;
    for entry in entries {
        let mut entry = entry.map_err(|e| {
            invalid(format!(
                "the .crate is not a valid gzip tar archive (corrupt or truncated): {e}"
            ))
        })?;
        let path = entry
            .path()
            .map_err(|e| invalid(format!("the .crate holds an unreadable path: {e}")))?
            .into_owned();
        let text = path.to_string_lossy().into_owned();
        let mut parts = path.components();
        let first = parts.next();
        let safe = path.is_relative()
            && path
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !safe {
            return Err(invalid(format!(
                "the .crate holds an unsafe path `{text}` (absolute, or with `..`)"
            )));
        }
        if first.map(|c| c.as_os_str().to_string_lossy().into_owned()) != Some(top.clone()) {
            return Err(invalid(format!(
                "the .crate entry `{text}` is not under `{top}/`, the directory its name and version call for"
            )));
        }
        if !matches!(
            entry.header().entry_type(),
            tar::EntryType::Regular | tar::EntryType::Directory
        ) {
            return Err(invalid(format!(
                "the .crate entry `{text}` is not a regular file or directory"
            )));
        }
        unpacked += entry.size();
        if unpacked > limits.max_unpacked {
            return Err(invalid(format!(
                "the .crate unpacks to more than {} bytes",
                limits.max_unpacked
            )));
        }
        if parts.as_path() == std::path::Path::new("Cargo.toml") {
            let mut s = String::new();
            entry
                .read_to_string(&mut s)
                .map_err(|e| invalid(format!("the .crate's Cargo.toml is unreadable: {e}")))?;
            manifest = Some(s);
        }
    }
    let manifest =
        manifest.ok_or_else(|| invalid(format!("the .crate has no {top}/Cargo.toml")))?;
    let doc: toml::Table = manifest
        .parse()
        .map_err(|e| invalid(format!("the .crate's Cargo.toml is malformed: {e}")))?;
    let package = doc.get("package").and_then(|p| p.as_table());
    let field = |k: &str| package.and_then(|p| p.get(k)).and_then(|v| v.as_str());
    if field("name") != Some(meta.name.as_str()) || field("version") != Some(meta.vers.as_str()) {
        return Err(invalid(format!(
            "the metadata says {} {} but the .crate's Cargo.toml says {} {}",
            meta.name,
            meta.vers,
            field("name").unwrap_or("(no name)"),
            field("version").unwrap_or("(no version)")
        )));
    }
    Ok(())
}
