//! `cargo xtask verify-release <VERSION | MANIFEST_URL> [--registry R]`: checks a release
//! with nothing but the repository's keys/: the signatures of the manifest and the sums (by
//! a key of keys/, valid at the release's date), the provenance envelope and its subjects
//! against the manifest, and every artifact at hand against its sha256. Every failure is
//! listed, naming the file and the reason.

use crate::build::sbom;
use crate::manifest::{Artifact, Kind, Manifest, RELEASE_FILE_NAME, SUMS_FILE_NAME};
use crate::project::Project;
use crate::registry::{RELEASE_PACKAGE, Registry};
use crate::release::sign::SIG_SUFFIX;
use crate::release::{attest, provenance};
use crate::sign::dsse;
use crate::sign::keys::{self, Key};
use crate::sign::minisign::{Signature, id_hex};
use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::path::PathBuf;

pub struct Options {
    /// A version, or the URL of a release manifest in a registry.
    pub release: String,
    pub registry: Option<String>,
}

enum Source {
    Dir(PathBuf),
    Registry(Box<Registry>, String),
}

impl Source {
    /// The rebuilder attestations published with the release: (name, text).
    fn attestations(&self) -> Result<Vec<(String, Vec<u8>)>> {
        let names: Vec<String> = match self {
            Source::Dir(d) => std::fs::read_dir(d.join(attest::DIR))
                .into_iter()
                .flatten()
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .map(|n| format!("{}/{n}", attest::DIR))
                .collect(),
            Source::Registry(r, v) => r.list_package(RELEASE_PACKAGE, v)?,
        };
        let mut out = Vec::new();
        for name in names {
            let file = name.rsplit('/').next().unwrap_or(&name);
            if attest::is_file_name(file)
                && let Some(bytes) = self.file(&name)?
            {
                out.push((file.to_owned(), bytes));
            }
        }
        out.sort();
        Ok(out)
    }

    fn describe(&self) -> String {
        match self {
            Source::Dir(d) => d.display().to_string(),
            Source::Registry(r, v) => format!("registry {} ({RELEASE_PACKAGE} {v})", r.label),
        }
    }

    /// A file of the release set, or None when the source has none.
    fn file(&self, name: &str) -> Result<Option<Vec<u8>>> {
        match self {
            Source::Dir(d) => match std::fs::read(d.join(name)) {
                Ok(b) => Ok(Some(b)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e).with_context(|| format!("reading {}", d.join(name).display())),
            },
            Source::Registry(r, v) => reply(r.get_package(RELEASE_PACKAGE, v, name)?, name),
        }
    }

    /// An artifact's bytes, where this source has them (a registry holds crates and packages).
    fn artifact(&self, a: &Artifact, version: &str) -> Result<Option<Vec<u8>>> {
        match self {
            Source::Dir(_) => self.file(&a.path),
            Source::Registry(r, _) => {
                let file = a.path.rsplit('/').next().unwrap_or(&a.path);
                match a.kind {
                    Kind::Crate => {
                        let name = file
                            .strip_suffix(&format!("-{version}.crate"))
                            .unwrap_or(file);
                        reply(r.download_crate(name, version)?, &a.path)
                    }
                    Kind::Package => {
                        let name = file.split(&format!("-{version}-")).next().unwrap_or(file);
                        reply(r.get_package(name, version, file)?, &a.path)
                    }
                    Kind::Sbom | Kind::Bin | Kind::Debug | Kind::Source | Kind::Docs => {
                        reply(r.get_package(RELEASE_PACKAGE, version, file)?, &a.path)
                    }
                }
            }
        }
    }
}

fn reply(r: crate::registry::Reply, what: &str) -> Result<Option<Vec<u8>>> {
    match r.status {
        200 => Ok(Some(r.body)),
        404 => Ok(None),
        s => bail!("fetching {what}: the registry answered {s}: {}", r.detail()),
    }
}

pub fn run(project: &Project, opts: &Options) -> Result<()> {
    let source = if let Some(rest) = opts
        .release
        .split_once(&format!("/api/v1/packages/{RELEASE_PACKAGE}/"))
    {
        // The URL of a manifest published to a registry: the registry and version from it.
        let version = rest.1.split('/').next().unwrap_or_default().to_owned();
        crate::release::check_version(&version)?;
        Source::Registry(Box::new(Registry::resolve(project, Some(rest.0))?), version)
    } else if let Some(r) = &opts.registry {
        crate::release::check_version(&opts.release)?;
        Source::Registry(
            Box::new(Registry::resolve(project, Some(r))?),
            opts.release.clone(),
        )
    } else {
        crate::release::check_version(&opts.release)?;
        let dir = project.target().join("releases").join(&opts.release);
        if !dir.is_dir() {
            bail!(
                "no release {} in {}: name a registry (--registry keel) or a manifest URL",
                opts.release,
                dir.display()
            );
        }
        Source::Dir(dir)
    };
    let keys = keys::load(project)?;
    if keys.is_empty() {
        bail!(
            "keys/ holds no keys, so nothing can be verified: the repository's trusted keys live there"
        );
    }
    let mut failures = Vec::new();
    let requested = match &source {
        Source::Registry(_, v) => v.clone(),
        Source::Dir(_) => opts.release.clone(),
    };
    let report = check(&source, &keys, &requested, &mut failures)?;
    for line in &report {
        println!("  ok  {line}");
    }
    if !failures.is_empty() {
        for f in &failures {
            eprintln!("  FAILED  {f}");
        }
        bail!(
            "release from {} does not verify: {} problem(s), listed above",
            source.describe(),
            failures.len()
        );
    }
    println!(
        "release from {} verifies: {} checks passed",
        source.describe(),
        report.len()
    );
    Ok(())
}

/// The checks; what passed is returned, what failed is pushed to `failures`.
/// `requested` is the version asked for: a signed release of another version, served in its
/// place, must not pass for it.
fn check(
    source: &Source,
    keys: &[Key],
    requested: &str,
    failures: &mut Vec<String>,
) -> Result<Vec<String>> {
    let mut ok = Vec::new();
    let need = |name: &str| -> Result<Vec<u8>> {
        source
            .file(name)?
            .with_context(|| format!("{name}: missing from {}", source.describe()))
    };
    let manifest_bytes = need(RELEASE_FILE_NAME)?;
    // The manifest's signature first: the date it is checked at comes from the manifest, but
    // nothing in an unsigned or altered manifest is worth reading.
    let manifest_sig = format!("{RELEASE_FILE_NAME}{SIG_SUFFIX}");
    let manifest_signed = match source.file(&manifest_sig)? {
        None => Err(anyhow::anyhow!("missing (an unsigned release)")),
        Some(sig) => signer(&manifest_bytes, &sig, keys, None).map(|_| ()),
    };
    if let Err(e) = &manifest_signed {
        failures.push(format!("{manifest_sig}: {e:#}"));
    }
    let text = std::str::from_utf8(&manifest_bytes).unwrap_or_default();
    let manifest = match Manifest::parse(text, RELEASE_FILE_NAME) {
        Ok(m) => m,
        Err(e) => {
            failures.push(format!("{e:#}"));
            return Ok(ok);
        }
    };
    let at = manifest.inputs["source_date_epoch"]
        .as_u64()
        .context("release-manifest.json has no inputs.source_date_epoch")?;
    let version = manifest.workspace_version.clone();
    if version != requested {
        failures.push(format!(
            "{RELEASE_FILE_NAME}: it is the manifest of release {version}, not of {requested}"
        ));
    }

    // The two signed files, each by a key valid at the release's date.
    for file in [RELEASE_FILE_NAME, SUMS_FILE_NAME] {
        let sig_name = format!("{file}{SIG_SUFFIX}");
        if file == RELEASE_FILE_NAME && manifest_signed.is_err() {
            continue; // reported above
        }
        let Some(bytes) = source.file(file)? else {
            failures.push(format!("{file}: missing"));
            continue;
        };
        let Some(sig) = source.file(&sig_name)? else {
            failures.push(format!("{sig_name}: missing (an unsigned release)"));
            continue;
        };
        // The trusted comment binds the signature to this file, release and date.
        let expected_comment = crate::release::sign::trusted_comment(at, file, &version);
        if Signature::parse(std::str::from_utf8(&sig).unwrap_or_default())
            .is_ok_and(|s| s.trusted_comment != expected_comment)
        {
            failures.push(format!(
                "{sig_name}: its trusted comment is not `{expected_comment}`: a signature of another file or release"
            ));
        }
        match signer(&bytes, &sig, keys, Some(at)) {
            Ok(k) => ok.push(format!(
                "{sig_name}: signed by key `{}` ({})",
                k.name,
                id_hex(&k.public.id)
            )),
            Err(e) => failures.push(format!("{sig_name}: {e:#}")),
        }
        if file == SUMS_FILE_NAME && bytes != manifest.sums().as_bytes() {
            failures.push(format!(
                "{SUMS_FILE_NAME}: does not list the manifest's artifacts and sha256s"
            ));
        }
    }

    // The provenance: signed, and about exactly these artifacts and inputs.
    match source.file(provenance::FILE_NAME)? {
        None => failures.push(format!("{}: missing", provenance::FILE_NAME)),
        Some(envelope) => match check_provenance(&envelope, &manifest, keys, at) {
            Ok(k) => ok.push(format!(
                "{}: signed by key `{}`; its {} subjects are the manifest's artifacts",
                provenance::FILE_NAME,
                k.name,
                manifest.artifacts.len()
            )),
            Err(e) => failures.push(format!("{}: {e:#}", provenance::FILE_NAME)),
        },
    }

    // Who rebuilt it, and what they found: someone other than the release's own key.
    let release_key = source
        .file(&manifest_sig)?
        .and_then(|b| Signature::parse(std::str::from_utf8(&b).ok()?).ok())
        .map(|s| s.key_id);
    for (name, envelope) in source.attestations()? {
        let text = std::str::from_utf8(&envelope).unwrap_or_default();
        if let (Ok((ids, _)), Some(rk)) = (dsse::open(text), release_key)
            && ids.contains(&id_hex(&rk))
        {
            failures.push(format!("{name}: signed by the key that signed the release: a release cannot attest its own reproduction"));
            continue;
        }
        match attest::check(
            std::str::from_utf8(&envelope).unwrap_or_default(),
            &manifest_bytes,
            &manifest,
            keys,
        ) {
            Ok(k) => ok.push(format!(
                "{name}: reproduced by rebuilder `{}` ({})",
                k.name,
                id_hex(&k.public.id)
            )),
            Err(e) => failures.push(format!("{name}: {e:#}")),
        }
    }

    // The artifacts at hand.
    let (mut checked, mut absent) = (0, Vec::new());
    let mut at_hand = std::collections::BTreeMap::new();
    for a in &manifest.artifacts {
        match source.artifact(a, &version)? {
            None => absent.push(a.path.clone()),
            Some(bytes) => {
                let sha = crate::files::sha256_bytes(&bytes);
                // Compared below even when changed: the report then says how, too.
                if matches!(a.kind, Kind::Bin | Kind::Sbom) {
                    at_hand.insert(a.path.clone(), bytes.clone());
                }
                if sha == a.sha256 {
                    checked += 1;
                } else {
                    failures.push(format!(
                        "{}: sha256 {sha}, but the signed manifest says {}",
                        a.path, a.sha256
                    ));
                }
            }
        }
    }
    ok.push(format!(
        "{checked} artifacts match the signed manifest's sha256"
    ));
    // Each binary's embedded dependency list against its SBOM.
    for a in manifest.artifacts.iter().filter(|a| a.kind == Kind::Bin) {
        let sbom_path = format!("{}/{}.cdx.json", sbom::DIR, a.path);
        let (Some(bin), Some(sbom_text)) = (at_hand.get(&a.path), at_hand.get(&sbom_path)) else {
            println!(
                "  (the embedded dependency list of {} is not checked here: {} is not at {})",
                a.path,
                if at_hand.contains_key(&a.path) {
                    sbom_path.clone()
                } else {
                    a.path.clone()
                },
                source.describe()
            );
            continue;
        };
        let embedded = sbom::read_dep_v0(bin);
        let listed = sbom::components(std::str::from_utf8(sbom_text).unwrap_or_default());
        match (embedded, listed) {
            (None, _) => failures.push(format!(
                "{}: no readable {} section (embedded dependency list)",
                a.path,
                sbom::SECTION
            )),
            (_, None) => {
                failures.push(format!("{sbom_path}: not a CycloneDX SBOM with components"))
            }
            (Some(e), Some(l)) if e != l => {
                let name = |set: &std::collections::BTreeSet<(String, String)>| -> Vec<String> {
                    set.iter().map(|(n, v)| format!("{n} {v}")).collect()
                };
                let omitted: std::collections::BTreeSet<_> = e.difference(&l).cloned().collect();
                let extra: std::collections::BTreeSet<_> = l.difference(&e).cloned().collect();
                failures.push(format!(
                    "{sbom_path}: does not list what {} embeds (omits: {}; lists besides: {})",
                    a.path,
                    name(&omitted).join(", "),
                    name(&extra).join(", ")
                ));
            }
            (Some(e), Some(_)) => ok.push(format!(
                "{sbom_path}: lists the {} crates {} embeds",
                e.len(),
                a.path
            )),
        }
    }
    if !absent.is_empty() {
        println!(
            "  (not at {}: {}; they are covered by the signed manifest only)",
            source.describe(),
            absent.join(", ")
        );
    }
    Ok(ok)
}

/// The key of keys/ that made `sig` over `bytes` (and was valid at `at`, when given).
pub fn signer<'k>(bytes: &[u8], sig: &[u8], keys: &'k [Key], at: Option<u64>) -> Result<&'k Key> {
    let sig = Signature::parse(std::str::from_utf8(sig).unwrap_or_default())?;
    let key = keys
        .iter()
        .find(|k| k.public.id == sig.key_id)
        .with_context(|| {
            format!(
                "signed by key {}, which is not in keys/",
                id_hex(&sig.key_id)
            )
        })?;
    key.public.verify(bytes, &sig)?;
    if let Some(at) = at {
        key.check_valid_at(at)?;
    }
    Ok(key)
}

fn check_provenance<'k>(
    envelope: &[u8],
    manifest: &Manifest,
    keys: &'k [Key],
    at: u64,
) -> Result<&'k Key> {
    let text = std::str::from_utf8(envelope).context("not UTF-8")?;
    let (ids, _) = dsse::open(text)?;
    let key = keys
        .iter()
        .find(|k| ids.contains(&id_hex(&k.public.id)))
        .with_context(|| format!("signed by key(s) {}, none of them in keys/", ids.join(", ")))?;
    let payload = dsse::verify(text, &key.public)?;
    key.check_valid_at(at)?;
    let statement: Value = serde_json::from_slice(&payload).context("the statement is not JSON")?;
    if statement["_type"] != provenance::STATEMENT || statement["predicateType"] != provenance::SLSA
    {
        bail!("not an in-toto SLSA v1 provenance statement");
    }
    let mut subjects: Vec<(String, String)> = statement["subject"]
        .as_array()
        .context("no subjects")?
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap_or_default().to_owned(),
                s["digest"]["sha256"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    let mut artifacts: Vec<(String, String)> = manifest
        .artifacts
        .iter()
        .map(|a| (a.path.clone(), a.sha256.clone()))
        .collect();
    subjects.sort();
    artifacts.sort();
    if subjects != artifacts {
        bail!("its subjects are not the manifest's artifacts and sha256s");
    }
    let deps = &statement["predicate"]["buildDefinition"]["resolvedDependencies"];
    let lock = deps
        .as_array()
        .into_iter()
        .flatten()
        .find(|d| d["name"] == "Cargo.lock");
    if lock.map(|d| &d["digest"]["sha256"]) != Some(&manifest.inputs["cargo_lock_sha256"]) {
        bail!("its Cargo.lock is not the manifest's");
    }
    if deps[0]["digest"]["gitCommit"] != manifest.git["commit"] {
        bail!("its commit is not the manifest's");
    }
    Ok(key)
}
