//! The ONE place cargo is invoked. Every build, test and metadata query runs here with the
//! same hermetic setup:
//! - the pinned toolchain's own cargo/rustc, not rustup's proxies;
//! - `--locked --offline`;
//! - the environment cleared down to an allow-list (TZ=UTC, LC_ALL=C, a private CARGO_HOME,
//!   HOME and TMPDIR under target/keel/, SOURCE_DATE_EPOCH from HEAD's commit time);
//! - no host toolchain: a build's PATH holds only the pinned Rust toolchain, and the linker
//!   and C tools are the pinned native ones (`native`); tests also see /usr/bin and /bin;
//! - on Linux, a sandbox (see `sandbox`), unless `--no-sandbox`: a fresh network namespace,
//!   and the checkout at one fixed path, so every clone issues the same commands;
//! - `--remap-path-prefix` so no checkout path reaches an artifact;
//! - for `build` and `test`, rustc through the compilation cache (`cache`).
//!
//! The single deliberate exception is `online`, for `cargo xtask vendor`, which must download.

use crate::native::Native;
use crate::project::Project;
use crate::toolchain::{Active, Pin};
use serde_json::{Value, json};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The prefix the checkout's absolute path is remapped to in every artifact.
pub const REMAPPED_ROOT: &str = "/keel";

/// Every executable carries a GNU build-id (a hash of its contents), whatever the C
/// compiler's default: it is how a debugger pairs a shipped binary with its symbols.
const BUILD_ID: &str = "-Clink-arg=-Wl,--build-id=sha1";

/// Variables passed through unchanged: they shape only how output looks, never artifacts.
const PRESENTATION_VARS: [&str; 5] = [
    "TERM",
    "COLORTERM",
    "NO_COLOR",
    "CARGO_TERM_COLOR",
    "CARGO_TERM_PROGRESS_WHEN",
];

/// Also passed through to tests: they steer test runs (backtraces, logs, stress durations).
const TEST_VARS: [&str; 3] = ["RUST_BACKTRACE", "RUST_LOG", "CI"];
const TEST_VAR_PREFIXES: [&str; 2] = ["KEEL_", "NEXTEST_"];

/// What a hermetic invocation is for: tests see a few more variables than builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Build,
    Test,
}

#[derive(Debug, Clone)]
pub struct Hermetic {
    root: PathBuf,
    state: PathBuf,
    bin_dir: PathBuf,
    source_date_epoch: u64,
    sandbox: bool,
    /// The pinned native tools; `None` only for invocations that compile nothing (metadata,
    /// lock updates).
    native: Option<Native>,
    /// The compilation cache's server, when this build compiles through it (`cache`).
    cache: Option<(std::sync::Arc<crate::cache::Server>, crate::cache::Setting)>,
}

impl Hermetic {
    pub fn new(
        project: &Project,
        active: &Active,
        source_date_epoch: u64,
        sandbox: bool,
    ) -> Hermetic {
        Hermetic {
            root: project.root.clone(),
            state: project.state(),
            bin_dir: active.bin_dir.clone(),
            source_date_epoch,
            sandbox,
            native: None,
            cache: None,
        }
    }

    /// The same, compiling through the cache `server`.
    pub fn with_cache(
        self,
        server: crate::cache::Server,
        setting: crate::cache::Setting,
    ) -> Hermetic {
        Hermetic {
            cache: Some((std::sync::Arc::new(server), setting)),
            ..self
        }
    }

    /// The setup for anything that compiles: a prepared build's toolchain, commit time and
    /// pinned native tools.
    pub fn for_build(
        project: &Project,
        cx: &crate::build::session::Prepared,
        sandbox: bool,
    ) -> Hermetic {
        Hermetic {
            native: Some(cx.native.clone()),
            ..Hermetic::new(project, &cx.active, cx.head.time, sandbox)
        }
    }

    /// cargo's target directory for hermetic builds, apart from plain `cargo build`'s
    /// `target/` so the two never invalidate each other.
    pub fn target_dir(&self) -> PathBuf {
        self.state.join("build")
    }

    pub fn sandboxed(&self) -> bool {
        self.sandbox
    }

    /// `path` as the hermetic command sees it: in the sandbox, the checkout is at
    /// [`FIXED_ROOT`](crate::sandbox::FIXED_ROOT).
    pub fn inside(&self, path: &Path) -> PathBuf {
        match path.strip_prefix(&self.root) {
            Ok(rest) if self.sandbox => Path::new(crate::sandbox::FIXED_ROOT).join(rest),
            _ => path.to_path_buf(),
        }
    }

    /// A path a hermetic command printed, as this process sees it.
    pub fn outside(&self, path: &Path) -> PathBuf {
        match path.strip_prefix(crate::sandbox::FIXED_ROOT) {
            Ok(rest) if self.sandbox => self.root.join(rest),
            _ => path.to_path_buf(),
        }
    }

    /// The rustc flags of every hermetic build, as passed.
    pub fn rustflags(&self) -> Vec<String> {
        vec![
            format!(
                "--remap-path-prefix={}={REMAPPED_ROOT}",
                self.inside(&self.root).display()
            ),
            BUILD_ID.to_owned(),
        ]
    }

    /// The flags as recorded in the manifest: the checkout path is machine-specific, so it is
    /// written as `${WORKSPACE}`.
    pub fn rustflags_recorded(&self) -> Vec<String> {
        vec![
            format!("--remap-path-prefix=${{WORKSPACE}}={REMAPPED_ROOT}"),
            BUILD_ID.to_owned(),
        ]
    }

    /// `cargo <subcommand> --locked --offline`, hermetic.
    pub fn cargo(&self, subcommand: &str, purpose: Purpose) -> Command {
        let mut cmd = self.tool(&self.bin_dir.join("cargo"), purpose);
        cmd.args([subcommand, "--locked", "--offline"]);
        cmd
    }

    /// `cargo <subcommand> --offline` without `--locked`: the one invocation allowed to
    /// rewrite Cargo.lock, used by `release` to record the new workspace version.
    pub fn cargo_updating_lock(&self, subcommand: &str) -> Command {
        let mut cmd = self.tool(&self.bin_dir.join("cargo"), Purpose::Build);
        cmd.args([subcommand, "--offline"]);
        cmd
    }

    /// `cargo <subcommand>` with nothing added: for subcommands that resolve and build
    /// nothing and take neither flag (`cargo fmt`).
    pub fn cargo_plain(&self, subcommand: &str) -> Command {
        let mut cmd = self.tool(&self.bin_dir.join("cargo"), Purpose::Build);
        cmd.arg(subcommand);
        cmd
    }

    /// Any other program that drives cargo (cargo-nextest), in the same hermetic setup.
    pub fn tool(&self, program: &Path, purpose: Purpose) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(&self.root).env_clear();
        for (key, value) in self.env(purpose) {
            cmd.env(key, value);
        }
        if self.sandbox {
            crate::sandbox::isolate(&mut cmd, &self.root);
        }
        cmd
    }

    /// The directories a hermetic command's PATH holds, in order: for a build the pinned
    /// toolchain alone, so nothing can pick up the host's cc, ld or objcopy; tests also get
    /// the host's programs (git, sha256sum), which run but shape no artifact.
    fn path_dirs(&self, purpose: Purpose) -> Vec<&Path> {
        let mut dirs = vec![self.bin_dir.as_path()];
        if purpose == Purpose::Test {
            dirs.extend([Path::new("/usr/bin"), Path::new("/bin")]);
        }
        dirs
    }

    /// The fixed part of the environment: the same on every machine but for the paths.
    fn fixed_env(&self, purpose: Purpose) -> Vec<(String, OsString)> {
        let dir = |name: &str| self.inside(&self.state.join(name)).into_os_string();
        let path =
            std::env::join_paths(self.path_dirs(purpose)).expect("toolchain paths contain no ':'");
        let mut env: Vec<(String, OsString)> = vec![
            ("PATH", path),
            ("CARGO_HOME", dir("cargo-home")),
            ("HOME", dir("home")),
            ("TMPDIR", dir("tmp")),
            (
                "CARGO_TARGET_DIR",
                self.inside(&self.target_dir()).into_os_string(),
            ),
            ("RUSTC", self.bin_dir.join("rustc").into_os_string()),
            ("RUSTDOC", self.bin_dir.join("rustdoc").into_os_string()),
            (
                "CARGO_ENCODED_RUSTFLAGS",
                self.rustflags().join("\x1f").into(),
            ),
            ("CARGO_INCREMENTAL", "0".into()),
            (
                "SOURCE_DATE_EPOCH",
                self.source_date_epoch.to_string().into(),
            ),
            ("TZ", "UTC".into()),
            ("LC_ALL", "C".into()),
            ("LANG", "C".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        if let Some(native) = &self.native {
            env.extend(
                native
                    .env()
                    .into_iter()
                    .map(|(k, v)| (k, self.inside(Path::new(&v)).into_os_string())),
            );
        }
        if let Some((server, _)) = &self.cache {
            env.extend(server.client_env());
        }
        env
    }

    fn env(&self, purpose: Purpose) -> Vec<(String, OsString)> {
        let mut env = self.fixed_env(purpose);
        for (key, value) in std::env::vars_os() {
            let Some(key) = key.to_str() else { continue };
            let pass = PRESENTATION_VARS.contains(&key)
                || (purpose == Purpose::Test
                    && (TEST_VARS.contains(&key)
                        || TEST_VAR_PREFIXES.iter().any(|p| key.starts_with(p))));
            if pass {
                env.push((key.to_owned(), value));
            }
        }
        env
    }

    /// Creates the private directories the environment points at.
    pub fn prepare(&self) -> std::io::Result<()> {
        for name in ["cargo-home", "home", "tmp"] {
            std::fs::create_dir_all(self.state.join(name))?;
        }
        Ok(())
    }

    /// What was isolated, for the manifest. Names only: values hold machine-specific paths.
    pub fn record(&self) -> Value {
        let set: Vec<String> = self
            .fixed_env(Purpose::Build)
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        json!({
            "network": if self.sandbox { "isolated: fresh network namespace, loopback only" }
                       else { "not isolated: --no-sandbox" },
            "sandbox": self.sandbox,
            "cargo_flags": ["--locked", "--offline"],
            "env_cleared": true,
            "path": "the pinned Rust toolchain only (no host tools)",
            "env_set": set,
            "env_passed": PRESENTATION_VARS,
            "cache": self.cache.as_ref().map_or("off", |(_, s)| s.label()),
        })
    }
}

/// The one non-hermetic invocation: a cargo-driving tool that must reach the network
/// (vendoring). It runs outside the checkout, so `.cargo/config.toml`'s offline mode and
/// source replacement do not apply, with the pinned toolchain first on PATH. The registries
/// that config names are handed over as `CARGO_REGISTRIES_<NAME>_INDEX` (unless the caller's
/// environment already sets one): the manifests name them (`registry = "keel"`), and cargo
/// refuses to load a manifest whose registry it cannot find.
pub fn online(project: &Project, active: &Active, program: &Path) -> anyhow::Result<Command> {
    let mut path = vec![active.bin_dir.clone()];
    path.extend(
        std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
            .unwrap_or_default(),
    );
    let mut cmd = Command::new(program);
    cmd.current_dir(outside(project))
        .env(
            "PATH",
            std::env::join_paths(path).expect("PATH entries contain no ':'"),
        )
        .env("CARGO", active.bin_dir.join("cargo"))
        .env("RUSTC", active.bin_dir.join("rustc"))
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("CARGO_TARGET_DIR");
    for (name, index) in crate::deps::cargo_config::registries(project)? {
        let var = crate::deps::cargo_config::registry_env_var(&name, "index");
        if std::env::var_os(&var).is_none() {
            cmd.env(var, index);
        }
    }
    Ok(cmd)
}

/// A working directory outside every checkout, so no `.cargo/config.toml` but cargo's own
/// (in CARGO_HOME) applies: cargo reads the config of the working directory's ancestors, and
/// the temporary directory can itself lie inside a checkout (under `cargo xtask test` it is
/// in target/keel/).
fn outside(project: &Project) -> PathBuf {
    let clean = |dir: &Path| {
        !dir.starts_with(&project.root)
            && dir.ancestors().all(|a| {
                !a.join(".cargo/config.toml").exists() && !a.join(".cargo/config").exists()
            })
    };
    let tmp = std::env::temp_dir();
    if clean(&tmp) { tmp } else { PathBuf::from("/") }
}

// The two documented exceptions to the hermetic setup above, both for cargo runs that are not
// this checkout's builds: cargo as a user types it (benchmark baselines), and another
// checkout's own xtask (`rebuild` of a tag, `repro`'s clones), which then builds through its
// own `hermetic`.

/// The variables cargo and rustup set for this xtask's own run (`cargo xtask` is `cargo run`),
/// removed so the command behaves as if started from a shell.
fn clear_xtask_env(cmd: &mut Command) {
    for (key, _) in std::env::vars_os() {
        let Some(key) = key.to_str() else { continue };
        let set_for_us = key == "CARGO"
            || (key.starts_with("CARGO_") && key != "CARGO_HOME")
            || key.starts_with("RUSTUP_TOOLCHAIN")
            || key.starts_with("RUSTC")
            || key.starts_with("RUSTDOC")
            || key == "RUSTFLAGS";
        if set_for_us {
            cmd.env_remove(key);
        }
    }
}

/// `cargo <args>` in the checkout as a user would type it: through rustup's proxy, without
/// the variables `cargo run` set for xtask itself. For benchmarks' baselines only.
pub fn as_user(project: &Project, args: &[&str]) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.current_dir(&project.root).args(args);
    clear_xtask_env(&mut cmd);
    cmd
}

/// `cargo` of `pin`'s toolchain, for building ANOTHER checkout with its own xtask (`rebuild`
/// of a tag, `repro`'s clones). Through rustup when it is installed (`rustup run <channel>
/// cargo`; never installing anything), else the cargo on PATH if it is the pinned release.
/// The variables cargo and rustup set for this xtask are removed, so that checkout's xtask
/// sees only its own toolchain.
pub fn other_checkout(pin: &Pin, whose: &str) -> anyhow::Result<Command> {
    use anyhow::{Context, bail};
    let mut cmd = match crate::process::find_on_path("rustup") {
        Some(rustup) => {
            let list =
                crate::process::run_capture(Command::new(&rustup).args(["toolchain", "list"]))
                    .context("running `rustup toolchain list`")?;
            let installed = list.lines().any(|l| {
                l.split_whitespace().next().is_some_and(|t| {
                    t == pin.channel || t.starts_with(&format!("{}-", pin.channel))
                })
            });
            if !installed {
                bail!(
                    "{whose} pins Rust {}, which is not installed here. Install it with:\n  {}",
                    pin.channel,
                    pin.install_hint()
                );
            }
            let mut cmd = Command::new(rustup);
            cmd.args(["run", &pin.channel, "cargo"]);
            cmd
        }
        None => {
            let vv = crate::process::run_capture(Command::new("rustc").arg("-vV")).with_context(
                || "running `rustc -vV` (no rustup on PATH, so the toolchain on PATH is used)",
            )?;
            if !vv
                .lines()
                .any(|l| l.strip_prefix("release:").map(str::trim) == Some(&pin.release))
            {
                bail!(
                    "{whose} pins Rust {}, but rustup is not installed and the rustc on PATH is {}. \
                     Put Rust {} first on PATH, or install rustup and run:\n  {}",
                    pin.release,
                    vv.lines().next().unwrap_or("unknown"),
                    pin.release,
                    pin.install_hint()
                );
            }
            Command::new("cargo")
        }
    };
    clear_xtask_env(&mut cmd);
    cmd.env("RUSTUP_AUTO_INSTALL", "0");
    // Nor this session's C tools (set for its builds; under `cargo xtask test` a test's
    // plain cargo inherits them): that checkout builds its xtask as its own config says,
    // compiling and linking with one toolchain (zig's objects need zig's runtime to link).
    for var in crate::native::C_TOOL_VARS {
        cmd.env_remove(var);
    }
    Ok(cmd)
}
