//! How a request through the tracker can fail: every outcome is classified.

use crate::connector::FailureKind;

/// Where a request was when its deadline passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Waiting for a slot (the throttle's queue).
    Queued,
    /// Waiting for the primary to be found.
    FindingPrimary,
    /// In an attempt through the channel.
    Request,
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stage::Queued => "waiting for a slot",
            Stage::FindingPrimary => "waiting for the primary to be found",
            Stage::Request => "in a request to the primary",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Too many requests in flight and waiting: refused at once, without queueing.
    #[error(
        "overloaded: {in_flight} requests in flight and {queued} waiting (the configured limits); retry later or raise max_in_flight/max_queued"
    )]
    Overloaded { in_flight: usize, queued: usize },
    /// The request's deadline passed.
    #[error(
        "deadline exceeded {stage} after {attempts} attempt(s){}",
        .last.map(|k| format!("; last failure: {k}")).unwrap_or_default()
    )]
    DeadlineExceeded {
        stage: Stage,
        attempts: u32,
        last: Option<FailureKind>,
    },
    /// Every attempt the policy allowed failed.
    #[error("failed after {attempts} attempt(s); last failure: {last}")]
    Failed { attempts: u32, last: FailureKind },
    /// The tracker was shut down.
    #[error("the tracker has shut down")]
    Closed,
}
