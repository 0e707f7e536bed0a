#![cfg(feature = "limit")]
mod concurrency;
mod rate;
#[path = "../support.rs"]
pub(crate) mod support;
