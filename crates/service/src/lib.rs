//! What every replicated service built on keel-replication shares (keel-kv, ringmaster):
//! the client connection that multiplexes requests ([`mux`]), how a member list is written on
//! a command line ([`members`]), how a server waits to be stopped ([`shutdown`]), how a
//! load run is summarized ([`load`]), and a client's exactly-once session ([`once`]). The consensus library itself knows nothing of these.

pub mod cli;
pub mod load;
pub mod members;
pub mod mux;
pub mod once;
pub mod shutdown;
pub mod tracking;
