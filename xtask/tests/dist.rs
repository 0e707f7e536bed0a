//! `cargo xtask package` and `cargo xtask dist` on a fixture checkout: the release artifact
//! set (stripped binaries, symbols, packages, .crate files, release manifest, sha256.sum),
//! refusals of bad package files, and bit-for-bit reproducibility across two clones built
//! under deliberately different conditions.

mod fixture;

use fixture::Fixture;
use serde_json::Value;
use std::io::Read;
use std::process::Command;

fn json(f: &Fixture, rel: &str) -> Value {
    serde_json::from_str(&f.read(rel)).unwrap()
}

const PACKAGE: &str = "packages/demo-0.3.0-x86_64-unknown-linux-gnu.tar.gz";

#[test]
fn dist_writes_the_whole_release_artifact_set() {
    let f = Fixture::new("dist");
    f.xtask(&["dist"]).ok();

    let m = json(&f, "target/dist/release-manifest.json");
    assert_eq!(
        f.read("target/dist/release-manifest.json"),
        f.read("target/dist/build-manifest.json")
    );
    let kinds: Vec<(&str, &str)> = m["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["path"].as_str().unwrap(), a["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("crates/demo-0.3.0.crate", "crate"),
            ("demo", "bin"),
            ("demo.debug", "debug"),
            ("docs/keel-docs-0.3.0.tar.gz", "docs"),
            (PACKAGE, "package"),
            ("sbom/demo.cdx.json", "sbom"),
            ("source/keel-source-0.3.0.tar.gz", "source"),
        ]
    );
    // sha256.sum is what `sha256sum -c` expects.
    assert_eq!(fixture::sha256sum_check(&f.path("target/dist")), 7);

    // The package holds the stripped binary and the file, with normalized headers.
    let epoch: u64 = m["inputs"]["source_date_epoch"].as_u64().unwrap();
    let bytes = std::fs::read(f.path(&format!("target/dist/{PACKAGE}"))).unwrap();
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
    let mut entries = Vec::new();
    for e in tar.entries().unwrap() {
        let mut e = e.unwrap();
        let h = e.header();
        assert_eq!(h.mtime().unwrap(), epoch);
        assert_eq!((h.uid().unwrap(), h.gid().unwrap()), (0, 0));
        let (path, mode) = (e.path().unwrap().display().to_string(), h.mode().unwrap());
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        entries.push((path, mode, data));
    }
    let names: Vec<(&str, u32)> = entries.iter().map(|(p, m, _)| (p.as_str(), *m)).collect();
    assert_eq!(
        names,
        [
            ("demo-0.3.0/", 0o755),
            ("demo-0.3.0/bin/", 0o755),
            ("demo-0.3.0/bin/demo", 0o755),
            ("demo-0.3.0/etc/", 0o755),
            ("demo-0.3.0/etc/demo/", 0o755),
            ("demo-0.3.0/etc/demo/demo.conf", 0o644),
        ]
    );
    assert_eq!(
        entries[2].2,
        std::fs::read(f.path("target/dist/demo")).unwrap()
    );
    assert_eq!(entries[5].2, b"greeting = \"hello\"\n");

    // A debugger finds the symbols of the shipped binary by itself (when gdb is installed).
    if let Ok(out) = Command::new("gdb")
        .args(["-nx", "-batch", "-ex", "info line demo::main"])
        .arg(f.path("target/dist/demo"))
        .output()
    {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("crates/demo/src/main.rs"), "gdb: {text}");
    }
}

#[test]
fn package_files_naming_missing_things_are_refused_before_building() {
    let f = Fixture::new("package-refusals");
    f.xtask(&["package", "--no-sandbox"]).ok();
    let good = f.read("target/dist/build-manifest.json");

    let cases: [(&str, &[&str]); 5] = [
        (
            "[[binary]]\nname = \"nope\"\n",
            &[
                "packages/demo.toml: binary `nope`",
                "not built by any workspace crate",
                "demo",
            ],
        ),
        (
            "[[file]]\nsrc = \"packages/demo/missing.conf\"\ndest = \"etc/x\"\n",
            &["packages/demo/missing.conf` does not exist"],
        ),
        (
            "[[binary]]\nname = \"demo\"\ndest = \"../escape\"\n",
            &["`../escape` is not a valid path"],
        ),
        (
            "[[binary]]\nname = \"demo\"\nvesion = 1\n",
            &["unknown key `vesion` in [[binary]]"],
        ),
        (
            "[[binary]\nname = ",
            &["packages/demo.toml", "malformed TOML"],
        ),
    ];
    for (text, needles) in cases {
        f.write("packages/demo.toml", text);
        f.xtask(&["package", "--no-sandbox"]).refused(needles);
        // Refused before building: the last good output is untouched.
        assert_eq!(f.read("target/dist/build-manifest.json"), good, "{text}");
    }
}

#[test]
fn two_clones_under_different_conditions_yield_identical_artifacts() {
    // Same commit, different checkout paths, TZ, locale, umask, HOME, -j, and environment
    // noise that would change the bytes if it leaked into the build.
    let a = Fixture::new("repro-a");
    let b = a.clone_to("repro-b with a longer name");
    a.xtask(&["dist", "-j", "1"]).ok();
    // Under target/ (ignored): run outside `cargo xtask test`, the tool cache follows HOME.
    let home = b.path("target/elsewhere-home");
    std::fs::create_dir_all(&home).unwrap();
    let out = Command::new("sh")
        .current_dir(&b.root)
        .arg("-c")
        .arg(format!(
            "umask 077 && exec '{}' dist",
            env!("CARGO_BIN_EXE_xtask")
        ))
        .env("TZ", "Asia/Tokyo")
        .env("LANG", "fr_FR.UTF-8")
        .env("LC_ALL", "fr_FR.UTF-8")
        .env("HOME", &home)
        .env("RUSTFLAGS", "-Copt-level=1")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "0")
        .env("SOURCE_DATE_EPOCH", "1")
        .env("KEEL_NOISE", "noise")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let (ma, mb) = (
        a.read("target/dist/release-manifest.json"),
        b.read("target/dist/release-manifest.json"),
    );
    assert_eq!(ma, mb, "the release manifests differ between the clones");
    let m: Value = serde_json::from_str(&ma).unwrap();
    assert_eq!(m["artifacts"].as_array().unwrap().len(), 7);
    for art in m["artifacts"].as_array().unwrap() {
        let rel = format!("target/dist/{}", art["path"].as_str().unwrap());
        assert_eq!(
            std::fs::read(a.path(&rel)).unwrap(),
            std::fs::read(b.path(&rel)).unwrap(),
            "{rel} differs"
        );
    }
}
