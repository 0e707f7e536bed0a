//! Signing: minisign-format keys and signatures, the repository's trusted keys (keys/), and
//! DSSE envelopes for in-toto statements.

pub mod dsse;
pub mod keys;
pub mod minisign;
