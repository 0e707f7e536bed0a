//! The command line every replicated service binary shares (clap's builder API): member
//! lists as flag values, and the serve flags with the one mapping from them to a replica's
//! configuration, so keel-kv and ringmaster take the same flags with the same defaults.

use crate::members::parse_members;
use clap::{Arg, ArgMatches, value_parser};
use keel_replication::{Member, NodeOptions, ReplicaConfig};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// A member list (`ID=HOST:PORT,...`) flag named `name`; its value is a
/// `HashMap<u64, SocketAddr>`, read with [`members_of`].
pub fn members(name: &'static str, help: &'static str) -> Arg {
    Arg::new(name)
        .long(name)
        .value_name("ID=HOST:PORT,...")
        .value_parser(parse_members)
        .help(help)
}

/// The member list under `name`, if it was given.
pub fn members_of(m: &ArgMatches, name: &str) -> Option<HashMap<u64, SocketAddr>> {
    m.get_one::<HashMap<u64, SocketAddr>>(name).cloned()
}

/// A number flag `--NAME VALUE` with a default.
pub fn number(
    name: &'static str,
    value: &'static str,
    default: &'static str,
    help: &'static str,
) -> Arg {
    Arg::new(name)
        .long(name)
        .value_name(value)
        .default_value(default)
        .value_parser(value_parser!(u64))
        .help(help)
}

/// `--id`, `--listen`, and the replication flags (`--cluster`, `--peers`, `--dir`, the
/// protocol's timing and the checkpoint interval). `--peers` and `--dir` are optional here:
/// a service that always replicates marks them required.
pub fn serve_args() -> Vec<Arg> {
    vec![
        Arg::new("id")
            .long("id")
            .value_name("ID")
            .required(true)
            .value_parser(value_parser!(u64))
            .help("This replica's id, as the member lists name it"),
        Arg::new("listen")
            .long("listen")
            .value_name("HOST:PORT")
            .required(true)
            .value_parser(value_parser!(SocketAddr))
            .help("Where clients connect"),
        number(
            "cluster",
            "N",
            "0",
            "The ring's id: a replica refuses peers and data directories of another ring",
        ),
        members(
            "peers",
            "Every member's replication address, this one's included",
        ),
        Arg::new("dir")
            .long("dir")
            .value_name("DIR")
            .value_parser(value_parser!(PathBuf))
            .help("Where this replica keeps its log and checkpoints (made by --init)"),
        Arg::new("init")
            .long("init")
            .action(clap::ArgAction::SetTrue)
            .help(
                "This is a new replica: create its data directory (refused if it is already \
                 initialized). Without it a directory that was never initialized is refused, so a \
                 replica whose disk is missing cannot return as a voter that forgot its promises",
            ),
        number(
            "election-timeout-ms",
            "MS",
            "1000",
            "How long without a primary before an election",
        ),
        number(
            "heartbeat-ms",
            "MS",
            "100",
            "How often the primary heartbeats",
        ),
        number(
            "checkpoint-interval",
            "SLOTS",
            "100000",
            "Slots between checkpoints on secondaries",
        ),
    ]
}

/// The replica configuration the serve flags describe; `None` when `--peers` or `--dir` is
/// absent (a service that can run without replication).
pub fn replica_config(m: &ArgMatches) -> Option<ReplicaConfig> {
    let peers = members_of(m, "peers")?;
    let dir = m.get_one::<PathBuf>("dir")?.clone();
    let n = |name: &str| *m.get_one::<u64>(name).expect("has a default");
    let mut options = NodeOptions::default();
    options.protocol.election_timeout = Duration::from_millis(n("election-timeout-ms"));
    options.protocol.heartbeat_interval = Duration::from_millis(n("heartbeat-ms"));
    options.checkpoint_interval = n("checkpoint-interval");
    let mut members: Vec<Member> = peers
        .iter()
        .map(|(id, addr)| Member::new(*id, addr.to_string()))
        .collect();
    members.sort_by_key(|m| m.id);
    Some(ReplicaConfig {
        id: *m.get_one::<u64>("id").expect("required"),
        cluster: n("cluster"),
        members,
        listen: None,
        dir,
        init: m.get_flag("init"),
        options,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<ArgMatches, clap::Error> {
        clap::Command::new("svc")
            .args(serve_args())
            .try_get_matches_from(std::iter::once("svc").chain(args.iter().copied()))
    }

    #[test]
    fn serve_flags_become_a_replica_config_with_the_shared_defaults() {
        let m = parse(&[
            "--id",
            "2",
            "--listen",
            "127.0.0.1:7",
            "--peers",
            "1=127.0.0.1:1,2=127.0.0.1:2",
            "--dir",
            "/tmp/r2",
            "--heartbeat-ms",
            "50",
        ])
        .unwrap();
        let c = replica_config(&m).expect("replicated");
        assert_eq!(c.id, 2);
        assert_eq!(c.cluster, 0);
        assert_eq!(c.members.len(), 2);
        assert_eq!(
            c.options.protocol.heartbeat_interval,
            Duration::from_millis(50)
        );
        assert_eq!(
            c.options.protocol.election_timeout,
            Duration::from_millis(1000)
        );
        assert_eq!(c.options.checkpoint_interval, 100_000);
    }

    #[test]
    fn bad_and_unknown_flags_are_refused_naming_them() {
        let e = parse(&[
            "--id",
            "1",
            "--listen",
            "127.0.0.1:7",
            "--peers",
            "1=nowhere",
        ])
        .unwrap_err()
        .to_string();
        assert!(e.contains("--peers") && e.contains("HOST:PORT"), "{e}");
        let e = parse(&["--id", "1", "--listen", "127.0.0.1:7", "--bogus", "x"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("--bogus"), "{e}");
        assert!(
            replica_config(&parse(&["--id", "1", "--listen", "127.0.0.1:7"]).unwrap()).is_none()
        );
    }
}
