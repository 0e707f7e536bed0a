//! The integration tests, one binary (one link, not 3): each module was a binary of its own.

mod edges;
mod sim;
mod stress;
mod tcp;
