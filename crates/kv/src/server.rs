//! The server: one replica plus a TCP endpoint for clients. Writes go through the replica's
//! log; reads are linearizable on the primary or fast on any replica.

use crate::proto::{self, KvError, Op, Reply, Request, Response, ServerStatus};
use crate::sm::{Command, Kv};
use keel_replication::{Error, Replica, RoleName, SessionSeq};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// Serves clients on `listener` until the process ends.
pub async fn serve(listener: TcpListener, replica: Arc<Replica<Kv>>) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!("accepting a client: {e}");
                continue;
            }
        };
        let replica = replica.clone();
        tokio::spawn(async move {
            if let Err(e) = connection(stream, replica).await {
                tracing::debug!(%peer, "client connection closed: {e}");
            }
        });
    }
}

async fn connection(stream: TcpStream, replica: Arc<Replica<Kv>>) -> Result<(), String> {
    stream.set_nodelay(true).ok();
    let (mut read, mut write) = stream.into_split();
    let (tx, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
    let writer = tokio::spawn(async move {
        keel_replication::frame::write_queued(&mut rx, &mut write, 1 << 20).await;
    });
    let mut buf = Vec::new();
    let result = loop {
        match proto::read_frame(&mut read, &mut buf).await {
            Ok(true) => {}
            Ok(false) => break Ok(()),
            Err(e) => {
                // Say why before hanging up: a malformed frame is the client's bug.
                let response = Response {
                    id: 0,
                    result: Err(KvError::BadRequest(format!("malformed frame: {e}"))),
                };
                let _ = tx.send(proto::encode(&response));
                break Err(e.to_string());
            }
        }
        let request: Request = match postcard::from_bytes(&buf) {
            Ok(r) => r,
            Err(e) => {
                let response = Response {
                    id: 0,
                    result: Err(KvError::BadRequest(format!("undecodable request: {e}"))),
                };
                let _ = tx.send(proto::encode(&response));
                break Err(e.to_string());
            }
        };
        let (replica, tx) = (replica.clone(), tx.clone());
        tokio::spawn(async move {
            let result = handle(&replica, request.op).await;
            let _ = tx.send(proto::encode(&Response {
                id: request.id,
                result,
            }));
        });
    };
    drop(tx);
    let _ = writer.await;
    result
}

fn kv_error(e: Error) -> KvError {
    match e {
        Error::NotPrimary { hint } => KvError::NotPrimary {
            hint: hint.map(|m| m.id),
        },
        Error::Uncertain { hint } => KvError::Uncertain {
            hint: hint.map(|m| m.id),
        },
        Error::TooLarge { .. } => KvError::TooLarge(e.to_string()),
        // No answer in time: the write may still commit; a client in a session retries it.
        Error::Timeout => KvError::Uncertain { hint: None },
        Error::SessionExpired { .. } | Error::SessionStale { .. } => {
            KvError::SessionGone(e.to_string())
        }
        other => KvError::Unavailable(other.to_string()),
    }
}

pub async fn handle(replica: &Replica<Kv>, op: Op) -> Result<Reply, KvError> {
    match op {
        Op::Put {
            key,
            value,
            session,
        } => write(replica, Command::Put { key, value }, session).await,
        Op::Delete { key, session } => write(replica, Command::Delete { key }, session).await,
        Op::RegisterSession => {
            let id = replica
                .register_session(WRITE_DEADLINE)
                .await
                .map_err(kv_error)?;
            Ok(Reply::Session { id })
        }
        Op::Get {
            key,
            linearizable,
            min_seq,
        } => {
            let read = move |kv: &Kv| kv.map.get(&key).cloned();
            let (value, seq) = if linearizable {
                replica.read_linearizable(read).await
            } else {
                replica.read(min_seq, read).await
            }
            .map_err(kv_error)?;
            Ok(Reply::Value { value, seq })
        }
        Op::WhoIsPrimary => {
            let status = replica.status();
            let me = status.role == RoleName::Primary;
            Ok(Reply::Primary {
                primary: status.primary,
                me,
            })
        }
        Op::Status => {
            let health = replica.health();
            let keys = replica
                .read(0, |kv: &Kv| kv.map.len() as u64)
                .await
                .map(|(n, _)| n)
                .unwrap_or(0);
            let s = health.status;
            Ok(Reply::Status(ServerStatus {
                id: s.id,
                role: format!("{:?}", s.role).to_lowercase(),
                primary: s.primary,
                executed: s.executed,
                members: s.membership.ids().collect(),
                ready_ms: health.ready_after.as_millis() as u64,
                queue_depth: health.queue_depth as u64,
                threads: threads().unwrap_or(health.threads as u64),
                keys,
            }))
        }
    }
}

/// How long a write waits for its commit before the client is told it is uncertain.
const WRITE_DEADLINE: Duration = Duration::from_secs(10);

async fn write(
    replica: &Replica<Kv>,
    command: Command,
    session: Option<SessionSeq>,
) -> Result<Reply, KvError> {
    let bytes = postcard::to_stdvec(&command).map_err(|e| KvError::BadRequest(e.to_string()))?;
    let committed = match session {
        Some(session) => {
            replica
                .submit_in_session(bytes, session, WRITE_DEADLINE)
                .await
        }
        None => replica.submit_within(bytes, WRITE_DEADLINE).await,
    }
    .map_err(kv_error)?;
    Ok(Reply::Done {
        seq: committed.slot,
    })
}

/// Threads in this process, as the kernel counts them.
fn threads() -> Option<u64> {
    Some(std::fs::read_dir("/proc/self/task").ok()?.count() as u64)
}
