//! The tracker's edge cases against the in-process service: nothing reachable, everyone
//! denying, a hint to a dead replica, a primary that flaps faster than discovery, deadline
//! zero, overload, and one rediscovery for many callers that lose the primary together.

mod sim;

use keel_tracker::{Config, Error, Failure, Policy, Stage, Tracker};
use sim::{Cluster, SimConnector};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn config(cluster: &Cluster) -> Config<sim::Addr> {
    let mut c = Config::new(cluster.replicas.clone());
    c.query_timeout = Duration::from_millis(100);
    c.backoff_min = Duration::from_millis(10);
    c.backoff_max = Duration::from_millis(40);
    c
}

fn request(tracker: &Tracker<SimConnector>, timeout: Duration) -> Result<sim::Served, Error> {
    tracker.call_blocking(&Policy::new(timeout), |p, deadline| {
        p.channel().request_blocking(deadline)
    })
}

#[test]
fn no_replica_reachable_fails_at_the_deadline_and_discovery_backs_off() {
    let cluster = Cluster::new(3, sim::seed());
    for r in 0..3 {
        cluster.kill(r);
    }
    let tracker = Tracker::start(SimConnector(cluster.clone()), config(&cluster)).unwrap();
    let started = Instant::now();
    let err = request(&tracker, Duration::from_millis(300)).unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(
            err,
            Error::DeadlineExceeded {
                stage: Stage::FindingPrimary,
                attempts: 0,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_millis(400),
        "{took:?}"
    );
    // Never spins: each round waits out the query timeout, then a backoff.
    let m = tracker.metrics();
    assert_eq!(m.generation, 0);
    assert!(m.discovery_rounds <= 4, "{m:?}");
    assert_eq!(
        m.discoveries_started, 1,
        "one discovery, still running: {m:?}"
    );
}

#[test]
fn every_replica_denying_is_no_primary_and_discovery_backs_off() {
    let cluster = Cluster::new(4, sim::seed());
    cluster
        .all_deny
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let tracker = Tracker::start(SimConnector(cluster.clone()), config(&cluster)).unwrap();
    let err = request(&tracker, Duration::from_millis(250)).unwrap_err();
    assert!(
        matches!(
            err,
            Error::DeadlineExceeded {
                stage: Stage::FindingPrimary,
                ..
            }
        ),
        "{err}"
    );
    // Each round asks the 4 replicas once (their hints name replicas already asked); the
    // backoff between rounds keeps the count small. Discovery goes on in the background, so
    // the query count is read between two readings of the round count (a round is counted
    // as it starts, before its queries).
    let m = tracker.metrics();
    let queries = cluster.queries.load(std::sync::atomic::Ordering::SeqCst);
    let rounds_after = tracker.metrics().discovery_rounds;
    assert!(m.discovery_rounds >= 2 && rounds_after <= 12, "{m:?}");
    assert!(
        queries >= 4 * (m.discovery_rounds - 1) && queries <= 4 * rounds_after,
        "{queries} queries in {}..={rounds_after} rounds",
        m.discovery_rounds
    );

    // Once a replica says it is primary, the same tracker finds it.
    cluster
        .all_deny
        .store(false, std::sync::atomic::Ordering::SeqCst);
    let served = request(&tracker, Duration::from_secs(2)).unwrap();
    assert_eq!(Some(served.by), cluster.primary());
}

#[test]
fn a_hint_to_a_dead_replica_does_not_hold_up_finding_the_live_primary() {
    let cluster = Cluster::new(3, sim::seed());
    let tracker = Tracker::start(SimConnector(cluster.clone()), config(&cluster)).unwrap();
    assert_eq!(request(&tracker, Duration::from_secs(2)).unwrap().by, 0);

    // Replica 2 dies; the primary moves to 1; a request reports "not primary, try 2".
    cluster.kill(2);
    cluster.fail_over(Some(1));
    let generation = tracker.current().unwrap().generation();
    tracker.report(generation, &Failure::NotPrimary { hint: Some(2) });
    let served = request(&tracker, Duration::from_secs(2)).unwrap();
    assert_eq!(served.by, 1);
    let m = tracker.metrics();
    // Found without waiting out the dead replica's query timeout (100 ms).
    assert!(
        m.last_discovery.unwrap() < Duration::from_millis(100),
        "{m:?}"
    );
}

#[test]
fn a_primary_flapping_faster_than_discovery_bounds_every_request() {
    let cluster = Cluster::new(3, sim::seed());
    cluster.faults.lock().unwrap().query_delay = Duration::from_millis(5);
    let tracker = Tracker::start(SimConnector(cluster.clone()), config(&cluster)).unwrap();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flapper = {
        let (cluster, stop) = (cluster.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                cluster.fail_over_randomly();
                std::thread::sleep(Duration::from_millis(1));
            }
        })
    };
    let jitter = sim::Jitter::start();
    let callers: Vec<_> = (0..8)
        .map(|_| {
            let tracker = tracker.clone();
            std::thread::spawn(move || {
                let mut outcomes = Vec::new();
                let started = Instant::now();
                while started.elapsed() < Duration::from_millis(300) {
                    let t = Instant::now();
                    let r = request(&tracker, Duration::from_millis(50));
                    outcomes.push((t.elapsed(), r));
                }
                outcomes
            })
        })
        .collect();
    let outcomes: Vec<_> = callers
        .into_iter()
        .flat_map(|c| c.join().unwrap())
        .collect();
    let allowance = jitter.allowance();
    for (took, r) in outcomes {
        assert!(
            took < Duration::from_millis(50) + allowance,
            "{took:?} {r:?} (allowance {allowance:?})"
        );
        match r {
            Ok(_) => {}
            Err(Error::DeadlineExceeded { .. }) | Err(Error::Failed { .. }) => {}
            Err(e) => panic!("unexpected {e}"),
        }
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    flapper.join().unwrap();
    let m = tracker.metrics();
    assert!(m.discoveries_started - m.discoveries <= 1, "{m:?}");
    assert_eq!(m.discoveries, m.generation, "{m:?}");
    // The flapping was felt: requests hit former primaries and discovery ran again and again.
    assert!(m.failures.not_primary > 10 && m.generation > 5, "{m:?}");
    // Once the primary holds still, requests succeed on it.
    let served = request(&tracker, Duration::from_secs(2)).unwrap();
    assert_eq!(Some(served.by), cluster.primary());
}

#[test]
fn deadline_zero_fails_at_once_without_touching_the_channel() {
    let cluster = Cluster::new(3, sim::seed());
    let tracker = Tracker::start(SimConnector(cluster.clone()), config(&cluster)).unwrap();
    request(&tracker, Duration::from_secs(2)).unwrap();
    let before = cluster.requests.load(std::sync::atomic::Ordering::SeqCst);
    let err = request(&tracker, Duration::ZERO).unwrap_err();
    assert_eq!(
        err,
        Error::DeadlineExceeded {
            stage: Stage::Queued,
            attempts: 0,
            last: None
        }
    );
    let rt = sim::runtime(1);
    let err = rt
        .block_on(tracker.call(&Policy::new(Duration::ZERO), |p| async move {
            p.channel().request(Instant::now()).await
        }))
        .unwrap_err();
    assert!(matches!(
        err,
        Error::DeadlineExceeded {
            stage: Stage::Queued,
            ..
        }
    ));
    assert_eq!(
        cluster.requests.load(std::sync::atomic::Ordering::SeqCst),
        before
    );
}

#[test]
fn a_full_queue_fails_fast_with_overloaded() {
    let cluster = Cluster::new(3, sim::seed());
    let mut cfg = config(&cluster);
    cfg.max_in_flight = 1;
    cfg.max_queued = 1;
    let tracker = Tracker::start(SimConnector(cluster.clone()), cfg).unwrap();
    request(&tracker, Duration::from_secs(2)).unwrap();

    // One request holds the only slot until released; a second waits in the queue.
    let (entered_tx, entered_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let holder = {
        let tracker = tracker.clone();
        std::thread::spawn(move || {
            tracker.call_blocking(&Policy::new(Duration::from_secs(5)), |_, _| {
                entered_tx.send(()).unwrap();
                release_rx.recv().unwrap();
                Ok(())
            })
        })
    };
    entered_rx.recv().unwrap();
    let waiter = {
        let tracker = tracker.clone();
        std::thread::spawn(move || request(&tracker, Duration::from_secs(5)))
    };
    while tracker.metrics().queued < 1 {
        std::thread::yield_now();
    }
    let started = Instant::now();
    let err = request(&tracker, Duration::from_secs(5)).unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(50), "fails fast");
    assert_eq!(
        err,
        Error::Overloaded {
            in_flight: 1,
            queued: 1
        }
    );
    release_tx.send(()).unwrap();
    holder.join().unwrap().unwrap();
    waiter.join().unwrap().unwrap();
    let m = tracker.metrics();
    assert_eq!(
        (m.overloaded, m.max_in_flight_seen, m.in_flight, m.queued),
        (1, 1, 0, 0)
    );
}

#[test]
fn many_callers_losing_the_primary_together_cause_one_rediscovery() {
    let cluster = Cluster::new(5, sim::seed());
    cluster.faults.lock().unwrap().query_delay = Duration::from_millis(20);
    let tracker = Tracker::start(SimConnector(cluster.clone()), config(&cluster)).unwrap();
    request(&tracker, Duration::from_secs(2)).unwrap();
    assert_eq!(tracker.metrics().generation, 1);

    cluster.fail_over(Some(3));
    let barrier = Arc::new(std::sync::Barrier::new(64));
    let callers: Vec<_> = (0..64)
        .map(|_| {
            let (tracker, barrier) = (tracker.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                request(&tracker, Duration::from_secs(2))
            })
        })
        .collect();
    for c in callers {
        assert_eq!(c.join().unwrap().unwrap().by, 3);
    }
    let m = tracker.metrics();
    assert_eq!(
        (m.generation, m.discoveries_started, m.discoveries),
        (2, 2, 2),
        "{m:?}"
    );
    assert!(m.failures.not_primary >= 1, "{m:?}");
    // Retried on the new generation, not failed: no request used up its attempts.
    assert_eq!(m.failed, 0);
}
