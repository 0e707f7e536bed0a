//! The integration tests, one binary (one link, not 9): each module was a binary of its own.

mod build;
mod dist;
mod fixture;
mod native;
mod pipeline;
mod publish;
mod refusals;
mod release;
mod schema;
mod vendor;
