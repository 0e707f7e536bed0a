//! Keel's test and benchmark kit (never published): a ring of service processes on loopback,
//! on free ports ([`free_port`]), for process tests, benchmarks and trying a service out, and
//! the flags benchmarks take. Any service that follows keel-service's command-line convention
//! fits: `PROGRAM serve --id N --peers ID=ADDR,... --listen ADDR
//! --dir DIR [--servers ID=ADDR,...]`, printing a line containing "ready" when it serves
//! (keel-kv and ringmaster do).

use keel_service::members::members_spec;
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A loopback address with a port free right now, for a server that binds it a moment later.
///
/// The port is drawn below the kernel's ephemeral range (`ip_local_port_range`): outgoing
/// connections take their source ports from that range, so a port from it (what binding
/// port 0 gives) can be claimed by any connect in between, such as a replica already
/// calling its peers. A port is never handed out twice by one process, and is checked free.
pub fn free_port() -> SocketAddr {
    static GIVEN: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    let low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|r| r.split_whitespace().next()?.parse::<u16>().ok())
        .unwrap_or(32768);
    let mut given = GIVEN.lock().expect("not poisoned");
    // The upper half below the ephemeral range: clear of well-known and most fixed ports.
    if low >= 4096 {
        for _ in 0..1000 {
            let port = fastrand::u16(low / 2..low);
            if given.contains(&port) {
                continue;
            }
            if let Ok(addr) = TcpListener::bind(("127.0.0.1", port)).and_then(|l| l.local_addr()) {
                given.push(port);
                return addr;
            }
        }
    }
    let addr = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("binding a loopback port");
    given.push(addr.port());
    addr
}

/// `size` replicas: `program serve ...` each, data under `dir/r<id>`. Killed when dropped.
#[derive(Debug)]
pub struct LocalRing {
    pub peers: Vec<SocketAddr>,
    pub clients: Vec<SocketAddr>,
    program: PathBuf,
    dir: PathBuf,
    args: Vec<String>,
    children: Vec<Option<Child>>,
    announce: bool,
    /// Flags whose value differs per replica: (flag, one value per replica).
    own: Vec<(String, Vec<String>)>,
}

impl LocalRing {
    /// Describes the ring; `args` are passed to every `serve` (e.g. timeouts).
    pub fn new(
        program: PathBuf,
        dir: PathBuf,
        cluster: u64,
        size: usize,
        args: &[&str],
    ) -> LocalRing {
        let mut all = vec!["--cluster".to_string(), cluster.to_string()];
        all.extend(args.iter().map(|a| a.to_string()));
        LocalRing {
            peers: (0..size).map(|_| free_port()).collect(),
            clients: (0..size).map(|_| free_port()).collect(),
            program,
            dir,
            args: all,
            children: (0..size).map(|_| None).collect(),
            announce: false,
            own: Vec::new(),
        }
    }

    /// Gives replica `i` the flag `flag` with `values[i]` (e.g. each its own extra listener).
    pub fn per_replica(mut self, flag: &str, values: &[String]) -> LocalRing {
        assert_eq!(values.len(), self.children.len(), "one value per replica");
        self.own.push((flag.to_owned(), values.to_vec()));
        self
    }

    /// Also tells every replica all the others' client addresses (`--servers`).
    pub fn announce_servers(mut self) -> LocalRing {
        self.announce = true;
        self
    }

    /// Starts replica `i` (0-based) and waits for its "ready" line; returns the time from
    /// spawning it to ready.
    pub fn start(&mut self, i: usize) -> Duration {
        let started = Instant::now();
        let dir = self.dir.join(format!("r{}", i + 1));
        // The first start creates the replica's directory; later ones must find it.
        let init = (!dir.exists()).then_some("--init");
        let mut child = Command::new(&self.program)
            .args(["serve", "--id", &(i + 1).to_string()])
            .args([
                "--peers",
                &members_spec(&self.peers),
                "--listen",
                &self.clients[i].to_string(),
            ])
            .arg("--dir")
            .arg(&dir)
            .args(init)
            .args(&self.args)
            .args(self.own.iter().flat_map(|(f, v)| [f.clone(), v[i].clone()]))
            .args(if self.announce {
                vec!["--servers".to_string(), members_spec(&self.clients)]
            } else {
                Vec::new()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", self.program.display()));
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut line)
            .ok();
        assert!(
            line.contains("ready"),
            "replica {} did not start: {line:?}",
            i + 1
        );
        self.children[i] = Some(child);
        started.elapsed()
    }

    pub fn start_all(&mut self) {
        for i in 0..self.children.len() {
            self.start(i);
        }
    }

    /// The process id of replica `i`, if running.
    pub fn pid(&self, i: usize) -> Option<u32> {
        self.children[i].as_ref().map(Child::id)
    }

    /// SIGKILLs replica `i`, if running.
    pub fn kill(&mut self, i: usize) {
        if let Some(mut c) = self.children[i].take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Replica id → client address.
    pub fn servers(&self) -> HashMap<u64, SocketAddr> {
        self.clients
            .iter()
            .enumerate()
            .map(|(i, a)| (i as u64 + 1, *a))
            .collect()
    }
}

impl Drop for LocalRing {
    fn drop(&mut self) {
        for i in 0..self.children.len() {
            self.kill(i);
        }
    }
}

/// Processes killed and reaped when dropped: a benchmark's baseline servers.
#[derive(Debug, Default)]
pub struct Children(pub Vec<Child>);

impl Drop for Children {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The value after `--name` on this program's command line (benchmarks' flags).
pub fn flag(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// A numeric flag, or `default`; panics naming the flag when it is not a number.
pub fn flag_number(name: &str, default: u64) -> u64 {
    flag(name)
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name} {v:?} is not a number"))
        })
        .unwrap_or(default)
}

/// A program's command line as a user meets it, for tests: `--help` that succeeds and names
/// what it should, and usage errors refused with exit code 2 naming the cause.
#[derive(Debug, Clone, Copy)]
pub struct Cli(pub &'static str);

impl Cli {
    fn run(&self, args: &[&str]) -> (Option<i32>, String) {
        let out = Command::new(self.0)
            .args(args)
            .output()
            .expect("starting the program");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code(), text)
    }

    /// `args` succeed and print every needle.
    pub fn helps(&self, args: &[&str], needles: &[&str]) {
        let (code, text) = self.run(args);
        assert_eq!(code, Some(0), "{args:?}:\n{text}");
        for n in needles {
            assert!(text.contains(n), "{args:?} help lacks {n:?}:\n{text}");
        }
    }

    /// `args` are refused: exit code 2 (a usage error, not a crash) and every needle shown.
    pub fn refused(&self, args: &[&str], needles: &[&str]) {
        let (code, text) = self.run(args);
        assert_eq!(code, Some(2), "{args:?}:\n{text}");
        assert!(!text.contains("panicked"), "{text}");
        for n in needles {
            assert!(text.contains(n), "{args:?} lacks {n:?}:\n{text}");
        }
    }
}
