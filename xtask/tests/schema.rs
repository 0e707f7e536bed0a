//! The manifests a build and a dist write have exactly the fields `docs/manifest.md` lists,
//! with the types it gives: the schema lives in the repository, and this keeps it true.

mod fixture;

use fixture::{Fixture, keel_root};
use serde_json::Value;
use std::collections::BTreeMap;

/// The documented fields: path -> (type, optional).
fn documented() -> BTreeMap<String, (String, bool)> {
    let page = std::fs::read_to_string(keel_root().join("docs/manifest.md")).unwrap();
    let mut fields = BTreeMap::new();
    for line in page.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | `field` | type | meaning |
        if cells.len() < 4 || !cells[1].starts_with('`') {
            continue;
        }
        let path = cells[1].trim_matches('`').to_owned();
        let optional = cells[3].starts_with("optional");
        fields.insert(path, (cells[2].to_owned(), optional));
    }
    assert!(
        fields.len() > 20,
        "the field table was not found: {fields:?}"
    );
    fields
}

/// Every leaf of `v` as (path, value), with `*` for the keys of `native_tools` and `[]` for
/// list elements holding objects.
fn leaves<'a>(v: &'a Value, path: String, out: &mut Vec<(String, &'a Value)>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let key = if path == "inputs.native_tools" {
                    "*"
                } else {
                    k
                };
                let p = if path.is_empty() {
                    key.to_owned()
                } else {
                    format!("{path}.{key}")
                };
                leaves(child, p, out);
            }
        }
        Value::Array(items) if items.iter().any(Value::is_object) => {
            for item in items {
                leaves(item, format!("{path}[]"), out);
            }
        }
        _ => out.push((path, v)),
    }
}

fn has_type(v: &Value, ty: &str) -> bool {
    let strings = |v: &Value| v.as_array().is_some_and(|a| a.iter().all(Value::is_string));
    match ty {
        "string" => v.is_string(),
        "integer" => v.is_u64(),
        "boolean" => v.is_boolean(),
        "list of strings" => strings(v),
        "string or list of strings" => v.is_string() || strings(v),
        other => panic!("docs/manifest.md uses an unknown type {other:?}"),
    }
}

fn check(manifest: &Value, what: &str) {
    let doc = documented();
    let mut found = Vec::new();
    leaves(manifest, String::new(), &mut found);
    for (path, value) in &found {
        let (ty, _) = doc
            .get(path)
            .unwrap_or_else(|| panic!("{what}: `{path}` is not in docs/manifest.md"));
        assert!(
            has_type(value, ty),
            "{what}: `{path}` = {value} is not a {ty}"
        );
    }
    for (path, (_, optional)) in &doc {
        if !optional && !path.contains('*') {
            assert!(
                found.iter().any(|(p, _)| p == path),
                "{what}: documented field `{path}` is missing"
            );
        }
    }
}

#[test]
fn build_and_dist_manifests_match_the_documented_schema() {
    let f = Fixture::new("schema");
    f.xtask(&["build"]).ok();
    let dev: Value = serde_json::from_str(&f.read("target/dist/build-manifest.json")).unwrap();
    check(&dev, "a dev build's manifest");
    f.xtask(&["dist"]).ok();
    let release: Value =
        serde_json::from_str(&f.read("target/dist/release-manifest.json")).unwrap();
    check(&release, "a dist's release manifest");
    assert_eq!(release["schema"], 1);
    assert!(release["artifacts"][0]["sha256"].is_string());
}
