//! Debugging a published release with nothing but what a customer has: the stripped binary,
//! or a core dump of it. The registry serves symbols, executables and sources by build-id
//! (debuginfod), and the real clients use them: gdb (symbols, source lines, a core's
//! backtrace) and elfutils' `debuginfod-find` (the same bytes the release manifest lists).

mod fixture;

use fixture::{Fixture, Registry, sha256_hex};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The fixture's binary, able to crash on request, in a function of its own.
const MAIN_RS: &str = "cfg_if::cfg_if! {\n    if #[cfg(unix)] { const OS: &str = \"unix\"; } else { const OS: &str = \"other\"; }\n}\n\n\
fn main() {\n    if std::env::args().any(|a| a == \"--crash\") {\n        crash();\n    }\n    println!(\"demo on {OS}\");\n}\n\n\
#[inline(never)]\nfn crash() -> ! {\n    std::process::abort()\n}\n";
const ABORT_LINE: usize = 14;

fn gdb(args: &[&str], env: &[(&str, &str)]) -> String {
    let out = Command::new("gdb")
        .env_remove("DEBUGINFOD_URLS")
        .envs(env.iter().copied())
        .args(["-nx", "-batch", "-iex", "set debuginfod enabled on"])
        .args(args)
        .output()
        .expect("gdb (Debian: apt-get install gdb)");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Debian's `debuginfod-find`, as `cargo xtask test` fetched it.
fn debuginfod_find(reg: &Registry, cache: &Path, args: &[&str]) -> PathBuf {
    let root = PathBuf::from(std::env::var_os("KEEL_TEST_DEBIAN_ROOT").expect(
        "debuginfod-find comes with `cargo xtask test` (Debian's debuginfod package): run the tests through it",
    ));
    let out = Command::new(root.join("usr/bin/debuginfod-find"))
        .env("LD_LIBRARY_PATH", root.join("usr/lib/x86_64-linux-gnu"))
        .env("DEBUGINFOD_URLS", &reg.url)
        .env("DEBUGINFOD_CACHE_PATH", cache)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "debuginfod-find {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

#[test]
fn a_customers_binary_or_core_is_debugged_with_the_registrys_symbols_and_sources() {
    // The sources come from the registry, not from this machine: nothing is at /keel here.
    assert!(
        !Path::new("/keel").exists(),
        "/keel exists on this machine, so gdb could read sources without the registry"
    );
    let f = Fixture::new("debugging");
    f.write("crates/demo/src/main.rs", MAIN_RS);
    f.commit("a demo that can crash");
    assert_eq!(
        MAIN_RS.lines().nth(ABORT_LINE - 1).map(str::trim),
        Some("std::process::abort()")
    );
    let store = f.path("target/registry-store");
    let reg = Registry::start(&store);
    f.xtask(&["release", "0.3.0", "--no-publish"]).ok();
    f.xtask_env(
        &["publish", "--registry", &reg.url],
        &[("KEEL_REGISTRY_TOKEN", reg.token.as_str())],
    )
    .ok();
    let manifest: serde_json::Value =
        serde_json::from_str(&f.read("target/releases/0.3.0/release-manifest.json")).unwrap();
    let artifact = |kind: &str| {
        manifest["artifacts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["kind"] == kind)
            .unwrap_or_else(|| panic!("no {kind} artifact in the manifest"))
            .clone()
    };
    let id = artifact("bin")["build_id"].as_str().unwrap().to_owned();

    // The customer's machine: the stripped binary, alone.
    let alone = f.path("target/customer");
    std::fs::create_dir_all(&alone).unwrap();
    let exe = alone.join("demo");
    std::fs::copy(f.path("target/releases/0.3.0/demo"), &exe).unwrap();
    let exe_s = exe.to_str().unwrap();
    let cache = f.path("target/debuginfod-cache");
    let env = [
        ("DEBUGINFOD_URLS", reg.url.as_str()),
        ("DEBUGINFOD_CACHE_PATH", cache.to_str().unwrap()),
    ];

    // gdb: symbols and the source text, both from the registry.
    let said = gdb(
        &[
            "-ex",
            "info line demo::crash",
            "-ex",
            "list demo::crash",
            exe_s,
        ],
        &env,
    );
    assert!(
        said.contains("crates/demo/src/main.rs"),
        "no line of demo::crash:\n{said}"
    );
    assert!(
        said.contains("std::process::abort()"),
        "gdb showed no source text:\n{said}"
    );
    let offline = gdb(&["-ex", "list demo::crash", exe_s], &[]);
    assert!(!offline.contains("std::process::abort()"), "{offline}");

    // debuginfod-find fetches exactly the bytes the release manifest lists.
    for (what, kind) in [("debuginfo", "debug"), ("executable", "bin")] {
        let got = debuginfod_find(&reg, &cache.join(what), &[what, &id]);
        assert_eq!(
            sha256_hex(&std::fs::read(&got).unwrap()),
            artifact(kind)["sha256"].as_str().unwrap(),
            "{what}"
        );
    }
    let source = debuginfod_find(
        &reg,
        &cache.join("source"),
        &["source", &id, "/keel/crates/demo/src/main.rs"],
    );
    assert_eq!(std::fs::read_to_string(&source).unwrap(), MAIN_RS);
    // A vendored crate's source is there too: gdb can step into dependencies.
    let vendored = debuginfod_find(
        &reg,
        &cache.join("vendored"),
        &[
            "source",
            &id,
            &format!("/keel/vendor/{}/src/lib.rs", fixture::VENDORED),
        ],
    );
    assert_eq!(
        std::fs::read(&vendored).unwrap(),
        std::fs::read(f.path(&format!("vendor/{}/src/lib.rs", fixture::VENDORED))).unwrap()
    );

    // A crash, as the kernel dumps it: ulimit -c, a core in the working directory.
    let pattern = std::fs::read_to_string("/proc/sys/kernel/core_pattern").unwrap_or_default();
    let crashed = alone.join("crashed");
    std::fs::create_dir_all(&crashed).unwrap();
    let core = if !pattern.starts_with('|') && !pattern.contains('/') {
        let status = Command::new("sh")
            .current_dir(&crashed)
            .args(["-c", "ulimit -c unlimited && exec \"$0\" --crash", exe_s])
            .status()
            .unwrap();
        assert!(!status.success());
        std::fs::read_dir(&crashed)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("core"))
            .unwrap_or_else(|| {
                panic!(
                    "no core file in {} (core_pattern {pattern:?})",
                    crashed.display()
                )
            })
    } else {
        // The kernel hands cores to a collector here: gdb writes one at the crash instead.
        let core = crashed.join("core");
        gdb(
            &[
                "-ex",
                "run",
                "-ex",
                &format!("generate-core-file {}", core.display()),
                "--args",
                exe_s,
                "--crash",
            ],
            &[],
        );
        core
    };
    // Only the core and the binary the customer ran: gdb gets the rest from the registry.
    let bt = gdb(&["-ex", "bt", exe_s, core.to_str().unwrap()], &env);
    assert!(
        bt.contains(&format!("main.rs:{ABORT_LINE}")) && bt.contains("demo::crash"),
        "the backtrace has no file and line for demo::crash:\n{bt}"
    );

    // `debug` on the core: the release it is from, and a gdb line that works as printed.
    std::fs::remove_file(&exe).unwrap(); // the customer sent only the core
    let found = f.xtask(&["debug", core.to_str().unwrap(), "--registry", &reg.url]);
    found.ok();
    for needle in [
        "core dump",
        &format!("build-id {id}"),
        "the binary of: keel-release 0.3.0 / demo",
        "symbols:       keel-release 0.3.0 / demo.debug",
        "not in ", // the C library it had mapped
    ] {
        assert!(found.stdout.contains(needle), "{needle}:\n{}", found.stdout);
    }
    let line = found
        .stdout
        .lines()
        .find(|l| l.contains("DEBUGINFOD_URLS="))
        .unwrap()
        .trim()
        .to_owned();
    let by_line = Command::new("sh")
        .env("DEBUGINFOD_CACHE_PATH", cache.join("by-line"))
        .args(["-c", &format!("{line} -nx -batch -ex bt")])
        .output()
        .unwrap();
    let by_line = String::from_utf8_lossy(&by_line.stdout);
    assert!(
        by_line.contains(&format!("main.rs:{ABORT_LINE}")),
        "{line}:\n{by_line}"
    );

    // `debug` on the binary, and its refusals.
    std::fs::copy(f.path("target/releases/0.3.0/demo"), &exe).unwrap();
    let found = f.xtask(&["debug", exe_s, "--registry", &reg.url]);
    found.ok();
    for needle in [
        "the binary of: keel-release 0.3.0 / demo",
        &format!("DEBUGINFOD_URLS={} gdb", reg.url),
    ] {
        assert!(found.stdout.contains(needle), "{needle}:\n{}", found.stdout);
    }
    f.xtask(&["debug", env!("CARGO_BIN_EXE_xtask"), "--registry", &reg.url])
        .refused(&["is not in registry", "not from a release published there"]);
    f.xtask(&[
        "debug",
        f.path("Cargo.toml").to_str().unwrap(),
        "--registry",
        &reg.url,
    ])
    .refused(&["is not an ELF file"]);
    // A core of a process that ran no release binary (only its ELF header: nothing mapped).
    let mut foreign = b"\x7fELF\x02\x01\x01".to_vec();
    foreign.resize(16, 0);
    foreign.extend_from_slice(&[4, 0]);
    foreign.resize(64, 0);
    std::fs::write(alone.join("foreign-core"), &foreign).unwrap();
    f.xtask(&[
        "debug",
        alone.join("foreign-core").to_str().unwrap(),
        "--registry",
        &reg.url,
    ])
    .refused(&["is a binary of a release published in registry"]);
}
