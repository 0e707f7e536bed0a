//! Running seeds: one, replayed with a report, or as many as fit in a time budget on every
//! core. A seed decides everything, the faults included, so a failing seed is a replay.

use crate::history::{OpKind, Outcome, check};
use crate::machine::Machine;
use crate::world::{Faults, Stats, World};
use std::panic::AssertUnwindSafe;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const SECOND: u64 = 1_000_000;
/// Replicas in the pool, and how many are members at first.
const POOL: usize = 5;
const MEMBERS: usize = 3;
/// Simulated time under faults, then the time the healed ring has to converge.
const FAULTY: u64 = 3 * SECOND;
const HEALING: u64 = 15 * SECOND;

/// How hostile the run of `seed` is.
pub fn faults_for(seed: u64) -> Faults {
    let mut rng = fastrand::Rng::with_seed(seed ^ 0xfa);
    Faults {
        loss: [0.0, 0.01, 0.05, 0.15][rng.usize(0..4)],
        duplicate: [0.0, 0.02, 0.1][rng.usize(0..3)],
        delay: [(100, 2_000), (500, 20_000), (50, 500)][rng.usize(0..3)],
        crashes: rng.u8(0..4) != 0,
        lose_unsynced: rng.bool(),
        partitions: rng.u8(0..3) != 0,
        reconfigure: rng.bool(),
        corrupt_checkpoints: rng.bool(),
        one_way: rng.bool(),
        pauses: rng.bool(),
        operator: rng.bool(),
        failing_disks: rng.u8(0..3) == 0,
        damaged_logs: rng.bool(),
    }
}

/// Runs one seed: faults for three simulated seconds, then healing. Panics, naming the seed,
/// on any violation: of safety (checked at every step), of liveness (the healed ring must
/// converge and complete a write), or of linearizability (checked over the whole history).
pub fn run_seed<M: Machine>(seed: u64, verbose: bool) -> Stats {
    let faults = faults_for(seed);
    let mut world = World::<M>::new(seed, POOL, MEMBERS, faults.clone());
    world.run_until(FAULTY);
    world.heal();
    let healed = world.now;
    let wrote_after_healing = |world: &World<M>| {
        world.ops.iter().any(|op| {
            op.start > healed + SECOND
                && matches!(op.outcome, Outcome::Done(_))
                && matches!(op.kind, OpKind::Write(_))
        })
    };
    while world.now < healed + HEALING {
        world.run_until(world.now + SECOND / 10);
        if wrote_after_healing(&world) && world.converged() && world.unanswered(healed).is_empty() {
            break;
        }
    }
    if verbose {
        eprintln!("seed {seed} ({}): faults {faults:?}", M::NAME);
        eprintln!(
            "seed {seed}: stats {:?}, {} operations, {} executed, now {} ms",
            world.stats,
            world.ops.len(),
            world.executed.len(),
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
        "seed {seed}: the ring did not converge within {} s of healing (primary {:?})",
        HEALING / SECOND,
        world.primary()
    );
    assert!(
        wrote_after_healing(&world),
        "seed {seed}: no write succeeded after healing"
    );
    // Every write sent in a session is answered once the ring has healed (its client
    // retries until then): none may be left waiting.
    let unanswered = world.unanswered(healed);
    assert!(
        unanswered.is_empty(),
        "seed {seed}: writes sent in a session before healing were never answered: {unanswered:?}"
    );
    if let Err(violation) = check::<M>(&world.ops, &world.executed) {
        panic!("seed {seed}: the history is not linearizable: {violation}");
    }
    let mut stats = world.stats.clone();
    (stats.checkpoints_installed, stats.checkpoints_kept) = world.checkpoint_transfers();
    stats
}

/// What a budgeted run did.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub base: u64,
    pub seeds: u64,
    pub elapsed: Duration,
    pub totals: Stats,
    /// The first seed that failed.
    pub failed: Option<u64>,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let t = &self.totals;
        write!(
            f,
            "{} seeds from {} in {:.1} s: {} messages, {} crashes ({} lost unsynced writes, {} damaged checkpoints, {} failed disk writes, {} damaged synced logs, {} refused and replaced), {} pauses, {} membership changes, {} operator calls, {} session retries, {} checkpoints transferred, {} copied by primaries",
            self.seeds,
            self.base,
            self.elapsed.as_secs_f64(),
            t.messages,
            t.crashes,
            t.torn,
            t.corrupted,
            t.disk_failures,
            t.damaged_logs,
            t.replaced,
            t.pauses,
            t.reconfigurations,
            t.operations,
            t.retries,
            t.checkpoints_installed,
            t.checkpoints_kept
        )
    }
}

/// Seeds `base`, `base + 1`, ... on `threads` threads until `budget` is spent or one fails.
pub fn explore<M: Machine>(base: u64, budget: Duration, threads: usize) -> Summary {
    let started = Instant::now();
    let next = AtomicU64::new(0);
    let totals = Mutex::new(Stats::default());
    let failed = Mutex::new(None);
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| {
                while started.elapsed() < budget && failed.lock().unwrap().is_none() {
                    let seed = base + next.fetch_add(1, Ordering::Relaxed);
                    match std::panic::catch_unwind(AssertUnwindSafe(|| run_seed::<M>(seed, false)))
                    {
                        Ok(stats) => totals.lock().unwrap().add(&stats),
                        Err(_) => {
                            let mut first = failed.lock().unwrap();
                            *first = Some(first.map_or(seed, |f: u64| f.min(seed)));
                        }
                    }
                }
            });
        }
    });
    Summary {
        base,
        seeds: next.load(Ordering::Relaxed),
        elapsed: started.elapsed(),
        totals: totals.into_inner().unwrap(),
        failed: failed.into_inner().unwrap(),
    }
}
