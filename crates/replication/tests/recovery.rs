//! Recovery from real files: a torn log tail is cut off, a damaged newest checkpoint falls
//! back to the one before it, and a data directory of another ring is refused. Each test
//! drives a one-replica ring's Node directly, on FsDisk in a scratch directory.

use keel_replication::node::{Command, Effect, Identity, Node, NodeOptions, OpenError};
mod common;

use common::{CLUSTER, Journal, Scratch, disk};
use keel_replication::storage::{DirError, FsDisk};
use keel_replication::types::{Member, Membership};
use std::io::Write;
use std::path::{Path, PathBuf};

fn open(dir: &Path, cluster: u64, interval: u64) -> Result<Node<Journal, FsDisk>, OpenError> {
    let identity = Identity {
        id: 1,
        cluster,
        members: Membership::new(vec![Member::new(1, "127.0.0.1:1")]),
    };
    let options = NodeOptions {
        checkpoint_interval: interval,
        ..NodeOptions::default()
    };
    Node::open(identity, options, Journal::default(), disk(dir, 1), 0, 1)
}

/// Ticks the replica until it is primary (a one-replica ring elects itself).
fn lead(node: &mut Node<Journal, FsDisk>, now: &mut u64) {
    for _ in 0..1000 {
        if node.core().is_recovered_primary() {
            return;
        }
        *now = node.next_deadline().max(*now);
        node.tick(*now);
        node.flush().unwrap();
    }
    panic!("a one-replica ring did not elect itself");
}

fn submit(node: &mut Node<Journal, FsDisk>, now: u64, payload: &[u8]) {
    node.command(
        now,
        Command::Submit {
            token: 1,
            payload: payload.to_vec(),
        },
    );
    let effects = node.flush().unwrap();
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Reply { result: Ok(_), .. })),
        "submit was not committed: {effects:?}"
    );
}

#[test]
fn a_torn_log_tail_is_dropped_and_everything_acknowledged_survives() {
    let dir = Scratch::new("torn");
    let mut now = 0;
    {
        let mut node = open(&dir.0, CLUSTER, 1000).unwrap();
        lead(&mut node, &mut now);
        for i in 0..20u8 {
            submit(&mut node, now, &[i; 10]);
        }
    }
    // A crash mid-append: half a record at the end.
    let log = dir.0.join("log");
    let len = std::fs::metadata(&log).unwrap().len();
    std::fs::OpenOptions::new()
        .append(true)
        .open(&log)
        .unwrap()
        .write_all(&[200, 0, 0, 0, 1, 2, 3])
        .unwrap();

    let node = open(&dir.0, CLUSTER, 1000).unwrap();
    assert_eq!(
        node.recovered_tail(),
        Some((len, 7)),
        "the torn tail is reported"
    );
    let executed: Vec<Vec<u8>> = (0..20u8).map(|i| vec![i; 10]).collect();
    assert_eq!(
        node.state_machine().0,
        executed,
        "every acknowledged request is recovered"
    );
    drop(node);
    let node = open(&dir.0, CLUSTER, 1000).unwrap();
    assert_eq!(
        node.recovered_tail(),
        None,
        "the tail was cut off the file, once"
    );
    assert_eq!(node.state_machine().0, executed);
}

#[test]
fn a_corrupt_newest_checkpoint_falls_back_to_the_previous_one() {
    let dir = Scratch::new("ckpt");
    let mut now = 0;
    {
        let mut node = open(&dir.0, CLUSTER, 10).unwrap();
        lead(&mut node, &mut now);
        for i in 0..35u8 {
            submit(&mut node, now, &[i; 100]);
        }
    }
    let mut checkpoints: Vec<PathBuf> = std::fs::read_dir(&dir.0)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("checkpoint-")
        })
        .collect();
    checkpoints.sort();
    assert_eq!(
        checkpoints.len(),
        2,
        "the two newest checkpoints are kept: {checkpoints:?}"
    );
    let newest = checkpoints.last().unwrap();
    let mut bytes = std::fs::read(newest).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(newest, bytes).unwrap();

    let node = open(&dir.0, CLUSTER, 10).unwrap();
    let executed: Vec<Vec<u8>> = (0..35u8).map(|i| vec![i; 100]).collect();
    assert_eq!(
        node.state_machine().0,
        executed,
        "older checkpoint plus the log rebuild the state"
    );
}

#[test]
fn a_torn_checkpoint_is_refused_by_verify() {
    let dir = Scratch::new("verify");
    let mut now = 0;
    {
        let mut node = open(&dir.0, CLUSTER, 5).unwrap();
        lead(&mut node, &mut now);
        for i in 0..6u8 {
            submit(&mut node, now, &[i; 3]);
        }
    }
    let path = std::fs::read_dir(&dir.0)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("checkpoint-")
        })
        .expect("a checkpoint was written");
    let bytes = std::fs::read(&path).unwrap();
    assert!(keel_replication::checkpoint::verify(&bytes[..]).is_ok());
    let err = keel_replication::checkpoint::verify(&bytes[..bytes.len() - 3]).unwrap_err();
    assert!(err.to_string().contains("torn"), "{err}");
}

#[test]
fn another_rings_data_directory_is_refused() {
    let dir = Scratch::new("cluster");
    let mut now = 0;
    {
        let mut node = open(&dir.0, CLUSTER, 5).unwrap();
        lead(&mut node, &mut now);
        for i in 0..6u8 {
            submit(&mut node, now, &[i]);
        }
    }
    let err = open(&dir.0, CLUSTER + 1, 5).unwrap_err();
    assert!(
        matches!(err, OpenError::WrongCluster { found: CLUSTER, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("another ring"), "{err}");
    // Nothing was lost by the refusal.
    let node = open(&dir.0, CLUSTER, 5).unwrap();
    assert_eq!(node.state_machine().0.len(), 6);
}

#[test]
fn an_oversized_request_is_refused_and_nothing_changes() {
    let dir = Scratch::new("size");
    let mut now = 0;
    let mut node = open(&dir.0, CLUSTER, 1000).unwrap();
    lead(&mut node, &mut now);
    let limit = node.core().options().max_request_bytes;
    node.command(
        now,
        Command::Submit {
            token: 9,
            payload: vec![0; limit + 1],
        },
    );
    let effects = node.flush().unwrap();
    let refused = effects.iter().any(|e| {
        matches!(e, Effect::Reply { token: 9, result: Err(keel_replication::Error::TooLarge { size, limit: l }) } if *size == limit + 1 && *l == limit)
    });
    assert!(refused, "{effects:?}");
    assert!(node.state_machine().0.is_empty());
    submit(&mut node, now, b"fine");
    assert_eq!(node.state_machine().0, vec![b"fine".to_vec()]);
}

/// Hole 5: a directory must be initialized once. One that never was, or whose contents are
/// gone (a disk that failed to mount, or was wiped), is refused rather than started as a new
/// voter that has forgotten its promises; so is another replica's.
#[test]
fn a_directory_never_initialized_wiped_or_of_another_replica_is_refused() {
    let dir = Scratch::new("identity");
    let err = FsDisk::open(&dir.0, CLUSTER, 1).unwrap_err();
    assert!(matches!(err, DirError::NotInitialized { .. }), "{err}");
    assert!(err.to_string().contains("--init"), "{err}");
    assert!(!dir.0.exists(), "a refused open created the directory");

    let mut now = 0;
    {
        let mut node = open(&dir.0, CLUSTER, 1000).unwrap();
        lead(&mut node, &mut now);
        submit(&mut node, now, b"promised");
    }
    let err = FsDisk::init(&dir.0, CLUSTER, 1).unwrap_err();
    assert!(matches!(err, DirError::AlreadyInitialized { .. }), "{err}");
    let err = FsDisk::open(&dir.0, CLUSTER, 2).unwrap_err();
    assert!(matches!(err, DirError::WrongReplica { .. }), "{err}");
    let err = FsDisk::open(&dir.0, CLUSTER + 1, 1).unwrap_err();
    assert!(matches!(err, DirError::WrongReplica { .. }), "{err}");
    let id = FsDisk::open(&dir.0, CLUSTER, 1).unwrap().id();
    assert_eq!((id.cluster, id.id), (CLUSTER, 1));

    // The disk is wiped (or not mounted): the directory is there but empty.
    std::fs::remove_dir_all(&dir.0).unwrap();
    std::fs::create_dir_all(&dir.0).unwrap();
    let err = FsDisk::open(&dir.0, CLUSTER, 1).unwrap_err();
    assert!(matches!(err, DirError::NotInitialized { .. }), "{err}");
}

/// A directory written before `replica.id` existed holds a log: it is adopted, not refused.
#[test]
fn a_directory_from_before_replica_ids_is_adopted() {
    let dir = Scratch::new("adopt");
    let mut now = 0;
    {
        let mut node = open(&dir.0, CLUSTER, 1000).unwrap();
        lead(&mut node, &mut now);
        submit(&mut node, now, b"kept");
    }
    std::fs::remove_file(dir.0.join("replica.id")).unwrap();
    let node = open(&dir.0, CLUSTER, 1000).unwrap();
    assert_eq!(node.state_machine().0, vec![b"kept".to_vec()]);
    assert!(dir.0.join("replica.id").exists());
}
