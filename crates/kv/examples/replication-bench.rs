//! `cargo xtask bench replication`: keel-replication (three keel-kv replicas) against etcd
//! (three members), both on loopback with fsync on, under the same put load in one run.
//!
//! 1. Committed puts/s and p50/p99 latency: `--clients` concurrent callers, each putting
//!    64-byte values under fresh keys for `--seconds`. keel-kv through its client (which
//!    follows the primary with keel-tracker); etcd through its HTTP/JSON gateway on the
//!    leader (`POST /v3/kv/put`, keep-alive), one connection per caller.
//! 2. Failover: SIGKILL keel-kv's primary under load; the time until a put begun after the
//!    kill is acknowledged by the new primary.
//! 3. Cold start: a replica whose data directory holds a 1 GiB checkpoint, from process
//!    start to ready (checkpoint verified and loaded, listening).
//! 4. State transfer: an empty replica joining two that hold that checkpoint (and no log
//!    before it), from process start until it has fetched, verified and loaded it; with the
//!    peak memory of sender and receiver.
//!
//! Replicas are this program re-executed as `serve ...` (the keel-kv command line).
//! Usage: replication-bench --etcd PATH [--clients N] [--seconds S] [--size BYTES]
//! The last line is the comparison as JSON.

use keel_kv::client::Client;
use keel_replication::checkpoint::{self, Header};
use keel_replication::types::{Member, Membership};
use keel_service::load::Load;
use keel_testkit::{Children, LocalRing, flag, flag_number, free_port};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CLUSTER: u64 = 4242;
const ELECTION_MS: u64 = 1000;

// ---- keel-kv ------------------------------------------------------------------------------

/// Three replicas: this program, re-executed as `serve ...`.
fn keel_ring(root: &Path) -> LocalRing {
    let election = ELECTION_MS.to_string();
    let args = [
        "--election-timeout-ms",
        election.as_str(),
        "--heartbeat-ms",
        "100",
    ];
    LocalRing::new(
        std::env::current_exe().unwrap(),
        root.join("keel"),
        CLUSTER,
        3,
        &args,
    )
}

fn kv_load(
    rt: &tokio::runtime::Runtime,
    client: &Arc<Client>,
    clients: usize,
    seconds: u64,
    size: usize,
) -> Load {
    rt.block_on(async {
        // Warm up: the first put waits for the election.
        client
            .put(b"warm-up", b"x")
            .await
            .expect("keel-kv accepts a put");
        let started = Instant::now();
        let deadline = started + Duration::from_secs(seconds);
        let mut tasks = Vec::new();
        for c in 0..clients {
            let client = client.clone();
            tasks.push(tokio::spawn(async move {
                let (mut lat, mut errors, value) = (Vec::new(), 0u64, vec![b'v'; size]);
                let mut i = 0u64;
                while Instant::now() < deadline {
                    let t = Instant::now();
                    match client
                        .put(format!("bench-{c}-{i}").as_bytes(), &value)
                        .await
                    {
                        Ok(_) => lat.push(t.elapsed().as_micros() as u64),
                        Err(_) => errors += 1,
                    }
                    i += 1;
                }
                (lat, errors)
            }));
        }
        let mut parts = Vec::new();
        for t in tasks {
            parts.push(t.await.unwrap());
        }
        Load::merged(parts, started.elapsed())
    })
}

/// Kills the primary while callers keep writing; returns kill-to-first-acknowledged-put.
fn failover(rt: &tokio::runtime::Runtime, kv: &mut LocalRing, client: &Arc<Client>) -> Duration {
    rt.block_on(async {
        let primary = client.primary().await.expect("a primary") as usize - 1;
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut writers = Vec::new();
        for w in 0..8 {
            let (client, stop) = (client.clone(), stop.clone());
            writers.push(tokio::spawn(async move {
                let mut i = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let _ = client.put(format!("fo-{w}-{i}").as_bytes(), b"v").await;
                    i += 1;
                }
            }));
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        let killed = Instant::now();
        kv.kill(primary);
        // A put begun after the kill can only be acknowledged by a new primary.
        client
            .put(b"after-the-kill", b"v")
            .await
            .expect("a new primary serves");
        let took = killed.elapsed();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for w in writers {
            let _ = w.await;
        }
        took
    })
}

// ---- etcd ---------------------------------------------------------------------------------

struct Etcd {
    _children: Children,
    clients: Vec<SocketAddr>,
}

fn start_etcd(bin: &str, root: &Path) -> Etcd {
    let peers: Vec<SocketAddr> = (0..3).map(|_| free_port()).collect();
    let clients: Vec<SocketAddr> = (0..3).map(|_| free_port()).collect();
    let initial = peers
        .iter()
        .enumerate()
        .map(|(i, p)| format!("e{i}=http://{p}"))
        .collect::<Vec<_>>()
        .join(",");
    let mut children = Vec::new();
    for i in 0..3 {
        let child = Command::new(bin)
            .args(["--name", &format!("e{i}")])
            .arg("--data-dir")
            .arg(root.join(format!("etcd{i}")))
            .args(["--listen-peer-urls", &format!("http://{}", peers[i])])
            .args([
                "--initial-advertise-peer-urls",
                &format!("http://{}", peers[i]),
            ])
            .args(["--listen-client-urls", &format!("http://{}", clients[i])])
            .args(["--advertise-client-urls", &format!("http://{}", clients[i])])
            .args([
                "--initial-cluster",
                &initial,
                "--initial-cluster-state",
                "new",
            ])
            .args([
                "--initial-cluster-token",
                "keel-bench",
                "--log-level",
                "error",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {bin}: {e}"));
        children.push(child);
    }
    Etcd {
        _children: Children(children),
        clients,
    }
}

fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// One keep-alive HTTP/1.1 connection.
struct Http {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Http {
    fn connect(addr: SocketAddr) -> std::io::Result<Http> {
        let s = TcpStream::connect(addr)?;
        s.set_nodelay(true)?;
        s.set_read_timeout(Some(Duration::from_secs(10)))?;
        Ok(Http {
            reader: BufReader::new(s.try_clone()?),
            writer: s,
        })
    }

    /// POSTs `body`; returns the status and the response body.
    fn post(&mut self, path: &str, body: &str) -> std::io::Result<(u16, String)> {
        write!(
            self.writer,
            "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )?;
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let (mut length, mut chunked) = (0usize, false);
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let l = line.trim_end().to_ascii_lowercase();
            if l.is_empty() {
                break;
            }
            if let Some(v) = l.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
            if l.starts_with("transfer-encoding:") && l.contains("chunked") {
                chunked = true;
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.reader.read_line(&mut line)?;
                let n = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
                let mut chunk = vec![0; n + 2];
                self.reader.read_exact(&mut chunk)?;
                if n == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..n]);
            }
        } else {
            body.resize(length, 0);
            self.reader.read_exact(&mut body)?;
        }
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }
}

/// Waits for the cluster to elect, and returns the leader's client address.
fn etcd_leader(etcd: &Etcd) -> SocketAddr {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        for &addr in &etcd.clients {
            let Ok(mut http) = Http::connect(addr) else {
                continue;
            };
            let Ok((200, body)) = http.post("/v3/maintenance/status", "{}") else {
                continue;
            };
            let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
            let me = v["header"]["member_id"].as_str().map(str::to_string);
            if me.is_some() && me.as_deref() == v["leader"].as_str() {
                return addr;
            }
        }
        assert!(
            Instant::now() < deadline,
            "etcd elected no leader within 30 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn etcd_load(leader: SocketAddr, clients: usize, seconds: u64, size: usize) -> Load {
    let value = base64(&vec![b'v'; size]);
    let mut warm = Http::connect(leader).unwrap();
    let body = format!(
        "{{\"key\":\"{}\",\"value\":\"{value}\"}}",
        base64(b"warm-up")
    );
    assert_eq!(
        warm.post("/v3/kv/put", &body).unwrap().0,
        200,
        "etcd accepts a put"
    );
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let value = value.clone();
            std::thread::spawn(move || {
                let mut http = Http::connect(leader).unwrap();
                let (mut lat, mut errors) = (Vec::new(), 0u64);
                let mut i = 0u64;
                while Instant::now() < deadline {
                    let body = format!(
                        "{{\"key\":\"{}\",\"value\":\"{value}\"}}",
                        base64(format!("bench-{c}-{i}").as_bytes())
                    );
                    let t = Instant::now();
                    match http.post("/v3/kv/put", &body) {
                        Ok((200, _)) => lat.push(t.elapsed().as_micros() as u64),
                        _ => {
                            errors += 1;
                            http = Http::connect(leader).unwrap();
                        }
                    }
                    i += 1;
                }
                (lat, errors)
            })
        })
        .collect();
    let parts: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    Load::merged(parts, started.elapsed())
}

// ---- cold start and state transfer ---------------------------------------------------------

/// What the checkpoint phase measured.
struct Transfer {
    bytes: u64,
    /// Process start to ready, verifying and loading the checkpoint from disk.
    ready: Duration,
    /// Process start of an empty replica until it has executed the checkpoint's slot,
    /// fetched from the primary over TCP.
    caught_up: Duration,
    /// Peak resident memory (KiB) of the sender and the receiver: the 1 GiB state each
    /// holds, plus what the transfer costs.
    sender_peak_kib: u64,
    receiver_peak_kib: u64,
}

/// Writes a 1 GiB keel-kv checkpoint (16,384 keys of 64 KiB) into two of three fresh
/// replica directories, as a ring that truncated its log would have it. Times one of them
/// from process start to ready, then the empty third until it caught up by state transfer.
fn checkpoint_phase(rt: &tokio::runtime::Runtime, root: &Path) -> Transfer {
    const SEQ: u64 = 1_000;
    let election = ELECTION_MS.to_string();
    let mut ring = LocalRing::new(
        std::env::current_exe().unwrap(),
        root.join("cold"),
        CLUSTER,
        3,
        &["--election-timeout-ms", election.as_str()],
    );
    let members = Membership::new(
        ring.peers
            .iter()
            .enumerate()
            .map(|(i, a)| Member::new(i as u64 + 1, a.to_string()))
            .collect(),
    );
    let (keys, value) = (16_384u64, vec![0xabu8; 64 << 10]);
    let header = Header {
        cluster: CLUSTER,
        seq: SEQ,
        membership: members,
    };
    let name = format!("checkpoint-{SEQ:020}");
    let first = root.join("cold").join("r1");
    // The replica's directory, made as `serve --init` would, holding the prepared state.
    keel_replication::storage::FsDisk::init(&first, CLUSTER, 1).unwrap();
    let mut file = std::fs::File::create(first.join(&name)).unwrap();
    checkpoint::write(&mut file, &header, &mut |out| {
        out.write_all(&keys.to_le_bytes())?;
        for k in 0..keys {
            let key = format!("key-{k:08}");
            out.write_all(&(key.len() as u32).to_le_bytes())?;
            out.write_all(key.as_bytes())?;
            out.write_all(&(value.len() as u32).to_le_bytes())?;
            out.write_all(&value)?;
        }
        Ok(())
    })
    .unwrap();
    file.sync_all().unwrap();
    let bytes = file.metadata().unwrap().len();
    drop(file);
    let second = root.join("cold").join("r2");
    keel_replication::storage::FsDisk::init(&second, CLUSTER, 2).unwrap();
    std::fs::copy(first.join(&name), second.join(&name)).unwrap();

    let ready = ring.start(0);
    ring.start(1);
    let client = rt.block_on(async { Client::new(ring.servers(), Duration::from_secs(30)) });
    // A put waits (bounded) for replicas 1 and 2 to elect a primary.
    rt.block_on(client.put(b"transfer", b"after the checkpoint"))
        .expect("replicas 1 and 2 elect a primary and commit");
    let sender = rt.block_on(client.primary()).expect("a primary") as usize - 1;
    let started = Instant::now();
    ring.start(2);
    let executed = |id: u64| {
        rt.block_on(client.status())
            .into_iter()
            .find(|(i, _)| *i == id)
            .and_then(|(_, s)| s.ok())
            .map_or(0, |s| s.executed)
    };
    while executed(3) < SEQ {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "replica 3 did not catch up within 300 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let caught_up = started.elapsed();
    let peak = |i: usize| ring.pid(i).map_or(0, peak_kib);
    let (sender_peak_kib, receiver_peak_kib) = (peak(sender), peak(2));
    for i in 0..3 {
        ring.kill(i);
    }
    Transfer {
        bytes,
        ready,
        caught_up,
        sender_peak_kib,
        receiver_peak_kib,
    }
}

/// A process's peak resident memory in KiB (Linux: VmHWM).
fn peak_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.split_whitespace().next()?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.first().map(String::as_str) == Some("serve") {
        if let Err(e) = keel_kv::cli::run(argv) {
            eprintln!("replica: {e:#}");
            std::process::exit(2);
        }
        return;
    }
    let etcd_bin =
        flag("--etcd").expect("--etcd PATH: the etcd server (Debian: apt-get install etcd-server)");
    let clients = flag_number("--clients", 64) as usize;
    let seconds = flag_number("--seconds", 10);
    let size = flag_number("--size", 64) as usize;
    let root = std::env::temp_dir().join(format!("keel-replication-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    let (keel, failover_time) = {
        let mut kv = keel_ring(&root);
        kv.start_all();
        let client =
            Arc::new(rt.block_on(async { Client::new(kv.servers(), Duration::from_secs(30)) }));
        let load = kv_load(&rt, &client, clients, seconds, size);
        let fo = failover(&rt, &mut kv, &client);
        (load, fo)
    };
    println!(
        "{{\"system\":\"keel-replication\",\"clients\":{clients},\"size\":{size},\"ops\":{},\"errors\":{},\"ops_per_sec\":{:.1},\"p50_us\":{},\"p99_us\":{}}}",
        keel.ops, keel.errors, keel.per_sec, keel.p50_us, keel.p99_us
    );
    let etcd = {
        let e = start_etcd(&etcd_bin, &root);
        let leader = etcd_leader(&e);
        etcd_load(leader, clients, seconds, size)
    };
    println!(
        "{{\"system\":\"etcd\",\"clients\":{clients},\"size\":{size},\"ops\":{},\"errors\":{},\"ops_per_sec\":{:.1},\"p50_us\":{},\"p99_us\":{}}}",
        etcd.ops, etcd.errors, etcd.per_sec, etcd.p50_us, etcd.p99_us
    );
    println!(
        "{{\"suite\":\"replication\",\"metric\":\"failover\",\"value\":{},\"unit\":\"ms\",\"election_timeout_ms\":{ELECTION_MS}}}",
        failover_time.as_millis()
    );
    let t = checkpoint_phase(&rt, &root);
    println!(
        "{{\"suite\":\"replication\",\"metric\":\"start to ready with a checkpoint\",\"checkpoint_bytes\":{},\"value\":{},\"unit\":\"ms\"}}",
        t.bytes,
        t.ready.as_millis()
    );
    println!(
        "{{\"suite\":\"replication\",\"metric\":\"empty replica caught up by state transfer\",\"checkpoint_bytes\":{},\"value\":{},\"unit\":\"ms\",\"sender_peak_kib\":{},\"receiver_peak_kib\":{}}}",
        t.bytes,
        t.caught_up.as_millis(),
        t.sender_peak_kib,
        t.receiver_peak_kib
    );
    let _ = std::fs::remove_dir_all(&root);
    eprintln!(
        "puts of {size} B, {clients} clients, {seconds} s, fsync on: keel {:.0}/s (p50 {} µs, p99 {} µs), etcd {:.0}/s (p50 {} µs, p99 {} µs): {:.2}x throughput, p99 {:.2}x etcd's",
        keel.per_sec,
        keel.p50_us,
        keel.p99_us,
        etcd.per_sec,
        etcd.p50_us,
        etcd.p99_us,
        keel.per_sec / etcd.per_sec,
        keel.p99_us as f64 / etcd.p99_us.max(1) as f64
    );
    println!(
        "{{\"suite\":\"replication\",\"metric\":\"committed puts/s ({size} B, {clients} clients, p99 {} us vs {} us)\",\"value\":{:.1},\"unit\":\"ops/s\",\"baseline\":{:.1},\"ratio\":{:.3}}}",
        keel.p99_us,
        etcd.p99_us,
        keel.per_sec,
        etcd.per_sec,
        keel.per_sec / etcd.per_sec
    );
}
