//! Exactly-once client sessions, as the Raft thesis (§6.3) describes: a client registers a
//! session through the log; each of its requests carries the session, its own sequence
//! number, and the lowest sequence it still awaits. The replicated table below keeps, per
//! session, the answers to requests the client may still retry, so a retry of an executed
//! request gets the original answer without executing again. Sessions expire by replicated
//! time (the primaries' clocks as stamped on requests, never going backwards); the table is
//! bounded and is part of every checkpoint.

use crate::node::Error;
use crate::types::Slot;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Read, Write};

/// A request's place in a client session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSeq {
    pub session: u64,
    /// The client's number for this request: a retry reuses it.
    pub seq: u64,
    /// The lowest sequence the client still awaits an answer for: answers below it are
    /// forgotten, and a request below it is refused.
    pub awaiting: u64,
}

/// Who submitted a request, as the log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Client {
    /// No session: executed each time it is chosen (a retry may execute twice).
    Plain,
    /// Opens a session; the answer is its id.
    Register,
    Request(SessionSeq),
}

/// What the log carries for each request: the application's bytes, who sent them, and the
/// submitting primary's clock (milliseconds), which drives session expiry.
/// The body is borrowed: executing a request does not copy it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope<'a> {
    pub time_ms: u64,
    pub client: Client,
    #[serde(borrow)]
    pub body: &'a [u8],
}

impl<'a> Envelope<'a> {
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_stdvec(self).expect("encoding into memory cannot fail")
    }

    pub fn decode(bytes: &'a [u8]) -> Option<Envelope<'a>> {
        postcard::from_bytes(bytes).ok()
    }
}

/// Limits of the table (see [`NodeOptions`](crate::NodeOptions)). They decide expiry and
/// eviction, so every replica of a ring must run with the same limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Replicated time without a request after which a session is forgotten.
    pub timeout_ms: u64,
    /// Sessions kept at most; registering one more forgets the longest idle.
    pub max_sessions: usize,
    /// Answers kept per session at most (requests in flight at once); beyond it the oldest
    /// is forgotten, and a retry of it is refused as stale.
    pub max_replies: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            timeout_ms: 60 * 60 * 1000,
            max_sessions: 100_000,
            max_replies: 1024,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Session {
    active_ms: u64,
    floor: u64,
    replies: BTreeMap<u64, (Slot, Vec<u8>)>,
}

/// The replicated session table. Every replica applies the same requests to it in the same
/// order, so every replica holds the same table.
#[derive(Debug, Clone, Default)]
pub struct Sessions {
    limits: Limits,
    next: u64,
    now_ms: u64,
    table: BTreeMap<u64, Session>,
    /// (last active, id): the expiry and eviction order.
    idle: BTreeSet<(u64, u64)>,
}

/// What to do with a request in a session.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Execute,
    /// Executed before: this is its answer.
    Replay(Slot, Vec<u8>),
    Refuse(Error),
}

#[derive(Serialize, Deserialize)]
struct Saved {
    next: u64,
    now_ms: u64,
    table: Vec<(u64, Session)>,
}

/// Marks a checkpoint body that starts with the session table; bodies written before
/// sessions existed start with the application's state.
const MAGIC: &[u8; 8] = b"KSESSv1\0";

impl Sessions {
    pub fn new(limits: Limits) -> Sessions {
        Sessions {
            limits,
            next: 1,
            ..Sessions::default()
        }
    }

    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// Replicated time moves to `time_ms` (never back); sessions idle past the timeout go.
    pub fn advance(&mut self, time_ms: u64) {
        self.now_ms = self.now_ms.max(time_ms);
        while let Some(&(active, id)) = self.idle.first() {
            if active.saturating_add(self.limits.timeout_ms) >= self.now_ms {
                break;
            }
            self.idle.pop_first();
            self.table.remove(&id);
        }
    }

    /// Opens a session; returns its id.
    pub fn register(&mut self) -> u64 {
        while self.table.len() >= self.limits.max_sessions.max(1) {
            let Some((_, id)) = self.idle.pop_first() else {
                break;
            };
            self.table.remove(&id);
        }
        let id = self.next;
        self.next += 1;
        self.table.insert(
            id,
            Session {
                active_ms: self.now_ms,
                ..Session::default()
            },
        );
        self.idle.insert((self.now_ms, id));
        id
    }

    /// Decides a request of a session, and notes the session active.
    pub fn check(&mut self, s: SessionSeq) -> Verdict {
        let now = self.now_ms;
        let Some(session) = self.table.get_mut(&s.session) else {
            return Verdict::Refuse(Error::SessionExpired { session: s.session });
        };
        self.idle.remove(&(session.active_ms, s.session));
        session.active_ms = now;
        self.idle.insert((now, s.session));
        if s.awaiting > session.floor {
            session.floor = s.awaiting;
            while session
                .replies
                .first_key_value()
                .is_some_and(|(seq, _)| *seq < s.awaiting)
            {
                session.replies.pop_first();
            }
        }
        if let Some((slot, response)) = session.replies.get(&s.seq) {
            return Verdict::Replay(*slot, response.clone());
        }
        if s.seq < session.floor {
            return Verdict::Refuse(Error::SessionStale {
                session: s.session,
                seq: s.seq,
                floor: session.floor,
            });
        }
        Verdict::Execute
    }

    /// Keeps the answer to a request just executed.
    pub fn record(&mut self, s: SessionSeq, slot: Slot, response: Vec<u8>) {
        let max = self.limits.max_replies.max(1);
        if let Some(session) = self.table.get_mut(&s.session) {
            session.replies.insert(s.seq, (slot, response));
            while session.replies.len() > max {
                if let Some((oldest, _)) = session.replies.pop_first() {
                    session.floor = session.floor.max(oldest + 1);
                }
            }
        }
    }

    /// Writes the table at the start of a checkpoint body.
    pub fn save(&self, out: &mut dyn Write) -> io::Result<()> {
        let saved = Saved {
            next: self.next,
            now_ms: self.now_ms,
            table: self.table.iter().map(|(k, v)| (*k, v.clone())).collect(),
        };
        let bytes = postcard::to_stdvec(&saved).map_err(io::Error::other)?;
        out.write_all(MAGIC)?;
        out.write_all(&(bytes.len() as u64).to_le_bytes())?;
        out.write_all(&bytes)
    }

    /// Reads the table from the start of a checkpoint body, and returns the application's
    /// state after it. A body from before sessions existed holds no table: it is all state.
    pub fn load<'a>(&mut self, body: &'a mut dyn Read) -> io::Result<Box<dyn Read + 'a>> {
        let mut magic = [0u8; 8];
        let mut got = 0;
        while got < magic.len() {
            let n = body.read(&mut magic[got..])?;
            if n == 0 {
                break;
            }
            got += n;
        }
        self.table.clear();
        self.idle.clear();
        if got < magic.len() || &magic != MAGIC {
            (self.next, self.now_ms) = (1, 0);
            let head = io::Cursor::new(magic[..got].to_vec());
            return Ok(Box::new(head.chain(body)));
        }
        let mut len = [0u8; 8];
        body.read_exact(&mut len)?;
        let mut bytes = vec![0u8; u64::from_le_bytes(len) as usize];
        body.read_exact(&mut bytes)?;
        let saved: Saved = postcard::from_bytes(&bytes).map_err(|e| {
            io::Error::new(io::ErrorKind::InvalidData, format!("session table: {e}"))
        })?;
        self.next = saved.next;
        self.now_ms = saved.now_ms;
        for (id, session) in saved.table {
            self.idle.insert((session.active_ms, id));
            self.table.insert(id, session);
        }
        Ok(Box::new(body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seq(session: u64, seq: u64, awaiting: u64) -> SessionSeq {
        SessionSeq {
            session,
            seq,
            awaiting,
        }
    }

    #[test]
    fn a_retry_replays_the_answer_and_old_or_unknown_requests_are_refused() {
        let mut t = Sessions::new(Limits::default());
        let s = t.register();
        assert_eq!(t.check(seq(s, 1, 1)), Verdict::Execute);
        t.record(seq(s, 1, 1), 7, b"one".to_vec());
        assert_eq!(t.check(seq(s, 1, 1)), Verdict::Replay(7, b"one".to_vec()));
        // The client has its answer to 1: it is forgotten, and a late copy refused.
        assert_eq!(t.check(seq(s, 2, 2)), Verdict::Execute);
        assert!(matches!(
            t.check(seq(s, 1, 2)),
            Verdict::Refuse(Error::SessionStale { .. })
        ));
        assert!(matches!(
            t.check(seq(s + 1, 1, 1)),
            Verdict::Refuse(Error::SessionExpired { .. })
        ));
    }

    #[test]
    fn sessions_expire_by_replicated_time_and_the_table_is_bounded() {
        let limits = Limits {
            timeout_ms: 1000,
            max_sessions: 2,
            max_replies: 2,
        };
        let mut t = Sessions::new(limits);
        t.advance(10);
        let (a, b) = (t.register(), t.register());
        t.advance(500);
        assert_eq!(t.check(seq(a, 1, 1)), Verdict::Execute);
        t.advance(1200); // b idle since 10: gone; a active at 500: kept
        assert!(matches!(t.check(seq(b, 1, 1)), Verdict::Refuse(_)));
        assert_eq!(t.check(seq(a, 2, 1)), Verdict::Execute);
        let c = t.register();
        let d = t.register(); // full: the longest idle (c, at 1200 like a; lower id first)
        assert_eq!(t.len(), 2);
        assert!(t.table.contains_key(&d));
        let _ = c;
        // Replies per session are bounded too.
        for n in 1..=3 {
            t.record(seq(d, n, 1), n, vec![n as u8]);
        }
        assert!(matches!(
            t.check(seq(d, 1, 1)),
            Verdict::Refuse(Error::SessionStale { .. })
        ));
    }

    #[test]
    fn the_table_survives_a_checkpoint_and_old_bodies_load_as_state() {
        let mut t = Sessions::new(Limits::default());
        let s = t.register();
        t.record(seq(s, 1, 1), 3, b"r".to_vec());
        let mut body = Vec::new();
        t.save(&mut body).unwrap();
        body.extend_from_slice(b"app state");
        let mut loaded = Sessions::new(Limits::default());
        let mut rest = String::new();
        let mut input: &[u8] = &body;
        loaded
            .load(&mut input)
            .unwrap()
            .read_to_string(&mut rest)
            .unwrap();
        assert_eq!(rest, "app state");
        assert_eq!(
            loaded.check(seq(s, 1, 1)),
            Verdict::Replay(3, b"r".to_vec())
        );
        let mut legacy: &[u8] = b"old app state";
        let mut rest = String::new();
        loaded
            .load(&mut legacy)
            .unwrap()
            .read_to_string(&mut rest)
            .unwrap();
        assert_eq!(rest, "old app state");
        assert!(loaded.is_empty());
    }
}
