//! Deployable packages. `packages/<name>.toml` says which release binaries and which files
//! of the checkout go into `target/dist/packages/<name>-<version>-<target>.tar.gz`, and
//! where each lands inside it (under a top-level `<name>-<version>/`):
//!
//! ```toml
//! description = "what it is"                  # optional
//! [[binary]]
//! name = "keel-registry"                      # a [[bin]] of a workspace crate
//! dest = "bin/keel-registry"                  # optional; default bin/<name>
//! [[file]]
//! src = "crates/registry/dist/registry.toml"  # relative to the repository root
//! dest = "etc/keel-registry/registry.toml"
//! executable = false                          # optional; default false
//! ```
//!
//! `cargo xtask package` builds the release and writes every package with the one archive
//! writer; each is a manifest artifact of kind `package`.

use crate::build::archive::{self, Entry};
use crate::build::session::{self, Options, Session};
use crate::manifest::{Artifact, Kind, Manifest};
use crate::project::Project;
use crate::workspace::Member;
use anyhow::{Context, Result, bail};
use std::collections::BTreeSet;
use std::path::Path;

pub const DIR: &str = "packages";

#[derive(Debug, Clone)]
pub struct Spec {
    pub name: String,
    /// The spec file, relative to the root (for messages).
    pub file: String,
    /// (binary name, destination inside the package)
    pub binaries: Vec<(String, String)>,
    pub files: Vec<FileSpec>,
}

#[derive(Debug, Clone)]
pub struct FileSpec {
    pub src: String,
    pub dest: String,
    pub executable: bool,
}

/// Reads and checks every `packages/*.toml`; every problem in every file is reported at once.
pub fn load(project: &Project) -> Result<Vec<Spec>> {
    let dir = project.path(DIR);
    let mut names: Vec<String> = match std::fs::read_dir(&dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => bail!("reading {}: {e}", dir.display()),
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .collect(),
    };
    names.sort();
    let mut specs = Vec::new();
    let mut problems = Vec::new();
    for file_name in names {
        let rel = format!("{DIR}/{file_name}");
        match parse(project, &rel, &file_name) {
            Ok((spec, p)) if p.is_empty() => specs.push(spec),
            Ok((_, p)) => problems.extend(p.into_iter().map(|m| format!("{rel}: {m}"))),
            Err(e) => problems.push(format!("{rel}: {e:#}")),
        }
    }
    if !problems.is_empty() {
        bail!(
            "the package descriptions are not usable:\n  {}\nfix them (the format is in README.md, \"Packages\")",
            problems.join("\n  ")
        );
    }
    Ok(specs)
}

/// Parses one spec; structural errors are returned as Err, content problems as a list.
fn parse(project: &Project, rel: &str, file_name: &str) -> Result<(Spec, Vec<String>)> {
    let name = file_name.trim_end_matches(".toml").to_owned();
    let mut problems = Vec::new();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        problems.push(format!(
            "the package name `{name}` (from the file name) may hold only a-z, 0-9, '-' and '_'"
        ));
    }
    let doc: toml::Table = crate::files::read_to_string(&project.path(rel))?
        .parse()
        .context("malformed TOML")?;
    for key in doc.keys() {
        if !["description", "binary", "file"].contains(&key.as_str()) {
            problems.push(format!(
                "unknown key `{key}` (known: description, [[binary]], [[file]])"
            ));
        }
    }
    let tables = |key: &str| -> Result<Vec<toml::Table>> {
        match doc.get(key) {
            None => Ok(Vec::new()),
            Some(toml::Value::Array(items)) => items
                .iter()
                .map(|v| {
                    v.as_table()
                        .cloned()
                        .with_context(|| format!("each [[{key}]] must be a table"))
                })
                .collect(),
            Some(_) => bail!("`{key}` must be written as [[{key}]] tables"),
        }
    };
    let string = |t: &toml::Table, table: &str, key: &str| -> Result<Option<String>> {
        match t.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_str()
                .map(|s| Some(s.to_owned()))
                .with_context(|| format!("`{key}` in [[{table}]] must be a string")),
        }
    };
    let unknown = |t: &toml::Table, table: &str, known: &[&str], problems: &mut Vec<String>| {
        for k in t.keys().filter(|k| !known.contains(&k.as_str())) {
            problems.push(format!(
                "unknown key `{k}` in [[{table}]] (known: {})",
                known.join(", ")
            ));
        }
    };

    let mut binaries = Vec::new();
    for t in tables("binary")? {
        unknown(&t, "binary", &["name", "dest"], &mut problems);
        let Some(bin) = string(&t, "binary", "name")? else {
            problems.push("a [[binary]] has no `name`".into());
            continue;
        };
        let dest = string(&t, "binary", "dest")?.unwrap_or_else(|| format!("bin/{bin}"));
        binaries.push((bin, dest));
    }
    let mut files = Vec::new();
    for t in tables("file")? {
        unknown(&t, "file", &["src", "dest", "executable"], &mut problems);
        let (Some(src), Some(dest)) = (string(&t, "file", "src")?, string(&t, "file", "dest")?)
        else {
            problems.push("every [[file]] needs both `src` and `dest`".into());
            continue;
        };
        let executable = match t.get("executable") {
            None => false,
            Some(v) => v
                .as_bool()
                .context("`executable` in [[file]] must be true or false")?,
        };
        if archive::check_path(&src).is_err() {
            problems.push(format!(
                "file `{src}`: `src` must be a path relative to the repository root, without `..`"
            ));
        } else if !project.path(&src).is_file() {
            problems.push(format!(
                "file `{src}` does not exist (or is not a regular file); `src` is relative to the repository root"
            ));
        }
        files.push(FileSpec {
            src,
            dest,
            executable,
        });
    }
    if binaries.is_empty() && files.is_empty() {
        problems.push("the package is empty: add a [[binary]] or a [[file]]".into());
    }
    let mut dests = BTreeSet::new();
    for dest in binaries
        .iter()
        .map(|b| &b.1)
        .chain(files.iter().map(|f| &f.dest))
    {
        if let Err(e) = archive::check_path(dest) {
            problems.push(format!("dest {e}"));
        } else if !dests.insert(dest.clone()) {
            problems.push(format!("two entries have dest `{dest}`"));
        }
    }
    Ok((
        Spec {
            name,
            file: rel.to_owned(),
            binaries,
            files,
        },
        problems,
    ))
}

/// Refuses packages naming a binary no workspace crate builds.
pub fn check_binaries(specs: &[Spec], members: &[Member]) -> Result<()> {
    let built: BTreeSet<&str> = members
        .iter()
        .flat_map(|m| m.bins.iter().map(String::as_str))
        .collect();
    let missing: Vec<String> = specs
        .iter()
        .flat_map(|s| {
            s.binaries
                .iter()
                .filter(|(b, _)| !built.contains(b.as_str()))
                .map(move |(b, _)| format!("{}: binary `{b}`", s.file))
        })
        .collect();
    if !missing.is_empty() {
        bail!(
            "{} not built by any workspace crate (the workspace's binaries: {}); \
             fix the name in the package file or add the [[bin]] to a crate",
            missing.join(", "),
            if built.is_empty() {
                "none yet".to_owned()
            } else {
                built.into_iter().collect::<Vec<_>>().join(", ")
            }
        );
    }
    Ok(())
}

/// Writes each package from the release binaries in `dist` and the checkout's files.
pub fn write(
    project: &Project,
    specs: &[Spec],
    dist: &Path,
    version: &str,
    target: &str,
    mtime: u64,
) -> Result<Vec<Artifact>> {
    let mut artifacts = Vec::new();
    for spec in specs {
        let top = format!("{}-{version}", spec.name);
        let mut entries = Vec::new();
        for (bin, dest) in &spec.binaries {
            let path = dist.join(bin);
            entries.push(Entry {
                path: format!("{top}/{dest}"),
                data: std::fs::read(&path)
                    .with_context(|| format!("reading {}", path.display()))?,
                executable: true,
            });
        }
        for f in &spec.files {
            entries.push(Entry {
                path: format!("{top}/{}", f.dest),
                data: std::fs::read(project.path(&f.src))
                    .with_context(|| format!("reading {} for {}", f.src, spec.file))?,
                executable: f.executable,
            });
        }
        let rel = format!("{DIR}/{}-{version}-{target}.tar.gz", spec.name);
        archive::write_tar_gz(&dist.join(&rel), &entries, mtime)
            .with_context(|| format!("writing package {} ({})", spec.name, spec.file))?;
        artifacts.push(Artifact::of(dist, &rel, Kind::Package)?);
    }
    Ok(artifacts)
}

/// `cargo xtask package`: the release build, then every package.
pub fn run(project: &Project, opts: &Options) -> Result<()> {
    let session = Session::start(project, opts)?;
    let manifest = packaged(&session)?;
    manifest.write(&project.dist())?;
    session::report(&session, &manifest);
    Ok(())
}

/// The release build with its packages added; `dist` goes on from here.
pub fn packaged(session: &Session) -> Result<Manifest> {
    let specs = load(session.project)?;
    check_binaries(&specs, &session.members()?)?;
    let mut manifest = session.build()?;
    manifest.artifacts.extend(write(
        session.project,
        &specs,
        &session.project.dist(),
        &manifest.workspace_version,
        &session.cx.pin.host,
        session.cx.head.time,
    )?);
    Ok(manifest)
}
