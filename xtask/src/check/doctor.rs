//! `cargo xtask doctor`: checks the host, one line per check: `ok`, or exactly what to do.
//! Exits non-zero when a required check fails.

use crate::git;
use crate::process::{find_on_path, run_capture};
use crate::project::Project;
use crate::sandbox;
use crate::toolchain::{Active, Pin};
use crate::toolchain::{Runner, runner};
use anyhow::{Result, bail};
use std::process::Command;

enum Level {
    Ok,
    Warn,
    Fail,
}

struct Report {
    failures: usize,
}

impl Report {
    fn line(&mut self, level: Level, check: &str, text: impl AsRef<str>) {
        let tag = match level {
            Level::Ok => "ok  ",
            Level::Warn => "warn",
            Level::Fail => {
                self.failures += 1;
                "FAIL"
            }
        };
        println!(
            "{tag}  {check:<16} {}",
            text.as_ref().replace('\n', "\n                       ")
        );
    }
}

const REQUIRED_FREE_GIB: u64 = 5;

pub fn run(project: &Project) -> Result<()> {
    let mut r = Report { failures: 0 };
    let pin = match Pin::load(project) {
        Ok(pin) => {
            r.line(
                Level::Ok,
                "pin",
                format!("toolchain.toml pins rustc {} for {}", pin.release, pin.host),
            );
            Some(pin)
        }
        Err(e) => {
            r.line(Level::Fail, "pin", format!("{e:#}"));
            None
        }
    };
    if let Some(pin) = &pin {
        check_toolchain(project, pin, &mut r);
    }
    match git::version() {
        Err(_) => r.line(Level::Fail, "git", "git not found: install it (Debian: `apt-get install git`)"),
        Ok(v) => match git::head(project) {
            Ok(head) => r.line(Level::Ok, "git", format!("{}; HEAD {}", v.trim(), &head.commit[..12])),
            Err(_) => r.line(
                Level::Fail,
                "git",
                "no commit to build from: builds take SOURCE_DATE_EPOCH from HEAD; clone the repository or commit",
            ),
        },
    }
    if let Some(pin) = &pin {
        check_native(pin, &mut r);
    }
    match crate::process::find_on_path("diffoscope") {
        Some(_) => r.line(Level::Ok, "diffoscope", "installed: `rebuild` explains differences with it"),
        None => r.line(
            Level::Warn,
            "diffoscope",
            "not installed (optional): `rebuild` then names only the first differing byte. Debian: `apt-get install diffoscope`",
        ),
    }
    check_disk(project, &mut r);
    match sandbox::probe() {
        Ok(()) => r.line(
            Level::Ok,
            "sandbox",
            format!(
                "builds run in fresh network and mount namespaces, the checkout at {}",
                sandbox::FIXED_ROOT
            ),
        ),
        Err(e) => r.line(
            Level::Fail,
            "sandbox",
            format!(
                "cannot create the sandbox's namespaces ({e}): {}",
                sandbox::HELP
            ),
        ),
    }
    check_cache(project, pin.as_ref(), &mut r);
    if let Some(pin) = &pin {
        match runner(pin) {
            Runner::Nextest(p) => r.line(
                Level::Ok,
                "cargo-nextest",
                format!("{} runs the tests", p.display()),
            ),
            Runner::CargoTest(why) => r.line(
                Level::Warn,
                "cargo-nextest",
                format!("tests fall back to `cargo test`: {why}"),
            ),
        }
        if let Some(v) = pin.tools.get("cargo-vendor-filterer") {
            let installed = project
                .state()
                .join("tools/bin/cargo-vendor-filterer")
                .is_file()
                || find_on_path("cargo-vendor-filterer").is_some();
            let text = if installed {
                format!("available for `cargo xtask vendor` (pinned {v})")
            } else {
                format!(
                    "not installed; only `cargo xtask vendor` needs it and installs {v} itself (network)"
                )
            };
            r.line(Level::Ok, "vendor tool", text);
        }
    }
    if r.failures > 0 {
        bail!(
            "{} check{} failed; fix them as shown above",
            r.failures,
            if r.failures == 1 { "" } else { "s" }
        );
    }
    println!("all required checks pass: `cargo xtask build` will work here");
    Ok(())
}

fn check_toolchain(project: &Project, pin: &Pin, r: &mut Report) {
    // Installed? Ask rustup for the pinned toolchain itself, whatever is active.
    // Asking must not install: rustup would otherwise fetch a missing toolchain here.
    let installed = run_capture(
        Command::new("rustup")
            .env("RUSTUP_AUTO_INSTALL", "0")
            .args(["run", &pin.channel, "rustc", "-vV"]),
    );
    match &installed {
        Ok(vv) if vv.contains(&pin.commit_hash) => {
            r.line(Level::Ok, "toolchain", format!("{} installed", pin.channel));
            match run_capture(Command::new("rustup").args([
                "component",
                "list",
                "--installed",
                "--toolchain",
                &pin.channel,
            ])) {
                Ok(list) => {
                    let missing: Vec<&String> = pin
                        .components
                        .iter()
                        .filter(|c| !list.lines().any(|l| l.starts_with(c.as_str())))
                        .collect();
                    if missing.is_empty() {
                        r.line(Level::Ok, "components", pin.components.join(", "));
                    } else {
                        let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
                        r.line(
                            Level::Fail,
                            "components",
                            format!(
                                "missing {}: `rustup component add {} --toolchain {}`",
                                names.join(", "),
                                names.join(" "),
                                pin.channel
                            ),
                        );
                    }
                }
                Err(e) => r.line(
                    Level::Warn,
                    "components",
                    format!("could not list components: {e:#}"),
                ),
            }
        }
        Ok(_) => r.line(
            Level::Fail,
            "toolchain",
            format!(
                "{} is installed but is not commit {}: reinstall with `{}`",
                pin.channel,
                pin.commit_hash,
                pin.install_hint()
            ),
        ),
        Err(_) if find_on_path("rustup").is_none() => r.line(
            Level::Warn,
            "toolchain",
            "rustup not found; relying on the active rustc matching the pin",
        ),
        Err(_) => r.line(
            Level::Fail,
            "toolchain",
            format!("{} is not installed: `{}`", pin.channel, pin.install_hint()),
        ),
    }
    match Active::detect(project).and_then(|a| a.check(pin).map(|_| a)) {
        Ok(a) => r.line(
            Level::Ok,
            "active",
            format!(
                "{} is the pinned one",
                a.version_verbose.lines().next().unwrap_or("")
            ),
        ),
        Err(e) => r.line(Level::Fail, "active", format!("{e:#}")),
    }
}

/// The pinned native tools: in the tool cache and intact, or where they will come from. Not
/// fetched here: doctor only looks.
fn check_native(pin: &Pin, r: &mut Report) {
    let Some(native) = &pin.native else {
        return r.line(
            Level::Fail,
            "native",
            "toolchain.toml pins no [pin.native] tools",
        );
    };
    let cache = match crate::native::toolcache::Cache::locate() {
        Ok(c) => c,
        Err(e) => return r.line(Level::Fail, "native", format!("{e:#}")),
    };
    for tool in native.tools.values() {
        let what = crate::native::toolcache::describe(tool);
        match cache.lookup(tool) {
            Ok(Some(_)) => r.line(
                Level::Ok,
                "native",
                format!("{what}: in the tool cache {}, intact; glibc floor {}", cache.root.display(), native.glibc),
            ),
            Ok(None) => r.line(
                Level::Warn,
                "native",
                format!("{what}: not cached yet; the first build fetches it (PyPI or ${}), or run `cargo xtask tools fetch`", crate::native::toolcache::REGISTRY_VAR),
            ),
            Err(e) => r.line(Level::Fail, "native", format!("{e:#}")),
        }
    }
}

fn check_disk(project: &Project, r: &mut Report) {
    let Ok(path) = std::ffi::CString::new(project.root.as_os_str().as_encoded_bytes()) else {
        return r.line(Level::Warn, "disk", "cannot query free space for this path");
    };
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: valid C string and a properly sized out-parameter.
    if unsafe { libc::statvfs(path.as_ptr(), &mut st) } != 0 {
        return r.line(
            Level::Warn,
            "disk",
            format!("statvfs failed: {}", std::io::Error::last_os_error()),
        );
    }
    let free_gib = st.f_bavail as u64 * st.f_frsize as u64 / (1 << 30);
    if free_gib >= REQUIRED_FREE_GIB {
        r.line(Level::Ok, "disk", format!("{free_gib} GiB free"));
    } else {
        r.line(
            Level::Fail,
            "disk",
            format!("only {free_gib} GiB free; a full build needs about {REQUIRED_FREE_GIB} GiB: free space or `cargo clean`"),
        );
    }
}

/// The compilation cache: its setting, the pinned sccache (cached or fetchable), the local
/// cache's place. A cache only saves time, so nothing here fails the host.
fn check_cache(project: &Project, pin: Option<&crate::toolchain::Pin>, r: &mut Report) {
    use crate::cache::{Setting, local_dir};
    let setting = match Setting::configured(project) {
        Ok(s) => s,
        Err(e) => return r.line(Level::Warn, "cache", format!("{e:#}")),
    };
    if setting == Setting::Off {
        return r.line(
            Level::Ok,
            "cache",
            "off (KEEL_CACHE=off): builds compile everything",
        );
    }
    let cached = pin
        .and_then(|p| p.native.as_ref())
        .and_then(|n| n.tool("sccache").ok())
        .map(|tool| {
            crate::native::toolcache::Cache::locate()
                .and_then(|c| c.lookup(tool))
                .map(|found| found.is_some())
                .unwrap_or(false)
        });
    let mut dir = local_dir()
        .map(|d| d.display().to_string())
        .unwrap_or_default();
    if let Setting::Redis(redis) = &setting {
        match crate::cache::reachable(&redis.addr) {
            Ok(()) => dir.push_str(&format!(", then redis://{} (reachable)", redis.addr)),
            Err(e) => {
                return r.line(
                    Level::Warn,
                    "cache",
                    format!(
                        "the shared cache redis://{} cannot be reached ({e}): builds use the local cache only",
                        redis.addr
                    ),
                );
            }
        }
    }
    match cached {
        Some(true) => r.line(Level::Ok, "cache", format!("local, in {dir} (sccache cached)")),
        Some(false) => r.line(
            Level::Warn,
            "cache",
            format!("local, in {dir}; sccache is not in the tool cache yet: the first build fetches it (`cargo xtask tools fetch`)"),
        ),
        None => r.line(
            Level::Warn,
            "cache",
            "toolchain.toml pins no sccache ([pin.native.sccache]): builds compile everything",
        ),
    }
}
