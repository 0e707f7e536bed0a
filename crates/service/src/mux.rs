//! One TCP connection carrying many requests at once, answers matched to callers by id:
//! the client side of keel-kv's and ringmaster's protocols. Cancel-safe: whole frames are
//! queued to a writer task, so a caller that gives up never leaves half a frame behind.

use keel_replication::frame;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::{mpsc, oneshot};

type Waiting<R> = Arc<Mutex<HashMap<u64, oneshot::Sender<R>>>>;

/// What a connection does with a response it did not ask for (id 0, a notification), on
/// its reader, in order with the replies.
pub type Unsolicited<R> = Box<dyn Fn(R) + Send + Sync>;

/// The multiplexed connection; `R` is the protocol's response.
#[derive(Debug)]
pub struct Mux<R> {
    queue: mpsc::UnboundedSender<Vec<u8>>,
    pending: Waiting<R>,
    next: AtomicU64,
    closed: Arc<AtomicBool>,
}

impl<R: DeserializeOwned + Send + 'static> Mux<R> {
    /// Takes over a connected stream. `id_of` names the request a response answers; a
    /// response with id 0 is unsolicited (a notification) and goes to `unsolicited`.
    /// Frames over `limit` bytes, or that do not decode, end the connection.
    pub fn start(
        mut read: OwnedReadHalf,
        mut write: OwnedWriteHalf,
        limit: usize,
        id_of: fn(&R) -> u64,
        unsolicited: Option<Unsolicited<R>>,
    ) -> Mux<R> {
        let (queue, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
        tokio::spawn(async move { frame::write_queued(&mut rx, &mut write, 1 << 20).await });
        let pending: Waiting<R> = Default::default();
        let closed = Arc::new(AtomicBool::new(false));
        let (p, c) = (pending.clone(), closed.clone());
        tokio::spawn(async move {
            let mut buf = Vec::new();
            while let Ok(true) = frame::read(&mut read, &mut buf, limit).await {
                let Ok(response) = frame::decode::<R>(&buf) else {
                    break;
                };
                match id_of(&response) {
                    0 => {
                        // Handed over before any later frame is read: whoever waits for a
                        // reply that came after this notification has it already.
                        if let Some(handle) = &unsolicited {
                            handle(response);
                        }
                    }
                    id => {
                        if let Some(tx) = p.lock().expect("not poisoned").remove(&id) {
                            let _ = tx.send(response);
                        }
                    }
                }
            }
            c.store(true, Ordering::SeqCst);
            // Dropping the senders answers every waiting caller with "connection lost".
            p.lock().expect("not poisoned").clear();
        });
        Mux {
            queue,
            pending,
            next: AtomicU64::new(1),
            closed,
        }
    }

    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }

    /// Sends the request `make(id)` builds and waits for its answer; `None` if the
    /// connection is gone.
    pub async fn call<Q: Serialize>(&self, make: impl FnOnce(u64) -> Q) -> Option<R> {
        self.send(make).await
    }

    /// Queues the request `make(id)` builds now, before returning (so requests sent in
    /// order go out in that order, whenever their answers are awaited); the [`Pending`]
    /// resolves to its response, `None` if the connection is gone.
    pub fn send<Q: Serialize>(&self, make: impl FnOnce(u64) -> Q) -> Pending<R> {
        if self.is_closed() {
            return Pending(None);
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.pending.lock().expect("not poisoned").insert(id, tx);
        let mut bytes = Vec::new();
        frame::put_value(&mut bytes, &make(id));
        let answer = Pending(Some((id, rx, self.pending.clone())));
        if self.queue.send(bytes).is_err() {
            return Pending(None); // dropping `answer` forgets the id
        }
        answer
    }
}

/// The response to one request [`Mux::send`] sent. Dropping it unanswered forgets the
/// request, so a caller that gives up leaves nothing behind.
#[derive(Debug)]
pub struct Pending<R>(Option<(u64, oneshot::Receiver<R>, Waiting<R>)>);

impl<R> Future for Pending<R> {
    type Output = Option<R>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<R>> {
        let Some((_, rx, _)) = &mut self.0 else {
            return Poll::Ready(None);
        };
        let answer = std::task::ready!(Pin::new(rx).poll(cx)).ok();
        self.0 = None; // answered: the reader removed the id
        Poll::Ready(answer)
    }
}

impl<R> Drop for Pending<R> {
    fn drop(&mut self) {
        if let Some((id, _, pending)) = self.0.take() {
            // Never panic in drop (it may run while unwinding); a poisoned map is the
            // connection's end anyway.
            if let Ok(mut pending) = pending.lock() {
                pending.remove(&id);
            }
        }
    }
}
