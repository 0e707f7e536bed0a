//! The integration tests, one binary (one link, not 2): each module was a binary of its own.

mod cli;
mod cluster;
