//! The compilation cache: a clone at another path hits what another clone compiled (every
//! sandboxed build sees its checkout at the same fixed path), the bytes of a cached build
//! are those of an uncached one, and a bad setting is refused, naming it.

mod fixture;

use fixture::Fixture;
use serde_json::Value;

fn manifest(f: &Fixture) -> Value {
    serde_json::from_str(&f.read("target/dist/build-manifest.json")).unwrap()
}

/// Every artifact the manifest lists, with its bytes.
fn artifacts(f: &Fixture) -> Vec<(String, Vec<u8>)> {
    manifest(f)["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let rel = a["path"].as_str().unwrap().to_owned();
            let bytes = std::fs::read(f.path(&format!("target/dist/{rel}"))).unwrap();
            (rel, bytes)
        })
        .collect()
}

/// `cargo xtask cache stats`' line about the last build: (hits, misses).
fn last_build(f: &Fixture, env: &[(&str, &str)]) -> (u64, u64) {
    let run = f.xtask_env(&["cache", "stats"], env);
    run.ok();
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("last build:"))
        .unwrap_or_else(|| panic!("no last build line:\n{}", run.stdout));
    let number_before = |word: &str| -> u64 {
        let words: Vec<&str> = line.split_whitespace().collect();
        let i = words
            .iter()
            .position(|w| w.trim_end_matches(',') == word)
            .unwrap_or_else(|| panic!("no {word} in {line:?}"));
        words[i - 1].parse().unwrap()
    };
    (number_before("hits"), number_before("misses"))
}

#[test]
fn a_clone_at_another_path_hits_the_cache_and_builds_the_same_bytes() {
    let uncached = Fixture::new("cache-uncached");
    let first = uncached.clone_to("cache-first");
    let second = uncached.clone_to("cache second, at another path");
    // One cache for this test alone, shared by the clones as a machine's is.
    let dir = uncached.path("target/test-compile-cache");
    let dir = dir.to_str().unwrap();
    let env = [("KEEL_CACHE", "local"), ("KEEL_CACHE_DIR", dir)];

    uncached
        .xtask_env(&["build", "--release"], &[("KEEL_CACHE", "off")])
        .ok();
    assert_eq!(manifest(&uncached)["inputs"]["hermetic"]["cache"], "off");

    // A bad setting is refused before anything is built.
    second
        .xtask_env(&["build", "--release"], &[("KEEL_CACHE", "redsi://x")])
        .refused(&[
            "\"redsi://x\" is not a cache setting",
            "`redis://host[:port][/db]`",
        ]);

    first.xtask_env(&["build", "--release"], &env).ok();
    let (hits, misses) = last_build(&first, &env);
    assert!(misses > 0, "an empty cache: {hits} hits, {misses} misses");
    second.xtask_env(&["build", "--release"], &env).ok();
    let (hits, misses) = last_build(&second, &env);
    assert!(
        hits > 0 && misses == 0,
        "the second clone compiled anew: {hits} hits, {misses} misses"
    );
    assert_eq!(manifest(&second)["inputs"]["hermetic"]["cache"], "local");

    // Every artifact (binaries and their split symbols) is the uncached build's bytes.
    let (want, got) = (artifacts(&uncached), artifacts(&second));
    assert!(
        want.len() >= 2,
        "{:?}",
        want.iter().map(|a| &a.0).collect::<Vec<_>>()
    );
    assert_eq!(want.len(), got.len());
    for ((path, a), (_, b)) in want.iter().zip(&got) {
        assert!(
            a == b,
            "{path} differs between the uncached and the cached build"
        );
    }
}

/// Debian's redis-server (`cargo xtask test` fetches it) on a free loopback port, ready;
/// killed on drop.
struct Redis {
    child: std::process::Child,
    url: String,
}

impl Redis {
    fn start(dir: &std::path::Path) -> Redis {
        use std::io::BufRead;
        let run = std::env::var_os("KEEL_TEST_REDIS")
            .expect("redis-server comes with `cargo xtask test`: run the tests through it");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        std::fs::create_dir_all(dir).unwrap();
        let mut child = std::process::Command::new(run)
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--dir"])
            .arg(dir)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Ready when it says so.
        let out = std::io::BufReader::new(child.stdout.take().unwrap());
        let ready = out
            .lines()
            .map_while(Result::ok)
            .any(|l| l.contains("Ready to accept connections"));
        assert!(ready, "redis-server stopped before it was ready");
        Redis {
            child,
            url: format!("redis://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn two_machines_share_one_redis_and_a_redis_that_is_down_costs_one_warning() {
    // Two machines: two clones at different paths, each with its own local cache.
    let first = Fixture::new("redis-first");
    let second = first.clone_to("redis second machine");
    let third = first.clone_to("redis-third");
    let redis = Redis::start(&first.path("target/redis"));
    let url = redis.url.clone();
    let local = |f: &Fixture| f.path("target/own-local-cache").display().to_string();
    let env = |f: &Fixture| {
        [
            ("KEEL_CACHE".to_owned(), url.clone()),
            ("KEEL_CACHE_DIR".to_owned(), local(f)),
        ]
    };
    let run = |f: &Fixture| {
        let env = env(f);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let build = f.xtask_env(&["build", "--release"], &env);
        build.ok();
        let stats = last_build(f, &env);
        (build, stats)
    };

    let (build, (hits, misses)) = run(&first);
    assert!(
        misses > 0,
        "the first machine found its work cached already ({hits} hits):\n{}",
        build.stderr
    );
    let (_, (hits, misses)) = run(&second);
    assert!(
        hits > 0 && misses == 0,
        "the second machine, its local cache empty, compiled anew: {hits} hits, {misses} misses"
    );
    assert_eq!(
        manifest(&second)["inputs"]["hermetic"]["cache"],
        "local+redis"
    );
    let (want, got) = (artifacts(&first), artifacts(&second));
    assert_eq!(want.len(), got.len());
    for ((path, a), (_, b)) in want.iter().zip(&got) {
        assert!(a == b, "{path} differs between the two machines");
    }

    // Redis down: the build goes on with the local cache, after one warning.
    drop(redis);
    let (build, _) = run(&third);
    let warnings: Vec<&str> = build
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", build.stderr);
    assert!(
        warnings[0].contains(&format!("{} cannot be reached", url)),
        "{}",
        warnings[0]
    );
    assert_eq!(manifest(&third)["inputs"]["hermetic"]["cache"], "local");
}
