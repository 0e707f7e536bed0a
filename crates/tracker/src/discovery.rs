//! Finding the primary: ask every replica (and the hint, first) at once; connect to the
//! first that says it is the primary; otherwise follow the `PrimaryIs` hints a few hops;
//! otherwise back off (exponentially, jittered) and ask again. Runs in the background until
//! it finds a primary or the tracker is gone; callers wait on their own deadlines.

use crate::connector::{Answer, Connector, Failure};
use crate::tracker::Shared;
use std::collections::HashSet;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

pub(crate) async fn run<C: Connector>(weak: Weak<Shared<C>>, from: u64, hint: Option<C::Address>) {
    let started = Instant::now();
    let mut backoff = None;
    loop {
        let Some(shared) = weak.upgrade() else {
            return; // the tracker is gone
        };
        shared.counters.discovery_rounds.fetch_add(1, Relaxed);
        if let Some((address, channel)) = round(&shared, hint.as_ref()).await {
            shared.publish(from, address, channel, started.elapsed());
            return;
        }
        let cfg = &shared.config;
        let pause = backoff.map_or(cfg.backoff_min, |b: Duration| (b * 2).min(cfg.backoff_max));
        backoff = Some(pause);
        // Jitter: somewhere between half and all of the pause, so many clients that lost
        // the same primary do not ask the replicas in lockstep.
        let jittered = pause / 2 + pause.mul_f64(fastrand::f64() / 2.0);
        tracing::debug!(from, ?jittered, "no primary found; backing off");
        drop(shared);
        tokio::time::sleep(jittered).await;
    }
}

/// One round: the primary's address and a channel to it, if any replica leads to one.
async fn round<C: Connector>(
    shared: &Arc<Shared<C>>,
    hint: Option<&C::Address>,
) -> Option<(C::Address, C::Channel)> {
    let mut asked = HashSet::new();
    let mut ask: Vec<C::Address> = Vec::new();
    for a in hint.into_iter().chain(shared.config.replicas.iter()) {
        if asked.insert(a.clone()) {
            ask.push(a.clone());
        }
    }
    for _hop in 0..=shared.config.max_hint_hops {
        if ask.is_empty() {
            return None;
        }
        let mut hints = Vec::new();
        let mut queries = JoinSet::new();
        for address in ask.drain(..) {
            let shared = shared.clone();
            queries.spawn(async move {
                let answer = bounded(&shared, shared.connector.query(&address)).await;
                (address, answer)
            });
        }
        // Act on the first claim as soon as it arrives: a dead replica must not hold up
        // a live primary for a whole query timeout.
        while let Some(joined) = queries.join_next().await {
            let Ok((address, answer)) = joined else {
                continue; // a panicking connector: treat as no answer
            };
            match answer {
                Ok(Answer::IAmPrimary) => {
                    if let Ok(channel) = bounded(shared, shared.connector.connect(&address)).await {
                        queries.abort_all();
                        return Some((address, channel));
                    }
                }
                Ok(Answer::PrimaryIs(other)) => hints.push(other),
                Ok(Answer::Unknown) | Err(_) => {}
            }
        }
        // Nobody claimed it: ask whom they named, most named first, once each.
        let mut named: Vec<(C::Address, usize)> = Vec::new();
        for h in hints {
            match named.iter_mut().find(|(a, _)| *a == h) {
                Some((_, votes)) => *votes += 1,
                None => named.push((h, 1)),
            }
        }
        named.sort_by_key(|(_, votes)| std::cmp::Reverse(*votes));
        for (h, _) in named {
            if asked.insert(h.clone()) {
                ask.push(h);
            }
        }
    }
    None
}

/// A connector call bounded by the query timeout; an expiry is a `Timeout` failure.
async fn bounded<C: Connector, T>(
    shared: &Shared<C>,
    fut: impl std::future::Future<Output = Result<T, Failure<C::Address>>>,
) -> Result<T, Failure<C::Address>> {
    match tokio::time::timeout(shared.config.query_timeout, fut).await {
        Ok(r) => r,
        Err(_) => Err(Failure::Timeout),
    }
}
