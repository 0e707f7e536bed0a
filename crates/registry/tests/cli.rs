//! The command line as a user meets it: real `--help`, and unknown or missing flags refused
//! with exit code 2 and the flag named, before anything runs.

const CLI: keel_testkit::Cli = keel_testkit::Cli(env!("CARGO_BIN_EXE_keel-registry"));

#[test]
fn help_lists_the_commands_and_flags() {
    CLI.helps(&["--help"], &["serve", "token", "--dir"]);
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
    CLI.refused(&["token", "new", "--dir", "/nonexistent-keel"], &["OWNER"]);
}
