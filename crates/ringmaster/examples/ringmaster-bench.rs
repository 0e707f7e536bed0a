//! `cargo xtask bench ringmaster`: keel-ringmaster (three servers on keel-replication)
//! against Apache ZooKeeper (a three-member ensemble), both on loopback with fsync on,
//! under the same workload in one run.
//!
//! Workload: `--clients` callers, each on its own nodes with 64-byte data: creates for
//! `--seconds`, then sets of those nodes, then gets of them. ringmaster through its client
//! library (which follows the primary); ZooKeeper through its binary protocol (jute), one
//! connection per caller, spread over the three members as ZooKeeper clients are.
//! Then: a ringmaster server's time from process start to ready with one million nodes
//! (its checkpoint) on disk.
//!
//! Servers are this program re-executed as `serve ...` (the ringmaster command line).
//! Usage: ringmaster-bench --zookeeper-jar PATH [--clients N] [--seconds S]
//! The last line compares create throughput as JSON.

use keel_replication::StateMachine;
use keel_replication::checkpoint::{self, Header};
use keel_replication::types::{Member, Membership};
use keel_ringmaster::client::Client;
use keel_ringmaster::proto::{CreateMode, Op};
use keel_ringmaster::store::TreeSm;
use keel_ringmaster::tree::{Tree, Txn};
use keel_service::load::Load;
use keel_testkit::{Children, LocalRing, flag, flag_number, free_port};
use std::io::{BufReader, BufWriter, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
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
}

const PHASES: [Phase; 4] = [Phase::Warm, Phase::Create, Phase::Set, Phase::Get];

fn node(phase: Phase, c: usize, i: u64, made: u64) -> String {
    match phase {
        Phase::Warm => format!("/bench/warm{c}-{i}"),
        Phase::Create => format!("/bench/c{c}-{i}"),
        Phase::Set | Phase::Get => format!("/bench/c{c}-{}", i % made.max(1)),
    }
}

// ---- ringmaster ---------------------------------------------------------------------------

fn ringmaster_load(clients: usize, seconds: u64, root: &Path) -> Vec<Load> {
    let args = ["--election-timeout-ms", "1000", "--heartbeat-ms", "100"];
    let mut ring = LocalRing::new(
        std::env::current_exe().unwrap(),
        root.join("rm"),
        CLUSTER,
        3,
        &args,
    )
    .announce_servers();
    ring.start_all();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let servers = ring.servers();
    rt.block_on(async {
        let (client, _) =
            Client::connect(servers, Duration::from_secs(30), Duration::from_secs(30))
                .await
                .unwrap();
        let client = Arc::new(client);
        client
            .create("/bench", b"", CreateMode::Persistent)
            .await
            .unwrap();
        let mut results = Vec::new();
        let counts = Arc::new(
            (0..clients)
                .map(|_| std::sync::atomic::AtomicU64::new(0))
                .collect::<Vec<_>>(),
        );
        for phase in PHASES {
            let started = Instant::now();
            let deadline = started + Duration::from_secs(seconds);
            let mut tasks = Vec::new();
            for c in 0..clients {
                let (client, counts) = (client.clone(), counts.clone());
                tasks.push(tokio::spawn(async move {
                    let (mut lat, mut errors, data) = (Vec::new(), 0u64, vec![b'd'; 64]);
                    let made = counts[c].load(std::sync::atomic::Ordering::Relaxed);
                    let mut i = 0u64;
                    while Instant::now() < deadline {
                        let t = Instant::now();
                        let path = node(phase, c, i, made);
                        let ok = match phase {
                            Phase::Warm | Phase::Create => client
                                .create(&path, &data, CreateMode::Persistent)
                                .await
                                .is_ok(),
                            Phase::Set => client.set(&path, &data, None).await.is_ok(),
                            Phase::Get => {
                                client.call(Op::GetData { path, watch: None }).await.is_ok()
                            }
                        };
                        if ok {
                            lat.push(t.elapsed().as_micros() as u64)
                        } else {
                            errors += 1
                        }
                        i += 1;
                    }
                    if phase == Phase::Create {
                        counts[c].store(i, std::sync::atomic::Ordering::Relaxed);
                    }
                    (lat, errors)
                }));
            }
            let mut parts = Vec::new();
            for t in tasks {
                parts.push(t.await.unwrap());
            }
            results.push(Load::merged(parts, started.elapsed()));
        }
        results
    })
}

// ---- ZooKeeper ----------------------------------------------------------------------------

struct Ensemble {
    _children: Children,
    clients: Vec<SocketAddr>,
}

fn start_zookeeper(jar: &str, root: &Path) -> Ensemble {
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
        let child = Command::new("java")
            .args([
                "-Xmx2g",
                "-cp",
                jar,
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
        self.xid += 1;
        let mut msg = Vec::with_capacity(body.len() + 8);
        msg.extend_from_slice(&self.xid.to_be_bytes());
        msg.extend_from_slice(&op.to_be_bytes());
        msg.extend_from_slice(body);
        self.send(&msg)?;
        loop {
            let reply = self.receive()?;
            let xid = i32::from_be_bytes(reply[..4].try_into().unwrap());
            if xid == self.xid {
                return Ok(i32::from_be_bytes(reply[12..16].try_into().unwrap()));
            }
        }
    }

    fn create(&mut self, path: &str, data: &[u8]) -> std::io::Result<i32> {
        let mut b = Vec::new();
        put_str(&mut b, path.as_bytes());
        put_str(&mut b, data);
        b.extend_from_slice(&1i32.to_be_bytes()); // one ACL: world:anyone, all permissions
        b.extend_from_slice(&31i32.to_be_bytes());
        put_str(&mut b, b"world");
        put_str(&mut b, b"anyone");
        b.extend_from_slice(&0i32.to_be_bytes()); // persistent
        self.request(1, &b)
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

fn zookeeper_load(ensemble: &Ensemble, clients: usize, seconds: u64) -> Vec<Load> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let ready = ensemble.clients.iter().all(|a| {
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
    let mut zk = Zk::connect(ensemble.clients[0]).unwrap();
    assert!(
        matches!(zk.create("/bench", b"").unwrap(), 0 | -110),
        "ZooKeeper create /bench"
    );
    let mut made = vec![0u64; clients];
    let mut results = Vec::new();
    for phase in PHASES {
        let started = Instant::now();
        let deadline = started + Duration::from_secs(seconds);
        let threads: Vec<_> = (0..clients)
            .map(|c| {
                let addr = ensemble.clients[c % ensemble.clients.len()];
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
    let jar = flag("--zookeeper-jar").expect(
        "--zookeeper-jar PATH (Debian: apt-get install zookeeper; /usr/share/java/zookeeper.jar)",
    );
    let clients = flag_number("--clients", 32) as usize;
    let seconds = flag_number("--seconds", 5);
    let million = flag_number("--nodes", 1_000_000);
    let root = std::env::temp_dir().join(format!("keel-ringmaster-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();

    let rm = ringmaster_load(clients, seconds, &root);
    let zk = {
        let ensemble = start_zookeeper(&jar, &root);
        zookeeper_load(&ensemble, clients, seconds)
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
