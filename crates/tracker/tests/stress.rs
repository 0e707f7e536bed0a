//! The tracker under stress: 64 callers (48 async tasks, 16 plain threads) sending
//! continuously, a primary failover every 50–200 ms, and a channel injecting errors,
//! disconnects and delays, all from one printed seed. Runs `KEEL_TRACKER_STRESS_SECS`
//! seconds (default 3).
//!
//! Asserted: no request outlives its deadline (beyond slack and measured scheduling delay); every request either
//! succeeds on the replica that was primary when it was served or fails with a classified
//! error; at most one discovery per generation; requests in flight never exceed the limit;
//! the wait queue stays within its bound; threads, tasks and memory do not grow.

mod sim;

use keel_tracker::{Config, Error, Policy, Tracker};
use sim::{Cluster, Faults, SimConnector};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ASYNC_CALLERS: usize = 48;
const THREAD_CALLERS: usize = 16;
const MAX_IN_FLIGHT: usize = 24;
const MAX_QUEUED: usize = 24;

#[derive(Default)]
struct Tally {
    ok: AtomicU64,
    overloaded: AtomicU64,
    deadline: AtomicU64,
    failed: AtomicU64,
    /// The worst time past a deadline, and that request.
    worst_overrun: Mutex<(Duration, String)>,
    violations: Mutex<Vec<String>>,
}

impl Tally {
    fn record(
        &self,
        cluster: &Cluster,
        timeout: Duration,
        took: Duration,
        r: Result<sim::Served, Error>,
    ) {
        if took > timeout {
            let mut w = self.worst_overrun.lock().unwrap();
            if took - timeout > w.0 {
                *w = (
                    took - timeout,
                    format!("took {took:?} with a {timeout:?} deadline: {r:?}"),
                );
            }
        }
        match r {
            Ok(served) => {
                self.ok.fetch_add(1, SeqCst);
                if cluster.primary_in(served.epoch) != Some(served.by) {
                    self.violation(format!(
                        "served by a replica that was not primary: {served:?}"
                    ));
                }
            }
            Err(Error::Overloaded { .. }) => _ = self.overloaded.fetch_add(1, SeqCst),
            Err(Error::DeadlineExceeded { .. }) => _ = self.deadline.fetch_add(1, SeqCst),
            Err(Error::Failed { .. }) => _ = self.failed.fetch_add(1, SeqCst),
            Err(e) => self.violation(format!("unclassified outcome: {e}")),
        }
    }

    fn violation(&self, v: String) {
        let mut vs = self.violations.lock().unwrap();
        if vs.len() < 20 {
            vs.push(v);
        }
    }
}

/// Threads of this process, and its resident memory in KiB (Linux /proc).
fn process_usage() -> (usize, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap()
    };
    (field("Threads:") as usize, field("VmRSS:"))
}

#[test]
fn sixty_four_callers_through_failovers_and_faults() {
    let seed = sim::seed();
    let secs: f64 = std::env::var("KEEL_TRACKER_STRESS_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    let run_for = Duration::from_secs_f64(secs);

    let jitter = sim::Jitter::start();
    let cluster = Cluster::new(5, seed);
    *cluster.faults.lock().unwrap() = Faults {
        spurious_not_primary: 0.01,
        disconnect: 0.01,
        delay: 0.2,
        max_delay: Duration::from_millis(20),
        query_delay: Duration::from_millis(1),
    };
    let rt = sim::runtime(2);
    let mut cfg = Config::new(cluster.replicas.clone());
    cfg.max_in_flight = MAX_IN_FLIGHT;
    cfg.max_queued = MAX_QUEUED;
    cfg.query_timeout = Duration::from_millis(50);
    cfg.backoff_min = Duration::from_millis(2);
    cfg.backoff_max = Duration::from_millis(50);
    let tracker = Tracker::new(SimConnector(cluster.clone()), cfg, rt.handle().clone());

    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Tally::default());

    // The failover schedule: every 50–200 ms, from the seed.
    let failovers = {
        let (cluster, stop) = (cluster.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut rng = fastrand::Rng::with_seed(seed ^ 0x5eed);
            let mut n = 0u64;
            while !stop.load(SeqCst) {
                std::thread::sleep(Duration::from_millis(rng.u64(50..=200)));
                if rng.u8(0..10) == 0 {
                    cluster.fail_over(None); // an election gap
                    std::thread::sleep(Duration::from_millis(rng.u64(1..=10)));
                }
                cluster.fail_over_randomly();
                n += 1;
            }
            n
        })
    };

    let policy_for = |rng: &mut fastrand::Rng| {
        Policy::new(Duration::from_millis(rng.u64(20..=300)))
            .attempts(rng.u32(1..=4))
            .retry_timeouts(rng.bool())
    };
    let mut tasks = Vec::new();
    for i in 0..ASYNC_CALLERS {
        let (tracker, cluster, tally, stop) = (
            tracker.clone(),
            cluster.clone(),
            tally.clone(),
            stop.clone(),
        );
        tasks.push(rt.spawn(async move {
            let mut rng = fastrand::Rng::with_seed(seed.wrapping_add(i as u64));
            while !stop.load(SeqCst) {
                let policy = policy_for(&mut rng);
                let t = Instant::now();
                let r = tracker
                    .call(&policy, |p| async move {
                        p.channel().request(t + policy.timeout).await
                    })
                    .await;
                let overloaded = matches!(r, Err(Error::Overloaded { .. }));
                tally.record(&cluster, policy.timeout, t.elapsed(), r);
                // As a real client would: back off when told the service is overloaded.
                if overloaded {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                tokio::task::yield_now().await;
            }
        }));
    }
    let mut threads = Vec::new();
    for i in 0..THREAD_CALLERS {
        let (tracker, cluster, tally, stop) = (
            tracker.clone(),
            cluster.clone(),
            tally.clone(),
            stop.clone(),
        );
        threads.push(std::thread::spawn(move || {
            let mut rng = fastrand::Rng::with_seed(seed.wrapping_add(1000 + i as u64));
            while !stop.load(SeqCst) {
                let policy = policy_for(&mut rng);
                let t = Instant::now();
                let r = tracker.call_blocking(&policy, |p, deadline| {
                    p.channel().request_blocking(deadline)
                });
                let overloaded = matches!(r, Err(Error::Overloaded { .. }));
                tally.record(&cluster, policy.timeout, t.elapsed(), r);
                if overloaded {
                    std::thread::sleep(Duration::from_millis(1));
                }
            }
        }));
    }

    // Sample usage and the tracker's gauges while it runs.
    let started = Instant::now();
    let mut baseline = None;
    let (mut max_threads, mut max_rss, mut max_tasks) = (0, 0, 0);
    let mut max_queued = 0;
    while started.elapsed() < run_for {
        std::thread::sleep(Duration::from_millis(20));
        let (threads, rss) = process_usage();
        let tasks = rt.metrics().num_alive_tasks();
        let m = tracker.metrics();
        max_queued = max_queued.max(m.queued);
        if baseline.is_none() && started.elapsed() >= run_for / 4 {
            baseline = Some((threads, rss, tasks));
        } else if baseline.is_some() {
            max_threads = max_threads.max(threads);
            max_rss = max_rss.max(rss);
            max_tasks = max_tasks.max(tasks);
        }
    }
    stop.store(true, SeqCst);
    let failovers = failovers.join().unwrap();
    for t in threads {
        t.join().unwrap();
    }
    for t in tasks {
        rt.block_on(t).unwrap();
    }

    let allowance = jitter.allowance();
    let m = tracker.metrics();
    let ok = tally.ok.load(SeqCst);
    let total = ok
        + tally.overloaded.load(SeqCst)
        + tally.deadline.load(SeqCst)
        + tally.failed.load(SeqCst);
    eprintln!(
        "seed {seed}: {total} requests in {secs} s, {ok} ok, {} overloaded, {} past deadline, {} failed; \
         {failovers} failovers, {} generations, worst overrun {:?} (allowed {allowance:?}); {m:?}",
        tally.overloaded.load(SeqCst),
        tally.deadline.load(SeqCst),
        tally.failed.load(SeqCst),
        m.generation,
        tally.worst_overrun.lock().unwrap().0,
    );
    let violations = tally.violations.lock().unwrap();
    assert!(violations.is_empty(), "seed {seed}: {violations:#?}");
    let (overrun, request) = &*tally.worst_overrun.lock().unwrap();
    assert!(
        *overrun <= allowance,
        "seed {seed}: {request}, past the allowance of {allowance:?}"
    );
    assert!(
        ok > 0 && total > 1000,
        "seed {seed}: too little got through: {ok}/{total}"
    );
    // One discovery per generation: each completed discovery published exactly one.
    assert_eq!(m.discoveries, m.generation, "seed {seed}: {m:?}");
    assert!(
        m.discoveries_started - m.discoveries <= 1,
        "seed {seed}: {m:?}"
    );
    assert!(
        m.generation >= failovers / 2,
        "seed {seed}: the tracker did not follow the failovers: {m:?}"
    );
    // The throttle held: at the tracker and as the service saw it.
    assert!(m.max_in_flight_seen <= MAX_IN_FLIGHT, "seed {seed}: {m:?}");
    let seen = cluster.max_in_flight.load(SeqCst);
    assert!(
        seen <= MAX_IN_FLIGHT,
        "seed {seed}: the service saw {seen} requests at once"
    );
    assert!(max_queued <= MAX_QUEUED, "seed {seed}: {max_queued} queued");
    assert_eq!(
        (m.in_flight, m.queued),
        (0, 0),
        "seed {seed}: leaked slots: {m:?}"
    );
    // No growth of threads, tasks or memory after the warm-up quarter.
    let (threads0, rss0, tasks0) = baseline.expect("ran long enough to take a baseline");
    assert!(
        max_threads <= threads0,
        "seed {seed}: threads grew from {threads0} to {max_threads}"
    );
    // The callers, plus at most one discovery and its queries (one per replica and a hint).
    let task_bound = ASYNC_CALLERS + 1 + cluster.replicas.len() + 1;
    assert!(
        max_tasks <= task_bound,
        "seed {seed}: {max_tasks} runtime tasks (bound {task_bound}; {tasks0} after warm-up)"
    );
    assert!(
        max_rss <= rss0 + 16 * 1024,
        "seed {seed}: resident memory grew from {rss0} KiB to {max_rss} KiB"
    );
}
