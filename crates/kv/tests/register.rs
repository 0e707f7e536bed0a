//! Linearizability of one key under failovers, with real processes: three `keel-kv`
//! replicas on loopback; four clients (each its own exactly-once session) write unique
//! values to one key and read it back, retrying through failovers, while the primary is in
//! turn SIGKILLed (and restarted) and SIGSTOPped (past the election timeout, then resumed:
//! a deposed primary that wakes up). The history must be linearizable as a register; a
//! write executed twice, or a stale or lost one, makes it not.

use keel_kv::client::Client;
use keel_testkit::LocalRing;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ELECTION_MS: u64 = 400;

/// One operation on the register: a write of a unique value, or a read of what was there.
/// Times are µs since the test began; `end` is `None` when the outcome is unknown.
#[derive(Debug, Clone)]
struct Op {
    write: bool,
    value: Option<String>,
    start: u64,
    end: Option<u64>,
}

/// Gibbons and Korach's test for a register whose writes are unique: group each write with
/// the reads that saw it; a group's zone runs from the earliest end to the latest start of
/// its members. The history is linearizable iff no read precedes its write, no two forward
/// zones (earliest end before latest start) overlap, and no backward zone lies inside a
/// forward one. Writes of unknown outcome that nobody read are left out (if they happened,
/// they can be placed unobserved); those somebody read did happen, at some time after their
/// start.
fn check_register(ops: &[Op]) -> Result<(), String> {
    use std::collections::BTreeMap;
    /// A write's (start, end), and the reads that saw it.
    type Group<'a> = ((u64, u64), Vec<&'a Op>);
    // The initial value (absent) is a write done before everything.
    let mut groups: BTreeMap<Option<String>, Group> = BTreeMap::new();
    groups.insert(None, ((0, 0), Vec::new()));
    for op in ops.iter().filter(|o| o.write) {
        let end = op.end.unwrap_or(u64::MAX);
        groups.insert(op.value.clone(), ((op.start, end), Vec::new()));
    }
    for read in ops.iter().filter(|o| !o.write && o.end.is_some()) {
        let Some((write, reads)) = groups.get_mut(&read.value) else {
            return Err(format!("read {read:?} saw a value nobody wrote"));
        };
        let (w_start, _) = *write;
        if read.end.unwrap() < w_start {
            return Err(format!("read {read:?} ended before its write began"));
        }
        reads.push(read);
    }
    let mut forward = Vec::new();
    let mut backward = Vec::new();
    for (value, (write, reads)) in &groups {
        let (w_start, w_end) = *write;
        if w_end == u64::MAX && reads.is_empty() {
            continue; // unknown and unobserved
        }
        let low = reads
            .iter()
            .map(|r| r.end.unwrap())
            .chain([w_end])
            .min()
            .unwrap();
        let high = reads
            .iter()
            .map(|r| r.start)
            .chain([w_start])
            .max()
            .unwrap();
        if low < high {
            forward.push((low, high, value));
        } else {
            backward.push((high, low, value));
        }
    }
    forward.sort();
    for pair in forward.windows(2) {
        if pair[1].0 < pair[0].1 {
            return Err(format!(
                "the writes of {:?} and {:?} were each seen after the other was: zones {:?} and {:?} overlap",
                pair[0].2,
                pair[1].2,
                (pair[0].0, pair[0].1),
                (pair[1].0, pair[1].1)
            ));
        }
    }
    for (b_low, b_high, value) in &backward {
        if let Some(f) = forward.iter().find(|f| f.0 < *b_low && *b_high < f.1) {
            return Err(format!(
                "the write of {value:?} lies wholly inside the span in which {:?} was current",
                f.2
            ));
        }
    }
    Ok(())
}

#[test]
fn the_register_checker_refuses_stale_and_repeated_writes() {
    let op = |write, value: &str, start, end| Op {
        write,
        value: Some(value.to_owned()),
        start,
        end: Some(end),
    };
    let good = [
        op(true, "a", 0, 10),
        op(false, "a", 20, 30),
        op(true, "b", 40, 50),
        op(false, "b", 60, 70),
    ];
    assert_eq!(check_register(&good), Ok(()));
    // b is read, then a again: a stale read (or a repeat of a's write).
    let mut stale = good.to_vec();
    stale.push(op(false, "a", 80, 90));
    assert!(check_register(&stale).is_err());
    // A read of a value before anyone wrote it.
    let early = [op(false, "a", 0, 5), op(true, "a", 10, 20)];
    assert!(check_register(&early).is_err());
}

fn signal(pid: u32, sig: &str) {
    let status = std::process::Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .expect("running kill");
    assert!(status.success(), "kill {sig} {pid}");
}

#[test]
fn one_key_stays_linearizable_through_sigkill_and_sigstop_of_the_primary() {
    let dir = std::env::temp_dir().join(format!("keel-kv-register-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let election = ELECTION_MS.to_string();
    let args = [
        "--election-timeout-ms",
        &election,
        "--heartbeat-ms",
        "40",
        "--checkpoint-interval",
        "200",
    ];
    let mut ring = LocalRing::new(
        env!("CARGO_BIN_EXE_keel-kv").into(),
        dir.clone(),
        12,
        3,
        &args,
    );
    ring.start_all();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let t0 = Instant::now();
    let micros = move || t0.elapsed().as_micros() as u64;
    let history: Arc<Mutex<Vec<Op>>> = Default::default();
    let stop = Arc::new(AtomicBool::new(false));
    let servers = ring.servers();
    let mut clients = Vec::new();
    for c in 0..4 {
        let (history, stop, servers) = (history.clone(), stop.clone(), servers.clone());
        clients.push(rt.spawn(async move {
            let client = Client::new(servers, Duration::from_secs(10));
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                let start = micros();
                let op = if (i + c) % 5 < 3 {
                    let value = format!("c{c}-{i}");
                    let ok = client.put(b"r", value.as_bytes()).await.is_ok();
                    Op {
                        write: true,
                        value: Some(value),
                        start,
                        end: ok.then(micros),
                    }
                } else {
                    let got = client.get(b"r").await;
                    let end = got.is_ok().then(micros);
                    let value = got.ok().flatten().map(|v| String::from_utf8(v).unwrap());
                    Op {
                        write: false,
                        value,
                        start,
                        end,
                    }
                };
                history.lock().unwrap().push(op);
                i += 1;
            }
        }));
    }
    let acked_writes = |h: &Mutex<Vec<Op>>, since: u64| {
        h.lock()
            .unwrap()
            .iter()
            .filter(|o| o.write && o.end.is_some_and(|e| o.start >= since && e > since))
            .count()
    };
    let wait_for_writes = |since: u64| {
        let deadline = Instant::now() + Duration::from_secs(30);
        while acked_writes(&history, since) < 20 {
            assert!(
                Instant::now() < deadline,
                "no progress within 30 s of a fault"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    };
    wait_for_writes(0);
    let probe = {
        let _in_runtime = rt.enter();
        Client::new(servers.clone(), Duration::from_secs(10))
    };
    for round in 0..4 {
        let primary = rt.block_on(probe.primary()).expect("a primary") as usize - 1;
        let pid = ring.pid(primary).expect("the primary runs");
        let at = micros();
        if round % 2 == 0 {
            ring.kill(primary);
            wait_for_writes(at);
            ring.start(primary);
        } else {
            // Asleep past the election timeout: the others elect a new primary meanwhile.
            signal(pid, "-STOP");
            wait_for_writes(at);
            signal(pid, "-CONT");
        }
        eprintln!(
            "round {round}: {} replica {} recovered in {:?}",
            if round % 2 == 0 { "killed" } else { "stopped" },
            primary + 1,
            Duration::from_micros(micros() - at)
        );
    }
    wait_for_writes(micros());
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        rt.block_on(c).unwrap();
    }
    let history = history.lock().unwrap().clone();
    let (writes, reads) =
        history.iter().fold(
            (0, 0),
            |(w, r), o| if o.write { (w + 1, r) } else { (w, r + 1) },
        );
    eprintln!("{writes} writes and {reads} reads of one key; checking linearizability");
    check_register(&history).unwrap_or_else(|e| panic!("not linearizable: {e}"));
    // The last acknowledged write is what a read now finds.
    let last = rt.block_on(probe.get(b"r")).unwrap();
    assert!(last.is_some(), "the key was written");
    drop(ring);
    let _ = std::fs::remove_dir_all(&dir);
}
