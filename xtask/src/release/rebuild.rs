//! `cargo xtask rebuild <tag> [--manifest PATH_OR_URL] [--keep DIR]`: rebuild a release from
//! its tag, with the tag's OWN xtask under the tag's OWN pinned toolchain, in a fresh
//! temporary clone, and compare every artifact with the release manifest. Exit 0 only when
//! every artifact is identical (and nothing about the manifest or the stored copies is off).

use crate::build::elf;
use crate::files::{TempDir, copy_tree, sha256_bytes, sha256_file};
use crate::git;
use crate::git::clone_at;
use crate::git::{TAG_MANIFEST_LINE, tag_name};
use crate::hermetic::other_checkout;
use crate::manifest::{Manifest, RELEASE_FILE_NAME};
use crate::process::{find_on_path, run_capture};
use crate::project::Project;
use crate::release::verdict::{Verdict, compare, print_verdicts};
use crate::toolchain::Pin;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[derive(Debug, Clone)]
pub struct Options {
    pub tag: String,
    pub manifest: Option<String>,
    /// Fetch the manifest (and released crates and packages) from this registry.
    pub registry: Option<String>,
    pub keep: Option<PathBuf>,
    /// Sign what was found with this secret key (a rebuilder attestation).
    pub attest: Option<PathBuf>,
}

/// Where the release manifest came from, and the released artifacts beside it, if any.
struct Source {
    text: String,
    origin: String,
    originals: Option<PathBuf>,
    /// Problems found while fetching (downloads that do not match).
    problems: Vec<String>,
    /// Holds downloaded originals for as long as the rebuild runs.
    _downloads: Option<TempDir>,
}

pub fn run(project: &Project, opts: &Options) -> Result<()> {
    let started = Instant::now();
    let tag = resolve_tag(project, &opts.tag)?;
    let commit = git::tag_commit(project, &tag).expect("resolved tags exist");
    let version = tag.strip_prefix('v').unwrap_or(&tag).to_owned();
    let mut source = load_manifest(project, &version, opts)?;
    let expected = Manifest::parse(&source.text, &source.origin)?;
    if expected.git["commit"] != commit.as_str() {
        bail!(
            "{} describes commit {}, but tag {tag} is commit {commit}: it is not this release's manifest",
            source.origin,
            expected.git["commit"]
        );
    }

    // Problems found besides the comparison: each makes the verdict a failure.
    let mut problems = std::mem::take(&mut source.problems);
    match recorded_manifest_sha(project, &tag) {
        Some(recorded) if recorded != sha256_bytes(source.text.as_bytes()) => problems.push(format!(
            "{} is not the manifest tag {tag} was made with (its sha256 is {}, the tag records {recorded}): it was modified after the release",
            source.origin,
            sha256_bytes(source.text.as_bytes())
        )),
        Some(_) => println!("manifest: matches the sha256 recorded in tag {tag}"),
        None => println!("manifest: tag {tag} records no manifest hash (not made by `cargo xtask release`)"),
    }
    if let (Some(dir), None) = (&source.originals, &source._downloads) {
        problems.extend(check_stored(dir, &expected)); // downloads were checked as they came
    }

    let pin_text =
        git::run(project, &["show", &format!("{commit}:toolchain.toml")]).with_context(|| {
            format!(
                "tag {tag} has no toolchain.toml: it predates pinned builds and cannot be rebuilt"
            )
        })?;
    let pin = Pin::parse(&pin_text).with_context(|| format!("tag {tag}'s toolchain.toml"))?;
    let mut cargo = other_checkout(&pin, &format!("tag {tag}"))?;

    let work = TempDir::new(&format!("rebuild-{tag}"))?;
    let src = work.path().join("src");
    clone_at(project, &commit, &src)?;
    println!(
        "rebuilding {tag} ({commit}) in {} with its own `cargo xtask dist` under Rust {}",
        src.display(),
        pin.release
    );
    let status = cargo
        .current_dir(&src)
        .args(["xtask", "dist"])
        .status()
        .context("starting cargo")?;
    if !status.success() {
        bail!(
            "the tag's own `cargo xtask dist` failed ({status}); its output is above. \
             Nothing was compared."
        );
    }
    let rebuilt_dir = src.join("target/dist");
    let rebuilt_origin = format!("the rebuild's {RELEASE_FILE_NAME}");
    let rebuilt = Manifest::parse(
        &crate::files::read_to_string(&rebuilt_dir.join(RELEASE_FILE_NAME))?,
        &rebuilt_origin,
    )?;

    let keep_base = match &opts.keep {
        Some(dir) => {
            copy_tree(&rebuilt_dir, dir)
                .with_context(|| format!("keeping the rebuilt artifacts in {}", dir.display()))?;
            dir.clone()
        }
        None => project.state().join("rebuild").join(&tag),
    };
    let verdicts = compare(&expected, &rebuilt);
    if let Some(dir) = &source.originals {
        problems.extend(check_signed(
            project,
            &src,
            dir,
            &rebuilt_dir,
            &rebuilt,
            &tag,
        )?);
    }
    let total = expected.artifacts.len();
    let identical = verdicts.iter().filter(|v| v.same).count();
    println!("\nrebuild of {tag}: per-artifact verdict");
    print_verdicts(&verdicts);
    let mismatched: Vec<&Verdict> = verdicts.iter().filter(|v| !v.same).collect();
    if !mismatched.is_empty() {
        let _ = std::fs::remove_dir_all(keep_base.join("mismatch"));
        for v in &mismatched {
            explain(
                v,
                source.originals.as_deref(),
                &rebuilt_dir,
                &keep_base.join("mismatch"),
            );
        }
        for line in input_differences(&expected, &rebuilt) {
            println!("  inputs differ: {line}");
        }
    }
    for p in &problems {
        println!("  PROBLEM: {p}");
    }
    if let Some(dir) = &opts.keep {
        println!(
            "kept the rebuilt artifacts in {} (a debugger loads each binary's symbols from the .debug file beside it)",
            dir.display()
        );
    }
    println!(
        "{identical}/{total} artifacts identical; rebuilt in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    if let Some(key_file) = &opts.attest {
        let key = crate::sign::keys::read_secret(key_file)?;
        let envelope = crate::release::attest::seal(
            &key,
            &tag,
            &commit,
            &source.text,
            &expected,
            &verdicts,
            &problems,
        )?;
        // Beside the stored release when there is one (publish uploads it from there).
        let release = project.target().join("releases").join(&version);
        let dir = if release.is_dir() {
            release.join(crate::release::attest::DIR)
        } else {
            keep_base.clone()
        };
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(crate::release::attest::file_name(&key));
        crate::files::write_atomic(&path, envelope.as_bytes())?;
        println!(
            "attestation signed by key {}: {}",
            crate::sign::minisign::id_hex(&key.id),
            path.display()
        );
    }
    if mismatched.is_empty() && problems.is_empty() {
        return Ok(());
    }
    let mut why = Vec::new();
    if !mismatched.is_empty() {
        why.push(format!(
            "{} differ: {}",
            mismatched.len(),
            mismatched
                .iter()
                .map(|v| v.path.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    why.extend(problems);
    bail!(
        "rebuild of {tag} does not match the release: {}",
        why.join("; ")
    )
}

/// `v0.1.0`, or `0.1.0` for it.
fn resolve_tag(project: &Project, given: &str) -> Result<String> {
    for candidate in [given.to_owned(), tag_name(given)] {
        if git::tag_commit(project, &candidate).is_some() {
            return Ok(candidate);
        }
    }
    let tags = git::run(project, &["tag", "--list", "v*", "--sort=-v:refname"]).unwrap_or_default();
    let known: Vec<&str> = tags.lines().take(10).collect();
    bail!(
        "no tag `{given}` in this repository (release tags: {}); fetch tags with `git fetch --tags`",
        if known.is_empty() {
            "none".into()
        } else {
            known.join(", ")
        }
    )
}

fn load_manifest(project: &Project, version: &str, opts: &Options) -> Result<Source> {
    if let Some(name) = &opts.registry {
        return from_registry(project, version, Some(name));
    }
    match opts.manifest.as_deref() {
        Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
            let curl = find_on_path("curl").context(
                "fetching a manifest by URL uses curl, which is not installed: download it and pass its path",
            )?;
            let text = run_capture(Command::new(curl).args([
                "--fail",
                "--silent",
                "--show-error",
                "--location",
                "--max-time",
                "120",
                url,
            ]))
            .with_context(|| format!("downloading {url}"))?;
            Ok(Source {
                text,
                origin: url.to_owned(),
                originals: None,
                problems: Vec::new(),
                _downloads: None,
            })
        }
        Some(path) => read_local(Path::new(path)),
        None => {
            let path = project
                .target()
                .join("releases")
                .join(version)
                .join(RELEASE_FILE_NAME);
            if path.is_file() {
                return read_local(&path);
            }
            from_registry(project, version, None).map_err(|e| {
                anyhow::anyhow!(
                    "no release manifest for {version}: not at {} (`cargo xtask release` stores it there on the \
                     machine that made the release), and not from the registry: {e:#}. Pass --manifest PATH_OR_URL \
                     or --registry NAME_OR_URL",
                    path.display()
                )
            })
        }
    }
}

/// The release manifest from a registry (package `keel-release`), and the released crates
/// and packages downloaded beside it, each checked against the manifest and, for crates,
/// against the index checksum.
fn from_registry(project: &Project, version: &str, name: Option<&str>) -> Result<Source> {
    use crate::registry::{RELEASE_PACKAGE, Registry};
    let registry = Registry::resolve(project, name)?;
    let reply = registry.get_package(RELEASE_PACKAGE, version, RELEASE_FILE_NAME)?;
    if reply.status != 200 {
        bail!(
            "registry {} has no release manifest for {version} ({}): {}",
            registry.label,
            reply.status,
            reply.detail()
        );
    }
    let text = reply.text();
    let origin = format!("{} ({RELEASE_PACKAGE} {version})", registry.label);
    let manifest = Manifest::parse(&text, &origin)?;
    let downloads = TempDir::new("rebuild-downloads")?;
    let mut problems = Vec::new();
    // The manifest's signature, published beside it, checked against this checkout's keys/.
    let sig_name = format!("{RELEASE_FILE_NAME}{}", crate::release::sign::SIG_SUFFIX);
    let sig = registry.get_package(RELEASE_PACKAGE, version, &sig_name)?;
    match sig.status {
        200 => {
            let keys = crate::sign::keys::load(project)?;
            match crate::release::verify::signer(text.as_bytes(), &sig.body, &keys, None) {
                Ok(k) => println!("manifest: signed by key `{}` of keys/", k.name),
                Err(e) => problems.push(format!("{sig_name} from {}: {e:#}", registry.label)),
            }
        }
        404 => println!("manifest: not signed (no {sig_name} in {})", registry.label),
        s => problems.push(format!("fetching {sig_name} from {}: {s}", registry.label)),
    }
    let crate_version = manifest.workspace_version.clone();
    for a in &manifest.artifacts {
        let file = a.path.rsplit('/').next().unwrap_or(&a.path);
        let (got, index_cksum) = match a.kind {
            crate::manifest::Kind::Crate => {
                let Some(name) = file.strip_suffix(&format!("-{crate_version}.crate")) else {
                    continue;
                };
                let cksum = registry
                    .index_lines(name)?
                    .into_iter()
                    .find(|l| l["vers"] == crate_version.as_str())
                    .and_then(|l| l["cksum"].as_str().map(str::to_owned));
                (registry.download_crate(name, &crate_version)?, Some(cksum))
            }
            crate::manifest::Kind::Package => {
                let Some(name) = file
                    .split(&format!("-{version}-"))
                    .next()
                    .filter(|n| *n != file)
                else {
                    continue;
                };
                (registry.get_package(name, version, file)?, None)
            }
            crate::manifest::Kind::Sbom
            | crate::manifest::Kind::Source
            | crate::manifest::Kind::Docs => {
                (registry.get_package(RELEASE_PACKAGE, version, file)?, None)
            }
            _ => continue, // binaries and symbols ship inside packages, not on their own
        };
        if got.status != 200 {
            problems.push(format!(
                "the released {} could not be downloaded from {} ({})",
                a.path, registry.label, got.status
            ));
            continue;
        }
        let sha = sha256_bytes(&got.body);
        if sha != a.sha256 {
            problems.push(format!(
                "the released {} downloaded from {} has sha256 {sha}, but the manifest says {}",
                a.path, registry.label, a.sha256
            ));
        }
        if let Some(cksum) = index_cksum
            && cksum.as_deref() != Some(a.sha256.as_str())
        {
            problems.push(format!(
                "the index of {} lists {} with checksum {}, but the manifest says {}",
                registry.label,
                a.path,
                cksum.as_deref().unwrap_or("(none: not in the index)"),
                a.sha256
            ));
        }
        let dest = downloads.path().join(&a.path);
        std::fs::create_dir_all(dest.parent().unwrap_or(downloads.path()))?;
        std::fs::write(&dest, &got.body)?;
    }
    // The signatures and provenance too, so the rebuild can hold them to its own output.
    for file in crate::release::sign::files() {
        let got = registry.get_package(RELEASE_PACKAGE, version, &file)?;
        if got.status == 200 {
            std::fs::write(downloads.path().join(&file), &got.body)?;
        }
    }
    println!(
        "manifest: fetched from {origin}; released crates and packages downloaded and checked"
    );
    Ok(Source {
        text,
        origin,
        originals: Some(downloads.path().to_path_buf()),
        problems,
        _downloads: Some(downloads),
    })
}

fn read_local(path: &Path) -> Result<Source> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the release manifest {}", path.display()))?;
    Ok(Source {
        text,
        origin: path.display().to_string(),
        originals: path.parent().map(Path::to_path_buf),
        problems: Vec::new(),
        _downloads: None,
    })
}

/// The manifest hash in a release tag's message.
fn recorded_manifest_sha(project: &Project, tag: &str) -> Option<String> {
    let message = git::run(project, &["tag", "--list", "--format=%(contents)", tag]).ok()?;
    message
        .lines()
        .find_map(|l| l.strip_prefix(TAG_MANIFEST_LINE))
        .map(|s| s.trim().to_owned())
}

/// Released copies stored beside the manifest must still be what it describes.
/// A signed release's signatures and provenance, held to the rebuild's own output: each
/// signature must hold over the rebuilt file, and the provenance statement the rebuild
/// implies (from its manifest and the tag's Cargo.lock) must be the released one, byte for
/// byte. Prints what held; returns what did not.
fn check_signed(
    project: &Project,
    src: &Path,
    released: &Path,
    rebuilt_dir: &Path,
    rebuilt: &Manifest,
    tag: &str,
) -> Result<Vec<String>> {
    use crate::release::{provenance, sign::SIG_SUFFIX};
    use crate::sign::minisign::Signature;
    let mut problems = Vec::new();
    let mut held = Vec::new();
    for file in [RELEASE_FILE_NAME, crate::manifest::SUMS_FILE_NAME] {
        let Ok(sig) = std::fs::read_to_string(released.join(format!("{file}{SIG_SUFFIX}"))) else {
            continue; // an unsigned release
        };
        let sig = Signature::parse(&sig)?;
        let keys = crate::sign::keys::load(project)?;
        let bytes = std::fs::read(rebuilt_dir.join(file))?;
        match keys.iter().find(|k| k.public.id == sig.key_id) {
            Some(k) if k.public.verify(&bytes, &sig).is_ok() => {
                held.push(format!("{file}{SIG_SUFFIX}"))
            }
            _ => problems.push(format!(
                "the release's {file}{SIG_SUFFIX} does not hold over the rebuilt {file}"
            )),
        }
    }
    if let Ok(envelope) = std::fs::read_to_string(released.join(provenance::FILE_NAME)) {
        let (_, payload) = crate::sign::dsse::open(&envelope)?;
        let ours = provenance::statement(
            &Project {
                root: src.to_path_buf(),
            },
            rebuilt,
            tag,
        )?;
        if payload == ours {
            held.push(format!("{} (the same statement)", provenance::FILE_NAME));
        } else {
            problems.push(format!(
                "the rebuild implies another provenance statement than the release's {}",
                provenance::FILE_NAME
            ));
        }
    }
    if !held.is_empty() {
        println!("signed: {} hold for the rebuilt files", held.join(", "));
    }
    Ok(problems)
}

fn check_stored(dir: &Path, expected: &Manifest) -> Vec<String> {
    let mut problems = Vec::new();
    for a in &expected.artifacts {
        let path = dir.join(&a.path);
        if !path.is_file() {
            continue; // only a manifest was kept, or it came from elsewhere
        }
        match sha256_file(&path) {
            Ok((sha, _)) if sha == a.sha256 => {}
            Ok((sha, _)) => problems.push(format!(
                "the stored release artifact {} has sha256 {sha}, but the manifest says {}: the stored copy was modified",
                a.path, a.sha256
            )),
            Err(e) => problems.push(format!("cannot read the stored {}: {e}", a.path)),
        }
    }
    problems
}

/// Keeps both copies of a differing artifact, says where they first differ, and runs
/// diffoscope on them when it is installed.
fn explain(v: &Verdict, originals: Option<&Path>, rebuilt_dir: &Path, keep: &Path) {
    let (Some(expected), Some(_)) = (&v.expected, &v.rebuilt) else {
        return;
    };
    let rebuilt_copy = keep.join("rebuilt").join(&v.path);
    let released_copy = keep.join("released").join(&v.path);
    let copy = |from: &Path, to: &Path| -> Result<()> {
        std::fs::create_dir_all(to.parent().unwrap_or(Path::new(".")))?;
        std::fs::copy(from, to)?;
        Ok(())
    };
    if let Err(e) = copy(&rebuilt_dir.join(&v.path), &rebuilt_copy) {
        println!("    could not keep the rebuilt {}: {e:#}", v.path);
        return;
    }
    let released = originals
        .map(|d| d.join(&v.path))
        .filter(|p| sha256_file(p).is_ok_and(|(sha, _)| sha == expected.sha256));
    let Some(released) = released else {
        println!(
            "    {}: the released file itself is not here (only its manifest entry), so only the rebuilt one is kept: {}",
            v.path,
            rebuilt_copy.display()
        );
        return;
    };
    if let Err(e) = copy(&released, &released_copy) {
        println!("    could not keep the released {}: {e:#}", v.path);
        return;
    }
    let (a, b) = (
        std::fs::read(&released_copy).unwrap_or_default(),
        std::fs::read(&rebuilt_copy).unwrap_or_default(),
    );
    let first = a
        .iter()
        .zip(&b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let place = elf::locate(&a, first as u64)
        .map(|s| format!(", in {s}"))
        .unwrap_or_default();
    println!(
        "    {}: first difference at byte {first} ({first:#x}){place}; both kept: {} and {}",
        v.path,
        released_copy.display(),
        rebuilt_copy.display()
    );
    match find_on_path("diffoscope") {
        None => println!(
            "    (install diffoscope for a structural comparison: apt-get install diffoscope)"
        ),
        Some(diffoscope) => {
            let report = keep.join(format!("{}.diffoscope.txt", v.path.replace('/', "_")));
            let _ = Command::new(diffoscope)
                .arg("--text")
                .arg(&report)
                .arg(&released_copy)
                .arg(&rebuilt_copy)
                .stdout(std::process::Stdio::null())
                .status();
            let text = std::fs::read_to_string(&report).unwrap_or_default();
            println!("    diffoscope report: {}", report.display());
            for line in text.lines().take(25) {
                println!("      {line}");
            }
        }
    }
}

/// The manifest inputs (toolchain, native tools, lock and vendor hashes...) that differ.
fn input_differences(expected: &Manifest, rebuilt: &Manifest) -> Vec<String> {
    let (Some(e), Some(r)) = (expected.inputs.as_object(), rebuilt.inputs.as_object()) else {
        return Vec::new();
    };
    e.iter()
        .filter(|(k, v)| r.get(*k) != Some(*v))
        .map(|(k, v)| {
            format!(
                "{k}: released {v}, rebuilt {}",
                r.get(k).cloned().unwrap_or_default()
            )
        })
        .collect()
}
