//! The web UI in a real browser: Debian's chromium, headless (fetched by `cargo xtask test`),
//! loads every kind of page from a registry holding crates (one yanked version, one crate
//! depending on another, a README with HTML and a script link in it), a package and a
//! release with a binary, docs and a rebuilder's attestation. The DOM chromium built is
//! checked: the content is there, the README's `<script>` is text, every link resolves.

mod common;

use base64::Engine;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Browser {
    exe: PathBuf,
    profile: PathBuf,
}

impl Browser {
    fn new(scratch: &Path) -> Browser {
        let exe = PathBuf::from(std::env::var_os("KEEL_TEST_CHROMIUM").expect(
            "chromium comes with `cargo xtask test` (Debian's package, unpacked): run the tests through it",
        ));
        Browser {
            exe,
            profile: scratch.join("chromium-profile"),
        }
    }

    fn run(&self, args: &[&str]) -> Vec<u8> {
        let out = Command::new(&self.exe)
            .env("HOME", &self.profile)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
            ])
            .arg(format!("--user-data-dir={}", self.profile.display()))
            .args(args)
            .output()
            .expect("running chromium");
        assert!(
            out.status.success(),
            "chromium {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    /// The DOM chromium built from `url`, serialized.
    fn dom(&self, url: &str) -> String {
        String::from_utf8(self.run(&["--dump-dom", url])).unwrap()
    }

    fn screenshot(&self, url: &str, to: &Path) {
        self.run(&[
            &format!("--screenshot={}", to.display()),
            "--window-size=1280,1100",
            "--hide-scrollbars",
            url,
        ]);
    }
}

const README: &str = "# Alpha\n\nThe **first** crate.\n\n<script>alert('readme')</script>\n\n\
[harmless](https://example.com/) and [evil](javascript:alert(1)).\n";

fn crate_with_readme(name: &str, vers: &str) -> Vec<u8> {
    let toml = format!(
        "[package]\nname = \"{name}\"\nversion = \"{vers}\"\nedition = \"2021\"\nreadme = \"README.md\"\n"
    );
    tar_gz(&[
        (&format!("{name}-{vers}/Cargo.toml"), toml.as_bytes()),
        (&format!("{name}-{vers}/README.md"), README.as_bytes()),
        (&format!("{name}-{vers}/src/lib.rs"), b"pub fn f() {}\n"),
    ])
}

fn hrefs(dom: &str) -> Vec<String> {
    dom.split("href=\"")
        .skip(1)
        .filter_map(|r| r.split('"').next())
        .map(|h| h.replace("&amp;", "&"))
        .collect()
}

#[test]
fn every_page_renders_in_chromium_links_resolve_and_a_readme_cannot_run_script() {
    let dir = Scratch::new("ui");
    let t = token(&dir.0, "ci");
    let s = Server::start(&dir.0, &[]);
    let browser = Browser::new(&dir.0);
    let base = format!("http://{}", s.addr);
    let auth = [("Authorization", t.as_str())];

    // Crates: alpha 0.9.0 (yanked) and 1.0.0 with a README; beta depends on alpha.
    let alpha = crate_with_readme("alpha", "1.0.0");
    for (vers, file) in [
        ("0.9.0", crate_with_readme("alpha", "0.9.0")),
        ("1.0.0", alpha.clone()),
    ] {
        let meta = format!(
            r#"{{"name":"alpha","vers":"{vers}","deps":[],"features":{{}},"authors":[],"description":"the first <crate>","license":"MIT"}}"#
        );
        let r = http(
            &s.addr,
            "PUT",
            "/api/v1/crates/new",
            &auth,
            &publish_body(&meta, &file),
        );
        assert_eq!(r.status, 200, "{}", r.text());
    }
    let yank = http(
        &s.addr,
        "DELETE",
        "/api/v1/crates/alpha/0.9.0/yank",
        &auth,
        b"",
    );
    assert_eq!(yank.status, 200, "{}", yank.text());
    let beta_meta = r#"{"name":"beta","vers":"2.0.0","deps":[{"name":"alpha","version_req":"^1","features":[],"optional":false,"default_features":true,"target":null,"kind":"normal"}],"features":{},"authors":[],"description":"needs alpha","license":"MIT"}"#;
    let r = http(
        &s.addr,
        "PUT",
        "/api/v1/crates/new",
        &auth,
        &publish_body(beta_meta, &crate_file("beta", "2.0.0", "b")),
    );
    assert_eq!(r.status, 200, "{}", r.text());

    // A package, and a release: a binary with its symbols, docs, an attestation, the manifest.
    let put = |pkg: &str, vers: &str, file: &str, body: &[u8]| {
        let r = http(
            &s.addr,
            "PUT",
            &format!("/api/v1/packages/{pkg}/{vers}/{file}"),
            &auth,
            body,
        );
        assert_eq!(r.status, 201, "{file}: {}", r.text());
    };
    put(
        "tools",
        "2.0.0",
        "tools-2.0.0-x86_64-unknown-linux-gnu.tar.gz",
        &tar_gz(&[("tools/x", b"x")]),
    );
    let elf = std::fs::read(std::env::current_exe().unwrap()).unwrap();
    let id = keel_registry::buildid::of(&elf).unwrap();
    put("keel-release", "1.0.0", "tool", &elf);
    let docs = tar_gz(&[(
        "alpha/index.html",
        b"<!DOCTYPE html><title>alpha - Rust</title><h1>Crate alpha docs</h1>",
    )]);
    put("keel-release", "1.0.0", "keel-docs-1.0.0.tar.gz", &docs);
    let statement = serde_json::json!({"predicate": {"result": "reproduced", "artifacts": [
        {"path": "tool", "verdict": "identical"}, {"path": "crates/alpha-1.0.0.crate", "verdict": "identical"},
        {"path": "docs/keel-docs-1.0.0.tar.gz", "verdict": "identical"}]}});
    let envelope = serde_json::json!({
        "payloadType": "application/vnd.in-toto+json",
        "payload": base64::engine::general_purpose::STANDARD.encode(statement.to_string()),
        "signatures": [],
    });
    put(
        "keel-release",
        "1.0.0",
        "rebuild-0123456789abcdef.dsse.json",
        envelope.to_string().as_bytes(),
    );
    let manifest = serde_json::json!({
        "workspace_version": "1.0.0",
        "git": {"commit": "0123456789abcdef0123456789abcdef01234567"},
        "inputs": {"rustc_vv": "rustc 1.95.0 (59807616e 2026-04-14)\nbinary: rustc\n", "target": "x86_64-unknown-linux-gnu <img src=x onerror=alert(1)>"},
        "artifacts": [
            {"path": "crates/alpha-1.0.0.crate", "kind": "crate", "sha256": sha256_hex(&alpha), "size": alpha.len()},
            {"path": "docs/keel-docs-1.0.0.tar.gz", "kind": "docs", "sha256": sha256_hex(&docs), "size": docs.len()},
            {"path": "tool", "kind": "bin", "sha256": sha256_hex(&elf), "size": elf.len(), "build_id": id},
        ],
    });
    put(
        "keel-release",
        "1.0.0",
        "release-manifest.json",
        manifest.to_string().as_bytes(),
    );

    let (sha, id_link) = (sha256_hex(&elf), format!("href=\"/buildid/{id}\""));
    let pages: Vec<(String, Vec<&str>)> = vec![
        (
            "/".into(),
            vec![
                ">alpha</a>",
                ">beta</a>",
                "the first &lt;crate&gt;",
                "2 crates",
            ],
        ),
        ("/?q=needs".into(), vec![">beta</a>", "1 crate matching"]),
        // A hostile query is shown as text.
        (
            "/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E".into(),
            vec!["&lt;script&gt;alert(1)&lt;/script&gt;"],
        ),
        (
            "/crates/alpha".into(),
            vec![
                "<h1>alpha <span class=\"muted\">1.0.0</span></h1>",
                "cargo add alpha@1.0.0 --registry keel",
                "<span class=\"yanked\">yanked</span>",
                ">ci<",
                "<h1>Alpha</h1>",
                "<strong>first</strong>",
                "&lt;script&gt;alert('readme')&lt;/script&gt;",
                "href=\"https://example.com/\"",
                "href=\"/crates/beta\"",
                "href=\"/docs/alpha/1.0.0/\"",
            ],
        ),
        ("/crates/beta".into(), vec!["href=\"/crates/alpha\"", "^1"]),
        (
            "/packages".into(),
            vec![
                "tools",
                "href=\"/packages/tools/2.0.0\"",
                "href=\"/releases/1.0.0\"",
            ],
        ),
        (
            "/packages/tools/2.0.0".into(),
            vec!["tools-2.0.0-x86_64-unknown-linux-gnu.tar.gz"],
        ),
        (
            "/releases".into(),
            vec!["href=\"/releases/1.0.0\"", "0123456789ab"],
        ),
        (
            "/releases/1.0.0".into(),
            vec![
                &sha,
                &id_link,
                "reproduced</span> by rebuilder key",
                "3/3 artifacts identical",
                "does not check its signature",
                "rustc 1.95.0",
                "&lt;img src=x onerror=alert(1)&gt;",
            ],
        ),
        (
            format!("/buildid/{id}"),
            vec![
                "href=\"/releases/1.0.0\"",
                "keel-release 1.0.0",
                "executable",
            ],
        ),
    ];
    let mut links = Vec::new();
    for (path, needles) in &pages {
        let dom = browser.dom(&format!("{base}{path}"));
        for n in needles {
            assert!(dom.contains(n), "{path}: no {n:?} in the DOM:\n{dom}");
        }
        // No script at all: the README's is text, and its javascript: link is gone.
        assert!(!dom.contains("<script"), "{path}: a script element:\n{dom}");
        assert!(
            !dom.to_lowercase().contains("javascript:"),
            "{path}:\n{dom}"
        );
        links.extend(hrefs(&dom).into_iter().filter(|h| h.starts_with('/')));
    }
    // Every link on every page resolves (a docs root redirects to the crate's page).
    links.sort();
    links.dedup();
    assert!(links.len() >= 15, "{links:?}");
    for link in &links {
        let r = http(&s.addr, "GET", link, &[], b"");
        assert!(
            matches!(r.status, 200 | 302),
            "{link}: {} {}",
            r.status,
            r.text()
        );
    }
    // The list is kept in memory; a publish shows at once.
    assert!(
        !http(&s.addr, "GET", "/", &[], b"")
            .text()
            .contains(">gamma</a>")
    );
    assert_eq!(publish(&s.addr, &t, "gamma", "0.1.0", "g").status, 200);
    let after = http(&s.addr, "GET", "/", &[], b"").text();
    assert!(
        after.contains(">gamma</a>") && after.contains("3 crates"),
        "{after}"
    );
    // A crate whose every version is yanked leaves the list.
    let yank = http(
        &s.addr,
        "DELETE",
        "/api/v1/crates/gamma/0.1.0/yank",
        &auth,
        b"",
    );
    assert_eq!(yank.status, 200, "{}", yank.text());
    let after = http(&s.addr, "GET", "/", &[], b"").text();
    assert!(
        !after.contains(">gamma</a>") && after.contains("2 crates"),
        "{after}"
    );
    // The docs page renders in the browser despite its sandbox.
    let docs_dom = browser.dom(&format!("{base}/docs/alpha/1.0.0/alpha/index.html"));
    assert!(docs_dom.contains("Crate alpha docs"), "{docs_dom}");
    // Missing things are 404 pages that say what is missing.
    let gone = browser.dom(&format!("{base}/crates/nope"));
    assert!(gone.contains("no crate named nope"), "{gone}");
    assert_eq!(http(&s.addr, "GET", "/crates/nope", &[], b"").status, 404);

    // Screenshots, for a person to look at: target/tmp/ui-screenshots/.
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ui-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    for (name, path) in [
        ("crate", "/crates/alpha"),
        ("release", "/releases/1.0.0"),
        ("crates", "/"),
    ] {
        let png = shots.join(format!("{name}.png"));
        browser.screenshot(&format!("{base}{path}"), &png);
        let bytes = std::fs::read(&png).unwrap();
        assert!(
            bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000,
            "{}",
            png.display()
        );
    }
}
