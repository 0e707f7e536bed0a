//! Signed releases: `keys new`, `release --sign` with the key from the environment, and
//! `verify-release` against the repository's keys/, locally and from a registry; the stock
//! `minisign` (Debian's) verifies the manifest's signature and signs with a Keel key; and
//! every tampering is refused, naming the file and the reason.

mod fixture;

use fixture::{Fixture, Registry};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Debian's `minisign`: the one `cargo xtask test` fetched (outside the tests' network
/// sandbox), else from PATH, else unpacked from the package apt fetches now (no install).
fn minisign(scratch: &Path) -> PathBuf {
    if let Some(root) = std::env::var_os("KEEL_TEST_DEBIAN_ROOT") {
        return PathBuf::from(root).join("usr/bin/minisign");
    }
    if let Ok(out) = Command::new("sh")
        .args(["-c", "command -v minisign"])
        .output()
        && out.status.success()
    {
        return PathBuf::from(String::from_utf8(out.stdout).unwrap().trim());
    }
    let dir = scratch.join("minisign-deb");
    std::fs::create_dir_all(&dir).unwrap();
    let got = Command::new("apt-get")
        .args(["download", "minisign"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        got.status.success(),
        "Debian's minisign is needed: run the tests with `cargo xtask test` (it fetches it), \
         or install it (apt-get install minisign). apt-get download minisign: {}",
        String::from_utf8_lossy(&got.stderr)
    );
    let deb = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "deb"))
        .expect("a .deb");
    let x = Command::new("dpkg")
        .arg("-x")
        .arg(&deb)
        .arg(dir.join("root"))
        .status()
        .unwrap();
    assert!(x.success());
    dir.join("root/usr/bin/minisign")
}

/// Validates `sbom` against the CycloneDX 1.5 JSON schema with Debian's python3-jsonschema
/// (both fetched by `cargo xtask test`); the validator's complaints, if any.
fn cyclonedx_errors(sbom: &Path) -> Result<(), String> {
    let (Some(root), Some(schemas)) = (
        std::env::var_os("KEEL_TEST_DEBIAN_ROOT"),
        std::env::var_os("KEEL_TEST_CYCLONEDX_SCHEMA"),
    ) else {
        panic!(
            "the CycloneDX schema and its validator come with `cargo xtask test`: run the tests through it"
        );
    };
    let script = r#"
import json, sys, jsonschema
d = sys.argv[1]
load = lambda n: json.load(open(d + "/" + n))
bom = load("bom-1.5.SNAPSHOT.schema.json")
store = {"http://cyclonedx.org/schema/" + n: load(n) for n in ["spdx.SNAPSHOT.schema.json", "jsf-0.82.SNAPSHOT.schema.json"]}
v = jsonschema.Draft7Validator(bom, resolver=jsonschema.RefResolver(bom["$id"], bom, store=store))
errors = [f"{list(e.path)}: {e.message}" for e in v.iter_errors(json.load(open(sys.argv[2])))]
print("\n".join(errors))
sys.exit(1 if errors else 0)
"#;
    let out = Command::new("/usr/bin/python3")
        .env(
            "PYTHONPATH",
            PathBuf::from(root).join("usr/lib/python3/dist-packages"),
        )
        .args(["-c", script])
        .arg(schemas)
        .arg(sbom)
        .output()
        .unwrap();
    match out.status.code() {
        Some(0) => Ok(()),
        Some(1) => Err(String::from_utf8_lossy(&out.stdout).into_owned()),
        _ => panic!(
            "the validator failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

/// Flips one byte of `file` at `at` (from the end when negative) to another printable one.
fn flip(file: &Path, at: isize) {
    let mut b = std::fs::read(file).unwrap();
    let i = if at < 0 {
        (b.len() as isize + at) as usize
    } else {
        at as usize
    };
    b[i] = if b[i] == b'A' { b'B' } else { b'A' };
    std::fs::write(file, b).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    let out = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .unwrap();
    assert!(out.success());
}

#[test]
fn a_signed_release_verifies_with_keys_and_minisign_and_every_tampering_is_named() {
    let f = Fixture::new("signing");
    let secret = f.path("target/secrets/release.key");
    let secret_s = secret.to_str().unwrap().to_owned();
    // A secret key is refused inside the checkout (outside target/).
    f.xtask(&["keys", "new", "release", "--secret-key", "release.key"])
        .refused(&["inside the checkout", "never be committed"]);
    f.xtask(&[
        "keys",
        "new",
        "release",
        "--secret-key",
        &secret_s,
        "--valid-from",
        "2000-01-01",
    ])
    .ok();
    assert!(f.path("keys/release.pub").is_file() && f.path("keys/release.toml").is_file());
    f.commit("the release key");

    // The official pipeline's release insists on a signature.
    f.xtask(&["release", "0.3.0", "--no-publish", "--sign"])
        .refused(&["must be signed", "KEEL_SIGNING_KEY"]);
    let with_key = [("KEEL_SIGNING_KEY_FILE", secret_s.as_str())];
    let run = f.xtask_env(&["release", "0.3.0", "--no-publish", "--sign"], &with_key);
    run.ok();
    assert!(
        run.stdout.contains("signed with key `release`"),
        "{}",
        run.stdout
    );
    let dir = f.path("target/releases/0.3.0");
    for file in [
        "release-manifest.json.minisig",
        "sha256.sum.minisig",
        "provenance.dsse.json",
    ] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    let ok = f.xtask(&["verify-release", "0.3.0"]);
    ok.ok();
    assert!(
        ok.stdout.contains("signed by key `release`"),
        "{}",
        ok.stdout
    );
    assert!(ok.stdout.contains("7 artifacts match"), "{}", ok.stdout);
    assert!(
        ok.stdout
            .contains("sbom/demo.cdx.json: lists the 2 crates demo embeds"),
        "{}",
        ok.stdout
    );

    // cargo-auditable's own reader finds the embedded list, and it names what the SBOM lists.
    let reader = std::env::var_os("KEEL_TEST_RUST_AUDIT_INFO")
        .expect("rust-audit-info comes with `cargo xtask test`: run the tests through it");
    let out = Command::new(reader).arg(dir.join("demo")).output().unwrap();
    assert!(
        out.status.success(),
        "rust-audit-info: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let embedded: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names = |v: &serde_json::Value, key: &str| -> std::collections::BTreeSet<String> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                format!(
                    "{} {}",
                    p["name"].as_str().unwrap(),
                    p["version"].as_str().unwrap()
                )
            })
            .collect()
    };
    let sbom_json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("sbom/demo.cdx.json")).unwrap())
            .unwrap();
    assert_eq!(
        names(&embedded, "packages"),
        names(&sbom_json, "components")
    );
    assert!(
        names(&embedded, "packages")
            .iter()
            .any(|p| p.starts_with("cfg-if "))
    );

    // The SBOM is valid CycloneDX 1.5 (and the validator does refuse an invalid one).
    let sbom = dir.join("sbom/demo.cdx.json");
    cyclonedx_errors(&sbom)
        .unwrap_or_else(|e| panic!("sbom/demo.cdx.json is not valid CycloneDX 1.5:\n{e}"));
    let broken = f.path("target/broken.cdx.json");
    std::fs::write(
        &broken,
        std::fs::read_to_string(&sbom)
            .unwrap()
            .replace("\"library\"", "\"libary\""),
    )
    .unwrap();
    assert!(cyclonedx_errors(&broken).unwrap_err().contains("libary"));

    // Debian's stock minisign verifies Keel's signature, and signs with a Keel secret key.
    let minisign = minisign(&f.path("target"));
    let manifest = dir.join("release-manifest.json");
    let stock = Command::new(&minisign)
        .arg("-Vm")
        .arg(&manifest)
        .arg("-p")
        .arg(f.path("keys/release.pub"))
        .output()
        .unwrap();
    assert!(
        stock.status.success(),
        "minisign -V: {}",
        String::from_utf8_lossy(&stock.stderr)
    );
    assert!(String::from_utf8_lossy(&stock.stdout).contains("keel release 0.3.0"));

    // Tampering, each case on a fresh copy of the release: refused, naming file and reason.
    let pristine = f.path("target/pristine-0.3.0");
    copy_dir(&dir, &pristine);
    let package = "packages/demo-0.3.0-x86_64-unknown-linux-gnu.tar.gz";
    // (file changed, at which byte, what the refusal must name)
    let cases: [(&str, isize, &[&str]); 4] = [
        (package, 100, &[package, "but the signed manifest says"]),
        (
            "release-manifest.json",
            30,
            &["release-manifest.json.minisig", "does not match the bytes"],
        ),
        (
            "provenance.dsse.json",
            60,
            &["provenance.dsse.json", "signature does not match"],
        ),
        ("sha256.sum.minisig", -10, &["sha256.sum.minisig"]),
    ];
    for (file, at, needles) in cases {
        copy_dir(&pristine, &dir);
        flip(&dir.join(file), at);
        let refused = f.xtask(&["verify-release", "0.3.0"]);
        refused.refused(&["does not verify"]);
        for n in needles {
            assert!(
                refused.stderr.contains(n),
                "{file} changed: stderr lacks {n:?}:\n{}",
                refused.stderr
            );
        }
    }
    // An SBOM that omits a crate the binary embeds.
    copy_dir(&pristine, &dir);
    let sbom_path = dir.join("sbom/demo.cdx.json");
    let mut sbom: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sbom_path).unwrap()).unwrap();
    sbom["components"]
        .as_array_mut()
        .unwrap()
        .retain(|c| c["name"] != "cfg-if");
    std::fs::write(&sbom_path, serde_json::to_string_pretty(&sbom).unwrap()).unwrap();
    f.xtask(&["verify-release", "0.3.0"])
        .refused(&["sbom/demo.cdx.json: does not list what demo embeds (omits: cfg-if 1."]);
    copy_dir(&pristine, &dir);

    // A signature by a key that is not in keys/: a stranger's key signs the manifest with the
    // stock minisign (Keel's secret-key format is minisign's).
    let stranger = f.path("target/secrets/stranger.key");
    f.xtask(&[
        "keys",
        "new",
        "stranger",
        "--secret-key",
        stranger.to_str().unwrap(),
        "--valid-from",
        "2000-01-01",
    ])
    .ok();
    for ext in ["pub", "toml"] {
        std::fs::remove_file(f.path(&format!("keys/stranger.{ext}"))).unwrap();
    }
    let resign = Command::new(&minisign)
        .arg("-S")
        .arg("-s")
        .arg(&stranger)
        .arg("-m")
        .arg(&manifest)
        .arg("-x")
        .arg(dir.join("release-manifest.json.minisig"))
        .output()
        .unwrap();
    assert!(
        resign.status.success(),
        "minisign -S: {}",
        String::from_utf8_lossy(&resign.stderr)
    );
    f.xtask(&["verify-release", "0.3.0"])
        .refused(&["release-manifest.json.minisig", "which is not in keys/"]);
    copy_dir(&pristine, &dir);

    // A signed release served as another version does not pass for it.
    copy_dir(&dir, &f.path("target/releases/0.3.1"));
    f.xtask(&["verify-release", "0.3.1"])
        .refused(&["the manifest of release 0.3.0, not of 0.3.1"]);
    std::fs::remove_dir_all(f.path("target/releases/0.3.1")).unwrap();

    // The key used outside its validity period: the release predates it.
    let toml = f.read("keys/release.toml");
    f.write(
        "keys/release.toml",
        &toml.replace("2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z"),
    );
    f.xtask(&["verify-release", "0.3.0"])
        .refused(&["outside the key's validity period", "2100-01-01"]);
    f.write("keys/release.toml", &toml);

    // Rotation: the new key is vouched for by the old, which ends where the new one starts;
    // the release, dated before, still verifies with the old key.
    f.xtask(&[
        "keys",
        "new",
        "release-2",
        "--secret-key",
        f.path("target/secrets/release-2.key").to_str().unwrap(),
        "--valid-from",
        "2100-01-01",
        "--replaces",
        "release",
        "--old-secret-key",
        &secret_s,
    ])
    .ok();
    assert!(
        f.read("keys/release.toml")
            .contains("valid_until = \"2100-01-01T00:00:00Z\"")
    );
    // A retired key cannot be replaced again (it would come back to life).
    f.xtask(&[
        "keys",
        "new",
        "release-3",
        "--secret-key",
        f.path("target/secrets/release-3.key").to_str().unwrap(),
        "--valid-from",
        "2200-01-01",
        "--replaces",
        "release",
        "--old-secret-key",
        &secret_s,
    ])
    .refused(&["key `release` was already retired"]);
    f.xtask(&["verify-release", "0.3.0"]).ok();
    flip(&f.path("keys/release-2.pub.minisig"), -10);
    f.xtask(&["keys", "list"])
        .refused(&["release-2.pub.minisig", "not vouched for by `release`"]);
    for ext in ["pub", "toml", "pub.minisig"] {
        std::fs::remove_file(f.path(&format!("keys/release-2.{ext}"))).unwrap();
    }
    f.write("keys/release.toml", &toml);

    // From a registry: the whole signed set is published and verifies there too.
    let store = f.path("target/registry-store");
    let reg = Registry::start(&store);
    f.xtask_env(
        &["publish", "--registry", &reg.url, "--version", "0.3.0"],
        &[("KEEL_REGISTRY_TOKEN", &reg.token)],
    )
    .ok();
    let remote = f.xtask(&["verify-release", "0.3.0", "--registry", &reg.url]);
    remote.ok();
    assert!(
        remote.stdout.contains("7 artifacts match"),
        "{}",
        remote.stdout
    );
    let url = format!(
        "{}/api/v1/packages/keel-release/0.3.0/release-manifest.json",
        reg.url
    );
    f.xtask(&["verify-release", &url]).ok();
    // And from a second clone, which has nothing but the repository (keys/ included).
    let g = f.clone_to("signing-elsewhere");
    let elsewhere = g.xtask(&["verify-release", "0.3.0", "--registry", &reg.url]);
    elsewhere.ok();
    assert!(
        elsewhere.stdout.contains("signed by key `release`"),
        "{}",
        elsewhere.stdout
    );
}
