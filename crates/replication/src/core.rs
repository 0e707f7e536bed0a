//! The sans-IO Multi-Paxos core: a pure state machine over [`Input`]s that emits
//! [`Output`]s. It never touches a clock, a socket or a file; the node around it does, and
//! the same core runs under the TCP driver and under the deterministic simulator.
//!
//! The rules a driver must keep:
//! - every [`Output::Persist`] whose record [`needs_sync`](Record::needs_sync) is durable
//!   before any output that follows it leaves the replica (promises and acceptances are on
//!   disk before anyone hears of them);
//! - [`Output::Execute`] arrives in slot order, once per slot, and the driver applies it to
//!   the state machine in that order.
//!
//! The protocol, in RSL's shape: one primary per ballot proposes a window of slots at a
//! time, each slot a batch of requests; secondaries accept, the primary counts a majority
//! and piggybacks its commit point on the next message. A secondary that hears nothing for a
//! randomized election delay runs phase 1 with a higher ballot, re-proposes whatever a
//! majority had accepted, fills gaps with no-ops, and then a no-op of its own: once that has
//! executed the new primary has executed everything its predecessors committed.
//! Membership changes are decrees; the primary proposes nothing after one until it is
//! chosen, so every slot's quorum is that of the membership in force before it.

use crate::types::*;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Duration;

/// Tunables of the protocol. The defaults suit a LAN.
#[derive(Debug, Clone)]
pub struct Options {
    /// How often a primary says it is alive (and retransmits what was not acknowledged).
    pub heartbeat_interval: Duration,
    /// A secondary that hears nothing from a primary for a random delay between half and
    /// three quarters of this starts an election; a primary that hears from no majority for
    /// this long steps down. A new primary serves within one election timeout of a failure.
    pub election_timeout: Duration,
    /// Slots a primary may have proposed and not yet executed.
    pub window: u64,
    /// Bytes of requests batched into one slot (a single larger request still goes alone).
    pub max_batch_bytes: usize,
    /// The largest request accepted by `submit`.
    pub max_request_bytes: usize,
    /// Chosen values sent per catch-up message.
    pub catchup_batch: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            heartbeat_interval: Duration::from_millis(50),
            election_timeout: Duration::from_millis(500),
            window: 32,
            max_batch_bytes: 1 << 20,
            max_request_bytes: 1 << 20,
            catchup_batch: 1024,
        }
    }
}

/// What happens to the core.
#[derive(Debug, Clone)]
pub enum Input {
    /// Time passed; the core checks its timers.
    Tick,
    Message {
        from: NodeId,
        message: Message,
    },
    /// A request submitted on this replica.
    Submit(Request),
    /// Change the member set (on the primary).
    Reconfigure {
        token: u64,
        membership: Membership,
    },
    /// A linearizable read: answered with the slot it must see once a majority confirmed
    /// this replica is still the primary.
    ReadIndex {
        token: u64,
    },
    /// Stop being primary and stay out of elections for a while.
    Relinquish,
}

/// What the core asks its driver to do (in this order; see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    Persist(Record),
    Send {
        to: NodeId,
        message: Message,
    },
    /// `value` is chosen for `slot`: apply it.
    Execute {
        slot: Slot,
        value: Value,
    },
    /// These requests will not be answered by this replica. `uncertain`: they were proposed
    /// and may still be chosen (a retry may execute twice); otherwise they were never
    /// proposed.
    Aborted {
        ids: Vec<RequestId>,
        uncertain: bool,
        hint: Option<NodeId>,
    },
    ReconfigureDone {
        token: u64,
        result: Result<Slot, Refusal>,
    },
    ReadReady {
        token: u64,
        index: Slot,
    },
    ReadRefused {
        token: u64,
        hint: Option<NodeId>,
    },
    /// A peer has truncated the slots this replica lacks: fetch its checkpoint.
    NeedCheckpoint {
        from: NodeId,
    },
    BecamePrimary,
    LostPrimary,
    /// The new primary has executed everything its predecessors committed.
    PrimaryRecovered,
}

/// Why the core refused an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    NotPrimary {
        hint: Option<NodeId>,
    },
    /// Another membership change is in flight.
    Busy,
    /// The primary lost its role before the change was known chosen.
    Lost,
}

/// What a replica looks like from outside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub id: NodeId,
    pub role: RoleName,
    pub ballot: Ballot,
    pub primary: Option<NodeId>,
    pub executed: Slot,
    pub log_start: Slot,
    pub membership: Membership,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleName {
    Secondary,
    Candidate,
    Primary,
}

#[derive(Debug, Clone)]
struct Entry {
    ballot: Ballot,
    value: Value,
    chosen: bool,
}

/// The durable state a log replay rebuilds; see [`Core::restore`].
#[derive(Debug, Clone, Default)]
pub struct Durable {
    pub promised: Ballot,
    /// The latest acceptance per slot (`chosen` when known chosen).
    pub entries: BTreeMap<Slot, (Ballot, Value, bool)>,
    pub commit: Slot,
    /// The first slot the log covers: it holds every acceptance this replica made from here
    /// on (the log was rewritten from here). 0 or 1: from the start.
    pub covers_from: Slot,
}

#[derive(Debug)]
struct Campaign {
    ballot: Ballot,
    started: u64,
    resend_at: u64,
    asked: BTreeSet<NodeId>,
    promises: BTreeMap<NodeId, Vec<Accepted>>,
}

#[derive(Debug)]
struct Flight {
    acks: BTreeSet<NodeId>,
    ids: Vec<RequestId>,
    /// When it was last sent: retransmitted only after two heartbeats without an answer,
    /// so a large value is not resent on every tick.
    sent: u64,
}

#[derive(Debug)]
struct PendingChange {
    token: u64,
    membership: Membership,
    slot: Option<Slot>,
}

#[derive(Debug)]
struct Reign {
    ballot: Ballot,
    since: u64,
    next_slot: Slot,
    inflight: BTreeMap<Slot, Flight>,
    queue: VecDeque<Request>,
    queued_bytes: usize,
    recovered_to: Slot,
    recovered: bool,
    change: Option<PendingChange>,
    heartbeat_at: u64,
    round: u64,
    acked_round: BTreeMap<NodeId, u64>,
    heard: BTreeMap<NodeId, u64>,
    reads: Vec<(u64, Slot, u64)>,
}

#[derive(Debug)]
enum Role {
    Secondary,
    Candidate(Campaign),
    Primary(Reign),
}

/// One replica's protocol state. See the module docs.
#[derive(Debug)]
pub struct Core {
    id: NodeId,
    opts: Options,
    heartbeat: u64,
    timeout: u64,
    rng: fastrand::Rng,
    now: u64,
    promised: Ballot,
    max_round: u64,
    log: BTreeMap<Slot, Entry>,
    log_start: Slot,
    executed: Slot,
    membership: Membership,
    commit_hint: Slot,
    leader: Option<NodeId>,
    election_at: u64,
    quiet_until: u64,
    fetch_at: u64,
    /// When a prepare from a member not known here may next make it ask what was chosen
    /// (its own timer: the catch-up fetches to the leader would otherwise starve it).
    stranger_fetch_at: u64,
    checkpoint_at: u64,
    may_lead: bool,
    role: Role,
    outputs: Vec<Output>,
}

fn micros(d: Duration) -> u64 {
    d.as_micros().min(u64::MAX as u128) as u64
}

impl Core {
    /// A replica whose state machine holds everything up to `executed` (from a checkpoint, or
    /// 0), in `membership`, with the durable state its log replay found. Times are
    /// microseconds on the driver's monotonic clock; `seed` drives the election jitter.
    pub fn restore(
        id: NodeId,
        opts: Options,
        executed: Slot,
        membership: Membership,
        durable: Durable,
        now: u64,
        seed: u64,
    ) -> Core {
        let mut log = BTreeMap::new();
        let mut max_round = durable.promised.round;
        // Slots after `executed` but before what the log covers: this replica may have
        // accepted there and forgotten it (the checkpoint that covered them was damaged).
        // It claims to know nothing before the log's start, and cannot lead until a peer's
        // checkpoint fills the gap.
        let log_start = (executed + 1).max(durable.covers_from);
        for (slot, (ballot, value, chosen)) in durable.entries {
            max_round = max_round.max(ballot.round.min(u64::MAX - 1));
            if slot > executed {
                let chosen = chosen || slot <= durable.commit;
                log.insert(
                    slot,
                    Entry {
                        ballot,
                        value,
                        chosen,
                    },
                );
            }
        }
        let mut core = Core {
            id,
            heartbeat: micros(opts.heartbeat_interval).max(1),
            timeout: micros(opts.election_timeout).max(2),
            opts,
            rng: fastrand::Rng::with_seed(seed),
            now,
            promised: durable.promised,
            max_round,
            log,
            log_start,
            executed,
            membership,
            commit_hint: durable.commit.max(executed),
            leader: None,
            election_at: 0,
            quiet_until: 0,
            fetch_at: 0,
            stranger_fetch_at: 0,
            checkpoint_at: 0,
            may_lead: true,
            role: Role::Secondary,
            outputs: Vec::new(),
        };
        core.reset_election_timer();
        core.try_execute();
        core
    }

    pub fn id(&self) -> NodeId {
        self.id
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }

    pub fn executed(&self) -> Slot {
        self.executed
    }

    pub fn membership(&self) -> &Membership {
        &self.membership
    }

    pub fn is_primary(&self) -> bool {
        matches!(self.role, Role::Primary(_))
    }

    /// On the primary, the peers that answered it within the election timeout.
    pub fn followers(&self) -> Vec<NodeId> {
        match &self.role {
            Role::Primary(r) => r
                .heard
                .iter()
                .filter(|(_, t)| **t + self.timeout >= self.now)
                .map(|(p, _)| *p)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Whether this replica is primary and has executed everything its predecessors
    /// committed (so reads on it see every acknowledged write).
    pub fn is_recovered_primary(&self) -> bool {
        matches!(&self.role, Role::Primary(r) if r.recovered)
    }

    pub fn primary_hint(&self) -> Option<NodeId> {
        self.leader
    }

    /// When the core next needs a [`Input::Tick`].
    pub fn next_deadline(&self) -> u64 {
        match &self.role {
            Role::Secondary => self
                .election_at
                .max(self.quiet_until)
                .min(self.fetch_deadline()),
            Role::Candidate(c) => c.resend_at.min(c.started + self.timeout),
            Role::Primary(r) => r.heartbeat_at,
        }
    }

    fn fetch_deadline(&self) -> u64 {
        if self.executed < self.commit_hint {
            self.fetch_at
        } else {
            u64::MAX
        }
    }

    pub fn status(&self) -> Status {
        let (role, ballot) = match &self.role {
            Role::Secondary => (RoleName::Secondary, self.promised),
            Role::Candidate(c) => (RoleName::Candidate, c.ballot),
            Role::Primary(r) => (RoleName::Primary, r.ballot),
        };
        Status {
            id: self.id,
            role,
            ballot,
            primary: self.leader,
            executed: self.executed,
            log_start: self.log_start,
            membership: self.membership.clone(),
        }
    }

    /// The application's veto on becoming primary, consulted before each election.
    pub fn set_may_lead(&mut self, may_lead: bool) {
        self.may_lead = may_lead;
    }

    /// Everything the log must hold to rebuild this core (for rewriting the log after a
    /// checkpoint): the promise, every entry from `log_start` on, the commit point.
    pub fn durable(&self) -> Vec<Record> {
        let mut records = vec![Record::Promise(self.promised)];
        for (&slot, e) in &self.log {
            records.push(if e.chosen {
                Record::Chosen {
                    slot,
                    value: e.value.clone(),
                }
            } else {
                Record::Accept {
                    slot,
                    ballot: e.ballot,
                    value: e.value.clone(),
                }
            });
        }
        records.push(Record::Commit(self.executed));
        records
    }

    /// Forgets the log up to `upto` (which a checkpoint covers). Catch-up for older slots is
    /// then served by checkpoint transfer.
    pub fn truncate(&mut self, upto: Slot) {
        let upto = upto.min(self.executed);
        if upto < self.log_start {
            return;
        }
        self.log = self.log.split_off(&(upto + 1));
        self.log_start = upto + 1;
    }

    /// A checkpoint at `seq` (from a peer) replaced the state machine.
    pub fn install(&mut self, seq: Slot, membership: Membership) {
        if seq <= self.executed || !matches!(self.role, Role::Secondary) {
            return;
        }
        self.executed = seq;
        self.membership = membership;
        self.log = self.log.split_off(&(seq + 1));
        self.log_start = self.log_start.max(seq + 1);
        self.commit_hint = self.commit_hint.max(seq);
        // No `Commit(seq)` record: the node rewrites the log (see `Node::install`), and a
        // commit point over entries this replica never executed would vouch for them.
        self.fetch_at = 0;
        self.try_execute();
    }

    pub fn take_outputs(&mut self) -> Vec<Output> {
        std::mem::take(&mut self.outputs)
    }

    /// Feeds one input at time `now` (microseconds, monotonic).
    pub fn step(&mut self, now: u64, input: Input) {
        self.now = self.now.max(now);
        match input {
            Input::Tick => self.tick(),
            Input::Message { from, message } => self.receive(from, message),
            Input::Submit(request) => self.submit(request),
            Input::Reconfigure { token, membership } => self.reconfigure(token, membership),
            Input::ReadIndex { token } => self.read_index(token),
            Input::Relinquish => {
                if self.is_primary() {
                    self.step_down(None);
                    self.quiet_until = self.now + 2 * self.timeout;
                }
            }
        }
    }

    // ---- timers -------------------------------------------------------------------------

    /// A secondary stands for election between half and three quarters of the election
    /// timeout after it last heard from a primary: randomized so that one replica usually
    /// goes first, and early enough that the new primary serves within the timeout.
    fn reset_election_timer(&mut self) {
        let (half, quarter) = (self.timeout / 2, self.timeout / 4);
        self.election_at = self.now + half + self.rng.u64(0..quarter.max(1));
    }

    fn tick(&mut self) {
        let now = self.now;
        match &mut self.role {
            Role::Secondary => {
                if now >= self.election_at && now >= self.quiet_until && self.can_lead() {
                    self.campaign();
                } else if now >= self.election_at {
                    // Cannot lead (not a member as far as it knows, or vetoed) and hears no
                    // primary: it may be the one that is behind. Ask a peer what is chosen;
                    // that is how a replica learns it was added, or that a ring moved on.
                    self.reset_election_timer();
                    self.ask_a_peer();
                }
                self.try_execute();
            }
            Role::Candidate(c) => {
                if now >= c.started + self.timeout {
                    self.campaign();
                } else if now >= c.resend_at {
                    c.resend_at = now + self.heartbeat;
                    let (ballot, from) = (c.ballot, self.executed + 1);
                    let silent: Vec<NodeId> = c
                        .asked
                        .iter()
                        .copied()
                        .filter(|p| !c.promises.contains_key(p))
                        .collect();
                    for p in silent {
                        self.send(p, Message::Prepare { ballot, from });
                    }
                }
            }
            Role::Primary(r) => {
                if now >= r.heartbeat_at {
                    self.heartbeat();
                }
                if let Role::Primary(r) = &self.role
                    && now >= r.since + self.timeout
                {
                    let recent = r.heard.iter().filter(|(_, t)| **t + self.timeout >= now);
                    let mut alive: Vec<NodeId> = recent.map(|(p, _)| *p).collect();
                    alive.push(self.id);
                    if !self.membership.is_quorum(&alive) {
                        tracing::warn!(id = self.id, "no majority heard from: stepping down");
                        self.step_down(None);
                    }
                }
            }
        }
    }

    fn ask_a_peer(&mut self) {
        let peers: Vec<NodeId> = self.peers().into_iter().collect();
        if !peers.is_empty() {
            let to = peers[self.rng.usize(0..peers.len())];
            self.send(
                to,
                Message::Fetch {
                    from: self.executed + 1,
                },
            );
        }
    }

    /// Found behind a peer's checkpoint: a campaign now would fail for want of those slots
    /// and disrupt the replicas that could lead, so it waits a few election timeouts (time
    /// to fetch the checkpoint). Only waits: if nobody else leads, it tries again after.
    fn hold_back(&mut self) {
        self.quiet_until = self.quiet_until.max(self.now + 4 * self.timeout);
    }

    fn can_lead(&self) -> bool {
        self.may_lead && self.membership.contains(self.id) && self.log_start <= self.executed + 1
    }

    // ---- helpers ------------------------------------------------------------------------

    fn send(&mut self, to: NodeId, message: Message) {
        if to != self.id {
            self.outputs.push(Output::Send { to, message });
        }
    }

    fn persist(&mut self, record: Record) {
        self.outputs.push(Output::Persist(record));
    }

    /// Every replica that takes part in the slots from `executed` on: the current members
    /// and those of any membership change in the log beyond it.
    fn peers(&self) -> BTreeSet<NodeId> {
        let mut ids: BTreeSet<NodeId> = self.membership.ids().collect();
        for e in self.log.range(self.executed + 1..).map(|(_, e)| e) {
            if let Value::Reconfigure(m) = &e.value {
                ids.extend(m.ids());
            }
        }
        ids.remove(&self.id);
        ids
    }

    /// The membership whose majority decides `slot`.
    fn membership_for(&self, slot: Slot) -> Membership {
        let mut m = self.membership.clone();
        if slot <= self.executed + 1 {
            return m;
        }
        for (_, e) in self.log.range(self.executed + 1..slot) {
            if let Value::Reconfigure(next) = &e.value {
                m = next.clone();
            }
        }
        m
    }

    /// Whether `id` is a member, or becomes one in a change this replica has seen.
    pub fn knows(&self, id: NodeId) -> bool {
        id == self.id || self.peers().contains(&id)
    }

    /// A member's address, from the membership in force or a change in the log.
    pub fn address_of(&self, id: NodeId) -> Option<String> {
        let pending = self
            .log
            .range(self.executed + 1..)
            .rev()
            .filter_map(|(_, e)| match &e.value {
                Value::Reconfigure(m) => m.get(id).map(|m| m.addr.clone()),
                _ => None,
            });
        pending
            .chain(self.membership.get(id).map(|m| m.addr.clone()))
            .next()
    }

    fn raise_promise(&mut self, ballot: Ballot) {
        if ballot > self.promised {
            self.promised = ballot;
            self.max_round = self.max_round.max(ballot.round);
        }
    }

    fn follow(&mut self, ballot: Ballot) {
        if let Role::Primary(r) = &self.role {
            if ballot > r.ballot {
                self.step_down(Some(ballot.node));
            }
        } else if let Role::Candidate(c) = &self.role
            && ballot > c.ballot
        {
            self.step_down(Some(ballot.node));
        }
        if !matches!(self.role, Role::Primary(_)) {
            self.leader = Some(ballot.node);
            self.reset_election_timer();
        }
    }

    fn step_down(&mut self, hint: Option<NodeId>) {
        let old = std::mem::replace(&mut self.role, Role::Secondary);
        self.leader = hint;
        self.reset_election_timer();
        if let Role::Primary(r) = old {
            let never: Vec<RequestId> = r.queue.iter().map(|q| q.id).collect();
            if !never.is_empty() {
                self.outputs.push(Output::Aborted {
                    ids: never,
                    uncertain: false,
                    hint,
                });
            }
            let maybe: Vec<RequestId> = r.inflight.into_values().flat_map(|f| f.ids).collect();
            if !maybe.is_empty() {
                self.outputs.push(Output::Aborted {
                    ids: maybe,
                    uncertain: true,
                    hint,
                });
            }
            if let Some(c) = r.change {
                let result = Err(if c.slot.is_some() {
                    Refusal::Lost
                } else {
                    Refusal::NotPrimary { hint }
                });
                self.outputs.push(Output::ReconfigureDone {
                    token: c.token,
                    result,
                });
            }
            for (token, _, _) in r.reads {
                self.outputs.push(Output::ReadRefused { token, hint });
            }
            self.outputs.push(Output::LostPrimary);
        }
    }

    // ---- phase 1 ------------------------------------------------------------------------

    fn campaign(&mut self) {
        let round = self.max_round.max(self.promised.round) + 1;
        let ballot = Ballot {
            round,
            node: self.id,
        };
        self.max_round = round;
        self.promised = ballot;
        self.persist(Record::Promise(ballot));
        self.leader = None;
        let from = self.executed + 1;
        let asked = self.peers();
        tracing::debug!(id = self.id, %ballot, "campaigning");
        let mut promises = BTreeMap::new();
        promises.insert(self.id, self.accepted_from(from));
        for &p in &asked {
            self.send(p, Message::Prepare { ballot, from });
        }
        self.role = Role::Candidate(Campaign {
            ballot,
            started: self.now,
            resend_at: self.now + self.heartbeat,
            asked,
            promises,
        });
        self.try_win();
    }

    fn accepted_from(&self, from: Slot) -> Vec<Accepted> {
        self.log
            .range(from..)
            .map(|(&slot, e)| Accepted {
                slot,
                ballot: if e.chosen { Ballot::CHOSEN } else { e.ballot },
                value: e.value.clone(),
            })
            .collect()
    }

    fn on_prepare(&mut self, from: NodeId, ballot: Ballot, start: Slot) {
        if !self.knows(from) || ballot.node != from {
            tracing::debug!(id = self.id, from, "ignoring a prepare from a non-member");
            // A prepare from a stranger most likely means the ring changed its
            // membership and this replica has not learned it yet; without that it can
            // neither answer the new members nor help them to a quorum. The stranger knows
            // the change (it is reachable if the change is in this log, pending); a peer
            // known here may too, as the change needed a quorum of this membership.
            if ballot.node == from && self.now >= self.stranger_fetch_at {
                self.stranger_fetch_at = self.now + 2 * self.heartbeat;
                let next = self.executed + 1;
                self.send(from, Message::Fetch { from: next });
                self.ask_a_peer();
            }
            return;
        }
        let repeat = ballot == self.promised;
        if ballot > self.promised || repeat {
            if !repeat {
                self.raise_promise(ballot);
                self.persist(Record::Promise(ballot));
                if !matches!(self.role, Role::Secondary) {
                    self.step_down(None);
                }
            }
            self.leader = None;
            self.reset_election_timer();
            let accepted = self.accepted_from(start.max(self.log_start));
            let message = Message::Promise {
                ballot,
                accepted,
                log_start: self.log_start,
                executed: self.executed,
            };
            self.send(from, message);
        } else {
            self.send(
                from,
                Message::Reject {
                    promised: self.promised,
                },
            );
        }
    }

    fn on_promise(
        &mut self,
        from: NodeId,
        ballot: Ballot,
        accepted: Vec<Accepted>,
        log_start: Slot,
    ) {
        let Role::Candidate(c) = &mut self.role else {
            return;
        };
        if c.ballot != ballot {
            return;
        }
        if log_start > self.executed + 1 {
            // The peer has checkpointed slots this replica has not executed; it cannot lead
            // until it catches up.
            self.hold_back();
            self.step_down(None);
            self.fetch_at = 0;
            self.leader = Some(from);
            self.send(
                from,
                Message::Fetch {
                    from: self.executed + 1,
                },
            );
            return;
        }
        c.promises.insert(from, accepted);
        self.try_win();
    }

    /// Becomes primary once a majority of every membership the recovered slots pass
    /// through has promised.
    fn try_win(&mut self) {
        let Role::Candidate(c) = &self.role else {
            return;
        };
        let mut merged: BTreeMap<Slot, (Ballot, Value)> = BTreeMap::new();
        for acc in c.promises.values().flatten() {
            if acc.slot <= self.executed {
                continue;
            }
            match merged.get(&acc.slot) {
                Some((b, _)) if *b >= acc.ballot => {}
                _ => {
                    merged.insert(acc.slot, (acc.ballot, acc.value.clone()));
                }
            }
        }
        let mut memberships = vec![self.membership.clone()];
        for (_, v) in merged.values() {
            if let Value::Reconfigure(m) = v {
                memberships.push(m.clone());
            }
        }
        let ballot = c.ballot;
        let promised: Vec<NodeId> = c.promises.keys().copied().collect();
        let unasked: Vec<NodeId> = memberships
            .iter()
            .flat_map(|m| m.ids())
            .filter(|id| *id != self.id && !c.asked.contains(id))
            .collect();
        if !unasked.is_empty() {
            let from = self.executed + 1;
            for p in unasked {
                if let Role::Candidate(c) = &mut self.role {
                    c.asked.insert(p);
                }
                self.send(p, Message::Prepare { ballot, from });
            }
        }
        if !memberships.iter().all(|m| m.is_quorum(&promised)) {
            return;
        }
        // Even if a recovered membership change removes this replica, it leads until that
        // change is chosen (so it gets chosen), then steps down.
        let last = merged.keys().next_back().copied().unwrap_or(self.executed);
        tracing::info!(id = self.id, %ballot, recovering = last - self.executed, "became primary");
        self.leader = Some(self.id);
        self.role = Role::Primary(Reign {
            ballot,
            since: self.now,
            next_slot: self.executed + 1,
            inflight: BTreeMap::new(),
            queue: VecDeque::new(),
            queued_bytes: 0,
            recovered_to: last + 1,
            recovered: false,
            change: None,
            heartbeat_at: self.now,
            round: 0,
            acked_round: BTreeMap::new(),
            heard: BTreeMap::new(),
            reads: Vec::new(),
        });
        self.outputs.push(Output::BecamePrimary);
        for slot in self.executed + 1..=last {
            let value = merged.remove(&slot).map(|(_, v)| v).unwrap_or(Value::Noop);
            self.propose_at(slot, value, Vec::new());
        }
        // The reign's own no-op: once it executes, so has everything before it.
        let own = self.next_slot();
        if let Role::Primary(r) = &mut self.role {
            r.recovered_to = own;
        }
        self.propose_at(own, Value::Noop, Vec::new());
        self.heartbeat();
    }

    // ---- phase 2 ------------------------------------------------------------------------

    /// Proposes `value` at the primary's next slot.
    /// The primary's next free slot: never one already executed, nor one known chosen
    /// (learned from a peer ahead of execution), whose value is decided.
    fn next_slot(&self) -> Slot {
        let mut slot = match &self.role {
            Role::Primary(r) => r.next_slot.max(self.executed + 1),
            _ => self.executed + 1,
        };
        while self.log.get(&slot).is_some_and(|e| e.chosen) {
            slot += 1;
        }
        slot
    }

    /// Proposes `value` at the primary's next free slot.
    fn propose(&mut self, value: Value, ids: Vec<RequestId>) {
        let slot = self.next_slot();
        self.propose_at(slot, value, ids);
    }

    /// Proposes `value` at `slot`. A slot already executed or known chosen is decided and
    /// keeps its value: a recovery proposal there is moot. (Fresh work never lands on one:
    /// `propose` takes `next_slot`, which skips them.)
    fn propose_at(&mut self, slot: Slot, value: Value, ids: Vec<RequestId>) {
        let decided = slot <= self.executed || self.log.get(&slot).is_some_and(|e| e.chosen);
        if decided {
            debug_assert!(
                ids.is_empty(),
                "fresh requests proposed at decided slot {slot}"
            );
            if let Role::Primary(r) = &mut self.role {
                r.next_slot = r.next_slot.max(slot + 1);
            }
            return;
        }
        let Role::Primary(r) = &mut self.role else {
            return;
        };
        r.next_slot = r.next_slot.max(slot + 1);
        let ballot = r.ballot;
        r.inflight.insert(
            slot,
            Flight {
                acks: BTreeSet::from([self.id]),
                ids,
                sent: self.now,
            },
        );
        if let Value::Reconfigure(_) = value
            && let Some(c) = &mut r.change
            && c.slot.is_none()
        {
            c.slot = Some(slot);
        }
        self.log.insert(
            slot,
            Entry {
                ballot,
                value: value.clone(),
                chosen: false,
            },
        );
        self.persist(Record::Accept {
            slot,
            ballot,
            value: value.clone(),
        });
        let commit = self.executed;
        for p in self.peers() {
            self.send(
                p,
                Message::Accept {
                    ballot,
                    slot,
                    value: value.clone(),
                    commit,
                },
            );
        }
        self.check_commits();
    }

    /// Fills the window with queued work.
    fn pump(&mut self) {
        loop {
            let Role::Primary(r) = &mut self.role else {
                return;
            };
            // Nothing is proposed after a membership change (its own, or one it recovered)
            // until that change is executed: each slot's quorum is then known.
            let draining = self
                .log
                .range(self.executed + 1..)
                .any(|(_, e)| matches!(e.value, Value::Reconfigure(_)));
            if draining || r.next_slot.saturating_sub(self.executed + 1) >= self.opts.window {
                return;
            }
            if let Some(c) = &r.change {
                let value = Value::Reconfigure(c.membership.clone());
                self.propose(value, Vec::new());
                continue;
            }
            if r.queue.is_empty() {
                return;
            }
            let mut batch = Vec::new();
            let mut bytes = 0;
            while let Some(q) = r.queue.front() {
                if !batch.is_empty() && bytes + q.payload.len() > self.opts.max_batch_bytes {
                    break;
                }
                bytes += q.payload.len();
                batch.extend(r.queue.pop_front());
            }
            r.queued_bytes -= bytes;
            let ids = batch.iter().map(|q| q.id).collect();
            self.propose(Value::Batch(batch), ids);
        }
    }

    /// Tells `from` its ballot is older than this replica's promise; true if it was.
    fn reject_stale(&mut self, from: NodeId, ballot: Ballot) -> bool {
        let stale = ballot < self.promised;
        if stale {
            self.send(
                from,
                Message::Reject {
                    promised: self.promised,
                },
            );
        }
        stale
    }

    fn on_accept(&mut self, from: NodeId, ballot: Ballot, slot: Slot, value: Value, commit: Slot) {
        if self.reject_stale(from, ballot) {
            return;
        }
        if ballot > self.promised {
            self.raise_promise(ballot);
            self.persist(Record::Promise(ballot));
        }
        self.follow(ballot);
        if slot >= self.log_start
            && slot > self.executed
            && !self.log.get(&slot).is_some_and(|e| e.chosen)
        {
            self.log.insert(
                slot,
                Entry {
                    ballot,
                    value: value.clone(),
                    chosen: false,
                },
            );
            self.persist(Record::Accept {
                slot,
                ballot,
                value,
            });
        }
        self.send(from, Message::Accepted { ballot, slot });
        self.learn_commit(ballot, commit);
    }

    /// The reign `ballot` names, if it is this replica's current one; notes that `from`
    /// answered it (for the primary's check that a majority still follows).
    fn answered(&mut self, from: NodeId, ballot: Ballot) -> Option<&mut Reign> {
        let now = self.now;
        match &mut self.role {
            Role::Primary(r) if r.ballot == ballot => {
                r.heard.insert(from, now);
                Some(r)
            }
            _ => None,
        }
    }

    fn on_accepted(&mut self, from: NodeId, ballot: Ballot, slot: Slot) {
        let Some(r) = self.answered(from, ballot) else {
            return;
        };
        if let Some(f) = r.inflight.get_mut(&slot) {
            f.acks.insert(from);
            self.check_commits();
        }
    }

    /// Marks chosen every in-flight slot a majority has accepted, then executes and refills
    /// the window. A slot after a membership change not yet chosen waits: its quorum depends
    /// on that change, so counting it early could choose a value a later primary, gathering
    /// the old membership's majority, would not see.
    fn check_commits(&mut self) {
        let Role::Primary(r) = &self.role else { return };
        let mut chosen = Vec::new();
        for (&slot, f) in &r.inflight {
            let pending_change = self.log.range(self.executed + 1..slot).any(|(s, e)| {
                matches!(e.value, Value::Reconfigure(_)) && !e.chosen && !chosen.contains(s)
            });
            if !pending_change && self.membership_for(slot).is_quorum(&f.acks) {
                chosen.push(slot);
            }
        }
        if chosen.is_empty() {
            return;
        }
        for slot in chosen {
            if let Role::Primary(r) = &mut self.role {
                r.inflight.remove(&slot);
            }
            if let Some(e) = self.log.get_mut(&slot) {
                e.chosen = true;
            }
        }
        self.try_execute();
        self.pump();
    }

    /// A primary of `ballot` says every slot up to `commit` is chosen: entries this replica
    /// accepted in `ballot` or later hold the chosen value.
    fn learn_commit(&mut self, ballot: Ballot, commit: Slot) {
        if commit <= self.executed {
            return;
        }
        for (_, e) in self.log.range_mut(self.executed + 1..=commit) {
            if e.ballot >= ballot {
                e.chosen = true;
            }
        }
        self.commit_hint = self.commit_hint.max(commit);
        self.try_execute();
    }

    /// Executes every chosen slot in order; asks for what is missing.
    fn try_execute(&mut self) {
        let before = self.executed;
        while let Some(e) = self.log.get(&(self.executed + 1)) {
            if !e.chosen {
                break;
            }
            let (slot, value) = (self.executed + 1, e.value.clone());
            self.executed = slot;
            self.settle_flight(slot, &value);
            self.apply(slot, value);
        }
        if self.executed > before {
            self.persist(Record::Commit(self.executed));
            self.commit_hint = self.commit_hint.max(self.executed);
            if let Role::Primary(r) = &mut self.role
                && !r.recovered
                && self.executed >= r.recovered_to
            {
                r.recovered = true;
                self.outputs.push(Output::PrimaryRecovered);
                self.serve_reads();
            }
        }
        if self.executed < self.commit_hint && self.now >= self.fetch_at && !self.is_primary() {
            self.fetch_at = self.now + 2 * self.heartbeat;
            if let Some(to) = self.leader.filter(|l| *l != self.id) {
                self.send(
                    to,
                    Message::Fetch {
                        from: self.executed + 1,
                    },
                );
            }
        }
    }

    /// `slot` is decided as `value`: the primary's proposal there, if any, is over. Its
    /// requests that `value` does not carry can never be chosen at that slot (a proposal is
    /// for one slot), so their submitters are told now rather than left waiting.
    fn settle_flight(&mut self, slot: Slot, value: &Value) {
        let Role::Primary(r) = &mut self.role else {
            return;
        };
        let Some(flight) = r.inflight.remove(&slot) else {
            return;
        };
        // The common case: the proposal itself was chosen.
        if let Value::Batch(requests) = value
            && requests.len() == flight.ids.len()
            && requests.iter().zip(&flight.ids).all(|(q, id)| q.id == *id)
        {
            return;
        }
        let carried: BTreeSet<RequestId> = match value {
            Value::Batch(requests) => requests.iter().map(|q| q.id).collect(),
            _ => BTreeSet::new(),
        };
        let lost: Vec<RequestId> = flight
            .ids
            .into_iter()
            .filter(|id| !carried.contains(id))
            .collect();
        if !lost.is_empty() {
            let hint = self.leader;
            self.outputs.push(Output::Aborted {
                ids: lost,
                uncertain: false,
                hint,
            });
        }
        // A membership change proposed there was displaced: propose it again.
        if let Role::Primary(r) = &mut self.role
            && let Some(c) = &mut r.change
            && c.slot == Some(slot)
            && !matches!(value, Value::Reconfigure(m) if *m == c.membership)
        {
            c.slot = None;
        }
    }

    fn apply(&mut self, slot: Slot, value: Value) {
        if let Value::Reconfigure(m) = &value {
            self.membership = m.clone();
            tracing::info!(id = self.id, slot, members = ?m.members.iter().map(|m| m.id).collect::<Vec<_>>(), "membership changed");
            let mut done = None;
            if let Role::Primary(r) = &mut self.role
                && r.change.as_ref().is_some_and(|c| c.slot == Some(slot))
            {
                done = r.change.take().map(|c| c.token);
            }
            if let Some(token) = done {
                self.outputs.push(Output::ReconfigureDone {
                    token,
                    result: Ok(slot),
                });
            }
        }
        self.outputs.push(Output::Execute { slot, value });
        if !self.membership.contains(self.id) && self.is_primary() {
            tracing::info!(id = self.id, "removed from the ring: stepping down");
            // Tell the members what is chosen before going quiet, so they know they are in.
            self.heartbeat();
            self.step_down(None);
        }
    }

    // ---- heartbeats, reads, catch-up ------------------------------------------------------

    fn heartbeat(&mut self) {
        let now = self.now;
        let heartbeat = self.heartbeat;
        let executed = self.executed;
        let peers = self.peers();
        let Role::Primary(r) = &mut self.role else {
            return;
        };
        r.heartbeat_at = now + heartbeat;
        r.round += 1;
        let (ballot, round) = (r.ballot, r.round);
        let mut resend = Vec::new();
        for (&slot, f) in r.inflight.iter_mut() {
            if now < f.sent + 2 * heartbeat {
                continue;
            }
            f.sent = now;
            for &p in &peers {
                if !f.acks.contains(&p) {
                    resend.push((p, slot));
                }
            }
        }
        for p in &peers {
            self.send(
                *p,
                Message::Heartbeat {
                    ballot,
                    commit: executed,
                    round,
                },
            );
        }
        for (p, slot) in resend {
            if let Some(e) = self.log.get(&slot) {
                let message = Message::Accept {
                    ballot,
                    slot,
                    value: e.value.clone(),
                    commit: executed,
                };
                self.send(p, message);
            }
        }
        self.serve_reads();
    }

    fn on_heartbeat(&mut self, from: NodeId, ballot: Ballot, commit: Slot, round: u64) {
        if self.reject_stale(from, ballot) {
            return;
        }
        self.follow(ballot);
        self.send(
            from,
            Message::HeartbeatAck {
                ballot,
                round,
                executed: self.executed,
            },
        );
        self.learn_commit(ballot, commit);
    }

    fn on_heartbeat_ack(&mut self, from: NodeId, ballot: Ballot, round: u64) {
        let Some(r) = self.answered(from, ballot) else {
            return;
        };
        let acked = r.acked_round.entry(from).or_default();
        *acked = (*acked).max(round);
        self.serve_reads();
    }

    fn serve_reads(&mut self) {
        let Role::Primary(r) = &mut self.role else {
            return;
        };
        if !r.recovered {
            return;
        }
        // The index must cover everything predecessors committed: at least the recovery.
        let floor = self.executed;
        let mut ready = Vec::new();
        let (id, acked) = (self.id, &r.acked_round);
        r.reads.retain(|&(token, index, round)| {
            let mut ids: Vec<NodeId> = acked
                .iter()
                .filter(|(_, a)| **a >= round)
                .map(|(p, _)| *p)
                .collect();
            ids.push(id);
            if self.membership.is_quorum(&ids) {
                ready.push(Output::ReadReady {
                    token,
                    index: index.max(floor),
                });
                false
            } else {
                true
            }
        });
        self.outputs.extend(ready);
    }

    fn read_index(&mut self, token: u64) {
        let executed = self.executed;
        match &mut self.role {
            // A primary still recovering answers once it has executed what its
            // predecessors committed (serve_reads waits for that).
            Role::Primary(r) => {
                r.reads.push((token, executed, r.round + 1));
                r.heartbeat_at = self.now;
                self.heartbeat();
            }
            _ => self.outputs.push(Output::ReadRefused {
                token,
                hint: self.leader,
            }),
        }
    }

    fn on_fetch(&mut self, from: NodeId, start: Slot) {
        let values = if start < self.log_start || start > self.executed {
            Vec::new()
        } else {
            let (limit, max_bytes) = (self.opts.catchup_batch, 4 * self.opts.max_batch_bytes);
            let mut bytes = 0;
            let chosen = self
                .log
                .range(start..=self.executed)
                .filter(|(_, e)| e.chosen);
            chosen
                .take(limit)
                .take_while(|(_, e)| {
                    let fits = bytes < max_bytes;
                    bytes += e.value.size();
                    fits
                })
                .map(|(&s, e)| (s, e.value.clone()))
                .collect()
        };
        let message = Message::Learn {
            values,
            log_start: self.log_start,
            commit: self.executed,
        };
        self.send(from, message);
    }

    fn on_learn(
        &mut self,
        from: NodeId,
        values: Vec<(Slot, Value)>,
        log_start: Slot,
        commit: Slot,
    ) {
        if values.is_empty() && log_start > self.executed + 1 {
            self.hold_back();
            if self.now >= self.checkpoint_at {
                self.checkpoint_at = self.now + self.timeout;
                self.outputs.push(Output::NeedCheckpoint { from });
            }
            return;
        }
        for (slot, value) in values {
            if slot <= self.executed || self.log.get(&slot).is_some_and(|e| e.chosen) {
                continue;
            }
            let ballot = self.log.get(&slot).map(|e| e.ballot).unwrap_or_default();
            self.settle_flight(slot, &value);
            self.log.insert(
                slot,
                Entry {
                    ballot,
                    value: value.clone(),
                    chosen: true,
                },
            );
            self.persist(Record::Chosen { slot, value });
        }
        self.commit_hint = self.commit_hint.max(commit);
        let before = self.executed;
        self.try_execute();
        if self.executed > before && self.executed < self.commit_hint {
            // Making progress: ask for the next part at once rather than at the next timer.
            self.fetch_at = 0;
            self.try_execute();
        }
    }

    // ---- client operations ----------------------------------------------------------------

    fn submit(&mut self, request: Request) {
        match &mut self.role {
            Role::Primary(r) => {
                r.queued_bytes += request.payload.len();
                r.queue.push_back(request);
                self.pump();
            }
            _ => {
                let hint = self.leader;
                self.outputs.push(Output::Aborted {
                    ids: vec![request.id],
                    uncertain: false,
                    hint,
                });
            }
        }
    }

    fn reconfigure(&mut self, token: u64, membership: Membership) {
        let hint = self.leader;
        let result = match &mut self.role {
            Role::Primary(r) if r.change.is_none() => {
                r.change = Some(PendingChange {
                    token,
                    membership,
                    slot: None,
                });
                self.pump();
                return;
            }
            Role::Primary(_) => Refusal::Busy,
            _ => Refusal::NotPrimary { hint },
        };
        self.outputs.push(Output::ReconfigureDone {
            token,
            result: Err(result),
        });
    }

    fn receive(&mut self, from: NodeId, message: Message) {
        match message {
            Message::Prepare {
                ballot,
                from: start,
            } => self.on_prepare(from, ballot, start),
            Message::Promise {
                ballot,
                accepted,
                log_start,
                ..
            } => self.on_promise(from, ballot, accepted, log_start),
            Message::Accept {
                ballot,
                slot,
                value,
                commit,
            } => self.on_accept(from, ballot, slot, value, commit),
            Message::Accepted { ballot, slot } => self.on_accepted(from, ballot, slot),
            Message::Reject { promised } => {
                self.max_round = self.max_round.max(promised.round);
                let mine = match &self.role {
                    Role::Primary(r) => Some(r.ballot),
                    Role::Candidate(c) => Some(c.ballot),
                    Role::Secondary => None,
                };
                if mine.is_some_and(|b| promised > b) {
                    self.step_down(Some(promised.node));
                }
            }
            Message::Heartbeat {
                ballot,
                commit,
                round,
            } => self.on_heartbeat(from, ballot, commit, round),
            Message::HeartbeatAck { ballot, round, .. } => {
                self.on_heartbeat_ack(from, ballot, round)
            }
            Message::Fetch { from: start } => self.on_fetch(from, start),
            Message::Learn {
                values,
                log_start,
                commit,
            } => self.on_learn(from, values, log_start, commit),
            // State transfer is the node's business.
            Message::CheckpointRequest { .. } | Message::CheckpointChunk { .. } => {}
        }
    }
}
