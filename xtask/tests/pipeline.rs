//! `cargo xtask pipeline`: runs steps in order with their logs and a report, stops at the
//! first required failure naming it and showing its log's tail, and refuses malformed
//! pipeline files with the line and the reason. Steps here are cheap real xtask commands
//! on a fixture checkout.

mod fixture;

use fixture::Fixture;
use serde_json::Value;

fn report(f: &Fixture, name: &str) -> Value {
    serde_json::from_str(&f.read(&format!("target/pipelines/{name}/report.json"))).unwrap()
}

fn statuses(r: &Value) -> Vec<(String, String)> {
    r["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_failing_step_stops_the_run_naming_it_and_showing_its_log_tail() {
    let f = Fixture::new("pipeline-fail");
    f.write(
        "pipelines/check.toml",
        "description = \"a check that breaks\"\n\n\
         [[step]]\nname = \"verify\"\nrun = [\"verify\"]\n\n\
         [[step]]\nname = \"old-release\"\nrun = [\"rebuild\", \"v9.9.9\"]\n\n\
         [[step]]\nname = \"after\"\nrun = [\"verify\"]\n",
    );
    f.xtask(&["pipeline", "generate"]).ok(); // verify checks the hosted-CI definitions
    f.xtask(&["pipeline", "run", "check"]).refused(&[
        "pipeline check failed at step `old-release`",
        "last 40 lines of",
        "no tag `v9.9.9`", // the step's own message, from its log
    ]);
    let r = report(&f, "check");
    assert_eq!(r["result"], "fail");
    assert_eq!(r["failed_step"], "old-release");
    assert_eq!(
        statuses(&r),
        [
            ("verify".into(), "ok".into()),
            ("old-release".into(), "failed".into()),
            ("after".into(), "skipped".into())
        ]
    );
    assert!(
        f.read("target/pipelines/check/01-verify.log")
            .contains("verify: ok")
    );
}

#[test]
fn allowed_failures_environment_and_products_are_reported() {
    let f = Fixture::new("pipeline-pass");
    f.write(
        "pipelines/nightly.toml",
        "description = \"passes despite one allowed failure\"\n\n\
         [[step]]\nname = \"flaky\"\nrun = [\"rebuild\", \"v0.0.1\"]\nmay_fail = true\n\n\
         [[step]]\nname = \"verify\"\nrun = [\"verify\"]\nenv = { KEEL_NOTE = \"set\" }\n",
    );
    // A step whose variable is unset, or that does not produce what it promises, fails.
    f.write(
        "pipelines/needs.toml",
        "[[step]]\nname = \"version\"\nrun = [\"rebuild\", \"${KEEL_TEST_UNSET_VERSION}\"]\n",
    );
    f.write(
        "pipelines/promises.toml",
        "[[step]]\nname = \"verify\"\nrun = [\"verify\"]\nproduces = [\"target/nothing-here\"]\n",
    );
    f.xtask(&["pipeline", "generate"]).ok(); // verify checks the hosted-CI definitions
    let out = f.xtask(&["pipeline", "run", "nightly"]);
    out.ok();
    assert!(out.stderr.contains("failed (allowed)"), "{}", out.stderr);
    let r = report(&f, "nightly");
    assert_eq!(r["result"], "pass");
    assert_eq!(
        statuses(&r),
        [
            ("flaky".into(), "allowed-failure".into()),
            ("verify".into(), "ok".into())
        ]
    );

    f.xtask(&["pipeline", "run", "needs"])
        .refused(&["needs the environment variable KEEL_TEST_UNSET_VERSION"]);
    f.xtask(&["pipeline", "run", "promises"])
        .refused(&["failed at step `verify`"]);
    assert!(
        report(&f, "promises")["steps"][0]["why"]
            .as_str()
            .unwrap()
            .contains("did not produce target/nothing-here")
    );
}

#[test]
fn malformed_pipeline_files_are_refused_with_the_line_and_the_reason() {
    let f = Fixture::new("pipeline-bad");
    let cases = [
        (
            "syntax",
            "[[step]]\nname = \"a\"\nrun = [\"verify\"\n",
            "pipelines/syntax.toml, line 3: malformed TOML",
        ),
        (
            "key",
            "description = \"x\"\n\n[[step]]\nname = \"a\"\nrun = [\"verify\"]\n\n[[step]]\nname = \"b\"\ncmd = [\"verify\"]\n",
            "pipelines/key.toml, line 7 (step 2): unknown key `cmd`",
        ),
        (
            "command",
            "[[step]]\nname = \"a\"\nrun = [\"frobnicate\"]\n",
            "runs `frobnicate`, which is not an xtask command",
        ),
        (
            "recursive",
            "[[step]]\nname = \"a\"\nrun = [\"pipeline\", \"run\", \"recursive\"]\n",
            "runs `pipeline`",
        ),
        (
            "duplicate",
            "[[step]]\nname = \"a\"\nrun = [\"verify\"]\n[[step]]\nname = \"a\"\nrun = [\"verify\"]\n",
            "line 4 (step 2): a step named `a` already exists",
        ),
        ("empty", "description = \"nothing\"\n", "no steps"),
    ];
    for (name, text, needle) in cases {
        f.write(&format!("pipelines/{name}.toml"), text);
        f.xtask(&["pipeline", "run", name]).refused(&[needle]);
    }
    f.xtask(&["pipeline", "run", "missing"])
        .refused(&["no pipeline `missing`"]);
}

#[test]
fn list_and_show_describe_the_pipelines() {
    let f = Fixture::new("pipeline-list");
    f.write(
        "pipelines/pr.toml",
        "description = \"pull requests\"\n[[step]]\nname = \"verify\"\nrun = [\"verify\"]\n",
    );
    let list = f.xtask(&["pipeline", "list"]);
    list.ok();
    assert!(
        list.stdout.contains("pr")
            && list.stdout.contains("1 step(s)")
            && list.stdout.contains("pull requests"),
        "{}",
        list.stdout
    );
    let show = f.xtask(&["pipeline", "show", "pr"]);
    show.ok();
    assert!(
        show.stdout.contains("1. verify") && show.stdout.contains("cargo xtask verify"),
        "{}",
        show.stdout
    );
}

#[test]
fn generated_ci_definitions_call_the_pipeline_and_verify_catches_drift() {
    let f = Fixture::new("pipeline-ci");
    f.write(
        "pipelines/pr.toml",
        "trigger = \"pull_request\"\n[[step]]\nname = \"verify\"\nrun = [\"verify\"]\n",
    );
    f.xtask(&["pipeline", "generate"]).ok();
    for file in [".github/workflows/pr.yml", ".azure-pipelines/pr.yml"] {
        let text = f.read(file);
        assert!(
            text.contains("cargo xtask pipeline run pr") && text.contains("do not edit"),
            "{file}:\n{text}"
        );
    }
    assert!(f.read(".github/workflows/pr.yml").contains("pull_request:"));
    f.xtask(&["verify"]).ok();

    // Edited by hand: refused until regenerated.
    let edited = f
        .read(".github/workflows/pr.yml")
        .replace("pipeline run pr", "test");
    f.write(".github/workflows/pr.yml", &edited);
    f.xtask(&["verify"]).refused(&[
        ".github/workflows/pr.yml differs from what pipelines/ generates",
        "cargo xtask pipeline generate",
    ]);
    f.xtask(&["pipeline", "generate"]).ok();
    f.xtask(&["verify"]).ok();

    // A new pipeline without its definitions, and definitions of a pipeline that is gone.
    f.write(
        "pipelines/nightly.toml",
        "trigger = \"nightly\"\n[[step]]\nname = \"verify\"\nrun = [\"verify\"]\n",
    );
    f.xtask(&["verify"]).refused(&[
        ".github/workflows/nightly.yml is missing",
        ".azure-pipelines/nightly.yml is missing",
    ]);
    f.xtask(&["pipeline", "generate"]).ok();
    assert!(
        f.read(".azure-pipelines/nightly.yml")
            .contains("cron: \"0 2 * * *\"")
    );
    std::fs::remove_file(f.path("pipelines/nightly.toml")).unwrap();
    f.xtask(&["verify"]).refused(&[
        ".github/workflows/nightly.yml was generated for a pipeline that no longer exists",
    ]);
    f.xtask(&["pipeline", "generate"]).ok();
    assert!(!f.path(".github/workflows/nightly.yml").exists());
    f.xtask(&["verify"]).ok();
}
