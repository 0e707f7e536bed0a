//! Persistence behind one interface, two backends: in memory (one process, for tests and
//! development) and replicated on keel-replication (the tree is the state machine; its
//! checkpoints are the tree serialized). The server above does not know which it has.

use crate::proto::{Code, Error, Event, Op, Reply};
use crate::tree::{Limits, Tree, Txn};
use keel_replication::{Replica, ReplicaConfig, RoleName, StateMachine};
use serde::{Deserialize, Serialize};
use std::io::{self, Read, Write};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::sync::mpsc::UnboundedSender;

/// Where events of applied writes go (the server's watch table).
pub type Events = UnboundedSender<Vec<Event>>;

/// The store a server runs on.
pub enum Store {
    Memory(Memory),
    Replicated(Box<Replica<TreeSm>>),
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Store::Memory(_) => "Store::Memory",
            Store::Replicated(_) => "Store::Replicated",
        })
    }
}

#[derive(Debug)]
pub struct Memory {
    tree: Mutex<Tree>,
    events: Events,
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

fn unavailable(e: keel_replication::Error) -> Error {
    match e {
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

impl Store {
    pub fn memory(limits: Limits, events: Events) -> Store {
        Store::Memory(Memory {
            tree: Mutex::new(Tree::with_limits(limits)),
            events,
        })
    }

    /// Starts the replica this store runs on.
    pub fn replicated(
        mut config: ReplicaConfig,
        limits: Limits,
        events: Events,
    ) -> Result<Store, keel_replication::replica::StartError> {
        // A transaction carrying the largest data the tree allows must fit in one request.
        let needed = limits.max_data + limits.max_path + 4096;
        let max = &mut config.options.protocol.max_request_bytes;
        *max = (*max).max(needed);
        let sm = TreeSm {
            tree: Tree::with_limits(limits),
            events: Some(events),
        };
        Ok(Store::Replicated(Box::new(Replica::start(config, sm)?)))
    }

    /// Applies a write; returns its reply and the sequence number that reflects it.
    pub async fn write(&self, session: u64, op: Op) -> Result<(Reply, u64), Error> {
        let txn = Txn {
            session,
            time_ms: now_ms(),
            op,
        };
        match self {
            Store::Memory(m) => {
                let mut tree = m.tree.lock().expect("not poisoned");
                let result = tree.apply(&txn);
                if !tree.events.is_empty() {
                    let _ = m.events.send(std::mem::take(&mut tree.events));
                }
                result.map(|r| (r, tree.zxid))
            }
            Store::Replicated(r) => {
                let request = postcard::to_stdvec(&txn)
                    .map_err(|e| Error::new(Code::BadArguments, e.to_string()))?;
                let committed = r.submit(request).await.map_err(unavailable)?;
                let result: Result<Reply, Error> = postcard::from_bytes(&committed.response)
                    .map_err(|e| {
                        Error::new(Code::Unavailable, format!("undecodable result: {e}"))
                    })?;
                result.map(|reply| (reply, committed.slot))
            }
        }
    }

    /// Answers a read once this server has applied `min_seq` (session consistency).
    pub async fn read(&self, min_seq: u64, op: Op) -> Result<(Reply, u64), Error> {
        match self {
            Store::Memory(m) => {
                let tree = m.tree.lock().expect("not poisoned");
                tree.read(&op).map(|r| (r, tree.zxid))
            }
            Store::Replicated(r) => {
                let (result, seq) = if matches!(op, Op::Sync) {
                    r.read_linearizable(move |sm: &TreeSm| sm.tree.read(&op))
                        .await
                } else {
                    r.read(min_seq, move |sm: &TreeSm| sm.tree.read(&op)).await
                }
                .map_err(unavailable)?;
                result.map(|reply| (reply, seq))
            }
        }
    }

    /// Runs `f` on the tree as this server has it.
    pub async fn inspect<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Tree) -> R + Send + 'static,
    ) -> Result<R, Error> {
        match self {
            Store::Memory(m) => Ok(f(&m.tree.lock().expect("not poisoned"))),
            Store::Replicated(r) => r
                .read(0, move |sm: &TreeSm| f(&sm.tree))
                .await
                .map(|(v, _)| v)
                .map_err(unavailable),
        }
    }

    /// Whether writes can be accepted here.
    pub fn is_primary(&self) -> bool {
        match self {
            Store::Memory(_) => true,
            Store::Replicated(r) => r.status().role == RoleName::Primary,
        }
    }

    pub fn primary_hint(&self) -> Option<u64> {
        match self {
            Store::Memory(_) => None,
            Store::Replicated(r) => r.status().primary,
        }
    }

    pub fn seq(&self) -> u64 {
        match self {
            Store::Memory(m) => m.tree.lock().expect("not poisoned").zxid,
            Store::Replicated(r) => r.status().executed,
        }
    }

    /// Time from start to ready, events waiting for the replica: for the metrics.
    pub fn health(&self) -> (u64, u64) {
        match self {
            Store::Memory(_) => (0, 0),
            Store::Replicated(r) => {
                let h = r.health();
                (h.ready_after.as_millis() as u64, h.queue_depth as u64)
            }
        }
    }

    pub fn shutdown(self) {
        if let Store::Replicated(r) = self {
            r.shutdown();
        }
    }
}

/// The tree as keel-replication's state machine.
#[derive(Debug)]
pub struct TreeSm {
    pub tree: Tree,
    events: Option<Events>,
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
                let _ = tx.send(events);
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
        self.tree = tree;
        Ok(())
    }
}

fn write_record(out: &mut dyn Write, bytes: &[u8]) -> io::Result<()> {
    out.write_all(&(bytes.len() as u32).to_le_bytes())?;
    out.write_all(bytes)
}

fn read_record(input: &mut dyn Read) -> io::Result<Vec<u8>> {
    let mut len = [0u8; 4];
    input.read_exact(&mut len)?;
    let mut bytes = vec![0u8; u32::from_le_bytes(len) as usize];
    input.read_exact(&mut bytes)?;
    Ok(bytes)
}
