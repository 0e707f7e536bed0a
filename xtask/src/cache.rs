//! The compilation cache: sccache, pinned in toolchain.toml (`[pin.native.sccache]`) and
//! fetched into the tool cache like zig, wraps rustc in `build` and `test`. Its local disk
//! cache is shared by every checkout on the machine. `dist`, `release` and `rebuild` never
//! use it: a cache entry cannot reach a release, and the manifest says whether a build used
//! one (`inputs.hermetic.cache`).
//!
//! One sccache server runs per build, started here inside the build's sandbox (so the
//! compilations it runs are isolated as cargo's are) and listening on a Unix socket of its
//! own; when the build ends it is asked for its statistics (kept for `cargo xtask cache
//! stats`) and stopped.
//!
//! Configuration: `KEEL_CACHE` in the environment, else in `[env]` of `.cargo/config.toml`
//! (the checkout's, then `$CARGO_HOME`'s): `local` (the default) or `off`.

use crate::hermetic::{Hermetic, Purpose};
use crate::project::Project;
use anyhow::{Context, Result, bail};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The variable (and `[env]` key) that chooses the cache.
pub const VAR: &str = "KEEL_CACHE";

/// Where the local cache lives, when not in the default place.
pub const DIR_VAR: &str = "KEEL_CACHE_DIR";

/// How large the local cache may grow before sccache evicts the oldest entries.
const LOCAL_SIZE: &str = "10G";

/// What a build caches in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    Off,
    Local,
}

impl Setting {
    /// As the manifest records it.
    pub fn label(&self) -> &'static str {
        match self {
            Setting::Off => "off",
            Setting::Local => "local",
        }
    }

    /// `KEEL_CACHE` from the environment, else from cargo's `[env]` configuration.
    pub fn configured(project: &Project) -> Result<Setting> {
        let (value, from) = match std::env::var(VAR) {
            Ok(v) => (v, format!("the environment's {VAR}")),
            Err(_) => match crate::deps::cargo_config::lookup(project, &["env", VAR])? {
                Some(found) => {
                    let v = match &found.value {
                        toml::Value::String(s) => s.clone(),
                        toml::Value::Table(t) => t
                            .get("value")
                            .and_then(|v| v.as_str())
                            .unwrap_or_default()
                            .to_owned(),
                        other => format!("{other:?}"),
                    };
                    (v, format!("[env] {VAR} in {}", found.file.display()))
                }
                None => return Ok(Setting::Local),
            },
        };
        Setting::parse(&value).with_context(|| format!("reading {from}"))
    }

    fn parse(value: &str) -> Result<Setting> {
        match value.trim() {
            "" | "local" => Ok(Setting::Local),
            "off" => Ok(Setting::Off),
            other => bail!("{VAR} = {other:?} is not a cache setting: use `local` or `off`"),
        }
    }
}

/// The local cache directory: `KEEL_CACHE_DIR`, else `compile-cache` beside the tool cache
/// (`~/.cache/keel/compile-cache`), shared by every checkout on the machine.
pub fn local_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os(DIR_VAR).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let tools = crate::native::toolcache::Cache::locate()?.root;
    Ok(tools
        .parent()
        .map(|p| p.join("compile-cache"))
        .unwrap_or_else(|| tools.join("compile-cache")))
}

/// Where the last build's statistics are kept.
pub fn stats_file(project: &Project) -> PathBuf {
    project.state().join("cache-stats.json")
}

/// The pinned sccache, fetched if need be.
pub fn sccache(project: &Project, pin: &crate::toolchain::Pin) -> Result<PathBuf> {
    let native = pin
        .native
        .as_ref()
        .context("toolchain.toml has no [pin.native]")?;
    let cache = crate::native::toolcache::Cache::locate()?;
    Ok(cache.ensure(project, native.tool("sccache")?)?.exe())
}

/// `hermetic` compiling through the cache when `wanted` and the configuration allow it.
pub fn attach(
    project: &Project,
    pin: &crate::toolchain::Pin,
    hermetic: Hermetic,
    wanted: bool,
) -> Result<Hermetic> {
    if !wanted || Setting::configured(project)? == Setting::Off {
        return Ok(hermetic);
    }
    let server = Server::start(project, pin, &hermetic, &local_dir()?)?;
    Ok(hermetic.with_cache(server, Setting::Local))
}

/// A running sccache server for one build; stopped (its statistics kept) when dropped.
#[derive(Debug)]
pub struct Server {
    exe: PathBuf,
    socket: PathBuf,
    stats: PathBuf,
}

impl Server {
    /// Starts the server inside `hermetic`'s sandbox, caching in `dir`.
    pub fn start(
        project: &Project,
        pin: &crate::toolchain::Pin,
        hermetic: &Hermetic,
        dir: &Path,
    ) -> Result<Server> {
        let exe = sccache(project, pin)?;
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the compilation cache {}", dir.display()))?;
        // A short path (a socket's path is at most 107 bytes), unique to this build.
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let socket = Path::new("/tmp").join(format!(
            "keel-sccache-{}-{}.sock",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let _ = std::fs::remove_file(&socket);
        let server = Server {
            exe,
            socket,
            stats: stats_file(project),
        };
        let log = project.state().join("sccache.log");
        let mut cmd = hermetic.tool(&server.exe, Purpose::Build);
        cmd.envs(server.client_env())
            .env("SCCACHE_DIR", dir)
            .env("SCCACHE_CACHE_SIZE", LOCAL_SIZE)
            // Stopped by this process, never by idling mid-build (a long link is idle).
            .env("SCCACHE_IDLE_TIMEOUT", "0")
            .env("SCCACHE_ERROR_LOG", &log)
            .arg("--start-server");
        let out = cmd
            .output()
            .with_context(|| format!("starting {}", server.exe.display()))?;
        if !out.status.success() {
            bail!(
                "the compilation cache's server did not start ({}): {}{}\n\
                 fix: build without it, `{VAR}=off cargo xtask build`; the log is {}",
                out.status,
                String::from_utf8_lossy(&out.stdout).trim(),
                String::from_utf8_lossy(&out.stderr).trim(),
                log.display()
            );
        }
        Ok(server)
    }

    /// What cargo's environment needs to compile through this server.
    pub fn client_env(&self) -> Vec<(String, OsString)> {
        vec![
            ("RUSTC_WRAPPER".into(), self.exe.clone().into_os_string()),
            (
                "SCCACHE_SERVER_UDS".into(),
                self.socket.clone().into_os_string(),
            ),
        ]
    }

    fn ask(&self, args: &[&str]) -> Option<std::process::Output> {
        std::process::Command::new(&self.exe)
            .env_clear()
            .env("SCCACHE_SERVER_UDS", &self.socket)
            .args(args)
            .output()
            .ok()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(out) = self.ask(&["--show-stats", "--stats-format", "json"])
            && out.status.success()
        {
            let _ = crate::files::write_atomic(&self.stats, &out.stdout);
        }
        let _ = self.ask(&["--stop-server"]);
        let _ = std::fs::remove_file(&self.socket);
    }
}

/// A build's statistics, as `--show-stats --stats-format json` gives them.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub requests: u64,
    pub hits: u64,
    pub misses: u64,
    pub not_cacheable: u64,
}

impl Stats {
    pub fn parse(json: &[u8]) -> Result<Stats> {
        let v: serde_json::Value = serde_json::from_slice(json).context("not sccache's JSON")?;
        let s = &v["stats"];
        let sum = |field: &str| -> u64 {
            s[field]["counts"]
                .as_object()
                .map(|m| m.values().filter_map(|c| c.as_u64()).sum())
                .unwrap_or(0)
        };
        Ok(Stats {
            requests: s["compile_requests"].as_u64().unwrap_or(0),
            hits: sum("cache_hits"),
            misses: sum("cache_misses"),
            not_cacheable: s["requests_not_cacheable"].as_u64().unwrap_or(0),
        })
    }
}

/// The size and number of files of a directory tree.
fn usage(dir: &Path) -> (u64, u64) {
    let mut total = (0, 0);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(e.path()),
                Ok(_) => {
                    total.0 += e.metadata().map(|m| m.len()).unwrap_or(0);
                    total.1 += 1;
                }
                Err(_) => {}
            }
        }
    }
    total
}

/// `cargo xtask cache stats`: the setting, the local cache's size, the last build's hits.
pub fn stats(project: &Project) -> Result<()> {
    let setting = Setting::configured(project)?;
    let dir = local_dir()?;
    let (bytes, files) = usage(&dir);
    println!("setting:      {} ({VAR})", setting.label());
    println!(
        "local cache:  {} ({:.1} MiB in {files} files)",
        dir.display(),
        bytes as f64 / 1048576.0
    );
    match std::fs::read(stats_file(project)) {
        Ok(json) => {
            let s = Stats::parse(&json)?;
            println!(
                "last build:   {} compilations asked, {} hits, {} misses, {} not cacheable",
                s.requests, s.hits, s.misses, s.not_cacheable
            );
        }
        Err(_) => println!("last build:   none in this checkout used the cache"),
    }
    Ok(())
}

/// `cargo xtask cache clear`: empties the local cache.
pub fn clear(project: &Project) -> Result<()> {
    let dir = local_dir()?;
    let (bytes, files) = usage(&dir);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    let _ = std::fs::remove_file(stats_file(project));
    println!(
        "cleared {} ({:.1} MiB in {files} files)",
        dir.display(),
        bytes as f64 / 1048576.0
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{Setting, Stats};

    #[test]
    fn settings_are_read_and_bad_ones_named() {
        assert_eq!(Setting::parse("local").unwrap(), Setting::Local);
        assert_eq!(Setting::parse(" off ").unwrap(), Setting::Off);
        assert_eq!(Setting::parse("").unwrap(), Setting::Local);
        let e = Setting::parse("redsi://x").unwrap_err().to_string();
        assert!(e.contains("\"redsi://x\" is not a cache setting"), "{e}");
    }

    #[test]
    fn statistics_sum_the_counts_per_language() {
        let json = br#"{"stats":{"compile_requests":7,"requests_not_cacheable":1,
            "cache_hits":{"counts":{"Rust":4,"C/C++":1}},"cache_misses":{"counts":{"Rust":1}}}}"#;
        assert_eq!(
            Stats::parse(json).unwrap(),
            Stats {
                requests: 7,
                hits: 5,
                misses: 1,
                not_cacheable: 1
            }
        );
    }
}
