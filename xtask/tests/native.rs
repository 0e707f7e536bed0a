//! The native toolchain: builds take every tool that shapes bytes from the pin, never from the
//! host; the tool cache refuses a tampered tool and, with the network cut, a missing one,
//! leaving nothing half-unpacked; a Keel registry mirrors the tools; the manifest names
//! exactly the tools a build used; a symbol above the glibc floor is refused.

mod fixture;

use fixture::{Fixture, Registry};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The tool cache this test run shares (`cargo xtask test` passes it on).
fn real_cache() -> PathBuf {
    std::env::var_os("KEEL_TOOL_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(&std::env::var_os("HOME").unwrap()).join(".cache/keel/tools"))
}

/// The pinned zig entry of the real cache, made by `cargo xtask test`'s own preparation.
fn zig_entry() -> PathBuf {
    let pin = std::fs::read_to_string(fixture::keel_root().join("toolchain.toml")).unwrap();
    let doc: toml::Table = pin.parse().unwrap();
    let sha = doc["pin"]["native"]["zig"]["sha256"].as_str().unwrap();
    let entry = real_cache().join("sha256").join(sha);
    assert!(
        entry.join("tree").is_dir(),
        "{} is not cached",
        entry.display()
    );
    entry
}

fn manifest(f: &Fixture) -> Value {
    serde_json::from_str(&f.read("target/dist/build-manifest.json")).unwrap()
}

/// A directory for PATH holding only git (xtask reads HEAD with it) and the pinned Rust
/// toolchain's rustc and cargo: no cc, ld, ar, objcopy, pip or anything else of the host's.
fn path_without_host_tools(f: &Fixture) -> String {
    let dir = f.path("target/only-git");
    std::fs::create_dir_all(&dir).unwrap();
    let path = std::env::var_os("PATH").unwrap();
    for program in ["git", "rustc", "cargo"] {
        let found = std::env::split_paths(&path)
            .map(|d| d.join(program))
            .find(|p| p.is_file())
            .unwrap_or_else(|| panic!("{program} on PATH"));
        let _ = std::os::unix::fs::symlink(found, dir.join(program));
    }
    dir.to_str().unwrap().to_owned()
}

#[test]
fn a_build_with_no_host_c_toolchain_links_c_with_the_pinned_tools() {
    let f = Fixture::new("no-host-cc");
    // A build script that compiles C with $CC, archives it with $AR and links it in: with
    // no cc on PATH, only the pinned wrappers can do that.
    f.write(
        "crates/demo/build.rs",
        "use std::process::Command;\n\
         fn run(c: &mut Command) { assert!(c.status().expect(\"start\").success(), \"{c:?}\"); }\n\
         fn main() {\n\
         \x20   let out = std::env::var(\"OUT_DIR\").unwrap();\n\
         \x20   let cc = std::env::var(\"CC\").expect(\"CC is set\");\n\
         \x20   let ar = std::env::var(\"AR\").expect(\"AR is set\");\n\
         \x20   run(Command::new(cc).args([\"-c\", \"-g\", \"-O2\", \"src/answer.c\", \"-o\"]).arg(format!(\"{out}/answer.o\")));\n\
         \x20   run(Command::new(ar).arg(\"crs\").arg(format!(\"{out}/libanswer.a\")).arg(format!(\"{out}/answer.o\")));\n\
         \x20   println!(\"cargo:rustc-link-search=native={out}\");\n\
         \x20   println!(\"cargo:rustc-link-lib=static=answer\");\n\
         \x20   println!(\"cargo:rerun-if-changed=src/answer.c\");\n\
         }\n",
    );
    f.write(
        "crates/demo/src/answer.c",
        "#include <string.h>\nint answer(void) { return (int)strlen(\"forty-two, in C\"); }\n",
    );
    f.write(
        "crates/demo/src/main.rs",
        "unsafe extern \"C\" { fn answer() -> i32; }\n\
         fn main() { println!(\"demo says {}\", unsafe { answer() }); }\n",
    );
    f.commit("C from a build script");
    let path = path_without_host_tools(&f);
    f.xtask_env(&["build", "--release"], &[("PATH", &path)])
        .ok();

    let out = Command::new(f.path("target/dist/demo")).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "demo says 15\n");
    let m = manifest(&f);
    let tools = m["inputs"]["native_tools"].as_object().unwrap();
    let mut used: Vec<&str> = tools.keys().map(String::as_str).collect();
    used.sort();
    assert_eq!(used, ["rust-objcopy", "zig"], "{tools:?}");
    assert_eq!(m["inputs"]["glibc_floor"], "2.28");
    let zig = &tools["zig"];
    assert_eq!(zig["version"], "0.15.2");
    assert!(zig["used_as"].as_str().unwrap().contains("LLD "), "{zig}");
    // The C object's debug info names neither the checkout nor the tool cache.
    let symbols = std::fs::read(f.path("target/dist/demo.debug")).unwrap();
    let has = |needle: &str| {
        symbols
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
    };
    assert!(has("answer.c"), "the C code's debug info is in the symbols");
    assert!(!has(f.root.to_str().unwrap()), "the checkout path leaked");
    assert!(
        !has(real_cache().to_str().unwrap()),
        "the tool cache path leaked"
    );

    // A dev build splits nothing: rust-objcopy did not run, so it is not named.
    f.xtask_env(&["build"], &[("PATH", &path)]).ok();
    let m = manifest(&f);
    let used: Vec<&String> = m["inputs"]["native_tools"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(used, ["zig"]);
}

#[test]
fn a_symbol_newer_than_the_glibc_floor_is_refused_by_name() {
    let f = Fixture::new("glibc-floor");
    // gettid appeared in glibc 2.30; the pinned floor is 2.28.
    f.write(
        "crates/demo/src/main.rs",
        "unsafe extern \"C\" { fn gettid() -> i32; }\n\
         fn main() { println!(\"{}\", unsafe { gettid() }); }\n",
    );
    f.commit("needs glibc 2.30");
    let run = f.xtask(&["build"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("gettid"), "{}", run.stderr);
    assert!(!f.path("target/dist/demo").exists());
}

/// A tool cache of the test's own holding the real zig entry as hard links (no copy of
/// 380 MB) where it can, so one file can be replaced without touching the shared cache.
fn linked_cache(f: &Fixture) -> PathBuf {
    let entry = zig_entry();
    let cache = f.root.with_file_name(format!(
        "{}-tools",
        f.root.file_name().unwrap().to_string_lossy()
    ));
    let dest = cache.join("sha256").join(entry.file_name().unwrap());
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    // Hard links need one file system; elsewhere, a full copy does the same job.
    let linked = Command::new("cp")
        .arg("-al")
        .arg(&entry)
        .arg(&dest)
        .status()
        .unwrap();
    if !linked.success() {
        let _ = std::fs::remove_dir_all(&dest);
        let copied = Command::new("cp")
            .arg("-a")
            .arg(&entry)
            .arg(&dest)
            .status()
            .unwrap();
        assert!(copied.success());
    }
    cache
}

struct RemoveOnDrop(PathBuf);
impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn one_changed_byte_in_a_cached_tool_is_refused_naming_the_tool() {
    let f = Fixture::new("tampered-tool");
    let cache = linked_cache(&f);
    let _gone = RemoveOnDrop(cache.clone());
    let entry = cache.join("sha256").join(zig_entry().file_name().unwrap());
    let file = entry.join("tree/ziglang/lib/libc/glibc/csu/init.c");
    let mut bytes = std::fs::read(&file).unwrap();
    bytes[0] ^= 0x20;
    // A new inode, so the shared cache's copy stays intact.
    let tmp = file.with_extension("tampered");
    std::fs::write(&tmp, &bytes).unwrap();
    std::fs::rename(&tmp, &file).unwrap();
    let env = [("KEEL_TOOL_CACHE", cache.to_str().unwrap())];
    let run = f.xtask_env(&["build"], &env);
    run.refused(&[
        "zig 0.15.2 (sha256 806316453d1ede7174ed3fefb8e5348154629089c3bb5fe812dfd0e172fac130)",
        "is damaged",
        "ziglang/lib/libc/glibc/csu/init.c differs from the archive",
        "cargo xtask tools fetch",
    ]);
    assert!(!f.path("target/dist/demo").exists());
}

#[test]
fn a_missing_tool_with_the_network_cut_is_refused_and_leaves_nothing_half_unpacked() {
    let f = Fixture::new("missing-tool");
    let cache = f.root.with_file_name(format!(
        "{}-tools",
        f.root.file_name().unwrap().to_string_lossy()
    ));
    let _gone = RemoveOnDrop(cache.clone());
    // A network namespace of its own with nothing in it, not even loopback.
    let out = Command::new("unshare")
        .args(["--net", "--"])
        .arg(env!("CARGO_BIN_EXE_xtask"))
        .arg("build")
        .current_dir(&f.root)
        .env("KEEL_TOOL_CACHE", &cache)
        .env_remove("KEEL_TOOLS_REGISTRY")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for needle in [
        "zig 0.15.2 (sha256 806316453d1ede7174ed3fefb8e5348154629089c3bb5fe812dfd0e172fac130) is not in the tool cache",
        "could not be fetched",
        "PyPI (`pip download ziglang==0.15.2`)",
        "cargo xtask tools fetch",
        "KEEL_TOOLS_REGISTRY",
    ] {
        assert!(stderr.contains(needle), "lacks {needle:?}:\n{stderr}");
    }
    assert!(!cache.join("sha256").exists(), "a tool entry appeared");
    let leftovers: Vec<_> = std::fs::read_dir(cache.join("tmp"))
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
}

#[test]
fn a_keel_registry_mirrors_the_tools_for_a_machine_without_pypi() {
    let f = Fixture::new("tool-mirror");
    let reg = Registry::start(&f.path("target/registry-store"));
    let token = [("KEEL_REGISTRY_TOKEN", reg.token.as_str())];
    let run = f.xtask_env(&["tools", "mirror", "--registry", &reg.url], &token);
    run.ok();
    assert!(
        run.stdout
            .contains("as package keel-tool-zig 0.15.2 (uploaded)"),
        "{}",
        run.stdout
    );
    let again = f.xtask_env(&["tools", "mirror", "--registry", &reg.url], &token);
    assert!(
        again.stdout.contains("already there, identical"),
        "{}",
        again.stdout
    );

    // An empty cache, no pip on PATH: the mirror is the only source.
    let cache = f.root.with_file_name(format!(
        "{}-tools",
        f.root.file_name().unwrap().to_string_lossy()
    ));
    let _gone = RemoveOnDrop(cache.clone());
    let path = path_without_host_tools(&f);
    let env = [
        ("KEEL_TOOL_CACHE", cache.to_str().unwrap()),
        ("KEEL_TOOLS_REGISTRY", reg.url.as_str()),
        ("PATH", path.as_str()),
    ];
    f.xtask_env(&["tools", "fetch"], &env).ok();
    let list = f.xtask_env(&["tools"], &env);
    list.ok();
    assert!(list.stdout.contains("cached, intact"), "{}", list.stdout);
    // And what came from the mirror builds.
    f.xtask_env(&["build"], &env).ok();
}
