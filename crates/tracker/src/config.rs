//! The tracker's configuration, and the per-request policy callers choose.

use crate::connector::FailureKind;
use std::time::Duration;

/// How a tracker finds the primary and how much it lets through.
#[derive(Debug, Clone)]
pub struct Config<A> {
    /// The replicas to ask. Discovery asks all of them at once, plus any hint it was given.
    pub replicas: Vec<A>,
    /// Requests allowed through the channel at once.
    pub max_in_flight: usize,
    /// Requests allowed to wait for a slot; beyond this a request fails at once with
    /// [`Error::Overloaded`](crate::Error::Overloaded).
    pub max_queued: usize,
    /// Bound on each discovery query and each connection attempt.
    pub query_timeout: Duration,
    /// First pause between discovery rounds that found no primary; doubled each round up to
    /// `backoff_max`. Each pause is jittered (between half and all of it).
    pub backoff_min: Duration,
    pub backoff_max: Duration,
    /// How many `PrimaryIs` hints in a row discovery follows within one round.
    pub max_hint_hops: usize,
}

impl<A> Config<A> {
    /// Defaults suited to a LAN service: 256 in flight, 4096 queued, 1 s queries, backoff
    /// from 10 ms to 1 s.
    pub fn new(replicas: Vec<A>) -> Config<A> {
        Config {
            replicas,
            max_in_flight: 256,
            max_queued: 4096,
            query_timeout: Duration::from_secs(1),
            backoff_min: Duration::from_millis(10),
            backoff_max: Duration::from_secs(1),
            max_hint_hops: 3,
        }
    }
}

/// What one request may spend, chosen by its caller.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// The whole request, from entering the tracker to its result: waiting for a slot,
    /// for the primary, and every attempt.
    pub timeout: Duration,
    /// Attempts through the channel at most (at least 1).
    pub max_attempts: u32,
    /// Whether an attempt that failed with [`FailureKind::Timeout`] is tried again: a
    /// request that timed out may have taken effect, so only idempotent requests should.
    pub retry_timeouts: bool,
    /// How long one attempt may take before it counts as [`FailureKind::Timeout`] (reported,
    /// so the tracker looks for the primary again): a primary that is paused, or cut off
    /// with its connection still open, answers nothing and never closes. `None`: an attempt
    /// may use the whole `timeout`.
    pub attempt_timeout: Option<Duration>,
}

impl Policy {
    pub fn new(timeout: Duration) -> Policy {
        Policy {
            timeout,
            max_attempts: 3,
            retry_timeouts: false,
            attempt_timeout: None,
        }
    }

    pub fn attempts(mut self, n: u32) -> Policy {
        self.max_attempts = n.max(1);
        self
    }

    pub fn attempt_timeout(mut self, limit: Duration) -> Policy {
        self.attempt_timeout = Some(limit);
        self
    }

    pub fn retry_timeouts(mut self, yes: bool) -> Policy {
        self.retry_timeouts = yes;
        self
    }

    pub(crate) fn retries(&self, kind: FailureKind) -> bool {
        kind != FailureKind::Timeout || self.retry_timeouts
    }
}
