//! `cargo xtask bench ringmaster`: keel-ringmaster (three servers on keel-replication)
//! against Apache ZooKeeper (a three-member ensemble), both on loopback with fsync on,
//! under the same workload in one run.
//!
//! Workload: `--clients` callers, each on its own nodes with 64-byte data: creates for
//! `--seconds`, then sets of those nodes, then gets of them, then cycles of ZooKeeper's
//! lock recipe (an ephemeral sequential node, the children, a watch on the predecessor
//! until it goes, delete: four callers per lock). Both systems through the same client:
//! ZooKeeper's binary protocol (jute), one connection per caller, spread over the three
//! servers as ZooKeeper clients are (ringmaster's `--zk-addr` listeners).
//! Then: a ringmaster server's time from process start to ready with one million nodes
//! (its checkpoint) on disk.
//!
//! Servers are this program re-executed as `serve ...` (the ringmaster command line).
//! Usage: ringmaster-bench --zookeeper RUNNER [--clients N] [--seconds S]
//! (RUNNER: a script running a Java class with ZooKeeper on the class path; `cargo xtask
//! bench ringmaster` makes one from Debian's package.)
//! The last line compares create throughput as JSON.

use keel_replication::StateMachine;
use keel_replication::checkpoint::{self, Header};
use keel_replication::types::{Member, Membership};
use keel_ringmaster::proto::{CreateMode, Op};
use keel_ringmaster::store::TreeSm;
use keel_ringmaster::tree::{Tree, Txn};
use keel_service::load::Load;
use keel_testkit::{Children, LocalRing, flag, flag_number, free_port};
use std::io::{BufReader, BufWriter, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CLUSTER: u64 = 77;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    /// Unmeasured creates under other names, so ZooKeeper's JIT and both systems' caches are
    /// warm before anything is timed.
    Warm,
    Create,
    Set,
    Get,
    /// Lock recipe cycles, `LOCK_SHARERS` callers per lock.
    Lock,
}

const PHASES: [Phase; 5] = [
    Phase::Warm,
    Phase::Create,
    Phase::Set,
    Phase::Get,
    Phase::Lock,
];
const LOCK_SHARERS: usize = 4;

fn node(phase: Phase, c: usize, i: u64, made: u64) -> String {
    match phase {
        Phase::Warm => format!("/bench/warm{c}-{i}"),
        Phase::Create => format!("/bench/c{c}-{i}"),
        Phase::Set | Phase::Get => format!("/bench/c{c}-{}", i % made.max(1)),
        Phase::Lock => format!("/bench/lock{}", c / LOCK_SHARERS),
    }
}

// ---- ringmaster ---------------------------------------------------------------------------

/// A three-server ring with a ZooKeeper listener on each; kept running while it is held.
fn start_ringmaster(root: &Path) -> (LocalRing, Vec<SocketAddr>) {
    let secret = root.join("zk-secret");
    std::fs::create_dir_all(root).unwrap();
    std::fs::write(&secret, b"the bench ring's shared secret").unwrap();
    let args = [
        "--election-timeout-ms",
        "1000",
        "--heartbeat-ms",
        "100",
        "--zk-secret-file",
        secret.to_str().unwrap(),
    ];
    let zk: Vec<SocketAddr> = (0..3).map(|_| free_port()).collect();
    let zk_args: Vec<String> = zk.iter().map(|a| a.to_string()).collect();
    let mut ring = LocalRing::new(
        std::env::current_exe().unwrap(),
        root.join("rm"),
        CLUSTER,
        3,
        &args,
    )
    .announce_servers()
    .per_replica("--zk-addr", &zk_args);
    ring.start_all();
    (ring, zk)
}

// ---- ZooKeeper ----------------------------------------------------------------------------

struct Ensemble {
    _children: Children,
    clients: Vec<SocketAddr>,
}

fn start_zookeeper(runner: &str, root: &Path) -> Ensemble {
    let quorum: Vec<(SocketAddr, SocketAddr)> =
        (0..3).map(|_| (free_port(), free_port())).collect();
    let clients: Vec<SocketAddr> = (0..3).map(|_| free_port()).collect();
    let mut children = Vec::new();
    for (i, client) in clients.iter().enumerate() {
        let dir = root.join(format!("zk{}", i + 1));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("myid"), format!("{}\n", i + 1)).unwrap();
        let mut cfg = format!(
            "tickTime=2000\ninitLimit=10\nsyncLimit=5\ndataDir={}\nclientPort={}\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\nmaxClientCnxns=0\n",
            dir.display(),
            client.port()
        );
        for (j, (peer, election)) in quorum.iter().enumerate() {
            cfg += &format!(
                "server.{}=127.0.0.1:{}:{}\n",
                j + 1,
                peer.port(),
                election.port()
            );
        }
        let path = dir.join("zoo.cfg");
        std::fs::write(&path, cfg).unwrap();
        let child = Command::new(runner)
            .args([
                "-Xmx2g",
                "org.apache.zookeeper.server.quorum.QuorumPeerMain",
            ])
            .arg(&path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting java (ZooKeeper)");
        children.push(child);
    }
    Ensemble {
        _children: Children(children),
        clients,
    }
}

/// A ZooKeeper client speaking the jute protocol, one request at a time.
struct Zk {
    r: BufReader<TcpStream>,
    w: BufWriter<TcpStream>,
    xid: i32,
    /// Watch events received and not yet waited for.
    events: usize,
}

/// The jute string at `at` in `b`, and where the next field starts.
fn string_at(b: &[u8], at: usize) -> (String, usize) {
    let n = i32::from_be_bytes(b[at..at + 4].try_into().unwrap()).max(0) as usize;
    (
        String::from_utf8_lossy(&b[at + 4..at + 4 + n]).into_owned(),
        at + 4 + n,
    )
}

fn put_str(b: &mut Vec<u8>, s: &[u8]) {
    b.extend_from_slice(&(s.len() as i32).to_be_bytes());
    b.extend_from_slice(s);
}

impl Zk {
    fn connect(addr: SocketAddr) -> std::io::Result<Zk> {
        let s = TcpStream::connect(addr)?;
        s.set_nodelay(true)?;
        s.set_read_timeout(Some(Duration::from_secs(30)))?;
        let mut zk = Zk {
            r: BufReader::new(s.try_clone()?),
            w: BufWriter::new(s),
            xid: 0,
            events: 0,
        };
        let mut body = Vec::new();
        body.extend_from_slice(&0i32.to_be_bytes()); // protocol version
        body.extend_from_slice(&0i64.to_be_bytes()); // last zxid seen
        body.extend_from_slice(&30_000i32.to_be_bytes()); // session timeout
        body.extend_from_slice(&0i64.to_be_bytes()); // session id
        put_str(&mut body, &[0; 16]); // password
        body.push(0); // read-only: no
        zk.send(&body)?;
        zk.receive()?;
        Ok(zk)
    }

    fn send(&mut self, body: &[u8]) -> std::io::Result<()> {
        self.w.write_all(&(body.len() as i32).to_be_bytes())?;
        self.w.write_all(body)?;
        self.w.flush()
    }

    fn receive(&mut self) -> std::io::Result<Vec<u8>> {
        let mut len = [0u8; 4];
        self.r.read_exact(&mut len)?;
        let mut buf = vec![0u8; i32::from_be_bytes(len) as usize];
        self.r.read_exact(&mut buf)?;
        Ok(buf)
    }

    /// One request of `op` type; returns ZooKeeper's error code (0 is success).
    fn request(&mut self, op: i32, body: &[u8]) -> std::io::Result<i32> {
        Ok(self.request_body(op, body)?.0)
    }

    /// One request; its error code and reply record. Watch events that arrive meanwhile
    /// are counted in `events`.
    fn request_body(&mut self, op: i32, body: &[u8]) -> std::io::Result<(i32, Vec<u8>)> {
        self.xid += 1;
        let mut msg = Vec::with_capacity(body.len() + 8);
        msg.extend_from_slice(&self.xid.to_be_bytes());
        msg.extend_from_slice(&op.to_be_bytes());
        msg.extend_from_slice(body);
        self.send(&msg)?;
        loop {
            let reply = self.receive()?;
            let xid = i32::from_be_bytes(reply[..4].try_into().unwrap());
            if xid == -1 {
                self.events += 1;
            }
            if xid == self.xid {
                let err = i32::from_be_bytes(reply[12..16].try_into().unwrap());
                return Ok((err, reply[16..].to_vec()));
            }
        }
    }

    /// Waits for a watch event (one may have come with an earlier reply).
    fn wait_event(&mut self) -> std::io::Result<()> {
        while self.events == 0 {
            let reply = self.receive()?;
            if i32::from_be_bytes(reply[..4].try_into().unwrap()) == -1 {
                self.events += 1;
            }
        }
        self.events -= 1;
        Ok(())
    }

    fn create(&mut self, path: &str, data: &[u8]) -> std::io::Result<i32> {
        Ok(self.create_mode(path, data, 0)?.0)
    }

    /// A create with `flags` (3: ephemeral sequential); the error code and the path made.
    fn create_mode(
        &mut self,
        path: &str,
        data: &[u8],
        flags: i32,
    ) -> std::io::Result<(i32, String)> {
        let mut b = Vec::new();
        put_str(&mut b, path.as_bytes());
        put_str(&mut b, data);
        b.extend_from_slice(&1i32.to_be_bytes()); // one ACL: world:anyone, all permissions
        b.extend_from_slice(&31i32.to_be_bytes());
        put_str(&mut b, b"world");
        put_str(&mut b, b"anyone");
        b.extend_from_slice(&flags.to_be_bytes());
        let (err, body) = self.request_body(1, &b)?;
        let made = if err == 0 {
            string_at(&body, 0).0
        } else {
            String::new()
        };
        Ok((err, made))
    }

    fn children(&mut self, path: &str) -> std::io::Result<(i32, Vec<String>)> {
        let mut b = Vec::new();
        put_str(&mut b, path.as_bytes());
        b.push(0);
        let (err, body) = self.request_body(8, &b)?;
        let mut names = Vec::new();
        if err == 0 {
            let n = i32::from_be_bytes(body[..4].try_into().unwrap());
            let mut at = 4;
            for _ in 0..n {
                let (s, next) = string_at(&body, at);
                names.push(s);
                at = next;
            }
        }
        Ok((err, names))
    }

    fn exists_watch(&mut self, path: &str) -> std::io::Result<i32> {
        let mut b = Vec::new();
        put_str(&mut b, path.as_bytes());
        b.push(1);
        self.request(3, &b)
    }

    fn delete(&mut self, path: &str) -> std::io::Result<i32> {
        let mut b = Vec::new();
        put_str(&mut b, path.as_bytes());
        b.extend_from_slice(&(-1i32).to_be_bytes());
        self.request(2, &b)
    }

    /// One cycle of ZooKeeper's lock recipe on `dir`: take it, then release it.
    fn lock_cycle(&mut self, dir: &str) -> std::io::Result<bool> {
        let (err, mine) = self.create_mode(&format!("{dir}/l-"), b"", 3)?;
        if err != 0 {
            return Ok(false);
        }
        let name = mine.rsplit('/').next().unwrap_or_default().to_owned();
        loop {
            let (err, mut names) = self.children(dir)?;
            if err != 0 {
                return Ok(false);
            }
            names.sort_by_key(|n| n.rsplit('-').next().unwrap_or_default().to_owned());
            let at = names.iter().position(|n| *n == name).unwrap_or(0);
            if at == 0 {
                break; // held
            }
            match self.exists_watch(&format!("{dir}/{}", names[at - 1]))? {
                0 => self.wait_event()?,
                _ => continue, // gone already
            }
        }
        Ok(self.delete(&mine)? == 0)
    }

    fn set(&mut self, path: &str, data: &[u8]) -> std::io::Result<i32> {
        let mut b = Vec::new();
        put_str(&mut b, path.as_bytes());
        put_str(&mut b, data);
        b.extend_from_slice(&(-1i32).to_be_bytes());
        self.request(5, &b)
    }

    fn get(&mut self, path: &str) -> std::io::Result<i32> {
        let mut b = Vec::new();
        put_str(&mut b, path.as_bytes());
        b.push(0);
        self.request(4, &b)
    }
}

/// The workload through ZooKeeper's protocol against `servers` (ZooKeeper's or ringmaster's).
fn zk_load(servers: &[SocketAddr], clients: usize, seconds: u64) -> Vec<Load> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let ready = servers.iter().all(|a| {
            Zk::connect(*a)
                .and_then(|mut z| z.get("/"))
                .is_ok_and(|e| e == 0)
        });
        if ready {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "ZooKeeper did not serve within 60 s"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let mut zk = Zk::connect(servers[0]).unwrap();
    assert!(
        matches!(zk.create("/bench", b"").unwrap(), 0 | -110),
        "create /bench"
    );
    for l in 0..clients.div_ceil(LOCK_SHARERS) {
        assert!(matches!(
            zk.create(&format!("/bench/lock{l}"), b"").unwrap(),
            0 | -110
        ));
    }
    let mut made = vec![0u64; clients];
    let mut results = Vec::new();
    for phase in PHASES {
        let started = Instant::now();
        let deadline = started + Duration::from_secs(seconds);
        let threads: Vec<_> = (0..clients)
            .map(|c| {
                let addr = servers[c % servers.len()];
                let have = made[c];
                std::thread::spawn(move || {
                    let mut zk = Zk::connect(addr).unwrap();
                    let (mut lat, mut errors, data) = (Vec::new(), 0u64, vec![b'd'; 64]);
                    let mut i = 0u64;
                    while Instant::now() < deadline {
                        let path = node(phase, c, i, have);
                        let t = Instant::now();
                        let r = match phase {
                            Phase::Warm | Phase::Create => zk.create(&path, &data),
                            Phase::Set => zk.set(&path, &data),
                            Phase::Get => zk.get(&path),
                            Phase::Lock => zk.lock_cycle(&path).map(|ok| if ok { 0 } else { -1 }),
                        };
                        if matches!(r, Ok(0)) {
                            lat.push(t.elapsed().as_micros() as u64)
                        } else {
                            errors += 1
                        }
                        i += 1;
                    }
                    (lat, errors, i)
                })
            })
            .collect();
        let mut parts = Vec::new();
        for (c, t) in threads.into_iter().enumerate() {
            let (l, e, i) = t.join().unwrap();
            parts.push((l, e));
            if phase == Phase::Create {
                made[c] = i;
            }
        }
        results.push(Load::merged(parts, started.elapsed()));
    }
    results
}

// ---- cold start with a million nodes -------------------------------------------------------

fn cold_start(root: &Path, nodes: u64) -> (u64, Duration) {
    let args = ["--election-timeout-ms", "1000"];
    let mut ring = LocalRing::new(
        std::env::current_exe().unwrap(),
        root.join("cold"),
        CLUSTER,
        3,
        &args,
    )
    .announce_servers();
    let dir = root.join("cold").join("r1");
    // The replica's directory, made as `serve --init` would, holding the prepared state.
    keel_replication::storage::FsDisk::init(&dir, CLUSTER, 1).unwrap();
    let mut tree = Tree::default();
    for i in 0..nodes {
        let path = if i < 1000 {
            format!("/n{i}")
        } else {
            format!("/n{}/c{i}", i % 1000)
        };
        let op = Op::Create {
            path,
            data: vec![b'd'; 64],
            mode: CreateMode::Persistent,
            make_parents: false,
            ok_if_exists: false,
        };
        tree.apply(&Txn {
            session: 0,
            time_ms: 0,
            op,
        })
        .expect("building the tree");
    }
    tree.events.clear();
    let members = Membership::new(
        ring.peers
            .iter()
            .enumerate()
            .map(|(i, a)| Member::new(i as u64 + 1, a.to_string()))
            .collect(),
    );
    let seq = 1000;
    let header = Header {
        cluster: CLUSTER,
        seq,
        membership: members,
    };
    let sm = TreeSm::new(tree);
    let mut file = std::fs::File::create(dir.join(format!("checkpoint-{seq:020}"))).unwrap();
    checkpoint::write(&mut file, &header, &mut |out| sm.save(out)).unwrap();
    file.sync_all().unwrap();
    let bytes = file.metadata().unwrap().len();
    drop(file);
    let ready = ring.start(0);
    ring.kill(0);
    (bytes, ready)
}

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.first().map(String::as_str) == Some("serve") {
        if let Err(e) = keel_ringmaster::cli::run(argv) {
            eprintln!("server: {e:#}");
            std::process::exit(2);
        }
        return;
    }
    let runner = flag("--zookeeper").expect(
        "--zookeeper RUNNER (a script running a Java class with ZooKeeper on the class path; `cargo xtask bench ringmaster` makes it)",
    );
    let clients = flag_number("--clients", 32) as usize;
    let seconds = flag_number("--seconds", 5);
    let million = flag_number("--nodes", 1_000_000);
    let root = std::env::temp_dir().join(format!("keel-ringmaster-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();

    let rm = {
        let (_ring, servers) = start_ringmaster(&root);
        zk_load(&servers, clients, seconds)
    };
    let zk = {
        let ensemble = start_zookeeper(&runner, &root);
        zk_load(&ensemble.clients, clients, seconds)
    };
    for (i, phase) in PHASES.iter().enumerate().skip(1) {
        let (r, z) = (rm[i], zk[i]);
        println!(
            "{{\"suite\":\"ringmaster\",\"op\":\"{phase:?}\",\"clients\":{clients},\"ringmaster_ops_per_sec\":{:.1},\"ringmaster_p99_us\":{},\"ringmaster_errors\":{},\"zookeeper_ops_per_sec\":{:.1},\"zookeeper_p99_us\":{},\"zookeeper_errors\":{},\"ratio\":{:.3},\"p99_ratio\":{:.3}}}",
            r.per_sec,
            r.p99_us,
            r.errors,
            z.per_sec,
            z.p99_us,
            z.errors,
            r.per_sec / z.per_sec.max(1e-9),
            r.p99_us as f64 / z.p99_us.max(1) as f64
        );
        eprintln!(
            "{phase:?}: ringmaster {:.0}/s (p50 {} µs, p99 {} µs), ZooKeeper {:.0}/s (p50 {} µs, p99 {} µs): {:.2}x, p99 {:.2}x",
            r.per_sec,
            r.p50_us,
            r.p99_us,
            z.per_sec,
            z.p50_us,
            z.p99_us,
            r.per_sec / z.per_sec.max(1e-9),
            r.p99_us as f64 / z.p99_us.max(1) as f64
        );
    }
    let (bytes, ready) = cold_start(&root, million);
    println!(
        "{{\"suite\":\"ringmaster\",\"metric\":\"start to ready with {million} nodes\",\"checkpoint_bytes\":{bytes},\"value\":{},\"unit\":\"ms\"}}",
        ready.as_millis()
    );
    let _ = std::fs::remove_dir_all(&root);
    println!(
        "{{\"suite\":\"ringmaster\",\"metric\":\"creates/s ({clients} clients, 64 B)\",\"value\":{:.1},\"unit\":\"ops/s\",\"baseline\":{:.1},\"ratio\":{:.3}}}",
        rm[1].per_sec,
        zk[1].per_sec,
        rm[1].per_sec / zk[1].per_sec.max(1e-9)
    );
}
