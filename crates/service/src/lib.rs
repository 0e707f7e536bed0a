//! What every replicated service built on keel-replication shares (keel-kv, ringmaster):
//! the client connection that multiplexes requests ([`mux`]), how a member list is written on
//! a command line ([`members`]), how a server waits to be stopped ([`shutdown`]), and how a
//! load run is summarized ([`load`]). The consensus library itself knows nothing of these.

pub mod cli;
pub mod load;
pub mod members;
pub mod mux;
pub mod shutdown;
pub mod tracking;
