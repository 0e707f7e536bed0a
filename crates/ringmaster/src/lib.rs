//! keel-ringmaster: Coordination service with ZooKeeper-superset semantics (Ring Master analogue).
//!
//! Not implemented yet: this crate is the home its own issue fills in. It deliberately
//! exports nothing, so nothing can depend on behaviour that does not exist.
