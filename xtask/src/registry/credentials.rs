//! The registry token, found where cargo finds it, so a machine set up for `cargo publish`
//! is set up for `cargo xtask publish`. `KEEL_REGISTRY_TOKEN` overrides everything; then the
//! credential providers cargo would use for the registry: `registries.<name>.credential-provider`,
//! else `registry.global-credential-providers` (the last listed is asked first), else
//! `cargo:token`. Understood: `cargo:token` (`CARGO_REGISTRIES_<NAME>_TOKEN`, then
//! `registries.<name>.token` in the config files and `credentials.toml`),
//! `cargo:token-from-stdout CMD ARGS`, aliases from `[credential-alias]`, and provider
//! executables through cargo's credential-provider protocol (version 1).

use crate::deps::cargo_config::{self, registry_env_var};
use crate::project::Project;
use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

/// Which registry a token is for, as the providers are told.
pub struct For<'a> {
    /// Its name in `[registries]`, when it was named rather than given by URL.
    pub name: Option<&'a str>,
    /// Its index URL, `sparse+https://.../`.
    pub index_url: &'a str,
}

/// A token and where it came from (for messages; never the token itself).
pub struct Token {
    pub secret: String,
    pub source: String,
}

pub fn find(project: &Project, reg: &For<'_>) -> Result<Option<Token>> {
    if let Ok(t) = std::env::var("KEEL_REGISTRY_TOKEN") {
        return Ok(Some(Token {
            secret: t,
            source: "KEEL_REGISTRY_TOKEN".into(),
        }));
    }
    for provider in providers(project, reg.name)?.iter().rev() {
        let argv = resolve_alias(project, provider)?;
        if let Some(secret) = ask(project, &argv, reg)
            .with_context(|| format!("credential provider `{}`", argv.join(" ")))?
        {
            return Ok(Some(Token {
                secret,
                source: format!("credential provider {}", argv[0]),
            }));
        }
    }
    Ok(None)
}

/// The providers to ask, in configuration order, each as a command line.
fn providers(project: &Project, name: Option<&str>) -> Result<Vec<Vec<String>>> {
    if let Some(n) = name {
        let env = registry_env_var(n, "credential-provider");
        if let Ok(v) = std::env::var(&env) {
            if v.trim().is_empty() {
                bail!("{env} is set but empty: name a credential provider, or unset it");
            }
            return Ok(vec![words(&v)]);
        }
        if let Some(found) =
            cargo_config::lookup(project, &["registries", n, "credential-provider"])?
        {
            return Ok(vec![command_line(&found.value).with_context(|| {
                format!(
                    "{}: registries.{n}.credential-provider",
                    found.file.display()
                )
            })?]);
        }
    }
    if let Ok(v) = std::env::var("CARGO_REGISTRY_GLOBAL_CREDENTIAL_PROVIDERS")
        && !v.trim().is_empty()
    {
        return Ok(v.split_whitespace().map(|p| vec![p.to_owned()]).collect());
    }
    if let Some(found) =
        cargo_config::lookup(project, &["registry", "global-credential-providers"])?
    {
        let list = found.value.as_array().ok_or_else(|| {
            anyhow!(
                "{}: registry.global-credential-providers is not an array",
                found.file.display()
            )
        })?;
        return list
            .iter()
            .map(|p| {
                command_line(p).with_context(|| {
                    format!(
                        "{}: registry.global-credential-providers",
                        found.file.display()
                    )
                })
            })
            .collect();
    }
    Ok(vec![vec!["cargo:token".to_owned()]])
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_owned).collect()
}

/// A provider as cargo writes one: a string of words, or an array of them.
fn command_line(v: &toml::Value) -> Result<Vec<String>> {
    let argv = match v {
        toml::Value::String(s) => words(s),
        toml::Value::Array(a) => a
            .iter()
            .map(|w| {
                w.as_str()
                    .map(str::to_owned)
                    .context("a word is not a string")
            })
            .collect::<Result<_>>()?,
        _ => bail!("expected a string or an array of strings"),
    };
    if argv.is_empty() {
        bail!("the provider is empty");
    }
    Ok(argv)
}

/// A provider whose first word names a `[credential-alias]` entry becomes that entry.
fn resolve_alias(project: &Project, argv: &[String]) -> Result<Vec<String>> {
    let Some(found) = cargo_config::lookup(project, &["credential-alias", &argv[0]])? else {
        return Ok(argv.to_vec());
    };
    let mut out = command_line(&found.value)
        .with_context(|| format!("{}: credential-alias.{}", found.file.display(), argv[0]))?;
    out.extend_from_slice(&argv[1..]);
    Ok(out)
}

/// One provider's answer: a token, or None when it has none for this registry.
fn ask(project: &Project, argv: &[String], reg: &For<'_>) -> Result<Option<String>> {
    match argv[0].as_str() {
        "cargo:token" => cargo_token(project, reg.name),
        "cargo:token-from-stdout" => {
            let (cmd, args) = argv[1..]
                .split_first()
                .context("`cargo:token-from-stdout` needs a command to run")?;
            let out = Command::new(cmd)
                .args(args)
                .env("CARGO_REGISTRY_INDEX_URL", reg.index_url)
                .env("CARGO_REGISTRY_NAME_OPT", reg.name.unwrap_or_default())
                .stdin(Stdio::inherit())
                .stderr(Stdio::inherit())
                .output()
                .with_context(|| format!("running {cmd}"))?;
            if !out.status.success() {
                bail!("{cmd} failed ({})", out.status);
            }
            let token = String::from_utf8(out.stdout)
                .with_context(|| format!("{cmd} printed a token that is not UTF-8"))?;
            let token = token.trim();
            if token.is_empty() {
                bail!("{cmd} printed no token");
            }
            Ok(Some(token.to_owned()))
        }
        p if p.starts_with("cargo:") => bail!(
            "`{p}` keeps tokens in an OS keychain, which xtask's client does not read; use \
             `cargo:token`, `cargo:token-from-stdout CMD`, or a provider executable"
        ),
        _ => plugin(argv, reg),
    }
}

/// `cargo:token`: the environment, then `registries.<name>.token` in cargo's files.
fn cargo_token(project: &Project, name: Option<&str>) -> Result<Option<String>> {
    let Some(n) = name else {
        return Ok(None); // a registry given by URL has no name to look a token up by
    };
    if let Ok(t) = std::env::var(registry_env_var(n, "token")) {
        return Ok(Some(t));
    }
    match cargo_config::lookup(project, &["registries", n, "token"])? {
        None => Ok(None),
        Some(found) => found
            .value
            .as_str()
            .map(|t| Some(t.to_owned()))
            .ok_or_else(|| {
                anyhow!(
                    "{}: registries.{n}.token is not a string",
                    found.file.display()
                )
            }),
    }
}

/// A provider executable, spoken to in cargo's credential-provider protocol, version 1:
/// it says hello (`{"v":[1]}`), gets one `get` request, and answers `Ok` with a token or
/// `Err` (`not-found` means ask the next provider).
fn plugin(argv: &[String], reg: &For<'_>) -> Result<Option<String>> {
    let mut child = Command::new(&argv[0])
        .arg("--cargo-plugin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("starting {}", argv[0]))?;
    let mut stdin = child.stdin.take().expect("piped");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
    let mut line = String::new();
    stdout.read_line(&mut line)?;
    let hello: Value =
        serde_json::from_str(&line).with_context(|| format!("its hello is not JSON: {line:?}"))?;
    if !hello["v"].as_array().is_some_and(|v| v.contains(&json!(1))) {
        bail!(
            "it does not speak version 1 of the protocol (hello: {})",
            line.trim()
        );
    }
    let request = json!({
        "v": 1,
        "registry": {"index-url": reg.index_url, "name": reg.name},
        "kind": "get",
        "operation": "read",
        "args": &argv[1..],
    });
    writeln!(stdin, "{request}")?;
    stdin.flush()?;
    line.clear();
    stdout.read_line(&mut line)?;
    drop(stdin);
    let status = child.wait()?;
    let answer: Value = serde_json::from_str(&line)
        .with_context(|| format!("its answer is not JSON ({status}): {line:?}"))?;
    if let Some(token) = answer["Ok"]["token"].as_str() {
        return Ok(Some(token.to_owned()));
    }
    match answer["Err"]["kind"].as_str() {
        Some("not-found") | Some("url-not-supported") => Ok(None),
        Some(_) => bail!(
            "it refused: {}",
            answer["Err"]["message"].as_str().unwrap_or(line.trim())
        ),
        None => bail!("it answered neither Ok nor Err: {}", line.trim()),
    }
}
