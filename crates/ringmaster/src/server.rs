//! The server: the protocol over TCP, sessions (heartbeats tracked by the primary, expiry
//! replicated as a close), watches (held by the server a client is connected to, fired by
//! the events of applied writes), and what happens to a write that reaches a secondary
//! (forwarded to the primary, or refused with a hint).

use crate::client::Conn;
use crate::proto::{
    self, Code, Error, Event, EventKind, Hello, Op, Reply, Request, Response, ServerStatus, Watch,
    WatchKind, Welcome,
};
use crate::store::{AfterRead, Notice, Store};
use keel_replication::frame;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc};

/// What a secondary does with a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnSecondary {
    /// Sends it on to the primary and relays the answer.
    Forward,
    /// Answers `NotPrimary` naming the primary; the client goes there.
    Redirect,
}

/// The watches this server holds, by path and kind.
type Watches = Arc<Mutex<HashMap<(String, WatchKind), Vec<Watcher>>>>;

/// An answer on its way: what [`Server::start`] returns.
type Answering<'a> =
    std::pin::Pin<Box<dyn Future<Output = Result<(Reply, u64), Error>> + Send + 'a>>;

/// Requests read from one native connection ahead of being started.
const MAX_QUEUED: usize = 256;

/// Whether a request runs as a write: in the log's order, through the primary.
fn writes(request: &Request) -> bool {
    request.op.is_write() || request.op == Op::Heartbeat
}

/// How a connection is told of its watches, in its own protocol.
pub trait Notifier: Send + Sync {
    /// Tells of `event`; false once the connection is gone.
    fn event(&self, event: &Event) -> bool;
    /// A read of this connection has just set a watch: called in order with the tree's
    /// events, so before any event that watch can fire.
    fn armed(&self) {}
}

impl<F: Fn(&Event) -> bool + Send + Sync> Notifier for F {
    fn event(&self, event: &Event) -> bool {
        self(event)
    }
}

/// A connection's [`Notifier`], shared with the watches it set.
pub type Notify = Arc<dyn Notifier>;

struct Watcher {
    conn: u64,
    persistent: bool,
    notify: Notify,
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watcher")
            .field("conn", &self.conn)
            .field("persistent", &self.persistent)
            .finish_non_exhaustive()
    }
}

/// Everything a server shares among its connections; generic over its [`Store`].
pub struct Server<S> {
    pub id: u64,
    pub store: S,
    pub on_secondary: OnSecondary,
    /// Server id → client address, to forward to the primary.
    pub servers: HashMap<u64, SocketAddr>,
    pub started: Instant,
    watches: Watches,
    heard: Mutex<HashMap<u64, Instant>>,
    next_conn: AtomicU64,
    forward: tokio::sync::Mutex<Option<(u64, Arc<Conn>)>>,
    /// Requests being worked on at once (the bound on the server's work).
    workers: Semaphore,
    queued: AtomicU64,
    /// Set by whoever starts the server: process start to ready, in milliseconds.
    pub ready_ms: AtomicU64,
}

impl<S> std::fmt::Debug for Server<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl<S: Store> Server<S> {
    pub fn new(
        id: u64,
        store: S,
        on_secondary: OnSecondary,
        servers: HashMap<u64, SocketAddr>,
        max_in_flight: usize,
    ) -> Server<S> {
        Server {
            id,
            store,
            on_secondary,
            servers,
            started: Instant::now(),
            watches: Default::default(),
            heard: Mutex::new(HashMap::new()),
            next_conn: AtomicU64::new(1),
            forward: tokio::sync::Mutex::new(None),
            workers: Semaphore::new(max_in_flight),
            queued: AtomicU64::new(0),
            ready_ms: AtomicU64::new(0),
        }
    }

    /// Accepts clients until the listener fails.
    pub async fn serve(self: Arc<Self>, listener: TcpListener) {
        loop {
            let Ok((stream, peer)) = listener.accept().await else {
                continue;
            };
            let server = self.clone();
            tokio::spawn(async move {
                if let Err(e) = server.connection(stream).await {
                    tracing::debug!(%peer, "client connection closed: {e}");
                }
            });
        }
    }

    /// Delivers the events of applied writes to the watches they fire.
    pub async fn dispatch(self: Arc<Self>, mut events: mpsc::UnboundedReceiver<Notice>) {
        while let Some(notice) = events.recv().await {
            let batch = match notice {
                Notice::Applied(batch) => batch,
                Notice::Then(register) => {
                    register();
                    continue;
                }
            };
            let mut watches = self.watches.lock().expect("not poisoned");
            for event in batch {
                let kinds: &[WatchKind] = match event.kind {
                    EventKind::Created | EventKind::DataChanged => &[WatchKind::Data],
                    EventKind::Deleted => &[WatchKind::Data, WatchKind::Children],
                    EventKind::ChildrenChanged => &[WatchKind::Children],
                };
                // Recursive watches on the node and on each ancestor (not for child lists:
                // the creations and deletions below them are the events).
                let recursive: Vec<(String, WatchKind)> =
                    if event.kind == EventKind::ChildrenChanged {
                        Vec::new()
                    } else {
                        ancestors(&event.path)
                            .map(|a| (a.to_owned(), WatchKind::Recursive))
                            .collect()
                    };
                let keys = kinds
                    .iter()
                    .map(|k| (event.path.clone(), *k))
                    .chain(recursive);
                for key in keys {
                    let Some(list) = watches.get_mut(&key) else {
                        continue;
                    };
                    list.retain(|w| w.notify.event(&event) && w.persistent);
                    if list.is_empty() {
                        watches.remove(&key);
                    }
                }
            }
        }
    }

    /// On the primary: closes sessions not heard from within their timeout. A server that
    /// just became primary gives every session a fresh timeout (it has not heard them yet).
    pub async fn expire_sessions(self: Arc<Self>) {
        let mut was_primary = false;
        loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let primary = self.store.is_primary();
            if primary && !was_primary {
                self.heard.lock().expect("not poisoned").clear();
            }
            was_primary = primary;
            if !primary {
                continue;
            }
            let Ok(sessions) = self
                .store
                .inspect(|t| {
                    t.sessions
                        .iter()
                        .map(|(id, s)| (*id, s.timeout_ms))
                        .collect::<Vec<_>>()
                })
                .await
            else {
                continue;
            };
            let now = Instant::now();
            let expired: Vec<u64> = {
                let mut heard = self.heard.lock().expect("not poisoned");
                sessions
                    .into_iter()
                    .filter(|(id, timeout)| {
                        let last = *heard.entry(*id).or_insert(now);
                        now.duration_since(last) > Duration::from_millis(*timeout)
                    })
                    .map(|(id, _)| id)
                    .collect()
            };
            for id in expired {
                tracing::info!(server = self.id, session = id, "session expired");
                if self
                    .store
                    .write(0, Op::CloseSession { id }, None)
                    .await
                    .is_ok()
                {
                    self.heard.lock().expect("not poisoned").remove(&id);
                }
            }
        }
    }

    /// On the primary: deletes the containers and TTL nodes that are due (`Tree::due`),
    /// each at the version it was due at, so one that changed meanwhile stays.
    pub async fn reap(self: Arc<Self>, every: Duration) {
        loop {
            tokio::time::sleep(every).await;
            if !self.store.is_primary() {
                continue;
            }
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0);
            let Ok(due) = self.store.inspect(move |t| t.due(now)).await else {
                continue;
            };
            for (path, version) in due {
                tracing::debug!(
                    server = self.id,
                    path,
                    "deleting a container or TTL node that is due"
                );
                let op = Op::Delete {
                    path,
                    version: Some(version),
                    cascade: false,
                };
                let _ = self.store.write(0, op, None).await;
            }
        }
    }

    /// A number for a new connection (watches are the connection's).
    pub(crate) fn new_conn(&self) -> u64 {
        self.next_conn.fetch_add(1, Ordering::Relaxed)
    }

    /// Drops the watches of a connection that closed.
    pub(crate) fn forget_conn(&self, conn: u64) {
        self.watches
            .lock()
            .expect("not poisoned")
            .retain(|_, list| {
                list.retain(|w| w.conn != conn);
                !list.is_empty()
            });
    }

    /// Removes connection `conn`'s one-shot watch of `kind` on `path` (it was answered
    /// another way); whether there was one.
    pub(crate) fn remove_watch(&self, conn: u64, path: &str, kind: WatchKind) -> bool {
        let mut watches = self.watches.lock().expect("not poisoned");
        let key = (path.to_owned(), kind);
        let Some(list) = watches.get_mut(&key) else {
            return false;
        };
        let before = list.len();
        list.retain(|w| w.conn != conn);
        let removed = list.len() != before;
        if list.is_empty() {
            watches.remove(&key);
        }
        removed
    }

    /// Whether connection `conn` holds a watch of `kind` on `path`.
    pub(crate) fn has_watch(&self, conn: u64, path: &str, kind: WatchKind) -> bool {
        let watches = self.watches.lock().expect("not poisoned");
        watches
            .get(&(path.to_owned(), kind))
            .is_some_and(|l| l.iter().any(|w| w.conn == conn))
    }

    async fn connection(self: Arc<Self>, stream: TcpStream) -> Result<(), String> {
        stream.set_nodelay(true).ok();
        let conn = self.new_conn();
        let (mut read, mut write) = stream.into_split();
        let (out, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
        let writer =
            tokio::spawn(async move { frame::write_queued(&mut rx, &mut write, 1 << 20).await });
        let mut buf = Vec::new();
        let refuse = |code: Code, message: String| {
            frame_of(&Response {
                id: 0,
                seq: 0,
                result: Err(Error::new(code, message)),
            })
        };
        // The hello: the protocol version both sides speak.
        let hello = match frame::read(&mut read, &mut buf, proto::MAX_FRAME).await {
            Ok(true) => postcard::from_bytes::<Hello>(&buf).ok(),
            Ok(false) => return Ok(()),
            Err(e) => {
                let _ = out.send(refuse(
                    Code::MalformedFrame,
                    format!("malformed frame: {e}"),
                ));
                None
            }
        };
        match hello {
            Some(h) if h.magic == proto::MAGIC && h.version == proto::VERSION => {
                let _ = out.send(frame_of(&Welcome {
                    version: proto::VERSION,
                    server: self.id,
                }));
            }
            Some(h) => {
                let _ = out.send(refuse(
                    Code::UnsupportedVersion,
                    format!(
                        "protocol version {} is not supported; this server speaks {}",
                        h.version,
                        proto::VERSION
                    ),
                ));
                drop(out);
                let _ = writer.await;
                return Err("unsupported version".into());
            }
            None => {
                let _ = out.send(refuse(
                    Code::MalformedFrame,
                    "the first frame must be a ringmaster hello".into(),
                ));
                drop(out);
                let _ = writer.await;
                return Err("no hello".into());
            }
        }
        let notify: Notify = {
            let out = out.clone();
            Arc::new(move |event: &Event| {
                let response = Response {
                    id: 0,
                    seq: event.zxid,
                    result: Ok(Reply::Event(event.clone())),
                };
                out.send(frame_of(&response)).is_ok()
            })
        };
        // Decoded requests in the order they came, through a bounded queue: a client that
        // sends faster than it is answered is not read from until it catches up.
        let (requests, queue) = mpsc::channel::<Request>(MAX_QUEUED);
        let reader = tokio::spawn({
            let (out, server) = (out.clone(), self.clone());
            async move {
                loop {
                    match frame::read(&mut read, &mut buf, proto::MAX_FRAME).await {
                        Ok(true) => {}
                        Ok(false) => return Ok(()),
                        Err(e) => {
                            let _ = out.send(refuse(
                                Code::MalformedFrame,
                                format!("malformed frame: {e}; closing the connection"),
                            ));
                            return Err(e.to_string());
                        }
                    }
                    match postcard::from_bytes::<Request>(&buf) {
                        Ok(request) => {
                            server.queued.fetch_add(1, Ordering::Relaxed);
                            if requests.send(request).await.is_err() {
                                return Ok(());
                            }
                        }
                        // Most often an operation this server does not know (a newer client).
                        Err(e) => {
                            let _ = out.send(refuse(
                                Code::UnknownOperation,
                                format!("unknown operation or undecodable request: {e}"),
                            ));
                        }
                    }
                }
            }
        });
        self.in_order(conn, &notify, &out, queue).await;
        let result = reader.await.unwrap_or_else(|e| Err(e.to_string()));
        // The writer ends, closing the connection, once no one can send on it any more.
        self.forget_conn(conn);
        drop((notify, out));
        let _ = writer.await;
        result
    }

    /// Runs one connection's requests and answers them in the order they came (ZooKeeper's
    /// guarantee, on this listener too), yet many at once: a run of writes is submitted to
    /// the log in order without waiting for each other (so they apply in order), a run of
    /// reads runs at once, and a read waits for the writes before it to be answered (it
    /// reads at or after them), as a write waits for the reads before it.
    async fn in_order(
        &self,
        conn: u64,
        notify: &Notify,
        out: &mpsc::UnboundedSender<Vec<u8>>,
        mut queue: mpsc::Receiver<Request>,
    ) {
        // The sessions this connection has shown the password of, or opened.
        let attached = Mutex::new(std::collections::HashSet::new());
        let mut running = futures_util::stream::FuturesOrdered::new();
        let mut running_writes = false;
        // The highest sequence number answered here: later reads wait for it.
        let mut seen = 0;
        let mut next: Option<Request> = None;
        let mut starting: Option<std::pin::Pin<Box<dyn Future<Output = _> + Send + '_>>> = None;
        let mut open = true;
        loop {
            // Start the next request once the run before it allows: same kind, or answered.
            if starting.is_none()
                && next
                    .as_ref()
                    .is_some_and(|r| running.is_empty() || writes(r) == running_writes)
            {
                let mut request = next.take().expect("checked");
                running_writes = writes(&request);
                request.min_seq = request.min_seq.max(seen);
                let attached = &attached;
                starting = Some(Box::pin(async move {
                    let permit = self.workers.acquire().await;
                    self.queued.fetch_sub(1, Ordering::Relaxed);
                    let id = request.id;
                    let answering = match self.admit(attached, &request).await {
                        Ok(()) => self.start(conn, notify, request).await,
                        Err(e) => Box::pin(std::future::ready(Err(e))),
                    };
                    (id, permit, answering)
                }));
            }
            if !open && next.is_none() && starting.is_none() && running.is_empty() {
                return;
            }
            tokio::select! {
                biased;
                Some((id, (result, seq))) = futures_util::StreamExt::next(&mut running),
                    if !running.is_empty() =>
                {
                    if let Ok(Reply::Session { id: opened, .. }) = &result {
                        // Opened through this connection: its own.
                        attached.lock().expect("not poisoned").insert(*opened);
                    }
                    seen = seen.max(seq);
                    let _ = out.send(frame_of(&Response { id, seq, result }));
                }
                started = async { starting.as_mut().expect("guarded").await }, if starting.is_some() => {
                    starting = None;
                    let (id, permit, answering) = started;
                    running.push_back(async move {
                        let answer = match answering.await {
                            // The notifications of the changes the reply reflects go first.
                            Ok((reply, seq)) => {
                                (Ok(reply), self.after_applied(seq).await.unwrap_or(seq))
                            }
                            Err(e) => (Err(e), self.store.seq()),
                        };
                        drop(permit);
                        (id, answer)
                    });
                }
                request = queue.recv(), if open && next.is_none() => match request {
                    Some(r) => next = Some(r),
                    None => open = false,
                },
            }
        }
    }

    /// Waits until the events of every change this server has applied up to `seq` have gone
    /// to the watches (a read whose `then` runs in order with them), so a reply sent after
    /// it never overtakes their notifications; the store's sequence number then. None when
    /// the store cannot answer now.
    pub(crate) async fn after_applied(&self, seq: u64) -> Option<u64> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let then: AfterRead = Box::new(move || {
            let _ = tx.send(());
        });
        let root = Op::Exists {
            path: "/".into(),
            watch: None,
        };
        let (_, at) = self.store.read(seq, root, Some(then)).await.ok()?;
        rx.await.ok()?;
        Some(at)
    }

    /// Whether a native connection may act for the sessions `request` names (its own, and
    /// the one a close names): it opened them, or shows their password now (checked once
    /// this server has applied what the client has seen, so a session just opened
    /// elsewhere is known).
    async fn admit(
        &self,
        attached: &Mutex<std::collections::HashSet<u64>>,
        request: &Request,
    ) -> Result<(), Error> {
        let named = match request.op {
            Op::CloseSession { id } if id != 0 && id != request.session => {
                return Err(Error::new(
                    Code::NoAuth,
                    format!("a connection may close only its own session, not {id:#x}"),
                ));
            }
            _ => request.session,
        };
        if named == 0 || attached.lock().expect("not poisoned").contains(&named) {
            return Ok(());
        }
        let refused = || {
            Error::new(
                Code::NoAuth,
                format!(
                    "this connection has not shown session {named:#x}'s password (the client that opened it sends it with its requests)"
                ),
            )
        };
        let Some(shown) = request.password else {
            return Err(refused());
        };
        let root = Op::Exists {
            path: "/".into(),
            watch: None,
        };
        self.store.read(request.min_seq, root, None).await?;
        let known = self
            .store
            .inspect(move |t| t.passwords.get(&named).copied())
            .await?;
        match known {
            Some(k) if k.iter().zip(shown).fold(0u8, |d, (a, b)| d | (a ^ b)) == 0 => {
                attached.lock().expect("not poisoned").insert(named);
                Ok(())
            }
            _ => Err(refused()),
        }
    }

    /// One request of connection `conn` (whose watches `notify` tells), on whichever
    /// listener it came: writes to the primary (forwarded from a secondary), reads here.
    pub(crate) async fn handle(
        &self,
        conn: u64,
        notify: &Notify,
        request: Request,
    ) -> Result<(Reply, u64), Error> {
        self.start(conn, notify, request).await.await
    }

    /// Starts [`handle`](Self::handle)'s work: what must happen in the order requests come
    /// (a write's submission to the log, here or through the primary) is done when this
    /// returns; the future it returns answers.
    async fn start(&self, conn: u64, notify: &Notify, request: Request) -> Answering<'_> {
        if request.session != 0 {
            self.heard
                .lock()
                .expect("not poisoned")
                .insert(request.session, Instant::now());
        }
        match &request.op {
            Op::Status => {
                return Box::pin(async move {
                    Ok((Reply::Status(self.status().await), self.store.seq()))
                });
            }
            Op::Heartbeat if self.store.is_primary() => {
                let s = request.session;
                return Box::pin(async move {
                    match self
                        .store
                        .inspect(move |t| t.sessions.contains_key(&s))
                        .await?
                    {
                        true => Ok((Reply::Done, self.store.seq())),
                        false => Err(Error::new(
                            Code::SessionExpired,
                            format!("session {s:#x} has expired"),
                        )),
                    }
                });
            }
            Op::Heartbeat => return self.forward(request).await,
            _ => {}
        }
        if request.op.is_write() {
            if !self.store.is_primary() {
                return self.forward(request).await;
            }
            if request.op == Op::OpenOnce {
                let opened = self.store.open_once();
                return Box::pin(async move {
                    Ok((Reply::Once { id: opened.await? }, self.store.seq()))
                });
            }
            return Box::pin(self.store.write(request.session, request.op, request.once));
        }
        // The watch is registered in order with the tree's changes, right after this read.
        let then = request.op.watch().map(|(path, watch)| {
            let (watches, path, notify) = (self.watches.clone(), path.to_string(), notify.clone());
            Box::new(move || {
                notify.armed();
                add_watch(&watches, conn, notify, path, watch)
            }) as AfterRead
        });
        Box::pin(self.store.read(request.min_seq, request.op, then))
    }

    /// A write (or heartbeat) that reached a secondary.
    async fn forward(&self, request: Request) -> Answering<'static> {
        match self.send_to_primary(request).await {
            Ok(answering) => answering,
            Err(e) => Box::pin(std::future::ready(Err(e))),
        }
    }

    /// Sends `request` on to the primary now; the future relays its answer.
    async fn send_to_primary(&self, request: Request) -> Result<Answering<'static>, Error> {
        let hint = self.store.primary_hint().filter(|p| *p != self.id);
        let not_primary = || {
            Error::new(
                Code::NotPrimary,
                format!("server {} is not the primary; try server {hint:?}", self.id),
            )
        };
        if self.on_secondary == OnSecondary::Redirect {
            return Err(not_primary());
        }
        let Some(primary) = hint else {
            return Err(Error::new(
                Code::Unavailable,
                "no primary is known yet (an election is under way); retry",
            ));
        };
        let Some(&addr) = self.servers.get(&primary) else {
            return Err(not_primary());
        };
        let conn = {
            let mut cached = self.forward.lock().await;
            match cached.as_ref() {
                Some((id, c)) if *id == primary && !c.is_closed() => c.clone(),
                _ => {
                    let c = Arc::new(Conn::open(addr).await.map_err(|e| {
                        Error::new(
                            Code::Unavailable,
                            format!("forwarding to server {primary}: {e}"),
                        )
                    })?);
                    *cached = Some((primary, c.clone()));
                    c
                }
            }
        };
        // The primary admits the session on this server's word only with its password; one
        // that came over the ZooKeeper listener has none in the request: the tree has it.
        let password = match request.password {
            Some(p) => Some(p),
            None if request.session != 0 => {
                let s = request.session;
                self.store
                    .inspect(move |t| t.passwords.get(&s).copied())
                    .await?
            }
            None => None,
        };
        let answer = conn.call_as(
            request.session,
            password,
            request.min_seq,
            request.once,
            request.op,
        );
        Ok(Box::pin(async move {
            let response = answer.await.ok_or_else(|| {
                Error::new(
                    Code::Unavailable,
                    format!("lost the connection to primary {primary}"),
                )
            })?;
            response.result.map(|r| (r, response.seq))
        }))
    }

    /// `GET /metrics`: what operators watch, as `name value` lines.
    pub async fn serve_metrics(self: Arc<Self>, listener: TcpListener) {
        loop {
            let Ok((mut s, _)) = listener.accept().await else {
                continue;
            };
            let server = self.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 1024];
                let _ = s.read(&mut buf).await;
                let st = server.status().await;
                let body = format!(
                    "ringmaster_server {}\nringmaster_primary {}\nringmaster_seq {}\nringmaster_nodes {}\nringmaster_sessions {}\nringmaster_threads {}\nringmaster_queue_depth {}\nringmaster_ready_ms {}\n",
                    st.id,
                    st.primary as u8,
                    st.seq,
                    st.nodes,
                    st.sessions,
                    st.threads,
                    st.queue_depth,
                    st.ready_ms
                );
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = s.write_all(reply.as_bytes()).await;
            });
        }
    }

    pub async fn status(&self) -> ServerStatus {
        let (nodes, sessions) = self
            .store
            .inspect(|t| (t.node_count() as u64, t.sessions.len() as u64))
            .await
            .unwrap_or((0, 0));
        let (_, replica_queue) = self.store.health();
        ServerStatus {
            id: self.id,
            primary: self.store.is_primary(),
            primary_hint: self.store.primary_hint(),
            seq: self.store.seq(),
            nodes,
            sessions,
            ready_ms: self.ready_ms.load(Ordering::Relaxed),
            threads: std::fs::read_dir("/proc/self/task")
                .map(|d| d.count() as u64)
                .unwrap_or(0),
            queue_depth: self.queued.load(Ordering::Relaxed) + replica_queue,
        }
    }
}

/// `path` and every node above it, up to `/`.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(path);
    std::iter::from_fn(move || {
        let here = next?;
        next = match here.rfind('/') {
            _ if here == "/" => None,
            Some(0) => Some("/"),
            Some(i) => Some(&here[..i]),
            None => None,
        };
        Some(here)
    })
}

/// Adds a watch for connection `conn`, whose notifications go to `notify`.
fn add_watch(watches: &Watches, conn: u64, notify: Notify, path: String, watch: Watch) {
    let mut watches = watches.lock().expect("not poisoned");
    watches
        .entry((path, watch.kind))
        .or_default()
        .push(Watcher {
            conn,
            persistent: watch.persistent,
            notify,
        });
}

pub fn frame_of<T: serde::Serialize>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    frame::put_value(&mut out, value);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn ancestors_run_from_the_node_up_to_the_root() {
        let up: Vec<&str> = super::ancestors("/a/b/c").collect();
        assert_eq!(up, ["/a/b/c", "/a/b", "/a", "/"]);
        assert_eq!(super::ancestors("/").collect::<Vec<_>>(), ["/"]);
    }
}
