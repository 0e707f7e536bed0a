//! keel-registry: Keel's internal registry: Cargo sparse index, web API and packages.
//!
//! Not implemented yet: this crate is the home its own issue fills in. It deliberately
//! exports nothing, so nothing can depend on behaviour that does not exist.
