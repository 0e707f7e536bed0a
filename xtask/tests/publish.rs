//! `cargo xtask publish` and `rebuild --registry` against Keel's own registry server on
//! loopback: publish a release (crates, packages, manifest), again (nothing to do), without
//! a token (refused), a conflicting release of the same version (refused, naming the crate);
//! and over TLS, with the organization's CA and a token from a credential provider, a publish,
//! a stranger's refused one, and a rebuild whose manifest and artifacts come from the registry.

mod fixture;

use fixture::{Fixture, Registry};

#[test]
fn publish_is_complete_idempotent_authenticated_and_refuses_conflicts() {
    let f = Fixture::with_real_xtask("publish");
    let store = f.path("target/registry-store"); // ignored by git: the tree stays clean
    let reg = Registry::start(&store);
    let token = [("KEEL_REGISTRY_TOKEN", reg.token.as_str())];
    f.xtask(&["release", "0.3.0", "--no-publish"]).ok();

    f.xtask(&["publish", "--registry", &reg.url])
        .refused(&["needs a token", "KEEL_REGISTRY_TOKEN"]);
    let dry = f.xtask(&["publish", "--registry", &reg.url, "--dry-run"]);
    dry.ok();
    assert!(
        dry.stdout.contains("crate demo 0.3.0: would publish"),
        "{}",
        dry.stdout
    );
    assert!(
        !store.join("crates/demo").exists(),
        "a dry run wrote something"
    );

    f.xtask_env(
        &["publish", "--registry", &reg.url],
        &[("KEEL_REGISTRY_TOKEN", "keel_not_a_real_token")],
    )
    .refused(&["refused the token (403", "KEEL_REGISTRY_TOKEN"]);
    assert!(
        !store.join("crates/demo").exists(),
        "a refused token wrote something"
    );

    let run = f.xtask_env(&["publish", "--registry", &reg.url], &token);
    run.ok();
    for line in [
        "[1/9] crate demo 0.3.0: published",
        "[2/9] package demo-0.3.0-x86_64-unknown-linux-gnu.tar.gz: published",
        "[9/9] release manifest (keel-release 0.3.0): published",
    ] {
        assert!(run.stdout.contains(line), "{line}:\n{}", run.stdout);
    }
    // The registry holds the release's exact bytes.
    let released = std::fs::read(f.path("target/releases/0.3.0/crates/demo-0.3.0.crate")).unwrap();
    assert_eq!(
        std::fs::read(store.join("crates/demo/demo-0.3.0.crate")).unwrap(),
        released
    );
    let index = std::fs::read_to_string(store.join("index/de/mo/demo")).unwrap();
    assert!(index.contains(&fixture::sha256_hex(&released)), "{index}");

    // The release's rustdoc, at /docs/<crate>/<version>/ (which leads to the crate's page).
    let mut docs = ureq::get(format!("{}/docs/demo/0.3.0/", reg.url))
        .call()
        .unwrap();
    let html = docs.body_mut().read_to_string().unwrap();
    assert!(html.contains("<title>demo - Rust</title>"), "{html}");
    // Debugging what was published: tests/debugging.rs.

    // Again, the token now from a provider executable speaking cargo's credential-provider
    // protocol, which answers only for this registry's index.
    // (On PATH by a bare name: the fixture's path holds a space, and cargo splits this list on spaces.)
    std::fs::create_dir_all(f.path("target/bin")).unwrap();
    let plugin = f.path("target/bin/keel-test-credential");
    std::fs::write(
        &plugin,
        format!(
            "#!/bin/sh\n[ \"$1\" = --cargo-plugin ] || exit 2\necho '{{\"v\":[1]}}'\nread request\n\
             case $request in\n*'\"kind\":\"get\"'*'\"index-url\":\"sparse+{}/index/\"'*) \
             echo '{{\"Ok\":{{\"kind\":\"get\",\"token\":\"{}\",\"cache\":\"session\",\"operation_independent\":true}}}}' ;;\n\
             *) echo '{{\"Err\":{{\"kind\":\"not-found\"}}}}' ;;\nesac\n",
            reg.url, reg.token
        ),
    )
    .unwrap();
    let mut perm = std::fs::metadata(&plugin).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o755);
    std::fs::set_permissions(&plugin, perm).unwrap();
    let path = format!(
        "{}:{}",
        f.path("target/bin").display(),
        std::env::var("PATH").unwrap()
    );
    let again = f.xtask_env(
        &["publish", "--registry", &reg.url],
        &[
            (
                "CARGO_REGISTRY_GLOBAL_CREDENTIAL_PROVIDERS",
                "keel-test-credential",
            ),
            ("PATH", &path),
        ],
    );
    again.ok();
    assert_eq!(
        again.stdout.matches("already published, identical").count(),
        9,
        "{}",
        again.stdout
    );

    // Another checkout releases different code as the same version: refused, named.
    let g = Fixture::with_real_xtask("publish-conflict");
    g.write(
        "crates/demo/src/main.rs",
        "fn main() { println!(\"other\"); }\n",
    );
    g.commit("different code, same version");
    g.xtask(&["release", "0.3.0", "--no-publish"]).ok();
    g.xtask_env(&["publish", "--registry", &reg.url], &token)
        .refused(&[
            "crate demo 0.3.0 is already in",
            "different bytes",
            "immutable",
        ]);
}

#[test]
fn publish_and_rebuild_over_tls_trust_the_named_ca_and_take_the_token_from_a_provider() {
    let f = Fixture::with_real_xtask("publish-tls");
    let (ca, cert, key) = fixture::test_ca(&f.path("target/ca"), "corp");
    let (other_ca, _, _) = fixture::test_ca(&f.path("target/other-ca"), "other");
    let store = f.path("target/registry-store");
    let reg = Registry::start_tls(&store, &cert, &key);
    assert!(reg.url.starts_with("https://127.0.0.1:"), "{}", reg.url);
    f.xtask(&["release", "0.3.0", "--no-publish"]).ok();

    // The registry's CA is neither among the system's roots nor named: refused, saying why.
    let token = [("KEEL_REGISTRY_TOKEN", reg.token.as_str())];
    f.xtask_env(&["publish", "--registry", &reg.url], &token)
        .refused(&["not trusted", "UnknownIssuer", "CARGO_HTTP_CAINFO"]);
    let wrong = other_ca.to_str().unwrap();
    f.xtask_env(
        &["publish", "--registry", &reg.url],
        &[token[0], ("CARGO_HTTP_CAINFO", wrong)],
    )
    .refused(&["UnknownIssuer", wrong]);
    assert!(
        !store.join("crates/demo").exists(),
        "an untrusted connection published"
    );

    // The organization's setup, as cargo reads it: the registry by name, `http.cainfo`
    // relative to the checkout, and the token from a `cargo:token-from-stdout` provider.
    let token_file = f.path("target/ci-token");
    std::fs::write(&token_file, format!("{}\n", reg.token)).unwrap();
    let mut config = f.read(".cargo/config.toml");
    config.push_str(&format!(
        "\n[registries.corp]\nindex = \"sparse+{}/index/\"\n\
         credential-provider = [\"cargo:token-from-stdout\", \"cat\", \"{}\"]\n\
         \n[http]\ncainfo = \"target/ca/ca.pem\"\n",
        reg.url,
        token_file.display()
    ));
    f.write(".cargo/config.toml", &config);
    let run = f.xtask(&["publish", "--registry", "corp"]);
    run.ok();
    assert!(
        run.stdout
            .contains("[9/9] release manifest (keel-release 0.3.0): published"),
        "{}",
        run.stdout
    );
    let released = std::fs::read(f.path("target/releases/0.3.0/crates/demo-0.3.0.crate")).unwrap();
    assert_eq!(
        std::fs::read(store.join("crates/demo/demo-0.3.0.crate")).unwrap(),
        released
    );

    // Another principal's valid token may not publish over the owner's crate: the
    // registry's reason is shown.
    let g = Fixture::with_real_xtask("publish-tls-stranger");
    g.write(
        "crates/demo/src/main.rs",
        "fn main() { println!(\"mine\"); }\n",
    );
    let manifest = g
        .read("Cargo.toml")
        .replace("version = \"0.3.0\"", "version = \"0.4.0\"");
    g.write("Cargo.toml", &manifest);
    assert!(
        g.cargo(&["generate-lockfile", "--offline"])
            .status
            .success()
    );
    g.commit("a stranger's demo");
    g.xtask(&["release", "0.4.0", "--no-publish"]).ok();
    let mallory = reg.token_for("mallory");
    g.xtask_env(
        &["publish", "--registry", &reg.url],
        &[
            ("KEEL_REGISTRY_TOKEN", &mallory),
            ("CARGO_HTTP_CAINFO", ca.to_str().unwrap()),
        ],
    )
    .refused(&[
        "refused the token (403",
        "mallory is not an owner of the crate `demo`",
        "its owners are ci",
    ]);

    // A rebuild from a fresh clone, with the manifest and released artifacts fetched over TLS.
    let h = f.clone_to("publish-tls-rebuild");
    let rebuild = h.xtask_env(
        &["rebuild", "v0.3.0", "--registry", &reg.url],
        &[("CARGO_HTTP_CAINFO", ca.to_str().unwrap())],
    );
    rebuild.ok();
    assert!(
        rebuild.stdout.contains("fetched from"),
        "{}",
        rebuild.stdout
    );
    assert!(
        rebuild.stdout.contains("7/7 artifacts identical"),
        "{}",
        rebuild.stdout
    );
}
