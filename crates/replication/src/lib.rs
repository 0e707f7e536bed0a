//! keel-replication: a Multi-Paxos replicated state machine library, in the spirit of
//! Microsoft's Replicated State Library (RSL).
//!
//! An application implements [`StateMachine`]; the library keeps its state consistent and
//! durable across a ring of replicas, electing a primary with Paxos. Layers, innermost first:
//! - [`core`]: the sans-IO protocol (ballots, phases 1 and 2, elections, catch-up,
//!   membership change), a pure `step(input) -> outputs`;
//! - [`node`]: the core plus the state machine and a [`Disk`]: persist-before-send, ordered
//!   execution, checkpoints and recovery;
//! - [`replica`]: the production driver (a thread per replica, tokio TCP between replicas,
//!   [`FsDisk`]); the deterministic simulator, `crates/sim` (keel-sim), drives the same node.
//!
//! See the crate's README for the API in use, the guarantees and the file formats.

pub mod checkpoint;
pub mod core;
pub mod frame;
pub mod node;
pub mod replica;
pub mod session;
pub mod storage;
pub mod types;
mod wire;

pub use crate::core::{Options, RoleName, Status};
pub use crate::node::{CheckpointCounts, Committed, Error, NodeOptions, StateMachine};
pub use crate::replica::{Replica, ReplicaConfig};
pub use crate::session::SessionSeq;
pub use crate::storage::{Disk, FsDisk};
pub use crate::types::{Ballot, Member, Membership, NodeId, Slot};
