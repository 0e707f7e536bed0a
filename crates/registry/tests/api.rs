//! keel-registry's HTTP API over loopback, against the real binary: immutability, auth,
//! refusal of bad uploads (storing nothing), the index's caching headers, packages, token
//! scopes, patterns, expiry and revocation, the admin token API, and package owners.
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
    // A new version is served at once (the cache is refreshed by the write, before the
    // reply), under a new ETag, so the old one no longer matches.
    assert_eq!(publish(&s.addr, &t, "alpha", "1.1.0", "a").status, 200);
    let fresh = http(
        &s.addr,
        "GET",
        "/index/al/ph/alpha",
        &[("If-None-Match", &etag)],
        b"",
    );
    assert_eq!(fresh.status, 200);
    assert_eq!(fresh.text().lines().count(), 2, "{}", fresh.text());
    assert_ne!(fresh.header("etag").unwrap(), etag);
    let head = http(&s.addr, "HEAD", "/index/al/ph/alpha", &[], b"");
    assert_eq!((head.status, head.body.len()), (200, 0));
    assert_eq!(
        http(&s.addr, "POST", "/index/al/ph/alpha", &[], b"").status,
        405
    );
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

fn json(r: &Reply) -> serde_json::Value {
    serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.text()))
}

/// Waits (bounded) until `f` holds: for a running server to see a change to its token file,
/// which it checks once a second.
fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !f() {
        assert!(std::time::Instant::now() < until, "never: {what}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

fn yank(addr: &str, token: &str, name: &str, vers: &str) -> Reply {
    let path = format!("/api/v1/crates/{name}/{vers}/yank");
    http(addr, "DELETE", &path, &[("Authorization", token)], b"")
}

#[test]
fn a_scoped_token_is_refused_outside_its_scopes_and_patterns() {
    let dir = Scratch::new("scopes");
    let full = token(&dir.0, "ci");
    let scoped = token_with(
        &dir.0,
        "ci",
        &["--scope", "publish-update", "--crates", "keel-*"],
    );
    let s = Server::start(&dir.0, &[]);
    for name in ["keel-kv", "other"] {
        assert_eq!(publish(&s.addr, &full, name, "0.1.0", "").status, 200);
    }

    let new = publish(&s.addr, &scoped, "keel-new", "0.1.0", "");
    assert_eq!(new.status, 403, "{}", new.text());
    assert!(new.text().contains("may not publish the new crate `keel-new`: that needs the `publish-new` scope, and the token has publish-update"), "{}", new.text());
    let other = publish(&s.addr, &scoped, "other", "0.2.0", "");
    assert_eq!(other.status, 403, "{}", other.text());
    assert!(
        other
            .text()
            .contains("limited to names matching keel-*, and `other` matches none"),
        "{}",
        other.text()
    );
    let y = yank(&s.addr, &scoped, "keel-kv", "0.1.0");
    assert_eq!(y.status, 403, "{}", y.text());
    assert!(y.text().contains("needs the `yank` scope"), "{}", y.text());
    let pkg = http(
        &s.addr,
        "PUT",
        "/api/v1/packages/other/1.0.0/f",
        &[("Authorization", &scoped)],
        b"x",
    );
    assert_eq!(
        pkg.status,
        403,
        "patterns cover packages too: {}",
        pkg.text()
    );
    // Nothing a refusal touched changed; what the token may do, it does.
    assert_eq!(check_store(&dir.0), 2);
    assert!(
        !http(&s.addr, "GET", "/index/ke/y-/keel-kv", &[], b"")
            .text()
            .contains("yanked\":true")
    );
    assert_eq!(
        publish(&s.addr, &scoped, "keel-kv", "0.2.0", "").status,
        200
    );
}

#[test]
fn expired_and_revoked_tokens_are_refused_and_new_ones_work_without_a_restart() {
    let dir = Scratch::new("expiry");
    let _first = token(&dir.0, "ci");
    let s = Server::start(&dir.0, &[]);
    // Made on the command line while the registry runs.
    let brief = token_with(&dir.0, "ci", &["--name", "brief", "--expires", "3s"]);
    // SIGHUP reloads the token file at once (else within a second): on a loaded machine a
    // second's wait and a slow publish could outlast the token's 3 s.
    let hup = std::process::Command::new("kill")
        .args(["-HUP", &s.child.id().to_string()])
        .status()
        .unwrap();
    assert!(hup.success());
    eventually("the new token is accepted", || {
        publish(&s.addr, &brief, "a", "0.1.0", "").status == 200
    });
    eventually("the token expires", || {
        let r = publish(&s.addr, &brief, "a", "0.2.0", "");
        assert!(r.status == 200 || r.status == 403, "{}", r.text());
        r.status == 403 && r.text().contains("token `brief` of ci expired at")
    });
    let later = token_with(&dir.0, "ci", &["--name", "later"]);
    eventually("the next token is accepted", || {
        publish(&s.addr, &later, "a", "0.3.0", "").status == 200
    });
    let out = registry(&dir.0, &["token", "revoke", "later"], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eventually("the revoked token is refused", || {
        let r = publish(&s.addr, &later, "a", "0.4.0", "");
        r.status == 403 && r.text().contains("token `later` of ci was revoked at")
    });
    let twice = registry(&dir.0, &["token", "revoke", "later"], &[]);
    assert!(String::from_utf8_lossy(&twice.stderr).contains("was revoked already"));
    let missing = registry(&dir.0, &["token", "revoke", "nobody"], &[]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no token named `nobody`"));
    // The list shows every token and what it may do, never a token or its hash.
    let list = registry(&dir.0, &["token", "list"], &[]);
    let text = String::from_utf8_lossy(&list.stdout);
    for word in [
        "ci-1",
        "brief",
        "later",
        "revoked",
        "publish-new,publish-update,yank,change-owners",
    ] {
        assert!(text.contains(word), "{word} in {text}");
    }
    let file = std::fs::read_to_string(dir.0.join("tokens.json")).unwrap();
    assert!(
        !file.contains(&brief) && !text.contains(&brief),
        "the token itself is never stored or shown"
    );
    let hashed = sha256_hex(brief.as_bytes());
    assert!(file.contains(&hashed) && !text.contains(&hashed));
}

#[test]
fn an_admin_manages_tokens_over_the_api() {
    let dir = Scratch::new("admin");
    let root = token_with(&dir.0, "ops", &["--admin"]);
    let plain = token(&dir.0, "dev");
    let s = Server::start(&dir.0, &[]);
    let as_ = |t: &str| [("Authorization", t.to_owned())];
    let call = |method: &str, path: &str, t: &str, body: &str| {
        let [(k, v)] = as_(t);
        http(&s.addr, method, path, &[(k, v.as_str())], body.as_bytes())
    };

    let refused = call("GET", "/api/v1/tokens", &plain, "");
    assert_eq!(refused.status, 403);
    assert!(
        refused
            .text()
            .contains("token `dev-1` of dev is not an admin token"),
        "{}",
        refused.text()
    );
    let bad = call(
        "POST",
        "/api/v1/tokens",
        &root,
        r#"{"principal":"ci","scopes":["publish"]}"#,
    );
    assert_eq!(bad.status, 400);
    assert!(
        bad.text().contains("`publish` is not a scope"),
        "{}",
        bad.text()
    );

    let made = call(
        "POST",
        "/api/v1/tokens",
        &root,
        r#"{"principal":"ci","name":"release","scopes":["publish-new","publish-update"],"crates":["keel-*"],"expires":"30d"}"#,
    );
    assert_eq!(made.status, 201, "{}", made.text());
    let made = json(&made);
    let ci = made["token"].as_str().unwrap().to_owned();
    assert_eq!(made["crates"][0], "keel-*");
    // At once: no restart, no waiting.
    assert_eq!(publish(&s.addr, &ci, "keel-x", "1.0.0", "").status, 200);

    let list = call("GET", "/api/v1/tokens", &root, "");
    let body = list.text();
    assert!(
        !body.contains(&ci) && !body.contains(&sha256_hex(ci.as_bytes())),
        "{body}"
    );
    let release = json(&list)["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "release")
        .cloned()
        .unwrap();
    assert_eq!(release["principal"], "ci");
    assert!(release["last_used"].is_string(), "{release}");
    assert!(release["expires"].as_str().unwrap().ends_with('Z'));

    assert_eq!(
        call("DELETE", "/api/v1/tokens/release", &root, "").status,
        200
    );
    let revoked = publish(&s.addr, &ci, "keel-x", "1.0.1", "");
    assert_eq!(revoked.status, 403);
    assert!(revoked.text().contains("was revoked"));
    assert_eq!(
        call("DELETE", "/api/v1/tokens/nobody", &root, "").status,
        404
    );
}

#[test]
fn packages_have_owners_too() {
    let dir = Scratch::new("package-owners");
    let alice = token(&dir.0, "alice");
    let bob = token(&dir.0, "bob");
    let s = Server::start(&dir.0, &[]);
    let put = |t: &str, path: &str, body: &[u8]| {
        http(&s.addr, "PUT", path, &[("Authorization", t)], body)
    };
    assert_eq!(
        put(&alice, "/api/v1/packages/tool/1.0.0/tool.tar.gz", b"one").status,
        201
    );
    let theirs = put(&bob, "/api/v1/packages/tool/1.1.0/tool.tar.gz", b"two");
    assert_eq!(theirs.status, 403, "{}", theirs.text());
    assert!(
        theirs
            .text()
            .contains("bob is not an owner of the package `tool`; its owners are alice")
    );
    let listed = json(&http(
        &s.addr,
        "GET",
        "/api/v1/packages/tool/owners",
        &[],
        b"",
    ));
    assert_eq!(listed["users"][0]["login"], "alice");
    let add = put(
        &alice,
        "/api/v1/packages/tool/owners",
        br#"{"users":["bob"]}"#,
    );
    assert_eq!(add.status, 200, "{}", add.text());
    assert_eq!(
        put(&bob, "/api/v1/packages/tool/1.1.0/tool.tar.gz", b"two").status,
        201
    );
    assert_eq!(
        put(&bob, "/api/v1/packages/tool/owners/x", b"v").status,
        400
    );
    let last = http(
        &s.addr,
        "DELETE",
        "/api/v1/packages/tool/owners",
        &[("Authorization", &bob)],
        br#"{"users":["alice","bob"]}"#,
    );
    assert_eq!(last.status, 409, "{}", last.text());
}

#[test]
fn an_old_registrys_tokens_and_crates_keep_working() {
    let dir = Scratch::new("migrate");
    // The format before owners and scopes: `<owner> <sha256>` per line.
    let (alice, bob) = ("keel_old_alice", "keel_old_bob");
    let old = format!(
        "alice {}\nbob {}\n",
        sha256_hex(alice.as_bytes()),
        sha256_hex(bob.as_bytes())
    );
    std::fs::write(dir.0.join("tokens"), &old).unwrap();
    let mut s = Server::start(&dir.0, &[]);
    assert_eq!(publish(&s.addr, alice, "oldcrate", "0.1.0", "").status, 200);
    s.kill();
    assert!(dir.0.join("tokens.v0").exists() && !dir.0.join("tokens").exists());
    // A crate published before owners were recorded has no owners file.
    std::fs::remove_file(dir.0.join("crates/oldcrate/owners.json")).unwrap();
    let s = Server::start(&dir.0, &[]);
    let owners = json(&http(
        &s.addr,
        "GET",
        "/api/v1/crates/oldcrate/owners",
        &[],
        b"",
    ));
    let logins: Vec<&str> = owners["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["login"].as_str().unwrap())
        .collect();
    assert_eq!(
        logins,
        ["alice", "bob"],
        "everyone who could publish it owns it"
    );
    assert_eq!(publish(&s.addr, bob, "oldcrate", "0.2.0", "").status, 200);
    // A crate new since then is its publisher's alone.
    assert_eq!(publish(&s.addr, bob, "newcrate", "0.1.0", "").status, 200);
    assert_eq!(publish(&s.addr, alice, "newcrate", "0.2.0", "").status, 403);
}

#[test]
fn every_change_is_in_the_audit_log_with_who_where_and_what() {
    let dir = Scratch::new("audit");
    let root = token_with(&dir.0, "ops", &["--admin"]);
    let alice = token(&dir.0, "alice");
    let s = Server::start(&dir.0, &[]);
    let auth = |t: &str| [("Authorization", t.to_owned())];
    let call = |method: &str, path: &str, t: &str, body: &[u8]| {
        let [(k, v)] = auth(t);
        http(&s.addr, method, path, &[(k, v.as_str())], body)
    };
    assert_eq!(publish(&s.addr, &alice, "audited", "1.0.0", "").status, 200);
    assert_eq!(
        publish(&s.addr, &alice, "audited", "1.0.0", "").status,
        200,
        "a no-op"
    );
    assert_eq!(yank(&s.addr, &alice, "audited", "1.0.0").status, 200);
    assert_eq!(
        call("PUT", "/api/v1/crates/audited/1.0.0/unyank", &alice, b"").status,
        200
    );
    assert_eq!(
        call(
            "PUT",
            "/api/v1/crates/audited/owners",
            &alice,
            br#"{"users":["ops"]}"#
        )
        .status,
        200
    );
    assert_eq!(
        call("PUT", "/api/v1/packages/kit/1.0.0/kit.tgz", &alice, b"kit").status,
        201
    );
    let made = call("POST", "/api/v1/tokens", &root, br#"{"principal":"bob"}"#);
    assert_eq!(made.status, 201);
    assert_eq!(
        call("DELETE", "/api/v1/tokens/bob-1", &root, b"").status,
        200
    );
    assert_eq!(
        publish(&s.addr, &alice, "refused", "1.0.0", "x").status,
        200
    );
    assert_eq!(
        publish(&s.addr, &root, "refused", "1.0.1", "x").status,
        403,
        "not logged"
    );

    assert_eq!(call("GET", "/api/v1/audit", &alice, b"").status, 403);
    let page = json(&call("GET", "/api/v1/audit", &root, b""));
    let events = page["events"].as_array().unwrap();
    let actions: Vec<&str> = events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    // The CLI's token creations first, then each change once, in order; no refusal, no no-op.
    assert_eq!(
        actions,
        [
            "token-create",
            "token-create",
            "publish",
            "yank",
            "unyank",
            "owners",
            "package",
            "token-create",
            "token-revoke",
            "publish"
        ]
    );
    assert_eq!(events[0]["addr"], "cli");
    let publish_event = &events[2];
    assert_eq!(publish_event["principal"], "alice");
    assert_eq!(publish_event["token"], "alice-1");
    assert!(
        publish_event["addr"]
            .as_str()
            .unwrap()
            .starts_with("127.0.0.1:")
    );
    assert!(publish_event["time"].as_str().unwrap().ends_with('Z'));
    let stored = std::fs::read(dir.0.join("crates/audited/audited-1.0.0.crate")).unwrap();
    assert_eq!(publish_event["sha256"], sha256_hex(&stored));
    assert_eq!(events[6]["sha256"], sha256_hex(b"kit"));
    assert_eq!(
        events[5]["detail"]["owners"],
        serde_json::json!(["alice", "ops"])
    );
    let owners_file = std::fs::read(dir.0.join("crates/audited/owners.json")).unwrap();
    assert_eq!(events[5]["sha256"], sha256_hex(&owners_file));
    assert_eq!(events[7]["detail"]["principal"], "bob");
    assert_eq!(events[7]["principal"], "ops");

    // Pages: `since` and `limit`, and `next` until the end.
    let mut seen = Vec::new();
    let mut since = String::new();
    loop {
        let p = json(&call(
            "GET",
            &format!("/api/v1/audit?limit=3{since}"),
            &root,
            b"",
        ));
        seen.extend(
            p["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].clone()),
        );
        match p["next"].as_u64() {
            Some(n) => since = format!("&since={n}"),
            None => break,
        }
    }
    let all: Vec<_> = events.iter().map(|e| e["id"].clone()).collect();
    assert_eq!(seen, all);
    assert_eq!(call("GET", "/api/v1/audit?since=x", &root, b"").status, 400);
}

/// A port another registry holds is refused, naming the likely cause, and so is a directory
/// another registry serves; SIGTERM stops every serving thread and records token use.
#[test]
fn a_taken_port_or_directory_is_refused_and_sigterm_stops_the_registry() {
    let dir = Scratch::new("port");
    let t = token(&dir.0, "ci");
    let mut s = Server::start(&dir.0, &[]);
    assert_eq!(publish(&s.addr, &t, "ported", "1.0.0", "").status, 200);
    let other = Scratch::new("port-other");
    let second = std::process::Command::new(env!("CARGO_BIN_EXE_keel-registry"))
        .args(["serve", "--dir"])
        .arg(&other.0)
        .args(["--addr", &s.addr])
        .output()
        .unwrap();
    assert_eq!(second.status.code(), Some(2));
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(err.contains("is another registry running there?"), "{err}");
    // Nor may a second server take the same directory: its writes would race the first's,
    // which alone refreshes what its index cache serves.
    let twin = std::process::Command::new(env!("CARGO_BIN_EXE_keel-registry"))
        .args(["serve", "--dir"])
        .arg(&dir.0)
        .args(["--addr", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!twin.status.success());
    let err = String::from_utf8_lossy(&twin.stderr);
    assert!(err.contains("another keel-registry is serving"), "{err}");
    assert_eq!(publish(&s.addr, &t, "ported", "1.0.1", "").status, 200);
    let index = http(&s.addr, "GET", "/index/po/rt/ported", &[], b"");
    assert!(index.text().contains("\"1.0.1\""), "{}", index.text());
    let status = std::process::Command::new("kill")
        .arg(s.child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
    assert!(s.child.wait().unwrap().success(), "SIGTERM is a clean stop");
    let used = std::fs::read_to_string(dir.0.join("tokens-used.json")).unwrap();
    assert!(used.contains("\"ci-1\""), "{used}");
}

/// An ELF file published in a release is indexed by its GNU build-id and served over the
/// debuginfod protocol; other bytes under a known build-id are refused, the same bytes in
/// another package or a later release do not take the build-id over, and an unknown
/// build-id or role is a 404.
#[test]
fn published_binaries_are_served_by_build_id() {
    let dir = Scratch::new("buildid");
    let t = token(&dir.0, "ci");
    let s = Server::start(&dir.0, &[]);
    // This test's own executable: an ELF file with a build-id, as release binaries are.
    let elf = std::fs::read(std::env::current_exe().unwrap()).unwrap();
    let put_as = |token: &str, at: &str, file: &str, body: &[u8]| {
        http(
            &s.addr,
            "PUT",
            &format!("/api/v1/packages/{at}/{file}"),
            &[("Authorization", token)],
            body,
        )
    };
    let put = |file: &str, body: &[u8]| put_as(&t, "keel-release/1.0.0", file, body);
    assert_eq!(put("tool", &elf).status, 201);
    assert_eq!(put("tool.debug", &elf).status, 201);
    let id = keel_registry::buildid::of(&elf).unwrap();
    for role in ["executable", "debuginfo"] {
        let got = http(&s.addr, "GET", &format!("/buildid/{id}/{role}"), &[], b"");
        assert_eq!(got.status, 200, "{role}: {}", got.text());
        assert!(got.body == elf, "{role}: other bytes");
        assert_eq!(
            got.header("x-debuginfod-size"),
            Some(elf.len().to_string().as_str())
        );
    }
    // Streamed from disk, one byte range at a time as debuginfod clients ask.
    let exe = format!("/buildid/{id}/executable");
    let head = http(&s.addr, "GET", &exe, &[("Range", "bytes=0-3")], b"");
    assert_eq!(head.status, 206);
    assert_eq!(head.body, b"\x7fELF");
    assert_eq!(
        head.header("content-range"),
        Some(format!("bytes 0-3/{}", elf.len()).as_str())
    );
    let tail = http(&s.addr, "GET", &exe, &[("Range", "bytes=-16")], b"");
    assert!(tail.status == 206 && tail.body == elf[elf.len() - 16..]);
    let past = format!("bytes={}-", elf.len());
    assert_eq!(
        http(&s.addr, "GET", &exe, &[("Range", &past)], b"").status,
        416
    );
    // Which release file a build-id is.
    let info_of = || -> serde_json::Value {
        serde_json::from_slice(
            &http(&s.addr, "GET", &format!("/api/v1/buildid/{id}"), &[], b"").body,
        )
        .unwrap()
    };
    let info = info_of();
    assert_eq!(info["executable"]["package"], "keel-release");
    assert_eq!(info["executable"]["version"], "1.0.0");
    assert_eq!(info["executable"]["file"], "tool");
    assert_eq!(info["debuginfo"]["file"], "tool.debug");
    assert_eq!(info["executable"]["sha256"], sha256_hex(&elf));
    assert_eq!(
        http(
            &s.addr,
            "GET",
            &format!("/api/v1/buildid/{}", "cd".repeat(20)),
            &[],
            b""
        )
        .status,
        404
    );
    // The same build-id with other bytes (one byte of the end changed) is another build.
    let mut other = elf.clone();
    let last = other.len() - 1;
    other[last] ^= 0xff;
    let refused = put("tool-patched", &other);
    assert_eq!(refused.status, 409, "{}", refused.text());
    assert!(
        refused.text().contains(&format!(
            "build-id {id} is already the executable of keel-release/1.0.0/tool"
        )),
        "{}",
        refused.text()
    );
    assert_eq!(
        http(
            &s.addr,
            "GET",
            "/api/v1/packages/keel-release/1.0.0/tool-patched",
            &[],
            b""
        )
        .status,
        404
    );
    // Another package's publisher cannot claim a release's build-id: its files are stored
    // but not indexed, whatever they hold. Nor does a later release with the same binary
    // take it over: the build-id keeps naming the release that built it first.
    let stranger = token(&dir.0, "stranger");
    assert_eq!(put_as(&stranger, "tools/1.0.0", "tool", &elf).status, 201);
    assert_eq!(
        put_as(&stranger, "tools/1.0.0", "tool-patched", &other).status,
        201
    );
    assert_eq!(put_as(&t, "keel-release/1.0.1", "tool", &elf).status, 201);
    let info = info_of();
    assert_eq!(info["executable"]["package"], "keel-release");
    assert_eq!(info["executable"]["version"], "1.0.0");
    let served = http(
        &s.addr,
        "GET",
        &format!("/buildid/{id}/executable"),
        &[],
        b"",
    );
    assert!(served.body == elf, "the release's bytes are still served");
    for path in [
        format!("/buildid/{}/debuginfo", "ab".repeat(20)),
        format!("/buildid/{id}/source"),
        "/buildid/ZZ/debuginfo".to_owned(),
    ] {
        assert_eq!(http(&s.addr, "GET", &path, &[], b"").status, 404, "{path}");
    }
}

/// A tar.gz of (path, bytes) regular files, plus a symlink entry `keel/link`.
fn tar_gz_with_link(files: &[(&str, &[u8])]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    for (path, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut h, path, *data).unwrap();
    }
    let mut link = tar::Header::new_gnu();
    link.set_entry_type(tar::EntryType::Symlink);
    link.set_size(0);
    tar.append_link(&mut link, "keel/link", "/etc/passwd")
        .unwrap();
    tar.into_inner().unwrap().finish().unwrap()
}

#[test]
fn source_files_are_served_by_build_id_from_the_release_source_archive() {
    let dir = Scratch::new("buildid-source");
    let t = token(&dir.0, "ci");
    let s = Server::start(&dir.0, &[]);
    let elf = std::fs::read(std::env::current_exe().unwrap()).unwrap();
    let id = keel_registry::buildid::of(&elf).unwrap();
    let main_rs: &[u8] = b"fn main() {\n    println!(\"<hello>\");\n}\n";
    let lib_rs: &[u8] = b"pub fn vendored() {}\n";
    let archive = tar_gz_with_link(&[
        ("keel/crates/tool/src/main.rs", main_rs),
        ("keel/vendor/dep/src/lib.rs", lib_rs),
    ]);
    let put = |file: &str, body: &[u8]| {
        let r = http(
            &s.addr,
            "PUT",
            &format!("/api/v1/packages/keel-release/1.0.0/{file}"),
            &[("Authorization", &t)],
            body,
        );
        assert_eq!(r.status, 201, "{file}: {}", r.text());
    };
    put("tool.debug", &elf);
    put("keel-source-1.0.0.tar.gz", &archive);
    let get = |path: &str, headers: &[(&str, &str)]| {
        http(
            &s.addr,
            "GET",
            &format!("/buildid/{id}/source{path}"),
            headers,
            b"",
        )
    };
    // Until the release manifest is published, its source archive is not known.
    let early = get("/keel/crates/tool/src/main.rs", &[]);
    assert_eq!(early.status, 404, "{}", early.text());
    assert!(
        early.text().contains("publish has not finished"),
        "{}",
        early.text()
    );
    let manifest = serde_json::json!({
        "schema": 1,
        "workspace_version": "1.0.0",
        "artifacts": [
            {"path": "tool.debug", "kind": "debug", "sha256": sha256_hex(&elf), "size": elf.len(), "build_id": id},
            {"path": "source/keel-source-1.0.0.tar.gz", "kind": "source", "sha256": sha256_hex(&archive), "size": archive.len()},
        ],
    });
    put("release-manifest.json", manifest.to_string().as_bytes());

    let got = get("/keel/crates/tool/src/main.rs", &[]);
    assert_eq!(got.status, 200, "{}", got.text());
    assert_eq!(got.body, main_rs);
    assert_eq!(
        got.header("x-debuginfod-file"),
        Some("/keel/crates/tool/src/main.rs")
    );
    assert_eq!(
        got.header("x-debuginfod-archive"),
        Some("keel-release/1.0.0/keel-source-1.0.0.tar.gz")
    );
    assert_eq!(
        got.header("x-debuginfod-size"),
        Some(main_rs.len().to_string().as_str())
    );
    // Paths as debuggers may spell them: `..`, `.`, doubled slashes, percent-escapes.
    for spelled in [
        "/keel/crates/tool/../tool/./src//main.rs",
        "/keel/crates/tool/src/ma%69n.rs",
    ] {
        let r = get(spelled, &[]);
        assert_eq!((r.status, r.body.as_slice()), (200, main_rs), "{spelled}");
    }
    assert_eq!(get("/keel/vendor/dep/src/lib.rs", &[]).body, lib_rs);
    // One byte range, as clients resume downloads; one outside the file is 416.
    let part = get("/keel/crates/tool/src/main.rs", &[("Range", "bytes=3-6")]);
    assert_eq!(part.status, 206);
    assert_eq!(part.body, &main_rs[3..=6]);
    assert_eq!(
        part.header("content-range"),
        Some(format!("bytes 3-6/{}", main_rs.len()).as_str())
    );
    let outside = get("/keel/crates/tool/src/main.rs", &[("Range", "bytes=9999-")]);
    assert_eq!(outside.status, 416);
    // What the archive does not hold, links out of it, and unknown build-ids: 404.
    for path in [
        "/keel/crates/tool/src/other.rs",
        "/keel/link",
        "/etc/passwd",
        "/keel",
    ] {
        let r = get(path, &[]);
        assert_eq!(r.status, 404, "{path}: {}", r.text());
    }
    let unknown = http(
        &s.addr,
        "GET",
        &format!(
            "/buildid/{}/source/keel/crates/tool/src/main.rs",
            "ab".repeat(20)
        ),
        &[],
        b"",
    );
    assert_eq!(unknown.status, 404);

    // A damaged blob (the unpacked copy, not the archive) is never served: it is unpacked again.
    let blob = dir.0.join("archives/blobs").join(sha256_hex(main_rs));
    std::fs::write(&blob, b"torn").unwrap();
    let again = get("/keel/crates/tool/src/main.rs", &[]);
    assert_eq!((again.status, again.body.as_slice()), (200, main_rs));
    assert_eq!(std::fs::read(&blob).unwrap(), main_rs);
}

#[test]
fn a_releases_docs_are_served_for_the_crate_versions_it_published() {
    let dir = Scratch::new("docs");
    let t = token(&dir.0, "ci");
    let s = Server::start(&dir.0, &[]);
    let crate_bytes = crate_file("alpha", "1.0.0", "a");
    let body = publish_body(&meta("alpha", "1.0.0"), &crate_bytes);
    let r = http(
        &s.addr,
        "PUT",
        "/api/v1/crates/new",
        &[("Authorization", &t)],
        &body,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    // Published with other bytes than the release's: not that release's crate.
    assert_eq!(publish(&s.addr, &t, "beta", "1.0.0", "b").status, 200);
    let page: &[u8] = b"<!DOCTYPE html><title>alpha</title><h1>Crate alpha</h1>";
    let docs = tar_gz(&[
        ("alpha/index.html", page),
        ("static.files/rustdoc.css", b"body { margin: 0 }"),
    ]);
    let put = |file: &str, body: &[u8]| {
        let r = http(
            &s.addr,
            "PUT",
            &format!("/api/v1/packages/keel-release/1.0.0/{file}"),
            &[("Authorization", &t)],
            body,
        );
        assert_eq!(r.status, 201, "{file}: {}", r.text());
    };
    put("keel-docs-1.0.0.tar.gz", &docs);
    let get = |path: &str| http(&s.addr, "GET", path, &[], b"");
    let early = get("/docs/alpha/1.0.0/alpha/index.html");
    assert_eq!(early.status, 404);
    assert!(
        early.text().contains("not published by a Keel release"),
        "{}",
        early.text()
    );
    let manifest = serde_json::json!({
        "workspace_version": "1.0.0",
        "artifacts": [
            {"path": "crates/alpha-1.0.0.crate", "kind": "crate", "sha256": sha256_hex(&crate_bytes), "size": crate_bytes.len()},
            {"path": "crates/beta-1.0.0.crate", "kind": "crate", "sha256": "00".repeat(32), "size": 1},
            {"path": "docs/keel-docs-1.0.0.tar.gz", "kind": "docs", "sha256": sha256_hex(&docs), "size": docs.len()},
        ],
    });
    put("release-manifest.json", manifest.to_string().as_bytes());

    for root in ["/docs/alpha/1.0.0", "/docs/alpha/1.0.0/"] {
        let r = get(root);
        assert_eq!(r.status, 302, "{root}");
        assert_eq!(
            r.header("location"),
            Some("/docs/alpha/1.0.0/alpha/index.html")
        );
    }
    let r = get("/docs/alpha/1.0.0/alpha/index.html");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.body, page);
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    // A page runs in an opaque origin: its scripts cannot act as the registry.
    assert!(
        r.header("content-security-policy")
            .is_some_and(|c| c.starts_with("sandbox"))
    );
    let css = get("/docs/alpha/1.0.0/static.files/rustdoc.css");
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    for (path, why) in [
        ("/docs/alpha/2.0.0/", "no crate alpha 2.0.0"),
        ("/docs/beta/1.0.0/", "not published by a Keel release"),
        ("/docs/alpha/1.0.0/alpha/missing.html", "is not in"),
        ("/docs/gamma/1.0.0/", "no crate gamma"),
    ] {
        let r = get(path);
        assert_eq!(r.status, 404, "{path}");
        assert!(r.text().contains(why), "{path}: {}", r.text());
    }
}
