//! `cargo xtask pipeline list | show NAME | run NAME`: pipelines are data in
//! `pipelines/<name>.toml` (ordered xtask steps), and this one runner executes them the same
//! way on a laptop and on a build agent.
//!
//! ```toml
//! description = "what it is for"
//! trigger = "pull_request"    # optional, for the generated hosted-CI definitions:
//!                             # pull_request, nightly or manual (the default)
//! [[step]]
//! name = "verify"             # unique within the pipeline
//! run = ["verify"]            # an xtask command and its arguments; `${NAME}` comes from
//!                             # the environment (a step whose variable is unset fails)
//! env = { KEY = "value" }     # optional, added to the environment
//! may_fail = false            # optional: a failure is reported but does not stop the run
//! produces = ["target/dist/release-manifest.json"]  # optional: must exist afterwards
//! ```

pub mod ci;

use crate::project::Project;
use anyhow::{Context, Result, bail};
use serde_json::json;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

pub const DIR: &str = "pipelines";

/// The xtask commands a step may run: all but `pipeline` itself (main's tests keep this in
/// step with the command line).
pub const STEP_COMMANDS: [&str; 20] = [
    "build",
    "package",
    "dist",
    "release",
    "rebuild",
    "publish",
    "registry",
    "repro",
    "test",
    "verify",
    "vendor",
    "tools",
    "doctor",
    "cache",
    "lint",
    "bench",
    "sim",
    "verify-release",
    "keys",
    "debug",
];
const TAIL_LINES: usize = 40;

#[derive(Debug, Clone)]
pub struct Step {
    pub name: String,
    pub run: Vec<String>,
    pub env: Vec<(String, String)>,
    pub may_fail: bool,
    pub produces: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Pipeline {
    pub description: String,
    /// When hosted CI runs it: `pull_request` (pull requests and pushes to main), `nightly`
    /// (02:00 UTC), or `manual` (the default).
    pub trigger: String,
    pub steps: Vec<Step>,
}

pub const TRIGGERS: [&str; 3] = ["pull_request", "nightly", "manual"];

/// The line of the `index`th `[[step]]` header (1-based), for error messages.
fn step_line(text: &str, index: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == "[[step]]")
        .nth(index)
        .map(|(i, _)| i + 1)
        .unwrap_or(1)
}

/// Parses and checks one pipeline file; `commands` are the xtask commands a step may run.
pub fn parse(name: &str, text: &str, commands: &[&str]) -> Result<Pipeline> {
    let file = format!("{DIR}/{name}.toml");
    let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let line = e
            .span()
            .map(|s| text[..s.start].lines().count().max(1))
            .unwrap_or(1);
        anyhow::anyhow!("{file}, line {line}: malformed TOML: {}", e.message())
    })?;
    for key in doc.keys() {
        if !["description", "trigger", "step"].contains(&key.as_str()) {
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with(key.as_str()))
                .map_or(1, |i| i + 1);
            bail!(
                "{file}, line {line}: unknown key `{key}`; a pipeline has `description`, `trigger` and `[[step]]` tables"
            );
        }
    }
    let description = match doc.get("description") {
        None => String::new(),
        Some(d) => d
            .as_str()
            .with_context(|| format!("{file}: `description` must be a string"))?
            .to_string(),
    };
    let trigger = match doc.get("trigger") {
        None => "manual".to_string(),
        Some(t) => match t.as_str() {
            Some(t) if TRIGGERS.contains(&t) => t.to_string(),
            _ => {
                let line = text
                    .lines()
                    .position(|l| l.trim_start().starts_with("trigger"))
                    .map_or(1, |i| i + 1);
                bail!(
                    "{file}, line {line}: `trigger` must be one of {}",
                    TRIGGERS.join(", ")
                );
            }
        },
    };
    let steps = doc
        .get("step")
        .and_then(|s| s.as_array())
        .cloned()
        .unwrap_or_default();
    if steps.is_empty() {
        bail!("{file}: no steps; add at least one [[step]] with a name and a run command");
    }
    let mut out: Vec<Step> = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let at = format!("{file}, line {} (step {})", step_line(text, i), i + 1);
        let table = step
            .as_table()
            .with_context(|| format!("{at}: a step must be a table"))?;
        for key in table.keys() {
            if !["name", "run", "env", "may_fail", "produces"].contains(&key.as_str()) {
                bail!(
                    "{at}: unknown key `{key}`; a step has name, run, env, may_fail and produces"
                );
            }
        }
        let strings = |key: &str| -> Result<Vec<String>> {
            match table.get(key) {
                None => Ok(Vec::new()),
                Some(v) => v
                    .as_array()
                    .and_then(|a| {
                        a.iter()
                            .map(|x| x.as_str().map(str::to_string))
                            .collect::<Option<Vec<_>>>()
                    })
                    .with_context(|| format!("{at}: `{key}` must be a list of strings")),
            }
        };
        let name = table
            .get("name")
            .and_then(|v| v.as_str())
            .with_context(|| format!("{at}: missing `name` (a string)"))?
            .to_string();
        if out.iter().any(|s| s.name == name) {
            bail!("{at}: a step named `{name}` already exists; step names are unique");
        }
        let run = strings("run")?;
        let Some(command) = run.first() else {
            bail!(
                "{at}: step `{name}` has no `run`; say which xtask command it runs, e.g. run = [\"verify\"]"
            )
        };
        if command == "pipeline" || !commands.contains(&command.as_str()) {
            bail!(
                "{at}: step `{name}` runs `{command}`, which is not an xtask command a pipeline can run ({})",
                commands.join(", ")
            );
        }
        let env = match table.get("env") {
            None => Vec::new(),
            Some(v) => {
                let t = v
                    .as_table()
                    .with_context(|| format!("{at}: `env` must be a table of strings"))?;
                t.iter()
                    .map(|(k, v)| {
                        Ok((
                            k.clone(),
                            v.as_str()
                                .with_context(|| format!("{at}: env `{k}` must be a string"))?
                                .to_string(),
                        ))
                    })
                    .collect::<Result<Vec<_>>>()?
            }
        };
        let may_fail = match table.get("may_fail") {
            None => false,
            Some(v) => v
                .as_bool()
                .with_context(|| format!("{at}: `may_fail` must be true or false"))?,
        };
        out.push(Step {
            name,
            run,
            env,
            may_fail,
            produces: strings("produces")?,
        });
    }
    Ok(Pipeline {
        description,
        trigger,
        steps: out,
    })
}

pub fn load(project: &Project, name: &str, commands: &[&str]) -> Result<Pipeline> {
    let path = project.path(DIR).join(format!("{name}.toml"));
    let text = fs::read_to_string(&path).with_context(|| {
        let known = names(project).unwrap_or_default().join(", ");
        format!(
            "no pipeline `{name}` ({} not readable); the pipelines are: {known}",
            path.display()
        )
    })?;
    parse(name, &text, commands)
}

/// The pipelines defined, by name.
pub fn names(project: &Project) -> Result<Vec<String>> {
    let mut names = Vec::new();
    let dir = project.path(DIR);
    if dir.is_dir() {
        for entry in fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "toml")
                && let Some(stem) = path.file_stem()
            {
                names.push(stem.to_string_lossy().into_owned());
            }
        }
    }
    names.sort();
    Ok(names)
}

pub fn list(project: &Project, commands: &[&str]) -> Result<()> {
    let names = names(project)?;
    if names.is_empty() {
        println!("no pipelines: add {DIR}/<name>.toml");
    }
    for name in names {
        let p = load(project, &name, commands)?;
        println!("{name:<12} {} step(s)  {}", p.steps.len(), p.description);
    }
    Ok(())
}

pub fn show(project: &Project, name: &str, commands: &[&str]) -> Result<()> {
    let p = load(project, name, commands)?;
    println!("pipeline {name}: {}", p.description);
    for (i, s) in p.steps.iter().enumerate() {
        let env: Vec<String> = s.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
        println!(
            "  {}. {:<14} cargo xtask {}{}{}",
            i + 1,
            s.name,
            s.run.join(" "),
            if env.is_empty() {
                String::new()
            } else {
                format!("  [{}]", env.join(" "))
            },
            if s.may_fail { "  (may fail)" } else { "" }
        );
    }
    Ok(())
}

/// Runs one step with its output in `log`: whether it succeeded, why not, how long it took.
fn run_step(
    project: &Project,
    xtask: &Path,
    step: &Step,
    log: &Path,
) -> Result<(bool, String, f64)> {
    use std::io::Write;
    let mut out = File::create(log).with_context(|| format!("creating {}", log.display()))?;
    let args = match expand(&step.run) {
        Ok(args) => args,
        Err(var) => {
            let why = format!("needs the environment variable {var}, which is not set");
            writeln!(out, "step `{}` {why}", step.name)?;
            eprintln!("== {}: {why}", step.name);
            return Ok((false, why, 0.0));
        }
    };
    eprintln!("== {}: cargo xtask {}", step.name, args.join(" "));
    let t = Instant::now();
    let status = Command::new(xtask)
        .current_dir(&project.root)
        .args(&args)
        .envs(step.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(out.try_clone()?)
        .stderr(out)
        .status()
        .with_context(|| format!("starting step {}", step.name))?;
    let seconds = t.elapsed().as_secs_f64();
    let missing: Vec<&str> = step
        .produces
        .iter()
        .map(String::as_str)
        .filter(|p| !project.path(p).exists())
        .collect();
    let why = if !status.success() {
        format!("exited with {status}")
    } else if !missing.is_empty() {
        format!("did not produce {}", missing.join(", "))
    } else {
        String::new()
    };
    Ok((why.is_empty(), why, seconds))
}

/// The `${NAME}` placeholders in `arg`: each one's byte range and name.
fn placeholders(arg: &str) -> Vec<(std::ops::Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(start) = arg[at..].find("${").map(|i| at + i) {
        let Some(len) = arg[start..].find('}') else {
            break;
        };
        out.push((start..start + len + 1, &arg[start + 2..start + len]));
        at = start + len + 1;
    }
    out
}

/// The environment variables a step's arguments name, in order, once each.
pub fn variables(args: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (_, name) in args.iter().flat_map(|a| placeholders(a)) {
        if !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    }
    out
}

/// `${NAME}` in a step's arguments, from the environment; names the first unset variable.
fn expand(args: &[String]) -> std::result::Result<Vec<String>, String> {
    args.iter()
        .map(|a| {
            let mut out = String::new();
            let mut last = 0;
            for (range, name) in placeholders(a) {
                let value = std::env::var(name).map_err(|_| name.to_string())?;
                out.push_str(&a[last..range.start]);
                out.push_str(&value);
                last = range.end;
            }
            out.push_str(&a[last..]);
            Ok(out)
        })
        .collect()
}

fn tail(path: &Path, lines: usize) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Runs the steps in order, each a fresh `cargo xtask` (this binary) with its log in
/// target/pipelines/NAME/; stops at the first required failure. Writes report.json.
pub fn run(project: &Project, name: &str, commands: &[&str]) -> Result<()> {
    let p = load(project, name, commands)?;
    let dir = project.path("target").join("pipelines").join(name);
    if dir.exists() {
        fs::remove_dir_all(&dir).with_context(|| format!("clearing {}", dir.display()))?;
    }
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let xtask = std::env::current_exe().context("locating the xtask binary")?;
    let started = Instant::now();
    let at = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let mut results = Vec::new();
    let mut failed: Option<(String, PathBuf)> = None;
    eprintln!("pipeline {name}: {} step(s)", p.steps.len());
    for (i, step) in p.steps.iter().enumerate() {
        let log = dir.join(format!("{:02}-{}.log", i + 1, step.name));
        if failed.is_some() {
            results.push(
                json!({"name": step.name, "run": step.run, "status": "skipped", "seconds": 0.0}),
            );
            continue;
        }
        let (ok, why, seconds) = run_step(project, &xtask, step, &log)?;
        let verdict = match (ok, step.may_fail) {
            (true, _) => "ok",
            (false, true) => "failed (allowed)",
            (false, false) => "FAILED",
        };
        eprintln!(
            "   {verdict} in {seconds:.1} s{}",
            if why.is_empty() {
                String::new()
            } else {
                format!(": {why}")
            }
        );
        results.push(json!({
            "name": step.name, "run": step.run, "status": if ok { "ok" } else if step.may_fail { "allowed-failure" } else { "failed" },
            "seconds": (seconds * 10.0).round() / 10.0, "log": log.strip_prefix(&project.root).unwrap_or(&log), "why": why,
            "produces": step.produces,
        }));
        if !ok && !step.may_fail {
            failed = Some((step.name.clone(), log.clone()));
        }
    }
    let total = started.elapsed().as_secs_f64();
    let report = json!({
        "pipeline": name,
        "started_unix": at,
        "seconds": (total * 10.0).round() / 10.0,
        "result": if failed.is_none() { "pass" } else { "fail" },
        "failed_step": failed.as_ref().map(|(n, _)| n.clone()),
        "steps": results,
    });
    let report_path = dir.join("report.json");
    crate::files::write_atomic(
        &report_path,
        serde_json::to_string_pretty(&report)?.as_bytes(),
    )?;
    eprintln!("\n{:<16} {:<18} {:>9}", "step", "status", "seconds");
    for r in report["steps"].as_array().into_iter().flatten() {
        eprintln!(
            "{:<16} {:<18} {:>9.1}",
            r["name"].as_str().unwrap_or(""),
            r["status"].as_str().unwrap_or(""),
            r["seconds"].as_f64().unwrap_or(0.0)
        );
    }
    eprintln!(
        "{:<16} {:<18} {:>9.1}\nreport: {}",
        "total",
        report["result"].as_str().unwrap_or(""),
        total,
        report_path.display()
    );
    if let Some((step, log)) = failed {
        eprintln!(
            "\n--- last {TAIL_LINES} lines of {} ---\n{}",
            log.display(),
            tail(&log, TAIL_LINES)
        );
        bail!(
            "pipeline {name} failed at step `{step}` (log: {})",
            log.display()
        );
    }
    Ok(())
}
