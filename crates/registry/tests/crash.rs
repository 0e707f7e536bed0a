//! keel-registry killed with SIGKILL in the middle of uploads, again and again. After each
//! restart: every index line points at a stored `.crate` with the matching checksum, every
//! upload the registry acknowledged is there (fsync before the answer), and no temp file is
//! visible. The audit log agrees: every acknowledged upload is a completed event with the
//! stored bytes' sha256, every completed event is in the store, and no event a kill left
//! open stays open.

mod common;

use common::*;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[test]
fn sigkill_during_uploads_never_leaves_a_broken_index() {
    let dir = Scratch::new("crash");
    let t = token(&dir.0, "ci");
    let admin = token_with(&dir.0, "ops", &["--admin"]);
    let seed = std::env::var("KEEL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("seed {seed} (replay with KEEL_SEED={seed})");
    let mut rng = fastrand_like(seed);
    let acknowledged = Arc::new(Mutex::new(Vec::<(String, String)>::new()));
    let mut total_lines = 0;
    for round in 0..6 {
        let mut server = Server::start(&dir.0, &[]);
        let uploaders: Vec<_> = (0..8)
            .map(|i| {
                let (addr, t, acked) = (server.addr.clone(), t.clone(), acknowledged.clone());
                std::thread::spawn(move || {
                    // Some crates get several versions: their index file is rewritten while
                    // the registry may die.
                    for k in 0.. {
                        let (name, vers) =
                            (format!("crash{round}t{i}c{}", k % 3), format!("1.0.{k}"));
                        let body = publish_body(
                            &meta(&name, &vers),
                            &crate_file(&name, &vers, &"x".repeat(k * 97)),
                        );
                        match try_http(
                            &addr,
                            "PUT",
                            "/api/v1/crates/new",
                            &[("Authorization", &t)],
                            &body,
                        ) {
                            Ok(r) if r.status == 200 => acked.lock().unwrap().push((name, vers)),
                            Ok(r) => panic!("{}: {}", r.status, r.text()),
                            Err(_) => return, // killed
                        }
                    }
                })
            })
            .collect();
        // Fault injection: let uploads run for a seeded while, then kill -9.
        std::thread::sleep(Duration::from_millis(20 + rng() % 80));
        server.kill();
        for u in uploaders {
            u.join().unwrap();
        }
        // Restart: the store must be consistent, and every acknowledged upload present.
        let server = Server::start(&dir.0, &[]);
        total_lines = check_store(&dir.0);
        for (name, vers) in acknowledged.lock().unwrap().iter() {
            let r = http(
                &server.addr,
                "GET",
                &format!("/api/v1/crates/{name}/{vers}/download"),
                &[],
                b"",
            );
            assert_eq!(
                r.status, 200,
                "seed {seed}: acknowledged {name} {vers} is gone after a crash"
            );
        }
        check_audit(
            &server.addr,
            &admin,
            &dir.0,
            &acknowledged.lock().unwrap(),
            seed,
        );
        drop(server);
    }
    let acked = acknowledged.lock().unwrap().len();
    eprintln!("6 kills: {acked} acknowledged uploads, {total_lines} index lines, all consistent");
    assert!(acked > 0 && total_lines >= acked, "seed {seed}");
}

/// A small seeded generator (xorshift), so the kill timings replay from the seed.
fn fastrand_like(mut s: u64) -> impl FnMut() -> u64 {
    s |= 1;
    move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    }
}

/// The audit log after a restart, against what was acknowledged and what is stored.
fn check_audit(
    addr: &str,
    admin: &str,
    dir: &std::path::Path,
    acked: &[(String, String)],
    seed: u64,
) {
    let mut events = Vec::new();
    let mut since = String::new();
    loop {
        let r = http(
            addr,
            "GET",
            &format!("/api/v1/audit?limit=1000{since}"),
            &[("Authorization", admin)],
            b"",
        );
        let page: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        events.extend(page["events"].as_array().unwrap().iter().cloned());
        match page["next"].as_u64() {
            Some(n) => since = format!("&since={n}"),
            None => break,
        }
    }
    let published: std::collections::HashMap<(String, String), String> = events
        .iter()
        .filter(|e| e["action"] == "publish")
        .map(|e| {
            let key = (
                e["name"].as_str().unwrap().to_owned(),
                e["version"].as_str().unwrap().to_owned(),
            );
            (key, e["sha256"].as_str().unwrap().to_owned())
        })
        .collect();
    for (name, vers) in acked {
        let sha = published
            .get(&(name.clone(), vers.clone()))
            .unwrap_or_else(|| {
                panic!("seed {seed}: acknowledged {name} {vers} is not in the audit log")
            });
        let stored = std::fs::read(dir.join(format!("crates/{name}/{name}-{vers}.crate"))).unwrap();
        assert_eq!(*sha, sha256_hex(&stored), "seed {seed}: {name} {vers}");
    }
    for ((name, vers), sha) in &published {
        let stored = std::fs::read(dir.join(format!("crates/{name}/{name}-{vers}.crate")))
            .unwrap_or_else(|_| {
                panic!("seed {seed}: the audit log has {name} {vers}, the store does not")
            });
        assert_eq!(*sha, sha256_hex(&stored));
    }
    // Every intent in the file has its outcome: recovery settled what the kill left open.
    let text = std::fs::read_to_string(dir.join("audit.jsonl")).unwrap();
    let (mut open, mut at) = (std::collections::BTreeSet::new(), 0u64);
    for line in text.split_inclusive('\n') {
        let v: serde_json::Value = serde_json::from_str(line.trim_end()).unwrap();
        match v["state"].as_str().unwrap() {
            "intent" => assert!(open.insert(at)),
            _ => assert!(open.remove(&v["id"].as_u64().unwrap())),
        }
        at += line.len() as u64;
    }
    assert!(open.is_empty(), "seed {seed}: events left open: {open:?}");
}
