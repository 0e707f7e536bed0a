//! The client side of keel-replication's exactly-once sessions, for every service's client:
//! one session per client, registered on first use, and the numbers of its requests still
//! awaiting an answer. Each request carries its place ([`SessionSeq`]): the session, its own
//! number (a retry reuses it), and the lowest number still awaited, so the ring forgets
//! answers the client no longer needs.

use keel_replication::SessionSeq;
use std::collections::BTreeSet;
use std::sync::Mutex;

#[derive(Debug, Default)]
struct State {
    id: Option<u64>,
    next: u64,
    outstanding: BTreeSet<u64>,
}

/// One client's exactly-once session.
#[derive(Debug, Default)]
pub struct ClientSession(Mutex<State>);

impl ClientSession {
    pub fn new() -> ClientSession {
        ClientSession::default()
    }

    /// The next request's place, registering a session with `register` first if there is
    /// none (or the last one is gone). The ticket holds the number until
    /// [`finish`](Ticket::finish)ed, or dropped (a cancelled request), so it is never
    /// left pinning the lowest awaited number.
    pub async fn place<E, F, Fut>(&self, mut register: F) -> Result<Ticket<'_>, E>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<u64, E>>,
    {
        loop {
            let known = self.0.lock().expect("not poisoned").id;
            let id = match known {
                Some(id) => id,
                None => register().await?,
            };
            let mut s = self.0.lock().expect("not poisoned");
            if s.id.is_none() {
                *s = State {
                    id: Some(id),
                    next: 1,
                    outstanding: BTreeSet::new(),
                };
            }
            // Another request may have found the session gone meanwhile: go round again.
            if s.id == Some(id) {
                let seq = s.next;
                s.next += 1;
                s.outstanding.insert(seq);
                let awaiting = *s.outstanding.first().expect("just inserted");
                let place = SessionSeq {
                    session: id,
                    seq,
                    awaiting,
                };
                return Ok(Ticket {
                    session: self,
                    place,
                    done: false,
                });
            }
        }
    }

    fn release(&self, place: SessionSeq, gone: bool) {
        let mut s = self.0.lock().expect("not poisoned");
        // An answer in a session already replaced concerns none of the current numbers.
        if s.id == Some(place.session) {
            s.outstanding.remove(&place.seq);
            if gone {
                s.id = None;
            }
        }
    }
}

/// A request's place in the session, held until it has its answer.
#[derive(Debug)]
pub struct Ticket<'a> {
    session: &'a ClientSession,
    place: SessionSeq,
    done: bool,
}

impl Ticket<'_> {
    /// What the request carries (every retry the same).
    pub fn place(&self) -> SessionSeq {
        self.place
    }

    /// The request has its answer. `gone`: the ring no longer knows the session (expired or
    /// evicted), so the next request registers a new one.
    pub fn finish(mut self, gone: bool) {
        self.done = true;
        self.session.release(self.place, gone);
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.session.release(self.place, false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn places_number_requests_and_await_the_oldest_unanswered() {
        let s = ClientSession::new();
        let mut registrations = 0;
        let a = block_on(s.place(|| {
            registrations += 1;
            async { Ok::<_, ()>(7) }
        }))
        .unwrap();
        let b = block_on(s.place(|| async { Ok::<_, ()>(0) })).unwrap();
        assert_eq!(registrations, 1);
        let (pa, pb) = (a.place(), b.place());
        assert_eq!((pa.session, pa.seq, pa.awaiting), (7, 1, 1));
        assert_eq!((pb.seq, pb.awaiting), (2, 1));
        a.finish(false);
        let c = block_on(s.place(|| async { Ok::<_, ()>(8) })).unwrap();
        let pc = c.place();
        assert_eq!((pc.session, pc.seq, pc.awaiting), (7, 3, 2));
        // A cancelled request (its ticket dropped) no longer holds the lowest awaited.
        drop(b);
        let d = block_on(s.place(|| async { Ok::<_, ()>(8) })).unwrap();
        assert_eq!(d.place().awaiting, 3);
        // The session is gone: the next place is in a new one, and a late answer from the
        // old one does not touch the new numbers.
        c.finish(true);
        let e = block_on(s.place(|| async { Ok::<_, ()>(9) })).unwrap();
        let pe = e.place();
        assert_eq!((pe.session, pe.seq, pe.awaiting), (9, 1, 1));
        d.finish(false);
        let f = block_on(s.place(|| async { Ok::<_, ()>(0) })).unwrap();
        assert_eq!(
            (f.place().seq, f.place().awaiting),
            (2, 1),
            "seq 1 of session 9 is still awaited"
        );
    }
}
