//! The simulation acceptance test: as many seeds as fit in the time budget, each a ring of
//! replicas (5 processes, 3 members at first) under message loss, duplication, reordering
//! and delay, partitions, crashes with and without loss of unsynced writes, and membership
//! changes in flight. Safety is checked after every step (see `sim`); at the end the client
//! history must be linearizable and the healed ring must make progress.
//!
//! `KEEL_SIM_SECS` sets the budget (default 60 s of wall time); `KEEL_SEED=<n>` replays one
//! seed exactly, printing what happened.

mod sim;

use sim::{Faults, Outcome, World, check_history};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const SECOND: u64 = 1_000_000;

fn faults_for(seed: u64) -> Faults {
    let mut rng = fastrand::Rng::with_seed(seed ^ 0xfau64);
    Faults {
        loss: [0.0, 0.01, 0.05, 0.15][rng.usize(0..4)],
        duplicate: [0.0, 0.02, 0.1][rng.usize(0..3)],
        delay: [(100, 2_000), (500, 20_000), (50, 500)][rng.usize(0..3)],
        crashes: rng.u8(0..4) != 0,
        lose_unsynced: rng.bool(),
        partitions: rng.u8(0..3) != 0,
        reconfigure: rng.bool(),
    }
}

/// Runs one seed; panics (with the seed in the message) on any violation.
fn run_seed(seed: u64, verbose: bool) -> sim::Stats {
    let faults = faults_for(seed);
    let mut world = World::new(seed, 5, 3, faults.clone());
    world.run_until(3 * SECOND);
    world.heal();
    let healed = world.now;
    // Progress: once healed, an append submitted afterwards succeeds and the members converge.
    let deadline = healed + 15 * SECOND;
    while world.now < deadline {
        let step = world.now + SECOND / 10;
        world.run_until(step);
        let progressed = world.ops.iter().any(|op| {
            op.start > healed + SECOND
                && matches!(op.outcome, Outcome::Ok(..))
                && matches!(op.kind, sim::OpKind::Append(_))
        });
        if progressed && world.converged() {
            break;
        }
    }
    if verbose {
        eprintln!("seed {seed}: faults {faults:?}");
        eprintln!(
            "seed {seed}: stats {:?}, {} ops, now {} ms",
            world.stats,
            world.ops.len(),
            world.now / 1000
        );
        for (id, n) in &world.nodes {
            eprintln!(
                "  replica {id}: {:?}",
                n.as_ref().map(|n| n.core().status())
            );
        }
    }
    assert!(
        world.converged(),
        "seed {seed}: the ring did not converge within 15 s of healing (primary {:?})",
        world.primary()
    );
    let progressed = world
        .ops
        .iter()
        .any(|op| op.start > healed + SECOND && matches!(op.outcome, Outcome::Ok(..)));
    assert!(
        progressed,
        "seed {seed}: no operation succeeded after healing"
    );
    let finals = world.final_lists();
    if let Err(violation) = check_history(&world.ops, &finals) {
        panic!("seed {seed}: history is not linearizable: {violation}");
    }
    let mut stats = world.stats.clone();
    (stats.checkpoints_installed, stats.checkpoints_kept) = world.checkpoint_transfers();
    stats
}

#[test]
fn seeds_under_faults_stay_safe_and_live() {
    if let Ok(seed) = std::env::var("KEEL_SEED") {
        let seed: u64 = seed.parse().expect("KEEL_SEED is a number");
        run_seed(seed, true);
        return;
    }
    let budget = Duration::from_secs(
        std::env::var("KEEL_SIM_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(60),
    );
    let base = std::env::var("KEEL_SIM_BASE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..1 << 40));
    let started = Instant::now();
    let next = AtomicU64::new(0);
    let totals = std::sync::Mutex::new(sim::Stats::default());
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let failure = std::sync::Mutex::new(None);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                while started.elapsed() < budget && failure.lock().unwrap().is_none() {
                    let seed = base + next.fetch_add(1, Ordering::Relaxed);
                    match std::panic::catch_unwind(AssertUnwindSafe(|| run_seed(seed, false))) {
                        Ok(stats) => {
                            let mut t = totals.lock().unwrap();
                            t.messages += stats.messages;
                            t.crashes += stats.crashes;
                            t.torn += stats.torn;
                            t.reconfigurations += stats.reconfigurations;
                            t.checkpoints_installed += stats.checkpoints_installed;
                            t.checkpoints_kept += stats.checkpoints_kept;
                        }
                        Err(_) => {
                            *failure.lock().unwrap() = Some(seed);
                        }
                    }
                }
            });
        }
    });
    let ran = next.load(Ordering::Relaxed);
    let t = totals.lock().unwrap().clone();
    eprintln!(
        "simulated {ran} seeds from {base} in {:.1} s: {} messages, {} crashes ({} lost unsynced writes), {} membership changes, {} checkpoints transferred, {} copied by primaries",
        started.elapsed().as_secs_f64(),
        t.messages,
        t.crashes,
        t.torn,
        t.reconfigurations,
        t.checkpoints_installed,
        t.checkpoints_kept
    );
    if let Some(seed) = *failure.lock().unwrap() {
        panic!(
            "seed {seed} failed; replay it with: KEEL_SEED={seed} cargo test -p keel-replication --test simulation -- --nocapture"
        );
    }
}
