//! The acceptance test of keel-replication with real processes: three `keel-kv` replicas on
//! loopback, clients writing continuously; the primary is SIGKILLed and restarted, three
//! times. No acknowledged write may be lost, and a new primary must serve after each kill.
//! Prints each failover's time (kill to first write acknowledged by the new primary).

use keel_kv::client::Client;
use keel_testkit::LocalRing;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ELECTION_MS: u64 = 500;

fn cluster() -> (LocalRing, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("keel-kv-cluster-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let election = ELECTION_MS.to_string();
    let args = [
        "--election-timeout-ms",
        election.as_str(),
        "--heartbeat-ms",
        "50",
        "--checkpoint-interval",
        "300",
    ];
    let mut ring = LocalRing::new(
        env!("CARGO_BIN_EXE_keel-kv").into(),
        dir.clone(),
        11,
        3,
        &args,
    );
    ring.start_all();
    (ring, dir)
}

#[test]
fn sigkill_the_primary_under_load_three_times_and_lose_nothing() {
    let (mut cluster, dir) = cluster();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let client =
        Arc::new(rt.block_on(async { Client::new(cluster.servers(), Duration::from_secs(15)) }));
    // Acknowledged writes, and when each was acknowledged.
    let acked: Arc<Mutex<Vec<(String, String, Instant)>>> = Default::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..8 {
        let (client, acked, stop) = (client.clone(), acked.clone(), stop.clone());
        writers.push(rt.spawn(async move {
            let mut i = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let (key, value) = (format!("k-{w}-{i}"), format!("v-{w}-{i}"));
                let started = Instant::now();
                if client.put(key.as_bytes(), value.as_bytes()).await.is_ok() {
                    acked.lock().unwrap().push((key, value, started));
                }
                i += 1;
            }
        }));
    }
    let wait_for_acks = |n: usize, since: Instant| {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let count = acked
                .lock()
                .unwrap()
                .iter()
                .filter(|(_, _, t)| *t > since)
                .count();
            if count >= n {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "only {count} writes acknowledged in 30 s (wanted {n})"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    };
    wait_for_acks(200, Instant::now() - Duration::from_secs(60));
    let mut failovers = Vec::new();
    for round in 0..3 {
        let primary = rt
            .block_on(client.primary())
            .expect("a primary before the kill") as usize
            - 1;
        let killed = Instant::now();
        cluster.kill(primary);
        // A write begun after the kill must be acknowledged: by a new primary.
        wait_for_acks(1, killed);
        failovers.push(killed.elapsed());
        eprintln!(
            "round {round}: killed replica {}; a new primary acknowledged a write {:?} later",
            primary + 1,
            killed.elapsed()
        );
        wait_for_acks(200, killed);
        cluster.start(primary);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for w in writers {
        rt.block_on(w).unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    let expected: BTreeMap<String, String> = acked
        .iter()
        .map(|(k, v, _)| (k.clone(), v.clone()))
        .collect();
    eprintln!("{} writes acknowledged; checking every one", expected.len());
    rt.block_on(async {
        for (key, value) in &expected {
            let got = client
                .get(key.as_bytes())
                .await
                .expect("read after the kills");
            assert_eq!(
                got.as_deref(),
                Some(value.as_bytes()),
                "acknowledged write of {key} was lost"
            );
        }
    });
    // The restarted replicas catch up: every replica reaches the same slot.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let statuses = rt.block_on(client.status());
        let executed: Vec<u64> = statuses
            .iter()
            .filter_map(|(_, s)| s.as_ref().ok().map(|s| s.executed))
            .collect();
        if executed.len() == 3 && executed.iter().all(|e| *e == executed[0]) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "replicas did not converge: {statuses:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    eprintln!(
        "failovers (kill to first acknowledged write): {failovers:?}; election timeout {ELECTION_MS} ms"
    );
    drop(cluster);
    let _ = std::fs::remove_dir_all(&dir);
}
