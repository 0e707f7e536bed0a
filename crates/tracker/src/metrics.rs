//! What operators watch: the generation, discoveries and their latency, requests in flight
//! and queued, and failures by kind. Counters are relaxed atomics: each is exact, a snapshot
//! of several is not a single instant.

use crate::connector::FailureKind;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub succeeded: AtomicU64,
    pub not_primary: AtomicU64,
    pub connection_lost: AtomicU64,
    pub timeout: AtomicU64,
    pub overloaded: AtomicU64,
    pub deadline_exceeded: AtomicU64,
    pub failed: AtomicU64,
    pub discoveries_started: AtomicU64,
    pub discoveries: AtomicU64,
    pub discovery_rounds: AtomicU64,
    pub discovery_nanos_total: AtomicU64,
    pub discovery_nanos_last: AtomicU64,
    pub discovery_nanos_max: AtomicU64,
    pub max_in_flight_seen: AtomicUsize,
}

impl Counters {
    pub fn failure(&self, kind: FailureKind) {
        match kind {
            FailureKind::NotPrimary => &self.not_primary,
            FailureKind::ConnectionLost => &self.connection_lost,
            FailureKind::Timeout => &self.timeout,
        }
        .fetch_add(1, Relaxed);
    }

    pub fn in_flight(&self, now: usize) {
        // A load first: the shared line is written only when the high-water mark moves.
        if now > self.max_in_flight_seen.load(Relaxed) {
            self.max_in_flight_seen.fetch_max(now, Relaxed);
        }
    }

    pub fn discovered(&self, took: Duration) {
        let nanos = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX);
        self.discoveries.fetch_add(1, Relaxed);
        self.discovery_nanos_total.fetch_add(nanos, Relaxed);
        self.discovery_nanos_last.store(nanos, Relaxed);
        self.discovery_nanos_max.fetch_max(nanos, Relaxed);
    }
}

/// Failures reported by requests through the channel, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failures {
    pub not_primary: u64,
    pub connection_lost: u64,
    pub timeout: u64,
}

/// A snapshot of a tracker's state and counters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metrics {
    /// Increments each time a primary is found; 0 until the first.
    pub generation: u64,
    /// The primary's address (its `Debug` form), once found.
    pub primary: Option<String>,
    /// Whether a discovery is running now.
    pub discovering: bool,
    /// Discoveries started and completed. Each completes by publishing one generation, so
    /// `discoveries_started - discoveries` is 0 or 1.
    pub discoveries_started: u64,
    pub discoveries: u64,
    /// Rounds of asking the replicas, over all discoveries (more than one when a round finds
    /// no primary and backs off).
    pub discovery_rounds: u64,
    pub last_discovery: Option<Duration>,
    pub max_discovery: Option<Duration>,
    pub mean_discovery: Option<Duration>,
    pub in_flight: usize,
    /// The most requests ever in flight at once (never above the limit).
    pub max_in_flight_seen: usize,
    pub queued: usize,
    pub succeeded: u64,
    pub failures: Failures,
    /// Requests refused because the queue was full.
    pub overloaded: u64,
    pub deadline_exceeded: u64,
    /// Requests that used up their attempts.
    pub failed: u64,
}

impl Metrics {
    pub(crate) fn read(c: &Counters) -> Metrics {
        let d = |n: u64| (n > 0).then(|| Duration::from_nanos(n));
        let done = c.discoveries.load(Relaxed);
        Metrics {
            generation: 0,
            primary: None,
            discovering: false,
            discoveries_started: c.discoveries_started.load(Relaxed),
            discoveries: done,
            discovery_rounds: c.discovery_rounds.load(Relaxed),
            last_discovery: d(c.discovery_nanos_last.load(Relaxed)),
            max_discovery: d(c.discovery_nanos_max.load(Relaxed)),
            mean_discovery: (done > 0)
                .then(|| Duration::from_nanos(c.discovery_nanos_total.load(Relaxed) / done)),
            in_flight: 0,
            max_in_flight_seen: c.max_in_flight_seen.load(Relaxed),
            queued: 0,
            succeeded: c.succeeded.load(Relaxed),
            failures: Failures {
                not_primary: c.not_primary.load(Relaxed),
                connection_lost: c.connection_lost.load(Relaxed),
                timeout: c.timeout.load(Relaxed),
            },
            overloaded: c.overloaded.load(Relaxed),
            deadline_exceeded: c.deadline_exceeded.load(Relaxed),
            failed: c.failed.load(Relaxed),
        }
    }
}
