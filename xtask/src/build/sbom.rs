//! What each release binary is made of, in two forms that say the same thing: the
//! dependency list cargo-auditable defines, embedded in the binary (an ELF section `.dep-v0`
//! holding zlib-compressed JSON, which `cargo audit bin`, Syft and Trivy read), and a
//! CycloneDX 1.5 JSON SBOM beside it (`sbom/<binary>.cdx.json`). Both come from the graph
//! cargo resolved for the build (`cargo tree --workspace`, so with the workspace's unified
//! features, for the pinned target, normal edges only, without proc-macros: exactly the
//! crates linked in), with versions, checksums and licenses from Cargo.lock and vendor/.

use crate::deps::lockfile::{self, LockedPackage};
use crate::hermetic::{Hermetic, Purpose};
use crate::project::{PRODUCT, Project};
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The ELF section cargo-auditable's readers look for.
pub const SECTION: &str = ".dep-v0";
pub const DIR: &str = "sbom";

/// One crate of a binary's graph.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Crate {
    pub name: String,
    pub version: String,
    /// A workspace (path) crate rather than one from a registry.
    pub local: bool,
}

/// A workspace member's linked graph: its crates (itself first) and who depends on whom.
#[derive(Debug, Clone)]
pub struct Graph {
    pub crates: Vec<Crate>,
    pub edges: BTreeSet<(usize, usize)>,
}

/// The linked graph of every workspace member, by package name.
pub fn graphs(hermetic: &Hermetic, target: &str) -> Result<BTreeMap<String, Graph>> {
    let mut cmd = hermetic.cargo("tree", Purpose::Build);
    cmd.args([
        "--manifest-path",
        PRODUCT.0,
        "--workspace",
        "--target",
        target,
        "--edges",
        "normal,no-proc-macro",
        "--no-dedupe",
        "--prefix",
        "depth",
        "--format",
        "{p}",
    ]);
    let out = crate::process::run_capture(&mut cmd)
        .context("cargo tree (the binaries' dependency graphs)")?;
    parse_tree(&out)
}

fn parse_tree(text: &str) -> Result<BTreeMap<String, Graph>> {
    let mut out: BTreeMap<String, Graph> = BTreeMap::new();
    let mut root: Option<String> = None;
    let mut stack: Vec<usize> = Vec::new(); // the node index at each depth
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        let depth: usize = line[..digits]
            .parse()
            .with_context(|| format!("cargo tree line {line:?}"))?;
        let mut words = line[digits..].split_whitespace();
        let (Some(name), Some(version)) = (words.next(), words.next()) else {
            bail!("cargo tree line {line:?}: no name and version");
        };
        let krate = Crate {
            name: name.to_owned(),
            version: version.trim_start_matches('v').to_owned(),
            local: line.contains(" (/"),
        };
        if depth == 0 {
            root = Some(krate.name.clone());
            out.insert(
                krate.name.clone(),
                Graph {
                    crates: vec![krate],
                    edges: BTreeSet::new(),
                },
            );
            stack = vec![0];
            continue;
        }
        let g = out
            .get_mut(
                root.as_deref()
                    .context("cargo tree: a dependency before any root")?,
            )
            .expect("inserted");
        let at = match g.crates.iter().position(|c| *c == krate) {
            Some(i) => i,
            None => {
                g.crates.push(krate);
                g.crates.len() - 1
            }
        };
        stack.truncate(depth);
        let parent = *stack
            .last()
            .context("cargo tree: a line deeper than its parent")?;
        g.edges.insert((parent, at));
        stack.push(at);
    }
    Ok(out)
}

/// The crates of `g` in a stable order (root first, then by name and version), with edges
/// renumbered to match.
fn ordered(g: &Graph) -> (Vec<&Crate>, BTreeSet<(usize, usize)>) {
    let mut order: Vec<usize> = (1..g.crates.len()).collect();
    order.sort_by(|&a, &b| g.crates[a].cmp(&g.crates[b]));
    order.insert(0, 0);
    let new_index: BTreeMap<usize, usize> =
        order.iter().enumerate().map(|(n, &o)| (o, n)).collect();
    let crates = order.iter().map(|&i| &g.crates[i]).collect();
    let edges = g
        .edges
        .iter()
        .map(|(a, b)| (new_index[a], new_index[b]))
        .collect();
    (crates, edges)
}

/// cargo-auditable's JSON (`auditable-serde`'s `VersionInfo`), zlib-compressed.
pub fn dep_v0(g: &Graph) -> Result<Vec<u8>> {
    let (crates, edges) = ordered(g);
    let packages: Vec<Value> = crates
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut p = json!({
                "name": c.name,
                "version": c.version,
                "source": if c.local { "local" } else { "crates.io" },
            });
            let deps: Vec<usize> = edges
                .iter()
                .filter(|(a, _)| *a == i)
                .map(|(_, b)| *b)
                .collect();
            if !deps.is_empty() {
                p["dependencies"] = json!(deps);
            }
            if i == 0 {
                p["root"] = json!(true);
            }
            p
        })
        .collect();
    let text = json!({ "packages": packages }).to_string();
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut z, text.as_bytes())?;
    Ok(z.finish()?)
}

/// The embedded list of an ELF binary, decompressed: `(name, version)` of every package.
pub fn read_dep_v0(elf: &[u8]) -> Option<BTreeSet<(String, String)>> {
    let s = crate::build::elf::sections(elf)?
        .into_iter()
        .find(|s| s.name == SECTION && s.in_file)?;
    let start = usize::try_from(s.offset).ok()?;
    let bytes = elf.get(start..start.checked_add(usize::try_from(s.size).ok()?)?)?;
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::ZlibDecoder::new(bytes), &mut text).ok()?;
    let v: Value = serde_json::from_str(&text).ok()?;
    Some(
        v["packages"]
            .as_array()?
            .iter()
            .filter_map(|p| {
                Some((
                    p["name"].as_str()?.to_owned(),
                    p["version"].as_str()?.to_owned(),
                ))
            })
            .collect(),
    )
}

/// The purl of a crate (`pkg:cargo/name@version`).
fn purl(c: &Crate) -> String {
    format!("pkg:cargo/{}@{}", c.name, c.version)
}

/// A deterministic urn:uuid (v4-shaped) from the SBOM's own content.
fn serial(seed: &str) -> String {
    let h = crate::files::sha256_bytes(seed.as_bytes());
    format!(
        "urn:uuid:{}-{}-4{}-8{}-{}",
        &h[..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

/// The CycloneDX 1.5 SBOM of binary `bin` (of package graph `g`).
pub fn cyclonedx(
    project: &Project,
    bin: &str,
    g: &Graph,
    locked: &[LockedPackage],
    time: u64,
) -> Result<String> {
    let (crates, edges) = ordered(g);
    let license = |c: &Crate| -> Option<String> {
        let dir = if c.local {
            return None; // the workspace's own: its license is the workspace's (below)
        } else {
            project
                .path("vendor")
                .join(format!("{}-{}", c.name, c.version))
        };
        let doc: toml::Table = std::fs::read_to_string(dir.join("Cargo.toml"))
            .ok()?
            .parse()
            .ok()?;
        doc.get("package")?
            .get("license")?
            .as_str()
            .map(str::to_owned)
    };
    let workspace_license: Option<String> = crate::files::read_to_string(&project.path(PRODUCT.0))
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|d| {
            d.get("workspace")?
                .get("package")?
                .get("license")?
                .as_str()
                .map(str::to_owned)
        });
    let component = |c: &Crate, kind: &str| {
        let mut v = json!({"type": kind, "bom-ref": purl(c), "name": c.name, "version": c.version, "purl": purl(c)});
        if let Some(sum) = locked
            .iter()
            .find(|p| p.name == c.name && p.version == c.version)
            .and_then(|p| p.checksum.clone())
        {
            v["hashes"] = json!([{"alg": "SHA-256", "content": sum}]);
        }
        if let Some(l) = license(c).or_else(|| c.local.then(|| workspace_license.clone()).flatten())
        {
            v["licenses"] = json!([{"expression": l}]);
        }
        v
    };
    let root = crates[0];
    let dependencies: Vec<Value> = (0..crates.len())
        .map(|i| {
            let on: Vec<String> = edges
                .iter()
                .filter(|(a, _)| *a == i)
                .map(|(_, b)| purl(crates[*b]))
                .collect();
            json!({"ref": purl(crates[i]), "dependsOn": on})
        })
        .collect();
    let mut bom = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "metadata": {
            "timestamp": crate::time::rfc3339(time),
            "tools": {"components": [{"type": "application", "name": "cargo-xtask", "description": "Keel's build toolchain"}]},
            "component": {
                "type": "application",
                "bom-ref": format!("{}#bin:{bin}", purl(root)),
                "name": bin,
                "version": root.version,
                "purl": purl(root),
            },
        },
        "components": crates.iter().map(|c| component(c, "library")).collect::<Vec<_>>(),
        "dependencies": dependencies,
    });
    let seed = bom.to_string();
    bom["serialNumber"] = json!(serial(&seed));
    Ok(format!("{}\n", serde_json::to_string_pretty(&bom)?))
}

/// The (name, version) of every component of an SBOM.
pub fn components(sbom: &str) -> Option<BTreeSet<(String, String)>> {
    let v: Value = serde_json::from_str(sbom).ok()?;
    Some(
        v["components"]
            .as_array()?
            .iter()
            .filter_map(|c| {
                Some((
                    c["name"].as_str()?.to_owned(),
                    c["version"].as_str()?.to_owned(),
                ))
            })
            .collect(),
    )
}

pub fn locked(project: &Project) -> Result<Vec<LockedPackage>> {
    lockfile::read(&project.path(PRODUCT.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_becomes_one_graph_per_root_and_the_embedded_list_round_trips() {
        let text = "0app v0.1.0 (/x/app)\n1lib v0.1.0 (/x/lib)\n2serde v1.0.0\n1serde v1.0.0\n\
                    0lib v0.1.0 (/x/lib)\n1serde v1.0.0\n";
        let g = parse_tree(text).unwrap();
        assert_eq!(g.len(), 2);
        let app = &g["app"];
        assert_eq!(app.crates.len(), 3);
        assert_eq!(app.edges.len(), 3); // app->lib, lib->serde, app->serde
        assert!(app.crates[1].local && !app.crates[2].local);
        // Embedded in a fake ELF? The reader needs a section table; the compression round-trips.
        let z = dep_v0(app).unwrap();
        let mut s = String::new();
        std::io::Read::read_to_string(&mut flate2::read::ZlibDecoder::new(&z[..]), &mut s).unwrap();
        let v: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["packages"][0]["name"], "app");
        assert_eq!(v["packages"][0]["root"], true);
        assert_eq!(v["packages"][0]["dependencies"], json!([1, 2]));
        assert_eq!(dep_v0(app).unwrap(), z, "deterministic");
    }
}
