//! keel-sim: a deterministic simulator of keel-replication rings. Every replica is a real
//! `Node` (the protocol core, recovery and checkpoint code of production) running a real
//! state machine (keel-kv's map, keel-ringmaster's tree, or a list-append store) over a
//! simulated network, clock and disk, under message loss, duplication, reordering and
//! delay, partitions, crashes that lose unsynced writes, damaged checkpoints and membership
//! changes in flight. One seed decides a whole run, so a failure is replayed exactly.
//!
//! `cargo xtask sim` runs it (see `keel-sim --help`); its tests keep a time-boxed run.

pub mod disk;
pub mod history;
pub mod machine;
pub mod machines;
pub mod run;
pub mod world;

pub use crate::machine::Machine;
pub use crate::run::{Summary, explore, run_seed};

/// The machines, by the names `--machine` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Log,
    Kv,
    Tree,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Log, Kind::Kv, Kind::Tree];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Log => machines::Log::NAME,
            Kind::Kv => <keel_kv::sm::Kv as Machine>::NAME,
            Kind::Tree => <keel_ringmaster::store::TreeSm as Machine>::NAME,
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Runs one seed of this machine (panics on a violation, naming the seed).
    pub fn run_seed(self, seed: u64, verbose: bool) -> world::Stats {
        match self {
            Kind::Log => run_seed::<machines::Log>(seed, verbose),
            Kind::Kv => run_seed::<keel_kv::sm::Kv>(seed, verbose),
            Kind::Tree => run_seed::<keel_ringmaster::store::TreeSm>(seed, verbose),
        }
    }

    /// Explores seeds of this machine for `budget`.
    pub fn explore(self, base: u64, budget: std::time::Duration, threads: usize) -> Summary {
        match self {
            Kind::Log => explore::<machines::Log>(base, budget, threads),
            Kind::Kv => explore::<keel_kv::sm::Kv>(base, budget, threads),
            Kind::Tree => explore::<keel_ringmaster::store::TreeSm>(base, budget, threads),
        }
    }
}
