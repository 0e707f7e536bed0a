//! Who may do what, as crates.io defines it: a token carries endpoint scopes and crate-name
//! patterns and may expire; only a crate's (or package's) owners publish new versions of it,
//! yank and unyank, and change its owners. The first publish of a name makes the
//! publisher its owner. Every refusal names the rule that refused.

use crate::auth::TokenRecord;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An endpoint scope, spelled as crates.io spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    PublishNew,
    PublishUpdate,
    Yank,
    ChangeOwners,
}

impl Scope {
    pub const ALL: [Scope; 4] = [
        Scope::PublishNew,
        Scope::PublishUpdate,
        Scope::Yank,
        Scope::ChangeOwners,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scope::PublishNew => "publish-new",
            Scope::PublishUpdate => "publish-update",
            Scope::Yank => "yank",
            Scope::ChangeOwners => "change-owners",
        }
    }

    /// A comma-separated list (`publish-new,yank`).
    pub fn parse_list(s: &str) -> Result<Vec<Scope>, String> {
        let mut out = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let scope = Scope::ALL
                .into_iter()
                .find(|sc| sc.name() == part)
                .ok_or_else(|| {
                    format!(
                        "`{part}` is not a scope; the scopes are {}",
                        Scope::ALL.map(Scope::name).join(", ")
                    )
                })?;
            if !out.contains(&scope) {
                out.push(scope);
            }
        }
        if out.is_empty() {
            return Err("no scope given: name at least one".into());
        }
        out.sort();
        Ok(out)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Checks one crate-name pattern: a name, or a name prefix followed by `*` (`*` alone is
/// every name).
pub fn check_pattern(p: &str) -> Result<(), String> {
    let stem = p.strip_suffix('*').unwrap_or(p);
    let ok = !p.is_empty()
        && stem
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{p}` is not a crate-name pattern: give a name, or a name prefix ending in `*` (such as keel-*)"
        ))
    }
}

/// A comma-separated list of patterns (`keel-*,tools-*`).
pub fn parse_patterns(s: &str) -> Result<Vec<String>, String> {
    let out: Vec<String> = s
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    out.iter().try_for_each(|p| check_pattern(p))?;
    if out.is_empty() {
        return Err("no crate-name pattern given".into());
    }
    Ok(out)
}

/// Whether `name` matches `pattern`; ASCII case and `-`/`_` are not told apart, as Cargo
/// treats names.
fn matches(pattern: &str, name: &str) -> bool {
    let fold = |s: &str| s.to_ascii_lowercase().replace('_', "-");
    let (pattern, name) = (fold(pattern), fold(name));
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern == name,
    }
}

/// What is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Publish,
    Yank,
    ChangeOwners,
}

/// The state of the name the action is on, read under its lock.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// Never published: a publish makes the caller its owner.
    New,
    Existing {
        owners: &'a [String],
    },
}

/// Crates and packages follow one rule; the word differs in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Crate,
    Package,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Crate => "crate",
            Kind::Package => "package",
        }
    }
}

/// Whether the token is usable at all at `now`: not revoked, not expired.
pub fn check_live(token: &TokenRecord, now: u64) -> Result<(), String> {
    let who = format!("token `{}` of {}", token.name, token.principal);
    if let Some(at) = token.revoked {
        return Err(format!(
            "{who} was revoked at {}; ask the registry's operator for a new one",
            crate::time::rfc3339(at)
        ));
    }
    if let Some(at) = token.expires.filter(|&at| at <= now) {
        return Err(format!(
            "{who} expired at {}; ask the registry's operator for a new one",
            crate::time::rfc3339(at)
        ));
    }
    Ok(())
}

/// Whether `token` may do `action` on `name` in state `target`, at `now`. The rules in
/// order: live, scope, pattern, ownership (an admin token may change any owners).
pub fn check(
    token: &TokenRecord,
    action: Action,
    kind: Kind,
    name: &str,
    target: Target<'_>,
    now: u64,
) -> Result<(), String> {
    check_live(token, now)?;
    let who = format!("token `{}` of {}", token.name, token.principal);
    let word = kind.word();
    let (scope, doing) = match (action, target) {
        (Action::Publish, Target::New) => (Scope::PublishNew, format!("publish the new {word}")),
        (Action::Publish, Target::Existing { .. }) => (
            Scope::PublishUpdate,
            format!("publish a new version of the {word}"),
        ),
        (Action::Yank, _) => (
            Scope::Yank,
            format!("yank or unyank versions of the {word}"),
        ),
        (Action::ChangeOwners, _) => (
            Scope::ChangeOwners,
            format!("change the owners of the {word}"),
        ),
    };
    if !token.scopes.contains(&scope) {
        let has: Vec<&str> = token.scopes.iter().map(|s| s.name()).collect();
        return Err(format!(
            "{who} may not {doing} `{name}`: that needs the `{scope}` scope, and the token has {}",
            if has.is_empty() {
                "none".to_owned()
            } else {
                has.join(", ")
            }
        ));
    }
    if !token.crates.is_empty() && !token.crates.iter().any(|p| matches(p, name)) {
        return Err(format!(
            "{who} is limited to names matching {}, and `{name}` matches none of them",
            token.crates.join(", ")
        ));
    }
    if let Target::Existing { owners } = target {
        let owner = owners.contains(&token.principal);
        let admin_override = token.admin && action == Action::ChangeOwners;
        if !owner && !admin_override {
            return Err(if owners.is_empty() {
                format!(
                    "the {word} `{name}` has no owner recorded; an admin token can add one (`cargo owner --add PRINCIPAL {name}`)"
                )
            } else {
                format!(
                    "{} is not an owner of the {word} `{name}`; its owners are {}. An owner can add {}: `cargo owner --add {} {name}`",
                    token.principal,
                    owners.join(", "),
                    token.principal,
                    token.principal
                )
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(scopes: &[Scope], crates: &[&str]) -> TokenRecord {
        TokenRecord {
            name: "ci-1".into(),
            principal: "ci".into(),
            sha256: String::new(),
            scopes: scopes.to_vec(),
            crates: crates.iter().map(|s| s.to_string()).collect(),
            expires: None,
            admin: false,
            created: 0,
            revoked: None,
        }
    }

    #[test]
    fn patterns_match_names_and_prefixes_as_cargo_folds_them() {
        assert!(matches("keel-*", "keel-kv"));
        assert!(matches("keel-*", "Keel_KV"));
        assert!(matches("*", "anything"));
        assert!(matches("demo", "demo"));
        assert!(!matches("demo", "demo2"));
        assert!(!matches("keel-*", "keelx"));
        assert!(check_pattern("keel-*").is_ok());
        for bad in ["", "a*b", "ke el", "**", "a/b"] {
            assert!(check_pattern(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn scopes_parse_and_unknown_ones_name_the_valid_ones() {
        assert_eq!(
            Scope::parse_list("yank, publish-new,yank").unwrap(),
            vec![Scope::PublishNew, Scope::Yank]
        );
        let e = Scope::parse_list("publish").unwrap_err();
        assert!(
            e.contains("publish-new, publish-update, yank, change-owners"),
            "{e}"
        );
    }

    #[test]
    fn each_rule_refuses_in_its_own_words() {
        let owners = ["alice".to_string()];
        let mine = ["ci".to_string()];
        let update_only = token(&[Scope::PublishUpdate], &["keel-*"]);
        let new = check(
            &update_only,
            Action::Publish,
            Kind::Crate,
            "keel-new",
            Target::New,
            0,
        );
        assert!(new.unwrap_err().contains("needs the `publish-new` scope"));
        let other = Target::Existing { owners: &mine };
        let e = check(
            &update_only,
            Action::Publish,
            Kind::Crate,
            "other",
            other,
            0,
        )
        .unwrap_err();
        assert!(e.contains("limited to names matching keel-*"), "{e}");
        let e = check(&update_only, Action::Yank, Kind::Crate, "keel-kv", other, 0).unwrap_err();
        assert!(e.contains("needs the `yank` scope"), "{e}");
        assert!(
            check(
                &update_only,
                Action::Publish,
                Kind::Crate,
                "keel-kv",
                other,
                0
            )
            .is_ok()
        );
        let theirs = Target::Existing { owners: &owners };
        let e = check(
            &update_only,
            Action::Publish,
            Kind::Package,
            "keel-kv",
            theirs,
            0,
        )
        .unwrap_err();
        assert!(e.contains("ci is not an owner of the package `keel-kv`; its owners are alice"));

        let mut expired = token(&Scope::ALL, &[]);
        expired.expires = Some(100);
        let e = check(
            &expired,
            Action::Publish,
            Kind::Crate,
            "x",
            Target::New,
            100,
        )
        .unwrap_err();
        assert!(e.contains("expired at 1970-01-01T00:01:40Z"), "{e}");
        let mut revoked = token(&Scope::ALL, &[]);
        revoked.revoked = Some(5);
        let e = check(&revoked, Action::Publish, Kind::Crate, "x", Target::New, 0).unwrap_err();
        assert!(e.contains("was revoked"), "{e}");

        let mut admin = token(&Scope::ALL, &[]);
        admin.admin = true;
        assert!(check(&admin, Action::ChangeOwners, Kind::Crate, "x", theirs, 0).is_ok());
        assert!(check(&admin, Action::Yank, Kind::Crate, "x", theirs, 0).is_err());
    }
}
