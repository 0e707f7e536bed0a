//! The command line as a user meets it: real `--help`, and unknown or missing flags refused
//! with exit code 2 and the flag named, before anything runs.

const CLI: keel_testkit::Cli = keel_testkit::Cli(env!("CARGO_BIN_EXE_keel-registry"));

#[test]
fn help_lists_the_commands_and_flags() {
    CLI.helps(&["--help"], &["serve", "token", "--dir"]);
    CLI.helps(&["token", "--help"], &["new", "list", "revoke"]);
    CLI.helps(
        &["token", "new", "--help"],
        &["--scope", "--crates", "--expires", "--admin", "--name"],
    );
    CLI.helps(
        &["serve", "--help"],
        &["--addr", "--base-url", "--auth-required"],
    );
}

#[test]
fn unknown_and_missing_flags_are_refused() {
    CLI.refused(&["serve"], &["--dir"]);
    CLI.refused(
        &["serve", "--dir", "/nonexistent-keel", "--bogus"],
        &["--bogus"],
    );
    CLI.refused(
        &["serve", "--dir", "/nonexistent-keel", "--addr", "nowhere"],
        &["--addr"],
    );
    CLI.refused(
        &["token", "new", "--dir", "/nonexistent-keel"],
        &["PRINCIPAL"],
    );
    let new = ["token", "new", "--dir", "/nonexistent-keel", "ci"];
    let with = |extra: &[&'static str]| [&new[..], extra].concat();
    CLI.refused(
        &with(&["--scope", "publish"]),
        &[
            "--scope",
            "`publish` is not a scope",
            "publish-new, publish-update, yank, change-owners",
        ],
    );
    CLI.refused(
        &with(&["--crates", "a*b"]),
        &["--crates", "not a crate-name pattern"],
    );
    CLI.refused(&with(&["--expires", "soon"]), &["--expires", "90d"]);
    CLI.refused(
        &with(&["--expires", "2020-01-01"]),
        &["--expires", "in the past"],
    );
    assert!(
        !std::path::Path::new("/nonexistent-keel").exists(),
        "a refused command creates nothing"
    );
}
