//! The dependency policy (`policy.toml`): which licenses third-party crates may carry (SPDX
//! expressions, evaluated: `A OR B` needs one allowed, `A AND B` both), which crates are
//! banned, and which registries crates may come from. `verify` applies it to every locked
//! registry package of both lock files, offline, from `Cargo.lock` and `vendor/`.

use crate::deps::lockfile::LockedPackage;
use crate::project::Project;
use anyhow::{Context, Result, bail};

pub const FILE: &str = "policy.toml";

pub struct Policy {
    allow: Vec<String>,
    bans: Vec<(String, String)>,
    /// Lock-file source strings crates may come from, each with the name it was allowed by.
    sources: Vec<(String, String)>,
}

impl Policy {
    /// policy.toml, or None when the repository has none.
    pub fn load(project: &Project) -> Result<Option<Policy>> {
        let path = project.path(FILE);
        let Ok(text) = std::fs::read_to_string(&path) else {
            return Ok(None);
        };
        let doc: toml::Table = text
            .parse()
            .with_context(|| format!("{FILE} is malformed TOML"))?;
        let strings = |v: Option<&toml::Value>, what: &str| -> Result<Vec<String>> {
            v.map_or(Ok(Vec::new()), |v| {
                v.as_array()
                    .with_context(|| format!("{FILE}: {what} is not a list"))?
                    .iter()
                    .map(|s| {
                        s.as_str()
                            .map(str::to_owned)
                            .with_context(|| format!("{FILE}: {what} holds a non-string"))
                    })
                    .collect()
            })
        };
        for key in doc.keys() {
            if !["licenses", "bans", "sources"].contains(&key.as_str()) {
                bail!("{FILE}: unknown table `{key}` (known: licenses, bans, sources)");
            }
        }
        let allow = strings(
            doc.get("licenses").and_then(|l| l.get("allow")),
            "licenses.allow",
        )?;
        let mut bans = Vec::new();
        for b in doc
            .get("bans")
            .and_then(|b| b.get("crate"))
            .and_then(|c| c.as_array())
            .into_iter()
            .flatten()
        {
            let name = b
                .get("name")
                .and_then(|n| n.as_str())
                .with_context(|| format!("{FILE}: a [[bans.crate]] without name"))?;
            let reason = b
                .get("reason")
                .and_then(|n| n.as_str())
                .unwrap_or("no reason given");
            bans.push((name.to_owned(), reason.to_owned()));
        }
        let registries = crate::deps::cargo_config::registries(project)?;
        let mut sources = Vec::new();
        for name in strings(
            doc.get("sources").and_then(|s| s.get("allow")),
            "sources.allow",
        )? {
            let source = if name == "crates-io" {
                format!("registry+{}", crate::registry::CRATES_IO_INDEX)
            } else {
                registries.get(&name).cloned().with_context(|| {
                    format!("{FILE}: sources.allow names `{name}`, which is neither crates-io nor a registry of .cargo/config.toml")
                })?
            };
            sources.push((source, name));
        }
        for e in &allow {
            parse(e).with_context(|| format!("{FILE}: licenses.allow entry `{e}`"))?;
        }
        Ok(Some(Policy {
            allow,
            bans,
            sources,
        }))
    }

    /// Every way `package` (its vendored copy in `vendor_dir`) breaks the policy.
    pub fn check(&self, package: &LockedPackage, vendor_dir: &std::path::Path) -> Vec<String> {
        let who = format!("crate `{}` {}", package.name, package.version);
        let mut out = Vec::new();
        if let Some((_, reason)) = self.bans.iter().find(|(n, _)| *n == package.name) {
            out.push(format!(
                "{who} is banned by {FILE} ({reason}): remove the dependency on it"
            ));
        }
        if let Some(source) = &package.source
            && !self.sources.is_empty()
            && !self.sources.iter().any(|(s, _)| s == source)
        {
            let names: Vec<&str> = self.sources.iter().map(|(_, n)| n.as_str()).collect();
            out.push(format!(
                "{who} comes from {source}, which {FILE} [sources] allow does not list (it allows {})",
                names.join(", ")
            ));
        }
        let manifest = vendor_dir.join("Cargo.toml");
        let license = std::fs::read_to_string(&manifest)
            .ok()
            .and_then(|t| t.parse::<toml::Table>().ok())
            .and_then(|d| {
                d.get("package")?
                    .get("license")?
                    .as_str()
                    .map(str::to_owned)
            });
        match license {
            None => out.push(format!(
                "{who} declares no SPDX license expression in {}: {FILE} cannot allow it; replace the crate",
                manifest.display()
            )),
            Some(expr) => match parse(&expr) {
                Err(e) => out.push(format!("{who}: its license `{expr}` is not an SPDX expression ({e})")),
                Ok(tree) if !tree.allowed(&self.allow) => out.push(format!(
                    "{who}: its license `{expr}` is not allowed by {FILE} [licenses] allow ({}); \
                     depend on another crate, or allow the license after a review",
                    self.allow.join(", ")
                )),
                Ok(_) => {}
            },
        }
        out
    }
}

/// An SPDX license expression.
#[derive(Debug, PartialEq)]
enum Expr {
    License(String),
    /// `LICENSE WITH EXCEPTION`.
    With(String, String),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

impl Expr {
    fn allowed(&self, allow: &[String]) -> bool {
        // SPDX identifiers match case-insensitively.
        let has = |s: &str| allow.iter().any(|a| a.eq_ignore_ascii_case(s));
        match self {
            Expr::License(id) => has(id),
            // An exception only grants more; the full form may also be listed on its own.
            Expr::With(id, exc) => has(id) || has(&format!("{id} WITH {exc}")),
            Expr::And(a, b) => a.allowed(allow) && b.allowed(allow),
            Expr::Or(a, b) => a.allowed(allow) || b.allowed(allow),
        }
    }
}

/// Parses `text`: precedence WITH > AND > OR, parentheses, and the legacy `/` for OR.
fn parse(text: &str) -> Result<Expr> {
    // A crate's license field is untrusted input: bound the nesting the parser recurses into.
    if text.matches('(').count() > 32 {
        bail!("more than 32 parentheses");
    }
    let spaced = text
        .replace('(', " ( ")
        .replace(')', " ) ")
        .replace('/', " OR ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let mut at = 0;
    let e = or(&tokens, &mut at)?;
    if at != tokens.len() {
        bail!("unexpected `{}`", tokens[at]);
    }
    Ok(e)
}

fn or(t: &[&str], at: &mut usize) -> Result<Expr> {
    let mut e = and(t, at)?;
    while t.get(*at) == Some(&"OR") {
        *at += 1;
        e = Expr::Or(Box::new(e), Box::new(and(t, at)?));
    }
    Ok(e)
}

fn and(t: &[&str], at: &mut usize) -> Result<Expr> {
    let mut e = with(t, at)?;
    while t.get(*at) == Some(&"AND") {
        *at += 1;
        e = Expr::And(Box::new(e), Box::new(with(t, at)?));
    }
    Ok(e)
}

fn with(t: &[&str], at: &mut usize) -> Result<Expr> {
    let parenthesized = t.get(*at) == Some(&"(");
    let e = atom(t, at)?;
    if t.get(*at) != Some(&"WITH") {
        return Ok(e);
    }
    *at += 1;
    let (Expr::License(id), false) = (e, parenthesized) else {
        bail!("WITH follows a parenthesis (it applies to one license)");
    };
    let exc = t
        .get(*at)
        .filter(|x| is_id(x))
        .context("WITH without an exception")?;
    *at += 1;
    Ok(Expr::With(id, (*exc).to_owned()))
}

fn atom(t: &[&str], at: &mut usize) -> Result<Expr> {
    match t.get(*at) {
        None => bail!("it ends too early"),
        Some(&"(") => {
            *at += 1;
            let e = or(t, at)?;
            if t.get(*at) != Some(&")") {
                bail!("an unclosed parenthesis");
            }
            *at += 1;
            Ok(e)
        }
        Some(id) if is_id(id) => {
            *at += 1;
            Ok(Expr::License((*id).to_owned()))
        }
        Some(x) => bail!("`{x}` is not a license identifier"),
    }
}

fn is_id(s: &str) -> bool {
    !["AND", "OR", "WITH", "(", ")"].contains(&s)
        && s.trim_end_matches('+')
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b':')
        && !s.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_are_evaluated_with_spdx_precedence() {
        let allow: Vec<String> = ["MIT", "Apache-2.0", "Unicode-3.0"]
            .map(String::from)
            .to_vec();
        for (expr, ok) in [
            ("MIT", true),
            ("GPL-3.0-only", false),
            ("MIT OR GPL-3.0-only", true),
            ("MIT AND GPL-3.0-only", false),
            ("(MIT OR Apache-2.0) AND Unicode-3.0", true),
            ("MIT/Apache-2.0", true),
            ("GPL-2.0-only OR MIT AND BSD-3-Clause", false), // AND binds tighter
            ("Apache-2.0 WITH LLVM-exception OR BSD-3-Clause", true),
            ("BSD-3-Clause AND (ISC OR MIT)", false),
            ("mit", true), // identifiers match case-insensitively
        ] {
            assert_eq!(parse(expr).unwrap().allowed(&allow), ok, "{expr}");
        }
        let deep = format!("{}MIT{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(parse(&deep).is_err(), "nesting is bounded");
        for bad in [
            "",
            "MIT OR",
            "(MIT",
            "MIT AND AND Apache-2.0",
            "MIT)",
            "(MIT) WITH x",
            "MIT WITH",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
