//! keel-registry's HTTP API over loopback, against the real binary: immutability, auth,
//! refusal of bad uploads (storing nothing), the index's caching headers, and packages.
//! (16 concurrent publishes are in tests/cargo.rs, where cargo resolves them.)

mod common;

use common::*;

#[test]
fn publishing_is_immutable_and_idempotent() {
    let dir = Scratch::new("immutable");
    let t = token(&dir.0, "ci");
    let s = Server::start(&dir.0, &[]);

    let first = publish(&s.addr, &t, "alpha", "1.0.0", "a");
    assert_eq!(first.status, 200, "{}", first.text());
    let again = publish(&s.addr, &t, "alpha", "1.0.0", "a");
    assert_eq!(again.status, 200, "{}", again.text());
    assert!(
        again
            .text()
            .contains("already published with these exact bytes")
    );
    let different = publish(&s.addr, &t, "alpha", "1.0.0", "b");
    assert_eq!(different.status, 409, "{}", different.text());
    assert!(
        different
            .text()
            .contains("already published with different contents"),
        "{}",
        different.text()
    );
    // Build metadata does not make a new version.
    let build = publish(&s.addr, &t, "alpha", "1.0.0+other", "c");
    assert_eq!(build.status, 409, "{}", build.text());
    assert_eq!(check_store(&dir.0), 1);

    // The index: one line, ETag and Last-Modified, 304 on a matching If-None-Match, 404 for
    // a crate that does not exist.
    let idx = http(&s.addr, "GET", "/index/al/ph/alpha", &[], b"");
    assert_eq!(idx.status, 200);
    assert_eq!(idx.text().lines().count(), 1);
    let etag = idx.header("etag").unwrap().to_owned();
    assert!(idx.header("last-modified").is_some());
    let cached = http(
        &s.addr,
        "GET",
        "/index/al/ph/alpha",
        &[("If-None-Match", &etag)],
        b"",
    );
    assert_eq!(cached.status, 304);
    assert_eq!(
        http(&s.addr, "GET", "/index/no/ne/nonexistent", &[], b"").status,
        404
    );
    let config: serde_json::Value =
        serde_json::from_slice(&http(&s.addr, "GET", "/index/config.json", &[], b"").body).unwrap();
    assert_eq!(config["dl"], format!("{}/api/v1/crates", s.url));
    assert_eq!(config["api"], s.url);
    assert_eq!(config["auth-required"], false);
    let health = http(&s.addr, "GET", "/health", &[], b"");
    assert_eq!(
        (health.status, health.text().contains("\"ok\"")),
        (200, true)
    );
}

#[test]
fn writes_need_a_valid_token_and_reads_may_too() {
    let dir = Scratch::new("auth");
    let t = token(&dir.0, "ci");
    let s = Server::start(&dir.0, &[]);
    let body = publish_body(&meta("beta", "1.0.0"), &crate_file("beta", "1.0.0", ""));
    let none = http(&s.addr, "PUT", "/api/v1/crates/new", &[], &body);
    assert_eq!(none.status, 401, "{}", none.text());
    assert!(none.text().contains("publishing needs a token"));
    let wrong = http(
        &s.addr,
        "PUT",
        "/api/v1/crates/new",
        &[("Authorization", "keel_nope")],
        &body,
    );
    assert_eq!(wrong.status, 403, "{}", wrong.text());
    let yank = http(
        &s.addr,
        "DELETE",
        "/api/v1/crates/beta/1.0.0/yank",
        &[],
        b"",
    );
    assert_eq!(yank.status, 401);
    assert_eq!(check_store(&dir.0), 0);
    // Reads are anonymous by default...
    assert_eq!(
        http(&s.addr, "GET", "/index/config.json", &[], b"").status,
        200
    );
    drop(s);

    // ...and need the token with --auth-required, announced as cargo expects.
    let s = Server::start(&dir.0, &["--auth-required"]);
    let anon = http(&s.addr, "GET", "/index/config.json", &[], b"");
    assert_eq!(anon.status, 401);
    assert!(
        anon.header("www-authenticate")
            .unwrap()
            .starts_with("Cargo")
    );
    let ok = http(
        &s.addr,
        "GET",
        "/index/config.json",
        &[("Authorization", &t)],
        b"",
    );
    assert_eq!(ok.status, 200);
    assert!(ok.text().contains("\"auth-required\":true"));
}

#[test]
fn bad_uploads_are_refused_with_a_clear_message_and_store_nothing() {
    let dir = Scratch::new("refusals");
    let t = token(&dir.0, "ci");
    let s = Server::start(&dir.0, &[]);
    let good = crate_file("gamma", "1.0.0", "");
    let body = publish_body(&meta("gamma", "1.0.0"), &good);
    let toml = b"[package]\nname = \"gamma\"\nversion = \"1.0.0\"\n";
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("truncated", body[..body.len() - 10].to_vec(), "truncated"),
        ("no crate length", body[..6].to_vec(), "truncated"),
        (
            "bad json",
            publish_body("{\"name\": \"gamma\",", &good),
            "not valid JSON",
        ),
        (
            "bad name",
            publish_body(&meta("9lives", "1.0.0"), &good),
            "not a valid crate name",
        ),
        (
            "bad version",
            publish_body(&meta("gamma", "1.0"), &good),
            "not a valid semantic version",
        ),
        (
            "not gzip",
            publish_body(&meta("gamma", "1.0.0"), b"plain text"),
            "not a valid gzip tar",
        ),
        (
            "dot-dot path",
            publish_body(
                &meta("gamma", "1.0.0"),
                &tar_gz(&[
                    ("gamma-1.0.0/Cargo.toml", toml),
                    ("gamma-1.0.0/../../evil", b"x"),
                ]),
            ),
            "unsafe path",
        ),
        (
            "absolute path",
            publish_body(&meta("gamma", "1.0.0"), &tar_gz(&[("/etc/evil", b"x")])),
            "unsafe path",
        ),
        (
            "wrong top directory",
            publish_body(&meta("gamma", "1.0.0"), &crate_file("gamma", "2.0.0", "")),
            "not under `gamma-1.0.0/`",
        ),
        (
            "name mismatch",
            publish_body(
                &meta("gamma", "1.0.0"),
                &tar_gz(&[(
                    "gamma-1.0.0/Cargo.toml",
                    b"[package]\nname = \"delta\"\nversion = \"1.0.0\"\n",
                )]),
            ),
            "the .crate's Cargo.toml says delta 1.0.0",
        ),
    ];
    for (what, body, needle) in cases {
        let r = http(
            &s.addr,
            "PUT",
            "/api/v1/crates/new",
            &[("Authorization", &t)],
            &body,
        );
        assert_eq!(r.status, 400, "{what}: {}", r.text());
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        let detail = v["errors"][0]["detail"].as_str().unwrap();
        assert!(detail.contains(needle), "{what}: {detail}");
    }
    assert_eq!(check_store(&dir.0), 0, "nothing may be stored");
    assert_eq!(std::fs::read_dir(dir.0.join("crates")).unwrap().count(), 0);
}

#[test]
fn yank_unyank_search_and_owners() {
    let dir = Scratch::new("yank");
    let t = token(&dir.0, "ci");
    let s = Server::start(&dir.0, &[]);
    assert_eq!(publish(&s.addr, &t, "epsilon", "0.1.0", "").status, 200);
    assert_eq!(
        publish(&s.addr, &t, "epsilon-extra", "0.2.0", "").status,
        200
    );
    let auth = [("Authorization", t.as_str())];
    let status = |method: &str, path: &str| http(&s.addr, method, path, &auth, b"").status;
    let index = || http(&s.addr, "GET", "/index/ep/si/epsilon", &[], b"").text();
    assert_eq!(status("DELETE", "/api/v1/crates/epsilon/0.1.0/yank"), 200);
    assert!(index().contains("\"yanked\":true"));
    assert_eq!(status("PUT", "/api/v1/crates/epsilon/0.1.0/unyank"), 200);
    assert!(index().contains("\"yanked\":false"));
    assert_eq!(status("DELETE", "/api/v1/crates/epsilon/9.9.9/yank"), 404);

    let found: serde_json::Value = serde_json::from_slice(
        &http(
            &s.addr,
            "GET",
            "/api/v1/crates?q=epsilon&per_page=1",
            &[],
            b"",
        )
        .body,
    )
    .unwrap();
    assert_eq!(found["meta"]["total"], 2);
    assert_eq!(found["crates"].as_array().unwrap().len(), 1);
    assert_eq!(found["crates"][0]["name"], "epsilon");
    assert_eq!(found["crates"][0]["description"], "test crate epsilon");
    let owners: serde_json::Value = serde_json::from_slice(
        &http(&s.addr, "GET", "/api/v1/crates/epsilon/owners", &[], b"").body,
    )
    .unwrap();
    assert_eq!(owners["users"][0]["login"], "ci");
}

#[test]
fn packages_are_stored_checked_listed_and_immutable() {
    let dir = Scratch::new("packages");
    let t = token(&dir.0, "ci");
    let s = Server::start(&dir.0, &[]);
    let auth = [("Authorization", t.as_str())];
    let data = b"package bytes".repeat(1000);
    let sha = sha256_hex(&data);
    let path = "/api/v1/packages/ringmaster/1.2.0/ringmaster-1.2.0-x86_64.tar.gz";
    let put = http(
        &s.addr,
        "PUT",
        path,
        &[auth[0], ("X-Checksum-Sha256", &sha)],
        &data,
    );
    assert_eq!(put.status, 201, "{}", put.text());
    assert_eq!(put.header("x-checksum-sha256"), Some(sha.as_str()));
    assert_eq!(
        http(&s.addr, "PUT", path, &auth, &data).status,
        200,
        "same bytes: no-op"
    );
    let other = http(&s.addr, "PUT", path, &auth, b"other bytes");
    assert_eq!(other.status, 409, "{}", other.text());
    let damaged = http(
        &s.addr,
        "PUT",
        "/api/v1/packages/ringmaster/1.2.0/b.tar.gz",
        &[auth[0], ("X-Checksum-Sha256", &sha)],
        &data[..100],
    );
    assert_eq!(damaged.status, 400, "{}", damaged.text());
    assert!(damaged.text().contains("damaged or truncated"));
    let hostile = http(
        &s.addr,
        "PUT",
        "/api/v1/packages/ringmaster/1.2.0/..",
        &auth,
        b"x",
    );
    assert!(
        hostile.status == 400 || hostile.status == 404,
        "{}",
        hostile.status
    );
    assert_eq!(http(&s.addr, "PUT", path, &[], &data).status, 401);

    let got = http(&s.addr, "GET", path, &[], b"");
    assert_eq!((got.status, got.body == data), (200, true));
    assert_eq!(got.header("x-checksum-sha256"), Some(sha.as_str()));
    let list: serde_json::Value = serde_json::from_slice(
        &http(
            &s.addr,
            "GET",
            "/api/v1/packages/ringmaster/1.2.0",
            &[],
            b"",
        )
        .body,
    )
    .unwrap();
    assert_eq!(list["files"][0]["sha256"], sha);
    assert_eq!(list["files"].as_array().unwrap().len(), 1);
    assert_eq!(
        http(
            &s.addr,
            "GET",
            "/api/v1/packages/ringmaster/9.9.9/x",
            &[],
            b""
        )
        .status,
        404
    );
}
