//! keel-ringmaster speaks ZooKeeper: a three-server ring with `--zk-addr` on every server,
//! driven by Debian's kazoo (CRUD, ephemeral and sequential nodes, transactions, the Lock,
//! Election, Barrier, Counter, DataWatch and ChildrenWatch recipes, across a SIGKILL of the
//! primary), and by a raw jute client for what kazoo cannot show: refused reattaches with
//! a wrong password or a forged session id, replies in request order under pipelining, and
//! a watch's event always ahead of the reply that reflects a later change, and behind the
//! reply of the read that set it.

use keel_ringmaster::client::Client;
use keel_ringmaster::proto::{Op, Reply};
use keel_ringmaster::zk::jute::{Reader, Writer};
use keel_testkit::{LocalRing, free_port};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_ringmaster");

struct ZkRing {
    ring: LocalRing,
    zk: Vec<SocketAddr>,
    dir: std::path::PathBuf,
}

impl Drop for ZkRing {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn zk_ring(name: &str, cluster: u64) -> ZkRing {
    zk_ring_with(name, cluster, &[])
}

/// A ring whose servers also get `extra` flags.
fn zk_ring_with(name: &str, cluster: u64, extra: &[&str]) -> ZkRing {
    let dir = std::env::temp_dir().join(format!("keel-ringmaster-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let secret = dir.join("zk-secret");
    std::fs::write(&secret, b"a secret the three servers share").unwrap();
    let zk: Vec<SocketAddr> = (0..3).map(|_| free_port()).collect();
    let mut args = vec![
        "--election-timeout-ms",
        "500",
        "--heartbeat-ms",
        "50",
        "--zk-secret-file",
        secret.to_str().unwrap(),
        "--zk-min-session-timeout-ms",
        "1000",
    ];
    args.extend_from_slice(extra);
    let zk_args: Vec<String> = zk.iter().map(|a| a.to_string()).collect();
    let mut ring = LocalRing::new(BIN.into(), dir.join("ring"), cluster, 3, &args)
        .announce_servers()
        .per_replica("--zk-addr", &zk_args);
    ring.start_all();
    primary(&ring); // elected: sessions can be opened
    ZkRing { ring, zk, dir }
}

/// The primary's index in the ring (0-based), asked over the native protocol.
fn primary(ring: &LocalRing) -> usize {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (client, _) = rt
        .block_on(Client::connect(
            ring.servers(),
            Duration::from_secs(20),
            Duration::from_secs(10),
        ))
        .unwrap();
    let Reply::Status(s) = rt.block_on(client.call(Op::Status)).unwrap() else {
        panic!("a status request answered otherwise")
    };
    assert!(s.primary);
    s.id as usize - 1
}

#[test]
fn kazoo_and_its_recipes_work_across_a_sigkill_of_the_primary() {
    let root = std::env::var_os("KEEL_TEST_DEBIAN_ROOT").expect(
        "kazoo comes with `cargo xtask test` (Debian's python3-kazoo): run the tests through it",
    );
    let mut r = zk_ring("kazoo", 41);
    // The primary first: kazoo (hosts in order) connects to the server that will be killed,
    // so the session must move to another.
    let first = primary(&r.ring);
    let mut hosts: Vec<String> = r.zk.iter().map(|a| a.to_string()).collect();
    hosts.swap(0, first);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/zk/kazoo_ring.py");
    let mut py = Command::new("python3")
        .env(
            "PYTHONPATH",
            std::path::Path::new(&root).join("usr/lib/python3/dist-packages"),
        )
        .args([script, &hosts.join(",")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3");
    let mut said = Vec::new();
    let mut lines = BufReader::new(py.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        said.push(line.clone());
        if line == "KILL" {
            let p = primary(&r.ring);
            assert_eq!(p, first, "the primary changed before the kill");
            r.ring.kill(p);
            writeln!(py.stdin.as_mut().unwrap(), "killed {p}").unwrap();
            break;
        }
    }
    said.extend(lines.map_while(Result::ok));
    let status = py.wait().unwrap();
    let mut err = String::new();
    py.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert!(
        status.success() && said.last().map(String::as_str) == Some("ALL OK"),
        "kazoo:\n{}\n{err}",
        said.join("\n")
    );
    assert!(
        said.iter()
            .any(|l| l.contains("the lock is still held by its owner"))
    );
}

fn python(root: &std::ffi::OsStr, script: &str, hosts: &str) -> std::process::Output {
    Command::new("python3")
        .env(
            "PYTHONPATH",
            std::path::Path::new(root).join("usr/lib/python3/dist-packages"),
        )
        .args([script, hosts])
        .output()
        .expect("python3")
}

#[test]
fn acls_of_the_world_auth_and_digest_schemes_are_enforced_on_every_operation() {
    let root = std::env::var_os("KEEL_TEST_DEBIAN_ROOT").expect(
        "kazoo comes with `cargo xtask test` (Debian's python3-kazoo): run the tests through it",
    );
    // The in-memory backend here; the replicated one runs the same tree code (and the
    // ACLs survive its checkpoints: store::tests).
    let zk = free_port();
    let mut server = Command::new(BIN)
        .args([
            "serve",
            "--memory",
            "--id",
            "1",
            "--listen",
            &free_port().to_string(),
        ])
        .args(["--zk-addr", &zk.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut ready = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut ready)
        .unwrap();
    assert!(ready.contains("ready"), "{ready}");
    let out = python(
        &root,
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/zk/kazoo_acl.py"),
        &zk.to_string(),
    );
    let _ = server.kill();
    let _ = server.wait();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && said.trim_end().ends_with("ALL OK"),
        "kazoo:\n{said}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A ZooKeeper client at the byte level.
struct Raw {
    s: TcpStream,
}

struct Connected {
    timeout: i32,
    session: i64,
    password: Vec<u8>,
}

impl Raw {
    fn open(addr: SocketAddr) -> Raw {
        let s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        s.set_nodelay(true).unwrap();
        Raw { s }
    }

    fn frame(&mut self) -> Option<Vec<u8>> {
        let mut len = [0u8; 4];
        self.s.read_exact(&mut len).ok()?;
        let mut b = vec![0u8; i32::from_be_bytes(len) as usize];
        self.s.read_exact(&mut b).ok()?;
        Some(b)
    }

    fn connect(
        addr: SocketAddr,
        last_zxid: i64,
        session: i64,
        password: &[u8],
    ) -> (Raw, Connected) {
        Raw::connect_for(addr, last_zxid, session, password, 5000)
    }

    /// The same, asking for a session timeout of `timeout_ms` (this client never pings).
    fn connect_for(
        addr: SocketAddr,
        last_zxid: i64,
        session: i64,
        password: &[u8],
        timeout_ms: i32,
    ) -> (Raw, Connected) {
        let mut raw = Raw::open(addr);
        let mut w = Writer::default();
        w.int(0)
            .long(last_zxid)
            .int(timeout_ms)
            .long(session)
            .buffer(password)
            .bool(false);
        raw.s.write_all(&w.frame()).unwrap();
        let reply = raw.frame().expect("a connect response");
        let mut r = Reader::new(&reply);
        r.int().unwrap();
        let c = Connected {
            timeout: r.int().unwrap(),
            session: r.long().unwrap(),
            password: r.buffer().unwrap(),
        };
        (raw, c)
    }

    fn send(&mut self, xid: i32, op: i32, body: &[u8]) {
        let mut w = Writer::default();
        w.int(xid).int(op);
        w.0.extend_from_slice(body);
        self.s.write_all(&w.frame()).unwrap();
    }

    /// The next frame: (xid, zxid, err, body).
    fn recv(&mut self) -> (i32, i64, i32, Vec<u8>) {
        let f = self
            .frame()
            .expect("a reply (none within 20 s, or the server closed the connection)");
        let mut r = Reader::new(&f);
        (
            r.int().unwrap(),
            r.long().unwrap(),
            r.int().unwrap(),
            f[16..].to_vec(),
        )
    }

    /// Whether the server closed the connection.
    fn closed(&mut self) -> bool {
        self.frame().is_none()
    }
}

fn path_req(path: &str, watch: Option<bool>) -> Vec<u8> {
    let mut w = Writer::default();
    w.string(path);
    if let Some(on) = watch {
        w.bool(on);
    }
    w.0
}

fn create_req(path: &str, data: &[u8], flags: i32) -> Vec<u8> {
    let mut w = Writer::default();
    w.string(path)
        .buffer(data)
        .int(1)
        .int(31)
        .string("world")
        .string("anyone")
        .int(flags);
    w.0
}

fn set_req(path: &str, data: &[u8]) -> Vec<u8> {
    let mut w = Writer::default();
    w.string(path).buffer(data).int(-1);
    w.0
}

#[test]
fn a_session_is_reattached_only_with_its_password_and_a_connection_acts_only_as_itself() {
    let r = zk_ring("sessions", 42);
    let (mut owner, c) = Raw::connect(r.zk[0], 0, 0, &[0; 16]);
    assert!(
        c.timeout >= 1000 && c.session != 0 && c.password.len() == 16,
        "{}",
        c.session
    );
    owner.send(1, 1, &create_req("/mine", b"", 1)); // ephemeral
    let (xid, zxid, err, _) = owner.recv();
    assert_eq!((xid, err), (1, 0));
    assert!(zxid > 0, "reply headers carry the tree's zxid");

    // Another server, the right password: the same session.
    let (mut again, c2) = Raw::connect(r.zk[1], zxid, c.session, &c.password);
    assert_eq!(
        (c2.session, c2.password.as_slice()),
        (c.session, c.password.as_slice())
    );
    again.send(1, 3, &path_req("/mine", Some(false)));
    let (_, _, err, body) = again.recv();
    assert_eq!(err, 0);
    let mut stat = Reader::new(&body);
    for _ in 0..4 {
        stat.long().unwrap();
    }
    for _ in 0..3 {
        stat.int().unwrap();
    }
    assert_eq!(
        stat.long().unwrap(),
        c.session,
        "ephemeralOwner is the session id the client holds"
    );

    // A wrong password, and ids that were never issued (a guess near the real one, the
    // bare counter): refused as expired (timeout 0, session 0), then closed.
    let mut wrong = c.password.clone();
    wrong[0] ^= 1;
    for (id, pw) in [
        (c.session, wrong.as_slice()),
        (c.session ^ (1 << 33), c.password.as_slice()),
        (c.session & 0xffff_ffff, c.password.as_slice()),
    ] {
        let (mut intruder, refused) = Raw::connect(r.zk[2], 0, id, pw);
        assert_eq!((refused.timeout, refused.session), (0, 0), "{id:#x}");
        assert!(intruder.closed(), "a refused reattach is closed");
    }
    // None of that touched the session: its node is still there, its owner still works.
    owner.send(2, 4, &path_req("/mine", Some(false)));
    assert_eq!(owner.recv().2, 0);
    // Closing the session removes its ephemeral node (seen on the server that answered).
    owner.send(3, -11, &[]);
    assert_eq!(owner.recv().2, 0);
    assert!(owner.closed());
    let (mut later, _) = Raw::connect(r.zk[0], 0, 0, &[0; 16]);
    later.send(1, 3, &path_req("/mine", Some(false)));
    assert_eq!(later.recv().2, -101);
    // And the closed session cannot be reattached, even with its password.
    let (mut gone, refused) = Raw::connect(r.zk[0], 0, c.session, &c.password);
    assert_eq!((refused.timeout, refused.session), (0, 0));
    assert!(gone.closed());
    drop(again);
}

#[test]
fn pipelined_requests_are_answered_in_order_and_events_precede_later_replies() {
    let r = zk_ring("ordering", 43);
    let (mut c, _) = Raw::connect(r.zk[1], 0, 0, &[0; 16]); // a secondary most likely: writes forwarded
    c.send(1, 1, &create_req("/o", b"0", 0));
    assert_eq!(c.recv().2, 0);
    // 200 requests sent before reading any reply: creates, sets, gets, existence checks.
    let n = 200;
    let mut sent = Vec::new();
    for i in 0..n {
        let xid = 10 + i;
        match i % 4 {
            0 => c.send(xid, 1, &create_req(&format!("/o/n{i}"), b"x", 0)),
            1 => c.send(xid, 5, &set_req("/o", format!("{i}").as_bytes())),
            2 => c.send(xid, 4, &path_req("/o", Some(false))),
            _ => c.send(xid, 3, &path_req(&format!("/o/n{}", i - 3), Some(false))),
        }
        sent.push(xid);
    }
    let mut last_zxid = 0;
    for (i, xid) in sent.iter().enumerate() {
        let (got, zxid, err, body) = c.recv();
        assert_eq!(got, *xid, "reply {i} out of order");
        assert_eq!(err, 0, "request {i}");
        assert!(zxid >= last_zxid, "zxids never go back");
        last_zxid = zxid;
        if i % 4 == 2 {
            // The get sees the set sent just before it on this connection.
            let data = Reader::new(&body).buffer().unwrap();
            assert_eq!(data, format!("{}", i - 1).as_bytes());
        }
    }

    // A watcher and a writer on other servers, under load from a third connection.
    let (mut watcher, _) = Raw::connect(r.zk[0], 0, 0, &[0; 16]);
    let (mut writer, _) = Raw::connect(r.zk[2], 0, 0, &[0; 16]);
    for round in 0..100 {
        watcher.send(1, 4, &path_req("/o", Some(true)));
        let (_, _, err, _) = watcher.recv();
        assert_eq!(err, 0);
        writer.send(1, 5, &set_req("/o", format!("w{round}").as_bytes()));
        let (_, _, err, stat) = writer.recv();
        assert_eq!(err, 0);
        // The set's own zxid is its Stat's mzxid (czxid, then mzxid). The reply header's may
        // be later: it is the writer's server's zxid when it answered.
        let mut stat = Reader::new(&stat);
        let write_zxid = stat.long().and_then(|_| stat.long()).unwrap();
        c.send(1000 + round, 5, &set_req("/o/n0", b"load")); // load, not read here
        // The watcher's server may not have applied the write yet, so it may read the old
        // value; but once a reply shows the new one, the watch's event came before it.
        let mut event_seen = false;
        let mut xid = 2;
        loop {
            watcher.send(xid, 4, &path_req("/o", Some(false)));
            let (got, zxid, err, body) = loop {
                let f = watcher.recv();
                if f.0 == -1 {
                    event_seen = true;
                    continue;
                }
                break f;
            };
            assert_eq!((got, err), (xid, 0));
            if Reader::new(&body).buffer().unwrap() == format!("w{round}").as_bytes() {
                assert!(
                    event_seen,
                    "round {round}: the new value came before the watch's event"
                );
                assert!(zxid >= write_zxid);
                break;
            }
            assert!(
                xid < 100_000,
                "round {round}: the watcher never saw the write"
            );
            xid += 1;
        }
    }
    for _ in 0..100 {
        assert_eq!(c.recv().2, 0);
    }
}

/// Threads that keep the CPUs busy until dropped.
struct Load {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Load {
    fn start(threads: usize) -> Load {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let threads = (0..threads)
            .map(|_| {
                let stop = stop.clone();
                std::thread::spawn(move || {
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        std::hint::spin_loop();
                    }
                })
            })
            .collect();
        Load { stop, threads }
    }
}

impl Drop for Load {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// ZooKeeper's clients arm a watch when the reply of the read that set it arrives, and
/// drop an event for a watch they have not armed: so the event of a change made just after
/// the read must come after that read's reply (kazoo's Barrier.wait hung when it did not).
#[test]
fn a_watch_event_never_overtakes_the_reply_of_the_read_that_set_it() {
    let r = zk_ring("armed", 48);
    let p = primary(&r.ring);
    // Both on the primary, so each deletion applies there at once, racing the reply. These
    // clients never ping: sessions long enough for a round on a loaded machine.
    let (mut watcher, _) = Raw::connect_for(r.zk[p], 0, 0, &[0; 16], 60_000);
    let (mut deleter, _) = Raw::connect_for(r.zk[p], 0, 0, &[0; 16], 60_000);
    // Busy threads beside the servers widen the window between a read and its reply.
    let _load = Load::start(3);
    let n = 100;
    let mut watched = 0;
    for round in 0..20 {
        let path = |i: i32| format!("/armed-{round}-{i}");
        for i in 0..n {
            deleter.send(i, 1, &create_req(&path(i), b"", 0));
        }
        for _ in 0..n {
            assert_eq!(deleter.recv().2, 0);
        }
        // Every exists (watching) and every delete sent at once, on the two connections.
        for i in 0..n {
            watcher.send(i, 3, &path_req(&path(i), Some(true)));
        }
        let mut delete = Writer::default();
        for i in 0..n {
            let mut w = Writer::default();
            w.int(i).int(2).string(&path(i)).int(-1);
            delete.0.extend_from_slice(&w.frame());
        }
        deleter.s.write_all(&delete.0).unwrap();
        // The watcher hears, per node, either NoNode (deleted first: no event), or the node
        // and then, after that reply, its deletion.
        let mut armed = std::collections::HashSet::new();
        let mut pending = n;
        while pending > 0 || !armed.is_empty() {
            let (xid, _, err, body) = watcher.recv();
            if xid == -1 {
                let (kind, at) = event_of(&body);
                assert_eq!(kind, 2, "a deletion");
                assert!(
                    armed.remove(&at),
                    "the event for {at} came before the reply of the exists that set its watch"
                );
                continue;
            }
            pending -= 1;
            match err {
                0 => {
                    watched += 1;
                    armed.insert(path(xid));
                }
                -101 => {} // NoNode: deleted before the read
                e => panic!("exists answered {e}"),
            }
        }
        for _ in 0..n {
            assert_eq!(deleter.recv().2, 0);
        }
    }
    assert!(
        watched > 0,
        "no exists came before its delete: the race was never run"
    );
}

/// A four-letter word's answer: sent raw, answered in text, then the server closes.
fn word(addr: SocketAddr, w: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(w.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn four_letter_words_answer_in_zookeepers_formats_and_bad_frames_are_refused() {
    let r = zk_ring("words", 44);
    let p = primary(&r.ring);
    assert_eq!(word(r.zk[p], "ruok"), "imok");
    assert_eq!(word(r.zk[p], "isro"), "rw");
    let srvr = word(r.zk[p], "srvr");
    assert!(srvr.starts_with("Zookeeper version: 3.8.0"), "{srvr}");
    assert!(
        srvr.contains("Mode: leader") && srvr.contains("Node count: "),
        "{srvr}"
    );
    let other = word(r.zk[(p + 1) % 3], "stat");
    assert!(other.contains("Mode: follower"), "{other}");
    let mntr = word(r.zk[p], "mntr");
    let fields: std::collections::HashMap<&str, &str> =
        mntr.lines().filter_map(|l| l.split_once('\t')).collect();
    assert_eq!(fields.get("zk_server_state"), Some(&"leader"), "{mntr}");
    assert!(
        fields
            .get("zk_znode_count")
            .and_then(|n| n.parse::<u64>().ok())
            .is_some(),
        "{mntr}"
    );
    assert!(word(r.zk[p], "envi").starts_with("Environment:\nzookeeper.version="));
    assert!(word(r.zk[p], "wchc").contains("not in the whitelist"));

    // A frame longer than any request, and a request with a truncated body: the connection
    // is closed (ZooKeeper's answer to both), and the server serves the next one.
    let mut huge = TcpStream::connect(r.zk[p]).unwrap();
    huge.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    huge.write_all(&(64_i32 << 20).to_be_bytes()).unwrap();
    let mut buf = [0u8; 1];
    assert_eq!(
        huge.read(&mut buf).unwrap_or(0),
        0,
        "an oversized frame is closed on"
    );
    let (mut c, _) = Raw::connect(r.zk[p], 0, 0, &[0; 16]);
    c.send(1, 4, &[0, 0, 0, 9, b'/']); // a path of 9 bytes with 1 present
    let (xid, _, err, _) = c.recv();
    assert_eq!((xid, err), (1, -5), "MarshallingError");
    assert!(c.closed());
    let (mut fine, _) = Raw::connect(r.zk[p], 0, 0, &[0; 16]);
    fine.send(1, 3, &path_req("/", Some(false)));
    assert_eq!(fine.recv().2, 0);
    // An opcode it does not know: Unimplemented, then closed.
    fine.send(2, 77, &[]);
    assert_eq!(fine.recv().2, -6);
    assert!(fine.closed());
}

/// `zkCli COMMAND...` (Debian's ZooKeeperMain, one command per run) against `server`; its
/// output, stdout and stderr together.
fn zkcli(runner: &std::ffi::OsStr, server: SocketAddr, command: &[&str]) -> String {
    let out = Command::new(runner)
        .args([
            "org.apache.zookeeper.ZooKeeperMain",
            "-server",
            &server.to_string(),
        ])
        .args(command)
        .output()
        .expect("running Debian's zkCli");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn debians_zkcli_creates_reads_lists_deletes_and_sets_acls() {
    let runner = std::env::var_os("KEEL_TEST_ZOOKEEPER")
        .expect("Debian's zookeeper comes with `cargo xtask test`: run the tests through it");
    let r = zk_ring("zkcli", 45);
    let at = r.zk[1];
    let run = |cmd: &[&str]| zkcli(&runner, at, cmd);
    let said = run(&["create", "/zk", "hello"]);
    assert!(said.contains("Created /zk"), "{said}");
    assert!(run(&["get", "/zk"]).contains("hello"));
    run(&["set", "/zk", "world"]);
    let got = run(&["get", "-s", "/zk"]);
    assert!(
        got.contains("world") && got.contains("dataVersion = 1"),
        "{got}"
    );
    run(&["create", "/zk/a"]);
    run(&["create", "/zk/b", "x"]);
    let ls = run(&["ls", "/zk"]);
    assert!(ls.lines().any(|l| l == "[a, b]"), "{ls}");
    let stat = run(&["stat", "/zk"]);
    assert!(stat.contains("numChildren = 2"), "{stat}");
    run(&["delete", "/zk/a"]);
    assert!(run(&["ls", "/zk"]).contains("[b]"));
    // deleteall: a subtree in one command (getChildren, then multi deletes).
    run(&["create", "/tree"]);
    run(&["create", "/tree/x"]);
    run(&["create", "/tree/x/y"]);
    run(&["deleteall", "/tree"]);
    let listed = run(&["ls", "/"]);
    let root = listed
        .lines()
        .rfind(|l| l.starts_with('['))
        .unwrap_or_default();
    assert!(!root.contains("tree") && root.contains("zk"), "{listed}");
    // ACLs: read-only for the world; a write is then refused.
    let before = run(&["getAcl", "/zk"]);
    assert!(
        before.contains("'world,'anyone") && before.contains(": cdrwa"),
        "{before}"
    );
    run(&["setAcl", "/zk", "world:anyone:r"]);
    let after = run(&["getAcl", "/zk"]);
    assert!(
        after.contains("'world,'anyone") && after.contains(": r"),
        "{after}"
    );
    let refused = run(&["set", "/zk", "nope"]);
    assert!(
        refused.contains("Insufficient permission") || refused.contains("NoAuth"),
        "{refused}"
    );
    assert!(run(&["get", "/zk"]).contains("world"));
}

fn set_watches_req(since: i64, data: &[&str], exist: &[&str], child: &[&str]) -> Vec<u8> {
    let mut w = Writer::default();
    w.long(since);
    for list in [data, exist, child] {
        let owned: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        w.strings(&owned);
    }
    w.0
}

/// An event frame's (type, path).
fn event_of(body: &[u8]) -> (i32, String) {
    let mut r = Reader::new(body);
    let kind = r.int().unwrap();
    r.int().unwrap();
    (kind, r.string().unwrap())
}

#[test]
fn watches_set_again_after_a_reconnect_deliver_what_changed_meanwhile() {
    let r = zk_ring("setwatches", 46);
    let (mut a, c) = Raw::connect(r.zk[0], 0, 0, &[0; 16]);
    for (i, path) in ["/sw", "/still"].iter().enumerate() {
        a.send(i as i32 + 1, 1, &create_req(path, b"0", 0));
        assert_eq!(a.recv().2, 0);
    }
    a.send(3, 4, &path_req("/sw", Some(true)));
    let (_, seen, err, _) = a.recv();
    assert_eq!(err, 0);
    drop(a); // the connection is lost; the session lives on
    // Meanwhile, from another client: /sw changes, gets a child, /new appears.
    let (mut b, _) = Raw::connect(r.zk[2], 0, 0, &[0; 16]);
    b.send(1, 5, &set_req("/sw", b"1"));
    b.send(2, 1, &create_req("/sw/kid", b"", 0));
    b.send(3, 1, &create_req("/new", b"", 0));
    let mut last = 0;
    for _ in 0..3 {
        let (_, zxid, err, _) = b.recv();
        assert_eq!(err, 0);
        last = zxid;
    }
    // The client comes back on another server with its session and its watches.
    let (mut a, again) = Raw::connect(r.zk[1], last, c.session, &c.password);
    assert_eq!(again.session, c.session);
    a.send(
        1,
        101,
        &set_watches_req(seen, &["/sw", "/still"], &["/new"], &["/sw"]),
    );
    let mut events = Vec::new();
    let err = loop {
        let (xid, _, err, body) = a.recv();
        if xid == -1 {
            events.push(event_of(&body));
            continue;
        }
        assert_eq!(xid, 1);
        break err;
    };
    assert_eq!(err, 0);
    events.sort();
    assert_eq!(
        events,
        vec![
            (1, "/new".to_owned()), // created
            (3, "/sw".to_owned()),  // data changed
            (4, "/sw".to_owned()),  // children changed
        ],
        "the changes made while away, before the reply"
    );
    // The unchanged node's watch is armed again: it fires on the next change.
    b.send(4, 5, &set_req("/still", b"1"));
    assert_eq!(b.recv().2, 0);
    let (xid, _, _, body) = a.recv();
    assert_eq!((xid, event_of(&body)), (-1, (3, "/still".to_owned())));
}

fn create_with(path: &str, flags: i32, ttl: Option<i64>) -> Vec<u8> {
    let mut w = Writer::default();
    w.string(path)
        .buffer(b"")
        .int(1)
        .int(31)
        .string("world")
        .string("anyone")
        .int(flags);
    if let Some(t) = ttl {
        w.long(t);
    }
    w.0
}

/// Waits for the next event on `c` (replies of other requests are not expected meanwhile).
fn next_event(c: &mut Raw) -> (i32, String) {
    let (xid, _, _, body) = c.recv();
    assert_eq!(xid, -1, "an event");
    event_of(&body)
}

#[test]
fn containers_and_ttl_nodes_are_deleted_by_the_primary_when_due_and_only_then() {
    let r = zk_ring_with("containers", 47, &["--reap-interval-ms", "50"]);
    let (mut c, _) = Raw::connect(r.zk[1], 0, 0, &[0; 16]);
    let mut xid = 0;
    let mut call = |c: &mut Raw, op: i32, body: &[u8]| {
        xid += 1;
        c.send(xid, op, body);
        let (got, _, err, body) = c.recv();
        assert_eq!(got, xid);
        (err, body)
    };
    // A container that never had children stays; one whose last child went is deleted.
    assert_eq!(call(&mut c, 19, &create_with("/idle", 4, None)).0, 0);
    assert_eq!(call(&mut c, 19, &create_with("/box", 4, None)).0, 0);
    assert_eq!(call(&mut c, 1, &create_req("/box/kid", b"", 0)).0, 0);
    assert_eq!(call(&mut c, 3, &path_req("/box", Some(true))).0, 0);
    assert_eq!(
        call(&mut c, 2, &{
            let mut w = Writer::default();
            w.string("/box/kid").int(-1);
            w.0
        })
        .0,
        0
    );
    assert_eq!(
        next_event(&mut c),
        (2, "/box".to_owned()),
        "the emptied container is deleted"
    );
    assert_eq!(
        call(&mut c, 3, &path_req("/idle", Some(false))).0,
        0,
        "a never-used container stays"
    );

    // TTL nodes: deleted once childless and unchanged for their TTL; one with a child stays.
    assert_eq!(call(&mut c, 21, &create_with("/kept", 5, Some(200))).0, 0);
    assert_eq!(call(&mut c, 1, &create_req("/kept/kid", b"", 0)).0, 0);
    assert_eq!(call(&mut c, 21, &create_with("/brief", 5, Some(200))).0, 0);
    assert_eq!(call(&mut c, 3, &path_req("/brief", Some(true))).0, 0);
    assert_eq!(
        next_event(&mut c),
        (2, "/brief".to_owned()),
        "the TTL node expired"
    );
    assert_eq!(
        call(&mut c, 3, &path_req("/kept", Some(false))).0,
        0,
        "a TTL node with a child stays"
    );
    // A sequential TTL node gets its suffix; TTLs out of bounds and TTL flags without a
    // TTL are bad arguments.
    let (err, body) = call(&mut c, 21, &create_with("/seq-", 6, Some(60_000)));
    assert_eq!(err, 0);
    assert!(Reader::new(&body).string().unwrap().starts_with("/seq-00"));
    assert_eq!(call(&mut c, 21, &create_with("/zero", 5, Some(0))).0, -8);
    assert_eq!(
        call(&mut c, 21, &create_with("/huge", 5, Some(1 << 41))).0,
        -8
    );
    assert_eq!(call(&mut c, 1, &create_with("/nottl", 5, None)).0, -8);
}

#[test]
fn a_persistent_recursive_watch_sees_every_change_below_it_and_no_child_lists() {
    let r = zk_ring("recursive", 49);
    let (mut c, _) = Raw::connect(r.zk[0], 0, 0, &[0; 16]);
    let (mut other, _) = Raw::connect(r.zk[2], 0, 0, &[0; 16]);
    c.send(1, 1, &create_req("/r", b"", 0));
    assert_eq!(c.recv().2, 0);
    let mut w = Writer::default();
    w.string("/r").int(1); // PERSISTENT_RECURSIVE
    c.send(2, 106, &w.0);
    assert_eq!(c.recv().2, 0);
    // Another client changes things below /r; this connection hears each, in order.
    for (i, (op, body)) in [
        (1, create_req("/r/a", b"", 0)),
        (1, create_req("/r/a/b", b"", 0)),
        (5, set_req("/r/a/b", b"1")),
        (2, {
            let mut w = Writer::default();
            w.string("/r/a/b").int(-1);
            w.0
        }),
        (1, create_req("/elsewhere", b"", 0)),
        (5, set_req("/r", b"top")),
    ]
    .into_iter()
    .enumerate()
    {
        other.send(i as i32 + 1, op, &body);
        assert_eq!(other.recv().2, 0);
    }
    let heard: Vec<(i32, String)> = (0..5).map(|_| next_event(&mut c)).collect();
    assert_eq!(
        heard,
        vec![
            (1, "/r/a".to_owned()),
            (1, "/r/a/b".to_owned()),
            (3, "/r/a/b".to_owned()),
            (2, "/r/a/b".to_owned()),
            (3, "/r".to_owned()),
        ],
        "creations, changes and deletions below, no child-list events, nothing from elsewhere"
    );
    // removeWatches of any kind removes it.
    let mut w = Writer::default();
    w.string("/r").int(3);
    c.send(3, 18, &w.0);
    assert_eq!(c.recv().2, 0);
}
