//! The integration tests, one binary (one link, not 3): each module was a binary of its own.

mod recovery;
mod safety;
mod tcp;
mod transfer;
