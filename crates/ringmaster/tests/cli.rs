//! The command line as a user meets it: real `--help`, and unknown or missing flags refused
//! with exit code 2 and the flag named, before anything runs.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ringmaster"))
        .args(args)
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Exit code 2 (a usage error, not a crash) and every needle in the output.
fn refused(args: &[&str], needles: &[&str]) {
    let out = run(args);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(2), "{args:?}:\n{all}");
    assert!(!all.contains("panicked"), "{all}");
    for n in needles {
        assert!(all.contains(n), "{args:?} lacks {n:?}:\n{all}");
    }
}

fn helps(args: &[&str], needles: &[&str]) {
    let out = run(args);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{args:?}:\n{all}");
    for n in needles {
        assert!(all.contains(n), "{args:?} help lacks {n:?}:\n{all}");
    }
}

#[test]
fn help_lists_the_commands_and_operations() {
    helps(&["--help"], &["serve", "cli"]);
    helps(
        &["cli", "--help"],
        &["create", "watch", "multi", "hold", "--servers"],
    );
    helps(
        &["serve", "--help"],
        &["--memory", "--on-secondary", "--peers"],
    );
}

#[test]
fn unknown_missing_and_conflicting_flags_are_refused() {
    refused(&["cli", "--servers", "1=127.0.0.1:1", "frob"], &["frob"]);
    refused(
        &["cli", "--servers", "1=127.0.0.1:1", "get", "/a", "--bogus"],
        &["--bogus"],
    );
    refused(&["cli", "get", "/a"], &["--servers"]);
    refused(
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
    refused(
        &["serve", "--id", "1", "--listen", "127.0.0.1:1"],
        &["--peers", "--dir"],
    );
    refused(
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
