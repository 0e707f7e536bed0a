//! The vocabulary shared by the protocol core, the log, the wire and the drivers.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A replica's identity in the ring. Unique for the ring's lifetime; never reused.
pub type NodeId = u64;
/// A position in the replicated log ("decree number" in RSL's terms). Slot 0 is the empty
/// state before any decree; the first decree is slot 1.
pub type Slot = u64;

/// A Paxos ballot: a round number, made unique by the proposer's id.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Ballot {
    pub round: u64,
    pub node: NodeId,
}

impl Ballot {
    /// The ballot reported for a value known to be chosen: it outranks every real ballot, so
    /// a new primary always keeps it.
    pub const CHOSEN: Ballot = Ballot {
        round: u64::MAX,
        node: u64::MAX,
    };
}

impl fmt::Display for Ballot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.round, self.node)
    }
}

/// One member of the ring: its id and the address its peers and clients reach it at.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Member {
    pub id: NodeId,
    pub addr: String,
}

impl Member {
    pub fn new(id: NodeId, addr: impl Into<String>) -> Member {
        Member {
            id,
            addr: addr.into(),
        }
    }
}

/// Who is in the ring. Changed only by a decree, so every replica sees the same sequence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub members: Vec<Member>,
}

impl Membership {
    pub fn new(mut members: Vec<Member>) -> Membership {
        members.sort();
        members.dedup_by_key(|m| m.id);
        Membership { members }
    }

    pub fn contains(&self, id: NodeId) -> bool {
        self.members.iter().any(|m| m.id == id)
    }

    pub fn ids(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.members.iter().map(|m| m.id)
    }

    pub fn get(&self, id: NodeId) -> Option<&Member> {
        self.members.iter().find(|m| m.id == id)
    }

    /// Whether `ids` holds a majority of the members.
    pub fn is_quorum<'a>(&self, ids: impl IntoIterator<Item = &'a NodeId>) -> bool {
        let n = ids.into_iter().filter(|id| self.contains(**id)).count();
        n * 2 > self.members.len()
    }
}

/// Identifies one submitted request for the ring's lifetime: the replica it was submitted
/// to, that replica's incarnation (a fresh random number each time it starts) and a
/// counter. A request is executed at most once per position, and appears at most once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RequestId {
    pub origin: NodeId,
    pub incarnation: u64,
    pub seq: u64,
}

/// A request as it travels in a decree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub id: RequestId,
    #[serde(with = "bytes")]
    pub payload: Vec<u8>,
}

/// `#[serde(with = "keel_replication::types::bytes")]` for a `Vec<u8>`: encoded as one byte
/// string rather than a sequence of numbers, so a megabyte costs a copy, not a million calls.
pub mod bytes {
    use serde::{Deserializer, Serializer, de};

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        struct Bytes;
        impl<'de> de::Visitor<'de> for Bytes {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a byte string")
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(v)
            }
        }
        d.deserialize_byte_buf(Bytes)
    }
}

/// What one slot of the log decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Value {
    /// Fills a gap a new primary found, and marks the start of its reign.
    Noop,
    /// Many requests, executed in order.
    Batch(Vec<Request>),
    /// The member set from the next slot on.
    Reconfigure(Membership),
}

impl Value {
    pub fn size(&self) -> usize {
        match self {
            Value::Noop => 0,
            Value::Batch(rs) => rs.iter().map(|r| r.payload.len() + 32).sum(),
            Value::Reconfigure(m) => m.members.iter().map(|m| m.addr.len() + 16).sum(),
        }
    }
}

/// A slot's entry as the core reports it in a promise: the ballot it was accepted in
/// ([`Ballot::CHOSEN`] when known chosen) and the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accepted {
    pub slot: Slot,
    pub ballot: Ballot,
    pub value: Value,
}

/// Messages between replicas. The core speaks these; the drivers carry them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Message {
    /// Phase 1a: "promise me `ballot`, and tell me what you accepted from `from` on".
    Prepare { ballot: Ballot, from: Slot },
    /// Phase 1b. `log_start` is the first slot the sender still has (older ones are in its
    /// checkpoint); `executed` the last slot it executed.
    Promise {
        ballot: Ballot,
        accepted: Vec<Accepted>,
        log_start: Slot,
        executed: Slot,
    },
    /// Phase 2a, with the primary's commit point piggybacked.
    Accept {
        ballot: Ballot,
        slot: Slot,
        value: Value,
        commit: Slot,
    },
    /// Phase 2b.
    Accepted { ballot: Ballot, slot: Slot },
    /// "I promised a higher ballot than yours."
    Reject { promised: Ballot },
    /// The primary's liveness and commit point; `round` numbers the heartbeat so a
    /// linearizable read can wait for a majority to confirm the primary is still primary.
    Heartbeat {
        ballot: Ballot,
        commit: Slot,
        round: u64,
    },
    HeartbeatAck {
        ballot: Ballot,
        round: u64,
        executed: Slot,
    },
    /// Catch-up: "send me the chosen values from `from` on".
    Fetch { from: Slot },
    /// Chosen values, in slot order. `log_start` tells a replica that asked for older slots
    /// that it needs a checkpoint instead.
    Learn {
        values: Vec<(Slot, Value)>,
        log_start: Slot,
        commit: Slot,
    },
    /// State transfer, handled by the node around the core: "send me checkpoint `seq` (0:
    /// your newest) from byte `offset`", one chunk per request.
    CheckpointRequest { seq: Slot, offset: u64 },
    CheckpointChunk {
        seq: Slot,
        offset: u64,
        total: u64,
        #[serde(with = "bytes")]
        data: Vec<u8>,
    },
}

/// A record in the durable log. The core emits them; the node writes them in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Record {
    /// Promised `ballot` (never accept anything lower).
    Promise(Ballot),
    /// Accepted `value` for `slot` in `ballot` (implies a promise of `ballot`).
    Accept {
        slot: Slot,
        ballot: Ballot,
        value: Value,
    },
    /// `value` is known chosen for `slot` (learned in catch-up).
    Chosen { slot: Slot, value: Value },
    /// Every slot up to here is chosen, and the logged value is the chosen one.
    Commit(Slot),
}

impl Record {
    /// Must this record be on disk before the outputs that follow it leave the replica?
    /// Promises and acceptances must (Paxos's safety rests on them); knowledge of what was
    /// chosen can always be learned again.
    pub fn needs_sync(&self) -> bool {
        matches!(self, Record::Promise(_) | Record::Accept { .. })
    }
}
