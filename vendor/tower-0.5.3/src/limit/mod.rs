//! Tower middleware for limiting requests.

pub mod concurrency;
pub mod rate;

pub use self::{
    concurrency::{ConcurrencyLimit, ConcurrencyLimitLayer, GlobalConcurrencyLimitLayer},
    rate::{RateLimit, RateLimitLayer},
};
