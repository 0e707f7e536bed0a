//! The production driver: one OS thread runs the [`Node`] (so the state machine and fsync
//! never block the network), a small tokio runtime carries messages between replicas over
//! TCP, and [`FsDisk`] keeps the log and checkpoints. [`Replica`] is the application's handle.

use crate::core::Status;
use crate::node::{
    CheckpointCounts, Command, Committed, Effect, Error, Identity, Node, NodeOptions, OpenError,
    StateMachine,
};
use crate::session::SessionSeq;
use crate::storage::{DirError, FsDisk};
use crate::types::*;
use crate::wire::{self, Incoming, Link};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// How to start a replica.
#[derive(Debug, Clone)]
pub struct ReplicaConfig {
    pub id: NodeId,
    /// Names the ring; replicas of other rings are refused, and so is a data directory
    /// written by another ring.
    pub cluster: u64,
    /// The initial membership (this replica's own entry included, unless it is joining an
    /// existing ring, which then adds it). Ignored once a checkpoint says otherwise.
    pub members: Vec<Member>,
    /// Where to listen for peers; by default this replica's own member address.
    pub listen: Option<SocketAddr>,
    pub dir: PathBuf,
    /// This is a new replica: create `dir` for it (refused if already initialized). Without
    /// it, a directory that was never initialized is refused (see [`DirError`]).
    pub init: bool,
    pub options: NodeOptions,
}

/// How long an operation on a [`Replica`] waits at most when the caller gives no deadline:
/// longer than any failover, and never forever.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// What a submit asks of the node.
enum Submission {
    Plain(Vec<u8>),
    InSession(Vec<u8>, SessionSeq),
    Register,
}

type ReadFn<S> = Box<dyn FnOnce(Result<(&S, Slot), Error>) + Send>;

enum Event<S> {
    Net(Incoming),
    Submit(Submission, oneshot::Sender<Result<Committed, Error>>),
    Read(Option<Slot>, ReadFn<S>),
    Reconfigure(Membership, oneshot::Sender<Result<Slot, Error>>),
    Relinquish,
    Checkpoint(oneshot::Sender<Result<Slot, Error>>),
    Stop,
}

impl<S> From<Incoming> for Event<S> {
    fn from(i: Incoming) -> Event<S> {
        Event::Net(i)
    }
}

/// What operators watch.
#[derive(Debug, Clone)]
pub struct Health {
    pub status: Status,
    /// From [`Replica::start`] to recovered and listening.
    pub ready_after: Duration,
    /// Events waiting for the replica's thread.
    pub queue_depth: usize,
    /// Threads the replica runs: its own and the network runtime's.
    pub threads: usize,
    /// Set when the replica stopped because its disk failed.
    pub failed: Option<String>,
    pub checkpoints: CheckpointCounts,
}

struct Shared {
    status: Mutex<Status>,
    checkpoints: Mutex<CheckpointCounts>,
    failed: Mutex<Option<String>>,
    queued: std::sync::atomic::AtomicUsize,
    ready_after: Duration,
}

/// A running replica.
pub struct Replica<S: StateMachine> {
    events: mpsc::Sender<Event<S>>,
    shared: Arc<Shared>,
    thread: Option<thread::JoinHandle<()>>,
    runtime: Network,
    local: SocketAddr,
}

impl<S: StateMachine> std::fmt::Debug for Replica<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Replica")
            .field("local", &self.local)
            .finish_non_exhaustive()
    }
}

/// Why a replica could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error(transparent)]
    Dir(#[from] DirError),
    #[error("listening on {addr}: {source} (is another replica using this address?)")]
    Listen {
        addr: String,
        source: std::io::Error,
    },
    #[error(
        "replica {0} is not in the member list and has no data: give it the ring's members, itself included, or add it from the primary first"
    )]
    Unknown(NodeId),
    #[error("{0}")]
    Config(String),
}

fn monotonic(epoch: Instant) -> u64 {
    epoch.elapsed().as_micros() as u64
}

impl<S: StateMachine> Replica<S> {
    /// Recovers the replica from `config.dir` and starts it.
    pub fn start(config: ReplicaConfig, sm: S) -> Result<Replica<S>, StartError> {
        let started = Instant::now();
        let members = Membership::new(config.members.clone());
        if let Some(problem) = crate::node::invalid_membership(&members) {
            return Err(StartError::Config(format!(
                "invalid member list: {problem}"
            )));
        }
        let listen = match (config.listen, members.get(config.id)) {
            (Some(addr), _) => addr,
            (None, Some(m)) => m.addr.parse().map_err(|e| {
                StartError::Config(format!(
                    "replica {} address {:?} is not host:port: {e}",
                    config.id, m.addr
                ))
            })?,
            (None, None) => return Err(StartError::Unknown(config.id)),
        };
        let runtime = Network(Some(
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name(format!("keel-repl-{}-net", config.id))
                .enable_all()
                .build()
                .map_err(|e| StartError::Config(format!("starting the network runtime: {e}")))?,
        ));
        // Bound without block_on, so a replica can be started from async code too.
        let listener = std::net::TcpListener::bind(listen)
            .and_then(|l| l.set_nonblocking(true).map(|_| l))
            .and_then(|l| {
                let _in_runtime = runtime.enter();
                tokio::net::TcpListener::from_std(l)
            })
            .map_err(|source| StartError::Listen {
                addr: listen.to_string(),
                source,
            })?;
        let local = listener.local_addr().map_err(|source| StartError::Listen {
            addr: listen.to_string(),
            source,
        })?;

        let disk = if config.init {
            FsDisk::init(&config.dir, config.cluster, config.id)?
        } else {
            FsDisk::open(&config.dir, config.cluster, config.id)?
        };
        let epoch = Instant::now();
        let seed = fastrand::u64(..);
        let identity = Identity {
            id: config.id,
            cluster: config.cluster,
            members,
        };
        let node = Node::open(identity, config.options.clone(), sm, disk, 0, seed)?;
        let (tx, rx) = mpsc::channel();
        wire::serve(
            runtime.handle(),
            listener,
            config.cluster,
            config.id,
            tx.clone(),
        );
        let shared = Arc::new(Shared {
            status: Mutex::new(node.core().status()),
            checkpoints: Mutex::new(node.checkpoint_counts()),
            failed: Mutex::new(None),
            queued: Default::default(),
            ready_after: started.elapsed(),
        });
        tracing::info!(id = config.id, %local, ready_ms = shared.ready_after.as_millis() as u64, "replica ready");
        let mut driver = Driver {
            node,
            epoch,
            links: HashMap::new(),
            handle: runtime.handle().clone(),
            cluster: config.cluster,
            next_token: 0,
            replies: HashMap::new(),
            reads: HashMap::new(),
            changes: HashMap::new(),
            shared: shared.clone(),
        };
        let thread = thread::Builder::new()
            .name(format!("keel-repl-{}", config.id))
            .spawn(move || driver.run(rx))
            .map_err(|e| StartError::Config(format!("starting the replica thread: {e}")))?;
        Ok(Replica {
            events: tx,
            shared,
            thread: Some(thread),
            runtime,
            local,
        })
    }

    /// The address peers reach this replica at.
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    fn post(&self, event: Event<S>) -> Result<(), Error> {
        self.shared
            .queued
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.events.send(event).map_err(|_| self.stopped())
    }

    fn stopped(&self) -> Error {
        let why = self.shared.failed.lock().expect("not poisoned").clone();
        Error::Stopped(why.unwrap_or_else(|| "shut down".into()))
    }

    /// Replicates `request` (on the primary) and returns the state machine's response once
    /// a majority has it durably; waits at most [`DEADLINE`].
    pub fn submit(
        &self,
        request: Vec<u8>,
    ) -> impl Future<Output = Result<Committed, Error>> + Send + '_ {
        self.submit_within(request, DEADLINE)
    }

    /// [`submit`](Self::submit), answered within `deadline`: with the response,
    /// `NotPrimary`, `Uncertain`, or `Timeout` (which, like `Uncertain`, means the request
    /// may still take effect).
    /// Submitted when called, not when first polled: requests submitted in order are
    /// proposed in that order.
    pub fn submit_within(
        &self,
        request: Vec<u8>,
        deadline: Duration,
    ) -> impl Future<Output = Result<Committed, Error>> + Send + '_ {
        self.submit_as(Submission::Plain(request), deadline)
    }

    /// Replicates `request` in a client session, answered within `deadline`: however often
    /// it is retried with the same `session` (after `Uncertain`, `Timeout` or a failover),
    /// it executes at most once, and a retry of an executed one gets the original answer.
    /// See [`session`](crate::session). Submitted when called, as with
    /// [`submit_within`](Self::submit_within).
    pub fn submit_in_session(
        &self,
        request: Vec<u8>,
        session: SessionSeq,
        deadline: Duration,
    ) -> impl Future<Output = Result<Committed, Error>> + Send + '_ {
        self.submit_as(Submission::InSession(request, session), deadline)
    }

    /// Opens a client session (through the log, on the primary); returns its id.
    /// Submitted when called.
    pub fn register_session(
        &self,
        deadline: Duration,
    ) -> impl Future<Output = Result<u64, Error>> + Send + '_ {
        let committed = self.submit_as(Submission::Register, deadline);
        async move {
            let id: [u8; 8] = committed
                .await?
                .response
                .as_slice()
                .try_into()
                .map_err(|_| {
                    Error::Stopped("a session registration answered no session id".into())
                })?;
            Ok(u64::from_le_bytes(id))
        }
    }

    /// Posts `submission` to the replica's thread now; the future waits for its answer.
    fn submit_as(
        &self,
        submission: Submission,
        deadline: Duration,
    ) -> impl Future<Output = Result<Committed, Error>> + Send + '_ {
        let (tx, rx) = oneshot::channel();
        let posted = self.post(Event::Submit(submission, tx));
        async move {
            posted?;
            self.answer(rx, deadline).await
        }
    }

    /// [`submit`](Self::submit) for plain threads (not from inside an async runtime).
    pub fn submit_blocking(&self, request: Vec<u8>) -> Result<Committed, Error> {
        let (tx, rx) = oneshot::channel();
        self.post(Event::Submit(Submission::Plain(request), tx))?;
        self.runtime.block_on(self.answer(rx, DEADLINE))
    }

    /// What the replica's thread answered, or `Timeout` at the deadline.
    async fn answer<T>(
        &self,
        rx: oneshot::Receiver<Result<T, Error>>,
        deadline: Duration,
    ) -> Result<T, Error> {
        match tokio::time::timeout(deadline, rx).await {
            Ok(answer) => answer.map_err(|_| self.stopped())?,
            Err(_) => Err(Error::Timeout),
        }
    }

    /// A fast read on any replica: runs `f` once this replica has executed at least
    /// `min_seq` (a slot the caller has seen, e.g. from [`Committed::slot`]), so the caller
    /// reads its own writes. Returns `f`'s result and the slot the state reflects.
    pub async fn read<R: Send + 'static>(
        &self,
        min_seq: Slot,
        f: impl FnOnce(&S) -> R + Send + 'static,
    ) -> Result<(R, Slot), Error> {
        self.read_with(Some(min_seq), DEADLINE, f).await
    }

    /// [`read`](Self::read), answered within `deadline` (else `Timeout`): a replica that
    /// never reaches `min_seq` does not keep the caller waiting.
    pub async fn read_within<R: Send + 'static>(
        &self,
        min_seq: Slot,
        deadline: Duration,
        f: impl FnOnce(&S) -> R + Send + 'static,
    ) -> Result<(R, Slot), Error> {
        self.read_with(Some(min_seq), deadline, f).await
    }

    /// A linearizable read on the primary: reflects every write committed before the call.
    pub async fn read_linearizable<R: Send + 'static>(
        &self,
        f: impl FnOnce(&S) -> R + Send + 'static,
    ) -> Result<(R, Slot), Error> {
        self.read_with(None, DEADLINE, f).await
    }

    async fn read_with<R: Send + 'static>(
        &self,
        min_seq: Option<Slot>,
        deadline: Duration,
        f: impl FnOnce(&S) -> R + Send + 'static,
    ) -> Result<(R, Slot), Error> {
        let (tx, rx) = oneshot::channel();
        let run: ReadFn<S> = Box::new(move |state| {
            let _ = tx.send(state.map(|(sm, seq)| (f(sm), seq)));
        });
        self.post(Event::Read(min_seq, run))?;
        self.answer(rx, deadline).await
    }

    /// Replaces the member set (on the primary). Returns the slot that decided it.
    pub async fn change_membership(&self, members: Vec<Member>) -> Result<Slot, Error> {
        let (tx, rx) = oneshot::channel();
        self.post(Event::Reconfigure(Membership::new(members), tx))?;
        self.answer(rx, DEADLINE).await
    }

    /// Stops being primary (if it is) and stays out of the next election.
    pub fn relinquish_primary(&self) {
        let _ = self.post(Event::Relinquish);
    }

    /// Writes a checkpoint now; returns its slot.
    pub async fn checkpoint(&self) -> Result<Slot, Error> {
        let (tx, rx) = oneshot::channel();
        self.post(Event::Checkpoint(tx))?;
        self.answer(rx, DEADLINE).await
    }

    pub fn status(&self) -> Status {
        self.shared.status.lock().expect("not poisoned").clone()
    }

    pub fn health(&self) -> Health {
        Health {
            status: self.status(),
            ready_after: self.shared.ready_after,
            queue_depth: self
                .shared
                .queued
                .load(std::sync::atomic::Ordering::Relaxed),
            threads: 2,
            failed: self.shared.failed.lock().expect("not poisoned").clone(),
            checkpoints: *self.shared.checkpoints.lock().expect("not poisoned"),
        }
    }

    /// Stops the replica, failing whatever is outstanding.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let _ = self.events.send(Event::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.runtime.shut_down();
    }
}

/// The network runtime, shut down without waiting for its tasks (they only move bytes), so
/// a replica can be dropped, or fail to start part-way, inside async code.
struct Network(Option<tokio::runtime::Runtime>);

impl Network {
    fn shut_down(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

impl std::ops::Deref for Network {
    type Target = tokio::runtime::Runtime;
    fn deref(&self) -> &Self::Target {
        self.0.as_ref().expect("used only before shutdown")
    }
}

impl Drop for Network {
    fn drop(&mut self) {
        self.shut_down();
    }
}

impl<S: StateMachine> Drop for Replica<S> {
    fn drop(&mut self) {
        self.stop();
    }
}

struct Driver<S: StateMachine> {
    node: Node<S, FsDisk>,
    epoch: Instant,
    links: HashMap<NodeId, Link>,
    handle: tokio::runtime::Handle,
    cluster: u64,
    next_token: u64,
    replies: HashMap<u64, oneshot::Sender<Result<Committed, Error>>>,
    reads: HashMap<u64, ReadFn<S>>,
    changes: HashMap<u64, oneshot::Sender<Result<Slot, Error>>>,
    shared: Arc<Shared>,
}

impl<S: StateMachine> Driver<S> {
    fn run(&mut self, rx: mpsc::Receiver<Event<S>>) {
        loop {
            let now = monotonic(self.epoch);
            let wait = self.node.next_deadline().saturating_sub(now);
            let first = match rx.recv_timeout(Duration::from_micros(wait.min(1_000_000))) {
                Ok(e) => Some(e),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return,
            };
            // Group commit: everything already queued is handled before one flush.
            let mut batch: Vec<Event<S>> = first.into_iter().collect();
            while batch.len() < 4096 {
                match rx.try_recv() {
                    Ok(e) => batch.push(e),
                    Err(_) => break,
                }
            }
            let now = monotonic(self.epoch);
            for event in batch {
                if !matches!(event, Event::Net(_)) {
                    self.shared
                        .queued
                        .fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
                }
                if !self.handle_event(now, event) {
                    self.fail_all(Error::Stopped("shut down".into()));
                    return;
                }
            }
            if now >= self.node.next_deadline() {
                self.node.tick(now);
            }
            match self.node.flush() {
                Ok(effects) => {
                    // Status first, so whoever hears an answer sees a status at least as new.
                    *self.shared.status.lock().expect("not poisoned") = self.node.core().status();
                    *self.shared.checkpoints.lock().expect("not poisoned") =
                        self.node.checkpoint_counts();
                    self.apply(effects);
                }
                Err(e) => {
                    let why = format!("storage failed, the replica stopped to stay safe: {e}");
                    tracing::error!(id = self.node.core().id(), "{why}");
                    *self.shared.failed.lock().expect("not poisoned") = Some(why.clone());
                    self.fail_all(Error::Stopped(why));
                    return;
                }
            }
        }
    }

    fn token(&mut self) -> u64 {
        self.next_token += 1;
        self.next_token
    }

    fn handle_event(&mut self, now: u64, event: Event<S>) -> bool {
        match event {
            Event::Net(Incoming::Message(from, message)) => {
                if self.node.core().knows(from) {
                    self.node.message(now, from, message);
                } else {
                    tracing::debug!(
                        id = self.node.core().id(),
                        from,
                        "dropped a message from an unknown replica"
                    );
                }
            }
            Event::Submit(submission, reply) => {
                let token = self.token();
                self.replies.insert(token, reply);
                let wall = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis() as u64);
                self.node.set_wall_clock(wall);
                let command = match submission {
                    Submission::Plain(payload) => Command::Submit { token, payload },
                    Submission::InSession(payload, session) => Command::SubmitInSession {
                        token,
                        payload,
                        session,
                    },
                    Submission::Register => Command::RegisterSession { token },
                };
                self.node.command(now, command);
            }
            Event::Read(min_seq, f) => {
                let token = self.token();
                self.reads.insert(token, f);
                let command = match min_seq {
                    Some(min_seq) => Command::Read { token, min_seq },
                    None => Command::LinearRead { token },
                };
                self.node.command(now, command);
            }
            Event::Reconfigure(membership, reply) => {
                let token = self.token();
                self.changes.insert(token, reply);
                self.node
                    .command(now, Command::Reconfigure { token, membership });
            }
            Event::Relinquish => self.node.command(now, Command::Relinquish),
            Event::Checkpoint(reply) => {
                let result = self
                    .node
                    .write_checkpoint()
                    .map(|_| self.node.core().executed());
                let _ = reply
                    .send(result.map_err(|e| Error::Stopped(format!("writing a checkpoint: {e}"))));
            }
            Event::Stop => return false,
        }
        true
    }

    fn apply(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Send { to, message } => {
                    let Some(addr) = self.node.core().address_of(to) else {
                        continue;
                    };
                    let stale = self.links.get(&to).is_some_and(|l| l.addr != addr);
                    if stale || !self.links.contains_key(&to) {
                        let link =
                            Link::open(&self.handle, self.cluster, self.node.core().id(), addr);
                        self.links.insert(to, link);
                    }
                    self.links[&to].send(&message);
                }
                Effect::Reply { token, result } => {
                    if let Some(tx) = self.replies.remove(&token) {
                        let _ = tx.send(result);
                    }
                }
                Effect::Read { token, seq } => {
                    if let Some(f) = self.reads.remove(&token) {
                        f(Ok((self.node.state_machine(), seq)));
                    }
                }
                Effect::ReadFailed { token, error } => {
                    if let Some(f) = self.reads.remove(&token) {
                        f(Err(error));
                    }
                }
                Effect::Reconfigured { token, result } => {
                    if let Some(tx) = self.changes.remove(&token) {
                        let _ = tx.send(result);
                    }
                }
            }
        }
    }

    fn fail_all(&mut self, error: Error) {
        for (_, tx) in self.replies.drain() {
            let _ = tx.send(Err(error.clone()));
        }
        for (_, f) in self.reads.drain() {
            f(Err(error.clone()));
        }
        for (_, tx) in self.changes.drain() {
            let _ = tx.send(Err(error.clone()));
        }
    }
}
