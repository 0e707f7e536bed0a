//! One operation suite, run against both backends: the in-memory store (one server) and the
//! replicated store (three servers in this process, keel-replication over loopback TCP).
//! Every operation goes through the real client, protocol and server.

use keel_replication::{Member, NodeOptions, ReplicaConfig};
use keel_ringmaster::client::Client;
use keel_ringmaster::proto::{Code, CreateMode, Event, EventKind, Op, Reply, Watch, WatchKind};
use keel_ringmaster::server::{OnSecondary, Server};
use keel_ringmaster::store::{Memory, Replicated, Store};
use keel_ringmaster::tree::Limits;
use keel_testkit::free_port;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

struct Ring {
    servers: HashMap<u64, SocketAddr>,
    /// The in-memory server, when that is the backend (the metrics test uses it).
    memory: Option<Arc<Server<Memory>>>,
    _replicated: Vec<Arc<Server<Replicated>>>,
    dirs: Vec<std::path::PathBuf>,
}

impl Drop for Ring {
    fn drop(&mut self) {
        for d in &self.dirs {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

async fn start_server<S: Store>(
    id: u64,
    store: S,
    rx: UnboundedReceiver<keel_ringmaster::store::Notice>,
    servers: HashMap<u64, SocketAddr>,
    listen: SocketAddr,
) -> Arc<Server<S>> {
    start_server_with(id, store, rx, servers, listen, OnSecondary::Forward).await
}

async fn start_server_with<S: Store>(
    id: u64,
    store: S,
    rx: UnboundedReceiver<keel_ringmaster::store::Notice>,
    servers: HashMap<u64, SocketAddr>,
    listen: SocketAddr,
    on_secondary: OnSecondary,
) -> Arc<Server<S>> {
    let server = Arc::new(Server::new(id, store, on_secondary, servers, 256));
    let listener = tokio::net::TcpListener::bind(listen).await.unwrap();
    tokio::spawn(server.clone().dispatch(rx));
    tokio::spawn(server.clone().expire_sessions());
    tokio::spawn(server.clone().serve(listener));
    server
}

async fn memory() -> Ring {
    let addr = free_port();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let servers = HashMap::from([(1, addr)]);
    let server = start_server(
        1,
        Memory::new(Limits::default(), tx),
        rx,
        servers.clone(),
        addr,
    )
    .await;
    Ring {
        servers,
        memory: Some(server),
        _replicated: Vec::new(),
        dirs: Vec::new(),
    }
}

async fn replicated(name: &str) -> Ring {
    replicated_with(name, OnSecondary::Forward).await
}

async fn replicated_with(name: &str, on_secondary: OnSecondary) -> Ring {
    let peers: Vec<SocketAddr> = (0..3).map(|_| free_port()).collect();
    let clients: Vec<SocketAddr> = (0..3).map(|_| free_port()).collect();
    let servers: HashMap<u64, SocketAddr> = clients
        .iter()
        .enumerate()
        .map(|(i, a)| (i as u64 + 1, *a))
        .collect();
    let members: Vec<Member> = peers
        .iter()
        .enumerate()
        .map(|(i, a)| Member::new(i as u64 + 1, a.to_string()))
        .collect();
    let (mut handles, mut dirs) = (Vec::new(), Vec::new());
    for i in 0..3u64 {
        let dir = std::env::temp_dir().join(format!(
            "keel-rm-ops-{name}-{}-{}",
            std::process::id(),
            i + 1
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let mut options = NodeOptions::default();
        options.protocol.election_timeout = Duration::from_millis(300);
        options.protocol.heartbeat_interval = Duration::from_millis(30);
        let config = ReplicaConfig {
            id: i + 1,
            cluster: 3,
            members: members.clone(),
            listen: None,
            dir: dir.clone(),
            init: !dir.join("replica.id").exists(),
            options,
        };
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let store = Replicated::start(config, Limits::default(), tx).unwrap();
        handles.push(
            start_server_with(
                i + 1,
                store,
                rx,
                servers.clone(),
                clients[i as usize],
                on_secondary,
            )
            .await,
        );
        dirs.push(dir);
    }
    Ring {
        servers,
        memory: None,
        _replicated: handles,
        dirs,
    }
}

impl Ring {
    async fn client(&self, session_timeout: Duration) -> (Client, UnboundedReceiver<Event>) {
        Client::connect(
            self.servers.clone(),
            Duration::from_secs(20),
            session_timeout,
        )
        .await
        .unwrap()
    }
}

fn code<T: std::fmt::Debug>(r: Result<T, keel_ringmaster::proto::Error>) -> Code {
    r.expect_err("expected an error").code
}

async fn next_event(rx: &mut UnboundedReceiver<Event>) -> Event {
    tokio::time::timeout(Duration::from_secs(20), rx.recv())
        .await
        .expect("an event within 20 s")
        .expect("events open")
}

// ---- the suite ------------------------------------------------------------------------------

async fn crud_versions_and_stats(ring: Ring) {
    let (c, _) = ring.client(Duration::from_secs(10)).await;
    assert_eq!(
        c.create("/a", b"1", CreateMode::Persistent).await.unwrap(),
        "/a"
    );
    assert_eq!(
        code(c.create("/a", b"1", CreateMode::Persistent).await),
        Code::NodeExists
    );
    assert_eq!(
        code(c.create("/x/y", b"", CreateMode::Persistent).await),
        Code::NoNode
    );
    let (data, stat) = c.get("/a").await.unwrap();
    assert_eq!(
        (data.as_slice(), stat.version, stat.data_length),
        (&b"1"[..], 0, 1)
    );
    assert_eq!(stat.czxid, stat.mzxid);
    let s = c.set("/a", b"22", Some(0)).await.unwrap();
    assert_eq!((s.version, s.data_length), (1, 2));
    assert!(s.mzxid > stat.mzxid && s.czxid == stat.czxid);
    assert_eq!(code(c.set("/a", b"3", Some(0)).await), Code::BadVersion);
    c.create("/a/b", b"", CreateMode::Persistent).await.unwrap();
    let (_, parent) = c.get("/a").await.unwrap();
    assert_eq!((parent.num_children, parent.cversion), (1, 1));
    assert!(parent.pzxid > s.mzxid);
    assert_eq!(code(c.delete("/a", None, false).await), Code::NotEmpty);
    assert_eq!(
        code(c.delete("/a/b", Some(7), false).await),
        Code::BadVersion
    );
    c.delete("/a", None, true).await.unwrap();
    assert_eq!(code(c.get("/a/b").await), Code::NoNode);
    assert_eq!(code(c.get("/a").await), Code::NoNode);
    assert_eq!(
        code(c.create("bad", b"", CreateMode::Persistent).await),
        Code::InvalidPath
    );
    assert_eq!(
        code(c.create("/a/../b", b"", CreateMode::Persistent).await),
        Code::InvalidPath
    );
    let big = c
        .create("/big", &vec![0; (1 << 20) + 1], CreateMode::Persistent)
        .await;
    assert_eq!(code(big.clone()), Code::DataTooLarge, "{big:?}");
}

async fn modes_parents_and_paging(ring: Ring) {
    let (c, _) = ring.client(Duration::from_secs(10)).await;
    let made = c
        .call(Op::Create {
            path: "/p/q/r".into(),
            data: vec![],
            mode: CreateMode::Persistent,
            make_parents: true,
            ok_if_exists: false,
        })
        .await
        .unwrap();
    assert!(matches!(made, Reply::Created { ref path, .. } if path == "/p/q/r"));
    let again = c
        .call(Op::Create {
            path: "/p/q/r".into(),
            data: vec![],
            mode: CreateMode::Persistent,
            make_parents: false,
            ok_if_exists: true,
        })
        .await;
    assert!(again.is_ok(), "ok_if_exists: {again:?}");
    let s1 = c
        .create("/p/seq-", b"", CreateMode::PersistentSequential)
        .await
        .unwrap();
    let s2 = c
        .create("/p/seq-", b"", CreateMode::PersistentSequential)
        .await
        .unwrap();
    assert_eq!(
        (s1.as_str(), s2.as_str()),
        ("/p/seq-0000000000", "/p/seq-0000000001")
    );
    let e = c
        .create("/p/eph", b"", CreateMode::Ephemeral)
        .await
        .unwrap();
    let (_, stat) = c.get(&e).await.unwrap();
    assert_eq!(stat.ephemeral_owner, c.session());
    assert_eq!(
        code(c.create("/p/eph/child", b"", CreateMode::Persistent).await),
        Code::NoChildrenForEphemerals
    );
    for i in 0..10 {
        c.create(&format!("/page/n{i}"), b"", CreateMode::Persistent)
            .await
            .ok();
    }
    c.call(Op::Create {
        path: "/page".into(),
        data: vec![],
        mode: CreateMode::Persistent,
        make_parents: false,
        ok_if_exists: true,
    })
    .await
    .unwrap();
    for i in 0..10 {
        c.create(&format!("/page/n{i}"), b"", CreateMode::Persistent)
            .await
            .unwrap();
    }
    let page = |after: Option<&str>| Op::GetChildren {
        path: "/page".into(),
        watch: None,
        after: after.map(str::to_string),
        limit: 4,
    };
    let Reply::Children { names, more, .. } = c.call(page(None)).await.unwrap() else {
        panic!()
    };
    assert_eq!(
        (names, more),
        (
            vec!["n0".to_string(), "n1".into(), "n2".into(), "n3".into()],
            true
        )
    );
    let Reply::Children { names, more, .. } = c.call(page(Some("n7"))).await.unwrap() else {
        panic!()
    };
    assert_eq!((names, more), (vec!["n8".to_string(), "n9".into()], false));
    let Reply::Subtree(nodes) = c.call(Op::GetSubtree { path: "/p".into() }).await.unwrap() else {
        panic!()
    };
    let paths: Vec<&str> = nodes.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/p",
            "/p/eph",
            "/p/q",
            "/p/q/r",
            "/p/seq-0000000000",
            "/p/seq-0000000001"
        ]
    );
}

async fn multi_is_atomic_and_batch_stops_at_the_first_failure(ring: Ring) {
    let (c, _) = ring.client(Duration::from_secs(10)).await;
    let create = |p: &str| Op::Create {
        path: p.into(),
        data: vec![],
        mode: CreateMode::Persistent,
        make_parents: false,
        ok_if_exists: false,
    };
    c.create("/m", b"", CreateMode::Persistent).await.unwrap();
    let r = c
        .call(Op::Multi(vec![
            create("/m/1"),
            create("/m"),
            create("/m/2"),
        ]))
        .await;
    assert_eq!(code(r), Code::NodeExists);
    assert_eq!(
        c.children("/m").await.unwrap(),
        Vec::<String>::new(),
        "a failed multi applied nothing"
    );
    let Reply::Multi(rs) = c
        .call(Op::Multi(vec![create("/m/1"), create("/m/2")]))
        .await
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(rs.len(), 2);
    let Reply::Batch(rs) = c
        .call(Op::Batch(vec![
            create("/m/3"),
            create("/m/1"),
            create("/m/4"),
        ]))
        .await
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(rs.len(), 2, "the batch stopped at its failure: {rs:?}");
    assert!(rs[0].is_ok() && rs[1].as_ref().unwrap_err().code == Code::NodeExists);
    assert_eq!(c.children("/m").await.unwrap(), ["1", "2", "3"]);
}

async fn watches_fire_once_or_persistently_in_order(ring: Ring) {
    let (c, mut events) = ring.client(Duration::from_secs(10)).await;
    c.create("/w", b"", CreateMode::Persistent).await.unwrap();
    c.watch("/w", WatchKind::Data, false).await.unwrap();
    c.watch("/w", WatchKind::Children, true).await.unwrap();
    c.set("/w", b"1", None).await.unwrap();
    c.set("/w", b"2", None).await.unwrap(); // the one-shot data watch is spent
    c.create("/w/a", b"", CreateMode::Persistent).await.unwrap();
    c.create("/w/b", b"", CreateMode::Persistent).await.unwrap();
    let got: Vec<(EventKind, String)> = {
        let mut v = Vec::new();
        let mut zxid = 0;
        for _ in 0..3 {
            let e = next_event(&mut events).await;
            assert!(e.zxid > zxid, "events arrive in transaction order");
            zxid = e.zxid;
            v.push((e.kind, e.path));
        }
        v
    };
    assert_eq!(
        got,
        [
            (EventKind::DataChanged, "/w".to_string()),
            (EventKind::ChildrenChanged, "/w".into()),
            (EventKind::ChildrenChanged, "/w".into())
        ]
    );
}

async fn a_closed_or_expired_sessions_ephemerals_vanish_and_watches_see_it(ring: Ring) {
    let (watcher, mut events) = ring.client(Duration::from_secs(10)).await;
    let (owner, _) = ring.client(Duration::from_secs(10)).await;
    owner
        .create("/e1", b"", CreateMode::Ephemeral)
        .await
        .unwrap();
    watcher.watch("/e1", WatchKind::Data, false).await.unwrap();
    owner.close().await.unwrap();
    let e = next_event(&mut events).await;
    assert_eq!((e.kind, e.path.as_str()), (EventKind::Deleted, "/e1"));
    // A session that stops heartbeating expires after its timeout.
    let (short, _) = ring.client(Duration::from_millis(600)).await;
    short
        .create("/e2", b"", CreateMode::Ephemeral)
        .await
        .unwrap();
    watcher.watch("/e2", WatchKind::Data, false).await.unwrap();
    drop(short); // stops its heartbeats; never closes
    let e = next_event(&mut events).await;
    assert_eq!((e.kind, e.path.as_str()), (EventKind::Deleted, "/e2"));
    assert!(watcher.get("/e2").await.is_err());
}

/// ZooKeeper's ordering guarantee on the native listener: one connection's pipelined
/// requests (all written before any answer is read, on every server of the ring, so
/// secondaries forward the writes) execute in the order sent (each set names the version
/// the one before it made), reads see exactly the writes before them, replies come back in
/// the order sent, and a watch's event comes before the reply of the write that fires it.
async fn pipelined_requests_run_and_are_answered_in_order(ring: Ring) {
    let (c, _) = ring.client(Duration::from_secs(10)).await;
    c.create("/order", b"", CreateMode::Persistent)
        .await
        .unwrap();
    for (id, addr) in ring.servers.clone() {
        // A change of primary midway (a loaded machine) answers Unavailable: run again.
        let mut attempt = 0;
        while !tokio::task::spawn_blocking(move || {
            pipeline_in_order(addr, &format!("/order/{id}-{attempt}"))
        })
        .await
        .unwrap()
        {
            attempt += 1;
            assert!(attempt < 5, "the primary kept changing");
        }
    }
}

/// False if the ring answered Unavailable (its primary changed) before the end.
fn pipeline_in_order(addr: SocketAddr, path: &str) -> bool {
    use keel_ringmaster::proto::{Hello, Request, Response};
    use std::io::{Read, Write};
    const SETS: u32 = 60;
    enum Want {
        Created,
        Version(u32),
        Data(u32),
        Watched,
        Deleted,
        Gone,
    }
    let mut ops = vec![(
        Op::Create {
            path: path.into(),
            data: b"0".to_vec(),
            mode: CreateMode::Persistent,
            make_parents: false,
            ok_if_exists: false,
        },
        Want::Created,
    )];
    for k in 1..=SETS {
        if k % 10 == 0 {
            let watch = Some(Watch {
                kind: WatchKind::Data,
                persistent: false,
            });
            ops.push((
                Op::GetData {
                    path: path.into(),
                    watch,
                },
                Want::Watched,
            ));
        }
        let data = k.to_string().into_bytes();
        let version = Some(k - 1);
        ops.push((
            Op::SetData {
                path: path.into(),
                data,
                version,
            },
            Want::Version(k),
        ));
        if k % 3 == 0 {
            let read = Op::GetData {
                path: path.into(),
                watch: None,
            };
            ops.push((read, Want::Data(k)));
        }
    }
    let delete = Op::Delete {
        path: path.into(),
        version: Some(SETS),
        cascade: false,
    };
    ops.push((delete, Want::Deleted));
    let exists = Op::Exists {
        path: path.into(),
        watch: None,
    };
    ops.push((exists, Want::Gone));

    let mut wire = Vec::new();
    let hello = Hello {
        magic: keel_ringmaster::proto::MAGIC,
        version: keel_ringmaster::proto::VERSION,
    };
    keel_replication::frame::put(&mut wire, &postcard::to_stdvec(&hello).unwrap());
    for (i, (op, _)) in ops.iter().enumerate() {
        let request = Request {
            id: i as u64 + 1,
            session: 0,
            min_seq: 0,
            op: op.clone(),
            once: None,
            password: None,
        };
        keel_replication::frame::put(&mut wire, &postcard::to_stdvec(&request).unwrap());
    }
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(&wire).unwrap();
    let mut frames = Vec::new();
    let mut next_frame = || -> Vec<u8> {
        loop {
            if let Ok((payload, rest)) = keel_replication::frame::take(&frames, 1 << 24) {
                let (payload, used) = (payload.to_vec(), frames.len() - rest.len());
                frames.drain(..used);
                return payload;
            }
            let mut chunk = [0u8; 1 << 16];
            let n = s.read(&mut chunk).expect("the server answers in time");
            assert!(n > 0, "the server closed the connection");
            frames.extend_from_slice(&chunk[..n]);
        }
    };
    next_frame(); // the welcome
    let mut armed = false;
    let mut fired = false;
    let mut answered = 0;
    while answered < ops.len() {
        let response: Response = postcard::from_bytes(&next_frame()).unwrap();
        if response.id == 0 {
            let Ok(Reply::Event(e)) = &response.result else {
                panic!("{response:?}")
            };
            assert!(
                armed && e.path == path && e.kind == EventKind::DataChanged,
                "{e:?}"
            );
            fired = true;
            armed = false;
            continue;
        }
        answered += 1;
        assert_eq!(
            response.id, answered as u64,
            "replies come in the order sent"
        );
        let (op, want) = &ops[answered - 1];
        match (want, &response.result) {
            (Want::Created, Ok(Reply::Created { .. })) | (Want::Deleted, Ok(Reply::Done)) => {}
            (Want::Version(k), Ok(Reply::Stat(stat))) => {
                assert_eq!(stat.version, *k);
                // A set that follows a watching read fires it: the event came first.
                if k % 10 == 0 {
                    assert!(fired, "the event of set {k} before its reply");
                    fired = false;
                }
            }
            (Want::Data(k), Ok(Reply::Data { data, stat })) => {
                assert_eq!(
                    (data.as_slice(), stat.version),
                    (k.to_string().as_bytes(), *k)
                );
            }
            (Want::Watched, Ok(Reply::Data { .. })) => armed = true,
            (Want::Gone, Ok(Reply::Exists(None))) => {}
            (_, Err(e)) if e.code == Code::Unavailable => return false,
            (_, other) => panic!("{op:?} answered {other:?}"),
        }
    }
    true
}

macro_rules! both {
    ($($name:ident),*) => {
        mod memory_backend {
            $(
                #[test]
                fn $name() {
                    let rt = super::runtime();
                    rt.block_on(async { super::$name(super::memory().await).await });
                }
            )*
        }
        mod replicated_backend {
            $(
                #[test]
                fn $name() {
                    let rt = super::runtime();
                    rt.block_on(async { super::$name(super::replicated(stringify!($name)).await).await });
                    rt.shutdown_timeout(std::time::Duration::from_secs(2));
                }
            )*
        }
    };
}

both!(
    crud_versions_and_stats,
    modes_parents_and_paging,
    multi_is_atomic_and_batch_stops_at_the_first_failure,
    watches_fire_once_or_persistently_in_order,
    a_closed_or_expired_sessions_ephemerals_vanish_and_watches_see_it,
    pipelined_requests_run_and_are_answered_in_order
);

// ---- bad input on the wire: each refused with its own code; the server stays up ---------

mod wire {
    use super::*;
    use keel_ringmaster::proto::{Hello, Response};
    use std::io::{Read, Write};

    fn frame(payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        keel_replication::frame::put(&mut out, payload);
        out
    }

    /// Reads frames until one that decodes as a response with an error, or the end.
    fn refusal(s: &mut std::net::TcpStream) -> Option<keel_ringmaster::proto::Error> {
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut all = Vec::new();
        let _ = s.read_to_end(&mut all);
        let mut rest = &all[..];
        while let Ok((payload, tail)) = keel_replication::frame::take(rest, 1 << 24) {
            if let Ok(Response { result: Err(e), .. }) = postcard::from_bytes::<Response>(payload) {
                return Some(e);
            }
            rest = tail;
        }
        None
    }

    fn hello() -> Vec<u8> {
        frame(
            &postcard::to_stdvec(&Hello {
                magic: keel_ringmaster::proto::MAGIC,
                version: keel_ringmaster::proto::VERSION,
            })
            .unwrap(),
        )
    }

    #[test]
    fn malformed_frames_unknown_operations_and_other_versions_are_refused() {
        let rt = runtime();
        let ring = rt.block_on(memory());
        let addr = ring.servers[&1];
        // Another protocol version.
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.write_all(&frame(
            &postcard::to_stdvec(&Hello {
                magic: keel_ringmaster::proto::MAGIC,
                version: 9,
            })
            .unwrap(),
        ))
        .unwrap();
        let e = refusal(&mut s).expect("a refusal");
        assert_eq!(e.code, Code::UnsupportedVersion, "{e}");
        // A frame whose checksum does not hold.
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.write_all(&hello()).unwrap();
        let mut bad = frame(b"garbage");
        let last = bad.len() - 1;
        bad[last] ^= 1;
        s.write_all(&bad).unwrap();
        let e = refusal(&mut s).expect("a refusal");
        assert_eq!(e.code, Code::MalformedFrame, "{e}");
        // A well-formed frame carrying an operation this server does not know.
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.write_all(&hello()).unwrap();
        // Request { id: 5, session: 0, min_seq: 0, op: variant 200 }
        s.write_all(&frame(&[5, 0, 0, 200, 1])).unwrap();
        s.shutdown(std::net::Shutdown::Write).unwrap();
        let e = refusal(&mut s).expect("a refusal");
        assert_eq!(e.code, Code::UnknownOperation, "{e}");
        // And the server still serves.
        rt.block_on(async {
            let (c, _) = ring.client(Duration::from_secs(10)).await;
            c.create("/still-up", b"", CreateMode::Persistent)
                .await
                .unwrap();
            assert_eq!(code(c.get("/missing").await), Code::NoNode);
        });
    }
}

// ---- replicated only: what secondaries do ---------------------------------------------------

mod secondaries {
    use super::*;
    use keel_ringmaster::client::Conn;

    /// A direct connection to a server that is not the primary.
    async fn secondary(ring: &Ring, client: &Client) -> Conn {
        let Reply::Status(st) = client.call(Op::Status).await.unwrap() else {
            panic!()
        };
        let other = ring
            .servers
            .iter()
            .find(|(id, _)| **id != st.id)
            .map(|(_, a)| *a)
            .unwrap();
        Conn::open(other).await.unwrap()
    }

    /// A write retried with the same exactly-once place (what the client does after a
    /// failover or a lost connection) executes once: one sequential node, not two, and
    /// the retry gets the first answer. Sent through a secondary, which forwards the place.
    #[test]
    fn a_retried_write_in_an_exactly_once_session_executes_once() {
        let rt = runtime();
        rt.block_on(async {
            let ring = replicated("once").await;
            let (c, _) = ring.client(Duration::from_secs(10)).await;
            c.create("/q", b"", CreateMode::Persistent).await.unwrap();
            let conn = secondary(&ring, &c).await;
            let create = once_twice(&conn, &c, "/q").await;
            // Without a place, the same request runs again (what retries used to do).
            conn.call_as(c.session(), Some(c.password()), 0, None, create)
                .await
                .unwrap();
            assert_eq!(c.children("/q").await.unwrap().len(), 2);
        });
        rt.shutdown_timeout(Duration::from_secs(2));
    }

    /// A connection acts only for sessions it opened or showed the password of: another
    /// session's id, bare or with a wrong password, is refused on the primary and on a
    /// secondary (whose forwarding shows the password only when the client did), and a
    /// session cannot be closed from a connection that is not its own.
    #[test]
    fn a_connection_cannot_act_for_another_clients_session() {
        let rt = runtime();
        rt.block_on(async {
            let ring = replicated("stranger").await;
            let (c, _) = ring.client(Duration::from_secs(10)).await;
            c.create("/s", b"", CreateMode::Persistent).await.unwrap();
            let eph = Op::Create {
                path: "/s/as-victim".into(),
                data: Vec::new(),
                mode: CreateMode::Ephemeral,
                make_parents: false,
                ok_if_exists: false,
            };
            let mut wrong = c.password();
            wrong[0] ^= 1;
            let primary = {
                let Reply::Status(st) = c.call(Op::Status).await.unwrap() else {
                    panic!()
                };
                Conn::open(ring.servers[&st.id]).await.unwrap()
            };
            let secondary = secondary(&ring, &c).await;
            for conn in [&primary, &secondary] {
                for password in [None, Some(wrong)] {
                    let r = conn
                        .call_as(c.session(), password, 0, None, eph.clone())
                        .await
                        .unwrap();
                    let e = r.result.expect_err("acting for another's session");
                    assert_eq!(e.code, Code::NoAuth, "{e}");
                }
                // Closing it by id, from a connection of its own session 0, is refused too.
                let r = conn
                    .call(0, 0, None, Op::CloseSession { id: c.session() })
                    .await
                    .unwrap();
                assert_eq!(
                    r.result.expect_err("closing another's session").code,
                    Code::NoAuth
                );
            }
            assert!(
                c.children("/s").await.unwrap().is_empty(),
                "nothing was created"
            );
            // The session is untouched; with its password, a connection may act for it.
            c.create("/s/mine", b"", CreateMode::Ephemeral)
                .await
                .unwrap();
            let r = secondary
                .call_as(c.session(), Some(c.password()), 0, None, Op::Heartbeat)
                .await
                .unwrap();
            assert!(r.result.is_ok(), "{r:?}");
        });
        rt.shutdown_timeout(Duration::from_secs(2));
    }

    /// On the native listener too, a reply that shows a change never overtakes the watch
    /// event of that change: a watcher on a secondary reads until it sees each write, and
    /// by then the event is already in.
    #[test]
    fn a_watch_event_arrives_before_any_reply_that_shows_the_change() {
        let rt = runtime();
        rt.block_on(async {
            let ring = replicated("event-first").await;
            let (c, _) = ring.client(Duration::from_secs(10)).await;
            c.create("/e", b"0", CreateMode::Persistent).await.unwrap();
            let Reply::Status(st) = c.call(Op::Status).await.unwrap() else {
                panic!()
            };
            let other = ring
                .servers
                .iter()
                .find(|(id, _)| **id != st.id)
                .map(|(_, a)| *a)
                .unwrap();
            let (tx, mut events) = tokio::sync::mpsc::unbounded_channel();
            let watcher = Conn::open_with_events(other, Some(tx)).await.unwrap();
            // The secondary has applied the create once it answers for /e.
            let get = || Op::GetData {
                path: "/e".into(),
                watch: None,
            };
            while watcher
                .call(0, 0, None, get())
                .await
                .unwrap()
                .result
                .is_err()
            {}
            for round in 0..50u32 {
                let watch = Some(Watch {
                    kind: WatchKind::Data,
                    persistent: false,
                });
                let r = watcher
                    .call(
                        0,
                        0,
                        None,
                        Op::GetData {
                            path: "/e".into(),
                            watch,
                        },
                    )
                    .await
                    .unwrap();
                assert!(r.result.is_ok());
                let want = format!("{round}-new");
                c.set("/e", want.as_bytes(), None).await.unwrap();
                loop {
                    let r = watcher
                        .call(
                            0,
                            0,
                            None,
                            Op::GetData {
                                path: "/e".into(),
                                watch: None,
                            },
                        )
                        .await
                        .unwrap();
                    let Ok(Reply::Data { data, .. }) = r.result else {
                        panic!("{r:?}")
                    };
                    if data == want.as_bytes() {
                        let e = events
                            .try_recv()
                            .expect("the event before the reply showing the change");
                        assert_eq!(e.path, "/e");
                        break;
                    }
                }
            }
        });
        rt.shutdown_timeout(Duration::from_secs(2));
    }

    #[test]
    fn a_secondary_forwards_writes_and_serves_reads_at_the_sessions_sequence() {
        let rt = runtime();
        rt.block_on(async {
            let ring = replicated("forward").await;
            let (c, _) = ring.client(Duration::from_secs(10)).await;
            c.create("/f", b"1", CreateMode::Persistent).await.unwrap();
            let conn = secondary(&ring, &c).await;
            let create = Op::Create {
                path: "/f/by-secondary".into(),
                data: b"2".to_vec(),
                mode: CreateMode::Persistent,
                make_parents: false,
                ok_if_exists: false,
            };
            let r = conn
                .call_as(c.session(), Some(c.password()), 0, None, create)
                .await
                .unwrap();
            assert!(
                matches!(r.result, Ok(Reply::Created { .. })),
                "forwarded: {r:?}"
            );
            // Read locally on the secondary, at the sequence number the write returned.
            let r = conn
                .call(
                    c.session(),
                    r.seq,
                    None,
                    Op::GetData {
                        path: "/f/by-secondary".into(),
                        watch: None,
                    },
                )
                .await
                .unwrap();
            assert!(
                matches!(r.result, Ok(Reply::Data { ref data, .. }) if data == b"2"),
                "{r:?}"
            );
        });
        rt.shutdown_timeout(Duration::from_secs(2));
    }

    #[test]
    fn a_redirecting_secondary_names_the_primary() {
        let rt = runtime();
        rt.block_on(async {
            let ring = replicated_with("redirect", OnSecondary::Redirect).await;
            let (c, _) = ring.client(Duration::from_secs(10)).await;
            c.create("/r", b"", CreateMode::Persistent).await.unwrap(); // the client follows the primary
            let conn = secondary(&ring, &c).await;
            let r = conn
                .call_as(
                    c.session(),
                    Some(c.password()),
                    0,
                    None,
                    Op::SetData {
                        path: "/r".into(),
                        data: vec![],
                        version: None,
                    },
                )
                .await
                .unwrap();
            let e = r.result.unwrap_err();
            assert_eq!(e.code, Code::NotPrimary, "{e}");
        });
        rt.shutdown_timeout(Duration::from_secs(2));
    }

    #[test]
    fn the_metrics_endpoint_reports_what_operators_watch() {
        let rt = runtime();
        rt.block_on(async {
            let ring = memory().await;
            let (c, _) = ring.client(Duration::from_secs(10)).await;
            c.create("/m1", b"", CreateMode::Persistent).await.unwrap();
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            tokio::spawn(ring.memory.clone().unwrap().serve_metrics(listener));
            let body = tokio::task::spawn_blocking(move || {
                use std::io::{Read, Write};
                let mut s = std::net::TcpStream::connect(addr).unwrap();
                s.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
                    .unwrap();
                let mut out = String::new();
                s.read_to_string(&mut out).unwrap();
                out
            })
            .await
            .unwrap();
            assert!(body.starts_with("HTTP/1.1 200"), "{body}");
            for line in [
                "ringmaster_nodes 2",
                "ringmaster_sessions 1",
                "ringmaster_primary 1",
            ] {
                assert!(body.contains(line), "{line} missing from {body}");
            }
            for name in [
                "ringmaster_threads ",
                "ringmaster_queue_depth ",
                "ringmaster_ready_ms ",
            ] {
                assert!(body.contains(name), "{name} missing from {body}");
            }
        });
    }
}

/// The in-memory store keeps the exactly-once table too: the client retries a write after
/// a timeout there as well, and the retry must not run twice.
#[test]
fn the_memory_store_runs_a_retried_write_once() {
    use keel_ringmaster::client::Conn;
    let rt = runtime();
    rt.block_on(async {
        let ring = memory().await;
        let (c, _) = ring.client(Duration::from_secs(10)).await;
        c.create("/m", b"", CreateMode::Persistent).await.unwrap();
        let conn = Conn::open(ring.servers[&1]).await.unwrap();
        once_twice(&conn, &c, "/m").await;
    });
    rt.shutdown_timeout(Duration::from_secs(2));
}

/// Sends a create of a sequential child of `parent` twice with one exactly-once place, as
/// a client's retry would: one child is made, and the retry gets the first answer. Returns
/// the create, for sending again without a place.
async fn once_twice(conn: &keel_ringmaster::client::Conn, c: &Client, parent: &str) -> Op {
    let opened = conn
        .call_as(c.session(), Some(c.password()), 0, None, Op::OpenOnce)
        .await
        .unwrap();
    let Ok(Reply::Once { id }) = opened.result else {
        panic!("{opened:?}")
    };
    let place = keel_replication::SessionSeq {
        session: id,
        seq: 1,
        awaiting: 1,
    };
    let create = Op::Create {
        path: format!("{parent}/n-"),
        data: vec![],
        mode: CreateMode::PersistentSequential,
        make_parents: false,
        ok_if_exists: false,
    };
    let first = conn
        .call_as(
            c.session(),
            Some(c.password()),
            0,
            Some(place),
            create.clone(),
        )
        .await
        .unwrap();
    let again = conn
        .call_as(
            c.session(),
            Some(c.password()),
            0,
            Some(place),
            create.clone(),
        )
        .await
        .unwrap();
    assert!(
        matches!(first.result, Ok(Reply::Created { .. })),
        "{first:?}"
    );
    assert_eq!(
        again.result, first.result,
        "the retry gets the first answer"
    );
    assert_eq!(
        c.children(parent).await.unwrap().len(),
        1,
        "and created nothing"
    );
    create
}
