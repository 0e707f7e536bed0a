//! Persistence behind one trait, [`Store`], with two backends: [`Memory`] (one process, for
//! tests and development) and [`Replicated`] on keel-replication (the tree is the state
//! machine; its checkpoints are the tree serialized). The server is generic over it.

use crate::proto::{Code, Error, Event, Op, Reply};
use crate::tree::{Limits, Tree, Txn};
use keel_replication::replica::StartError;
use keel_replication::session::{Sessions, Verdict};
use keel_replication::{Replica, ReplicaConfig, RoleName, SessionSeq, StateMachine};
use serde::{Deserialize, Serialize};
use std::io::{self, Read, Write};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::sync::mpsc::UnboundedSender;

/// What a store tells the server's watch table, in the order the tree changed: the events of
/// an applied write, or a watch to register exactly between the writes before a read and
/// those after it (so it neither fires for an earlier write nor misses a later one).
pub enum Notice {
    Applied(Vec<Event>),
    Then(Box<dyn FnOnce() + Send>),
}

impl std::fmt::Debug for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Notice::Applied(e) => f.debug_tuple("Applied").field(e).finish(),
            Notice::Then(_) => f.write_str("Then(..)"),
        }
    }
}

/// Where a store sends its notices (the server's watch table).
pub type Events = UnboundedSender<Notice>;

/// Run in order with the notices, right after a read: registers that read's watch.
pub type AfterRead = Box<dyn FnOnce() + Send>;

/// What the server needs of persistence. Two backends: [`Memory`] and [`Replicated`].
pub trait Store: Send + Sync + 'static {
    /// Applies a write; returns its reply and the sequence number that reflects it. With
    /// `once`, at most once however often it is retried with the same place. The write is
    /// submitted when this is called, not when the future is first polled: writes made in
    /// order apply in that order (a session's pipelined requests rely on it).
    fn write(
        &self,
        session: u64,
        op: Op,
        once: Option<SessionSeq>,
    ) -> impl Future<Output = Result<(Reply, u64), Error>> + Send;
    /// Opens an exactly-once session for a client (submitted when called, as `write`).
    fn open_once(&self) -> impl Future<Output = Result<u64, Error>> + Send;
    /// Answers a read once this server has applied `min_seq` (session consistency); `Sync`
    /// first waits for everything committed before it.
    /// `then` is queued behind the events of every write the read saw (see [`Notice`]).
    fn read(
        &self,
        min_seq: u64,
        op: Op,
        then: Option<AfterRead>,
    ) -> impl Future<Output = Result<(Reply, u64), Error>> + Send;
    /// Runs `f` on the tree as this server has it.
    fn inspect<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Tree) -> R + Send + 'static,
    ) -> impl Future<Output = Result<R, Error>> + Send;
    /// Whether writes can be accepted here.
    fn is_primary(&self) -> bool;
    fn primary_hint(&self) -> Option<u64>;
    /// The sequence number this server has applied.
    fn seq(&self) -> u64;
    /// Time from start to ready (ms) and events waiting for the replica: for the metrics.
    fn health(&self) -> (u64, u64);
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

fn txn(session: u64, op: Op) -> Txn {
    Txn {
        session,
        time_ms: now_ms(),
        op,
    }
}

/// The tree in this process only: one server, nothing survives it. For tests and development.
#[derive(Debug)]
pub struct Memory {
    /// The tree, and the exactly-once table (the replicated store's, kept here in
    /// memory): a client retries a write after a timeout, and it must not run twice.
    state: Mutex<(Tree, Sessions)>,
    events: Events,
}

impl Memory {
    pub fn new(limits: Limits, events: Events) -> Memory {
        let sessions = Sessions::new(keel_replication::session::Limits::default());
        Memory {
            state: Mutex::new((Tree::with_limits(limits), sessions)),
            events,
        }
    }

    /// A write, applied now.
    fn apply(&self, session: u64, op: Op, once: Option<SessionSeq>) -> Result<(Reply, u64), Error> {
        let mut state = self.state.lock().expect("not poisoned");
        let (tree, sessions) = &mut *state;
        if let Some(place) = once {
            sessions.advance(now_ms());
            match sessions.check(place) {
                Verdict::Execute => {}
                Verdict::Replay(zxid, answer) => {
                    let result: Result<Reply, Error> = postcard::from_bytes(&answer)
                        .map_err(|e| Error::new(Code::Unavailable, e.to_string()))?;
                    return result.map(|r| (r, zxid));
                }
                Verdict::Refuse(e) => return Err(Error::new(Code::OnceGone, e.to_string())),
            }
        }
        let result = tree.apply(&txn(session, op));
        if let Some(place) = once {
            let answer = postcard::to_stdvec(&result).unwrap_or_default();
            sessions.record(place, tree.zxid, answer);
        }
        if !tree.events.is_empty() {
            let _ = self
                .events
                .send(Notice::Applied(std::mem::take(&mut tree.events)));
        }
        result.map(|r| (r, tree.zxid))
    }
}

impl Store for Memory {
    fn write(
        &self,
        session: u64,
        op: Op,
        once: Option<SessionSeq>,
    ) -> impl Future<Output = Result<(Reply, u64), Error>> + Send {
        std::future::ready(self.apply(session, op, once))
    }

    async fn read(
        &self,
        _min_seq: u64,
        op: Op,
        then: Option<AfterRead>,
    ) -> Result<(Reply, u64), Error> {
        let state = self.state.lock().expect("not poisoned");
        let tree = &state.0;
        if let Some(then) = then {
            let _ = self.events.send(Notice::Then(then));
        }
        tree.read(&op).map(|r| (r, tree.zxid))
    }

    async fn inspect<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Tree) -> R + Send + 'static,
    ) -> Result<R, Error> {
        Ok(f(&self.state.lock().expect("not poisoned").0))
    }

    async fn open_once(&self) -> Result<u64, Error> {
        let mut state = self.state.lock().expect("not poisoned");
        state.1.advance(now_ms());
        Ok(state.1.register())
    }

    fn is_primary(&self) -> bool {
        true
    }

    fn primary_hint(&self) -> Option<u64> {
        None
    }

    fn seq(&self) -> u64 {
        self.state.lock().expect("not poisoned").0.zxid
    }

    fn health(&self) -> (u64, u64) {
        (0, 0)
    }
}

/// The tree as the state machine of a keel-replication replica: every write goes through
/// the primary's log; checkpoints are the tree, streamed.
#[derive(Debug)]
pub struct Replicated(Replica<TreeSm>);

/// How long a write waits for its commit before the client is told to retry.
const WRITE_DEADLINE: std::time::Duration = std::time::Duration::from_secs(10);

fn unavailable(e: keel_replication::Error) -> Error {
    match e {
        e @ (keel_replication::Error::SessionExpired { .. }
        | keel_replication::Error::SessionStale { .. }) => {
            Error::new(Code::OnceGone, e.to_string())
        }
        keel_replication::Error::NotPrimary { hint } => Error::new(
            Code::NotPrimary,
            format!(
                "not the primary; the primary is probably server {:?}",
                hint.map(|m| m.id)
            ),
        ),
        e @ keel_replication::Error::TooLarge { .. } => {
            Error::new(Code::DataTooLarge, e.to_string())
        }
        other => Error::new(Code::Unavailable, other.to_string()),
    }
}

impl Replicated {
    /// Starts the replica this store runs on.
    pub fn start(
        mut config: ReplicaConfig,
        limits: Limits,
        events: Events,
    ) -> Result<Replicated, StartError> {
        // A transaction carrying the largest data the tree allows must fit in one request.
        let needed = limits.max_data + limits.max_path + 4096;
        let max = &mut config.options.protocol.max_request_bytes;
        *max = (*max).max(needed);
        let sm = TreeSm {
            tree: Tree::with_limits(limits),
            events: Some(events),
        };
        Ok(Replicated(Replica::start(config, sm)?))
    }
}

impl Store for Replicated {
    fn write(
        &self,
        session: u64,
        op: Op,
        once: Option<SessionSeq>,
    ) -> impl Future<Output = Result<(Reply, u64), Error>> + Send {
        type Submitted<'a> = std::pin::Pin<
            Box<
                dyn Future<Output = Result<keel_replication::Committed, keel_replication::Error>>
                    + Send
                    + 'a,
            >,
        >;
        let submitted: Result<Submitted<'_>, Error> = postcard::to_stdvec(&txn(session, op))
            .map_err(|e| Error::new(Code::BadArguments, e.to_string()))
            .map(|request| match once {
                Some(place) => Box::pin(self.0.submit_in_session(request, place, WRITE_DEADLINE))
                    as Submitted<'_>,
                None => Box::pin(self.0.submit_within(request, WRITE_DEADLINE)),
            });
        async move {
            let committed = submitted?.await.map_err(unavailable)?;
            let result: Result<Reply, Error> = postcard::from_bytes(&committed.response)
                .map_err(|e| Error::new(Code::Unavailable, format!("undecodable result: {e}")))?;
            result.map(|reply| (reply, committed.slot))
        }
    }

    async fn read(
        &self,
        min_seq: u64,
        op: Op,
        then: Option<AfterRead>,
    ) -> Result<(Reply, u64), Error> {
        let sync = matches!(op, Op::Sync);
        // On the replica's thread, between executions: the notice lands in order.
        let read = move |sm: &TreeSm| {
            if let (Some(then), Some(events)) = (then, &sm.events) {
                let _ = events.send(Notice::Then(then));
            }
            sm.tree.read(&op)
        };
        let (result, seq) = if sync {
            self.0.read_linearizable(read).await
        } else {
            self.0.read(min_seq, read).await
        }
        .map_err(unavailable)?;
        result.map(|reply| (reply, seq))
    }

    async fn inspect<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Tree) -> R + Send + 'static,
    ) -> Result<R, Error> {
        self.0
            .read(0, move |sm: &TreeSm| f(&sm.tree))
            .await
            .map(|(v, _)| v)
            .map_err(unavailable)
    }

    fn open_once(&self) -> impl Future<Output = Result<u64, Error>> + Send {
        let registered = self.0.register_session(WRITE_DEADLINE);
        async move { registered.await.map_err(unavailable) }
    }

    fn is_primary(&self) -> bool {
        self.0.status().role == RoleName::Primary
    }

    fn primary_hint(&self) -> Option<u64> {
        self.0.status().primary
    }

    fn seq(&self) -> u64 {
        self.0.status().executed
    }

    fn health(&self) -> (u64, u64) {
        let h = self.0.health();
        (h.ready_after.as_millis() as u64, h.queue_depth as u64)
    }
}

/// The tree as keel-replication's state machine.
#[derive(Debug)]
pub struct TreeSm {
    pub tree: Tree,
    events: Option<Events>,
}

/// What a checkpoint holds after its nodes, when there is any.
#[derive(Serialize, Deserialize)]
struct Extras {
    acls: Vec<(String, crate::tree::NodeAcl)>,
    kinds: Vec<(String, crate::tree::NodeKind)>,
    passwords: Vec<(u64, crate::proto::Password)>,
}

#[derive(Serialize, Deserialize)]
struct CheckpointHead {
    zxid: u64,
    next_session: u64,
    sessions: Vec<(u64, crate::tree::Session)>,
    nodes: u64,
}

impl TreeSm {
    /// The state machine over `tree`, with no one listening for its events (tools that
    /// write checkpoints use this).
    pub fn new(tree: Tree) -> TreeSm {
        TreeSm { tree, events: None }
    }
}

impl StateMachine for TreeSm {
    fn execute(&mut self, request: &[u8]) -> Vec<u8> {
        let result = match postcard::from_bytes::<Txn>(request) {
            Ok(txn) => self.tree.apply(&txn),
            Err(e) => Err(Error::new(
                Code::BadArguments,
                format!("undecodable transaction: {e}"),
            )),
        };
        if !self.tree.events.is_empty() {
            let events = std::mem::take(&mut self.tree.events);
            if let Some(tx) = &self.events {
                let _ = tx.send(Notice::Applied(events));
            }
        }
        postcard::to_stdvec(&result).unwrap_or_default()
    }

    /// The head (counters, sessions), then each node as a length-prefixed record, so a
    /// million nodes stream without one giant buffer.
    fn save(&self, out: &mut dyn Write) -> io::Result<()> {
        let t = &self.tree;
        let head = CheckpointHead {
            zxid: t.zxid,
            next_session: t.next_session,
            sessions: t.sessions.iter().map(|(k, v)| (*k, v.clone())).collect(),
            nodes: t.nodes.len() as u64,
        };
        write_record(out, &postcard::to_stdvec(&head).map_err(io::Error::other)?)?;
        let mut buf = Vec::new();
        for (path, node) in &t.nodes {
            buf.clear();
            buf = postcard::to_extend(&(path, node), buf).map_err(io::Error::other)?;
            write_record(out, &buf)?;
        }
        // Then the ACLs and node kinds, in one last record (a checkpoint from before them
        // ends above).
        if !t.acls.is_empty() || !t.kinds.is_empty() || !t.passwords.is_empty() {
            let extras = Extras {
                acls: t.acls.iter().map(|(p, a)| (p.clone(), a.clone())).collect(),
                kinds: t.kinds.iter().map(|(p, k)| (p.clone(), *k)).collect(),
                passwords: t.passwords.iter().map(|(s, p)| (*s, *p)).collect(),
            };
            write_record(
                out,
                &postcard::to_stdvec(&extras).map_err(io::Error::other)?,
            )?;
        }
        Ok(())
    }

    fn load(&mut self, input: &mut dyn Read) -> io::Result<()> {
        let head: CheckpointHead =
            postcard::from_bytes(&read_record(input)?).map_err(io::Error::other)?;
        let mut tree = Tree::with_limits(self.tree.limits);
        tree.zxid = head.zxid;
        tree.next_session = head.next_session;
        tree.sessions = head.sessions.into_iter().collect();
        tree.nodes.clear();
        for _ in 0..head.nodes {
            let (path, node): (String, crate::tree::Node) =
                postcard::from_bytes(&read_record(input)?).map_err(io::Error::other)?;
            tree.nodes.insert(path, node);
        }
        if let Some(record) = read_optional_record(input)? {
            let extras: Extras = postcard::from_bytes(&record).map_err(io::Error::other)?;
            tree.acls = extras.acls.into_iter().collect();
            tree.kinds = extras.kinds.into_iter().collect();
            tree.passwords = extras.passwords.into_iter().collect();
        }
        self.tree = tree;
        Ok(())
    }
}

fn write_record(out: &mut dyn Write, bytes: &[u8]) -> io::Result<()> {
    out.write_all(&(bytes.len() as u32).to_le_bytes())?;
    out.write_all(bytes)
}

/// A record, or None at the clean end of the input.
fn read_optional_record(input: &mut dyn Read) -> io::Result<Option<Vec<u8>>> {
    let mut first = [0u8; 1];
    loop {
        match input.read(&mut first) {
            Ok(0) => return Ok(None),
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    let mut rest = [0u8; 3];
    input.read_exact(&mut rest)?;
    let len = u32::from_le_bytes([first[0], rest[0], rest[1], rest[2]]) as usize;
    let mut bytes = vec![0u8; len];
    input.read_exact(&mut bytes)?;
    Ok(Some(bytes))
}

fn read_record(input: &mut dyn Read) -> io::Result<Vec<u8>> {
    let mut len = [0u8; 4];
    input.read_exact(&mut len)?;
    let mut bytes = vec![0u8; u32::from_le_bytes(len) as usize];
    input.read_exact(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::{Acl, CreateMode, Id};
    use crate::tree::Txn;

    fn create(path: &str) -> Op {
        Op::Create {
            path: path.into(),
            data: b"x".to_vec(),
            mode: CreateMode::Persistent,
            make_parents: false,
            ok_if_exists: false,
        }
    }

    #[test]
    fn acls_and_node_kinds_survive_a_checkpoint_and_one_from_before_them_loads() {
        let mut sm = TreeSm::new(Tree::default());
        for path in ["/open", "/closed"] {
            sm.tree
                .apply(&Txn {
                    session: 0,
                    time_ms: 1,
                    op: create(path),
                })
                .unwrap();
        }
        let bob = Acl {
            perms: crate::acl::READ,
            id: Id {
                scheme: "digest".into(),
                id: crate::acl::digest_id("bob:pw"),
            },
        };
        let set = Op::SetAcl {
            path: "/closed".into(),
            acl: vec![bob.clone()],
            version: None,
        };
        sm.tree
            .apply(&Txn {
                session: 0,
                time_ms: 2,
                op: set,
            })
            .unwrap();
        let ttl = Op::Create {
            path: "/ttl".into(),
            data: Vec::new(),
            mode: CreateMode::PersistentWithTtl { ttl_ms: 5 },
            make_parents: false,
            ok_if_exists: false,
        };
        sm.tree
            .apply(&Txn {
                session: 0,
                time_ms: 3,
                op: ttl,
            })
            .unwrap();
        assert_eq!(sm.tree.due(8), vec![]);
        assert_eq!(sm.tree.due(9), vec![("/ttl".to_owned(), 0)]);
        let mut bytes = Vec::new();
        sm.save(&mut bytes).unwrap();
        let mut back = TreeSm::new(Tree::default());
        back.load(&mut bytes.as_slice()).unwrap();
        assert_eq!(back.tree.kinds, sm.tree.kinds);
        assert_eq!(back.tree.acl_of("/closed"), (vec![bob], 1));
        assert_eq!(back.tree.acl_of("/open"), (crate::acl::open(), 0));
        assert_eq!(back.tree.nodes.len(), sm.tree.nodes.len());
        // A checkpoint written before ACLs existed: the same records without the last one.
        let mut old = TreeSm::new(Tree::default());
        old.tree.nodes = sm.tree.nodes.clone();
        let mut old_bytes = Vec::new();
        old.save(&mut old_bytes).unwrap();
        let mut loaded = TreeSm::new(Tree::default());
        loaded.load(&mut old_bytes.as_slice()).unwrap();
        assert!(loaded.tree.acls.is_empty() && loaded.tree.kinds.is_empty());
        assert_eq!(loaded.tree.nodes.len(), sm.tree.nodes.len());
    }
}
