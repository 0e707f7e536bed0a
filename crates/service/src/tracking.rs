//! How a service's client follows the primary: the replicas' client addresses by id (so a
//! replica's "the primary is replica 3" becomes an address), keel-tracker tuned the same way
//! for every service, and the TCP connect both protocols start with. Each service's
//! `Connector` adds only what its protocol says (its hello, how it asks who leads).

use keel_tracker::Config;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;

/// How long a connect may take before the server counts as unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// The replicas' client addresses, by replica id.
#[derive(Debug, Clone)]
pub struct Servers(Arc<HashMap<u64, SocketAddr>>);

impl Servers {
    pub fn new(servers: HashMap<u64, SocketAddr>) -> Servers {
        Servers(Arc::new(servers))
    }

    /// The client address of replica `id`, if it is one of ours.
    pub fn addr_of(&self, id: Option<u64>) -> Option<SocketAddr> {
        id.and_then(|id| self.0.get(&id).copied())
    }

    /// Every (id, address), by id.
    pub fn by_id(&self) -> Vec<(u64, SocketAddr)> {
        let mut all: Vec<(u64, SocketAddr)> = self.0.iter().map(|(i, a)| (*i, *a)).collect();
        all.sort();
        all
    }

    /// Every address, sorted: the tracker's candidates in a stable order.
    pub fn addresses(&self) -> Vec<SocketAddr> {
        let mut addrs: Vec<SocketAddr> = self.0.values().copied().collect();
        addrs.sort();
        addrs
    }

    /// keel-tracker's configuration for these servers: a short query timeout, and quick
    /// re-asks while an election is under way (they take tens of milliseconds); room for
    /// thousands of concurrent callers.
    pub fn tracker_config(&self) -> Config<SocketAddr> {
        let mut config = Config::new(self.addresses());
        config.query_timeout = Duration::from_millis(500);
        config.backoff_min = Duration::from_millis(5);
        config.backoff_max = Duration::from_millis(50);
        config.max_in_flight = 4096;
        config.max_queued = 65536;
        config
    }
}

/// A TCP connection to `addr` within [`CONNECT_TIMEOUT`], without Nagle's delay.
pub async fn connect(addr: SocketAddr) -> std::io::Result<TcpStream> {
    let stream = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(addr))
        .await
        .map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("connecting to {addr} timed out"),
            )
        })??;
    stream.set_nodelay(true).ok();
    Ok(stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replica_id_becomes_its_address_and_strangers_none() {
        let a: SocketAddr = "127.0.0.1:2".parse().unwrap();
        let b: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let s = Servers::new(HashMap::from([(1, a), (2, b)]));
        assert_eq!(s.addr_of(Some(1)), Some(a));
        assert_eq!(s.addr_of(Some(9)), None);
        assert_eq!(s.addr_of(None), None);
        assert_eq!(s.addresses(), vec![b, a]);
        assert_eq!(s.tracker_config().max_in_flight, 4096);
    }
}
