//! Every refusal the foundation promises: each exits 1 with a message naming the cause and
//! the fix, never a panic.

mod fixture;

use fixture::{Fixture, VENDORED};
use std::fs;

#[test]
fn consistent_fixture_verifies() {
    let f = Fixture::new("consistent");
    let run = f.xtask(&["verify"]);
    run.ok();
    assert!(run.stdout.contains("verify: ok"), "{}", run.stdout);
}

#[test]
fn another_toolchain_than_the_pin_is_refused() {
    let f = Fixture::new("toolchain");
    // The real rustc 1.95.0 runs; the pin now names another version.
    let pin = f.read("toolchain.toml").replace("\"1.95.0\"", "\"1.94.1\"");
    f.write("toolchain.toml", &pin);
    f.commit("pin another toolchain");
    for cmd in ["verify", "build"] {
        f.xtask(&[cmd]).refused(&[
            "wrong toolchain",
            "pins rustc 1.94.1",
            "rustc 1.95.0",
            "rustup toolchain install 1.94.1",
        ]);
    }
}

#[test]
fn one_changed_byte_in_a_vendored_file_is_refused_even_after_a_good_build() {
    let f = Fixture::new("tamper");
    f.xtask(&["build", "--no-sandbox"]).ok();
    let file = f.path(&format!("vendor/{VENDORED}/src/lib.rs"));
    let mut bytes = fs::read(&file).unwrap();
    bytes[0] ^= 0x20;
    fs::write(&file, bytes).unwrap();
    let named = format!("vendor/{VENDORED}/src/lib.rs was modified");
    f.xtask(&["verify"]).refused(&[
        &named,
        "cfg-if 1.0.5",
        "git checkout -- vendor/cfg-if-1.0.5",
    ]);
    // The no-op fast path must not hide it.
    f.xtask(&["build", "--no-sandbox"]).refused(&[&named]);
}

#[test]
fn a_file_added_to_a_vendored_crate_is_refused() {
    let f = Fixture::new("added-file");
    f.write(&format!("vendor/{VENDORED}/build.rs"), "fn main() {}\n");
    f.xtask(&["verify"])
        .refused(&["vendor/cfg-if-1.0.5/build.rs is not listed in .cargo-checksum.json"]);
}

#[test]
fn a_dependency_added_without_revendoring_is_refused() {
    let f = Fixture::new("new-dep");
    let manifest = f.read("crates/demo/Cargo.toml") + "itoa = \"1\"\n";
    f.write("crates/demo/Cargo.toml", &manifest);
    for cmd in ["verify", "build"] {
        f.xtask(&[cmd]).refused(&[
            "crates/demo/Cargo.toml",
            "`itoa` (in [dependencies]) is not in Cargo.lock",
            "cargo xtask vendor",
        ]);
    }
}

#[test]
fn a_locked_package_missing_from_vendor_is_refused() {
    let f = Fixture::new("unvendored");
    fs::remove_dir_all(f.path(&format!("vendor/{VENDORED}"))).unwrap();
    f.xtask(&["verify"]).refused(&[
        "cfg-if 1.0.5 is in Cargo.lock but not vendored",
        "cargo xtask vendor",
    ]);
}

#[test]
fn a_lock_checksum_that_differs_from_vendor_is_refused() {
    let f = Fixture::new("checksum");
    let lock = f.read("Cargo.lock");
    let start = lock.find("checksum = \"").unwrap() + "checksum = \"".len();
    let mut tampered = lock.clone();
    tampered.replace_range(start..start + 4, "0000");
    f.write("Cargo.lock", &tampered);
    f.xtask(&["verify"])
        .refused(&["vendor/cfg-if-1.0.5: package checksum", "cfg-if 1.0.5"]);
}

#[test]
fn git_and_outside_path_dependencies_are_refused() {
    let f = Fixture::new("sources");
    let manifest = f.read("crates/demo/Cargo.toml")
        + "outside = { path = \"../../../elsewhere\" }\nfrom-git = { git = \"https://git.invalid/from-git\" }\n";
    f.write("crates/demo/Cargo.toml", &manifest);
    f.xtask(&["verify"]).refused(&[
        "`outside` has path = \"../../../elsewhere\", outside the checkout",
        "`from-git` is a git dependency",
    ]);
}

#[test]
fn a_workspace_crate_dependency_must_name_the_internal_registry() {
    let f = Fixture::new("internal-registry");
    let root = f.read("Cargo.toml").replace(
        "[workspace.package]\n",
        "[workspace.package]\npublish = [\"keel\"]\n",
    );
    let root = root
        + "\n[workspace.dependencies]\ndemo = { path = \"crates/demo\", version = \"0.3.0\" }\n";
    f.write("Cargo.toml", &root);
    f.xtask(&["verify"])
        .refused(&["`demo` is a workspace crate with a version but not registry = \"keel\""]);
}

#[test]
fn rust_toolchain_toml_must_stay_a_link_to_the_pin() {
    let f = Fixture::new("link");
    fs::remove_file(f.path("rust-toolchain.toml")).unwrap();
    fs::copy(f.path("toolchain.toml"), f.path("rust-toolchain.toml")).unwrap();
    f.xtask(&["verify"]).refused(&[
        "rust-toolchain.toml is a regular file",
        "ln -s toolchain.toml rust-toolchain.toml",
    ]);
}

#[test]
fn malformed_toolchain_toml_is_refused() {
    let f = Fixture::new("bad-pin");
    f.write("toolchain.toml", "[toolchain\nchannel = 1.95.0\n");
    for cmd in ["verify", "build"] {
        f.xtask(&[cmd]).refused(&["toolchain.toml is malformed"]);
    }
    // doctor reports on stdout, one line per check, and fails overall. Other checks
    // (free disk, say) may fail too on the machine running this, so the count is not fixed.
    let doctor = f.xtask(&["doctor"]);
    doctor.refused(&["failed; fix them as shown above"]);
    assert!(
        doctor.stdout.contains("FAIL  pin")
            && doctor.stdout.contains("toolchain.toml is malformed"),
        "{}",
        doctor.stdout
    );
    f.write("toolchain.toml", "[toolchain]\nchannel = \"1.95.0\"\n");
    f.xtask(&["build"])
        .refused(&["toolchain.toml is malformed", "missing [pin] table"]);
}

#[test]
fn malformed_cargo_toml_is_refused() {
    let f = Fixture::new("bad-manifest");
    f.write("crates/demo/Cargo.toml", "[package\nname = \"demo\"\n");
    for cmd in ["verify", "build"] {
        f.xtask(&[cmd])
            .refused(&["crates/demo/Cargo.toml is malformed TOML"]);
    }
}

#[test]
fn malformed_cargo_lock_is_refused() {
    let f = Fixture::new("bad-lock");
    f.write("Cargo.lock", "version = 4\n[[package]\nname = \"x\"\n");
    f.xtask(&["verify"])
        .refused(&["Cargo.lock is malformed", "cargo xtask vendor"]);
}

#[test]
fn every_problem_is_reported_at_once() {
    let f = Fixture::new("many");
    fs::remove_file(f.path("rust-toolchain.toml")).unwrap();
    let manifest = f.read("crates/demo/Cargo.toml") + "itoa = \"1\"\n";
    f.write("crates/demo/Cargo.toml", &manifest);
    f.xtask(&["verify"]).refused(&[
        "verify found 2 problems",
        "rust-toolchain.toml is missing",
        "`itoa`",
    ]);
}

#[test]
fn a_failed_vendor_run_leaves_vendor_and_the_locks_as_they_were() {
    let f = Fixture::new("vendor-fails");
    // No such version of the tool exists, so installing it fails, with or without network.
    let pin = f.read("toolchain.toml").replace(
        "cargo-vendor-filterer = \"0.5.18\"",
        "cargo-vendor-filterer = \"0.0.0-no-such-version\"",
    );
    f.write("toolchain.toml", &pin);
    let lock = f.read("Cargo.lock");
    f.xtask(&["vendor"])
        .refused(&["installing cargo-vendor-filterer 0.0.0-no-such-version failed"]);
    assert_eq!(f.read("Cargo.lock"), lock);
    f.xtask(&["verify"]).ok();
}

#[test]
fn a_dependency_breaking_the_policy_is_refused_naming_the_crate_and_the_rule() {
    let f = Fixture::new("policy");
    // The fixture's one dependency, cfg-if, is `MIT OR Apache-2.0`.
    let policy = |allow: &str, extra: &str| {
        f.write(
            "policy.toml",
            &format!(
                "[licenses]\nallow = [{allow}]\n\n[sources]\nallow = [\"crates-io\"]\n{extra}"
            ),
        );
    };
    policy("\"BSD-3-Clause\"", "");
    f.xtask(&["verify"]).refused(&[
        "crate `cfg-if`",
        "its license `MIT OR Apache-2.0` is not allowed by policy.toml",
    ]);
    policy("\"BSD-3-Clause\", \"Apache-2.0\"", "");
    f.xtask(&["verify"]).ok();
    policy(
        "\"MIT\"",
        "\n[[bans.crate]]\nname = \"cfg-if\"\nreason = \"a test ban\"\n",
    );
    f.xtask(&["verify"])
        .refused(&["crate `cfg-if`", "is banned by policy.toml (a test ban)"]);
    f.write(
        "policy.toml",
        "[licenses]\nallow = [\"MIT\"]\n[sources]\nallow = [\"keel\"]\n",
    );
    f.xtask(&["verify"]).refused(&[
        "crate `cfg-if`",
        "which policy.toml [sources] allow does not list (it allows keel)",
    ]);
    f.write("policy.toml", "[licenses]\nallow = [\"MIT OR\"]\n");
    f.xtask(&["verify"])
        .refused(&["policy.toml: licenses.allow entry `MIT OR`"]);
    f.write("policy.toml", "[license]\nallow = [\"MIT\"]\n");
    f.xtask(&["verify"])
        .refused(&["policy.toml: unknown table `license`"]);
}
