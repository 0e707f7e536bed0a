//! `cargo xtask bench <suite>`: measured, never asserted. Each suite compares against a
//! baseline measured in the same run and prints, as its LAST line, one JSON object
//! `{"suite","metric","value","unit","baseline","ratio"}`.

use crate::project::Project;
use anyhow::{Context, Result, bail};
use serde_json::json;
use std::process::Command;
use std::time::Instant;

/// Every suite and what it measures: the dispatcher's list and `bench --help` alike.
pub const SUITES: [(&str, &str); 8] = [
    (
        "build-overhead",
        "no-op `cargo xtask build --release` against no-op raw `cargo build --release --offline \
         --locked`, and xtask's compile time from clean",
    ),
    (
        "native",
        "cold `cargo xtask build` and `dist` with the pinned native tools against the commit \
         before them (host cc and objcopy), each in a fresh clone; first-use fetching apart",
    ),
    (
        "cold-start",
        "fresh clones at new paths: cold `build` and `build --release` with no cache, against the same with the cache warmed by another clone at another path, \
         local and through a shared Redis (Debian's, started by the bench)",
    ),
    (
        "rebuild",
        "`cargo xtask rebuild <tag>` of HEAD (released in a scratch clone) against a cold \
         `cargo xtask build --release` of the same commit in a fresh clone",
    ),
    (
        "tracker",
        "keel-tracker: added latency per request (8 threads) against direct calls, requests/s \
         through it with a no-op channel, time to re-find the primary after a failover",
    ),
    (
        "registry",
        "keel-registry: sparse-index GETs/s against nginx serving the same files (nginx must be \
         installed), publish latency against the durable writes alone, and the web UI's pages \
         on 10,000 crates against an index file",
    ),
    (
        "replication",
        "three keel-kv replicas against a three-member etcd (etcd-server must be installed), \
         fsync on, the same put load: committed puts/s, p50/p99, failover, 1 GiB catch-up",
    ),
    (
        "ringmaster",
        "three keel-ringmaster servers against a three-member ZooKeeper ensemble (zookeeper must \
         be installed), the same create/set/get load: ops/s and p99, 1M-node start-to-ready",
    ),
];

/// The suites' names, for the command line's value parser.
pub fn suite_names() -> Vec<&'static str> {
    SUITES.iter().map(|(n, _)| *n).collect()
}

/// `bench --help`'s list of suites.
pub fn suites_help() -> String {
    let mut text = String::from("Suites:\n");
    for (name, what) in SUITES {
        text.push_str(&format!("  {name:<15} {what}\n"));
    }
    text.push_str(
        "The last line printed is one JSON object: suite, metric, value, unit, baseline, ratio.",
    );
    text
}

pub fn run(project: &Project, suite: &str, runs: usize) -> Result<()> {
    match suite {
        "build-overhead" => build_overhead(project, runs.max(1)),
        "rebuild" => rebuild_vs_cold_build(project),
        "cold-start" => cold_start(project),
        "native" => native_vs_host_toolchain(project),
        "tracker" => example(project, "keel-tracker", "tracker-bench", &[]),
        "registry" => {
            let nginx = system_program(
                "nginx",
                "the registry benchmark compares against nginx",
                "nginx-light",
            )?;
            example(
                project,
                "keel-registry",
                "registry-bench",
                &["--nginx".into(), nginx.display().to_string()],
            )
        }
        "replication" => {
            let etcd = system_program(
                "etcd",
                "the replication benchmark compares against etcd",
                "etcd-server",
            )?;
            example(
                project,
                "keel-kv",
                "replication-bench",
                &["--etcd".into(), etcd.display().to_string()],
            )
        }
        "ringmaster" => {
            let why = "the ringmaster benchmark compares against Apache ZooKeeper";
            system_program("java", why, "default-jre-headless")?;
            // Debian's ZooKeeper, unpacked into the tool cache as the tests get it.
            let cache = crate::native::toolcache::Cache::locate()?;
            let zookeeper = crate::build::test_tools::zookeeper(&cache.root.join("zookeeper"))
                .with_context(|| format!("{why}: fetching Debian's zookeeper"))?;
            example(
                project,
                "keel-ringmaster",
                "ringmaster-bench",
                &["--zookeeper".into(), zookeeper.display().to_string()],
            )
        }
        other => bail!(
            "unknown bench suite {other:?}; available: {}",
            suite_names().join(", ")
        ),
    }
}

/// A baseline's server program, from PATH or the system's sbin directories.
fn system_program(name: &str, why: &str, package: &str) -> Result<std::path::PathBuf> {
    crate::process::find_on_path(name)
        .or_else(|| {
            ["/usr/sbin", "/sbin", "/usr/bin"]
                .iter()
                .map(|d| std::path::Path::new(d).join(name))
                .find(|p| p.is_file())
        })
        .with_context(|| {
            format!("{why}, which is not installed: `apt-get install {package}` (Debian)")
        })
}

/// Wall time of one run, in seconds; a failing run is an error showing its output.
fn time(mut cmd: Command) -> Result<f64> {
    let start = Instant::now();
    let out = cmd.output().with_context(|| format!("starting {cmd:?}"))?;
    let secs = start.elapsed().as_secs_f64();
    if !out.status.success() {
        bail!(
            "{cmd:?} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(secs)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

fn build_overhead(project: &Project, runs: usize) -> Result<()> {
    let xtask = ["xtask", "build", "--release"];
    let raw = ["build", "--release", "--offline", "--locked"];

    // xtask's compile time from clean, in a scratch target directory.
    let scratch = project.state().join("bench-xtask-cold");
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch)?;
    }
    let scratch_str = scratch.to_string_lossy().into_owned();
    println!("compiling xtask from clean ...");
    let cold = time(crate::hermetic::as_user(
        project,
        &[
            "build",
            "--offline",
            "--locked",
            "--manifest-path",
            "xtask/Cargo.toml",
            "--target-dir",
            &scratch_str,
        ],
    ))?;
    std::fs::remove_dir_all(&scratch)?;
    println!("  xtask cold compile: {cold:.2} s (target: under 30 s)");

    println!("warming both builds ...");
    time(crate::hermetic::as_user(project, &xtask))?;
    time(crate::hermetic::as_user(project, &raw))?;
    let (mut with_xtask, mut plain) = (Vec::new(), Vec::new());
    for i in 0..runs {
        // Interleaved, so drift on the machine affects both alike.
        with_xtask.push(time(crate::hermetic::as_user(project, &xtask))?);
        plain.push(time(crate::hermetic::as_user(project, &raw))?);
        println!(
            "  run {}: cargo xtask build --release {:.1} ms, cargo build --release {:.1} ms",
            i + 1,
            with_xtask[i] * 1e3,
            plain[i] * 1e3
        );
    }
    let (x, p) = (median(with_xtask) * 1e3, median(plain) * 1e3);
    println!(
        "no-op build, median of {runs}: xtask {x:.1} ms vs raw cargo {p:.1} ms: {:.2}x (target: under 2x)",
        x / p
    );
    let line = |metric: &str, value: f64, unit: &str, baseline: f64| {
        json!({"suite": "build-overhead", "metric": metric, "value": round(value), "unit": unit,
               "baseline": round(baseline), "ratio": round(value / baseline)})
    };
    // The cold compile has no same-run baseline but the budget; the last line is the
    // no-op comparison measured here.
    println!(
        "{}",
        line("xtask_cold_compile_vs_30s_budget", cold, "s", 30.0)
    );
    println!("{}", line("noop_release_build", x, "ms", p));
    Ok(())
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Fresh clones of HEAD, each at a new path, each running what a new developer or build
/// agent runs first: `cargo xtask build`, then `build --release` (xtask's own compile
/// included in the first, as a fresh clone pays it). Without the cache (the baseline); with a
/// local cache another clone at another path warmed (through Redis too, so it warms both);
/// and with an empty local cache and that Redis: a second machine.
fn cold_start(project: &Project) -> Result<()> {
    let head = crate::git::head(project)?.commit;
    let pin = crate::toolchain::Pin::load(project)?;
    let cache = crate::native::toolcache::Cache::locate()?;
    let redis = crate::build::test_tools::redis(&cache.root.join("redis"))
        .context("the cold-start benchmark's shared cache: fetching Debian's redis-server")?;
    let work = crate::files::TempDir::new("bench-cold-start")?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut server = Command::new(&redis)
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
        ])
        .args(["--appendonly", "no", "--dir"])
        .arg(work.path())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .context("starting redis-server")?;
    let ready = std::io::BufRead::lines(std::io::BufReader::new(
        server.stdout.take().expect("piped"),
    ))
    .map_while(Result::ok)
    .any(|l| l.contains("Ready to accept connections"));
    if !ready {
        bail!("redis-server stopped before it was ready");
    }
    let url = format!("redis://127.0.0.1:{port}");
    let steps: [(&str, &[&str]); 2] = [
        ("build", &["xtask", "build"]),
        ("build --release", &["xtask", "build", "--release"]),
    ];
    let mut n = 0;
    let mut clone = |what: &str, cache: &str, local: &std::path::Path| -> Result<Vec<f64>> {
        n += 1;
        let dir = work.path().join(format!("clone {n} at its own path/keel"));
        crate::git::clone_at(project, &head, &dir)?;
        println!("{what}: a fresh clone at {} ...", dir.display());
        let mut times = Vec::new();
        for (name, args) in steps {
            let mut cmd = crate::hermetic::other_checkout(&pin, "HEAD")?;
            cmd.current_dir(&dir)
                .args(args)
                .env(crate::cache::VAR, cache)
                .env(crate::cache::DIR_VAR, local);
            let t = time(cmd)?;
            println!("  {name}: {t:.1} s");
            times.push(t);
        }
        Ok(times)
    };
    let result = (|| -> Result<_> {
        let none = work.path().join("no-cache");
        let warmed = work.path().join("local-cache");
        let empty = work.path().join("second-machine-cache");
        let cold = clone("baseline, no cache", "off", &none)?;
        let warming = clone("warming the local cache and Redis", &url, &warmed)?;
        let local = clone("measured, local cache warm", "local", &warmed)?;
        let shared = clone("measured, Redis warm, local cache empty", &url, &empty)?;
        Ok((cold, warming, local, shared))
    })();
    let _ = server.kill();
    let _ = server.wait();
    let (cold, warming, local, shared) = result?;
    println!("step             no cache   warming   local warm   Redis warm");
    for (i, (name, _)) in steps.iter().enumerate() {
        println!(
            "{name:<16} {:>7.1} s {:>7.1} s {:>9.1} s {:>9.1} s   ({:.2}x, {:.2}x)",
            cold[i],
            warming[i],
            local[i],
            shared[i],
            cold[i] / local[i],
            cold[i] / shared[i]
        );
    }
    for (times, cache) in [(&shared, "redis"), (&local, "local")] {
        for (i, profile) in ["debug", "release"].iter().enumerate() {
            println!(
                "{}",
                json!({"suite": "cold-start", "metric": format!("{profile}_build_speedup_{cache}"),
                       "value": round(times[i]), "unit": "s", "baseline": round(cold[i]),
                       "ratio": round(cold[i] / times[i])})
            );
        }
    }
    let (c, l): (f64, f64) = (cold.iter().sum(), local.iter().sum());
    println!(
        "{}",
        json!({"suite": "cold-start", "metric": "cold_start_all_steps_local", "value": round(l),
               "unit": "s", "baseline": round(c), "ratio": round(c / l)})
    );
    Ok(())
}

/// `cargo xtask rebuild <tag>` against a plain cold `cargo xtask build --release` of the same
/// commit in a fresh clone. HEAD is released (with `--no-publish`) in a temporary clone, so
/// the tag exists only there. Both sides start cold: a fresh clone compiles xtask too.
fn rebuild_vs_cold_build(project: &Project) -> Result<()> {
    let head = crate::git::head(project)?;
    let version = crate::build::session::workspace_version(project)?;
    let tag = crate::git::tag_name(&version);
    let pin = crate::toolchain::Pin::load(project)?;
    let work = crate::files::TempDir::new("bench-rebuild")?;
    let cargo = |dir: &std::path::Path, args: &[&str]| -> Result<Command> {
        let mut cmd = crate::hermetic::other_checkout(&pin, "HEAD")?;
        cmd.current_dir(dir).args(args);
        Ok(cmd)
    };
    let git = |dir: &std::path::Path, args: &[&str]| -> Result<()> {
        let clone = Project {
            root: dir.to_path_buf(),
        };
        crate::git::run(&clone, args).map(drop)
    };

    let released = work.path().join("released");
    crate::git::clone_at(project, &head.commit, &released)?;
    let _ = git(&released, &["tag", "-d", &tag]); // a clone carries the real tag, if any
    git(&released, &["config", "user.name", "Keel bench"])?;
    git(&released, &["config", "user.email", "bench@keel.invalid"])?;
    println!(
        "releasing {version} ({}) in a scratch clone ...",
        head.commit
    );
    time(cargo(
        &released,
        &["xtask", "release", &version, "--no-publish"],
    )?)?;

    let plain = work.path().join("plain");
    crate::git::clone_at(project, &head.commit, &plain)?;
    println!("baseline: cold `cargo xtask build --release` in a fresh clone ...");
    let cold = time(cargo(&plain, &["xtask", "build", "--release"])?)?;
    println!("  {cold:.1} s");
    println!("measured: `cargo xtask rebuild {tag}` ...");
    let rebuild = time(cargo(&released, &["xtask", "rebuild", &tag])?)?;
    println!(
        "  {rebuild:.1} s: {:.2}x the cold release build",
        rebuild / cold
    );
    println!(
        "{}",
        json!({"suite": "rebuild", "metric": "rebuild_vs_cold_release_build", "value": round(rebuild),
               "unit": "s", "baseline": round(cold), "ratio": round(rebuild / cold)})
    );
    Ok(())
}

/// Cold `cargo xtask build` and `cargo xtask dist` of HEAD (pinned native tools: zig links,
/// rust-objcopy splits) against the same of the commit before `[pin.native]` existed (the
/// host's cc and objcopy), each in a fresh clone, in this run. The tools are already cached;
/// their first-use cost (fetching into an empty cache) is measured apart.
fn native_vs_host_toolchain(project: &Project) -> Result<()> {
    let git_out =
        |args: &[&str]| -> Result<String> { Ok(crate::git::run(project, args)?.trim().to_owned()) };
    let head = crate::git::head(project)?.commit;
    let pinned_at = git_out(&[
        "log",
        "-1",
        "--format=%H",
        "-S[pin.native]",
        "--",
        "toolchain.toml",
    ])?;
    if pinned_at.is_empty() {
        bail!("no commit added [pin.native] to toolchain.toml: nothing to compare with");
    }
    let base = git_out(&["rev-parse", &format!("{pinned_at}^")])?;
    let pin = crate::toolchain::Pin::load(project)?;
    let work = crate::files::TempDir::new("bench-native")?;

    {
        let cache = work.path().join("empty-tool-cache");
        let mut cmd = crate::hermetic::other_checkout(&pin, "HEAD")?;
        cmd.current_dir(&project.root)
            .args(["xtask", "tools", "fetch"])
            .env(crate::native::toolcache::CACHE_VAR, &cache);
        println!("first use: fetching the pinned tools into an empty cache ...");
        let t = time(cmd);
        let size: u64 = pin
            .native
            .iter()
            .flat_map(|n| n.tools.values())
            .filter_map(|t| {
                let archive = cache
                    .join("sha256")
                    .join(&t.sha256)
                    .join("archive")
                    .join(&t.file);
                std::fs::metadata(archive).ok().map(|m| m.len())
            })
            .sum();
        match t {
            Ok(secs) => println!(
                "  {secs:.1} s, {:.1} MiB downloaded",
                size as f64 / 1048576.0
            ),
            Err(e) => println!("  not measured: {e:#}"),
        }
    }

    let mut results = Vec::new();
    for (label, rev) in [("host tools (before)", &base), ("pinned native", &head)] {
        let dir = work.path().join(if rev == &head { "head" } else { "base" });
        crate::git::clone_at(project, rev, &dir)?;
        let cargo = |args: &[&str]| -> Result<Command> {
            let mut cmd = crate::hermetic::other_checkout(&pin, rev)?;
            cmd.current_dir(&dir).args(args);
            Ok(cmd)
        };
        println!("{label} ({}): cold `cargo xtask build` ...", &rev[..12]);
        let build = time(cargo(&["xtask", "build"])?)?;
        println!("  {build:.1} s; cold `cargo xtask dist` ...");
        let dist = time(cargo(&["xtask", "dist"])?)?;
        println!("  {dist:.1} s");
        results.push((build, dist));
    }
    let ((b0, d0), (b1, d1)) = (results[0], results[1]);
    println!(
        "cold build {b1:.1} s vs {b0:.1} s: {:.3}x; cold dist {d1:.1} s vs {d0:.1} s: {:.3}x (target: at most 1.15x)",
        b1 / b0,
        d1 / d0
    );
    println!(
        "{}",
        json!({"suite": "native", "metric": "cold_build_pinned_vs_host_tools", "value": round(b1),
               "unit": "s", "baseline": round(b0), "ratio": round(b1 / b0)})
    );
    println!(
        "{}",
        json!({"suite": "native", "metric": "cold_dist_pinned_vs_host_tools", "value": round(d1),
               "unit": "s", "baseline": round(d0), "ratio": round(d1 / d0)})
    );
    Ok(())
}

/// A benchmark that lives with its crate, as an example program: built and run in release
/// through the hermetic cargo, its output (JSON last line included) passed through.
fn example(project: &Project, package: &str, name: &str, args: &[String]) -> Result<()> {
    let status = crate::build::session::run_target(project, package, ["--example", name], args)?;
    if !status.success() {
        bail!("the {name} benchmark failed ({status}); its output is above");
    }
    Ok(())
}
