//! keel-sim's command line: real `--help`, refusals before anything runs, and a replay that
//! reports the seed's run and exits by its verdict.

use std::process::Command;

const CLI: keel_testkit::Cli = keel_testkit::Cli(env!("CARGO_BIN_EXE_keel-sim"));

#[test]
fn help_names_the_machines_and_the_replay() {
    CLI.helps(
        &["--help"],
        &[
            "--machine",
            "log",
            "kv",
            "tree",
            "--seed",
            "--secs",
            "--base",
        ],
    );
}

#[test]
fn unknown_flags_machines_and_conflicts_are_refused() {
    CLI.refused(&["--bogus"], &["--bogus"]);
    CLI.refused(&["--machine", "sql"], &["sql", "log", "kv", "tree"]);
    CLI.refused(&["--seed", "1", "--secs", "5"], &["--seed", "--secs"]);
    CLI.refused(&["--secs", "0"], &["--secs"]);
}

#[test]
fn a_replayed_seed_reports_its_run_and_passes() {
    let out = Command::new(env!("CARGO_BIN_EXE_keel-sim"))
        .args(["--machine", "kv", "--seed", "7"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("seed 7 (kv): passed"), "{stdout}");
    assert!(stderr.contains("seed 7 (kv): faults Faults {"), "{stderr}");
    assert!(stderr.contains("replica 1:"), "{stderr}");
}
