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
    /// none (or the last one is gone).
    pub async fn place<E, F, Fut>(&self, mut register: F) -> Result<SessionSeq, E>
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
                return Ok(SessionSeq {
                    session: id,
                    seq,
                    awaiting,
                });
            }
        }
    }

    /// The request at `place` has its answer. `gone`: the ring no longer knows the session
    /// (expired or evicted), so the next request registers a new one.
    pub fn done(&self, place: SessionSeq, gone: bool) {
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
        let mut place = || {
            block_on(s.place(|| {
                registrations += 1;
                async { Ok::<_, ()>(7) }
            }))
            .unwrap()
        };
        let (a, b) = (place(), place());
        assert_eq!((a.session, a.seq, a.awaiting), (7, 1, 1));
        assert_eq!((b.seq, b.awaiting), (2, 1));
        s.done(a, false);
        let c = block_on(s.place(|| async { Ok::<_, ()>(8) })).unwrap();
        assert_eq!((c.session, c.seq, c.awaiting), (7, 3, 2));
        assert_eq!(registrations, 1);
        // The session is gone: the next place is in a new one.
        s.done(b, true);
        let d = block_on(s.place(|| async { Ok::<_, ()>(9) })).unwrap();
        assert_eq!((d.session, d.seq, d.awaiting), (9, 1, 1));
    }
}
