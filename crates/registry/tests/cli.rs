//! The command line as a user meets it: real `--help`, and unknown or missing flags refused
//! with exit code 2 and the flag named, before anything runs.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keel-registry"))
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
fn help_lists_the_commands_and_flags() {
    helps(&["--help"], &["serve", "token", "--dir"]);
    helps(
        &["serve", "--help"],
        &["--addr", "--base-url", "--auth-required"],
    );
}

#[test]
fn unknown_and_missing_flags_are_refused() {
    refused(&["serve"], &["--dir"]);
    refused(
        &["serve", "--dir", "/nonexistent-keel", "--bogus"],
        &["--bogus"],
    );
    refused(
        &["serve", "--dir", "/nonexistent-keel", "--addr", "nowhere"],
        &["--addr"],
    );
    refused(&["token", "new", "--dir", "/nonexistent-keel"], &["OWNER"]);
}
