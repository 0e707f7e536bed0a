//! keel-registry killed with SIGKILL in the middle of uploads, again and again. After each
//! restart: every index line points at a stored `.crate` with the matching checksum, every
//! upload the registry acknowledged is there (fsync before the answer), and no temp file is
//! visible.

mod common;

use common::*;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[test]
fn sigkill_during_uploads_never_leaves_a_broken_index() {
    let dir = Scratch::new("crash");
    let t = token(&dir.0, "ci");
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
