//! `/docs/<crate>/<version>/...`: the rustdoc a Keel release built for its publishable crates
//! (`dist` makes it, `publish` uploads it with the release), served out of the release's
//! docs archive. A crate version's docs are those of the release that published that exact
//! `.crate`; a version published otherwise has none.
//!
//! Docs are HTML written from doc comments, which may hold raw HTML: every response carries
//! `Content-Security-Policy: sandbox allow-scripts`, so a page runs in an opaque origin and
//! no script in it can act as the registry's.

use crate::release;
use crate::storage::{Storage, StoreError};

/// What `/docs/<crate>/<version>/<path>` answers.
#[derive(Debug)]
pub enum Answer {
    /// A file of the tree: its path in the archive and its bytes.
    File(String, Vec<u8>),
    /// The tree's root: go to the crate's own page.
    Redirect(String),
}

pub const CSP: &str = "sandbox allow-scripts allow-popups";

pub fn lookup(
    storage: &Storage,
    archives: &crate::archives::Archives,
    name: &str,
    version: &str,
    path: &str,
) -> Result<Answer, StoreError> {
    let missing = || StoreError::NotFound(format!("no crate {name} {version}"));
    if crate::upload::check_name(name).is_err() || crate::upload::check_version(version).is_err() {
        return Err(missing());
    }
    let line = storage
        .lines(name)?
        .into_iter()
        .find(|l| l.vers == version)
        .ok_or_else(missing)?;
    let crate_file = format!("{}-{version}.crate", line.name);
    let from_release = release::manifest(storage, release::PACKAGE, version)
        .ok()
        .filter(|m| {
            m.artifacts
                .iter()
                .any(|a| a.kind == "crate" && a.file() == crate_file && a.sha256 == line.cksum)
        });
    if from_release.is_none() {
        return Err(StoreError::NotFound(format!(
            "{name} {version} was not published by a Keel release, so it has no docs here"
        )));
    }
    let (archive, id) = release::archive(storage, release::PACKAGE, version, "docs")?;
    match crate::archives::normalize(path) {
        None => Ok(Answer::Redirect(format!(
            "/docs/{name}/{version}/{}/index.html",
            line.name.replace('-', "_")
        ))),
        Some(key) => {
            let bytes = archives.read(&archive, &id, &key)?;
            Ok(Answer::File(key, bytes))
        }
    }
}
