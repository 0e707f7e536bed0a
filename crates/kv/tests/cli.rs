//! The command line as a user meets it: real `--help`, and unknown or missing flags refused
//! with exit code 2 and the flag named, before anything runs.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keel-kv"))
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
fn help_lists_every_command_and_the_serve_flags() {
    helps(
        &["--help"],
        &["serve", "put", "get", "delete", "status", "load"],
    );
    helps(
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
    refused(
        &["put", "--servers", "1=127.0.0.1:1", "--bogus", "k", "v"],
        &["--bogus"],
    );
    refused(
        &["serve", "--listen", "127.0.0.1:1"],
        &["--id", "--peers", "--dir"],
    );
    refused(
        &["get", "--servers", "1=nowhere", "k"],
        &["--servers", "HOST:PORT"],
    );
    refused(&["frob"], &["frob"]);
}
