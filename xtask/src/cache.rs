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
//! (the checkout's, then `$CARGO_HOME`'s): `local` (the default), `off`, or
//! `redis://host[:port][/db]`, a team's shared cache behind the local one (sccache's
//! multi-level chain: the disk first, then Redis, hits copied back to the disk). The server
//! cannot leave the sandbox's network, so it reaches Redis through a relay this process
//! runs on a Unix socket. A Redis that cannot be reached costs one warning: the build goes
//! on with the local cache.

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
    /// The local cache, then a shared Redis at this `host:port`.
    Redis(Redis),
}

/// A shared Redis cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redis {
    pub addr: String,
    pub db: Option<u32>,
    pub user: Option<String>,
    pub password: Option<String>,
}

impl Setting {
    /// As the manifest records it (no address: that is the machine's, not the build's).
    pub fn label(&self) -> &'static str {
        match self {
            Setting::Off => "off",
            Setting::Local => "local",
            Setting::Redis(_) => "local+redis",
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
        let value = value.trim();
        match value {
            "" | "local" => return Ok(Setting::Local),
            "off" => return Ok(Setting::Off),
            _ => {}
        }
        let Some(rest) = value.strip_prefix("redis://") else {
            bail!(
                "{VAR} = {value:?} is not a cache setting: use `local`, `off` or \
                 `redis://host[:port][/db]`"
            );
        };
        let (auth, rest) = match rest.rsplit_once('@') {
            Some((a, r)) => (Some(a), r),
            None => (None, rest),
        };
        let (hostport, db) = match rest.split_once('/') {
            Some((h, "")) => (h, None),
            Some((h, d)) => (
                h,
                Some(d.parse::<u32>().map_err(|_| {
                    anyhow::anyhow!("{VAR} = {value:?}: the database `{d}` is not a number")
                })?),
            ),
            None => (rest, None),
        };
        if hostport.is_empty() {
            bail!("{VAR} = {value:?} names no host: `redis://host[:port][/db]`");
        }
        let addr = if hostport
            .rsplit_once(':')
            .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
        {
            hostport.to_owned()
        } else {
            format!("{hostport}:6379")
        };
        let (user, password) = match auth.map(|a| a.split_once(':').unwrap_or(("", a))) {
            Some((u, p)) => (
                (!u.is_empty()).then(|| u.to_owned()),
                (!p.is_empty()).then(|| p.to_owned()),
            ),
            None => (None, None),
        };
        Ok(Setting::Redis(Redis {
            addr,
            db,
            user,
            password,
        }))
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
    let mut setting = Setting::configured(project)?;
    if !wanted || setting == Setting::Off {
        return Ok(hermetic);
    }
    if let Setting::Redis(r) = &setting
        && let Err(e) = reachable(&r.addr)
    {
        eprintln!(
            "warning: the shared cache redis://{} cannot be reached ({e}); building with the local cache only",
            r.addr
        );
        setting = Setting::Local;
    }
    // A cache only saves time: when it cannot run, the build goes on without it.
    match local_dir().and_then(|dir| Server::start(project, pin, &hermetic, &dir, &setting)) {
        Ok(server) => Ok(hermetic.with_cache(server, setting)),
        Err(e) => {
            eprintln!("warning: building without the compilation cache: {e:#}");
            Ok(hermetic)
        }
    }
}

/// Whether a TCP connection to `addr` opens within a few seconds.
pub fn reachable(addr: &str) -> std::io::Result<()> {
    use std::net::ToSocketAddrs;
    let mut last = std::io::Error::other("the name resolves to no address");
    for a in addr.to_socket_addrs()? {
        match std::net::TcpStream::connect_timeout(&a, std::time::Duration::from_secs(3)) {
            Ok(_) => return Ok(()),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// A unique path in /tmp (a socket's path is at most 107 bytes).
fn socket_path(what: &str) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let path = Path::new("/tmp").join(format!(
        "keel-{what}-{}-{}.sock",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let _ = std::fs::remove_file(&path);
    path
}

/// Relays connections made to a Unix socket on to a TCP address, from outside the
/// sandbox's network: how the sandboxed server reaches a shared Redis.
#[derive(Debug)]
struct Relay {
    socket: PathBuf,
}

impl Relay {
    fn start(to: String) -> Result<Relay> {
        let socket = socket_path("redis");
        let listener = std::os::unix::net::UnixListener::bind(&socket)
            .with_context(|| format!("listening on {}", socket.display()))?;
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(inner) = conn else { return };
                let to = to.clone();
                std::thread::spawn(move || {
                    let Ok(outer) = std::net::TcpStream::connect(&to) else {
                        return; // the server sees the connection close: a cache error
                    };
                    let (Ok(mut inner_r), Ok(mut outer_w)) = (inner.try_clone(), outer.try_clone())
                    else {
                        return;
                    };
                    let up = std::thread::spawn(move || {
                        let _ = std::io::copy(&mut inner_r, &mut outer_w);
                        let _ = outer_w.shutdown(std::net::Shutdown::Write);
                    });
                    let (mut inner_w, mut outer_r) = (inner, outer);
                    let _ = std::io::copy(&mut outer_r, &mut inner_w);
                    let _ = inner_w.shutdown(std::net::Shutdown::Write);
                    let _ = up.join();
                });
            }
        });
        Ok(Relay { socket })
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.socket);
    }
}

/// A running sccache server for one build; stopped (its statistics kept) when dropped.
#[derive(Debug)]
pub struct Server {
    exe: PathBuf,
    socket: PathBuf,
    stats: PathBuf,
    /// Kept for as long as the server runs.
    _relay: Option<Relay>,
}

impl Server {
    /// Starts the server inside `hermetic`'s sandbox, caching in `dir` (and, for a shared
    /// setting, behind it).
    pub fn start(
        project: &Project,
        pin: &crate::toolchain::Pin,
        hermetic: &Hermetic,
        dir: &Path,
        setting: &Setting,
    ) -> Result<Server> {
        let exe = sccache(project, pin)?;
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the compilation cache {}", dir.display()))?;
        let mut shared: Vec<(&str, OsString)> = Vec::new();
        let relay = match setting {
            Setting::Redis(r) => {
                let relay = Relay::start(r.addr.clone())?;
                shared.push(("SCCACHE_MULTILEVEL_CHAIN", "disk,redis".into()));
                // A write the shared cache refuses never fails a build.
                shared.push(("SCCACHE_MULTILEVEL_WRITE_ERROR_POLICY", "ignore".into()));
                // opendal wants an authority before the socket's path.
                let mut endpoint = OsString::from("unix://localhost");
                endpoint.push(&relay.socket);
                shared.push(("SCCACHE_REDIS_ENDPOINT", endpoint));
                if let Some(db) = r.db {
                    shared.push(("SCCACHE_REDIS_DB", db.to_string().into()));
                }
                if let Some(u) = &r.user {
                    shared.push(("SCCACHE_REDIS_USERNAME", u.into()));
                }
                if let Some(p) = &r.password {
                    shared.push(("SCCACHE_REDIS_PASSWORD", p.into()));
                }
                Some(relay)
            }
            _ => None,
        };
        let server = Server {
            exe,
            socket: socket_path("sccache"),
            stats: stats_file(project),
            _relay: relay,
        };
        let log = project.state().join("sccache.log");
        let mut cmd = hermetic.tool(&server.exe, Purpose::Build);
        cmd.envs(server.client_env())
            .env("SCCACHE_DIR", dir)
            .env("SCCACHE_CACHE_SIZE", LOCAL_SIZE)
            // Stopped by this process, never by idling mid-build (a long link is idle).
            .env("SCCACHE_IDLE_TIMEOUT", "0")
            .env("SCCACHE_ERROR_LOG", &log)
            .envs(shared)
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
    match &setting {
        Setting::Redis(r) => {
            let state = match reachable(&r.addr) {
                Ok(()) => "reachable".to_owned(),
                Err(e) => format!("unreachable: {e}"),
            };
            println!(
                "setting:      local, then redis://{} ({state}) ({VAR})",
                r.addr
            );
        }
        other => println!("setting:      {} ({VAR})", other.label()),
    }
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
        let r = |v: &str| match Setting::parse(v).unwrap() {
            Setting::Redis(r) => r,
            other => panic!("{other:?}"),
        };
        assert_eq!(r("redis://cache.corp").addr, "cache.corp:6379");
        let full = r("redis://ci:s3cret@10.0.0.5:6380/2");
        assert_eq!(
            (
                full.addr.as_str(),
                full.db,
                full.user.as_deref(),
                full.password.as_deref()
            ),
            ("10.0.0.5:6380", Some(2), Some("ci"), Some("s3cret"))
        );
        assert_eq!(r("redis://:pw@h").password.as_deref(), Some("pw"));
        assert!(Setting::parse("redis:///0").is_err());
        assert!(
            Setting::parse("redis://h/x")
                .unwrap_err()
                .to_string()
                .contains("not a number")
        );
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
