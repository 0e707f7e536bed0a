//! keel-kv: a small replicated key-value service built on keel-replication, and its client,
//! which finds the primary through keel-tracker. It is the example application of the
//! replication library and the service its process tests and benchmark run.

pub mod cli;
pub mod client;
pub mod proto;
pub mod server;
pub mod sm;
