//! ZooKeeper's client protocol (jute over TCP, `serve --zk-addr`), beside the native one and
//! over the same [`Store`]: existing clients (kazoo, zkCli, Curator) connect unchanged.
//!
//! - **Sessions** are the tree's replicated sessions, so a client reattaches on any server
//!   of the ring. The id a client sees carries a MAC of the tree's id and the password is
//!   another (HMAC-SHA256 under the ring's secret, `--zk-secret-file`): neither can be
//!   guessed, and a reattach with a wrong one is refused as ZooKeeper refuses it (timeout
//!   0, session 0), without touching the session. A connection acts only on its own.
//! - **Order**: a connection's requests are executed one after another and answered in
//!   the order sent. Before each reply the connection waits until its request has passed
//!   through the stream of applied changes (`barrier`), so every notification of a change
//!   the reply reflects (or precedes) is already queued ahead of it. The other way round,
//!   the events a read's new watch fires wait behind that read's reply ([`Outbox`]): a
//!   ZooKeeper client arms the watch only when the reply arrives.
//! - **zxid**: reply headers carry the tree's zxid (one per successful transaction), never
//!   the replication slot.
//! - Watches are the connection's, as ZooKeeper's are; events map one to one.

pub mod jute;
mod session;
mod words;

pub use session::Secret;

use crate::proto::{
    Acl, Code, CreateMode, Error, Event, EventKind, Id, Op, Reply, Request, Stat, Watch, WatchKind,
};
use crate::server::{Notifier, Notify, Server};
use crate::store::Store;
use jute::{Malformed, Reader, Writer};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufWriter};
use tokio::net::{TcpListener, TcpStream, tcp::OwnedReadHalf};
use tokio::sync::mpsc;

/// The largest request accepted (ZooKeeper's default jute.maxbuffer, and room for a path).
const MAX_FRAME: usize = (1 << 20) + 64 * 1024;

/// Opcodes (ZooDefs.OpCode).
mod opcode {
    pub const CREATE: i32 = 1;
    pub const DELETE: i32 = 2;
    pub const EXISTS: i32 = 3;
    pub const GET_DATA: i32 = 4;
    pub const SET_DATA: i32 = 5;
    pub const GET_ACL: i32 = 6;
    pub const SET_ACL: i32 = 7;
    pub const GET_CHILDREN: i32 = 8;
    pub const SYNC: i32 = 9;
    pub const PING: i32 = 11;
    pub const GET_CHILDREN2: i32 = 12;
    pub const CHECK: i32 = 13;
    pub const MULTI: i32 = 14;
    pub const CREATE2: i32 = 15;
    pub const CHECK_WATCHES: i32 = 17;
    pub const REMOVE_WATCHES: i32 = 18;
    pub const CREATE_CONTAINER: i32 = 19;
    pub const CREATE_TTL: i32 = 21;
    pub const AUTH: i32 = 100;
    pub const SET_WATCHES: i32 = 101;
    pub const GET_EPHEMERALS: i32 = 103;
    pub const GET_ALL_CHILDREN_NUMBER: i32 = 104;
    pub const SET_WATCHES2: i32 = 105;
    pub const ADD_WATCH: i32 = 106;
    pub const WHO_AM_I: i32 = 107;
    pub const CLOSE_SESSION: i32 = -11;
    pub const ERROR: i32 = -1;
}

/// ZooKeeper's error codes (KeeperException.Code).
mod err {
    pub const OK: i32 = 0;
    pub const RUNTIME_INCONSISTENCY: i32 = -2;
    pub const CONNECTION_LOSS: i32 = -4;
    pub const MARSHALLING: i32 = -5;
    pub const UNIMPLEMENTED: i32 = -6;
    pub const OPERATION_TIMEOUT: i32 = -7;
    pub const BAD_ARGUMENTS: i32 = -8;
    pub const NO_NODE: i32 = -101;
    pub const NO_AUTH: i32 = -102;
    pub const BAD_VERSION: i32 = -103;
    pub const NO_CHILDREN_FOR_EPHEMERALS: i32 = -108;
    pub const NODE_EXISTS: i32 = -110;
    pub const NOT_EMPTY: i32 = -111;
    pub const SESSION_EXPIRED: i32 = -112;
    pub const INVALID_ACL: i32 = -114;
    pub const AUTH_FAILED: i32 = -115;
    pub const NO_WATCHER: i32 = -121;
}

/// ZooKeeper's code for one of ringmaster's errors.
fn code_of(e: &Error) -> i32 {
    match e.code {
        Code::NoNode => err::NO_NODE,
        Code::NodeExists => err::NODE_EXISTS,
        Code::BadVersion => err::BAD_VERSION,
        Code::NotEmpty => err::NOT_EMPTY,
        Code::NoChildrenForEphemerals => err::NO_CHILDREN_FOR_EPHEMERALS,
        Code::SessionExpired => err::SESSION_EXPIRED,
        Code::NoAuth => err::NO_AUTH,
        Code::InvalidAcl => err::INVALID_ACL,
        Code::InvalidPath | Code::DataTooLarge | Code::BadArguments => err::BAD_ARGUMENTS,
        Code::Timeout => err::OPERATION_TIMEOUT,
        // No primary reachable right now: the client retries, as after a lost connection.
        Code::NotPrimary | Code::Unavailable | Code::OnceGone => err::CONNECTION_LOSS,
        Code::UnknownOperation | Code::MalformedFrame | Code::UnsupportedVersion => {
            err::MARSHALLING
        }
    }
}

/// How a ZooKeeper listener is set up.
#[derive(Debug)]
pub struct Config {
    pub secret: Secret,
    /// Bounds a requested session timeout is clamped to (ZooKeeper's default: 2 and 20
    /// ticks of 2 s).
    pub min_timeout_ms: u64,
    pub max_timeout_ms: u64,
}

/// What the four-letter words report.
#[derive(Debug, Default)]
pub struct Counters {
    pub connections: AtomicU64,
    pub received: AtomicU64,
    pub sent: AtomicU64,
}

/// Accepts ZooKeeper clients until the listener fails.
pub async fn serve<S: Store>(server: Arc<Server<S>>, listener: TcpListener, config: Arc<Config>) {
    let counters = Arc::new(Counters::default());
    loop {
        let Ok((stream, peer)) = listener.accept().await else {
            continue;
        };
        let (server, config, counters) = (server.clone(), config.clone(), counters.clone());
        tokio::spawn(async move {
            counters.connections.fetch_add(1, Ordering::Relaxed);
            if let Err(e) = connection(&server, &config, &counters, stream, peer).await {
                tracing::debug!(%peer, "zookeeper connection closed: {e}");
            }
            counters.connections.fetch_sub(1, Ordering::Relaxed);
        });
    }
}

async fn read_frame(
    rd: &mut OwnedReadHalf,
    first: Option<[u8; 4]>,
) -> Result<Option<Vec<u8>>, String> {
    let head = match first {
        Some(h) => h,
        None => {
            let mut h = [0u8; 4];
            match rd.read_exact(&mut h).await {
                Ok(_) => h,
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
                Err(e) => return Err(e.to_string()),
            }
        }
    };
    let len = i32::from_be_bytes(head);
    if len < 0 || len as usize > MAX_FRAME {
        return Err(format!("a frame of {len} bytes (the limit is {MAX_FRAME})"));
    }
    let mut body = vec![0u8; len as usize];
    rd.read_exact(&mut body).await.map_err(|e| e.to_string())?;
    Ok(Some(body))
}

async fn connection<S: Store>(
    server: &Arc<Server<S>>,
    config: &Config,
    counters: &Counters,
    stream: TcpStream,
    peer: std::net::SocketAddr,
) -> Result<(), String> {
    stream.set_nodelay(true).ok();
    let (mut rd, mut wr) = stream.into_split();
    let mut head = [0u8; 4];
    rd.read_exact(&mut head).await.map_err(|e| e.to_string())?;
    // A four-letter word instead of a connect request: answered in text, then closed.
    if head.iter().all(u8::is_ascii_lowercase) {
        let text = words::answer(server, counters, &head).await;
        let _ = wr.write_all(text.as_bytes()).await;
        let _ = wr.shutdown().await;
        return Ok(());
    }
    let Some(connect) = read_frame(&mut rd, Some(head)).await? else {
        return Ok(());
    };
    let request = session::ConnectRequest::parse(&connect).map_err(|Malformed(m)| m)?;
    let (out, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
    let writer = tokio::spawn(async move {
        let mut w = BufWriter::new(wr);
        while let Some(frame) = rx.recv().await {
            if w.write_all(&frame).await.is_err() {
                return;
            }
            while let Ok(more) = rx.try_recv() {
                if w.write_all(&more).await.is_err() {
                    return;
                }
            }
            if w.flush().await.is_err() {
                return;
            }
        }
        let _ = w.shutdown().await;
    });
    let conn = server.new_conn();
    let result = async {
        let Some(session) = session::establish(server, config, conn, &out, &request).await? else {
            return Ok(()); // refused: the answer is sent
        };
        let outbox = Arc::new(Outbox::new(out.clone()));
        let mut c = Conn {
            server: server.clone(),
            config,
            counters,
            conn,
            notify: outbox.clone(),
            out: outbox,
            session,
            min_seq: 0,
            peer,
            ids: vec![Id {
                scheme: "ip".into(),
                id: peer.ip().to_string(),
            }],
        };
        c.serve(&mut rd).await
    }
    .await;
    server.forget_conn(conn);
    drop(out);
    let _ = writer.await;
    result
}

/// A connection's way out: its replies and, in ZooKeeper's form (`ReplyHeader(-1, -1, 0)`
/// and a WatcherEvent), its watch events. ZooKeeper's clients arm a watch when the reply of
/// the read that set it arrives, and drop an event for a watch they have not armed: so from
/// the moment a read sets a watch until its reply is out, events wait behind that reply.
struct Outbox {
    out: mpsc::UnboundedSender<Vec<u8>>,
    state: std::sync::Mutex<Held>,
}

#[derive(Default)]
struct Held {
    /// The last event told: a node's deletion fires both its data and its child watches,
    /// and a connection hears it once.
    last: Option<(EventKind, String, u64)>,
    /// Events waiting for the reply of a read that set a watch.
    waiting: Option<Vec<Vec<u8>>>,
}

impl Outbox {
    fn new(out: mpsc::UnboundedSender<Vec<u8>>) -> Outbox {
        Outbox {
            out,
            state: Default::default(),
        }
    }

    fn held(&self) -> std::sync::MutexGuard<'_, Held> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sends a reply, then the events that waited for it; false once the connection is gone.
    fn reply(&self, frame: Vec<u8>) -> bool {
        let mut held = self.held();
        let sent = self.out.send(frame).is_ok();
        for event in held.waiting.take().into_iter().flatten() {
            let _ = self.out.send(event);
        }
        sent
    }

    /// Sends an event now, ahead of any reply still to come (SetWatches' catch-up events).
    fn now(&self, frame: Vec<u8>) {
        let _ = self.out.send(frame);
    }
}

impl Notifier for Outbox {
    fn event(&self, e: &Event) -> bool {
        let key = (e.kind, e.path.clone(), e.zxid);
        let mut held = self.held();
        if held.last.as_ref() == Some(&key) {
            return true;
        }
        held.last = Some(key);
        let frame = event_frame(e.kind, &e.path);
        match &mut held.waiting {
            Some(waiting) => {
                waiting.push(frame);
                !self.out.is_closed()
            }
            None => self.out.send(frame).is_ok(),
        }
    }

    fn armed(&self) {
        self.held().waiting.get_or_insert_with(Vec::new);
    }
}

fn event_frame(kind: EventKind, path: &str) -> Vec<u8> {
    let kind = match kind {
        EventKind::Created => 1,
        EventKind::Deleted => 2,
        EventKind::DataChanged => 3,
        EventKind::ChildrenChanged => 4,
    };
    let mut w = Writer::default();
    w.int(-1).long(-1).int(0).int(kind).int(3).string(path);
    w.frame()
}

/// One established connection.
struct Conn<'a, S> {
    server: Arc<Server<S>>,
    config: &'a Config,
    counters: &'a Counters,
    conn: u64,
    notify: Notify,
    /// The same as `notify`: replies go out through it too.
    out: Arc<Outbox>,
    /// The tree's id of this connection's session (the client sees `config.secret.public`).
    session: u64,
    /// The highest sequence number this connection has seen: its reads wait for it.
    min_seq: u64,
    peer: std::net::SocketAddr,
    /// Who the caller is, for ACLs: its address, and every id it authenticated.
    ids: Vec<Id>,
}

/// What a request comes to: ZooKeeper's error code, the reply record, and whether the
/// connection closes after it.
struct Answer {
    err: i32,
    body: Vec<u8>,
    close: bool,
}

impl Answer {
    fn ok(w: Writer) -> Answer {
        Answer {
            err: err::OK,
            body: w.0,
            close: false,
        }
    }
    fn empty() -> Answer {
        Answer::ok(Writer::default())
    }
    fn err(code: i32) -> Answer {
        Answer {
            err: code,
            body: Vec::new(),
            close: false,
        }
    }
    fn of(e: &Error) -> Answer {
        Answer::err(code_of(e))
    }
}

fn data_watch(on: bool) -> Option<Watch> {
    on.then_some(Watch {
        kind: WatchKind::Data,
        persistent: false,
    })
}

fn child_watch(on: bool) -> Option<Watch> {
    on.then_some(Watch {
        kind: WatchKind::Children,
        persistent: false,
    })
}

fn version(v: i32) -> Option<u32> {
    (v >= 0).then_some(v as u32)
}

/// One op of a create request (create, create2, createContainer, createTTL).
struct Create {
    path: String,
    data: Vec<u8>,
    acl: Vec<Acl>,
    mode: Result<CreateMode, i32>,
}

impl Create {
    fn parse(r: &mut Reader<'_>, ttl: bool) -> Result<Create, Malformed> {
        let path = r.string()?;
        let data = r.buffer()?;
        let acls = session::acls(r)?;
        let flags = r.int()?;
        let ttl_ms = if ttl { Some(r.long()?) } else { None };
        // ZooKeeper's bounds: a TTL of at least 1 ms and at most 2^40 - 1.
        let ttl = || match ttl_ms {
            Some(t) if (1..1 << 40).contains(&t) => Ok(t as u64),
            _ => Err(err::BAD_ARGUMENTS),
        };
        let mode = match (flags, ttl_ms.is_some()) {
            (0, false) => Ok(CreateMode::Persistent),
            (1, false) => Ok(CreateMode::Ephemeral),
            (2, false) => Ok(CreateMode::PersistentSequential),
            (3, false) => Ok(CreateMode::EphemeralSequential),
            (4, false) => Ok(CreateMode::Container),
            (5, true) => ttl().map(|ttl_ms| CreateMode::PersistentWithTtl { ttl_ms }),
            (6, true) => ttl().map(|ttl_ms| CreateMode::PersistentSequentialWithTtl { ttl_ms }),
            _ => Err(err::BAD_ARGUMENTS),
        };
        Ok(Create {
            path,
            data,
            acl: acls,
            mode,
        })
    }

    /// The create, as the caller holding `ids`.
    fn op(self, ids: &[Id]) -> Result<Op, i32> {
        let create = Op::Create {
            path: self.path,
            data: self.data,
            mode: self.mode?,
            make_parents: false,
            ok_if_exists: false,
        };
        Ok(Op::Guarded {
            ids: ids.to_vec(),
            acl: self.acl,
            op: Box::new(create),
        })
    }
}

impl<S: Store> Conn<'_, S> {
    async fn serve(&mut self, rd: &mut OwnedReadHalf) -> Result<(), String> {
        while let Some(frame) = read_frame(rd, None).await? {
            self.counters.received.fetch_add(1, Ordering::Relaxed);
            let mut r = Reader::new(&frame);
            let (Ok(xid), Ok(kind)) = (r.int(), r.int()) else {
                return Err("a request shorter than its header".into());
            };
            let answer = match self.request(kind, &mut r).await {
                Ok(a) => a,
                Err(Malformed(m)) => {
                    tracing::debug!(kind, "malformed request: {m}");
                    Answer {
                        err: err::MARSHALLING,
                        body: Vec::new(),
                        close: true,
                    }
                }
            };
            let zxid = if kind == opcode::AUTH {
                0
            } else {
                self.barrier().await
            };
            let mut w = Writer::default();
            w.int(xid).long(zxid).int(answer.err);
            if answer.err == err::OK {
                w.0.extend_from_slice(&answer.body);
            }
            self.counters.sent.fetch_add(1, Ordering::Relaxed);
            if !self.out.reply(w.frame()) || answer.close {
                break;
            }
        }
        Ok(())
    }

    /// Waits until everything this connection has seen has passed through the stream of
    /// applied changes (so their notifications are queued before the reply), then says the
    /// tree's zxid.
    async fn barrier(&mut self) -> i64 {
        if let Some(seq) = self.server.after_applied(self.min_seq).await {
            self.min_seq = self.min_seq.max(seq);
        }
        self.server.store.inspect(|t| t.zxid).await.unwrap_or(0) as i64
    }

    /// `op` as this connection's caller: checked against the ACLs it touches.
    async fn guarded(&mut self, op: Op) -> Result<Reply, Error> {
        let op = Op::Guarded {
            ids: self.ids.clone(),
            acl: Vec::new(),
            op: Box::new(op),
        };
        self.call(op).await
    }

    async fn call(&mut self, op: Op) -> Result<Reply, Error> {
        let request = Request {
            id: 0,
            session: self.session,
            min_seq: self.min_seq,
            op,
            once: None,
            password: None,
        };
        let (reply, seq) = self.server.handle(self.conn, &self.notify, request).await?;
        self.min_seq = self.min_seq.max(seq);
        Ok(reply)
    }

    fn stat(&self, w: &mut Writer, s: &Stat) {
        self.stat_with(w, s, 0);
    }

    /// A stat with its ACL version (`aversion`), which only ACL replies know.
    fn stat_with(&self, w: &mut Writer, s: &Stat, aversion: u32) {
        let owner = if s.ephemeral_owner == 0 {
            0
        } else {
            self.config.secret.public(s.ephemeral_owner)
        };
        w.long(s.czxid as i64)
            .long(s.mzxid as i64)
            .long(s.ctime as i64)
            .long(s.mtime as i64)
            .int(s.version as i32)
            .int(s.cversion as i32)
            .int(aversion as i32)
            .long(owner)
            .int(s.data_length as i32)
            .int(s.num_children as i32)
            .long(s.pzxid as i64);
    }

    async fn request(&mut self, kind: i32, r: &mut Reader<'_>) -> Result<Answer, Malformed> {
        use opcode::*;
        Ok(match kind {
            CREATE | CREATE2 | CREATE_CONTAINER | CREATE_TTL => {
                let op = match Create::parse(r, kind == CREATE_TTL)?.op(&self.ids) {
                    Ok(op) => op,
                    Err(code) => return Ok(Answer::err(code)),
                };
                match self.call(op).await {
                    Ok(Reply::Created { path, stat }) => {
                        let mut w = Writer::default();
                        w.string(&path);
                        if kind != CREATE {
                            self.stat(&mut w, &stat);
                        }
                        Answer::ok(w)
                    }
                    Ok(other) => unexpected(&other),
                    Err(e) => Answer::of(&e),
                }
            }
            DELETE => {
                let path = r.string()?;
                let v = version(r.int()?);
                match self
                    .guarded(Op::Delete {
                        path,
                        version: v,
                        cascade: false,
                    })
                    .await
                {
                    Ok(_) => Answer::empty(),
                    Err(e) => Answer::of(&e),
                }
            }
            EXISTS => {
                let path = r.string()?;
                let watch = data_watch(r.bool()?);
                match self.guarded(Op::Exists { path, watch }).await {
                    Ok(Reply::Exists(Some(stat))) => self.stat_answer(&stat),
                    Ok(Reply::Exists(None)) => Answer::err(err::NO_NODE),
                    Ok(other) => unexpected(&other),
                    Err(e) => Answer::of(&e),
                }
            }
            GET_DATA => {
                let path = r.string()?;
                let watch = r.bool()?;
                let reply = self
                    .guarded(Op::GetData {
                        path: path.clone(),
                        watch: data_watch(watch),
                    })
                    .await;
                match reply {
                    Ok(Reply::Data { data, stat }) => {
                        let mut w = Writer::default();
                        w.buffer(&data);
                        self.stat(&mut w, &stat);
                        Answer::ok(w)
                    }
                    Ok(other) => unexpected(&other),
                    Err(e) => {
                        // ZooKeeper sets no data watch on a node that is not there.
                        if watch {
                            self.server.remove_watch(self.conn, &path, WatchKind::Data);
                        }
                        Answer::of(&e)
                    }
                }
            }
            SET_DATA => {
                let path = r.string()?;
                let data = r.buffer()?;
                let v = version(r.int()?);
                match self
                    .guarded(Op::SetData {
                        path,
                        data,
                        version: v,
                    })
                    .await
                {
                    Ok(Reply::Stat(stat)) => self.stat_answer(&stat),
                    Ok(other) => unexpected(&other),
                    Err(e) => Answer::of(&e),
                }
            }
            GET_ACL => {
                let path = r.string()?;
                match self.guarded(Op::GetAcl { path }).await {
                    Ok(Reply::Acl {
                        mut acl,
                        version,
                        stat,
                    }) => {
                        // A caller without ADMIN does not see digest hashes (as ZooKeeper).
                        if !crate::acl::permits(&acl, crate::acl::ADMIN, &self.ids) {
                            for a in acl.iter_mut().filter(|a| a.id.scheme == "digest") {
                                let user = a.id.id.split(':').next().unwrap_or_default().to_owned();
                                a.id.id = format!("{user}:x");
                            }
                        }
                        let mut w = Writer::default();
                        session::put_acls(&mut w, &acl);
                        self.stat_with(&mut w, &stat, version);
                        Answer::ok(w)
                    }
                    Ok(other) => unexpected(&other),
                    Err(e) => Answer::of(&e),
                }
            }
            SET_ACL => {
                let path = r.string()?;
                let acl = session::acls(r)?;
                let v = version(r.int()?);
                match self
                    .guarded(Op::SetAcl {
                        path,
                        acl,
                        version: v,
                    })
                    .await
                {
                    Ok(Reply::Acl { version, stat, .. }) => {
                        let mut w = Writer::default();
                        self.stat_with(&mut w, &stat, version);
                        Answer::ok(w)
                    }
                    Ok(other) => unexpected(&other),
                    Err(e) => Answer::of(&e),
                }
            }
            GET_CHILDREN | GET_CHILDREN2 => {
                let path = r.string()?;
                let watch = r.bool()?;
                let op = Op::GetChildren {
                    path: path.clone(),
                    watch: child_watch(watch),
                    after: None,
                    limit: 0,
                };
                match self.guarded(op).await {
                    Ok(Reply::Children { names, stat, .. }) => {
                        let mut w = Writer::default();
                        w.strings(&names);
                        if kind == GET_CHILDREN2 {
                            self.stat(&mut w, &stat);
                        }
                        Answer::ok(w)
                    }
                    Ok(other) => unexpected(&other),
                    Err(e) => {
                        if watch {
                            self.server
                                .remove_watch(self.conn, &path, WatchKind::Children);
                        }
                        Answer::of(&e)
                    }
                }
            }
            SYNC => {
                // The reply waits for everything this server has applied (`barrier`).
                let path = r.string()?;
                let mut w = Writer::default();
                w.string(&path);
                Answer::ok(w)
            }
            PING => match self.call(Op::Heartbeat).await {
                Err(e) if e.code == Code::SessionExpired => Answer {
                    err: err::SESSION_EXPIRED,
                    body: Vec::new(),
                    close: true,
                },
                _ => Answer::empty(),
            },
            CHECK => {
                let path = r.string()?;
                let v = r.int()?;
                match self
                    .guarded(Op::Check {
                        path: path.clone(),
                        version: v.max(0) as u32,
                    })
                    .await
                {
                    Ok(_) => match self.call(Op::Exists { path, watch: None }).await {
                        Ok(Reply::Exists(Some(stat))) => self.stat_answer(&stat),
                        _ => Answer::err(err::NO_NODE),
                    },
                    Err(e) => Answer::of(&e),
                }
            }
            MULTI => self.multi(r).await?,
            CLOSE_SESSION => {
                let _ = self.call(Op::CloseSession { id: 0 }).await;
                Answer {
                    err: err::OK,
                    body: Vec::new(),
                    close: true,
                }
            }
            AUTH => {
                let _type = r.int()?;
                let scheme = r.string()?;
                let auth = r.buffer()?;
                let user_password = String::from_utf8_lossy(&auth).into_owned();
                if scheme == "digest" && user_password.contains(':') {
                    let id = Id {
                        scheme,
                        id: crate::acl::digest_id(&user_password),
                    };
                    if !self.ids.contains(&id) {
                        self.ids.push(id);
                    }
                    Answer::empty()
                } else {
                    // As ZooKeeper: a scheme it does not know fails, and the connection closes.
                    tracing::info!(
                        scheme,
                        "zookeeper auth refused: only digest (user:password) is supported"
                    );
                    Answer {
                        err: err::AUTH_FAILED,
                        body: Vec::new(),
                        close: true,
                    }
                }
            }
            SET_WATCHES | SET_WATCHES2 => self.set_watches(r, kind == SET_WATCHES2).await?,
            GET_EPHEMERALS => {
                let prefix = r.string()?;
                let id = self.session;
                let mine = self
                    .server
                    .store
                    .inspect(move |t| {
                        t.sessions
                            .get(&id)
                            .map(|s| s.ephemerals.iter().cloned().collect::<Vec<_>>())
                    })
                    .await;
                match mine {
                    Ok(Some(list)) => {
                        let all = prefix.is_empty() || prefix == "/";
                        let list: Vec<String> = list
                            .into_iter()
                            .filter(|p| all || p.starts_with(&prefix))
                            .collect();
                        let mut w = Writer::default();
                        w.strings(&list);
                        Answer::ok(w)
                    }
                    Ok(None) => Answer::err(err::SESSION_EXPIRED),
                    Err(e) => Answer::of(&e),
                }
            }
            GET_ALL_CHILDREN_NUMBER => {
                let path = r.string()?;
                let ids = self.ids.clone();
                let counted = self
                    .server
                    .store
                    .inspect(move |t| {
                        if t.nodes.contains_key(&path)
                            && !crate::acl::permits(&t.acl_of(&path).0, crate::acl::READ, &ids)
                        {
                            return Some(None);
                        }
                        t.nodes.contains_key(&path).then(|| {
                            let below = if path == "/" {
                                "/".to_owned()
                            } else {
                                format!("{path}/")
                            };
                            Some(
                                t.nodes
                                    .range(below.clone()..)
                                    .take_while(|(p, _)| p.starts_with(&below))
                                    .count(),
                            )
                        })
                    })
                    .await;
                match counted {
                    Ok(Some(None)) => Answer::err(err::NO_AUTH),
                    Ok(Some(Some(n))) => {
                        let mut w = Writer::default();
                        w.int(n as i32);
                        Answer::ok(w)
                    }
                    Ok(None) => Answer::err(err::NO_NODE),
                    Err(e) => Answer::of(&e),
                }
            }
            ADD_WATCH => {
                let path = r.string()?;
                let recursive = match r.int()? {
                    0 => false,
                    1 => true,
                    _ => return Ok(Answer::err(err::BAD_ARGUMENTS)),
                };
                if let Err(e) = self.watch_persistently(path, recursive).await {
                    return Ok(Answer::of(&e));
                }
                let mut w = Writer::default();
                w.int(0);
                Answer::ok(w)
            }
            CHECK_WATCHES | REMOVE_WATCHES => {
                let path = r.string()?;
                let which = r.int()?;
                let kinds: &[WatchKind] = match which {
                    1 => &[WatchKind::Children],
                    2 => &[WatchKind::Data],
                    3 => &[WatchKind::Data, WatchKind::Children, WatchKind::Recursive],
                    _ => return Ok(Answer::err(err::BAD_ARGUMENTS)),
                };
                let mut found = false;
                for k in kinds {
                    found |= if kind == REMOVE_WATCHES {
                        self.server.remove_watch(self.conn, &path, *k)
                    } else {
                        self.server.has_watch(self.conn, &path, *k)
                    };
                }
                if found {
                    Answer::empty()
                } else {
                    Answer::err(err::NO_WATCHER)
                }
            }
            WHO_AM_I => {
                let mut w = Writer::default();
                w.int(1).string("ip").string(&self.peer.ip().to_string());
                Answer::ok(w)
            }
            _ => {
                tracing::debug!(kind, "unknown zookeeper opcode; closing");
                Answer {
                    err: err::UNIMPLEMENTED,
                    body: Vec::new(),
                    close: true,
                }
            }
        })
    }

    fn stat_answer(&self, stat: &Stat) -> Answer {
        let mut w = Writer::default();
        self.stat(&mut w, stat);
        Answer::ok(w)
    }

    /// `multi`: create, delete, setData and check, all or nothing. A failure is reported in
    /// the results, as ZooKeeper reports it: the ops before the failing one as rolled back
    /// (0), the failing one with its code, the ones after as RuntimeInconsistency.
    async fn multi(&mut self, r: &mut Reader<'_>) -> Result<Answer, Malformed> {
        let mut kinds = Vec::new();
        let mut ops = Vec::new();
        let mut refused = None;
        loop {
            let kind = r.int()?;
            let done = r.bool()?;
            let _err = r.int()?;
            if done {
                break;
            }
            let op = match kind {
                opcode::CREATE | opcode::CREATE2 | opcode::CREATE_CONTAINER => {
                    Create::parse(r, false)?.op(&self.ids)
                }
                opcode::CREATE_TTL => Create::parse(r, true)?.op(&self.ids),
                opcode::DELETE => {
                    let path = r.string()?;
                    Ok(Op::Delete {
                        path,
                        version: version(r.int()?),
                        cascade: false,
                    })
                }
                opcode::SET_DATA => {
                    let path = r.string()?;
                    let data = r.buffer()?;
                    Ok(Op::SetData {
                        path,
                        data,
                        version: version(r.int()?),
                    })
                }
                opcode::CHECK => {
                    let path = r.string()?;
                    let v = r.int()?;
                    Ok(Op::Check {
                        path,
                        version: v.max(0) as u32,
                    })
                }
                other => return Err(Malformed(format!("op type {other} in a multi"))),
            };
            match op {
                Ok(op @ Op::Guarded { .. }) => ops.push(op),
                Ok(op) => ops.push(Op::Guarded {
                    ids: self.ids.clone(),
                    acl: Vec::new(),
                    op: Box::new(op),
                }),
                Err(code) => {
                    refused.get_or_insert((kinds.len(), code));
                    ops.push(Op::Check {
                        path: "/".into(),
                        version: 0,
                    });
                }
            }
            kinds.push(kind);
        }
        let mut w = Writer::default();
        let failed = |w: &mut Writer, at: usize, code: i32| {
            for i in 0..kinds.len() {
                let c = match i.cmp(&at) {
                    std::cmp::Ordering::Less => 0,
                    std::cmp::Ordering::Equal => code,
                    std::cmp::Ordering::Greater => err::RUNTIME_INCONSISTENCY,
                };
                w.int(opcode::ERROR).bool(false).int(c).int(c);
            }
        };
        if let Some((at, code)) = refused {
            failed(&mut w, at, code);
        } else if !ops.is_empty() {
            match self.call(Op::Multi(ops)).await {
                Ok(Reply::Multi(replies)) => {
                    for (kind, reply) in kinds.iter().zip(replies) {
                        // A create is answered as create (path only), as kazoo expects.
                        let shown = if *kind == opcode::CREATE2
                            || *kind == opcode::CREATE_CONTAINER
                            || *kind == opcode::CREATE_TTL
                        {
                            opcode::CREATE2
                        } else {
                            *kind
                        };
                        w.int(shown).bool(false).int(0);
                        match reply {
                            Reply::Created { path, stat } => {
                                w.string(&path);
                                if shown == opcode::CREATE2 {
                                    self.stat(&mut w, &stat);
                                }
                            }
                            Reply::Stat(stat) => self.stat(&mut w, &stat),
                            _ => {}
                        }
                    }
                }
                Ok(other) => return Ok(unexpected(&other)),
                Err(e) => {
                    // The tree names the failing op: "multi op N failed, ...".
                    let at = e
                        .message
                        .strip_prefix("multi op ")
                        .and_then(|m| m.split(' ').next()?.parse().ok());
                    match at {
                        Some(at) => failed(&mut w, at, code_of(&e)),
                        None => return Ok(Answer::of(&e)),
                    }
                }
            }
        }
        w.int(-1).bool(true).int(-1);
        Ok(Answer::ok(w))
    }

    /// `setWatches` after a reconnect: each watch is set again, and one whose node changed
    /// after `relativeZxid` (the last the client saw) fires at once instead, before the reply.
    async fn set_watches(&mut self, r: &mut Reader<'_>, v2: bool) -> Result<Answer, Malformed> {
        let since = r.long()?.max(0) as u64;
        let data = r.strings()?;
        let exist = r.strings()?;
        let child = r.strings()?;
        let (persistent, recursive) = if v2 {
            (r.strings()?, r.strings()?)
        } else {
            (Vec::new(), Vec::new())
        };
        for path in recursive {
            let _ = self.watch_persistently(path, true).await;
        }
        for path in data {
            let fired = match self
                .call(Op::Exists {
                    path: path.clone(),
                    watch: data_watch(true),
                })
                .await
            {
                Ok(Reply::Exists(None)) => Some(EventKind::Deleted),
                Ok(Reply::Exists(Some(s))) if s.mzxid > since => Some(EventKind::DataChanged),
                _ => None,
            };
            self.fire_instead(fired, &path, WatchKind::Data);
        }
        for path in exist {
            let fired = match self
                .call(Op::Exists {
                    path: path.clone(),
                    watch: data_watch(true),
                })
                .await
            {
                Ok(Reply::Exists(Some(_))) => Some(EventKind::Created),
                _ => None,
            };
            self.fire_instead(fired, &path, WatchKind::Data);
        }
        for path in child {
            let op = Op::GetChildren {
                path: path.clone(),
                watch: child_watch(true),
                after: None,
                limit: 0,
            };
            let fired = match self.call(op).await {
                Err(e) if e.code == Code::NoNode => Some(EventKind::Deleted),
                Ok(Reply::Children { stat, .. }) if stat.pzxid > since => {
                    Some(EventKind::ChildrenChanged)
                }
                _ => None,
            };
            self.fire_instead(fired, &path, WatchKind::Children);
        }
        for path in persistent {
            let _ = self.watch_persistently(path, false).await;
        }
        Ok(Answer::empty())
    }

    /// ZooKeeper's persistent watch on `path`: its data and its children, kept after it
    /// fires, even while the node does not exist; or, `recursive`, creations, changes and
    /// deletions of it and of every node below it.
    async fn watch_persistently(&mut self, path: String, recursive: bool) -> Result<(), Error> {
        let watch = |kind| {
            Some(Watch {
                kind,
                persistent: true,
            })
        };
        if recursive {
            let op = Op::Exists {
                path,
                watch: watch(WatchKind::Recursive),
            };
            return self.call(op).await.map(drop);
        }
        let data = Op::Exists {
            path: path.clone(),
            watch: watch(WatchKind::Data),
        };
        self.call(data).await?;
        // A node that does not exist has no children to list, but the watch is set all the same.
        let children = Op::GetChildren {
            path,
            watch: watch(WatchKind::Children),
            after: None,
            limit: 0,
        };
        let _ = self.call(children).await;
        Ok(())
    }

    /// A watch set again whose change already happened: the event now, the watch spent.
    fn fire_instead(&self, fired: Option<EventKind>, path: &str, kind: WatchKind) {
        if let Some(event) = fired {
            self.server.remove_watch(self.conn, path, kind);
            self.out.now(event_frame(event, path));
        }
    }
}

fn unexpected(reply: &Reply) -> Answer {
    tracing::error!(?reply, "an answer of the wrong kind");
    Answer::err(err::RUNTIME_INCONSISTENCY)
}

/// How long a reattaching client waits for this server to catch up with what it has seen.
pub(crate) const CATCH_UP: Duration = Duration::from_secs(10);
