//! Exactly-once client sessions on a one-replica ring's Node over real files: a retry of an
//! executed request returns its first answer and does not execute again, across a restart
//! from the log and from a checkpoint; an expired session is refused.

mod common;

use common::Scratch;
use keel_replication::node::{Command, Effect, Identity, Node, NodeOptions, StateMachine};
use keel_replication::session::Limits;
use keel_replication::storage::{DirError, FsDisk};
use keel_replication::types::{Member, Membership};
use keel_replication::{Committed, Error, SessionSeq};
use std::io::{self, Read, Write};
use std::path::Path;

/// Counts executions; answers with the count.
#[derive(Debug, Default)]
struct Counter(u64);

impl StateMachine for Counter {
    fn execute(&mut self, _: &[u8]) -> Vec<u8> {
        self.0 += 1;
        self.0.to_le_bytes().to_vec()
    }
    fn save(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(&self.0.to_le_bytes())
    }
    fn load(&mut self, input: &mut dyn Read) -> io::Result<()> {
        let mut b = [0u8; 8];
        input.read_exact(&mut b)?;
        self.0 = u64::from_le_bytes(b);
        Ok(())
    }
}

/// A one-replica ring, elected, its clock at `wall_ms`.
fn node(dir: &Path, wall_ms: u64) -> Node<Counter, FsDisk> {
    let disk = match FsDisk::open(dir, 9, 1) {
        Ok(disk) => disk,
        Err(DirError::NotInitialized { .. }) => FsDisk::init(dir, 9, 1).unwrap(),
        Err(e) => panic!("{e}"),
    };
    let identity = Identity {
        id: 1,
        cluster: 9,
        members: Membership::new(vec![Member::new(1, "127.0.0.1:1")]),
    };
    let options = NodeOptions {
        sessions: Limits {
            timeout_ms: 10_000,
            ..Limits::default()
        },
        ..NodeOptions::default()
    };
    let mut node = Node::open(identity, options, Counter::default(), disk, 0, 1).unwrap();
    let mut now = 0;
    while !node.core().is_recovered_primary() {
        now = node.next_deadline().max(now);
        node.tick(now);
        node.flush().unwrap();
    }
    node.set_wall_clock(wall_ms);
    node
}

/// Runs one command; returns its reply.
fn reply(node: &mut Node<Counter, FsDisk>, command: Command) -> Result<Committed, Error> {
    node.command(1, command);
    let effects = node.flush().unwrap();
    effects
        .into_iter()
        .find_map(|e| match e {
            Effect::Reply { result, .. } => Some(result),
            _ => None,
        })
        .expect("a one-replica ring answers at once")
}

fn in_session(session: u64, seq: u64) -> Command {
    Command::SubmitInSession {
        token: seq,
        payload: b"increment".to_vec(),
        session: SessionSeq {
            session,
            seq,
            awaiting: seq,
        },
    }
}

fn register(node: &mut Node<Counter, FsDisk>) -> u64 {
    let id = reply(node, Command::RegisterSession { token: 0 })
        .unwrap()
        .response;
    u64::from_le_bytes(id.try_into().unwrap())
}

#[test]
fn a_retried_request_executes_once_across_restarts_and_checkpoints() {
    let dir = Scratch::new("once");
    let (session, first) = {
        let mut n = node(&dir.0, 1_000);
        let session = register(&mut n);
        let first = reply(&mut n, in_session(session, 1)).unwrap();
        let again = reply(&mut n, in_session(session, 1)).unwrap();
        assert_eq!(again, first, "the retry gets the first answer");
        assert_eq!(n.state_machine().0, 1, "and did not execute again");
        (session, first)
    };
    // Recovered from the log alone.
    {
        let mut n = node(&dir.0, 2_000);
        assert_eq!(n.state_machine().0, 1);
        assert_eq!(reply(&mut n, in_session(session, 1)).unwrap(), first);
        assert_eq!(n.state_machine().0, 1);
        reply(&mut n, in_session(session, 2)).unwrap();
        n.write_checkpoint().unwrap();
    }
    // Recovered from the checkpoint: the table came with it.
    let mut n = node(&dir.0, 3_000);
    assert_eq!(n.state_machine().0, 2);
    let second = reply(&mut n, in_session(session, 2)).unwrap();
    assert_eq!(second.response, 2u64.to_le_bytes());
    assert_eq!(
        n.state_machine().0,
        2,
        "a retry after the checkpoint did not execute"
    );
    // The client has its answer to 2: a late copy of 1 is refused, not executed.
    let stale = reply(&mut n, in_session(session, 1));
    assert!(
        matches!(stale, Err(Error::SessionStale { .. })),
        "{stale:?}"
    );
    assert_eq!(n.state_machine().0, 2);
}

#[test]
fn an_expired_or_unknown_session_is_refused_and_nothing_executes() {
    let dir = Scratch::new("expired");
    let mut n = node(&dir.0, 1_000);
    let session = register(&mut n);
    reply(&mut n, in_session(session, 1)).unwrap();
    // Replicated time passes the timeout: the next request (of any client) carries it.
    n.set_wall_clock(20_000);
    reply(
        &mut n,
        Command::Submit {
            token: 9,
            payload: b"other".to_vec(),
        },
    )
    .unwrap();
    let expired = reply(&mut n, in_session(session, 2));
    assert!(
        matches!(expired, Err(Error::SessionExpired { .. })),
        "{expired:?}"
    );
    let unknown = reply(&mut n, in_session(session + 100, 1));
    assert!(
        matches!(unknown, Err(Error::SessionExpired { .. })),
        "{unknown:?}"
    );
    assert_eq!(
        n.state_machine().0,
        2,
        "only the two accepted requests executed"
    );
    assert!(
        expired
            .unwrap_err()
            .to_string()
            .contains("register a new one")
    );
}

/// A log of format 1 (requests bare, before sessions) still opens: its requests execute as
/// they did, and the log is rewritten in the current format.
#[test]
fn a_log_from_before_sessions_opens_and_is_upgraded() {
    use keel_replication::frame;
    use keel_replication::types::{Ballot, Record, Request, RequestId, Value};
    let dir = Scratch::new("format1");
    drop(node(&dir.0, 0)); // initialized, then replaced by a format-1 log:
    let ballot = Ballot { round: 1, node: 1 };
    let request = Request {
        id: RequestId {
            origin: 1,
            incarnation: 1,
            seq: 0,
        },
        payload: b"bare".to_vec(),
    };
    let mut log = Vec::new();
    for record in [
        Record::Promise(ballot),
        Record::Accept {
            slot: 1,
            ballot,
            value: Value::Batch(vec![request]),
        },
        Record::Commit(1),
    ] {
        frame::put_value(&mut log, &record);
    }
    std::fs::write(dir.0.join("log"), &log).unwrap();
    let n = node(&dir.0, 0);
    assert_eq!(n.state_machine().0, 1, "the bare request executed");
    let rewritten = std::fs::read(dir.0.join("log")).unwrap();
    let (first, _) = frame::take(&rewritten, 1 << 20).unwrap();
    let header = format!("keel-log {}", keel_replication::node::LOG_FORMAT);
    assert!(
        first.starts_with(header.as_bytes()),
        "{:?}",
        String::from_utf8_lossy(first)
    );
}
