//! The content-addressed cache of pinned native tools, shared by every clone on the machine
//! (CoreXT's package cache): `<cache>/sha256/<archive sha256>/` holds the archive exactly as
//! pinned and `tree/`, what it unpacks to. A tool missing from the cache is fetched (a Keel
//! registry mirror named by KEEL_TOOLS_REGISTRY first, else PyPI through `pip download`),
//! checked against its pinned sha256, unpacked beside the cache and renamed into place, so a
//! failure leaves nothing half-unpacked.
//!
//! Each use checks the tree cheaply (file metadata, against a stamp written when it was last
//! proven); if anything changed, it is compared file by file with the archive again, and a
//! difference is refused, naming the tool and the file.

use crate::files::{sha256_file, write_atomic};
use crate::toolchain::ToolPin;
use anyhow::{Context, Result, anyhow, bail};
use sha2::Digest;
use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Overrides where the cache lives; passed on to tests, so fixtures share it.
pub const CACHE_VAR: &str = "KEEL_TOOL_CACHE";
/// A Keel registry (name in .cargo/config.toml or URL) that mirrors the pinned tools.
pub const REGISTRY_VAR: &str = "KEEL_TOOLS_REGISTRY";

/// The generic package a mirror stores a tool under.
pub fn mirror_package(tool: &ToolPin) -> String {
    format!("keel-tool-{}", tool.name)
}

#[derive(Debug, Clone)]
pub struct Cache {
    pub root: PathBuf,
}

/// A pinned tool, present and proven in the cache.
#[derive(Debug, Clone)]
pub struct Cached {
    pub pin: ToolPin,
    /// The unpacked archive.
    pub tree: PathBuf,
    /// The archive itself, as pinned.
    pub archive: PathBuf,
}

impl Cached {
    pub fn exe(&self) -> PathBuf {
        self.tree.join(&self.pin.exe)
    }
}

impl Cache {
    /// `$KEEL_TOOL_CACHE`, else `$XDG_CACHE_HOME/keel/tools`, else `~/.cache/keel/tools`.
    pub fn locate() -> Result<Cache> {
        let var = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let root = var(CACHE_VAR)
            .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("keel/tools")))
            .or_else(|| var("HOME").map(|h| h.join(".cache/keel/tools")))
            .ok_or_else(|| {
                anyhow!(
                    "no place for the tool cache: set {CACHE_VAR} (or HOME) to a writable directory"
                )
            })?;
        Ok(Cache { root })
    }

    fn entry(&self, tool: &ToolPin) -> PathBuf {
        self.root.join("sha256").join(&tool.sha256)
    }

    /// Where zig keeps what it compiles once per target (startup objects, libc stubs).
    pub fn zig_cache(&self) -> PathBuf {
        self.root.join("zig-cache")
    }

    /// The tool, proven intact, if the cache holds it.
    pub fn lookup(&self, tool: &ToolPin) -> Result<Option<Cached>> {
        let entry = self.entry(tool);
        let cached = Cached {
            pin: tool.clone(),
            tree: entry.join("tree"),
            archive: entry.join("archive").join(&tool.file),
        };
        if !cached.tree.is_dir() {
            return Ok(None);
        }
        let stamp = entry.join("proven");
        let now = metadata_fingerprint(&cached.tree)?;
        if fs::read_to_string(&stamp).ok().as_deref() == Some(now.as_str()) {
            return Ok(Some(cached));
        }
        prove(&cached).with_context(|| {
            format!(
                "{} in the tool cache ({}) is damaged; remove that directory and run \
                 `cargo xtask tools fetch` to fetch it again",
                describe(tool),
                entry.display()
            )
        })?;
        // A cache mounted read-only is proven again next time: the stamp only saves time.
        let _ = write_atomic(&stamp, metadata_fingerprint(&cached.tree)?.as_bytes());
        Ok(Some(cached))
    }

    /// The tool from the cache, fetched first if it is not there.
    pub fn ensure(&self, project: &crate::project::Project, tool: &ToolPin) -> Result<Cached> {
        if let Some(c) = self.lookup(tool)? {
            return Ok(c);
        }
        self.fetch(project, tool)?;
        self.lookup(tool)?
            .ok_or_else(|| anyhow!("{} vanished from the cache after fetching", describe(tool)))
    }

    /// Fetches the archive, checks its sha256, unpacks it beside the cache and renames it in.
    fn fetch(&self, project: &crate::project::Project, tool: &ToolPin) -> Result<()> {
        let tmp = self.root.join("tmp");
        fs::create_dir_all(&tmp)
            .with_context(|| format!("creating the tool cache at {}", self.root.display()))?;
        let work = crate::files::TempDir::new_in(&tmp, &tool.name)?;
        let archive = work.path().join("archive").join(&tool.file);
        fs::create_dir_all(archive.parent().expect("has a parent"))?;
        let mut tried = Vec::new();
        let mut got = None;
        for source in sources(tool) {
            eprintln!("fetching {} from {} ...", describe(tool), source.label());
            match source.fetch(project, tool, &archive) {
                Ok(()) => {
                    let (sha, size) = sha256_file(&archive)?;
                    if sha == tool.sha256 {
                        got = Some(size);
                        break;
                    }
                    tried.push(format!(
                        "{}: got {} bytes with sha256 {sha}, not the pinned archive",
                        source.label(),
                        size
                    ));
                }
                Err(e) => tried.push(format!("{}: {e:#}", source.label())),
            }
        }
        let Some(size) = got else {
            bail!(
                "{} is not in the tool cache ({}) and could not be fetched:\n  - {}\n\
                 fix: with access to PyPI, `cargo xtask tools fetch`; without it, set {REGISTRY_VAR} \
                 to a Keel registry that mirrors it (`cargo xtask tools mirror --registry R` on a \
                 machine that has it)",
                describe(tool),
                self.root.display(),
                tried.join("\n  - ")
            );
        };
        eprintln!(
            "unpacking {} ({:.1} MiB) into the tool cache ...",
            tool.file,
            size as f64 / 1048576.0
        );
        unpack(&archive, &work.path().join("tree"))
            .with_context(|| format!("unpacking {}", tool.file))?;
        let entry = self.entry(tool);
        fs::create_dir_all(entry.parent().expect("has a parent"))?;
        match fs::rename(work.path(), &entry) {
            Ok(()) => {
                work.keep();
                Ok(())
            }
            // Another process put the same archive there first: theirs serves.
            Err(_) if entry.join("tree").is_dir() => Ok(()),
            Err(e) => Err(e).with_context(|| format!("moving the tool into {}", entry.display())),
        }
    }
}

/// `zig 0.15.2 (sha256 8063…)`: how messages name a pinned tool.
pub fn describe(tool: &ToolPin) -> String {
    format!("{} {} (sha256 {})", tool.name, tool.version, tool.sha256)
}

enum Source {
    Registry(String),
    Pypi(String),
}

fn sources(tool: &ToolPin) -> Vec<Source> {
    let mut out = Vec::new();
    if let Some(r) = std::env::var(REGISTRY_VAR).ok().filter(|r| !r.is_empty()) {
        out.push(Source::Registry(r));
    }
    if let Some(req) = &tool.pypi {
        out.push(Source::Pypi(req.clone()));
    }
    out
}

impl Source {
    fn label(&self) -> String {
        match self {
            Source::Registry(r) => format!("registry {r} ({REGISTRY_VAR})"),
            Source::Pypi(req) => format!("PyPI (`pip download {req}`)"),
        }
    }

    fn fetch(&self, project: &crate::project::Project, tool: &ToolPin, dest: &Path) -> Result<()> {
        match self {
            Source::Registry(r) => {
                let registry = crate::registry::Registry::resolve(project, Some(r))?;
                let reply =
                    registry.get_package(&mirror_package(tool), &tool.version, &tool.file)?;
                if reply.status != 200 {
                    bail!("answered {}: {}", reply.status, reply.detail());
                }
                write_atomic(dest, &reply.body)
            }
            Source::Pypi(req) => {
                let dir = dest.parent().expect("has a parent");
                pip_download(dir, req, Some(&tool.platform))?;
                if !dest.is_file() {
                    bail!("pip downloaded no {} (a different file name?)", tool.file);
                }
                Ok(())
            }
        }
    }
}

/// `pip download` of one binary wheel (`requirement`, no dependencies) into `dir`, for
/// `platform` when given; pip's last line of complaint when it fails.
pub fn pip_download(dir: &Path, requirement: &str, platform: Option<&str>) -> Result<()> {
    let pip = ["pip3", "pip"]
        .into_iter()
        .find_map(crate::process::find_on_path)
        .ok_or_else(|| anyhow!("no pip on PATH (Debian: `apt-get install python3-pip`)"))?;
    let mut cmd = std::process::Command::new(&pip);
    cmd.args([
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--retries",
        "0",
        "--timeout",
        "30",
    ]);
    if let Some(p) = platform {
        cmd.args(["--platform", p]);
    }
    let out = cmd
        .arg("-d")
        .arg(dir)
        .arg(requirement)
        .output()
        .with_context(|| format!("starting {}", pip.display()))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        bail!("pip failed ({}): {}", out.status, last.trim());
    }
    Ok(())
}

/// Unpacks a zip archive (a wheel) into `dest`: regular files and directories only, paths
/// normalized (nothing lands outside `dest`), each entry's CRC checked, modes kept.
pub fn unpack(archive: &Path, dest: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let bytes = fs::read(archive)?;
    let zip = rawzip::ZipArchive::from_slice(&bytes).context("not a zip archive")?;
    let mut entries = zip.entries();
    while let Some(entry) = entries.next_entry().context("reading the zip directory")? {
        let path: String = entry.file_path().try_normalize()?.into();
        let out = dest.join(&path);
        if entry.is_dir() {
            fs::create_dir_all(&out)?;
            continue;
        }
        if entry.mode().is_symlink() {
            bail!("{path} is a symbolic link; pinned tools hold regular files only");
        }
        let data = zip.get_entry(entry.wayfinder())?;
        let mut content = Vec::with_capacity(entry.uncompressed_size_hint() as usize);
        match entry.compression_method() {
            rawzip::CompressionMethod::STORE => {
                data.verifying_reader(data.data())
                    .read_to_end(&mut content)?;
            }
            rawzip::CompressionMethod::DEFLATE => {
                let inflate = flate2::bufread::DeflateDecoder::new(data.data());
                data.verifying_reader(inflate).read_to_end(&mut content)?;
            }
            m => bail!("{path}: compression method {m} is not supported"),
        }
        fs::create_dir_all(out.parent().expect("inside dest"))?;
        fs::write(&out, &content)?;
        let mode = match entry.mode().permissions() & 0o111 {
            0 => 0o644,
            _ => 0o755,
        };
        fs::set_permissions(&out, fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

/// Every regular file below `dir`, by path relative to it.
fn walk(dir: &Path) -> Result<BTreeMap<String, PathBuf>> {
    fn go(root: &Path, dir: &Path, out: &mut BTreeMap<String, PathBuf>) -> Result<()> {
        for e in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
            let e = e?;
            let t = e.file_type()?;
            let p = e.path();
            if t.is_dir() {
                go(root, &p, out)?;
            } else {
                let rel = p.strip_prefix(root).expect("below root");
                out.insert(rel.to_string_lossy().into_owned(), p);
            }
        }
        Ok(())
    }
    let mut out = BTreeMap::new();
    go(dir, dir, &mut out)?;
    Ok(out)
}

/// A hash of every file's path and metadata (size, mode, inode, mtime, ctime): any write,
/// chmod, rename or new file changes it.
fn metadata_fingerprint(tree: &Path) -> Result<String> {
    use std::os::unix::fs::MetadataExt;
    let mut h = sha2::Sha256::new();
    for (rel, path) in walk(tree)? {
        let m = fs::symlink_metadata(&path)?;
        h.update(format!(
            "{rel}\0{}:{:o}:{}:{}.{}:{}.{}\n",
            m.size(),
            m.mode(),
            m.ino(),
            m.mtime(),
            m.mtime_nsec(),
            m.ctime(),
            m.ctime_nsec()
        ));
    }
    Ok(crate::files::hex(&h.finalize()))
}

/// Proves the tree is exactly what the pinned archive unpacks to: the archive's sha256, then
/// every file's bytes and executable bit, and nothing more.
fn prove(cached: &Cached) -> Result<()> {
    let (sha, _) = sha256_file(&cached.archive)
        .with_context(|| format!("reading the kept archive {}", cached.archive.display()))?;
    if sha != cached.pin.sha256 {
        bail!(
            "the kept archive {} has sha256 {sha}",
            cached.archive.display()
        );
    }
    // In the system's temporary directory: the cache may be mounted read-only.
    let scratch = crate::files::TempDir::new("tool-proof")?;
    unpack(&cached.archive, scratch.path())?;
    let want = walk(scratch.path())?;
    let have = walk(&cached.tree)?;
    for (rel, path) in &have {
        let Some(expected) = want.get(rel) else {
            bail!("{rel} is not in the archive");
        };
        let same_bytes = fs::read(path)? == fs::read(expected)?;
        let x = |p: &Path| -> Result<bool> {
            use std::os::unix::fs::PermissionsExt;
            Ok(fs::metadata(p)?.permissions().mode() & 0o111 != 0)
        };
        if !same_bytes || x(path)? != x(expected)? {
            bail!("{rel} differs from the archive");
        }
    }
    if let Some(rel) = want.keys().find(|k| !have.contains_key(*k)) {
        bail!("{rel} is missing");
    }
    Ok(())
}
