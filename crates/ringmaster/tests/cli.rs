//! The command line as a user meets it: real `--help`, and unknown or missing flags refused
//! with exit code 2 and the flag named, before anything runs.

const CLI: keel_testkit::Cli = keel_testkit::Cli(env!("CARGO_BIN_EXE_ringmaster"));

#[test]
fn help_lists_the_commands_and_operations() {
    CLI.helps(&["--help"], &["serve", "cli"]);
    CLI.helps(
        &["cli", "--help"],
        &["create", "watch", "multi", "hold", "--servers"],
    );
    CLI.helps(
        &["serve", "--help"],
        &["--memory", "--on-secondary", "--peers"],
    );
}

#[test]
fn unknown_missing_and_conflicting_flags_are_refused() {
    CLI.refused(&["cli", "--servers", "1=127.0.0.1:1", "frob"], &["frob"]);
    CLI.refused(
        &["cli", "--servers", "1=127.0.0.1:1", "get", "/a", "--bogus"],
        &["--bogus"],
    );
    CLI.refused(&["cli", "get", "/a"], &["--servers"]);
    CLI.refused(
        &[
            "serve",
            "--id",
            "1",
            "--listen",
            "127.0.0.1:1",
            "--memory",
            "--peers",
            "1=127.0.0.1:2",
        ],
        &["--memory", "--peers"],
    );
    CLI.refused(
        &["serve", "--id", "1", "--listen", "127.0.0.1:1"],
        &["--peers", "--dir"],
    );
    CLI.refused(
        &[
            "serve",
            "--id",
            "1",
            "--listen",
            "127.0.0.1:1",
            "--memory",
            "--on-secondary",
            "ignore",
        ],
        &["--on-secondary", "forward", "redirect"],
    );
}
