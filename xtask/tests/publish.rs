//! `cargo xtask publish` and `rebuild --registry` against Keel's own registry server on
//! loopback: publish a release (crates, packages, manifest), again (nothing to do), without
//! a token (refused), a conflicting release of the same version (refused, naming the crate),
//! and a rebuild whose manifest and released artifacts come from the registry.

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
        "[1/4] crate demo 0.3.0: published",
        "[2/4] package demo-0.3.0-x86_64-unknown-linux-gnu.tar.gz: published",
        "[4/4] release manifest (keel-release 0.3.0): published",
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

    let again = f.xtask_env(&["publish", "--registry", &reg.url], &token);
    again.ok();
    assert_eq!(
        again.stdout.matches("already published, identical").count(),
        4,
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

    // A rebuild from a fresh clone, with the manifest and released artifacts from the registry.
    let h = f.clone_to("publish-rebuild");
    let rebuild = h.xtask(&["rebuild", "v0.3.0", "--registry", &reg.url]);
    rebuild.ok();
    assert!(
        rebuild.stdout.contains("fetched from"),
        "{}",
        rebuild.stdout
    );
    assert!(
        rebuild.stdout.contains("4/4 artifacts identical"),
        "{}",
        rebuild.stdout
    );
}
