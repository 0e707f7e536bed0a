//! The client library: finds the primary with keel-tracker, opens a session and keeps it
//! alive with heartbeats, reads its own writes (every request carries the last sequence
//! number it saw), and delivers watch events.

use crate::proto::{
    self, Code, CreateMode, Error, Event, EventKind, Hello, Op, Password, Reply, Request, Response,
    Stat, Watch, WatchKind, Welcome,
};
use keel_replication::{SessionSeq, frame};
use keel_service::mux::{Mux, Pending};
use keel_service::once::ClientSession;
use keel_service::tracking::Servers;
use keel_tracker::{Answer, Connector, Failure, Policy, Tracker};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

/// How long one attempt waits before the client tries the primary again (or the next one).
const ATTEMPT: Duration = Duration::from_millis(1500);

/// One connection to a server, many requests at once; cancel-safe (whole frames are queued
/// to a writer task). Watch events arriving on it go to `events`.
#[derive(Debug)]
pub struct Conn {
    mux: Mux<Response>,
    pub server: u64,
}

/// Why a connection to a server could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("connecting to {addr}: {source}")]
    Io {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("{addr}: {source}")]
    Frame {
        addr: SocketAddr,
        source: frame::ReadError,
    },
    #[error("{addr} closed the connection during the hello")]
    Closed { addr: SocketAddr },
    #[error("{addr} refused the connection: {refusal}")]
    Refused {
        addr: SocketAddr,
        refusal: crate::proto::Error,
    },
    #[error("{addr} is not a ringmaster server")]
    NotRingmaster { addr: SocketAddr },
}

impl Conn {
    pub async fn open(addr: SocketAddr) -> Result<Conn, ConnectError> {
        Self::open_with_events(addr, None).await
    }

    /// A connection whose watch events go to `events`, each before any reply read after it.
    pub async fn open_with_events(
        addr: SocketAddr,
        events: Option<mpsc::UnboundedSender<Event>>,
    ) -> Result<Conn, ConnectError> {
        let handler = events.map(|tx| -> OnEvent {
            Arc::new(move |e| {
                let _ = tx.send(e);
            })
        });
        Self::open_with_handler(addr, handler).await
    }

    /// A connection that calls `on_event` with each watch event, on its reader, before it
    /// reads the next frame (so before any later reply is delivered).
    pub async fn open_with_handler(
        addr: SocketAddr,
        on_event: Option<OnEvent>,
    ) -> Result<Conn, ConnectError> {
        let io = |source| ConnectError::Io { addr, source };
        let stream = keel_service::tracking::connect(addr).await.map_err(io)?;
        let (mut read, mut write) = stream.into_split();
        let mut hello = Vec::new();
        frame::put_value(
            &mut hello,
            &Hello {
                magic: proto::MAGIC,
                version: proto::VERSION,
            },
        );
        tokio::io::AsyncWriteExt::write_all(&mut write, &hello)
            .await
            .map_err(io)?;
        let mut buf = Vec::new();
        if !frame::read(&mut read, &mut buf, proto::MAX_FRAME)
            .await
            .map_err(|source| ConnectError::Frame { addr, source })?
        {
            return Err(ConnectError::Closed { addr });
        }
        let welcome: Welcome = match postcard::from_bytes(&buf) {
            Ok(w) => w,
            Err(_) => {
                let refusal: Result<Response, _> = postcard::from_bytes(&buf);
                return Err(match refusal {
                    Ok(Response {
                        result: Err(refusal),
                        ..
                    }) => ConnectError::Refused { addr, refusal },
                    _ => ConnectError::NotRingmaster { addr },
                });
            }
        };
        // Notifications (id 0) carry watch events.
        let unsolicited = on_event.map(|on_event| -> keel_service::mux::Unsolicited<Response> {
            Box::new(move |response: Response| {
                if let Ok(Reply::Event(e)) = response.result {
                    on_event(e);
                }
            })
        });
        let mux = Mux::start(
            read,
            write,
            proto::MAX_FRAME,
            |r: &Response| r.id,
            unsolicited,
        );
        Ok(Conn {
            mux,
            server: welcome.server,
        })
    }

    pub fn is_closed(&self) -> bool {
        self.mux.is_closed()
    }

    /// Sends one request (a write with its exactly-once place, if any); `None` if the
    /// connection is gone.
    pub async fn call(
        &self,
        session: u64,
        min_seq: u64,
        once: Option<SessionSeq>,
        op: Op,
    ) -> Option<Response> {
        self.call_as(session, None, min_seq, once, op).await
    }

    /// `call`, showing `session`'s password (a connection acts for a session only once it
    /// has shown it, or opened the session itself). The request is sent before this
    /// returns, so requests made in order reach the server in order.
    pub fn call_as(
        &self,
        session: u64,
        password: Option<Password>,
        min_seq: u64,
        once: Option<SessionSeq>,
        op: Op,
    ) -> Pending<Response> {
        self.mux.send(|id| Request {
            id,
            session,
            min_seq,
            op,
            once,
            password,
        })
    }
}

/// What a connection does with each watch event.
pub type OnEvent = Arc<dyn Fn(Event) + Send + Sync>;

/// How keel-tracker reaches ringmaster servers.
#[derive(Clone)]
pub struct RmConnector {
    servers: Servers,
    on_event: OnEvent,
}

impl std::fmt::Debug for RmConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RmConnector")
            .field("servers", &self.servers)
            .finish_non_exhaustive()
    }
}

impl RmConnector {
    fn addr_of(&self, id: Option<u64>) -> Option<SocketAddr> {
        self.servers.addr_of(id)
    }
}

impl Connector for RmConnector {
    type Address = SocketAddr;
    type Channel = Conn;

    async fn connect(&self, address: &SocketAddr) -> Result<Conn, Failure<SocketAddr>> {
        Conn::open_with_handler(*address, Some(self.on_event.clone()))
            .await
            .map_err(|_| Failure::ConnectionLost)
    }

    async fn query(&self, address: &SocketAddr) -> Result<Answer<SocketAddr>, Failure<SocketAddr>> {
        let conn = Conn::open(*address)
            .await
            .map_err(|_| Failure::ConnectionLost)?;
        match conn.call(0, 0, None, Op::Status).await.map(|r| r.result) {
            Some(Ok(Reply::Status(s))) if s.primary => Ok(Answer::IAmPrimary),
            Some(Ok(Reply::Status(s))) => Ok(self
                .addr_of(s.primary_hint)
                .map(Answer::PrimaryIs)
                .unwrap_or(Answer::Unknown)),
            _ => Err(Failure::ConnectionLost),
        }
    }
}

/// A ringmaster client with one session.
#[derive(Debug)]
pub struct Client {
    inner: Arc<Inner>,
    heartbeat: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

/// What the client's calls and its heartbeat task share.
#[derive(Debug)]
struct Inner {
    tracker: Tracker<RmConnector>,
    policy: Policy,
    session: AtomicU64,
    /// The session's password, shown with every request.
    password: Password,
    /// The highest sequence number seen: reads wait for it (read your writes).
    seq: AtomicU64,
    /// Watches are held by the server a client talks to; after a failover they are set
    /// again on the new primary (the first call through it notices). A one-shot watch
    /// leaves this list when it fires, so a failover never arms it again.
    watches: Arc<Mutex<Vec<(String, Watch)>>>,
    generation: AtomicU64,
    /// Writes go in this exactly-once session: retried through failovers, lost
    /// connections and timeouts, each executes at most once.
    once: ClientSession,
}

impl Client {
    /// Connects (on the current tokio runtime) and opens a session that expires
    /// `session_timeout` after the last heartbeat. Watch events arrive on the receiver.
    pub async fn connect(
        servers: HashMap<u64, SocketAddr>,
        timeout: Duration,
        session_timeout: Duration,
    ) -> Result<(Client, mpsc::UnboundedReceiver<Event>), Error> {
        let servers = Servers::new(servers);
        let config = servers.tracker_config();
        let (deliver, rx) = mpsc::unbounded_channel();
        let watches: Arc<Mutex<Vec<(String, Watch)>>> = Arc::default();
        // On the connection's reader: a spent one-shot watch is forgotten, and the event is
        // in the receiver, before any later reply reaches its caller.
        let on_event: OnEvent = {
            let watches = watches.clone();
            Arc::new(move |e: Event| {
                spend(&mut watches.lock().expect("not poisoned"), &e);
                let _ = deliver.send(e);
            })
        };
        let connector = RmConnector { servers, on_event };
        let tracker = Tracker::new(connector, config, tokio::runtime::Handle::current());
        let inner = Arc::new(Inner {
            tracker,
            // Writes are exactly-once, so an attempt unanswered for ATTEMPT (a primary
            // paused, or cut off with its connection open) is tried again on the primary
            // found next.
            policy: Policy::new(timeout)
                .attempts(20)
                .retry_timeouts(true)
                .attempt_timeout(ATTEMPT),
            session: AtomicU64::new(0),
            password: crate::random::bytes(),
            seq: AtomicU64::new(0),
            watches,
            generation: AtomicU64::new(0),
            once: ClientSession::new(),
        });
        let timeout_ms = session_timeout.as_millis() as u64;
        let open = Op::OpenSessionWith {
            timeout_ms,
            password: inner.password,
        };
        let Reply::Session { id, .. } = inner.call(open, None).await? else {
            return Err(Error::new(
                Code::Unavailable,
                "unexpected answer to open_session",
            ));
        };
        inner.session.store(id, Ordering::SeqCst);
        let beat = tokio::spawn({
            let inner = inner.clone();
            let policy = Policy::new(session_timeout / 3).attempts(3);
            async move {
                loop {
                    tokio::time::sleep(session_timeout / 3).await;
                    let _ = inner.call(Op::Heartbeat, Some(&policy)).await;
                }
            }
        });
        Ok((
            Client {
                inner,
                heartbeat: Mutex::new(Some(beat)),
            },
            rx,
        ))
    }

    /// The session's password (for a connection of one's own that acts for it).
    pub fn password(&self) -> Password {
        self.inner.password
    }

    pub fn session(&self) -> u64 {
        self.inner.session.load(Ordering::SeqCst)
    }

    /// Sends any operation through the primary.
    pub async fn call(&self, op: Op) -> Result<Reply, Error> {
        self.inner.call(op, None).await
    }

    pub async fn create(&self, path: &str, data: &[u8], mode: CreateMode) -> Result<String, Error> {
        let op = Op::Create {
            path: path.into(),
            data: data.to_vec(),
            mode,
            make_parents: false,
            ok_if_exists: false,
        };
        match self.call(op).await? {
            Reply::Created { path, .. } => Ok(path),
            other => Err(unexpected(other)),
        }
    }

    pub async fn get(&self, path: &str) -> Result<(Vec<u8>, Stat), Error> {
        match self
            .call(Op::GetData {
                path: path.into(),
                watch: None,
            })
            .await?
        {
            Reply::Data { data, stat } => Ok((data, stat)),
            other => Err(unexpected(other)),
        }
    }

    pub async fn set(&self, path: &str, data: &[u8], version: Option<u32>) -> Result<Stat, Error> {
        match self
            .call(Op::SetData {
                path: path.into(),
                data: data.to_vec(),
                version,
            })
            .await?
        {
            Reply::Stat(s) => Ok(s),
            other => Err(unexpected(other)),
        }
    }

    pub async fn delete(
        &self,
        path: &str,
        version: Option<u32>,
        cascade: bool,
    ) -> Result<(), Error> {
        self.call(Op::Delete {
            path: path.into(),
            version,
            cascade,
        })
        .await
        .map(|_| ())
    }

    pub async fn children(&self, path: &str) -> Result<Vec<String>, Error> {
        match self
            .call(Op::GetChildren {
                path: path.into(),
                watch: None,
                after: None,
                limit: 0,
            })
            .await?
        {
            Reply::Children { names, .. } => Ok(names),
            other => Err(unexpected(other)),
        }
    }

    /// Sets a watch on `path` (events arrive on the receiver `connect` returned).
    pub async fn watch(
        &self,
        path: &str,
        kind: WatchKind,
        persistent: bool,
    ) -> Result<Reply, Error> {
        let w = Watch { kind, persistent };
        let watch = Some(w);
        self.inner
            .watches
            .lock()
            .expect("not poisoned")
            .push((path.to_string(), w));
        let op = match kind {
            WatchKind::Data | WatchKind::Recursive => Op::Exists {
                path: path.into(),
                watch,
            },
            WatchKind::Children => Op::GetChildren {
                path: path.into(),
                watch,
                after: None,
                limit: 0,
            },
        };
        self.call(op).await
    }

    /// Closes the session: its ephemeral nodes go at once.
    pub async fn close(&self) -> Result<(), Error> {
        if let Some(h) = self.heartbeat.lock().expect("not poisoned").take() {
            h.abort();
        }
        self.call(Op::CloseSession { id: 0 }).await.map(|_| ())
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Some(h) = self.heartbeat.lock().expect("not poisoned").take() {
            h.abort();
        }
    }
}

/// Drops the one-shot watches event `e` fired (the server has dropped them too).
fn spend(watches: &mut Vec<(String, Watch)>, e: &Event) {
    let kinds: &[WatchKind] = match e.kind {
        EventKind::Created | EventKind::DataChanged => &[WatchKind::Data],
        EventKind::Deleted => &[WatchKind::Data, WatchKind::Children],
        EventKind::ChildrenChanged => &[WatchKind::Children],
    };
    watches.retain(|(path, w)| w.persistent || *path != e.path || !kinds.contains(&w.kind));
}

fn unexpected(reply: Reply) -> Error {
    Error::new(Code::Unavailable, format!("unexpected reply {reply:?}"))
}

impl Inner {
    /// Sends `op` through the primary; after a failover, first sets the watches again.
    async fn call(&self, op: Op, policy: Option<&Policy>) -> Result<Reply, Error> {
        let (reply, generation) = self.call_once(op, policy).await?;
        if self.generation.swap(generation, Ordering::SeqCst) != generation {
            let watches = self.watches.lock().expect("not poisoned").clone();
            for (path, watch) in watches {
                let op = match watch.kind {
                    WatchKind::Data | WatchKind::Recursive => Op::Exists {
                        path,
                        watch: Some(watch),
                    },
                    WatchKind::Children => Op::GetChildren {
                        path,
                        watch: Some(watch),
                        after: None,
                        limit: 0,
                    },
                };
                let _ = self.call_once(op, policy).await;
            }
        }
        Ok(reply)
    }

    /// Sends `op` through the primary; a write goes in the exactly-once session.
    async fn call_once(&self, op: Op, policy: Option<&Policy>) -> Result<(Reply, u64), Error> {
        if !op.is_write() || op == Op::OpenOnce {
            return self.send(op, None, policy).await;
        }
        let ticket = self
            .once
            .place(|| async {
                match self.send(Op::OpenOnce, None, policy).await? {
                    (Reply::Once { id }, _) => Ok(id),
                    (other, _) => Err(unexpected(other)),
                }
            })
            .await?;
        let result = self.send(op, Some(ticket.place()), policy).await;
        let gone = matches!(&result, Err(e) if e.code == Code::OnceGone);
        ticket.finish(gone);
        result
    }

    async fn send(
        &self,
        op: Op,
        once: Option<SessionSeq>,
        policy: Option<&Policy>,
    ) -> Result<(Reply, u64), Error> {
        let (session, min_seq, password) = (
            self.session.load(Ordering::SeqCst),
            self.seq.load(Ordering::Relaxed),
            self.password,
        );
        let (response, generation) = self
            .tracker
            .call(policy.unwrap_or(&self.policy), |primary| {
                let op = op.clone();
                async move {
                    let password = (session != 0).then_some(password);
                    match primary
                        .channel()
                        .call_as(session, password, min_seq, once, op)
                        .await
                    {
                        None => Err(Failure::ConnectionLost),
                        Some(Response { result: Err(e), .. })
                            if matches!(e.code, Code::NotPrimary | Code::Unavailable) =>
                        {
                            Err(Failure::NotPrimary { hint: None })
                        }
                        Some(r) => Ok((r, primary.generation())),
                    }
                }
            })
            .await
            .map_err(|e| Error::new(Code::Unavailable, e.to_string()))?;
        self.seq.fetch_max(response.seq, Ordering::Relaxed);
        response.result.map(|r| (r, generation))
    }
}
