//! ZooKeeper's four-letter words on the client port: `ruok`, `isro`, `srvr`, `stat`, `mntr`,
//! `envi`, answered in ZooKeeper's text formats (monitoring and scripts parse them), then
//! the connection is closed.

use super::Counters;
use crate::server::Server;
use crate::store::Store;
use std::fmt::Write;
use std::sync::atomic::Ordering;

/// The version string, in ZooKeeper's form (tools parse the leading number).
pub const VERSION: &str = concat!("3.8.0-ringmaster-", env!("CARGO_PKG_VERSION"));

pub async fn answer<S: Store>(server: &Server<S>, counters: &Counters, word: &[u8; 4]) -> String {
    let status = server.status().await;
    let zxid = server.store.inspect(|t| t.zxid).await.unwrap_or(0);
    let mode = if status.primary { "leader" } else { "follower" };
    let (connections, received, sent) = (
        counters.connections.load(Ordering::Relaxed),
        counters.received.load(Ordering::Relaxed),
        counters.sent.load(Ordering::Relaxed),
    );
    let mut s = String::new();
    match word {
        b"ruok" => s.push_str("imok"),
        b"isro" => s.push_str("rw"),
        b"srvr" | b"stat" => {
            let _ = write!(
                s,
                "Zookeeper version: {VERSION}, built on keel\nLatency min/avg/max: 0/0.0/0\nReceived: {received}\nSent: {sent}\nConnections: {connections}\nOutstanding: {}\nZxid: {zxid:#x}\nMode: {mode}\nNode count: {}\n",
                status.queue_depth, status.nodes
            );
        }
        b"mntr" => {
            for (k, v) in [
                ("zk_version", VERSION.to_owned()),
                ("zk_server_state", mode.to_owned()),
                ("zk_num_alive_connections", connections.to_string()),
                ("zk_outstanding_requests", status.queue_depth.to_string()),
                ("zk_znode_count", status.nodes.to_string()),
                ("zk_packets_received", received.to_string()),
                ("zk_packets_sent", sent.to_string()),
                ("zk_ephemerals_count", "0".to_owned()),
                ("zk_sessions", status.sessions.to_string()),
                ("zk_zxid", zxid.to_string()),
            ] {
                let _ = writeln!(s, "{k}\t{v}");
            }
        }
        b"envi" => {
            let _ = write!(
                s,
                "Environment:\nzookeeper.version={VERSION}\nhost.name={}\nserver.id={}\nos.name={}\nos.arch={}\n",
                std::fs::read_to_string("/etc/hostname")
                    .unwrap_or_default()
                    .trim(),
                status.id,
                std::env::consts::OS,
                std::env::consts::ARCH
            );
        }
        other => {
            let _ = writeln!(
                s,
                "{} is not executed because it is not in the whitelist.",
                String::from_utf8_lossy(other)
            );
        }
    }
    s
}
