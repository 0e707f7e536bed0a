//! The tracker: one shared channel to the primary, guarded by a reader-writer lock and
//! stamped with a generation. Callers read the current generation's channel concurrently.
//! A caller whose request failed reports the generation it used; only the first report for
//! the current generation starts a rediscovery (in the background, on the tracker's
//! runtime), and every caller that needs the primary waits for the next generation, bounded
//! by its own deadline. A semaphore bounds requests in flight, and a counter bounds the
//! callers waiting for it.

use crate::config::{Config, Policy};
use crate::connector::{Connector, Failure, FailureKind};
use crate::error::{Error, Stage};
use crate::metrics::{Counters, Metrics};
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::runtime::{Handle, Runtime};
use tokio::sync::{Semaphore, SemaphorePermit, watch};

/// The primary as one generation found it: its address and the shared channel to it.
pub struct Primary<C: Connector> {
    generation: u64,
    address: C::Address,
    channel: C::Channel,
}

impl<C: Connector> Primary<C> {
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn address(&self) -> &C::Address {
        &self.address
    }

    pub fn channel(&self) -> &C::Channel {
        &self.channel
    }
}

impl<C: Connector> std::fmt::Debug for Primary<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Primary")
            .field("generation", &self.generation)
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

/// What the lock guards: the generation, and its primary (none before the first is found).
struct Slot<C: Connector> {
    generation: u64,
    primary: Option<Arc<Primary<C>>>,
}

pub(crate) struct Shared<C: Connector> {
    pub connector: C,
    pub config: Config<C::Address>,
    pub handle: Handle,
    /// The reader-writer lock and the generation, with a way to wait for the next one.
    slot: watch::Sender<Slot<C>>,
    /// Whether a discovery is running (for the current generation). Held while publishing,
    /// so "start a discovery" and "publish a generation" never interleave.
    discovering: Mutex<bool>,
    throttle: Semaphore,
    queued: AtomicUsize,
    pub counters: Counters,
    /// A runtime the tracker made for itself (`Tracker::start`).
    _runtime: Option<OwnedRuntime>,
}

/// A runtime shut down without blocking when the tracker goes, wherever that happens.
struct OwnedRuntime(Option<Runtime>);

impl Drop for OwnedRuntime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

/// Finds and follows the primary of one replicated service; cheap to clone and share.
pub struct Tracker<C: Connector> {
    shared: Arc<Shared<C>>,
}

impl<C: Connector> Clone for Tracker<C> {
    fn clone(&self) -> Self {
        Tracker {
            shared: self.shared.clone(),
        }
    }
}

impl<C: Connector> std::fmt::Debug for Tracker<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tracker")
            .field("metrics", &self.metrics())
            .finish_non_exhaustive()
    }
}

impl<C: Connector> Tracker<C> {
    /// A tracker whose discoveries run on `handle` (a tokio runtime with time enabled).
    /// It starts looking for the primary at once.
    pub fn new(connector: C, config: Config<C::Address>, handle: Handle) -> Tracker<C> {
        Tracker::build(connector, config, handle, None)
    }

    /// A tracker with a runtime of its own (one worker thread, "keel-tracker"), for
    /// programs that use plain threads. It starts looking for the primary at once.
    pub fn start(connector: C, config: Config<C::Address>) -> std::io::Result<Tracker<C>> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("keel-tracker")
            .enable_time()
            .build()?;
        let handle = rt.handle().clone();
        Ok(Tracker::build(
            connector,
            config,
            handle,
            Some(OwnedRuntime(Some(rt))),
        ))
    }

    fn build(
        connector: C,
        config: Config<C::Address>,
        handle: Handle,
        runtime: Option<OwnedRuntime>,
    ) -> Tracker<C> {
        let permits = config.max_in_flight.max(1);
        let shared = Arc::new(Shared {
            connector,
            config,
            handle,
            slot: watch::Sender::new(Slot {
                generation: 0,
                primary: None,
            }),
            discovering: Mutex::new(false),
            throttle: Semaphore::new(permits),
            queued: AtomicUsize::new(0),
            counters: Counters::default(),
            _runtime: runtime,
        });
        shared.rediscover(0, None);
        Tracker { shared }
    }

    /// The primary of the current generation, if one has been found.
    pub fn current(&self) -> Option<Arc<Primary<C>>> {
        self.shared.slot.borrow().primary.clone()
    }

    /// Reports that a request through `generation`'s channel failed. Only the first report
    /// for the current generation starts a rediscovery; the rest (and reports about older
    /// generations) change nothing. `call` and `call_blocking` report by themselves.
    pub fn report(&self, generation: u64, failure: &Failure<C::Address>) {
        self.shared.counters.failure(failure.kind());
        let hint = match failure {
            Failure::NotPrimary { hint } => hint.clone(),
            _ => None,
        };
        self.shared.rediscover(generation, hint);
    }

    /// Waits (up to `deadline`) for a primary of a generation newer than `after`.
    pub async fn primary_after(
        &self,
        after: Option<u64>,
        deadline: Instant,
    ) -> Result<Arc<Primary<C>>, Error> {
        self.shared
            .primary_after(after, deadline)
            .await
            .map_err(Error::from)
    }

    /// Sends one request from async code. `request` gets the primary and returns the
    /// request's future; its `Err` is a [`Failure`] (application errors belong inside `Ok`).
    /// A failure is reported and, as `policy` allows, the request is tried again on the
    /// next generation. The whole call is bounded by `policy.timeout`: at the deadline the
    /// request's future is dropped, so the channel must be cancel-safe (or, if an exchange
    /// cut in half leaves it out of step, answer the next caller with `ConnectionLost`, which
    /// makes the tracker reconnect).
    pub async fn call<T, F, Fut>(&self, policy: &Policy, mut request: F) -> Result<T, Error>
    where
        F: FnMut(Arc<Primary<C>>) -> Fut,
        Fut: Future<Output = Result<T, Failure<C::Address>>>,
    {
        let shared = &*self.shared;
        let deadline = Instant::now() + policy.timeout;
        let _permit = shared.admit(policy, deadline).await?;
        let mut attempt = Attempts::default();
        loop {
            let primary = match (attempt.after, self.current()) {
                (None, Some(p)) => p,
                (after, _) => match shared.primary_after(after, deadline).await {
                    Ok(p) => p,
                    Err(e) => return Err(attempt.deadline(shared, e)),
                },
            };
            attempt.count += 1;
            let cutoff = policy
                .attempt_timeout
                .map_or(deadline, |limit| deadline.min(Instant::now() + limit));
            let outcome =
                match tokio::time::timeout_at(cutoff.into(), request(primary.clone())).await {
                    Ok(outcome) => outcome,
                    Err(_) if cutoff < deadline => Err(Failure::Timeout),
                    Err(_) => {
                        return Err(attempt.deadline(shared, Stage::Request.into()));
                    }
                };
            if let Some(done) = attempt.settle(self, policy, &primary, outcome, deadline) {
                return done;
            }
        }
    }

    /// Sends one request from a plain thread (not from inside a tokio runtime). `request`
    /// gets the primary and the request's deadline, which it must honour: the tracker
    /// cannot interrupt a blocking call. Otherwise as [`Tracker::call`].
    pub fn call_blocking<T>(
        &self,
        policy: &Policy,
        mut request: impl FnMut(&Primary<C>, Instant) -> Result<T, Failure<C::Address>>,
    ) -> Result<T, Error> {
        let shared = &*self.shared;
        let deadline = Instant::now() + policy.timeout;
        let _permit = match shared.try_admit(policy) {
            Some(p) => p,
            None => shared.handle.block_on(shared.admit(policy, deadline))?,
        };
        let mut attempt = Attempts::default();
        loop {
            let primary = match (attempt.after, self.current()) {
                (None, Some(p)) => p,
                (after, _) => match shared
                    .handle
                    .block_on(shared.primary_after(after, deadline))
                {
                    Ok(p) => p,
                    Err(e) => return Err(attempt.deadline(shared, e)),
                },
            };
            attempt.count += 1;
            let outcome = request(&primary, deadline);
            if let Some(done) = attempt.settle(self, policy, &primary, outcome, deadline) {
                return done;
            }
        }
    }

    pub fn metrics(&self) -> Metrics {
        let shared = &*self.shared;
        // Discoveries start and publish under this lock: holding it, the generation and the
        // discovery counts are read as one consistent snapshot.
        let discovering = shared.discovering.lock().unwrap_or_else(|e| e.into_inner());
        let mut m = Metrics::read(&shared.counters);
        {
            let slot = shared.slot.borrow();
            m.generation = slot.generation;
            m.primary = slot.primary.as_ref().map(|p| format!("{:?}", p.address));
        }
        m.discovering = *discovering;
        drop(discovering);
        m.in_flight = shared.config.max_in_flight.max(1) - shared.throttle.available_permits();
        m.queued = shared.queued.load(Relaxed);
        m
    }
}

/// One request's progress through its attempts.
#[derive(Default)]
struct Attempts {
    count: u32,
    last: Option<FailureKind>,
    /// After a failure: the generation that failed, so the next attempt waits for a newer one.
    after: Option<u64>,
}

impl Attempts {
    /// The result of one attempt: `Some` when the request is done, `None` to try again.
    fn settle<C: Connector, T>(
        &mut self,
        tracker: &Tracker<C>,
        policy: &Policy,
        primary: &Primary<C>,
        outcome: Result<T, Failure<C::Address>>,
        deadline: Instant,
    ) -> Option<Result<T, Error>> {
        let counters = &tracker.shared.counters;
        let failure = match outcome {
            Ok(v) => {
                counters.succeeded.fetch_add(1, Relaxed);
                return Some(Ok(v));
            }
            Err(f) => f,
        };
        tracker.report(primary.generation, &failure);
        let kind = failure.kind();
        self.last = Some(kind);
        self.after = Some(primary.generation);
        if Instant::now() >= deadline {
            return Some(Err(self.deadline(&tracker.shared, Stage::Request.into())));
        }
        if self.count >= policy.max_attempts || !policy.retries(kind) {
            counters.failed.fetch_add(1, Relaxed);
            return Some(Err(Error::Failed {
                attempts: self.count,
                last: kind,
            }));
        }
        None
    }

    /// The request's deadline passed at `stage` (or it ended with another error).
    fn deadline<C: Connector>(&self, shared: &Shared<C>, e: Waited) -> Error {
        match e {
            Waited::Deadline(stage) => {
                shared.counters.deadline_exceeded.fetch_add(1, Relaxed);
                Error::DeadlineExceeded {
                    stage,
                    attempts: self.count,
                    last: self.last,
                }
            }
            Waited::Err(e) => e,
        }
    }
}

/// Why waiting ended without a result.
enum Waited {
    Deadline(Stage),
    Err(Error),
}

impl From<Stage> for Waited {
    fn from(s: Stage) -> Self {
        Waited::Deadline(s)
    }
}

impl From<Waited> for Error {
    fn from(w: Waited) -> Error {
        match w {
            Waited::Deadline(stage) => Error::DeadlineExceeded {
                stage,
                attempts: 0,
                last: None,
            },
            Waited::Err(e) => e,
        }
    }
}

impl<C: Connector> Shared<C> {
    /// A slot without waiting, if one is free and the deadline allows a request at all.
    fn try_admit(&self, policy: &Policy) -> Option<SemaphorePermit<'_>> {
        if policy.timeout.is_zero() {
            return None;
        }
        let permit = self.throttle.try_acquire().ok()?;
        self.counters
            .in_flight(self.config.max_in_flight.max(1) - self.throttle.available_permits());
        Some(permit)
    }

    /// A slot, waiting in the bounded queue if need be.
    async fn admit(
        &self,
        policy: &Policy,
        deadline: Instant,
    ) -> Result<SemaphorePermit<'_>, Error> {
        if policy.timeout.is_zero() {
            self.counters.deadline_exceeded.fetch_add(1, Relaxed);
            return Err(Waited::from(Stage::Queued).into());
        }
        if let Some(p) = self.try_admit(policy) {
            return Ok(p);
        }
        // Take a place in the queue only if one is free, so the gauge never reads above the
        // limit (an add-then-undo would show max_queued + 1 to a concurrent reader).
        let max = self.config.max_queued;
        if let Err(queued) = self
            .queued
            .fetch_update(Relaxed, Relaxed, |q| (q < max).then_some(q + 1))
        {
            self.counters.overloaded.fetch_add(1, Relaxed);
            return Err(Error::Overloaded {
                in_flight: self.config.max_in_flight.max(1) - self.throttle.available_permits(),
                queued,
            });
        }
        let waited = tokio::time::timeout_at(deadline.into(), self.throttle.acquire()).await;
        self.queued.fetch_sub(1, Relaxed);
        match waited {
            Ok(Ok(p)) => {
                self.counters.in_flight(
                    self.config.max_in_flight.max(1) - self.throttle.available_permits(),
                );
                Ok(p)
            }
            Ok(Err(_)) => Err(Error::Closed),
            Err(_) => {
                self.counters.deadline_exceeded.fetch_add(1, Relaxed);
                Err(Waited::from(Stage::Queued).into())
            }
        }
    }

    /// The primary of a generation newer than `after` (any, if `None`), waiting for
    /// discovery up to `deadline`.
    async fn primary_after(
        &self,
        after: Option<u64>,
        deadline: Instant,
    ) -> Result<Arc<Primary<C>>, Waited> {
        let newer = |s: &Slot<C>| after.is_none_or(|g| s.generation > g) && s.primary.is_some();
        let mut rx = self.slot.subscribe();
        let found = tokio::time::timeout_at(deadline.into(), rx.wait_for(newer)).await;
        match found {
            Ok(Ok(slot)) => Ok(slot.primary.clone().expect("checked by wait_for")),
            Ok(Err(_)) => Err(Waited::Err(Error::Closed)),
            Err(_) => Err(Stage::FindingPrimary.into()),
        }
    }

    /// Starts a discovery if `generation` is still current and none is running.
    pub(crate) fn rediscover(self: &Arc<Self>, generation: u64, hint: Option<C::Address>) {
        let mut discovering = self.discovering.lock().unwrap_or_else(|e| e.into_inner());
        if *discovering || self.slot.borrow().generation != generation {
            return;
        }
        *discovering = true;
        self.counters.discoveries_started.fetch_add(1, Relaxed);
        tracing::debug!(generation, ?hint, "primary lost: rediscovering");
        let weak = Arc::downgrade(self);
        self.handle
            .spawn(crate::discovery::run(weak, generation, hint));
    }

    /// Publishes the primary a discovery (started for generation `from`) found.
    pub(crate) fn publish(
        &self,
        from: u64,
        address: C::Address,
        channel: C::Channel,
        took: Duration,
    ) {
        let mut discovering = self.discovering.lock().unwrap_or_else(|e| e.into_inner());
        let generation = from + 1;
        debug_assert_eq!(
            self.slot.borrow().generation,
            from,
            "one discovery per generation"
        );
        tracing::info!(generation, ?address, ?took, "primary found");
        // Counted before it is published, so a caller served by the new primary sees it.
        self.counters.discovered(took);
        self.slot.send_replace(Slot {
            generation,
            primary: Some(Arc::new(Primary {
                generation,
                address,
                channel,
            })),
        });
        *discovering = false;
    }
}
