//! The command line as a user meets it: real `--help`, and unknown or missing flags refused
//! with exit code 2 and the flag named, before anything runs.

const CLI: keel_testkit::Cli = keel_testkit::Cli(env!("CARGO_BIN_EXE_keel-kv"));

#[test]
fn help_lists_every_command_and_the_serve_flags() {
    CLI.helps(
        &["--help"],
        &["serve", "put", "get", "delete", "status", "load"],
    );
    CLI.helps(
        &["serve", "--help"],
        &[
            "--peers",
            "--dir",
            "--election-timeout-ms",
            "[default: 1000]",
        ],
    );
}

#[test]
fn unknown_and_missing_flags_are_refused() {
    CLI.refused(
        &["put", "--servers", "1=127.0.0.1:1", "--bogus", "k", "v"],
        &["--bogus"],
    );
    CLI.refused(
        &["serve", "--listen", "127.0.0.1:1"],
        &["--id", "--peers", "--dir"],
    );
    CLI.refused(
        &["get", "--servers", "1=nowhere", "k"],
        &["--servers", "HOST:PORT"],
    );
    CLI.refused(&["frob"], &["frob"]);
}
