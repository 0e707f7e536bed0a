//! The Cargo registry index format ("Registry Index" in the Cargo book): where a crate's
//! index file lives, its JSON lines, and how publish metadata becomes one.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The index path of a crate (lowercased): `1/a`, `2/ab`, `3/a/abc`, `ab/cd/abcd...`.
pub fn path_of(name: &str) -> String {
    let n = name.to_lowercase();
    match n.len() {
        1 => format!("1/{n}"),
        2 => format!("2/{n}"),
        3 => format!("3/{}/{n}", &n[..1]),
        _ => format!("{}/{}/{n}", &n[..2], &n[2..4]),
    }
}

/// One line of an index file: one published version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub name: String,
    pub vers: String,
    pub deps: Vec<Dep>,
    pub cksum: String,
    pub features: BTreeMap<String, Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features2: Option<BTreeMap<String, Vec<String>>>,
    pub yanked: bool,
    #[serde(default)]
    pub links: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub v: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dep {
    pub name: String,
    pub req: String,
    pub features: Vec<String>,
    pub optional: bool,
    pub default_features: bool,
    pub target: Option<String>,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
}

/// The metadata `cargo publish` sends ("Registry Web API", publish).
#[derive(Debug, Clone, Deserialize)]
pub struct NewCrate {
    pub name: String,
    pub vers: String,
    #[serde(default)]
    pub deps: Vec<NewDep>,
    #[serde(default)]
    pub features: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub links: Option<String>,
    #[serde(default)]
    pub rust_version: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct NewDep {
    pub name: String,
    pub version_req: String,
    #[serde(default)]
    pub features: Vec<String>,
    #[serde(default)]
    pub optional: bool,
    #[serde(default = "yes")]
    pub default_features: bool,
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default = "normal")]
    pub kind: String,
    #[serde(default)]
    pub registry: Option<String>,
    #[serde(default)]
    pub explicit_name_in_toml: Option<String>,
}

fn yes() -> bool {
    true
}
fn normal() -> String {
    "normal".into()
}

impl NewCrate {
    /// The index line for this upload, whose `.crate` has sha256 `cksum`.
    pub fn to_line(&self, cksum: String) -> Line {
        // Features using `dep:` or `?/` syntax go to `features2` (index format v2), so that
        // older cargo versions skip them instead of misreading them.
        let (mut plain, mut new) = (BTreeMap::new(), BTreeMap::new());
        for (k, v) in &self.features {
            if v.iter().any(|f| f.starts_with("dep:") || f.contains("?/")) {
                new.insert(k.clone(), v.clone());
            } else {
                plain.insert(k.clone(), v.clone());
            }
        }
        let deps = self
            .deps
            .iter()
            .map(|d| {
                // In the index `name` is the name used in Cargo.toml, `package` the real one.
                let (name, package) = match &d.explicit_name_in_toml {
                    Some(alias) => (alias.clone(), Some(d.name.clone())),
                    None => (d.name.clone(), None),
                };
                Dep {
                    name,
                    req: d.version_req.clone(),
                    features: d.features.clone(),
                    optional: d.optional,
                    default_features: d.default_features,
                    target: d.target.clone(),
                    kind: d.kind.clone(),
                    registry: d.registry.clone(),
                    package,
                }
            })
            .collect();
        let v2 = !new.is_empty();
        Line {
            name: self.name.clone(),
            vers: self.vers.clone(),
            deps,
            cksum,
            features: plain,
            features2: v2.then_some(new),
            yanked: false,
            links: self.links.clone(),
            v: v2.then_some(2),
            rust_version: self.rust_version.clone(),
        }
    }
}

/// A version without its build metadata: `1.0.0+a` and `1.0.0+b` are the same version.
pub fn same_version(a: &str, b: &str) -> bool {
    let core = |v: &str| v.split('+').next().unwrap_or(v).to_owned();
    core(a) == core(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_paths_follow_the_cargo_book() {
        assert_eq!(path_of("a"), "1/a");
        assert_eq!(path_of("ab"), "2/ab");
        assert_eq!(path_of("abc"), "3/a/abc");
        assert_eq!(path_of("Keel-Tracker"), "ke/el/keel-tracker");
    }

    #[test]
    fn renamed_dependencies_and_new_feature_syntax_are_indexed_as_specified() {
        let meta: NewCrate = serde_json::from_str(
            r#"{"name":"x","vers":"1.0.0","deps":[{"name":"serde","version_req":"^1",
               "explicit_name_in_toml":"serde1","kind":"normal","optional":true}],
               "features":{"a":["serde1/std"],"b":["dep:serde1"]}}"#,
        )
        .unwrap();
        let line = meta.to_line("00".into());
        assert_eq!(line.deps[0].name, "serde1");
        assert_eq!(line.deps[0].package.as_deref(), Some("serde"));
        assert!(line.deps[0].default_features);
        assert_eq!(line.features.keys().collect::<Vec<_>>(), ["a"]);
        assert_eq!(line.features2.unwrap().keys().collect::<Vec<_>>(), ["b"]);
        assert_eq!(line.v, Some(2));
        assert!(same_version("1.0.0+a", "1.0.0+b") && !same_version("1.0.0", "1.0.1"));
    }
}
