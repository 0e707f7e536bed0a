//! The release signing keys the repository trusts: `keys/<name>.pub` (minisign format) and
//! `keys/<name>.toml` (its id and validity period). A key that replaced another is signed by
//! it (`keys/<name>.pub.minisig`), and the old key's `valid_until` records when it stopped
//! signing. A release verifies with the key valid at the release's date (its commit time,
//! SOURCE_DATE_EPOCH), so an old release still verifies after a rotation. Secret keys never
//! enter the repository: `keys new` writes them outside the checkout (or under target/).

use super::minisign::{PublicKey, SecretKey, Signature, id_hex};
use crate::project::Project;
use crate::time;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

pub const DIR: &str = "keys";
/// Where the release reads its secret key: the key file's text, or a path to it.
pub const SECRET_VAR: &str = "KEEL_SIGNING_KEY";
pub const SECRET_FILE_VAR: &str = "KEEL_SIGNING_KEY_FILE";

#[derive(Debug, Clone)]
pub struct Key {
    pub name: String,
    pub public: PublicKey,
    pub valid_from: u64,
    pub valid_until: Option<u64>,
    pub signed_by: Option<String>,
}

impl Key {
    /// Whether it may have signed something dated `at`.
    pub fn check_valid_at(&self, at: u64) -> Result<()> {
        let until = self
            .valid_until
            .map(time::rfc3339)
            .unwrap_or_else(|| "(no end)".into());
        if at < self.valid_from || self.valid_until.is_some_and(|u| at >= u) {
            bail!(
                "key `{}` ({}) is valid from {} until {until}, but the release is dated {}: \
                 it was signed outside the key's validity period",
                self.name,
                id_hex(&self.public.id),
                time::rfc3339(self.valid_from),
                time::rfc3339(at)
            );
        }
        Ok(())
    }
}

fn pub_path(project: &Project, name: &str) -> PathBuf {
    project.path(DIR).join(format!("{name}.pub"))
}

fn toml_path(project: &Project, name: &str) -> PathBuf {
    project.path(DIR).join(format!("{name}.toml"))
}

/// Every key in keys/, each checked: its files agree, and a replacement is signed by the
/// key it replaced.
pub fn load(project: &Project) -> Result<Vec<Key>> {
    let dir = project.path(DIR);
    let mut keys = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(keys);
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".pub")
                .map(str::to_owned)
        })
        .collect();
    names.sort();
    for name in names {
        keys.push(load_one(project, &name)?);
    }
    for k in &keys {
        if let Some(by) = &k.signed_by {
            let signer = keys.iter().find(|s| &s.name == by).with_context(|| {
                format!(
                    "keys/{}.toml: signed_by = \"{by}\", but there is no keys/{by}.pub",
                    k.name
                )
            })?;
            let sig_path = project.path(DIR).join(format!("{}.pub.minisig", k.name));
            let sig = Signature::parse(&crate::files::read_to_string(&sig_path)?)
                .with_context(|| format!("{}", sig_path.display()))?;
            signer
                .public
                .verify(&std::fs::read(pub_path(project, &k.name))?, &sig)
                .with_context(|| {
                    format!(
                        "{}: key `{}` is not vouched for by `{by}`",
                        sig_path.display(),
                        k.name
                    )
                })?;
        }
    }
    Ok(keys)
}

fn load_one(project: &Project, name: &str) -> Result<Key> {
    let (pub_file, toml_file) = (pub_path(project, name), toml_path(project, name));
    let public = PublicKey::parse(&crate::files::read_to_string(&pub_file)?)
        .with_context(|| pub_file.display().to_string())?;
    let doc: toml::Table = crate::files::read_to_string(&toml_file)
        .with_context(|| format!("{} has no {}", pub_file.display(), toml_file.display()))?
        .parse()
        .with_context(|| format!("{} is malformed TOML", toml_file.display()))?;
    let field = |k: &str| doc.get(k).and_then(|v| v.as_str());
    let date = |k: &str| -> Result<Option<u64>> {
        field(k)
            .map(|v| time::parse(v).with_context(|| format!("{}: {k}", toml_file.display())))
            .transpose()
    };
    if field("key_id") != Some(id_hex(&public.id).as_str()) {
        bail!(
            "{}: key_id is {:?}, but {} holds key {}",
            toml_file.display(),
            field("key_id"),
            pub_file.display(),
            id_hex(&public.id)
        );
    }
    Ok(Key {
        name: name.to_owned(),
        public,
        valid_from: date("valid_from")?
            .with_context(|| format!("{}: no valid_from", toml_file.display()))?,
        valid_until: date("valid_until")?,
        signed_by: field("signed_by").map(str::to_owned),
    })
}

fn toml_text(key: &Key) -> String {
    let mut s = format!(
        "# Keel release signing key `{}`; the secret half is kept outside the repository.\n\
         key_id = \"{}\"\nvalid_from = \"{}\"\n",
        key.name,
        id_hex(&key.public.id),
        time::rfc3339(key.valid_from)
    );
    if let Some(u) = key.valid_until {
        s.push_str(&format!("valid_until = \"{}\"\n", time::rfc3339(u)));
    }
    if let Some(by) = &key.signed_by {
        s.push_str(&format!(
            "# Vouched for by the key it replaced: {}.pub.minisig\nsigned_by = \"{by}\"\n",
            key.name
        ));
    }
    s
}

/// The secret key a release signs with, from the environment (a pipeline's secret).
pub fn secret_from_env() -> Result<Option<SecretKey>> {
    let text = match (std::env::var(SECRET_VAR), std::env::var_os(SECRET_FILE_VAR)) {
        (Ok(t), _) => t,
        (Err(_), Some(f)) => std::fs::read_to_string(&f)
            .with_context(|| format!("reading {SECRET_FILE_VAR}={}", Path::new(&f).display()))?,
        _ => return Ok(None),
    };
    SecretKey::parse(&text)
        .with_context(|| format!("the signing key in {SECRET_VAR}/{SECRET_FILE_VAR}"))
        .map(Some)
}

pub fn read_secret(path: &Path) -> Result<SecretKey> {
    SecretKey::parse(&crate::files::read_to_string(path)?)
        .with_context(|| format!("the secret key {}", path.display()))
}

pub struct NewKey<'a> {
    pub name: &'a str,
    pub secret_out: Option<PathBuf>,
    pub valid_from: Option<u64>,
    /// The key this one replaces, and that key's secret half.
    pub replaces: Option<(&'a str, PathBuf)>,
}

/// `keys new`: a key pair; the public half into keys/, the secret half to a file outside
/// the repository.
pub fn new(project: &Project, opts: &NewKey<'_>) -> Result<()> {
    let name = opts.name;
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        bail!("key name `{name}`: use letters, digits, '-' and '_'");
    }
    if pub_path(project, name).exists() {
        bail!(
            "keys/{name}.pub exists already: a key is never replaced in place; choose a new name"
        );
    }
    let existing = load(project)?;
    let secret_out = match &opts.secret_out {
        Some(p) => p.clone(),
        None => dirs_config()?.join("keel/keys").join(format!("{name}.key")),
    };
    let out = std::path::absolute(&secret_out)?;
    if out.starts_with(&project.root) && !out.starts_with(project.target()) {
        bail!(
            "{} is inside the checkout: a secret key must never be committed; write it elsewhere (--secret-key PATH)",
            out.display()
        );
    }
    if out.exists() {
        bail!(
            "{} exists already; not overwriting a secret key",
            out.display()
        );
    }
    let valid_from = opts.valid_from.unwrap_or_else(time::now);
    let replaced = match &opts.replaces {
        None => None,
        Some((old, old_secret)) => {
            let old_key = existing
                .iter()
                .find(|k| k.name == *old)
                .with_context(|| format!("--replaces {old}: there is no keys/{old}.pub"))?;
            if let Some(until) = old_key.valid_until {
                bail!(
                    "key `{old}` was already retired at {}: replace the key that followed it",
                    time::rfc3339(until)
                );
            }
            if valid_from <= old_key.valid_from {
                bail!(
                    "--valid-from must be after key `{old}`'s valid_from ({})",
                    time::rfc3339(old_key.valid_from)
                );
            }
            let secret = read_secret(old_secret)?;
            if secret.public() != old_key.public {
                bail!(
                    "{} is not the secret half of key `{old}`",
                    old_secret.display()
                );
            }
            Some((old_key.clone(), secret))
        }
    };
    let secret = SecretKey::generate()?;
    let key = Key {
        name: name.to_owned(),
        public: secret.public(),
        valid_from,
        valid_until: None,
        signed_by: replaced.as_ref().map(|(k, _)| k.name.clone()),
    };
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&out)
            .with_context(|| format!("creating {}", out.display()))?;
        f.write_all(secret.to_text().as_bytes())?;
        f.sync_all()?;
    }
    std::fs::create_dir_all(project.path(DIR))?;
    let public_text = key.public.to_text();
    crate::files::write_atomic(&pub_path(project, name), public_text.as_bytes())?;
    crate::files::write_atomic(&toml_path(project, name), toml_text(&key).as_bytes())?;
    if let Some((mut old, old_secret)) = replaced {
        let sig = old_secret.sign(
            public_text.as_bytes(),
            &format!(
                "timestamp:{valid_from}\tfile:{name}.pub\tkey {name} replaces {}",
                old.name
            ),
        )?;
        let sig_path = project.path(DIR).join(format!("{name}.pub.minisig"));
        crate::files::write_atomic(
            &sig_path,
            sig.to_text(&format!("key {name}, vouched for by key {}", old.name))
                .as_bytes(),
        )?;
        old.valid_until = Some(valid_from);
        crate::files::write_atomic(&toml_path(project, &old.name), toml_text(&old).as_bytes())?;
        println!(
            "key `{}` now ends at {}",
            old.name,
            time::rfc3339(valid_from)
        );
    }
    println!(
        "key `{name}` ({}), valid from {}:\n  public: keys/{name}.pub and keys/{name}.toml (commit them)\n  \
         secret: {} (store it as the pipeline's {SECRET_VAR} secret; never commit it)",
        id_hex(&key.public.id),
        time::rfc3339(valid_from),
        out.display()
    );
    Ok(())
}

fn dirs_config() -> Result<PathBuf> {
    if let Some(x) = std::env::var_os("XDG_CONFIG_HOME") {
        return Ok(PathBuf::from(x));
    }
    std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join(".config"))
        .context("no HOME to keep the secret key under: pass --secret-key PATH")
}

/// `keys list`.
pub fn list(project: &Project) -> Result<()> {
    let keys = load(project)?;
    if keys.is_empty() {
        println!("no keys in keys/: make one with `cargo xtask keys new NAME`");
    }
    for k in keys {
        println!(
            "{:<20} {}  from {}  until {}{}",
            k.name,
            id_hex(&k.public.id),
            time::rfc3339(k.valid_from),
            k.valid_until
                .map(time::rfc3339)
                .unwrap_or_else(|| "-".into()),
            k.signed_by
                .map(|b| format!("  (replaces {b})"))
                .unwrap_or_default()
        );
    }
    Ok(())
}
