//! An in-process replicated service for the tracker's tests: replicas with one primary
//! that fails over on command, and a channel that injects seeded errors, disconnects and
//! delays. Every successful request is served by the replica that is primary at that instant.

#![allow(dead_code)] // each test binary uses a different part

use keel_tracker::{Answer, Connector, Failure};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub type Addr = u32;

/// How far past its deadline a request may return on an idle machine: timer granularity
/// and a wake-up or two. A tracker that ignored deadlines would overrun by query timeouts
/// and backoffs again and again, well past this.
pub const SLACK: Duration = Duration::from_millis(30);

/// The scheduling delay of the machine while a test runs, measured beside it: a thread
/// sleeping 1 ms at a time records its worst oversleep. On a loaded 2-core machine (CI runs
/// these tests beside the CPU-bound replication simulation) a preempted caller can wake tens
/// of milliseconds late; deadline bounds widen by what was measured, not by a guess.
pub struct Jitter {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<Duration>,
}

impl Jitter {
    pub fn start() -> Jitter {
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut worst = Duration::ZERO;
                while !stop.load(SeqCst) {
                    let t = Instant::now();
                    std::thread::sleep(Duration::from_millis(1));
                    worst = worst.max(t.elapsed().saturating_sub(Duration::from_millis(1)));
                }
                worst
            })
        };
        Jitter { stop, thread }
    }

    /// How far past its deadline a request may have returned while this measured: SLACK,
    /// plus the worst delay twice over (a deadline's wake-up crosses two threads, the
    /// runtime's timer and then the caller).
    pub fn allowance(self) -> Duration {
        self.stop.store(true, SeqCst);
        SLACK + 2 * self.thread.join().unwrap()
    }
}

/// Probabilities and sizes of injected faults.
#[derive(Debug, Clone, Copy, Default)]
pub struct Faults {
    /// A request fails with NotPrimary (a random, possibly wrong, hint) though it reached the primary.
    pub spurious_not_primary: f64,
    pub disconnect: f64,
    pub delay: f64,
    pub max_delay: Duration,
    /// Delay of every discovery query and connect.
    pub query_delay: Duration,
}

#[derive(Debug)]
struct State {
    primary: Option<Addr>,
    epoch: u64,
    /// The primary of every epoch so far (index = epoch).
    history: Vec<Option<Addr>>,
}

#[derive(Debug)]
pub struct Cluster {
    pub replicas: Vec<Addr>,
    state: Mutex<State>,
    /// Replicas that no longer answer at all (queries hang until the tracker's timeout).
    dead: Mutex<Vec<Addr>>,
    /// When set, every replica answers queries with `PrimaryIs(next replica)`.
    pub all_deny: AtomicBool,
    pub faults: Mutex<Faults>,
    rng: Mutex<fastrand::Rng>,
    pub in_flight: AtomicUsize,
    pub max_in_flight: AtomicUsize,
    pub requests: AtomicU64,
    pub queries: AtomicU64,
}

impl Cluster {
    pub fn new(n: u32, seed: u64) -> Arc<Cluster> {
        Arc::new(Cluster {
            replicas: (0..n).collect(),
            state: Mutex::new(State {
                primary: Some(0),
                epoch: 1,
                history: vec![None, Some(0)],
            }),
            dead: Mutex::new(Vec::new()),
            all_deny: AtomicBool::new(false),
            faults: Mutex::new(Faults::default()),
            rng: Mutex::new(fastrand::Rng::with_seed(seed)),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            requests: AtomicU64::new(0),
            queries: AtomicU64::new(0),
        })
    }

    pub fn primary(&self) -> Option<Addr> {
        self.state.lock().unwrap().primary
    }

    /// Moves the primary to another live replica (or to none, for an election gap).
    pub fn fail_over(&self, to: Option<Addr>) {
        let mut s = self.state.lock().unwrap();
        s.primary = to;
        s.epoch += 1;
        s.history.push(to);
    }

    /// Who was primary in `epoch`.
    pub fn primary_in(&self, epoch: u64) -> Option<Addr> {
        let s = self.state.lock().unwrap();
        s.history.get(epoch as usize).copied().flatten()
    }

    /// Fails over to a random other replica.
    pub fn fail_over_randomly(&self) {
        let next = {
            let mut rng = self.rng.lock().unwrap();
            let current = self.primary();
            loop {
                let r = rng.u32(0..self.replicas.len() as u32);
                if Some(r) != current {
                    break r;
                }
            }
        };
        self.fail_over(Some(next));
    }

    pub fn kill(&self, a: Addr) {
        self.dead.lock().unwrap().push(a);
    }

    fn is_dead(&self, a: Addr) -> bool {
        self.dead.lock().unwrap().contains(&a)
    }

    fn chance(&self, p: f64) -> bool {
        p > 0.0 && self.rng.lock().unwrap().f64() < p
    }

    fn random_delay(&self, max: Duration) -> Duration {
        max.mul_f64(self.rng.lock().unwrap().f64())
    }

    fn random_hint(&self) -> Option<Addr> {
        let mut rng = self.rng.lock().unwrap();
        rng.bool().then(|| rng.u32(0..self.replicas.len() as u32))
    }

    /// Serves one request at `addr` after any injected delay has been slept.
    fn serve(&self, addr: Addr) -> Result<Served, Failure<Addr>> {
        let f = *self.faults.lock().unwrap();
        if self.chance(f.disconnect) {
            return Err(Failure::ConnectionLost);
        }
        if self.chance(f.spurious_not_primary) {
            return Err(Failure::NotPrimary {
                hint: self.random_hint(),
            });
        }
        let s = self.state.lock().unwrap();
        if s.primary == Some(addr) && !self.is_dead(addr) {
            Ok(Served {
                by: addr,
                epoch: s.epoch,
            })
        } else {
            Err(Failure::NotPrimary { hint: s.primary })
        }
    }

    fn enter(&self) -> InFlight<'_> {
        let now = self.in_flight.fetch_add(1, SeqCst) + 1;
        self.max_in_flight.fetch_max(now, SeqCst);
        self.requests.fetch_add(1, SeqCst);
        InFlight(self)
    }

    /// The injected delay of a request that must end by `deadline`: `Err` if it would not.
    fn request_delay(&self, deadline: Instant) -> Result<Duration, Duration> {
        let f = *self.faults.lock().unwrap();
        let delay = if self.chance(f.delay) {
            self.random_delay(f.max_delay)
        } else {
            Duration::ZERO
        };
        let left = deadline.saturating_duration_since(Instant::now());
        if delay > left { Err(left) } else { Ok(delay) }
    }
}

struct InFlight<'a>(&'a Cluster);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, SeqCst);
    }
}

/// Proof of service: which replica served, and in which epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Served {
    pub by: Addr,
    pub epoch: u64,
}

#[derive(Debug)]
pub struct Channel {
    cluster: Arc<Cluster>,
    pub addr: Addr,
}

impl Channel {
    /// A request from a plain thread; honours `deadline` (a delay that would pass it ends
    /// in `Timeout` at the deadline).
    pub fn request_blocking(&self, deadline: Instant) -> Result<Served, Failure<Addr>> {
        let _in = self.cluster.enter();
        match self.cluster.request_delay(deadline) {
            Ok(d) => std::thread::sleep(d),
            Err(left) => {
                std::thread::sleep(left);
                return Err(Failure::Timeout);
            }
        }
        self.cluster.serve(self.addr)
    }

    /// The same from async code.
    pub async fn request(&self, deadline: Instant) -> Result<Served, Failure<Addr>> {
        let _in = self.cluster.enter();
        match self.cluster.request_delay(deadline) {
            Ok(d) => tokio::time::sleep(d).await,
            Err(left) => {
                tokio::time::sleep(left).await;
                return Err(Failure::Timeout);
            }
        }
        self.cluster.serve(self.addr)
    }
}

#[derive(Debug, Clone)]
pub struct SimConnector(pub Arc<Cluster>);

impl Connector for SimConnector {
    type Address = Addr;
    type Channel = Channel;

    async fn connect(&self, address: &Addr) -> Result<Channel, Failure<Addr>> {
        let c = &self.0;
        let delay = c.faults.lock().unwrap().query_delay;
        tokio::time::sleep(delay).await;
        if c.is_dead(*address) {
            std::future::pending::<()>().await; // a black hole: the tracker's timeout ends it
        }
        Ok(Channel {
            cluster: c.clone(),
            addr: *address,
        })
    }

    async fn query(&self, address: &Addr) -> Result<Answer<Addr>, Failure<Addr>> {
        let c = &self.0;
        c.queries.fetch_add(1, SeqCst);
        let delay = c.faults.lock().unwrap().query_delay;
        tokio::time::sleep(delay).await;
        if c.is_dead(*address) {
            std::future::pending::<()>().await;
        }
        if c.all_deny.load(SeqCst) {
            let next = (*address + 1) % c.replicas.len() as u32;
            return Ok(Answer::PrimaryIs(next));
        }
        Ok(match c.primary() {
            Some(p) if p == *address => Answer::IAmPrimary,
            Some(p) => Answer::PrimaryIs(p),
            None => Answer::Unknown,
        })
    }
}

/// The seed for this run: `KEEL_SEED` if set (to replay a failure), else from the clock.
/// Printed, so any failure can be replayed.
pub fn seed() -> u64 {
    let seed = std::env::var("KEEL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("seed {seed} (replay with KEEL_SEED={seed})");
    seed
}

pub fn runtime(workers: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_time()
        .build()
        .unwrap()
}
