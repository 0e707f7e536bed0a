//! `/docs/<crate>/<version>/...`: the rustdoc a Keel release built for its publishable crates
//! (`dist` makes it, `publish` uploads it with the release), served out of the release's
//! docs archive. A crate version's docs are those of the release that published that exact
//! `.crate`; a version published otherwise has none.
//!
//! Docs are HTML written from doc comments, which may hold raw HTML: every response carries
//! `Content-Security-Policy: sandbox allow-scripts`, so a page runs in an opaque origin and
//! no script in it can act as the registry's.

use crate::index::Line;
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

/// Whether the crate version `line` has docs here (for links to them).
pub fn has_docs(storage: &Storage, line: &Line) -> bool {
    published_by_release(storage, line)
        && release::archive(storage, release::PACKAGE, &line.vers, "docs").is_ok()
}

/// The crate's published name, if release `version` published this exact `.crate`.
fn release_of(storage: &Storage, name: &str, version: &str) -> Result<Option<String>, StoreError> {
    let Some(line) = storage.lines(name)?.into_iter().find(|l| l.vers == version) else {
        return Ok(None);
    };
    Ok(published_by_release(storage, &line).then_some(line.name))
}

/// Whether the release of the same version published this exact `.crate`.
fn published_by_release(storage: &Storage, line: &Line) -> bool {
    let crate_file = format!("{}-{}.crate", line.name, line.vers);
    release::manifest(storage, release::PACKAGE, &line.vers)
        .ok()
        .is_some_and(|m| {
            m.artifacts
                .iter()
                .any(|a| a.kind == "crate" && a.file() == crate_file && a.sha256 == line.cksum)
        })
}

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
    if !storage.lines(name)?.iter().any(|l| l.vers == version) {
        return Err(missing());
    }
    let Some(published_name) = release_of(storage, name, version)? else {
        return Err(StoreError::NotFound(format!(
            "{name} {version} was not published by a Keel release, so it has no docs here"
        )));
    };
    let (archive, id) = release::archive(storage, release::PACKAGE, version, "docs")?;
    match crate::archives::normalize(path) {
        None => Ok(Answer::Redirect(format!(
            "/docs/{name}/{version}/{}/index.html",
            published_name.replace('-', "_")
        ))),
        Some(key) => {
            let bytes = archives.read(&archive, &id, &key)?;
            Ok(Answer::File(key, bytes))
        }
    }
}
