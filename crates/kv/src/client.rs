//! The client: finds the primary with keel-tracker and shares one multiplexed connection to
//! it among every caller. `servers` maps replica ids to their client addresses, so a
//! replica's "the primary is replica 3" becomes an address.

use crate::proto::{self, KvError, Op, Reply, Request, Response, ServerStatus};
use keel_replication::SessionSeq;
use keel_service::mux::Mux;
use keel_service::once::ClientSession;
use keel_service::tracking::Servers;
use keel_tracker::{Answer, Connector, Failure, Policy, Tracker};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

/// One connection to a server, carrying many requests at once (cancel-safe).
#[derive(Debug)]
pub struct Conn(Mux<Response>);

impl Conn {
    pub async fn open(addr: SocketAddr) -> std::io::Result<Conn> {
        let (read, write) = keel_service::tracking::connect(addr).await?.into_split();
        Ok(Conn(Mux::start(
            read,
            write,
            proto::MAX_FRAME,
            |r: &Response| r.id,
            None,
        )))
    }

    /// Sends `op` and waits for its answer; `None` if the connection is gone.
    pub async fn call(&self, op: Op) -> Option<Result<Reply, KvError>> {
        self.0.call(|id| Request { id, op }).await.map(|r| r.result)
    }
}

/// How the tracker reaches keel-kv servers.
#[derive(Debug, Clone)]
pub struct KvConnector {
    servers: Servers,
}

impl KvConnector {
    fn addr_of(&self, id: Option<u64>) -> Option<SocketAddr> {
        self.servers.addr_of(id)
    }
}

impl Connector for KvConnector {
    type Address = SocketAddr;
    type Channel = Conn;

    async fn connect(&self, address: &SocketAddr) -> Result<Conn, Failure<SocketAddr>> {
        Conn::open(*address)
            .await
            .map_err(|_| Failure::ConnectionLost)
    }

    async fn query(&self, address: &SocketAddr) -> Result<Answer<SocketAddr>, Failure<SocketAddr>> {
        let conn = Conn::open(*address)
            .await
            .map_err(|_| Failure::ConnectionLost)?;
        match conn.call(Op::WhoIsPrimary).await {
            Some(Ok(Reply::Primary { me: true, .. })) => Ok(Answer::IAmPrimary),
            Some(Ok(Reply::Primary { primary, .. })) => Ok(self
                .addr_of(primary)
                .map(Answer::PrimaryIs)
                .unwrap_or(Answer::Unknown)),
            _ => Err(Failure::ConnectionLost),
        }
    }
}

/// Why a client call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error(transparent)]
    Kv(#[from] KvError),
    #[error("{0}")]
    Tracker(#[from] keel_tracker::Error),
    #[error("unexpected reply: {0:?}")]
    Unexpected(Box<Reply>),
}

/// Why a server gave no status.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    #[error("unreachable at {addr}: {source}")]
    Unreachable {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("{addr} closed the connection before answering")]
    Closed { addr: SocketAddr },
    #[error("unexpected answer: {0:?}")]
    Unexpected(Box<Result<Reply, KvError>>),
}

/// How long one attempt waits before the client tries the primary again (or the next one):
/// longer than a commit under load, shorter than a caller's patience.
const ATTEMPT: Duration = Duration::from_millis(1500);

/// A keel-kv client. Its writes go in one exactly-once session (registered with the first
/// write), so retrying one after a failover, a lost connection or an uncertain answer never
/// executes it twice: an acknowledged write is never overwritten by a late copy of an older.
#[derive(Debug)]
pub struct Client {
    tracker: Tracker<KvConnector>,
    connector: KvConnector,
    policy: Policy,
    session: ClientSession,
}

impl Client {
    /// A client of the servers in `servers` (replica id → client address), on the current
    /// tokio runtime.
    pub fn new(servers: HashMap<u64, SocketAddr>, timeout: Duration) -> Client {
        let servers = Servers::new(servers);
        let config = servers.tracker_config();
        let connector = KvConnector { servers };
        let tracker = Tracker::new(connector.clone(), config, tokio::runtime::Handle::current());
        // Writes go in the client's session, so one cut off by a failover or a timeout is
        // retried on the next primary without executing twice.
        // An attempt unanswered for ATTEMPT (a primary paused, or cut off with its
        // connection open) is given up and the primary looked for again.
        let policy = Policy::new(timeout)
            .attempts(20)
            .retry_timeouts(true)
            .attempt_timeout(ATTEMPT);
        Client {
            tracker,
            connector,
            policy,
            session: ClientSession::new(),
        }
    }

    async fn primary_call(&self, op: Op) -> Result<Reply, ClientError> {
        let connector = &self.connector;
        let result = self
            .tracker
            .call(&self.policy, |primary| {
                let op = op.clone();
                async move {
                    match primary.channel().call(op).await {
                        None => Err(Failure::ConnectionLost),
                        Some(Err(KvError::NotPrimary { hint }))
                        | Some(Err(KvError::Uncertain { hint })) => Err(Failure::NotPrimary {
                            hint: connector.addr_of(hint),
                        }),
                        Some(Err(KvError::Unavailable(_))) => Err(Failure::ConnectionLost),
                        Some(other) => Ok(other),
                    }
                }
            })
            .await?;
        Ok(result?)
    }

    /// Stores `value` under `key`, exactly once; returns the slot that committed it.
    pub async fn put(&self, key: &[u8], value: &[u8]) -> Result<u64, ClientError> {
        self.write(|session| Op::Put {
            key: key.to_vec(),
            value: value.to_vec(),
            session: Some(session),
        })
        .await
    }

    /// Removes `key`, exactly once; returns the slot that committed it.
    pub async fn delete(&self, key: &[u8]) -> Result<u64, ClientError> {
        self.write(|session| Op::Delete {
            key: key.to_vec(),
            session: Some(session),
        })
        .await
    }

    async fn write(&self, op: impl FnOnce(SessionSeq) -> Op) -> Result<u64, ClientError> {
        let ticket = self
            .session
            .place(|| async {
                match self.primary_call(Op::RegisterSession).await? {
                    Reply::Session { id } => Ok(id),
                    other => Err(ClientError::Unexpected(Box::new(other))),
                }
            })
            .await?;
        let result = self.primary_call(op(ticket.place())).await;
        let gone = matches!(result, Err(ClientError::Kv(KvError::SessionGone(_))));
        ticket.finish(gone);
        match result? {
            Reply::Done { seq } => Ok(seq),
            other => Err(ClientError::Unexpected(Box::new(other))),
        }
    }

    /// A linearizable read (on the primary).
    pub async fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, ClientError> {
        match self
            .primary_call(Op::Get {
                key: key.to_vec(),
                linearizable: true,
                min_seq: 0,
            })
            .await?
        {
            Reply::Value { value, .. } => Ok(value),
            other => Err(ClientError::Unexpected(Box::new(other))),
        }
    }

    /// Every server's status, or why it gave none.
    pub async fn status(&self) -> Vec<(u64, Result<ServerStatus, StatusError>)> {
        let mut out = Vec::new();
        for (id, addr) in self.connector.servers.by_id() {
            let status = match Conn::open(addr).await {
                Err(source) => Err(StatusError::Unreachable { addr, source }),
                Ok(conn) => match conn.call(Op::Status).await {
                    Some(Ok(Reply::Status(s))) => Ok(s),
                    None => Err(StatusError::Closed { addr }),
                    Some(other) => Err(StatusError::Unexpected(Box::new(other))),
                },
            };
            out.push((id, status));
        }
        out
    }

    /// The id of the replica that says it is primary, if one does.
    pub async fn primary(&self) -> Option<u64> {
        let statuses = self.status().await;
        statuses
            .into_iter()
            .find_map(|(id, s)| s.ok().filter(|s| s.role == "primary").map(|_| id))
    }

    pub fn tracker(&self) -> &Tracker<KvConnector> {
        &self.tracker
    }
}
