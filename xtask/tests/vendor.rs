//! `cargo xtask vendor` in the environment it really runs in: outside the checkout's offline
//! mode and vendored sources, with the checkout's registries. Everything here stays on
//! loopback: the third-party crate comes from Keel's own registry server, which also yanks it.
//!
//! The download itself needs the pinned cargo-vendor-filterer, which only crates.io has, so
//! it is not run here; every step before it is, as are the failures that stop it.

mod fixture;

use fixture::{Fixture, Registry, VENDORED};

/// The fixture's workspace shaped like Keel's: a library member named in
/// `[workspace.dependencies]` with `registry = "keel"` (as keel-replication is) and inherited
/// by the binary member (as keel-kv does), its one third-party dependency from `keel` too.
fn internal_registry_workspace(f: &Fixture, registry_index: &str, leaf_registry: &str) {
    let config = f
        .read(".cargo/config.toml")
        .replace("sparse+http://127.0.0.1:8520/index/", registry_index);
    assert!(config.contains(registry_index), "{config}");
    f.write(".cargo/config.toml", &config);
    let root = f.read("Cargo.toml")
        + &format!(
            "\n[workspace.dependencies]\n\
             user = {{ path = \"crates/user\", version = \"0.3.0\", registry = \"{leaf_registry}\" }}\n\
             leaf = {{ version = \"0.1\", registry = \"{leaf_registry}\" }}\n"
        );
    f.write("Cargo.toml", &root);
    f.write(
        "crates/user/Cargo.toml",
        "[package]\nname = \"user\"\nversion.workspace = true\nedition.workspace = true\n\
         license = \"MIT\"\npublish = [\"keel\"]\n\n[dependencies]\nleaf.workspace = true\n",
    );
    f.write(
        "crates/user/src/lib.rs",
        "pub fn greeting() -> &'static str { leaf::WORD }\n",
    );
    f.write(
        "crates/demo/Cargo.toml",
        "[package]\nname = \"demo\"\nversion.workspace = true\nedition.workspace = true\n\
         license = \"MIT\"\npublish = [\"keel\"]\n\n[dependencies]\nuser.workspace = true\n",
    );
    f.write(
        "crates/demo/src/main.rs",
        "fn main() { println!(\"{}\", user::greeting()); }\n",
    );
    std::fs::remove_dir_all(f.path(&format!("vendor/{VENDORED}"))).unwrap();
}

/// The real cargo, online, in the fixture (whose own config says offline).
fn cargo_online(f: &Fixture, args: &[&str]) {
    let out = f.cargo(&[&["--config", "net.offline=false"][..], args].concat());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "cargo {args:?}:\n{stderr}");
}

/// A cargo home of the test's own, beside the fixture and outside every checkout: vendoring
/// uses the caller's cargo home, and `cargo install` reads the configuration of the cargo
/// home's ancestors (the test run's own is inside Keel's checkout, offline).
struct CargoHome(std::path::PathBuf);

impl CargoHome {
    fn beside(f: &Fixture) -> CargoHome {
        let mut name = f.root.file_name().unwrap().to_os_string();
        name.push("-cargo-home");
        let dir = f.root.with_file_name(name);
        std::fs::create_dir_all(&dir).unwrap();
        CargoHome(dir)
    }

    fn env(&self) -> [(&str, &str); 1] {
        [("CARGO_HOME", self.0.to_str().unwrap())]
    }
}

impl Drop for CargoHome {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn vendor_listing(f: &Fixture) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(f.path("vendor"))
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn vendoring_loads_a_workspace_that_names_the_internal_registry_and_reports_yanks() {
    let f = Fixture::new("vendor-check");
    let reg = Registry::start(&f.path("target/registry-store"));
    internal_registry_workspace(&f, &format!("sparse+{}/index/", reg.url), "keel");

    // leaf 0.1.0, published to the loopback registry by the real cargo.
    f.write(
        "target/leaf/Cargo.toml",
        "[package]\nname = \"leaf\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
         description = \"a leaf\"\nlicense = \"MIT\"\n\n[workspace]\n",
    );
    f.write(
        "target/leaf/src/lib.rs",
        "pub const WORD: &str = \"leaf\";\n",
    );
    let publish = [
        "publish",
        "--manifest-path",
        "target/leaf/Cargo.toml",
        "--registry",
        "keel",
        "--token",
        &reg.token,
        "--allow-dirty",
        "--no-verify",
    ];
    cargo_online(&f, &publish);
    cargo_online(&f, &["generate-lockfile"]);
    assert!(f.read("Cargo.lock").contains("name = \"leaf\""));
    f.commit("a workspace on the internal registry");

    let home = CargoHome::beside(&f);
    let check = f.xtask_env(&["vendor", "--check"], &home.env());
    check.ok();
    assert!(
        check
            .stdout
            .contains("both workspaces load in vendoring's environment"),
        "{}",
        check.stdout
    );
    assert!(
        check
            .stdout
            .contains("no locked package is yanked (1 checked)"),
        "{}",
        check.stdout
    );

    // Yanked after it was locked: the lock keeps it, and vendoring says so.
    let yank = [
        "yank",
        "--registry",
        "keel",
        "--token",
        &reg.token,
        "leaf@0.1.0",
    ];
    cargo_online(&f, &yank);
    let lock = f.read("Cargo.lock");
    let check = f.xtask_env(&["vendor", "--check"], &home.env());
    check.ok();
    assert!(
        check.stdout.contains(
            "Cargo.lock keeps leaf 0.1.0, which its registry has yanked; \
             `cargo xtask vendor --update leaf@0.1.0`"
        ),
        "{}",
        check.stdout
    );
    assert_eq!(f.read("Cargo.lock"), lock, "--check changed the lock file");

    f.xtask_env(&["vendor", "--update", "nothing-locked"], &home.env())
        .refused(&[
            "--update nothing-locked",
            "neither Cargo.lock nor xtask/Cargo.lock",
        ]);
}

#[test]
fn a_manifest_naming_an_unconfigured_registry_is_a_configuration_error_not_the_network() {
    let f = Fixture::new("vendor-config");
    internal_registry_workspace(&f, "sparse+http://127.0.0.1:8520/index/", "elsewhere");
    f.commit("a registry nobody configured");
    let home = CargoHome::beside(&f);
    let run = f.xtask_env(&["vendor"], &home.env());
    run.refused(&[
        "Cargo.toml does not load in vendoring's environment",
        "a manifest or configuration error, not a network one",
        "registry index was not found in any configuration: `elsewhere`",
        "vendor/ and the lock files are unchanged",
    ]);
    assert!(!run.stderr.contains("could not reach"), "{}", run.stderr);
    assert!(
        !f.path("target/keel/tools").exists(),
        "the tool was installed before the manifests were checked"
    );
}

#[test]
fn an_unreachable_registry_is_reported_as_the_network_and_changes_nothing() {
    let f = Fixture::new("vendor-unreachable");
    // Nothing listens on port 1; the lock does not yet hold leaf, so cargo must ask.
    internal_registry_workspace(&f, "sparse+http://127.0.0.1:1/index/", "keel");
    f.commit("a registry that does not answer");
    let (lock, vendor) = (f.read("Cargo.lock"), vendor_listing(&f));
    let home = CargoHome::beside(&f);
    // No retries: a refused connection is final, and cargo's back-off would cost ~20 s.
    let env = [home.env()[0], ("CARGO_NET_RETRY", "0")];
    let run = f.xtask_env(&["vendor"], &env);
    // Under `cargo xtask test` the network is a namespace with loopback only, so this fails
    // installing the tool; with the tool installed, it fails asking 127.0.0.1:1. Either way
    // it is a registry out of reach, and nothing changed.
    run.refused(&[
        "could not reach a registry",
        "vendor/ and the lock files are unchanged",
    ]);
    assert!(
        !run.stderr.contains("manifest or configuration error"),
        "{}",
        run.stderr
    );
    assert_eq!(f.read("Cargo.lock"), lock);
    assert_eq!(vendor_listing(&f), vendor);
}
