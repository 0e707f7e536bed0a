//! The toolchain pin (toolchain.toml) and the toolchain actually in use.

use crate::fingerprint::Stamp;
use crate::process::run_capture;
use crate::project::Project;
use anyhow::{Context, Result, anyhow, bail};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What toolchain.toml pins.
#[derive(Debug, Clone)]
pub struct Pin {
    /// rustup's `[toolchain] channel`: the exact version to install.
    pub channel: String,
    pub components: Vec<String>,
    pub release: String,
    pub commit_hash: String,
    pub host: String,
    /// Targets whose dependencies are vendored.
    pub targets: Vec<String>,
    /// Exact versions of tools outside the toolchain.
    pub tools: BTreeMap<String, String>,
    /// `[pin.native]`: the native half of the toolchain. Absent in tags made before it was
    /// pinned (their xtask links through the host's `cc`).
    pub native: Option<NativePin>,
}

/// `[pin.native]`: the glibc floor and the archives the native tools come from.
#[derive(Debug, Clone)]
pub struct NativePin {
    /// The oldest glibc the binaries must run on (`glibc = "2.28"`).
    pub glibc: String,
    /// `[pin.native.<name>]`, by name.
    pub tools: BTreeMap<String, ToolPin>,
}

/// One pinned native tool: the exact archive it comes from, and where it is inside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolPin {
    pub name: String,
    pub version: String,
    /// The archive's file name (a wheel: a zip).
    pub file: String,
    /// sha256 of the archive, lower-case hex.
    pub sha256: String,
    /// `pip download` requirement, when PyPI distributes it (`ziglang==0.15.2`).
    pub pypi: Option<String>,
    /// The executable, relative to the unpacked archive.
    pub exe: String,
    /// The platform tag `pip download` asks for (the wheel's own; manylinux_2_12 unless
    /// the pin says otherwise).
    pub platform: String,
}

impl NativePin {
    fn parse(t: &toml::Table) -> Result<NativePin> {
        let glibc = t
            .get("glibc")
            .and_then(|v| v.as_str())
            .ok_or_else(|| anyhow!("missing string `glibc` (the glibc floor) in [pin.native]"))?;
        if glibc.split('.').count() != 2 || glibc.split('.').any(|p| p.parse::<u32>().is_err()) {
            bail!("[pin.native] glibc = {glibc:?} is not a glibc release such as \"2.28\"");
        }
        let mut tools = BTreeMap::new();
        for (name, v) in t {
            let Some(tool) = v.as_table() else { continue };
            let field = |key: &str| -> Result<String> {
                tool.get(key)
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
                    .ok_or_else(|| anyhow!("missing string `{key}` in [pin.native.{name}]"))
            };
            let sha256 = field("sha256")?;
            if sha256.len() != 64
                || !sha256
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            {
                bail!("[pin.native.{name}] sha256 must be 64 lower-case hex digits");
            }
            let exe = field("exe")?;
            if exe.starts_with('/') || exe.split('/').any(|c| c == "..") {
                bail!("[pin.native.{name}] exe = {exe:?} must be a path inside the archive");
            }
            tools.insert(
                name.clone(),
                ToolPin {
                    name: name.clone(),
                    version: field("version")?,
                    file: field("file")?,
                    sha256,
                    pypi: tool.get("pypi").and_then(|v| v.as_str()).map(str::to_owned),
                    exe,
                    platform: tool
                        .get("platform")
                        .and_then(|v| v.as_str())
                        .unwrap_or("manylinux_2_12_x86_64")
                        .to_owned(),
                },
            );
        }
        Ok(NativePin {
            glibc: glibc.to_owned(),
            tools,
        })
    }

    /// The tool `name`, which this xtask needs pinned.
    pub fn tool(&self, name: &str) -> Result<&ToolPin> {
        self.tools.get(name).ok_or_else(|| {
            anyhow!("toolchain.toml pins no [pin.native.{name}], which builds need: add it (see ARCHITECTURE.md)")
        })
    }
}

impl Pin {
    pub fn load(project: &Project) -> Result<Pin> {
        let path = project.path("toolchain.toml");
        let text = crate::files::read_to_string(&path)?;
        Pin::parse(&text).with_context(|| {
            format!(
                "{} is malformed; restore it with `git checkout -- toolchain.toml`",
                path.display()
            )
        })
    }

    pub fn parse(text: &str) -> Result<Pin> {
        let doc: toml::Table = text.parse()?;
        let table = |name: &str| -> Result<&toml::Table> {
            doc.get(name)
                .and_then(|v| v.as_table())
                .ok_or_else(|| anyhow!("missing [{name}] table"))
        };
        let str_field = |t: &toml::Table, table: &str, key: &str| -> Result<String> {
            t.get(key)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
                .ok_or_else(|| anyhow!("missing string `{key}` in [{table}]"))
        };
        let list = |t: &toml::Table, table: &str, key: &str| -> Result<Vec<String>> {
            match t.get(key) {
                None => Ok(Vec::new()),
                Some(v) => v
                    .as_array()
                    .and_then(|a| a.iter().map(|x| x.as_str().map(str::to_owned)).collect())
                    .ok_or_else(|| anyhow!("`{key}` in [{table}] must be a list of strings")),
            }
        };
        let toolchain = table("toolchain")?;
        let pin = table("pin")?;
        let channel = str_field(toolchain, "toolchain", "channel")?;
        let release = str_field(pin, "pin", "release")?;
        if channel != release {
            bail!(
                "[toolchain] channel = {channel:?} but [pin] release = {release:?}: they must name the same version"
            );
        }
        let native = match pin.get("native") {
            None => None,
            Some(t) => Some(NativePin::parse(
                t.as_table()
                    .ok_or_else(|| anyhow!("[pin.native] must be a table"))?,
            )?),
        };
        let mut tools = BTreeMap::new();
        if let Some(t) = pin.get("tools") {
            let t = t
                .as_table()
                .ok_or_else(|| anyhow!("[pin.tools] must be a table"))?;
            for (name, version) in t {
                let v = version
                    .as_str()
                    .ok_or_else(|| anyhow!("[pin.tools] {name} must be a version string"))?;
                tools.insert(name.clone(), v.to_owned());
            }
        }
        Ok(Pin {
            channel,
            components: list(toolchain, "toolchain", "components")?,
            release,
            commit_hash: str_field(pin, "pin", "commit-hash")?,
            host: str_field(pin, "pin", "host")?,
            targets: list(pin, "pin", "targets")?,
            tools,
            native,
        })
    }

    /// How to get the pinned toolchain onto this machine.
    pub fn install_hint(&self) -> String {
        let mut cmd = format!(
            "rustup toolchain install {} --profile minimal",
            self.channel
        );
        if !self.components.is_empty() {
            cmd.push_str(&format!(" --component {}", self.components.join(",")));
        }
        cmd
    }
}

/// `rustc -vV` of the rustc in `bin_dir`. Starting rustc costs more than the rest of a no-op
/// build's checks together, so the answer is kept under target/keel/, keyed by the identity
/// (inode, size, mtime, ctime) of the rustc binary and its toolchain's lib/ directory: any
/// reinstall or update of the toolchain changes the key.
fn version_verbose(project: &Project, bin_dir: &Path) -> Result<String> {
    use std::os::unix::fs::MetadataExt;
    let rustc = bin_dir.join("rustc");
    let mut key = rustc.display().to_string();
    for path in [rustc.clone(), bin_dir.join("../lib")] {
        if let Ok(m) = std::fs::metadata(&path) {
            key.push_str(&format!(
                " {}:{}:{}.{}:{}.{}",
                m.ino(),
                m.size(),
                m.mtime(),
                m.mtime_nsec(),
                m.ctime(),
                m.ctime_nsec()
            ));
        }
    }
    let cache = Stamp::new(project.state().join("rustc-vv.cache"));
    if let Some(vv) = cache.read(&key) {
        return Ok(vv);
    }
    let vv = run_capture(Command::new(&rustc).arg("-vV"))
        .with_context(|| format!("running `{} -vV`", rustc.display()))?;
    // A cache that cannot be written only costs time.
    let _ = cache.write(&key, &vv);
    Ok(vv)
}

/// The toolchain in use, as `rustc -vV` describes it.
#[derive(Debug, Clone)]
pub struct Active {
    /// The toolchain's `bin/` directory (cargo, rustc, rustdoc), bypassing rustup's proxies.
    pub bin_dir: PathBuf,
    /// `rustc -vV` verbatim: recorded in the manifest.
    pub version_verbose: String,
    pub release: String,
    pub commit_hash: String,
    pub host: String,
}

impl Active {
    /// The toolchain that ran xtask: cargo sets `CARGO` to its own path for `cargo run`, and
    /// rustc sits beside it. Outside cargo, whatever `rustc` on PATH resolves to.
    pub fn detect(project: &Project) -> Result<Active> {
        let bin_dir = match std::env::var_os("CARGO").map(PathBuf::from) {
            Some(cargo) if cargo.parent().is_some_and(|d| d.join("rustc").is_file()) => {
                cargo.parent().unwrap().to_path_buf()
            }
            _ => {
                let out = run_capture(Command::new("rustc").args(["--print", "sysroot"])).context(
                    "running `rustc --print sysroot`: is a Rust toolchain installed and on PATH?",
                )?;
                PathBuf::from(out.trim()).join("bin")
            }
        };
        let version_verbose = version_verbose(project, &bin_dir)?;
        let field = |key: &str| {
            version_verbose
                .lines()
                .find_map(|l| l.strip_prefix(key).map(|v| v.trim().to_owned()))
                .unwrap_or_default()
        };
        Ok(Active {
            release: field("release:"),
            commit_hash: field("commit-hash:"),
            host: field("host:"),
            version_verbose,
            bin_dir,
        })
    }

    pub fn cargo(&self) -> PathBuf {
        self.bin_dir.join("cargo")
    }

    /// Refuses a toolchain other than the pinned one, naming both and the fix.
    pub fn check(&self, pin: &Pin) -> Result<()> {
        let found = self
            .version_verbose
            .lines()
            .next()
            .unwrap_or("an unknown rustc");
        let mut problems = Vec::new();
        if self.release != pin.release {
            problems.push(format!(
                "release {} (pinned: {})",
                self.release, pin.release
            ));
        }
        if self.commit_hash != pin.commit_hash {
            problems.push(format!(
                "commit {} (pinned: {})",
                self.commit_hash, pin.commit_hash
            ));
        }
        if self.host != pin.host {
            problems.push(format!("host {} (pinned: {})", self.host, pin.host));
        }
        if problems.is_empty() {
            return Ok(());
        }
        let fix = match std::env::var("RUSTUP_TOOLCHAIN") {
            // rustup exports the toolchain it picked to the processes it starts.
            Ok(chosen) => format!(
                "rustup chose {chosen} instead of the pin: unset RUSTUP_TOOLCHAIN, drop any `cargo +toolchain`, \
                 and remove directory overrides (`rustup override unset`); rust-toolchain.toml then selects {}. \
                 If it is not installed: `{}`",
                pin.channel,
                pin.install_hint()
            ),
            Err(_) => format!(
                "put the pinned toolchain first on PATH, or install rustup and run `{}`",
                pin.install_hint()
            ),
        };
        bail!(
            "wrong toolchain: Keel pins rustc {} ({}) for {}, but the active toolchain is {found}: {}.\nfix: {fix}",
            pin.release,
            pin.commit_hash,
            pin.host,
            problems.join(", ")
        )
    }
}

/// The test runner this machine will use, and why.
pub enum Runner {
    Nextest(PathBuf),
    CargoTest(String),
}

pub fn runner(pin: &Pin) -> Runner {
    let Some(pinned) = pin.tools.get("cargo-nextest") else {
        return Runner::CargoTest("toolchain.toml pins no cargo-nextest".into());
    };
    let Some(path) = crate::process::find_on_path("cargo-nextest") else {
        return Runner::CargoTest(format!(
            "cargo-nextest is not installed (`cargo install cargo-nextest --version ={pinned} --locked` for faster runs)"
        ));
    };
    match run_capture(Command::new(&path).arg("--version")) {
        Ok(v) if v.split_whitespace().nth(1) == Some(pinned.as_str()) => Runner::Nextest(path),
        Ok(v) => Runner::CargoTest(format!(
            "installed {} is not the pinned cargo-nextest {pinned}",
            v.lines().next().unwrap_or("").trim()
        )),
        Err(e) => Runner::CargoTest(format!("cargo-nextest --version failed: {e:#}")),
    }
}
