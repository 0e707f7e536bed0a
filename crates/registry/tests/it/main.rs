//! The integration tests, one binary (one link, not 4): each module was a binary of its own.

mod api;
mod cargo;
mod cli;
mod common;
mod crash;
