//! keel-ringmaster: a coordination service with ZooKeeper's data model and guarantees, plus
//! bulk operations (multi, batch, subtree, paged children, cascading delete, create with
//! parents), in the spirit of Ring Master. The tree (`tree`) is a deterministic state
//! machine; `store` keeps it in memory or replicated on keel-replication; `server` speaks
//! the protocol (`proto`) over TCP; `client` finds the primary with keel-tracker; `cli` is
//! the `ringmaster` command line.

pub mod acl;
pub mod cli;
pub mod client;
pub mod proto;
pub mod random;
pub mod server;
pub mod store;
pub mod tree;
pub mod zk;
