//! The registry in a browser: server-rendered HTML pages, usable without JavaScript. The
//! crate list with search, a page per crate (versions, owners, README, dependencies and
//! dependents, the `cargo add` line, docs), the packages, the releases (manifest, artifacts
//! with sha256 and build-ids, signatures, rebuilders' verdicts) and a page per build-id
//! ("which release is this binary from?"). Every piece of stored text goes through
//! `html::esc`; READMEs through `readme::render`.

use crate::access::Kind;
use crate::html::{esc, page, query_value, seg, size};
use crate::release;
use crate::server::Registry;
use crate::storage::StoreError;
use std::fmt::Write;

/// Crates per page of the list.
pub const PER_PAGE: usize = 50;
/// Dependents named on a crate's page (the count is always shown).
const DEPENDENTS_SHOWN: usize = 100;

/// A page: status 200 with its HTML, or 404 with one saying what is missing.
#[derive(Debug)]
pub enum Page {
    Found(String),
    Missing(String),
}

fn missing(what: &str) -> Page {
    Page::Missing(not_found(what))
}

/// The page of a 404, saying what is missing.
pub fn not_found(what: &str) -> String {
    page(
        "Not found",
        &format!("<h1>Not found</h1><p>{}</p>", esc(what)),
    )
}

/// `/`: every crate's newest version, filtered by `q` (name or description), paged.
pub fn crates(reg: &Registry, q: &str, page_no: usize) -> Result<Page, StoreError> {
    let needle = q.trim().to_lowercase();
    let all = reg.storage.catalog()?;
    let matching: Vec<_> = all
        .iter()
        .map(|c| (&c.line, &c.description))
        .filter(|(l, d)| {
            needle.is_empty()
                || l.name.to_lowercase().contains(&needle)
                || d.to_lowercase().contains(&needle)
        })
        .collect();
    let pages = matching.len().div_ceil(PER_PAGE).max(1);
    let page_no = page_no.clamp(1, pages);
    let mut b = String::new();
    let _ = write!(
        b,
        "<h1>Crates</h1><form action=\"/\" method=\"get\"><input type=\"search\" name=\"q\" value=\"{}\" \
         placeholder=\"Search crates\" aria-label=\"Search crates\"> <button>Search</button></form>\
         <p class=\"muted\">{} crate{}{}</p>",
        esc(q),
        matching.len(),
        if matching.len() == 1 { "" } else { "s" },
        if needle.is_empty() {
            String::new()
        } else {
            format!(" matching “{}”", esc(q.trim()))
        }
    );
    if !matching.is_empty() {
        b.push_str("<table><tr><th>Crate</th><th>Newest</th><th>Description</th></tr>");
        for (l, d) in matching
            .iter()
            .skip((page_no - 1) * PER_PAGE)
            .take(PER_PAGE)
        {
            let _ = write!(
                b,
                "<tr><td><a href=\"/crates/{}\">{}</a></td><td>{}</td><td>{}</td></tr>",
                seg(&l.name),
                esc(&l.name),
                esc(&l.vers),
                esc(d)
            );
        }
        b.push_str("</table>");
    }
    if pages > 1 {
        let link = |n: usize, label: &str| {
            format!(
                "<a href=\"/?q={}&amp;page={n}\">{label}</a>",
                query_value(q.trim())
            )
        };
        let _ = write!(b, "<p>Page {page_no} of {pages} ");
        if page_no > 1 {
            b.push_str(&link(page_no - 1, "← previous"));
            b.push(' ');
        }
        if page_no < pages {
            b.push_str(&link(page_no + 1, "next →"));
        }
        b.push_str("</p>");
    }
    Ok(Page::Found(page("Crates", &b)))
}

/// `/crates/<name>`.
pub fn crate_page(reg: &Registry, name: &str) -> Result<Page, StoreError> {
    if crate::upload::check_name(name).is_err() {
        return Ok(missing(&format!("no crate named {name}")));
    }
    let lines = reg.storage.lines(name)?;
    let Some(newest) = lines.iter().rev().find(|l| !l.yanked).or(lines.last()) else {
        return Ok(missing(&format!("no crate named {name} is published here")));
    };
    let name = newest.name.as_str();
    let mut b = String::new();
    let _ = write!(
        b,
        "<h1>{} <span class=\"muted\">{}</span></h1>",
        esc(name),
        esc(&newest.vers)
    );
    if let Some(d) = reg.storage.description(name) {
        let _ = write!(b, "<p>{}</p>", esc(&d));
    }
    let _ = write!(
        b,
        "<pre>cargo add {}@{} --registry keel</pre><p class=\"muted\">(<code>keel</code>: the name your \
         <code>.cargo/config.toml</code> gives this registry)</p>",
        esc(name),
        esc(&newest.vers)
    );
    if crate::docs::has_docs(&reg.storage, newest) {
        let _ = write!(
            b,
            "<p><a href=\"/docs/{}/{}/\">Documentation for {}</a></p>",
            seg(name),
            seg(&newest.vers),
            esc(&newest.vers)
        );
    }
    let file = reg.tokens.file();
    let owners = reg
        .storage
        .owners(Kind::Crate, name, &file.legacy_owners)?
        .unwrap_or_default();
    let _ = write!(
        b,
        "<h2>Owners</h2><p>{}</p>",
        if owners.is_empty() {
            "none recorded".to_owned()
        } else {
            owners.iter().map(|o| esc(o)).collect::<Vec<_>>().join(", ")
        }
    );
    b.push_str("<h2>Versions</h2><table><tr><th>Version</th><th>Status</th><th>Docs</th><th>sha256</th></tr>");
    for l in lines.iter().rev() {
        let docs = if crate::docs::has_docs(&reg.storage, l) {
            format!("<a href=\"/docs/{}/{}/\">docs</a>", seg(name), seg(&l.vers))
        } else {
            String::new()
        };
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{docs}</td><td class=\"mono\">{}</td></tr>",
            esc(&l.vers),
            if l.yanked {
                "<span class=\"yanked\">yanked</span>"
            } else {
                ""
            },
            esc(&l.cksum)
        );
    }
    b.push_str("</table>");
    let _ = write!(b, "<h2>Dependencies of {}</h2>", esc(&newest.vers));
    if newest.deps.is_empty() {
        b.push_str("<p class=\"muted\">none</p>");
    } else {
        b.push_str("<table><tr><th>Crate</th><th>Requirement</th><th>Kind</th></tr>");
        for d in &newest.deps {
            let shown = d.package.as_deref().unwrap_or(&d.name);
            // A dependency without a registry is from this one.
            let cell = if d.registry.is_none() {
                format!("<a href=\"/crates/{}\">{}</a>", seg(shown), esc(shown))
            } else {
                format!(
                    "{} <span class=\"muted\">({})</span>",
                    esc(shown),
                    esc(d.registry.as_deref().unwrap_or_default())
                )
            };
            let _ = write!(
                b,
                "<tr><td>{cell}</td><td>{}</td><td>{}{}</td></tr>",
                esc(&d.req),
                esc(&d.kind),
                if d.optional { ", optional" } else { "" }
            );
        }
        b.push_str("</table>");
    }
    let catalog = reg.storage.catalog()?;
    let dependents: Vec<_> = catalog
        .iter()
        .map(|c| &c.line)
        .filter(|l| {
            l.deps
                .iter()
                .any(|d| d.registry.is_none() && d.package.as_deref().unwrap_or(&d.name) == name)
        })
        .collect();
    let _ = write!(
        b,
        "<h2>Dependents <span class=\"muted\">({})</span></h2>",
        dependents.len()
    );
    if dependents.is_empty() {
        b.push_str("<p class=\"muted\">none here</p>");
    } else {
        b.push_str("<ul>");
        for l in dependents.iter().take(DEPENDENTS_SHOWN) {
            let _ = write!(
                b,
                "<li><a href=\"/crates/{}\">{}</a> {}</li>",
                seg(&l.name),
                esc(&l.name),
                esc(&l.vers)
            );
        }
        b.push_str("</ul>");
        if dependents.len() > DEPENDENTS_SHOWN {
            let _ = write!(
                b,
                "<p class=\"muted\">and {} more</p>",
                dependents.len() - DEPENDENTS_SHOWN
            );
        }
    }
    if let Some(readme) = crate::readme::of(
        &reg.storage.crate_file(name, &newest.vers),
        name,
        &newest.vers,
    ) {
        let _ = write!(
            b,
            "<section class=\"readme\"><h2>README</h2>{readme}</section>"
        );
    }
    Ok(Page::Found(page(name, &b)))
}

/// `/packages`: every package with its versions.
pub fn packages(reg: &Registry) -> Result<Page, StoreError> {
    let mut b = String::from("<h1>Packages</h1>");
    let names = reg.storage.package_names()?;
    if names.is_empty() {
        b.push_str("<p class=\"muted\">none published yet</p>");
    } else {
        b.push_str("<table><tr><th>Package</th><th>Versions</th></tr>");
        for n in &names {
            let versions = reg.storage.package_versions(n)?;
            let links: Vec<String> = versions
                .iter()
                .rev()
                .map(|v| format!("<a href=\"{}\">{}</a>", version_href(n, v), esc(v)))
                .collect();
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}</td></tr>",
                esc(n),
                links.join(" ")
            );
        }
        b.push_str("</table>");
    }
    Ok(Page::Found(page("Packages", &b)))
}

fn version_href(package: &str, version: &str) -> String {
    if package == release::PACKAGE {
        format!("/releases/{}", seg(version))
    } else {
        format!("/packages/{}/{}", seg(package), seg(version))
    }
}

/// `/packages/<name>/<version>`: its files, with sizes, sha256 and download links.
pub fn package(reg: &Registry, name: &str, version: &str) -> Result<Page, StoreError> {
    let files = match reg.storage.list_package(name, version) {
        Ok(f) => f,
        Err(StoreError::NotFound(m)) => return Ok(missing(&m)),
        Err(e) => return Err(e),
    };
    let mut b = format!("<h1>{} {}</h1>", esc(name), esc(version));
    b.push_str(&files_table(name, version, &files));
    Ok(Page::Found(page(&format!("{name} {version}"), &b)))
}

fn files_table(name: &str, version: &str, files: &[(String, String, u64)]) -> String {
    let mut b = String::from("<table><tr><th>File</th><th>Size</th><th>sha256</th></tr>");
    for (f, sha, n) in files {
        let _ = write!(
            b,
            "<tr><td><a href=\"/api/v1/packages/{}/{}/{}\">{}</a></td><td class=\"n\">{}</td><td class=\"mono\">{}</td></tr>",
            seg(name),
            seg(version),
            seg(f),
            esc(f),
            size(*n),
            esc(sha)
        );
    }
    b.push_str("</table>");
    b
}

/// `/releases`.
pub fn releases(reg: &Registry) -> Result<Page, StoreError> {
    let mut b = String::from("<h1>Releases</h1>");
    let versions = reg.storage.package_versions(release::PACKAGE)?;
    if versions.is_empty() {
        b.push_str("<p class=\"muted\">none published yet (<code>cargo xtask publish</code>)</p>");
    } else {
        b.push_str("<table><tr><th>Release</th><th>Commit</th><th>Artifacts</th></tr>");
        for v in versions.iter().rev() {
            let (commit, count) = match release::manifest(&reg.storage, release::PACKAGE, v) {
                Ok(m) => (
                    m.git["commit"]
                        .as_str()
                        .unwrap_or("?")
                        .chars()
                        .take(12)
                        .collect(),
                    m.artifacts.len().to_string(),
                ),
                Err(_) => ("publish not finished".to_owned(), String::new()),
            };
            let _ = write!(
                b,
                "<tr><td><a href=\"/releases/{}\">{}</a></td><td class=\"mono\">{}</td><td>{}</td></tr>",
                seg(v),
                esc(v),
                esc(&commit),
                count
            );
        }
        b.push_str("</table>");
    }
    Ok(Page::Found(page("Releases", &b)))
}

/// `/releases/<version>`: the manifest, its artifacts, signatures and rebuilders' verdicts.
pub fn release_page(reg: &Registry, version: &str) -> Result<Page, StoreError> {
    let m = match release::manifest(&reg.storage, release::PACKAGE, version) {
        Ok(m) => m,
        Err(StoreError::NotFound(w)) => return Ok(missing(&w)),
        Err(e) => return Err(e),
    };
    let files = reg.storage.list_package(release::PACKAGE, version)?;
    let has = |f: &str| files.iter().any(|(n, _, _)| n == f);
    let mut b = format!("<h1>Release {}</h1><table>", esc(version));
    let row = |b: &mut String, k: &str, v: String| {
        let _ = write!(b, "<tr><th>{k}</th><td>{v}</td></tr>");
    };
    row(
        &mut b,
        "Commit",
        format!(
            "<span class=\"mono\">{}</span>",
            esc(m.git["commit"].as_str().unwrap_or("?"))
        ),
    );
    row(
        &mut b,
        "Toolchain",
        esc(m.inputs["rustc_vv"]
            .as_str()
            .unwrap_or("?")
            .lines()
            .next()
            .unwrap_or("?")),
    );
    row(
        &mut b,
        "Target",
        esc(m.inputs["target"].as_str().unwrap_or("?")),
    );
    row(
        &mut b,
        "Signed",
        if has("release-manifest.json.minisig") {
            format!(
                "<span class=\"ok\">yes</span> (minisign; check with <code>cargo xtask verify-release {} --registry …</code>)",
                esc(version)
            )
        } else {
            "<span class=\"muted\">no</span>".to_owned()
        },
    );
    let verdicts = attestations(reg, version, &files);
    row(
        &mut b,
        "Reproduced",
        if verdicts.is_empty() {
            "<span class=\"muted\">no rebuilder has attested it yet (<code>cargo xtask rebuild --attest</code>)</span>".to_owned()
        } else {
            verdicts.join("<br>")
        },
    );
    b.push_str("</table><h2>Artifacts</h2><table><tr><th>Artifact</th><th>Kind</th><th>Size</th><th>sha256</th><th>build-id</th></tr>");
    for a in &m.artifacts {
        let name_cell = match a.kind.as_str() {
            "crate" => a
                .file()
                .strip_suffix(&format!("-{version}.crate"))
                .map(|c| format!("<a href=\"/crates/{}\">{}</a>", seg(c), esc(&a.path)))
                .unwrap_or_else(|| esc(&a.path)),
            _ if has(a.file()) => format!(
                "<a href=\"/api/v1/packages/{}/{}/{}\">{}</a>",
                seg(release::PACKAGE),
                seg(version),
                seg(a.file()),
                esc(&a.path)
            ),
            _ => esc(&a.path),
        };
        let id = a
            .build_id
            .as_deref()
            .map(|id| {
                format!(
                    "<a class=\"mono\" href=\"/buildid/{}\">{}</a>",
                    seg(id),
                    esc(id)
                )
            })
            .unwrap_or_default();
        let _ = write!(
            b,
            "<tr><td>{name_cell}</td><td>{}</td><td class=\"n\">{}</td><td class=\"mono\">{}</td><td>{id}</td></tr>",
            esc(&a.kind),
            size(a.size),
            esc(&a.sha256)
        );
    }
    b.push_str("</table><h2>Files</h2>");
    b.push_str(&files_table(release::PACKAGE, version, &files));
    Ok(Page::Found(page(&format!("Release {version}"), &b)))
}

/// One line per rebuilder attestation: its key and what it found. The signature is not
/// checked here (the registry holds no keys); `cargo xtask verify-release` checks it.
fn attestations(reg: &Registry, version: &str, files: &[(String, String, u64)]) -> Vec<String> {
    use base64::Engine;
    let mut out = Vec::new();
    for (f, _, _) in files
        .iter()
        .filter(|(f, _, _)| f.starts_with("rebuild-") && f.ends_with(".dsse.json"))
    {
        let path = reg.storage.package_file(release::PACKAGE, version, f);
        let statement = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|env| {
                base64::engine::general_purpose::STANDARD
                    .decode(env["payload"].as_str()?)
                    .ok()
            })
            .and_then(|p| serde_json::from_slice::<serde_json::Value>(&p).ok());
        let key = f
            .trim_start_matches("rebuild-")
            .trim_end_matches(".dsse.json");
        let line = match statement {
            Some(s) => {
                let arts = s["predicate"]["artifacts"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                let same = arts.iter().filter(|a| a["verdict"] == "identical").count();
                let result = s["predicate"]["result"].as_str().unwrap_or("?");
                format!(
                    "<span class=\"{}\">{}</span> by rebuilder key <span class=\"mono\">{}</span>: {same}/{} artifacts identical \
                     (as the attestation says: this page does not check its signature; <code>cargo xtask verify-release</code> does)",
                    if result == "reproduced" { "ok" } else { "bad" },
                    esc(result),
                    esc(key),
                    arts.len()
                )
            }
            None => format!("an unreadable attestation, {}", esc(f)),
        };
        out.push(line);
    }
    out
}

/// `/buildid/<id>`: which release a binary (or its symbols) is from.
pub fn build_id(reg: &Registry, id: &str) -> Result<Page, StoreError> {
    let mut rows = String::new();
    for role in ["executable", "debuginfo"] {
        let (rel, sha) = match reg.storage.build_id_record(id, role) {
            Ok(r) => r,
            Err(StoreError::NotFound(_)) => continue,
            Err(e) => return Err(e),
        };
        let mut parts = rel.splitn(3, '/');
        let (p, v, f) = (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        let _ = write!(
            rows,
            "<tr><td>{role}</td><td><a href=\"{}\">{} {}</a></td><td><a href=\"/buildid/{}/{role}\">{}</a></td><td class=\"mono\">{}</td></tr>",
            version_href(p, v),
            esc(p),
            esc(v),
            seg(id),
            esc(f),
            esc(&sha)
        );
    }
    if rows.is_empty() {
        return Ok(missing(&format!("no published file has build-id {id}")));
    }
    let b = format!(
        "<h1>Build-id <span class=\"mono\">{}</span></h1><table><tr><th>Role</th><th>Release</th><th>File</th><th>sha256</th></tr>{rows}</table>\
         <p>Debug it: <code>DEBUGINFOD_URLS={} gdb BINARY</code></p>",
        esc(id),
        esc(&reg.base_url)
    );
    Ok(Page::Found(page(&format!("build-id {id}"), &b)))
}
