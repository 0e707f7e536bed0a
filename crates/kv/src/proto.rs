//! The client protocol: framed (keel-replication's frame: length, crc32, postcard payload)
//! requests and responses over TCP, matched by id so one connection carries many at once.

use keel_replication::{SessionSeq, frame};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncRead;

/// Largest frame either side accepts: a request at the replication limit plus framing.
pub const MAX_FRAME: usize = (1 << 20) + 4096;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub id: u64,
    pub op: Op,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    /// `session`: the client's exactly-once session place (see keel-replication's
    /// `session`): a retry with the same one executes at most once.
    Put {
        #[serde(with = "keel_replication::types::bytes")]
        key: Vec<u8>,
        #[serde(with = "keel_replication::types::bytes")]
        value: Vec<u8>,
        session: Option<SessionSeq>,
    },
    Delete {
        key: Vec<u8>,
        session: Option<SessionSeq>,
    },
    /// Opens an exactly-once session (through the log).
    RegisterSession,
    /// `linearizable`: on the primary, reflecting every earlier write. Otherwise a fast read
    /// on the replica asked, once it has executed `min_seq`.
    Get {
        key: Vec<u8>,
        linearizable: bool,
        min_seq: u64,
    },
    WhoIsPrimary,
    Status,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    pub id: u64,
    pub result: Result<Reply, KvError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reply {
    /// A write committed at `seq`.
    Done {
        seq: u64,
    },
    Value {
        value: Option<Vec<u8>>,
        seq: u64,
    },
    /// `primary`: the replica id this one believes is primary; `me`: whether it is this one.
    Primary {
        primary: Option<u64>,
        me: bool,
    },
    Status(ServerStatus),
    Session {
        id: u64,
    },
}

/// What a server reports about itself: the operator's view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerStatus {
    pub id: u64,
    pub role: String,
    pub primary: Option<u64>,
    pub executed: u64,
    pub members: Vec<u64>,
    pub ready_ms: u64,
    pub queue_depth: u64,
    pub threads: u64,
    pub keys: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum KvError {
    #[error("not the primary (the primary is probably replica {hint:?})")]
    NotPrimary { hint: Option<u64> },
    #[error(
        "the primary changed before the write was known committed; it may or may not have taken effect"
    )]
    Uncertain { hint: Option<u64> },
    #[error("request too large: {0}")]
    TooLarge(String),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("replica unavailable: {0}")]
    Unavailable(String),
    /// The client's session is gone (expired, or evicted): what it sent may or may not have
    /// taken effect, and it must register a new one.
    #[error("{0}")]
    SessionGone(String),
}

/// Reads one frame's payload into `buf`; `Ok(false)` at a clean end of stream.
pub async fn read_frame<R: AsyncRead + Unpin>(
    input: &mut R,
    buf: &mut Vec<u8>,
) -> Result<bool, frame::ReadError> {
    frame::read(input, buf, MAX_FRAME).await
}

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    frame::put_value(&mut out, value);
    out
}
