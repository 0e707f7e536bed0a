//! Replica-to-replica TCP. Each replica dials every peer it sends to and only ever writes on
//! the connections it dialed; it reads on the ones it accepted. A connection opens with a
//! hello naming the cluster and the sender; then framed messages follow. A frame that fails
//! its checksum or does not decode closes the connection (the peer's retransmissions make
//! good whatever was lost); a hello from another cluster, or of another protocol version, is
//! refused.

use crate::frame;
use crate::types::{Message, NodeId};
use serde::{Deserialize, Serialize};
use std::sync::mpsc::Sender;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Handle;
use tokio::sync::mpsc;

/// The largest frame a replica accepts from a peer.
pub const MAX_FRAME: usize = 256 << 20;
/// "KEELRPL" and the peer protocol's version as the last byte: replicas of different
/// versions refuse each other by name instead of misreading messages.
pub const MAGIC: u64 = MAGIC_PREFIX | VERSION as u64;
const MAGIC_PREFIX: u64 = 0x4b45_454c_5250_4c00; // "KEELRPL\0"
/// 2: checkpoints are pulled by offset. 3: requests travel in session envelopes.
pub const VERSION: u8 = b'3';

#[derive(Debug, Serialize, Deserialize)]
struct Hello {
    magic: u64,
    cluster: u64,
    from: NodeId,
}

/// What the transport hands the replica's thread.
#[derive(Debug)]
pub enum Incoming {
    Message(NodeId, Message),
}

/// Accepts peers' connections on `listener` and forwards their messages.
pub fn serve<E: From<Incoming> + Send + 'static>(
    handle: &Handle,
    listener: TcpListener,
    cluster: u64,
    me: NodeId,
    events: Sender<E>,
) {
    handle.spawn(async move {
        loop {
            let Ok((stream, peer)) = listener.accept().await else {
                continue;
            };
            let events = events.clone();
            tokio::spawn(async move {
                if let Err(e) = read_peer(stream, cluster, me, events).await {
                    tracing::warn!(id = me, %peer, "closed a peer connection: {e}");
                }
            });
        }
    });
}

/// Why a peer's connection was closed (logged; the peer's dialer tries again).
#[derive(Debug, thiserror::Error)]
enum PeerError {
    #[error(transparent)]
    Read(#[from] frame::ReadError),
    #[error("bad hello: {0}")]
    BadHello(frame::FrameError),
    #[error(
        "refused replica {from}: it speaks peer protocol {theirs}, this replica {ours} (run one build across the ring)"
    )]
    Version {
        from: NodeId,
        theirs: char,
        ours: char,
    },
    #[error("not a keel-replication peer (bad hello)")]
    NotAPeer,
    #[error("refused replica {from} of cluster {theirs}: this is cluster {ours} (check --cluster)")]
    Cluster {
        from: NodeId,
        theirs: u64,
        ours: u64,
    },
    #[error("a peer claims this replica's own id")]
    OwnId,
    #[error("corrupt message from replica {from}: {source}")]
    Corrupt {
        from: NodeId,
        source: frame::FrameError,
    },
}

async fn read_peer<E: From<Incoming>>(
    mut stream: TcpStream,
    cluster: u64,
    me: NodeId,
    events: Sender<E>,
) -> Result<(), PeerError> {
    stream.set_nodelay(true).ok();
    let mut buf = Vec::new();
    if !frame::read(&mut stream, &mut buf, MAX_FRAME).await? {
        return Ok(());
    }
    let hello: Hello = frame::decode(&buf).map_err(PeerError::BadHello)?;
    if hello.magic & !0xff == MAGIC_PREFIX && hello.magic != MAGIC {
        return Err(PeerError::Version {
            from: hello.from,
            theirs: (hello.magic & 0xff) as u8 as char,
            ours: VERSION as char,
        });
    }
    if hello.magic != MAGIC {
        return Err(PeerError::NotAPeer);
    }
    if hello.cluster != cluster {
        return Err(PeerError::Cluster {
            from: hello.from,
            theirs: hello.cluster,
            ours: cluster,
        });
    }
    if hello.from == me {
        return Err(PeerError::OwnId);
    }
    while frame::read(&mut stream, &mut buf, MAX_FRAME).await? {
        let message: Message = frame::decode(&buf).map_err(|source| PeerError::Corrupt {
            from: hello.from,
            source,
        })?;
        if events
            .send(Incoming::Message(hello.from, message).into())
            .is_err()
        {
            return Ok(());
        }
    }
    Ok(())
}

/// The sending side of one peer: a queue of encoded frames and a task that keeps a
/// connection to the peer's address and writes them. While the peer is unreachable, what is
/// queued is dropped (the protocol retransmits).
#[derive(Debug)]
pub struct Link {
    pub addr: String,
    queue: mpsc::UnboundedSender<Vec<u8>>,
}

impl Link {
    pub fn open(handle: &Handle, cluster: u64, me: NodeId, addr: String) -> Link {
        let (queue, rx) = mpsc::unbounded_channel();
        handle.spawn(write_peer(addr.clone(), cluster, me, rx));
        Link { addr, queue }
    }

    pub fn send(&self, message: &Message) {
        let mut bytes = Vec::new();
        frame::put_value(&mut bytes, message);
        let _ = self.queue.send(bytes);
    }
}

async fn write_peer(
    addr: String,
    cluster: u64,
    me: NodeId,
    mut rx: mpsc::UnboundedReceiver<Vec<u8>>,
) {
    let mut backoff = Duration::from_millis(20);
    let mut hello = Vec::new();
    frame::put_value(
        &mut hello,
        &Hello {
            magic: MAGIC,
            cluster,
            from: me,
        },
    );
    loop {
        let mut stream = match TcpStream::connect(&addr).await {
            Ok(s) => s,
            Err(_) => {
                // Drop what queued up meanwhile; wait for more, or for the link to close.
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_millis(500));
                loop {
                    match rx.try_recv() {
                        Ok(_) => continue,
                        Err(mpsc::error::TryRecvError::Empty) => break,
                        Err(mpsc::error::TryRecvError::Disconnected) => return,
                    }
                }
                continue;
            }
        };
        stream.set_nodelay(true).ok();
        backoff = Duration::from_millis(20);
        if stream.write_all(&hello).await.is_err() {
            continue;
        }
        if frame::write_queued(&mut rx, &mut stream, 4 << 20).await {
            return; // the link was closed
        }
    }
}
