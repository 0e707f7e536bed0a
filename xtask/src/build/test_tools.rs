//! Stock tools that tests check Keel's output with, fetched by `cargo xtask test` before the
//! tests run in their network sandbox, through the registries' own clients, into the tool
//! cache, nothing installed: Debian's `minisign` (Keel's signatures must verify with it),
//! `python3-jsonschema` (the SBOMs must validate), elfutils' `debuginfod-find` (the
//! registry must serve what debuggers ask for) and `python3-kazoo` (ringmaster must serve
//! ZooKeeper's clients), with apt-get; the CycloneDX 1.5 JSON schema,
//! from the CycloneDX library's wheel on PyPI, pinned by sha256; and cargo-auditable's own
//! reader of embedded dependency lists, `rust-audit-info`, with `cargo install --locked` at a
//! pinned version; Debian's `chromium` (the registry's web UI is tested in a real
//! browser) and `zookeeper` (zkCli against ringmaster, and the ensemble the ringmaster
//! benchmark compares with), unpacked with whatever of their dependencies this host lacks.
//! Each reaches the tests as an
//! environment variable; a tool that cannot be fetched is left out with a note, and the test
//! that needs it says so.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The unpacked Debian packages (usr/bin/minisign, usr/bin/debuginfod-find,
/// usr/lib/python3/dist-packages/jsonschema).
pub const DEBIAN_VAR: &str = "KEEL_TEST_DEBIAN_ROOT";
/// A directory holding bom-1.5.SNAPSHOT.schema.json and the schemas it refers to.
pub const CYCLONEDX_VAR: &str = "KEEL_TEST_CYCLONEDX_SCHEMA";
/// The `rust-audit-info` executable.
pub const AUDIT_INFO_VAR: &str = "KEEL_TEST_RUST_AUDIT_INFO";
const AUDIT_INFO: (&str, &str) = ("rust-audit-info", "0.5.4");
/// An executable that runs headless-capable Debian chromium.
pub const CHROMIUM_VAR: &str = "KEEL_TEST_CHROMIUM";
/// An executable that runs a Java class with Debian's ZooKeeper on the class path
/// (`run-zookeeper org.apache.zookeeper.ZooKeeperMain -server HOST:PORT ls /`).
pub const ZOOKEEPER_VAR: &str = "KEEL_TEST_ZOOKEEPER";
/// A script running Debian's `redis-server` (the shared compilation cache's tests).
pub const REDIS_VAR: &str = "KEEL_TEST_REDIS";

const DEBIAN_PACKAGES: &[&str] = &[
    "debuginfod",
    "libdebuginfod1",
    "minisign",
    "python3-jsonschema",
    "python3-attr",
    "python3-pyrsistent",
    "python3-kazoo",
    "python3-six",
    "python3-pure-sasl",
];
const CYCLONEDX_WHEEL: (&str, &str) = (
    "cyclonedx-python-lib==8.9.0",
    "017b95b334aa83b2d0db8af9764e13a46f0e903bd30a57d93d08dcd302c84032",
);
const SCHEMA_DIR: &str = "cyclonedx/schema/_res";
const SCHEMAS: &[&str] = &[
    "bom-1.5.SNAPSHOT.schema.json",
    "spdx.SNAPSHOT.schema.json",
    "jsf-0.82.SNAPSHOT.schema.json",
];

/// The variables to give the tests.
pub fn fetch() -> Vec<(&'static str, PathBuf)> {
    let Ok(cache) = crate::native::toolcache::Cache::locate() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut attempt = |var, what: &str, r: Result<PathBuf>| match r {
        Ok(p) => out.push((var, p)),
        Err(e) => println!(
            "note: could not fetch {what} for the tests ({e:#}); the tests that need it will say so"
        ),
    };
    attempt(
        DEBIAN_VAR,
        "Debian's minisign and python3-jsonschema",
        debian(&cache.root.join("debian-test-tools")),
    );
    attempt(
        CYCLONEDX_VAR,
        "the CycloneDX schema",
        cyclonedx(&cache.root.join("cyclonedx-schema")),
    );
    attempt(
        CHROMIUM_VAR,
        "Debian's chromium",
        // `-2`: the script now also puts libpulse's private directory on the path.
        chromium(&cache.root.join("chromium-2")),
    );
    attempt(
        ZOOKEEPER_VAR,
        "Debian's zookeeper",
        zookeeper(&cache.root.join("zookeeper")),
    );
    attempt(
        REDIS_VAR,
        "Debian's redis-server",
        redis(&cache.root.join("redis")),
    );
    attempt(
        AUDIT_INFO_VAR,
        "rust-audit-info",
        audit_info(&cache.root.join("rust-audit-info")),
    );
    out
}

fn debian(root: &Path) -> Result<PathBuf> {
    let unpacked = root.join("root");
    let done = root.join("complete");
    if done.is_file() && std::fs::read_to_string(&done)? == DEBIAN_PACKAGES.join(" ") {
        return Ok(unpacked);
    }
    let _ = std::fs::remove_dir_all(root);
    download_unpack(DEBIAN_PACKAGES, &root.join("debs"), &unpacked)?;
    std::fs::write(&done, DEBIAN_PACKAGES.join(" "))?;
    Ok(unpacked)
}

/// `apt-get download` of `packages` into `debs`, each `dpkg -x`ed into `unpacked` (nothing
/// installed); `debs` is removed after.
fn download_unpack(packages: &[&str], debs: &Path, unpacked: &Path) -> Result<()> {
    std::fs::create_dir_all(debs)?;
    crate::process::run_capture(
        Command::new("apt-get")
            .arg("download")
            .args(packages)
            .current_dir(debs),
    )
    .context("apt-get download")?;
    for deb in std::fs::read_dir(debs)? {
        let deb = deb?.path();
        crate::process::run_capture(Command::new("dpkg").arg("-x").arg(&deb).arg(unpacked))
            .with_context(|| format!("dpkg -x {}", deb.display()))?;
    }
    let _ = std::fs::remove_dir_all(debs);
    Ok(())
}

/// The packages of `package`'s dependency closure this host does not have (what
/// `apt-get install --simulate` would install), minus those `skip` says the host provides
/// otherwise; downloaded and unpacked into `unpacked`.
fn unpack_missing(
    package: &str,
    debs: &Path,
    unpacked: &Path,
    skip: impl Fn(&str) -> bool,
) -> Result<usize> {
    let plan = crate::process::run_capture(Command::new("apt-get").args([
        "install",
        "--simulate",
        "--no-install-recommends",
        package,
    ]))
    .with_context(|| format!("apt-get install --simulate {package}"))?;
    let missing: Vec<&str> = plan
        .lines()
        .filter_map(|l| l.strip_prefix("Inst "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|p| !skip(p))
        .collect();
    if missing.is_empty() {
        return Ok(0);
    }
    download_unpack(&missing, debs, unpacked)?;
    Ok(missing.len())
}

/// Writes `script` as the executable `path`, atomically.
fn write_script(path: &Path, script: &str) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, script)?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755))?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// A script running chromium: the host's, or Debian's unpacked with the packages of its
/// dependency closure this host does not have.
fn chromium(root: &Path) -> Result<PathBuf> {
    runner(
        root,
        "chromium",
        "usr/lib/chromium/chromium",
        // libpulse finds libpulsecommon through a RUNPATH naming the host's /usr.
        &[
            "usr/lib/x86_64-linux-gnu",
            "usr/lib/x86_64-linux-gnu/pulseaudio",
            "usr/lib/chromium",
        ],
    )
}

/// A script running `redis-server`: the host's, or Debian's unpacked with the packages of
/// its dependency closure this host does not have.
pub fn redis(root: &Path) -> Result<PathBuf> {
    runner(
        root,
        "redis-server",
        "usr/bin/redis-server",
        &["usr/lib/x86_64-linux-gnu"],
    )
}

/// `root/run-<package>`, a script running `exe` (a path as the package installs it, less
/// the leading `/`): the host's when the host has the package and all it needs, else the one
/// unpacked under `root` with the missing packages, their `libs` on the library path.
fn runner(root: &Path, package: &str, exe: &str, libs: &[&str]) -> Result<PathBuf> {
    let run = root.join(format!("run-{package}"));
    if run.is_file() {
        return Ok(run);
    }
    let _ = std::fs::remove_dir_all(root);
    let unpacked = root.join("root");
    let (exe, libs) = if unpack_missing(package, &root.join("debs"), &unpacked, |_| false)? == 0 {
        (Path::new("/").join(exe), String::new())
    } else {
        let dirs: Vec<String> = libs
            .iter()
            .map(|l| crate::process::shell_quote(&unpacked.join(l).display().to_string()))
            .collect();
        (
            unpacked.join(exe),
            format!(
                "LD_LIBRARY_PATH={}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}} ",
                dirs.join(":")
            ),
        )
    };
    if !exe.is_file() {
        bail!("{} is missing after unpacking {package}", exe.display());
    }
    write_script(
        &run,
        &format!(
            "#!/bin/sh\n# Debian's {package} for Keel's tests (xtask/src/build/test_tools.rs).\n{libs}exec {} \"$@\"\n",
            crate::process::shell_quote(&exe.display().to_string())
        ),
    )?;
    Ok(run)
}

/// A script running a Java class with Debian's ZooKeeper and its libraries on the class
/// path, on this host's Java (a JRE is not unpacked: it needs its own configuration).
pub fn zookeeper(root: &Path) -> Result<PathBuf> {
    let run = root.join("run-zookeeper");
    if run.is_file() {
        return Ok(run);
    }
    let java = crate::process::run_capture(Command::new("sh").args(["-c", "command -v java"]))
        .context("no `java` on PATH (Debian: apt-get install default-jre-headless)")?;
    let _ = std::fs::remove_dir_all(root);
    let unpacked = root.join("root");
    let jre = |p: &str| {
        p.contains("jre") || p.contains("jdk") || p == "java-common" || p == "ca-certificates-java"
    };
    unpack_missing("zookeeper", &root.join("debs"), &unpacked, jre)?;
    // Every jar Debian's zookeeper could use: the unpacked ones, then the host's; of the
    // logging bindings only slf4j-nop, so the tools' output is theirs, not the log's.
    let binding = |name: &str| {
        [
            "slf4j-simple",
            "slf4j-jdk14",
            "slf4j-log4j12",
            "slf4j-jcl",
            "slf4j-reload4j",
            "maven3-slf4j-provider",
            "logback-classic",
        ]
        .iter()
        .any(|b| name.starts_with(b))
    };
    let mut jars = Vec::new();
    for dir in [
        unpacked.join("usr/share/java"),
        PathBuf::from("/usr/share/java"),
    ] {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut here: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "jar") && p.exists())
            .filter(|p| !binding(&p.file_name().unwrap_or_default().to_string_lossy()))
            .collect();
        here.sort();
        jars.extend(here);
    }
    if !jars
        .iter()
        .any(|j| j.file_name().is_some_and(|n| n == "zookeeper.jar"))
    {
        bail!("zookeeper.jar is not among the unpacked or installed jars");
    }
    let cp: Vec<String> = jars.iter().map(|j| j.display().to_string()).collect();
    write_script(
        &run,
        &format!(
            "#!/bin/sh\n# Debian's ZooKeeper for Keel's tests and benchmarks (xtask/src/build/test_tools.rs).\nexec {} -cp {} \"$@\"\n",
            crate::process::shell_quote(java.trim()),
            crate::process::shell_quote(&cp.join(":"))
        ),
    )?;
    Ok(run)
}

fn audit_info(root: &Path) -> Result<PathBuf> {
    let (name, version) = AUDIT_INFO;
    let exe = root.join(version).join("bin").join(name);
    if exe.is_file() {
        return Ok(exe);
    }
    // Outside any checkout, so crates.io is reached as cargo normally reaches it.
    std::fs::create_dir_all(root)?;
    crate::process::run_capture(
        Command::new("cargo")
            .current_dir(root)
            .env_remove("CARGO_TARGET_DIR")
            .args([
                "install",
                "--locked",
                "--quiet",
                "--version",
                version,
                "--root",
            ])
            .arg(root.join(version))
            .arg(name),
    )
    .context("cargo install")?;
    Ok(exe)
}

fn cyclonedx(root: &Path) -> Result<PathBuf> {
    let schemas = root.join("schemas");
    if SCHEMAS.iter().all(|s| schemas.join(s).is_file()) {
        return Ok(schemas);
    }
    let _ = std::fs::remove_dir_all(root);
    let wheels = root.join("wheel");
    std::fs::create_dir_all(&wheels)?;
    crate::native::toolcache::pip_download(&wheels, CYCLONEDX_WHEEL.0, None)?;
    let wheel = std::fs::read_dir(&wheels)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "whl"))
        .context("pip wrote no wheel")?;
    let bytes = std::fs::read(&wheel)?;
    let sha = crate::files::sha256_bytes(&bytes);
    if sha != CYCLONEDX_WHEEL.1 {
        bail!(
            "{} has sha256 {sha}, not the pinned {}",
            wheel.display(),
            CYCLONEDX_WHEEL.1
        );
    }
    let tree = root.join("tree");
    crate::native::toolcache::unpack(&wheel, &tree)?;
    std::fs::create_dir_all(&schemas)?;
    for name in SCHEMAS {
        std::fs::copy(tree.join(SCHEMA_DIR).join(name), schemas.join(name))
            .with_context(|| format!("{name} is not in the wheel"))?;
    }
    Ok(schemas)
}
