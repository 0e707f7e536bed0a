//! keel-tracker: finds and follows the primary replica of a replicated service, for clients
//! with many threads or tasks.
//!
//! The failure it exists to prevent: after a primary failover, threads sharing one mutable
//! channel race to rediscover the primary, undo each other's work, and the client loses
//! contact for minutes. Here the channel sits behind a reader-writer lock stamped with a
//! generation. A caller whose request fails reports the generation it used; only the first
//! report for a generation starts a rediscovery, and every caller that needs the primary
//! waits for the next generation, bounded by its own deadline. A throttle bounds requests in
//! flight and callers waiting, failing fast beyond that.
//!
//! ```no_run
//! # use keel_tracker::*;
//! # use std::time::Duration;
//! # fn demo<C: Connector<Address = String>>(connector: C, replicas: Vec<String>) -> std::io::Result<()>
//! # where C::Channel: MyChannel {
//! let tracker = Tracker::start(connector, Config::new(replicas))?;
//! let policy = Policy::new(Duration::from_millis(500)).attempts(3);
//! // From any number of threads at once:
//! let reply = tracker.call_blocking(&policy, |primary, deadline| {
//!     primary.channel().send("get /x", deadline) // Err(Failure::NotPrimary{..}) etc.
//! });
//! # Ok(()) }
//! # trait MyChannel { fn send(&self, r: &str, d: std::time::Instant) -> Result<String, Failure<String>>; }
//! ```
//!
//! From async code, [`Tracker::call`] does the same with a future per attempt.

mod config;
mod connector;
mod discovery;
mod error;
mod metrics;
mod tracker;

pub use config::{Config, Policy};
pub use connector::{Answer, Connector, Failure, FailureKind};
pub use error::{Error, Stage};
pub use metrics::{Failures, Metrics};
pub use tracker::{Primary, Tracker};
