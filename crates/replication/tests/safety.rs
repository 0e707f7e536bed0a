//! The safety holes a review found, each driven deterministically at the level where it is
//! clearest: the core through its public inputs, or a node on real files (FsDisk).

use keel_replication::checkpoint::{self, Header};
use keel_replication::core::{Core, Durable, Input, Output};
use keel_replication::node::{Identity, Node, NodeOptions, OpenError, StateMachine};
mod common;

use common::{CLUSTER, Journal, Scratch, disk};
use keel_replication::storage::FsDisk;
use keel_replication::types::{
    Ballot, Member, Membership, Message, NodeId, Request, RequestId, Slot, Value,
};
use keel_replication::{Options, frame};
use std::path::Path;

fn three() -> Membership {
    Membership::new(
        (1..=3)
            .map(|id| Member::new(id, format!("sim-{id}")))
            .collect(),
    )
}

fn request(origin: NodeId, seq: u64, payload: &[u8]) -> Request {
    Request {
        id: RequestId {
            origin,
            incarnation: 1,
            seq,
        },
        payload: payload.to_vec(),
    }
}

/// Replica 1 of a three-member ring, elected with replica 2's promise.
fn primary() -> (Core, Ballot) {
    let mut core = Core::restore(1, Options::default(), 0, three(), Durable::default(), 0, 7);
    let mut ballot = None;
    for _ in 0..100 {
        let now = core.next_deadline();
        core.step(now, Input::Tick);
        ballot = core.take_outputs().into_iter().find_map(|o| match o {
            Output::Send {
                message: Message::Prepare { ballot, .. },
                ..
            } => Some(ballot),
            _ => None,
        });
        if ballot.is_some() {
            break;
        }
    }
    let ballot = ballot.expect("replica 1 campaigns");
    let promise = Message::Promise {
        ballot,
        accepted: Vec::new(),
        log_start: 1,
        executed: 0,
    };
    core.step(core.next_deadline().min(1), message(2, promise));
    assert!(core.is_primary(), "a promise from 2 makes 1 primary");
    core.take_outputs();
    (core, ballot)
}

fn message(from: NodeId, message: Message) -> Input {
    Input::Message { from, message }
}

fn executed(outputs: &[Output]) -> Vec<(Slot, Value)> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Execute { slot, value } => Some((*slot, value.clone())),
            _ => None,
        })
        .collect()
}

fn contains(value: &Value, id: RequestId) -> bool {
    matches!(value, Value::Batch(rs) if rs.iter().any(|r| r.id == id))
}

/// Hole 1: a slot learned as chosen keeps its value. A fresh batch proposed there used to
/// inherit the "chosen" flag and execute without any quorum having accepted it.
#[test]
fn a_fresh_batch_never_inherits_a_learned_slots_chosen_flag() {
    let (mut core, ballot) = primary();
    let v = Value::Batch(vec![request(3, 1, b"V")]);
    let learn = Message::Learn {
        values: vec![(3, v.clone())],
        log_start: 1,
        commit: 3,
    };
    core.step(10, message(3, learn));
    let (r1, r2) = (request(1, 1, b"R1"), request(1, 2, b"R2"));
    let r2_id = r2.id;
    core.step(11, Input::Submit(r1));
    core.step(12, Input::Submit(r2));
    for slot in [1, 2] {
        core.step(13, message(2, Message::Accepted { ballot, slot }));
    }
    let outputs = core.take_outputs();
    let done = executed(&outputs);
    for (slot, value) in &done {
        assert!(
            !contains(value, r2_id),
            "R2 executed at slot {slot}, accepted by no quorum: {done:?}"
        );
    }
    if let Some((_, value)) = done.iter().find(|(s, _)| *s == 3) {
        assert_eq!(value, &v, "slot 3 executes the value chosen there");
    }
}

/// Hole 2: a primary that learns another value for a slot where its own batch is in flight
/// answers that batch's submitters (it cannot be chosen there any more); it used to drop
/// them, and they waited forever.
#[test]
fn a_batch_overtaken_by_a_learned_value_is_answered() {
    let (mut core, ballot) = primary();
    let r1 = request(1, 1, b"R1");
    let id = r1.id;
    core.step(10, Input::Submit(r1));
    let learn = Message::Learn {
        values: vec![
            (1, Value::Noop),
            (2, Value::Batch(vec![request(3, 1, b"V")])),
        ],
        log_start: 1,
        commit: 2,
    };
    core.step(11, message(3, learn));
    // Losing the role aborts whatever is still in flight: R1 must be answered by then.
    let higher = Ballot {
        round: ballot.round + 5,
        node: 3,
    };
    core.step(12, message(3, Message::Reject { promised: higher }));
    let outputs = core.take_outputs();
    let answered = outputs.iter().any(|o| match o {
        Output::Aborted { ids, .. } => ids.contains(&id),
        Output::Execute { value, .. } => contains(value, id),
        _ => false,
    });
    assert!(answered, "R1 got no outcome: {outputs:?}");
}

// ---- on real files ------------------------------------------------------------------------

fn open(dir: &Path, id: NodeId, members: Membership) -> Result<Node<Journal, FsDisk>, OpenError> {
    let identity = Identity {
        id,
        cluster: CLUSTER,
        members,
    };
    Node::open(
        identity,
        NodeOptions::default(),
        Journal::default(),
        disk(dir, id),
        0,
        1,
    )
}

fn one() -> Membership {
    Membership::new(vec![Member::new(1, "sim-1")])
}

/// A one-replica ring that has committed `n` requests, closed.
fn committed_log(dir: &Path, n: u8) {
    let mut node = open(dir, 1, one()).unwrap();
    let mut now = 0;
    while !node.core().is_recovered_primary() {
        now = node.next_deadline().max(now);
        node.tick(now);
        node.flush().unwrap();
    }
    for i in 0..n {
        node.command(
            now,
            keel_replication::node::Command::Submit {
                token: u64::from(i),
                payload: vec![i; 100],
            },
        );
        node.flush().unwrap();
    }
    assert_eq!(node.state_machine().0.len(), usize::from(n));
}

/// Hole 3: a replica that installed a peer's checkpoint, then finds it damaged at restart,
/// must not execute the unchosen accepts its log held below it.
#[test]
fn falling_back_from_a_damaged_installed_checkpoint_executes_no_stale_accept() {
    let dir = Scratch::new("installed");
    {
        let mut node = open(&dir.0, 1, three()).unwrap();
        // An accept from replica 2's reign that was never chosen.
        let ballot = Ballot { round: 1, node: 2 };
        let stale = Value::Batch(vec![request(2, 1, b"stale")]);
        let accept = Message::Accept {
            ballot,
            slot: 1,
            value: stale,
            commit: 0,
        };
        node.message(1, 2, accept);
        node.flush().unwrap();
        // Then replica 2's checkpoint at slot 5, whose state holds five other requests.
        let state = Journal((0..5).map(|i| vec![b'a' + i]).collect());
        let header = Header {
            cluster: CLUSTER,
            seq: 5,
            membership: three(),
        };
        let mut data = Vec::new();
        checkpoint::write(&mut data, &header, &mut |w| state.save(w)).unwrap();
        let chunk = Message::CheckpointChunk {
            seq: 5,
            offset: 0,
            total: data.len() as u64,
            data,
        };
        node.message(2, 2, chunk);
        node.flush().unwrap();
        assert_eq!(node.core().executed(), 5, "the checkpoint was installed");
    }
    let file = dir.0.join(format!("checkpoint-{:020}", 5));
    let mut bytes = std::fs::read(&file).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x5a;
    std::fs::write(&file, bytes).unwrap();

    let node = open(&dir.0, 1, three()).unwrap();
    let journal = &node.state_machine().0;
    assert!(
        !journal.iter().any(|r| r == b"stale"),
        "an accept never chosen was executed: {journal:?}"
    );
}

/// Hole 4: one flipped byte in the middle of the log is damage, not a torn tail. The
/// replica refuses to start, naming where, and the log is left as it was.
#[test]
fn a_flipped_byte_mid_log_refuses_to_start_and_keeps_the_log() {
    let dir = Scratch::new("midlog");
    committed_log(&dir.0, 20);
    let log = dir.0.join("log");
    let mut bytes = std::fs::read(&log).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::write(&log, &bytes).unwrap();

    let err = open(&dir.0, 1, one()).unwrap_err().to_string();
    assert!(err.contains("damaged") && err.contains("offset"), "{err}");
    assert_eq!(std::fs::read(&log).unwrap(), bytes, "the log was changed");
}

/// Hole 4: a frame whose checksum holds but whose record does not decode is not a torn
/// tail either.
#[test]
fn an_undecodable_record_refuses_to_start() {
    let dir = Scratch::new("undecodable");
    committed_log(&dir.0, 3);
    let log = dir.0.join("log");
    let mut bytes = std::fs::read(&log).unwrap();
    frame::put(&mut bytes, &[0xff; 12]);
    std::fs::write(&log, &bytes).unwrap();

    let err = open(&dir.0, 1, one()).unwrap_err().to_string();
    assert!(err.contains("does not decode"), "{err}");
    assert_eq!(std::fs::read(&log).unwrap(), bytes, "the log was changed");
}

/// Hole 4: a log written by a newer format is refused, naming both versions.
#[test]
fn a_log_of_a_newer_format_refuses_to_start_naming_both_versions() {
    let dir = Scratch::new("newer");
    committed_log(&dir.0, 3);
    let log = dir.0.join("log");
    let bytes = std::fs::read(&log).unwrap();
    let (first, rest) = frame::take(&bytes, 1 << 20).unwrap();
    let current = format!("keel-log {}", keel_replication::node::LOG_FORMAT);
    let newer = String::from_utf8_lossy(first).replace(&current, "keel-log 99");
    let mut changed = Vec::new();
    frame::put(&mut changed, newer.as_bytes());
    changed.extend_from_slice(rest);
    std::fs::write(&log, &changed).unwrap();

    let err = open(&dir.0, 1, one()).unwrap_err().to_string();
    assert!(
        err.contains("99")
            && err.contains(&format!("format {}", keel_replication::node::LOG_FORMAT)),
        "{err}"
    );
    assert_eq!(std::fs::read(&log).unwrap(), changed, "the log was changed");
}

fn learn(node: &mut Node<Journal, FsDisk>, slot: Slot, value: Value) {
    let learn = Message::Learn {
        values: vec![(slot, value)],
        log_start: 1,
        commit: slot,
    };
    node.message(1, 2, learn);
    node.flush().unwrap();
}

fn corrupt(file: &Path) {
    let mut bytes = std::fs::read(file).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x5a;
    std::fs::write(file, bytes).unwrap();
}

/// Found by keel-sim: a chosen record is not synced, so a crash can tear it off while the
/// checkpoint that covers its slot survives. The stale accept left below the checkpoint
/// must not be vouched for by a later commit point, or falling back from that checkpoint
/// executes it.
#[test]
fn an_accept_whose_chosen_record_was_lost_is_not_vouched_for_later() {
    let dir = Scratch::new("unvouched");
    let log = dir.0.join("log");
    let synced_len;
    {
        let mut node = open(&dir.0, 1, three()).unwrap();
        let accept = Message::Accept {
            ballot: Ballot { round: 1, node: 2 },
            slot: 1,
            value: Value::Batch(vec![request(2, 1, b"stale")]),
            commit: 0,
        };
        node.message(1, 2, accept);
        node.flush().unwrap();
        synced_len = std::fs::metadata(&log).unwrap().len();
        learn(&mut node, 1, Value::Batch(vec![request(3, 1, b"V")]));
        node.write_checkpoint().unwrap();
    }
    // The crash tears off what was appended after the last sync: the chosen record.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&log)
        .unwrap()
        .set_len(synced_len)
        .unwrap();
    {
        let mut node = open(&dir.0, 1, three()).unwrap();
        assert_eq!(node.core().executed(), 1, "recovered from the checkpoint");
        learn(&mut node, 2, Value::Batch(vec![request(3, 2, b"W")]));
        assert_eq!(node.core().executed(), 2);
    }
    corrupt(&dir.0.join(format!("checkpoint-{:020}", 1)));
    let node = open(&dir.0, 1, three()).unwrap();
    let journal = &node.state_machine().0;
    assert!(
        !journal.iter().any(|r| r == b"stale"),
        "an accept never chosen was executed: {journal:?}"
    );
}

fn lead_and_submit(node: &mut Node<Journal, FsDisk>, now: &mut u64, payloads: &[&[u8]]) {
    while !node.core().is_recovered_primary() {
        *now = node.next_deadline().max(*now);
        node.tick(*now);
        node.flush().unwrap();
    }
    for (i, p) in payloads.iter().enumerate() {
        node.command(
            *now,
            keel_replication::node::Command::Submit {
                token: i as u64,
                payload: p.to_vec(),
            },
        );
        node.flush().unwrap();
    }
}

/// Found by keel-sim: a replica restarted from its newest checkpoint rewrites its log from
/// there at the next trim. If that checkpoint, and the one before, are later damaged, the
/// log no longer holds the acceptances below its start: the replica has forgotten votes.
/// It must say so (its log starts where its knowledge does) and not lead until a peer's
/// checkpoint fills the gap; it used to lead, fill the gap with no-ops, and execute the
/// rest on an empty state.
#[test]
fn a_replica_that_forgot_acceptances_does_not_lead_or_claim_them() {
    let dir = Scratch::new("forgot");
    let mut now = 0;
    {
        let mut node = open(&dir.0, 1, one()).unwrap();
        lead_and_submit(&mut node, &mut now, &[b"a", b"b"]);
        node.write_checkpoint().unwrap();
        lead_and_submit(&mut node, &mut now, &[b"c", b"d"]);
        node.write_checkpoint().unwrap();
    }
    let newest;
    {
        // Restarted from the newest checkpoint: the next trim rewrites the log from it.
        let mut node = open(&dir.0, 1, one()).unwrap();
        lead_and_submit(&mut node, &mut now, &[b"e", b"f"]);
        node.write_checkpoint().unwrap();
        newest = node.core().executed();
    }
    for entry in std::fs::read_dir(&dir.0).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("checkpoint-")
        {
            corrupt(&path);
        }
    }
    let mut node = open(&dir.0, 1, one()).unwrap();
    let status = node.core().status();
    assert_eq!(status.executed, 0, "every checkpoint is damaged");
    assert!(
        status.log_start > 1,
        "it claims a log from slot 1 it does not have: {status:?}"
    );
    for _ in 0..50 {
        now = node.next_deadline().max(now + 1);
        node.tick(now);
        node.flush().unwrap();
    }
    assert!(!node.core().is_primary(), "it led with forgotten votes");
    assert!(
        node.state_machine().0.is_empty(),
        "it executed on an empty state: {:?}",
        node.state_machine().0
    );
    assert!(newest > 0);
}

/// Found by the simulator once replicas could be retired: a replica that missed a membership
/// change ignores prepares from the new members it does not know, and if the ring needs its
/// promise, it never gets a primary. A stranger's prepare makes it ask for what was chosen,
/// from the stranger and from a peer it knows.
#[test]
fn a_prepare_from_a_member_not_yet_known_makes_the_replica_catch_up() {
    let mut core = Core::restore(2, Options::default(), 0, three(), Durable::default(), 0, 7);
    let stranger = Ballot { round: 9, node: 5 };
    core.step(
        1,
        message(
            5,
            Message::Prepare {
                ballot: stranger,
                from: 1,
            },
        ),
    );
    let fetches: Vec<NodeId> = core
        .take_outputs()
        .into_iter()
        .filter_map(|o| match o {
            Output::Send {
                to,
                message: Message::Fetch { from: 1 },
            } => Some(to),
            Output::Send { message, .. } => panic!("a stranger is not answered: {message:?}"),
            _ => None,
        })
        .collect();
    assert!(fetches.contains(&5), "asks the stranger: {fetches:?}");
    assert!(
        fetches.iter().any(|to| [1, 3].contains(to)),
        "asks a known peer: {fetches:?}"
    );
    assert_eq!(
        core.status().ballot,
        Ballot::default(),
        "promises nothing to a stranger"
    );
}

/// Found by the simulator: a replica behind its peers' checkpoints campaigned whenever its
/// timer fired, could never win for want of the checkpointed slots, and each campaign
/// raised the ballot over the replicas that could lead, so the ring went without a primary.
/// Told by a promise that it is behind, it steps down and holds back for a few election
/// timeouts (time to fetch the checkpoint), then may try again.
#[test]
fn a_candidate_behind_a_peers_checkpoint_holds_back_its_next_campaign() {
    let opts = Options::default();
    let timeout = opts.election_timeout.as_micros() as u64;
    let mut core = Core::restore(1, opts, 0, three(), Durable::default(), 0, 7);
    let campaign = |core: &mut Core, until: u64| -> Option<(u64, Ballot)> {
        while core.next_deadline() < until {
            let now = core.next_deadline();
            core.step(now, Input::Tick);
            let prepare = core.take_outputs().into_iter().find_map(|o| match o {
                Output::Send {
                    message: Message::Prepare { ballot, .. },
                    ..
                } => Some(ballot),
                _ => None,
            });
            if let Some(b) = prepare {
                return Some((now, b));
            }
        }
        None
    };
    let (at, ballot) = campaign(&mut core, u64::MAX).expect("replica 1 campaigns");
    let behind = Message::Promise {
        ballot,
        accepted: Vec::new(),
        log_start: 50,
        executed: 49,
    };
    core.step(at + 1, message(2, behind));
    let fetched = core.take_outputs().into_iter().any(|o| {
        matches!(
            o,
            Output::Send {
                to: 2,
                message: Message::Fetch { from: 1 }
            }
        )
    });
    assert!(fetched, "asks the peer for what it lacks");
    assert!(!core.is_primary());
    assert_eq!(
        campaign(&mut core, at + 4 * timeout),
        None,
        "no campaign while it fetches"
    );
    assert!(
        campaign(&mut core, at + 8 * timeout).is_some(),
        "then it may try again, in case nobody else leads"
    );
}
