//! `cargo xtask release` and `cargo xtask rebuild <tag>` on fixture checkouts: the refusals,
//! a release that sets a new version, and the reason Keel exists: a tag rebuilt later, from a
//! moved-on tree and from another clone, with the tag's own xtask, to identical bytes, while
//! a tampered manifest or stored artifact fails naming what was tampered with.

mod fixture;

use fixture::Fixture;
use serde_json::Value;

fn stdout_of(f: &Fixture, args: &[&str]) -> String {
    String::from_utf8(f.git(args).stdout)
        .unwrap()
        .trim()
        .to_owned()
}

#[test]
fn release_refuses_a_dirty_tree_an_existing_tag_a_bad_version_and_publishing() {
    let f = Fixture::new("release-refusals");
    for bad in ["1.2", "v0.4.0", "01.0.0", "1.0.0-"] {
        f.xtask(&["release", bad, "--no-publish"]).refused(&[
            &format!("`{bad}` is not a valid release version"),
            "MAJOR.MINOR.PATCH",
        ]);
    }
    f.xtask(&["release", "0.4.0"]).refused(&[
        "cannot reach registry keel",
        "cargo xtask registry serve",
        "--no-publish",
    ]);

    f.write("crates/demo/src/extra.rs", "// not committed\n");
    f.xtask(&["release", "0.4.0", "--no-publish"]).refused(&[
        "the tree is not clean",
        "crates/demo/src/extra.rs",
        "commit or stash",
    ]);
    std::fs::remove_file(f.path("crates/demo/src/extra.rs")).unwrap();

    f.git(&["tag", "-a", "v0.4.0", "-m", "made by hand"]);
    f.xtask(&["release", "0.4.0", "--no-publish"])
        .refused(&["tag v0.4.0 already exists", "immutable"]);
    // Nothing was changed by any refusal.
    assert_eq!(stdout_of(&f, &["status", "--porcelain"]), "");
    assert_eq!(stdout_of(&f, &["rev-list", "--count", "HEAD"]), "1");
    assert!(!f.path("target/releases").exists());
}

#[test]
fn release_sets_the_version_commits_stores_and_tags() {
    let f = Fixture::new("release");
    let run = f.xtask(&["release", "0.4.0", "--no-publish"]);
    run.ok();
    assert!(run.stdout.contains("released 0.4.0"), "{}", run.stdout);

    // The version is committed (manifest and lock), and the tag points at that commit.
    assert_eq!(
        stdout_of(&f, &["log", "-1", "--format=%s"]),
        "Release 0.4.0: set the workspace version"
    );
    assert!(f.read("Cargo.toml").contains("version = \"0.4.0\""));
    assert!(
        f.read("Cargo.lock")
            .contains("name = \"demo\"\nversion = \"0.4.0\"")
    );
    assert_eq!(stdout_of(&f, &["status", "--porcelain"]), "");
    let head = stdout_of(&f, &["rev-parse", "HEAD"]);
    assert_eq!(stdout_of(&f, &["rev-parse", "v0.4.0^{commit}"]), head);
    assert_eq!(
        stdout_of(&f, &["cat-file", "-t", "v0.4.0"]),
        "tag",
        "annotated"
    );

    // The stored release: manifest, sums and every artifact, and the tag records the
    // manifest's hash.
    let dir = f.path("target/releases/0.4.0");
    let text = std::fs::read_to_string(dir.join("release-manifest.json")).unwrap();
    let m: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(m["workspace_version"], "0.4.0");
    assert_eq!(m["git"]["commit"], head);
    assert_eq!(m["git"]["dirty"], false);
    let paths: Vec<&str> = m["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "crates/demo-0.4.0.crate",
            "demo",
            "demo.debug",
            "docs/keel-docs-0.4.0.tar.gz",
            "packages/demo-0.4.0-x86_64-unknown-linux-gnu.tar.gz",
            "sbom/demo.cdx.json",
            "source/keel-source-0.4.0.tar.gz"
        ]
    );
    assert_eq!(fixture::sha256sum_check(&dir), 7);
    let message = stdout_of(&f, &["tag", "--list", "--format=%(contents)", "v0.4.0"]);
    let sha = fixture::sha256_hex(text.as_bytes());
    assert!(
        message.contains(&format!("release-manifest.json sha256: {sha}")),
        "{message}"
    );
}

#[test]
fn a_tag_rebuilds_to_identical_bytes_from_a_moved_on_tree_and_another_clone() {
    let f = Fixture::with_real_xtask("rebuild");
    // Signed by the release key; a rebuilder with a key of its own attests what it found.
    let (release_key, rebuilder_key) = (
        f.path("target/secrets/release.key"),
        f.path("target/secrets/rebuilder.key"),
    );
    for (name, key) in [("release", &release_key), ("rebuilder", &rebuilder_key)] {
        f.xtask(&[
            "keys",
            "new",
            name,
            "--secret-key",
            key.to_str().unwrap(),
            "--valid-from",
            "2000-01-01",
        ])
        .ok();
    }
    f.commit("release and rebuilder keys");
    f.xtask_env(
        &["release", "0.3.0", "--no-publish"],
        &[("KEEL_SIGNING_KEY_FILE", release_key.to_str().unwrap())],
    )
    .ok();

    // Move on: new code and a new dependency (anyhow is in the fixture's vendor/).
    f.write(
        "crates/demo/src/main.rs",
        "fn main() -> anyhow::Result<()> {\n    println!(\"moved on\");\n    Ok(())\n}\n",
    );
    let manifest = f
        .read("crates/demo/Cargo.toml")
        .replace("[dependencies]\n", "[dependencies]\nanyhow = \"1\"\n");
    f.write("crates/demo/Cargo.toml", &manifest);
    let lock = f.cargo(&["generate-lockfile", "--offline"]);
    assert!(
        lock.status.success(),
        "{}",
        String::from_utf8_lossy(&lock.stderr)
    );
    f.commit("moved on: new code, new dependency");
    f.xtask(&["build", "--release"]).ok();

    let attest = ["--attest", rebuilder_key.to_str().unwrap()];
    let run = f.xtask(&["rebuild", "v0.3.0", attest[0], attest[1]]);
    run.ok();
    assert!(
        run.stdout.contains("7/7 artifacts identical"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("matches the sha256 recorded in tag v0.3.0")
    );
    assert!(
        run.stdout.contains(
            "signed: release-manifest.json.minisig, sha256.sum.minisig, provenance.dsse.json (the same statement) hold for the rebuilt files"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("attestation signed by key"),
        "{}",
        run.stdout
    );
    let verified = f.xtask(&["verify-release", "0.3.0"]);
    verified.ok();
    assert!(
        verified
            .stdout
            .contains("reproduced by rebuilder `rebuilder`"),
        "{}",
        verified.stdout
    );
    // An attestation changed after signing is refused, naming it.
    let attestations = f.path("target/releases/0.3.0/attestations");
    let file = std::fs::read_dir(&attestations)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let good = std::fs::read(&file).unwrap();
    let mut bad = good.clone();
    bad[70] = if bad[70] == b'A' { b'B' } else { b'A' }; // inside the base64 payload
    std::fs::write(&file, &bad).unwrap();
    f.xtask(&["verify-release", "0.3.0"])
        .refused(&["rebuild-", "signature does not match"]);
    std::fs::write(&file, &good).unwrap();

    // Published with the release, the attestation is listed by the registry and checked
    // from there too.
    let reg = fixture::Registry::start(&f.path("target/registry-store"));
    f.xtask_env(
        &["publish", "--registry", &reg.url, "--version", "0.3.0"],
        &[("KEEL_REGISTRY_TOKEN", &reg.token)],
    )
    .ok();
    let remote = f.xtask(&["verify-release", "0.3.0", "--registry", &reg.url]);
    remote.ok();
    assert!(
        remote
            .stdout
            .contains("reproduced by rebuilder `rebuilder`"),
        "{}",
        remote.stdout
    );
    drop(reg);
    for artifact in [
        "demo",
        "demo.debug",
        "crates/demo-0.3.0.crate",
        "packages/demo-0.3.0",
    ] {
        assert!(
            run.stdout
                .lines()
                .any(|l| l.contains("identical") && l.contains(artifact)),
            "no verdict for {artifact}:\n{}",
            run.stdout
        );
    }

    // Another clone, with the manifest passed explicitly; --keep leaves the binaries and
    // their symbols side by side.
    let g = f.clone_to("rebuild-elsewhere");
    let kept = g.path("kept");
    let manifest_path = f.path("target/releases/0.3.0/release-manifest.json");
    let run = g.xtask(&[
        "rebuild",
        "0.3.0",
        "--manifest",
        manifest_path.to_str().unwrap(),
        "--keep",
        kept.to_str().unwrap(),
    ]);
    run.ok();
    assert!(
        run.stdout.contains("7/7 artifacts identical"),
        "{}",
        run.stdout
    );
    assert_eq!(
        std::fs::read(kept.join("demo.debug")).unwrap(),
        std::fs::read(f.path("target/releases/0.3.0/demo.debug")).unwrap()
    );

    // Tampering: one stored artifact and one manifest entry. Both are named.
    let stored = f.path("target/releases/0.3.0");
    let mut bin = std::fs::read(stored.join("demo")).unwrap();
    let last = bin.len() - 1;
    bin[last] ^= 0xff;
    std::fs::write(stored.join("demo"), bin).unwrap();
    let text = f.read("target/releases/0.3.0/release-manifest.json");
    let m: Value = serde_json::from_str(&text).unwrap();
    let debug_sha = m["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["path"] == "demo.debug")
        .unwrap()["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    f.write(
        "target/releases/0.3.0/release-manifest.json",
        &text.replace(&debug_sha, &"0".repeat(64)),
    );
    let run = f.xtask(&["rebuild", "v0.3.0", attest[0], attest[1]]);
    run.refused(&[
        "rebuild of v0.3.0 does not match the release",
        "1 differ: demo.debug",
        "modified after the release",
        "the stored release artifact demo has sha256",
    ]);
    assert!(
        run.stdout.contains("DIFFERENT  debug    demo.debug"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("6/7 artifacts identical"),
        "{}",
        run.stdout
    );
    // The attestation of that rebuild records the difference, signed; verify-release
    // refuses the release and names what the rebuilder could not reproduce.
    let attestation = std::fs::read_dir(stored.join("attestations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".dsse.json"))
        .expect("an attestation");
    let envelope: Value =
        serde_json::from_str(&std::fs::read_to_string(&attestation).unwrap()).unwrap();
    use base64::Engine;
    let payload = base64::engine::general_purpose::STANDARD
        .decode(envelope["payload"].as_str().unwrap())
        .unwrap();
    let statement: Value = serde_json::from_slice(&payload).unwrap();
    assert_eq!(statement["predicate"]["result"], "differed");
    assert!(
        statement["predicate"]["artifacts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["path"] == "demo.debug" && a["verdict"] == "different"),
        "{statement}"
    );
    f.xtask(&["verify-release", "0.3.0"]).refused(&[
        "could not reproduce it",
        "demo.debug (different)",
        "release-manifest.json.minisig",
    ]);
}

#[test]
fn rebuild_refuses_an_unknown_tag_and_a_missing_manifest() {
    let f = Fixture::new("rebuild-refusals");
    f.xtask(&["rebuild", "v9.9.9"])
        .refused(&["no tag `v9.9.9`", "git fetch --tags"]);
    f.git(&["tag", "-a", "v0.3.0", "-m", "by hand"]);
    f.xtask(&["rebuild", "v0.3.0"])
        .refused(&["no release manifest for 0.3.0", "--manifest PATH_OR_URL"]);
    f.write(
        "elsewhere/release-manifest.json",
        "{\"schema\": 1, \"artifa",
    );
    f.xtask(&[
        "rebuild",
        "v0.3.0",
        "--manifest",
        "elsewhere/release-manifest.json",
    ])
    .refused(&["is not valid JSON"]);
    f.write(
        "elsewhere/release-manifest.json",
        "{\"schema\": 1, \"git\": {\"commit\": \"0000\"}, \"artifacts\": []}",
    );
    f.xtask(&[
        "rebuild",
        "v0.3.0",
        "--manifest",
        "elsewhere/release-manifest.json",
    ])
    .refused(&[
        "describes commit \"0000\"",
        "it is not this release's manifest",
    ]);

    // A manifest by URL (fetched with curl, when installed) is checked the same way.
    if ["/usr/bin/curl", "/bin/curl"]
        .iter()
        .any(|p| std::path::Path::new(p).exists())
    {
        let url = serve_once("{\"schema\": 1, \"git\": {\"commit\": \"1111\"}, \"artifacts\": []}");
        f.xtask(&[
            "rebuild",
            "v0.3.0",
            "--manifest",
            &format!("{url}/release-manifest.json"),
        ])
        .refused(&[&url, "describes commit \"1111\""]);
        let url = serve_once("");
        f.xtask(&[
            "rebuild",
            "v0.3.0",
            "--manifest",
            &format!("{url}/missing.json"),
        ])
        .refused(&["downloading", "404"]);
    }

    // A tag pinning a toolchain this machine does not have: say so, and how to install it.
    let pin = f.read("toolchain.toml").replace("\"1.95.0\"", "\"1.80.0\"");
    assert!(
        pin.contains("\"1.80.0\""),
        "the fixture's pin changed shape"
    );
    f.write("toolchain.toml", &pin);
    f.commit("an older pin");
    f.git(&["tag", "-a", "v0.5.0", "-m", "by hand"]);
    let head = String::from_utf8(f.git(&["rev-parse", "HEAD"]).stdout).unwrap();
    f.write(
        "target/releases/0.5.0/release-manifest.json",
        &format!(
            "{{\"schema\": 1, \"git\": {{\"commit\": \"{}\"}}, \"artifacts\": []}}",
            head.trim()
        ),
    );
    f.xtask(&["rebuild", "v0.5.0"]).refused(&[
        "tag v0.5.0 pins Rust 1.80.0",
        "rustup toolchain install 1.80.0",
    ]);
}

/// Serves one HTTP request on loopback: `body` with 200, or 404 when `body` is empty.
/// Returns the base URL.
fn serve_once(body: &'static str) -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap() > 0 && line != "\r\n" {
            line.clear();
        }
        let status = if body.is_empty() {
            "404 Not Found"
        } else {
            "200 OK"
        };
        write!(
            stream,
            "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
    });
    url
}
