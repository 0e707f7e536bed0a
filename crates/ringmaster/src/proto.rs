//! The wire protocol, version 1: frames (keel-replication's framing: length, crc32, postcard
//! payload) over TCP. A client opens with [`Hello`]; the server answers [`Welcome`] or an
//! error and closes. Then [`Request`]s, each answered by a [`Response`] with the same id,
//! in any order; watch notifications arrive as responses with id 0.

use keel_replication::SessionSeq;
use serde::{Deserialize, Serialize};

/// 3: requests carry their session's password (`Request::password`), and a connection
/// acts only for sessions it opened or showed the password of. (2: writes may carry an
/// exactly-once place, `Request::once`, and `OpenOnce` opens one.)
pub const VERSION: u32 = 3;
/// The largest frame a server accepts (the data limit plus room for the path and framing).
pub const MAX_FRAME: usize = (1 << 20) + 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    pub magic: [u8; 4],
    pub version: u32,
}

pub const MAGIC: [u8; 4] = *b"RMv1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Welcome {
    pub version: u32,
    pub server: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub id: u64,
    pub session: u64,
    /// Reads wait until the server has applied at least this (the client's last seen
    /// sequence number): session consistency.
    pub min_seq: u64,
    pub op: Op,
    /// A write's place in the client's exactly-once session (keel-replication's
    /// `session`): a retry with the same place executes at most once.
    pub once: Option<SessionSeq>,
    /// `session`'s password: a connection acts for a session only once it has shown it
    /// (or opened the session itself).
    pub password: Option<Password>,
}

/// A session's password: chosen by the client that opens it, kept in the replicated tree.
pub type Password = [u8; 16];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    pub id: u64,
    /// The server's applied sequence number when it answered.
    pub seq: u64,
    pub result: Result<Reply, Error>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CreateMode {
    Persistent,
    Ephemeral,
    PersistentSequential,
    EphemeralSequential,
    /// Deleted by the primary once it has had children and has none left.
    Container,
    /// Deleted by the primary once it has no children and has not changed for `ttl_ms`.
    PersistentWithTtl {
        ttl_ms: u64,
    },
    PersistentSequentialWithTtl {
        ttl_ms: u64,
    },
}

impl CreateMode {
    pub fn ephemeral(self) -> bool {
        matches!(
            self,
            CreateMode::Ephemeral | CreateMode::EphemeralSequential
        )
    }
    pub fn sequential(self) -> bool {
        matches!(
            self,
            CreateMode::PersistentSequential
                | CreateMode::EphemeralSequential
                | CreateMode::PersistentSequentialWithTtl { .. }
        )
    }

    /// What the primary reaps it by, if anything.
    pub fn kind(self) -> Option<crate::tree::NodeKind> {
        match self {
            CreateMode::Container => Some(crate::tree::NodeKind::Container),
            CreateMode::PersistentWithTtl { ttl_ms }
            | CreateMode::PersistentSequentialWithTtl { ttl_ms } => {
                Some(crate::tree::NodeKind::Ttl { ttl_ms })
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum WatchKind {
    /// Data changes, creation and deletion of the node.
    Data,
    /// Children added or removed, and deletion of the node.
    Children,
    /// Creation, data changes and deletion of the node and of every node below it
    /// (ZooKeeper's persistent recursive watch; always persistent).
    Recursive,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Watch {
    pub kind: WatchKind,
    /// Fires on every event until the session ends (otherwise once).
    pub persistent: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    Create {
        path: String,
        #[serde(with = "keel_replication::types::bytes")]
        data: Vec<u8>,
        mode: CreateMode,
        make_parents: bool,
        ok_if_exists: bool,
    },
    /// `version`: only if the node is at this version. `cascade`: with all descendants.
    Delete {
        path: String,
        version: Option<u32>,
        cascade: bool,
    },
    SetData {
        path: String,
        #[serde(with = "keel_replication::types::bytes")]
        data: Vec<u8>,
        version: Option<u32>,
    },
    Exists {
        path: String,
        watch: Option<Watch>,
    },
    GetData {
        path: String,
        watch: Option<Watch>,
    },
    /// Children in name order, after `after`, at most `limit` (0: all).
    GetChildren {
        path: String,
        watch: Option<Watch>,
        after: Option<String>,
        limit: u32,
    },
    GetSubtree {
        path: String,
    },
    /// Waits until this server has applied everything committed before the call.
    Sync,
    /// Atomic: all or nothing.
    Multi(Vec<Op>),
    /// In order until the first failure.
    Batch(Vec<Op>),
    OpenSession {
        timeout_ms: u64,
    },
    /// Opens the client's exactly-once session (not a ZooKeeper session: it keeps no
    /// ephemerals and no watches, only the answers to writes the client may retry).
    OpenOnce,
    Heartbeat,
    /// 0: the caller's own session.
    CloseSession {
        id: u64,
    },
    /// Operator's view of the server.
    Status,
    /// Fails unless `path` is at `version` (ZooKeeper's check, for multi). A write: it is
    /// ordered with the others. (Last, so the encoding of the others is unchanged.)
    Check {
        path: String,
        version: u32,
    },
    /// `op` on behalf of a caller holding `ids` (ZooKeeper's authentication): checked
    /// against the ACLs of the nodes it touches, as ZooKeeper checks them; a create gives
    /// the node it makes `acl` (`auth` entries expanded to the caller's ids).
    Guarded {
        ids: Vec<Id>,
        acl: Vec<Acl>,
        op: Box<Op>,
    },
    /// Replaces a node's ACL; `version`: only if its ACL is at this version.
    SetAcl {
        path: String,
        acl: Vec<Acl>,
        version: Option<u32>,
    },
    GetAcl {
        path: String,
    },
    /// Opens a session only connections that show `password` may act for.
    OpenSessionWith {
        timeout_ms: u64,
        password: Password,
    },
}

/// An identity: `world:anyone`, `digest:user:BASE64(SHA1(user:password))`, `ip:ADDR`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Id {
    pub scheme: String,
    pub id: String,
}

/// One ACL entry: the permissions (`acl::READ` ...) it grants to `id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acl {
    pub perms: u32,
    pub id: Id,
}

impl Op {
    pub fn is_write(&self) -> bool {
        matches!(
            self,
            Op::Create { .. }
                | Op::Delete { .. }
                | Op::SetData { .. }
                | Op::Multi(_)
                | Op::Batch(_)
                | Op::OpenSession { .. }
                | Op::OpenOnce
                | Op::CloseSession { .. }
                | Op::Check { .. }
                | Op::SetAcl { .. }
                | Op::OpenSessionWith { .. }
        ) || matches!(self, Op::Guarded { op, .. } if op.is_write())
    }

    pub fn name(&self) -> &'static str {
        match self {
            Op::Create { .. } => "create",
            Op::Delete { .. } => "delete",
            Op::SetData { .. } => "set_data",
            Op::Exists { .. } => "exists",
            Op::GetData { .. } => "get_data",
            Op::GetChildren { .. } => "get_children",
            Op::GetSubtree { .. } => "get_subtree",
            Op::Sync => "sync",
            Op::Multi(_) => "multi",
            Op::Batch(_) => "batch",
            Op::OpenSession { .. } => "open_session",
            Op::OpenOnce => "open_once",
            Op::Heartbeat => "heartbeat",
            Op::CloseSession { .. } => "close_session",
            Op::Status => "status",
            Op::Check { .. } => "check",
            Op::Guarded { op, .. } => op.name(),
            Op::SetAcl { .. } => "set_acl",
            Op::GetAcl { .. } => "get_acl",
            Op::OpenSessionWith { .. } => "open_session",
        }
    }

    /// The watch a read asks for, with its path.
    pub fn watch(&self) -> Option<(&str, Watch)> {
        match self {
            Op::Guarded { op, .. } => op.watch(),
            Op::Exists {
                path,
                watch: Some(w),
            }
            | Op::GetData {
                path,
                watch: Some(w),
            } => Some((path, *w)),
            Op::GetChildren {
                path,
                watch: Some(w),
                ..
            } => Some((path, *w)),
            _ => None,
        }
    }
}

/// A node's metadata, as ZooKeeper keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Stat {
    /// Transaction that created it, last modified its data, last changed its children.
    pub czxid: u64,
    pub mzxid: u64,
    pub pzxid: u64,
    /// Milliseconds since the epoch, as stamped by the primary.
    pub ctime: u64,
    pub mtime: u64,
    pub version: u32,
    pub cversion: u32,
    pub data_length: u32,
    pub num_children: u32,
    /// The owning session of an ephemeral node; 0 otherwise.
    pub ephemeral_owner: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reply {
    Done,
    Created {
        path: String,
        stat: Stat,
    },
    Stat(Stat),
    Exists(Option<Stat>),
    Data {
        #[serde(with = "keel_replication::types::bytes")]
        data: Vec<u8>,
        stat: Stat,
    },
    Children {
        names: Vec<String>,
        more: bool,
        stat: Stat,
    },
    Subtree(Vec<(String, Vec<u8>)>),
    Synced {
        zxid: u64,
    },
    Multi(Vec<Reply>),
    Batch(Vec<Result<Reply, Error>>),
    Session {
        id: u64,
        timeout_ms: u64,
    },
    /// The exactly-once session `OpenOnce` opened.
    Once {
        id: u64,
    },
    Status(ServerStatus),
    /// A watch fired (sent with request id 0).
    Event(Event),
    /// A node's ACL, the ACL's version, and the node's stat.
    Acl {
        acl: Vec<Acl>,
        version: u32,
        stat: Stat,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerStatus {
    pub id: u64,
    pub primary: bool,
    pub primary_hint: Option<u64>,
    pub seq: u64,
    pub nodes: u64,
    pub sessions: u64,
    pub ready_ms: u64,
    pub threads: u64,
    pub queue_depth: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    Created,
    Deleted,
    DataChanged,
    ChildrenChanged,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub kind: EventKind,
    pub path: String,
    pub zxid: u64,
}

/// Error codes: each cause its own, stable on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[repr(u16)]
pub enum Code {
    NoNode = 101,
    NodeExists = 102,
    BadVersion = 103,
    NotEmpty = 104,
    InvalidPath = 105,
    DataTooLarge = 106,
    NoChildrenForEphemerals = 107,
    SessionExpired = 108,
    BadArguments = 109,
    UnknownOperation = 110,
    MalformedFrame = 111,
    UnsupportedVersion = 112,
    NotPrimary = 113,
    Unavailable = 114,
    Timeout = 115,
    /// The client's exactly-once session is gone (expired or evicted): the write may or may
    /// not have taken effect; open a new one.
    OnceGone = 116,
    /// The caller's ids are not granted the permission the operation needs, or the
    /// connection has not shown the password of the session it names.
    NoAuth = 117,
    /// An ACL that cannot be set (unknown scheme, malformed id, `auth` without ids).
    InvalidAcl = 118,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message} (code {} {code:?})", *code as u16)]
pub struct Error {
    pub code: Code,
    pub message: String,
}

impl Error {
    pub fn new(code: Code, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
        }
    }
}
