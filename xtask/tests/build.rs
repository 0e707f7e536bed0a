//! `cargo xtask build` end to end on a fixture checkout whose path holds spaces and
//! non-ASCII characters: the real cargo, the real sandbox, the manifest checked against
//! the files it describes.

mod fixture;

use fixture::{Fixture, sha256_hex};
use serde_json::Value;
use std::process::Command;

fn manifest(f: &Fixture) -> Value {
    serde_json::from_str(&f.read("target/dist/build-manifest.json")).unwrap()
}

#[test]
fn release_build_in_the_sandbox_writes_a_truthful_manifest() {
    let f = Fixture::new("build");
    let run = f.xtask(&["build", "--release"]);
    run.ok();

    let m = manifest(&f);
    assert_eq!(m["schema"], 1);
    assert_eq!(m["workspace_version"], "0.3.0");
    let head = String::from_utf8(f.git(&["rev-parse", "HEAD"]).stdout).unwrap();
    assert_eq!(m["git"]["commit"], head.trim());
    assert_eq!(m["git"]["dirty"], false);
    assert_eq!(m["inputs"]["profile"], "release");
    assert_eq!(m["inputs"]["hermetic"]["sandbox"], true);
    let epoch = String::from_utf8(f.git(&["log", "-1", "--format=%ct"]).stdout).unwrap();
    assert_eq!(m["inputs"]["source_date_epoch"].to_string(), epoch.trim());
    let lock = std::fs::read(f.path("Cargo.lock")).unwrap();
    assert_eq!(m["inputs"]["cargo_lock_sha256"], sha256_hex(&lock));

    // A release build ships the stripped binary beside its symbols, tied by build-id, and
    // the binary's SBOM.
    let artifacts = m["artifacts"].as_array().unwrap();
    let kinds: Vec<(&str, &str)> = artifacts
        .iter()
        .map(|a| (a["path"].as_str().unwrap(), a["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("demo", "bin"),
            ("demo.debug", "debug"),
            ("sbom/demo.cdx.json", "sbom")
        ]
    );
    for a in artifacts {
        let path = f.path(&format!("target/dist/{}", a["path"].as_str().unwrap()));
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(a["sha256"], sha256_hex(&bytes));
        assert_eq!(a["size"], bytes.len());
    }
    let id = artifacts[0]["build_id"]
        .as_str()
        .expect("the binary has a build-id");
    assert_eq!(id.len(), 40, "sha1 build-id");
    assert_eq!(artifacts[1]["build_id"], id);
    // The artifacts are the real program and its symbols, and carry no trace of the
    // checkout's path.
    let bin = f.path("target/dist/demo");
    let out = Command::new(&bin).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "demo on unix\n");
    let has = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    let bytes = std::fs::read(&bin).unwrap();
    let symbols = std::fs::read(f.path("target/dist/demo.debug")).unwrap();
    let sections = |p: &std::path::Path| {
        let out = Command::new("readelf")
            .args(["-S", "-W"])
            .arg(p)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let (bin_sections, debug_sections) =
        (sections(&bin), sections(&f.path("target/dist/demo.debug")));
    assert!(
        !bin_sections.contains(".debug_info"),
        "not stripped:\n{bin_sections}"
    );
    assert!(
        bin_sections.contains(".gnu_debuglink"),
        "no debuglink:\n{bin_sections}"
    );
    assert!(
        has(&bytes, b"demo.debug"),
        "the debuglink does not name demo.debug"
    );
    assert!(
        debug_sections.contains(".debug_info"),
        "no DWARF:\n{debug_sections}"
    );
    let root = f.root.to_string_lossy().into_owned();
    for (name, b) in [("binary", &bytes), ("symbols", &symbols)] {
        assert!(
            !has(b, root.as_bytes()),
            "checkout path leaked into the {name}"
        );
    }
    // Nor does the manifest.
    assert!(!f.read("target/dist/build-manifest.json").contains(&root));
}

#[test]
fn a_no_op_build_stops_early_and_a_change_rebuilds() {
    let f = Fixture::new("noop");
    f.xtask(&["build", "--no-sandbox"]).ok();
    let again = f.xtask(&["build", "--no-sandbox"]);
    again.ok();
    assert!(again.stdout.contains("up to date"), "{}", again.stdout);

    // A source change is a real build again, and the manifest follows it.
    let before = manifest(&f)["artifacts"][0]["sha256"].clone();
    f.write(
        "crates/demo/src/main.rs",
        "fn main() {\n    println!(\"changed\");\n}\n",
    );
    let rebuilt = f.xtask(&["build", "--no-sandbox"]);
    rebuilt.ok();
    assert!(!rebuilt.stdout.contains("up to date"));
    let m = manifest(&f);
    assert_ne!(m["artifacts"][0]["sha256"], before);
    assert_eq!(m["git"]["dirty"], true);
    assert_eq!(
        m["inputs"]["hermetic"]["sandbox"], false,
        "--no-sandbox must be recorded"
    );

    // So is a lost artifact.
    std::fs::remove_file(f.path("target/dist/demo")).unwrap();
    let restored = f.xtask(&["build", "--no-sandbox"]);
    restored.ok();
    assert!(f.path("target/dist/demo").is_file());
}

#[test]
fn the_sandbox_has_loopback_but_no_other_network() {
    // A build script is the code a build runs: it reports which interfaces it can see.
    let f = Fixture::new("sandbox");
    f.write(
        "crates/demo/build.rs",
        "fn main() {\n\
         let l = std::net::TcpListener::bind(\"127.0.0.1:0\").expect(\"loopback must work\");\n\
         let a = l.local_addr().unwrap();\n\
         std::net::TcpStream::connect(a).expect(\"loopback connect\");\n\
         let ifs = std::fs::read_to_string(\"/proc/net/dev\").unwrap();\n\
         let names: Vec<&str> = ifs.lines().skip(2).filter_map(|l| l.split(':').next()).map(str::trim).collect();\n\
         assert_eq!(names, [\"lo\"], \"interfaces visible to the build\");\n\
         }\n",
    );
    f.commit("probe build script");
    f.xtask(&["build"]).ok();
}

#[test]
fn build_of_one_package_and_help_texts() {
    let f = Fixture::new("package");
    f.xtask(&["build", "-p", "demo", "--no-sandbox"]).ok();
    assert_eq!(
        manifest(&f)["inputs"]["packages"],
        serde_json::json!(["demo"])
    );
    f.xtask(&["build", "-p", "no-such-crate", "--no-sandbox"])
        .refused(&["cargo build failed"]);

    let top = f.xtask(&["--help"]);
    top.ok();
    for cmd in [
        "build", "package", "dist", "test", "verify", "vendor", "doctor", "bench",
    ] {
        assert!(top.stdout.contains(cmd), "top-level help lacks {cmd}");
        let help = f.xtask(&[cmd, "--help"]);
        help.ok();
        assert!(
            help.stdout.lines().count() > 3,
            "{cmd} --help is too thin:\n{}",
            help.stdout
        );
    }
    let bad = f.xtask(&["bench", "no-such-suite"]);
    assert_eq!(bad.code, Some(2), "clap usage error");
    assert!(bad.stderr.contains("build-overhead"));
}
