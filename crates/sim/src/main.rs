//! `keel-sim`: explore seeds of the simulated ring, or replay one. `cargo xtask sim` runs it.

use clap::{Arg, ArgAction, Command, value_parser};
use keel_sim::Kind;
use std::panic::AssertUnwindSafe;
use std::process::ExitCode;
use std::time::Duration;

fn command() -> Command {
    let names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).chain(["all"]).collect();
    Command::new("keel-sim")
        .about("Deterministic simulation of a keel-replication ring under faults, checked for safety, liveness and linearizability")
        .after_help(
            "Without --seed, runs seeds base, base+1, ... on every core until the budget is spent, \
             and prints how to replay the first that fails. With --seed, replays that one seed and \
             reports what happened.",
        )
        .arg(
            Arg::new("machine")
                .long("machine")
                .value_name("MACHINE")
                .value_parser(names)
                .default_value("all")
                .help("The state machine the ring runs: log (list-append), kv (keel-kv's map), tree (ringmaster's tree), or all"),
        )
        .arg(
            Arg::new("seed")
                .long("seed")
                .value_name("N")
                .value_parser(value_parser!(u64))
                .conflicts_with_all(["secs", "base"])
                .help("Replay this one seed, verbosely"),
        )
        .arg(
            Arg::new("secs")
                .long("secs")
                .value_name("S")
                .value_parser(value_parser!(u64).range(1..))
                .default_value("60")
                .help("Wall-clock budget in seconds, shared among the machines"),
        )
        .arg(
            Arg::new("base")
                .long("base")
                .value_name("N")
                .value_parser(value_parser!(u64))
                .help("The first seed (default: a random one, printed)"),
        )
        .arg(
            Arg::new("threads")
                .long("threads")
                .value_name("N")
                .value_parser(value_parser!(u16).range(1..))
                .action(ArgAction::Set)
                .help("Seeds run at once (default: one per core)"),
        )
}

fn main() -> ExitCode {
    let m = command().get_matches();
    let machine = m.get_one::<String>("machine").expect("has a default");
    let kinds: Vec<Kind> = match Kind::from_name(machine) {
        Some(kind) => vec![kind],
        None => Kind::ALL.to_vec(),
    };
    if let Some(&seed) = m.get_one::<u64>("seed") {
        let mut failed = false;
        for kind in kinds {
            match std::panic::catch_unwind(AssertUnwindSafe(|| kind.run_seed(seed, true))) {
                Ok(stats) => println!("seed {seed} ({}): passed; {stats:?}", kind.name()),
                Err(_) => {
                    eprintln!(
                        "keel-sim: seed {seed} ({}) failed; the violation is above",
                        kind.name()
                    );
                    failed = true;
                }
            }
        }
        return if failed {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        };
    }
    let secs = *m.get_one::<u64>("secs").expect("has a default");
    let base = m
        .get_one::<u64>("base")
        .copied()
        .unwrap_or_else(|| fastrand::u64(..1 << 40));
    let threads = m
        .get_one::<u16>("threads")
        .map(|&n| usize::from(n))
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let budget = Duration::from_secs(secs) / kinds.len() as u32;
    for kind in kinds {
        let summary = kind.explore(base, budget, threads);
        println!("{}: {summary}", kind.name());
        if let Some(seed) = summary.failed {
            eprintln!(
                "keel-sim: seed {seed} ({name}) failed; replay it with: cargo xtask sim --machine {name} --seed {seed}",
                name = kind.name()
            );
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
