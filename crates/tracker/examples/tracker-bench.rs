//! `cargo xtask bench tracker`: what the tracker costs and how fast it follows a failover,
//! against an in-process service (so the figures are the tracker's own, without a network):
//!
//! 1. added latency per request, p50 and p99, 8 threads, against calling the same no-op
//!    channel directly (the baseline, measured in the same run);
//! 2. aggregate requests/s through the tracker with a no-op channel, 8 threads, against the
//!    direct calls;
//! 3. time from a failover until a request succeeds on the new primary, with 8 threads
//!    sending continuously.
//!
//! Prints one JSON object per measurement; the last line is the p50 latency through the
//! tracker against the direct call.

use keel_tracker::{Answer, Config, Connector, Failure, Policy, Tracker};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

const THREADS: usize = 8;

#[derive(Debug, Default)]
struct Service {
    primary: AtomicU32,
}

#[derive(Debug)]
struct Channel {
    service: Arc<Service>,
    addr: u32,
}

impl Channel {
    /// A no-op request: only "am I still talking to the primary?".
    #[inline(never)]
    fn request(&self) -> Result<u32, Failure<u32>> {
        if self.service.primary.load(Relaxed) == self.addr {
            Ok(black_box(self.addr))
        } else {
            Err(Failure::NotPrimary { hint: None })
        }
    }
}

struct Local(Arc<Service>);

impl Connector for Local {
    type Address = u32;
    type Channel = Channel;
    async fn connect(&self, address: &u32) -> Result<Channel, Failure<u32>> {
        Ok(Channel {
            service: self.0.clone(),
            addr: *address,
        })
    }
    async fn query(&self, address: &u32) -> Result<Answer<u32>, Failure<u32>> {
        Ok(if self.0.primary.load(Relaxed) == *address {
            Answer::IAmPrimary
        } else {
            Answer::PrimaryIs(self.0.primary.load(Relaxed))
        })
    }
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    sorted[((sorted.len() - 1) as f64 * p) as usize]
}

/// Runs `f` on THREADS threads `n` times each, timing every call; sorted nanoseconds.
fn latencies(n: usize, f: impl Fn() + Sync) -> Vec<u64> {
    let barrier = Barrier::new(THREADS);
    let mut all = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::with_capacity(n);
                    barrier.wait();
                    for _ in 0..n {
                        let t = Instant::now();
                        f();
                        out.push(t.elapsed().as_nanos() as u64);
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect::<Vec<_>>()
    });
    all.sort_unstable();
    all
}

/// Calls per second of `f` over THREADS threads for `secs`.
fn throughput(secs: f64, f: impl Fn() + Sync) -> f64 {
    let stop = AtomicBool::new(false);
    let count = AtomicU64::new(0);
    let barrier = Barrier::new(THREADS + 1);
    let elapsed = std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                barrier.wait();
                let mut n = 0u64;
                while !stop.load(Relaxed) {
                    for _ in 0..256 {
                        f();
                    }
                    n += 256;
                }
                count.fetch_add(n, Relaxed);
            });
        }
        barrier.wait();
        let t = Instant::now();
        std::thread::sleep(Duration::from_secs_f64(secs));
        stop.store(true, Relaxed);
        t.elapsed()
    });
    count.load(Relaxed) as f64 / elapsed.as_secs_f64()
}

fn json(metric: &str, value: f64, unit: &str, baseline: f64) -> String {
    let r = |x: f64| (x * 1000.0).round() / 1000.0;
    format!(
        "{{\"suite\":\"tracker\",\"metric\":\"{metric}\",\"value\":{},\"unit\":\"{unit}\",\"baseline\":{},\"ratio\":{}}}",
        r(value),
        r(baseline),
        r(if baseline == 0.0 {
            0.0
        } else {
            value / baseline
        })
    )
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let n = if quick { 20_000 } else { 200_000 };
    let secs = if quick { 0.3 } else { 1.0 };
    let service = Arc::new(Service::default());
    let mut config = Config::new((0..3).collect());
    config.max_in_flight = 1024;
    let tracker = Tracker::start(Local(service.clone()), config).unwrap();
    let policy = Policy::new(Duration::from_secs(1));
    // Wait for the first discovery.
    tracker
        .call_blocking(&policy, |p, _| p.channel().request())
        .unwrap();
    let direct = tracker.current().unwrap();

    let through = || {
        black_box(
            tracker
                .call_blocking(&policy, |p, _| p.channel().request())
                .unwrap(),
        );
    };
    let plain = || {
        black_box(direct.channel().request().unwrap());
    };
    // Warm up both paths, then measure them interleaved.
    latencies(n / 10, through);
    latencies(n / 10, plain);
    let base = latencies(n, plain);
    let with = latencies(n, through);
    let (b50, b99) = (percentile(&base, 0.5), percentile(&base, 0.99));
    let (w50, w99) = (percentile(&with, 0.5), percentile(&with, 0.99));
    println!(
        "latency, {THREADS} threads: direct p50 {b50} ns p99 {b99} ns; through the tracker p50 {w50} ns p99 {w99} ns"
    );
    println!(
        "added per request: p50 {} ns, p99 {} ns (target: p50 under 2000 ns)",
        w50.saturating_sub(b50),
        w99.saturating_sub(b99)
    );

    let direct_rps = throughput(secs, plain);
    let tracker_rps = throughput(secs, through);
    println!(
        "throughput, {THREADS} threads, no-op channel: {tracker_rps:.0} requests/s through the tracker, {direct_rps:.0} direct"
    );

    // Failover: 8 threads send continuously; flip the primary and time until a request
    // succeeds on the new one.
    let rounds = if quick { 10 } else { 50 };
    let stop = AtomicBool::new(false);
    let success_on = AtomicU32::new(0);
    let success_at = AtomicU64::new(0);
    let origin = Instant::now();
    let mut refind = Vec::new();
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                while !stop.load(Relaxed) {
                    if let Ok(addr) = tracker.call_blocking(&policy, |p, _| p.channel().request())
                        && addr == service.primary.load(Relaxed)
                        && success_on.swap(addr, Relaxed) != addr
                    {
                        success_at.store(origin.elapsed().as_nanos() as u64, Relaxed);
                    }
                }
            });
        }
        for i in 0..rounds {
            std::thread::sleep(Duration::from_millis(5));
            let next = (i + 1) % 3;
            let flipped = origin.elapsed().as_nanos() as u64;
            service.primary.store(next, Relaxed);
            while success_on.load(Relaxed) != next {
                std::thread::yield_now();
            }
            refind.push(success_at.load(Relaxed).saturating_sub(flipped));
        }
        stop.store(true, Relaxed);
    });
    refind.sort_unstable();
    let (f50, fmax) = (percentile(&refind, 0.5), *refind.last().unwrap());
    println!(
        "failover: first success on the new primary after p50 {:.1} µs, max {:.1} µs ({rounds} failovers, {} discoveries)",
        f50 as f64 / 1e3,
        fmax as f64 / 1e3,
        tracker.metrics().discoveries
    );

    println!(
        "{}",
        json("requests_per_s_8_threads", tracker_rps, "req/s", direct_rps)
    );
    // Against the discovery itself: the rest is noticing the failover and waking callers.
    let discovery = tracker.metrics().mean_discovery.unwrap_or_default();
    println!(
        "{}",
        json(
            "failover_refind_p50",
            f50 as f64 / 1e3,
            "us",
            discovery.as_secs_f64() * 1e6
        )
    );
    // Last: request latency through the tracker against the direct call (their difference
    // is the added overhead printed above).
    println!(
        "{}",
        json("latency_p50_8_threads", w50 as f64, "ns", b50 as f64)
    );
}
