//! keel-kv: a small replicated key-value service built on keel-replication, and its client,
//! which finds the primary through keel-tracker. It is the example application of the
//! replication library and the service its process tests and benchmark run.

pub mod cli;
pub mod client;
pub mod proto;
pub mod server;
pub mod sm;

use std::collections::HashMap;
use std::net::SocketAddr;

/// Parses `1=127.0.0.1:7101,2=127.0.0.1:7102`.
pub fn parse_map(spec: &str) -> Result<HashMap<u64, SocketAddr>, String> {
    let mut map = HashMap::new();
    for part in spec.split(',').filter(|p| !p.trim().is_empty()) {
        let (id, addr) = part
            .split_once('=')
            .ok_or_else(|| format!("{part:?} is not ID=HOST:PORT"))?;
        let id: u64 = id
            .trim()
            .parse()
            .map_err(|_| format!("{id:?} in {part:?} is not a replica id (a number)"))?;
        let addr: SocketAddr = addr
            .trim()
            .parse()
            .map_err(|e| format!("{addr:?} in {part:?} is not HOST:PORT: {e}"))?;
        if map.insert(id, addr).is_some() {
            return Err(format!("replica {id} is listed twice"));
        }
    }
    if map.is_empty() {
        return Err("no replicas listed".into());
    }
    Ok(map)
}
