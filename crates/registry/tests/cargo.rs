//! The real `cargo` as keel-registry's client: `cargo publish`, `cargo search`, `cargo yank`,
//! and a fresh project outside Keel that depends on a published crate and builds, its
//! third-party dependency coming from Keel's vendor/ through source replacement.

mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Output};

fn keel_vendor() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../vendor")
        .canonicalize()
        .unwrap()
}

/// `cargo` with a private CARGO_HOME, the registry as `keel`, and crates.io from vendor/.
fn cargo(project: &Path, home: &Path, args: &[&str]) -> Output {
    cargo_with(project, home, &[], args)
}

/// [`cargo`], with more environment.
fn cargo_with(project: &Path, home: &Path, env: &[(&str, &Path)], args: &[&str]) -> Output {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    Command::new(cargo)
        .current_dir(project)
        .env("CARGO_HOME", home)
        .envs(env.iter().copied())
        .env_remove("CARGO_TARGET_DIR")
        .args(args)
        .output()
        .unwrap()
}

fn ok(out: &Output, what: &str) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{what} failed:\n{text}");
    text
}

fn project(dir: &Path, _name: &str, manifest: &str, src: (&str, &str), registry: &str) {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::create_dir_all(dir.join(".cargo")).unwrap();
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(dir.join("src").join(src.0), src.1).unwrap();
    std::fs::write(
        dir.join(".cargo/config.toml"),
        format!(
            "[registries.keel]\nindex = \"sparse+{registry}/index/\"\n\n\
             [source.crates-io]\nreplace-with = \"vendored\"\n\n\
             [source.vendored]\ndirectory = \"{}\"\n",
            keel_vendor().display()
        ),
    )
    .unwrap();
}

#[test]
fn the_real_cargo_publishes_searches_yanks_and_builds_against_the_registry() {
    let scratch = Scratch::new("cargo");
    let (reg, home) = (scratch.0.join("registry"), scratch.0.join("cargo-home"));
    let t = token(&reg, "ci");
    let s = Server::start(&reg, &[]);

    // A library with a third-party dependency (from Keel's vendor/).
    let lib = scratch.0.join("sample");
    project(
        &lib,
        "sample",
        "[package]\nname = \"keel-sample\"\nversion = \"0.4.2\"\nedition = \"2021\"\n\
         description = \"a sample\"\nlicense = \"MIT\"\npublish = [\"keel\"]\n\n\
         [dependencies]\ncfg-if = \"1\"\n",
        (
            "lib.rs",
            "cfg_if::cfg_if! { if #[cfg(unix)] { pub fn os() -> &'static str { \"unix\" } } else { pub fn os() -> &'static str { \"other\" } } }\n",
        ),
        &s.url,
    );
    ok(
        &cargo(&lib, &home, &["generate-lockfile"]),
        "generate-lockfile",
    );
    let publish = [
        "publish",
        "--registry",
        "keel",
        "--token",
        &t,
        "--allow-dirty",
    ];
    let out = cargo(&lib, &home, &publish);
    ok(&out, "cargo publish");
    assert_eq!(check_store(&reg), 1);
    let line = http(&s.addr, "GET", "/index/ke/el/keel-sample", &[], b"").text();
    assert!(line.contains("\"name\":\"cfg-if\""), "{line}");

    // Publishing the same version again is refused by cargo itself, naming it.
    let again = cargo(&lib, &home, &publish);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("keel-sample@0.4.2 already exists"));

    let found = ok(
        &cargo(&lib, &home, &["search", "--registry", "keel", "sample"]),
        "cargo search",
    );
    assert!(found.contains("keel-sample = \"0.4.2\""), "{found}");
    assert!(found.contains("a sample"), "{found}");

    // A fresh consumer outside Keel builds and runs against the registry.
    let app = scratch.0.join("app");
    project(
        &app,
        "app",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [dependencies]\nkeel-sample = { version = \"0.4\", registry = \"keel\" }\n",
        (
            "main.rs",
            "fn main() { println!(\"on {}\", keel_sample::os()); }\n",
        ),
        &s.url,
    );
    let run = ok(
        &cargo(&app, &home, &["run", "--quiet"]),
        "cargo run of the consumer",
    );
    assert!(run.contains("on unix"), "{run}");

    // Yank: a new resolution refuses the version; unyank restores it.
    ok(
        &cargo(
            &lib,
            &home,
            &[
                "yank",
                "--registry",
                "keel",
                "--token",
                &t,
                "--version",
                "0.4.2",
                "keel-sample",
            ],
        ),
        "cargo yank",
    );
    assert!(
        http(&s.addr, "GET", "/index/ke/el/keel-sample", &[], b"")
            .text()
            .contains("\"yanked\":true")
    );
    std::fs::remove_file(app.join("Cargo.lock")).unwrap();
    let yanked = cargo(&app, &home, &["generate-lockfile"]);
    assert!(
        !yanked.status.success(),
        "a yanked version must not resolve"
    );
    ok(
        &cargo(
            &lib,
            &home,
            &[
                "yank",
                "--undo",
                "--registry",
                "keel",
                "--token",
                &t,
                "--version",
                "0.4.2",
                "keel-sample",
            ],
        ),
        "cargo yank --undo",
    );
    ok(
        &cargo(&app, &home, &["generate-lockfile"]),
        "resolution after unyank",
    );
}

#[test]
fn cargo_resolves_all_of_sixteen_concurrent_publishes() {
    let scratch = Scratch::new("cargo-concurrent");
    let (reg, home) = (scratch.0.join("registry"), scratch.0.join("cargo-home"));
    let t = token(&reg, "ci");
    let s = Server::start(&reg, &[]);
    let threads: Vec<_> = (0..16)
        .map(|i| {
            let (addr, t) = (s.addr.clone(), t.clone());
            std::thread::spawn(move || {
                let r = publish(
                    &addr,
                    &t,
                    &format!("many{}", i % 8),
                    &format!("1.{}.0", i / 8),
                    "",
                );
                assert_eq!(r.status, 200, "{}", r.text());
            })
        })
        .collect();
    for th in threads {
        th.join().unwrap();
    }
    // Every index file well-formed, each crate with both versions.
    assert_eq!(check_store(&reg), 16);
    for i in 0..8 {
        let idx = http(&s.addr, "GET", &format!("/index/ma/ny/many{i}"), &[], b"");
        assert_eq!(idx.text().lines().count(), 2, "many{i}: {}", idx.text());
    }
    // A consumer of every crate (the newest versions resolve); then of every older version.
    let app = scratch.0.join("app");
    for req in ["1.1", "=1.0.0"] {
        let deps: String = (0..8)
            .map(|i| format!("many{i} = {{ version = \"{req}\", registry = \"keel\" }}\n"))
            .collect();
        project(
            &app,
            "app",
            &format!(
                "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{deps}"
            ),
            ("main.rs", "fn main() {}\n"),
            &s.url,
        );
        let _ = std::fs::remove_file(app.join("Cargo.lock"));
        ok(
            &cargo(&app, &home, &["generate-lockfile"]),
            "resolving all sixteen",
        );
        let lock = std::fs::read_to_string(app.join("Cargo.lock")).unwrap();
        let want = if req == "1.1" { "1.1.0" } else { "1.0.0" };
        assert_eq!(
            lock.matches(&format!("version = \"{want}\"")).count(),
            8,
            "{lock}"
        );
    }
}

fn failed(out: &Output, what: &str) -> String {
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !out.status.success(),
        "{what} should have been refused:\n{text}"
    );
    text
}

/// The sequence, with the real `cargo publish`, `cargo yank` and `cargo owner`: a
/// crate belongs to who published it first, and only its owners change it.
#[test]
fn only_a_crates_owners_publish_yank_and_change_its_owners() {
    let scratch = Scratch::new("owners");
    let (reg, home) = (scratch.0.join("registry"), scratch.0.join("cargo-home"));
    let alice = token(&reg, "alice");
    let bob = token(&reg, "bob");
    let s = Server::start(&reg, &[]);
    let crate_at = |version: &str, body: &str| {
        let dir = scratch.0.join(format!("teamacrate-{version}"));
        project(
            &dir,
            "teamacrate",
            &format!(
                "[package]\nname = \"teamacrate\"\nversion = \"{version}\"\nedition = \"2021\"\n\
                 description = \"a team's crate\"\nlicense = \"MIT\"\npublish = [\"keel\"]\n"
            ),
            ("lib.rs", body),
            &s.url,
        );
        dir
    };
    let as_ = |who: &str, dir: &Path, args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--registry", "keel", "--token", who]);
        cargo(dir, &home, &all)
    };
    let publish = ["publish", "--allow-dirty", "--no-verify"];
    let v1 = crate_at("0.1.0", "pub fn team() -> u32 { 1 }\n");
    ok(
        &as_(&alice, &v1, &publish),
        "alice publishes teamacrate 0.1.0",
    );
    let index = || http(&s.addr, "GET", "/index/te/am/teamacrate", &[], b"").text();
    let published = index();

    // Bob can neither yank alice's crate nor publish a version of it.
    let yank = ["yank", "--version", "0.1.0", "teamacrate"];
    let refused = failed(&as_(&bob, &v1, &yank), "bob's yank");
    assert!(refused.contains("403"), "{refused}");
    assert!(
        refused.contains("bob is not an owner of the crate `teamacrate`; its owners are alice"),
        "{refused}"
    );
    let v2 = crate_at("0.2.0", "pub fn team() -> u32 { 666 }\n");
    let refused = failed(&as_(&bob, &v2, &publish), "bob's publish of 0.2.0");
    assert!(refused.contains("its owners are alice"), "{refused}");
    assert_eq!(index(), published, "the refusals changed nothing");
    assert_eq!(check_store(&reg), 1);

    // Bob cannot make himself an owner; alice can.
    let refused = failed(
        &as_(&bob, &v1, &["owner", "--add", "bob", "teamacrate"]),
        "bob adding himself",
    );
    assert!(refused.contains("its owners are alice"), "{refused}");
    let listed = ok(
        &as_(&bob, &v1, &["owner", "--list", "teamacrate"]),
        "cargo owner --list",
    );
    assert!(
        listed.contains("alice") && !listed.contains("bob"),
        "{listed}"
    );
    let added = ok(
        &as_(&alice, &v1, &["owner", "--add", "bob", "teamacrate"]),
        "alice adds bob",
    );
    assert!(
        added.contains("teamacrate now owned by alice, bob"),
        "{added}"
    );
    let typo = failed(
        &as_(&alice, &v1, &["owner", "--add", "bobb", "teamacrate"]),
        "adding a stranger",
    );
    assert!(typo.contains("no principal `bobb`"), "{typo}");

    // Now bob publishes; the last owner cannot be removed.
    ok(&as_(&bob, &v2, &publish), "bob publishes 0.2.0");
    assert!(index().contains("\"vers\":\"0.2.0\""));
    ok(
        &as_(&bob, &v1, &["owner", "--remove", "alice", "teamacrate"]),
        "bob removes alice",
    );
    let last = failed(
        &as_(&bob, &v1, &["owner", "--remove", "bob", "teamacrate"]),
        "removing the last owner",
    );
    assert!(last.contains("no owner; add another owner first"), "{last}");
    let listed = ok(
        &as_(&alice, &v1, &["owner", "--list", "teamacrate"]),
        "cargo owner --list",
    );
    assert!(
        listed.contains("bob") && !listed.contains("alice"),
        "{listed}"
    );
    let refused = failed(&as_(&alice, &v1, &yank), "alice's yank once removed");
    assert!(refused.contains("its owners are bob"), "{refused}");
}

/// The registry over TLS, with a certificate from a CA this test makes: the real cargo
/// publishes, searches and builds a consumer through it, trusting the CA the way cargo is
/// told to (CARGO_HTTP_CAINFO); another CA is refused naming the certificate; SIGHUP
/// switches new handshakes to a new certificate, a bad one is not taken, and connections
/// open across the reloads (idle, or mid-upload) are not dropped.
#[test]
fn cargo_publishes_and_builds_over_tls_and_sighup_reloads_the_certificate() {
    let scratch = Scratch::new("tls");
    let (reg, home) = (scratch.0.join("registry"), scratch.0.join("cargo-home"));
    let (ca, cert, key) = test_ca(&scratch.0.join("ca1"), "first");
    let (ca2, cert2, key2) = test_ca(&scratch.0.join("ca2"), "second");
    let t = token(&reg, "ci");
    // The server reads the files it was started with again on SIGHUP.
    let (live_cert, live_key) = (scratch.0.join("live.pem"), scratch.0.join("live.key"));
    std::fs::copy(&cert, &live_cert).unwrap();
    std::fs::copy(&key, &live_key).unwrap();
    let log = scratch.0.join("serve.log");
    let s = Server::start_logged(
        &reg,
        &[
            "--tls-cert",
            live_cert.to_str().unwrap(),
            "--tls-key",
            live_key.to_str().unwrap(),
        ],
        &log,
    );
    assert!(s.url.starts_with("https://127.0.0.1:"), "{}", s.url);

    let with_ca = |dir: &Path, ca: &Path, args: &[&str]| {
        cargo_with(dir, &home, &[("CARGO_HTTP_CAINFO", ca)], args)
    };
    let lib = scratch.0.join("secure");
    project(
        &lib,
        "secure",
        "[package]\nname = \"secure-lib\"\nversion = \"1.0.0\"\nedition = \"2021\"\n\
         description = \"over TLS\"\nlicense = \"MIT\"\npublish = [\"keel\"]\n",
        ("lib.rs", "pub fn answer() -> u32 { 42 }\n"),
        &s.url,
    );
    let publish = [
        "publish",
        "--registry",
        "keel",
        "--token",
        &t,
        "--allow-dirty",
        "--no-verify",
    ];
    ok(&with_ca(&lib, &ca, &publish), "cargo publish over TLS");
    let found = ok(
        &with_ca(&lib, &ca, &["search", "--registry", "keel", "secure"]),
        "cargo search",
    );
    assert!(found.contains("secure-lib = \"1.0.0\""), "{found}");

    let app = scratch.0.join("app");
    project(
        &app,
        "app",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [dependencies]\nsecure-lib = { version = \"1\", registry = \"keel\" }\n",
        (
            "main.rs",
            "fn main() { println!(\"answer {}\", secure_lib::answer()); }\n",
        ),
        &s.url,
    );
    let run = ok(
        &with_ca(&app, &ca, &["run", "-q"]),
        "a consumer build over TLS",
    );
    assert!(run.contains("answer 42"), "{run}");

    // The CA cargo is told to trust did not sign this certificate.
    let refused = with_ca(&lib, &ca2, &["search", "--registry", "keel", "secure"]);
    let text = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success() && text.contains("certificate"),
        "{text}"
    );

    // Connections in flight across the reloads: one idle between requests, one in the
    // middle of an upload. Neither may be dropped.
    let mut idle = TlsConn::open(&s.addr, &ca).unwrap();
    assert_eq!(
        idle.request("GET", "/index/config.json", &[], &[]).status,
        200
    );
    let mut uploading = TlsConn::open(&s.addr, &ca).unwrap();
    let upload = publish_body(
        &meta("inflight", "1.0.0"),
        &crate_file("inflight", "1.0.0", "x"),
    );
    let half = upload.len() / 2;
    uploading.begin(
        "PUT",
        "/api/v1/crates/new",
        &[("Authorization", &t)],
        &upload,
        half,
    );

    let hup = || {
        let status = Command::new("kill")
            .args(["-HUP", &s.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    };
    // SIGHUP with a key that does not match: refused, and the old certificate stays.
    std::fs::copy(&cert2, &live_cert).unwrap();
    hup();
    await_log(&log, "keeping the previous certificate", 1);
    assert!(
        TlsConn::open(&s.addr, &ca).is_ok(),
        "the old certificate was dropped"
    );
    assert!(
        TlsConn::open(&s.addr, &ca2).is_err(),
        "a mismatched key was taken"
    );
    // With its key, the new certificate serves every new handshake.
    std::fs::copy(&key2, &live_key).unwrap();
    hup();
    await_log(&log, "new handshakes get the reloaded certificate", 1);
    assert!(
        TlsConn::open(&s.addr, &ca2).is_ok(),
        "the new certificate does not serve"
    );
    let old = TlsConn::open(&s.addr, &ca);
    assert!(old.is_err(), "the old CA still verifies a new handshake");

    // The connections opened before both reloads carry on.
    assert_eq!(
        idle.request("GET", "/index/config.json", &[], &[]).status,
        200
    );
    let done = uploading.finish(&upload[half..]);
    assert_eq!(done.status, 200, "{}", done.text());
    // And the real cargo, trusting only the new CA, sees both crates.
    let found = ok(
        &with_ca(&lib, &ca2, &["search", "--registry", "keel", "inflight"]),
        "cargo search with the new certificate",
    );
    assert!(found.contains("inflight = \"1.0.0\""), "{found}");
}
