//! What the tracker needs from a replicated service: open a channel to a replica, and ask a
//! replica who the primary is. Everything else about the service is the caller's business.

use std::fmt::Debug;
use std::future::Future;
use std::hash::Hash;

/// How to reach the replicas of one service.
///
/// Both methods may take as long as the network does: the tracker bounds each call with
/// [`Config::query_timeout`](crate::Config::query_timeout) and counts an expiry as
/// [`Failure::Timeout`].
pub trait Connector: Send + Sync + 'static {
    /// A replica's address (a socket address, a host name, an index...).
    type Address: Clone + Eq + Hash + Debug + Send + Sync + 'static;
    /// A connection to a replica, shared by every caller of the tracker at once (an RPC
    /// client, a multiplexed connection...). It must be usable through `&self`.
    type Channel: Send + Sync + 'static;

    /// Opens a channel to the replica at `address`.
    fn connect(
        &self,
        address: &Self::Address,
    ) -> impl Future<Output = Result<Self::Channel, Failure<Self::Address>>> + Send;

    /// Asks the replica at `address` who the primary is.
    fn query(
        &self,
        address: &Self::Address,
    ) -> impl Future<Output = Result<Answer<Self::Address>, Failure<Self::Address>>> + Send;
}

/// A replica's view of who the primary is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer<A> {
    /// The replica asked is the primary.
    IAmPrimary,
    /// The replica believes another one is.
    PrimaryIs(A),
    /// The replica does not know (an election is under way).
    Unknown,
}

/// Why a request through the shared channel (or a discovery query) failed, as far as
/// finding the primary is concerned. Application errors are not failures: return them
/// inside the request's `Ok` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure<A> {
    /// The replica is not (or no longer) the primary; it may say who is.
    NotPrimary { hint: Option<A> },
    /// The connection broke, or could not be made.
    ConnectionLost,
    /// The replica did not answer in time.
    Timeout,
}

impl<A> Failure<A> {
    pub fn kind(&self) -> FailureKind {
        match self {
            Failure::NotPrimary { .. } => FailureKind::NotPrimary,
            Failure::ConnectionLost => FailureKind::ConnectionLost,
            Failure::Timeout => FailureKind::Timeout,
        }
    }
}

/// [`Failure`] without its data: for errors and metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureKind {
    NotPrimary,
    ConnectionLost,
    Timeout,
}

impl std::fmt::Display for FailureKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FailureKind::NotPrimary => "not the primary",
            FailureKind::ConnectionLost => "connection lost",
            FailureKind::Timeout => "timed out",
        })
    }
}
