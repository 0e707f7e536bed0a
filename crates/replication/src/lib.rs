//! keel-replication: Multi-Paxos replicated state machine library (RSL analogue).
//!
//! Not implemented yet: this crate is the home its own issue fills in. It deliberately
//! exports nothing, so nothing can depend on behaviour that does not exist.
