//! The world: every replica a real [`Node`] (the protocol core, recovery and checkpoint code
//! of production) over a simulated network, clock and disk, with clients, all driven by one
//! seeded random number generator. The same seed replays the same run exactly. Safety is
//! checked after every step: replicas agree position by position, and nothing runs twice.

use crate::disk::{Failing, SimDisk};
use crate::history::{Executions, Op, OpKind, Outcome, Seen};
use crate::machine::{KEYS, Machine, Recorder, envelope};
use keel_replication::node::{Command, Effect, Error, Identity, Node, NodeOptions, OpenError};
use keel_replication::session::Limits;
use keel_replication::types::{Member, Membership, Message, NodeId, Slot};
use keel_replication::{Committed, Options, SessionSeq};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};
use std::time::Duration;

pub const CLUSTER: u64 = 7;

/// How hostile a run is.
#[derive(Debug, Clone)]
pub struct Faults {
    pub loss: f64,
    pub duplicate: f64,
    /// Delay range of ordinary messages (µs); a few get up to 20x (reordering).
    pub delay: (u64, u64),
    pub crashes: bool,
    /// Whether a crash may also lose (and tear) unsynced writes.
    pub lose_unsynced: bool,
    pub partitions: bool,
    pub reconfigure: bool,
    /// Whether a crash may also damage the newest checkpoint on that replica's disk (bit
    /// rot); recovery must fall back to the one before it.
    pub corrupt_checkpoints: bool,
    /// Whether some partitions cut one direction only.
    pub one_way: bool,
    /// Whether replicas pause (a stopped process, a long GC) past the election timeout,
    /// then resume with their backlog.
    pub pauses: bool,
    /// Whether an operator acts: relinquish the primary, write a checkpoint now, veto a
    /// replica's leading for a while.
    pub operator: bool,
    /// Whether a disk fills up or an fsync fails (the replica must stop, as a crash).
    pub failing_disks: bool,
    /// Whether, once in a run, a crashed replica's synced log is damaged (a flipped byte,
    /// a lost write). It must refuse to start; the operator then replaces it with a new
    /// member, as a replica is never re-created under an id that is still a member.
    pub damaged_logs: bool,
}

#[derive(Debug)]
enum Event {
    Deliver {
        to: NodeId,
        from: NodeId,
        message: Message,
    },
    ClientStart {
        client: usize,
    },
    ClientGiveUp {
        client: usize,
        op: usize,
    },
    /// Sends a write of a session again, to whichever replica now seems primary.
    ClientRetry {
        client: usize,
        op: usize,
    },
    Crash {
        node: NodeId,
    },
    Restart {
        node: NodeId,
    },
    Partition,
    Heal,
    Reconfigure,
    Pause {
        node: NodeId,
    },
    Resume {
        node: NodeId,
    },
    Operate,
    DiskFault,
    /// The operator replaces a replica that refused its damaged log: a membership change
    /// that swaps it for a spare, retried until the ring's membership no longer has it.
    Replace {
        dead: NodeId,
    },
}

#[derive(Debug)]
struct Client {
    op: Option<usize>,
    target: NodeId,
    last_seq: Slot,
    /// Its exactly-once session, once registered, and the next sequence number in it.
    session: Option<u64>,
    next_seq: u64,
    /// When a registration was last sent (one at a time, until answered or a second passes).
    registering: Option<u64>,
}

/// The token of a session registration, in place of an operation.
const REGISTRATION: usize = usize::MAX;

/// A ring of replicas running machine `M`, its network and its clients.
pub struct World<M: Machine> {
    pub seed: u64,
    rng: fastrand::Rng,
    pub now: u64,
    next: u64,
    queue: BinaryHeap<Reverse<(u64, u64)>>,
    events: HashMap<u64, Event>,
    pub pool: Vec<NodeId>,
    pub nodes: BTreeMap<NodeId, Option<Node<Recorder<M>, SimDisk>>>,
    disks: BTreeMap<NodeId, SimDisk>,
    blocked: BTreeSet<(NodeId, NodeId)>,
    /// Paused replicas, and the messages that reached them meanwhile.
    paused: BTreeMap<NodeId, Vec<(NodeId, Message)>>,
    pub faults: Faults,
    faulty: bool,
    clients: Vec<Client>,
    tokens: HashMap<(NodeId, u64), (usize, usize)>,
    /// The session place of each write sent in a session: every retry sends the same.
    in_session: HashMap<usize, SessionSeq>,
    /// When each operation's latest send gives up: earlier timers are stale.
    patience: HashMap<usize, u64>,
    answered: BTreeSet<(NodeId, u64)>,
    next_token: u64,
    pub ops: Vec<Op>,
    next_value: u64,
    /// What ran at each position, as the replicas executed it.
    pub executed: Executions,
    /// Position → chain hash, as first reported by any replica (compares replicas that
    /// installed a checkpoint rather than executing).
    chains: BTreeMap<u64, u64>,
    pub options: NodeOptions,
    pub initial: Membership,
    pub stats: Stats,
    reconfig_token: Option<(NodeId, u64)>,
    /// The replica whose synced log was damaged, if any has been (once per run).
    damaged: Option<NodeId>,
    /// Replicas whose storage was damaged at rest, checkpoints included. With damaged logs
    /// on, that is one replica at most: data lost on more than a minority of a ring is
    /// lost, and the ring rightly stops rather than guess.
    rotten: BTreeSet<NodeId>,
    /// Replicas retired for good: out of the pool, never started again.
    retired: BTreeSet<NodeId>,
    /// Retired replicas seen out of the membership.
    replaced: BTreeSet<NodeId>,
}

#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub messages: u64,
    pub crashes: u64,
    pub torn: u64,
    pub reconfigurations: u64,
    pub corrupted: u64,
    /// Writes a session client sent again after an undecided answer.
    pub retries: u64,
    pub pauses: u64,
    /// Relinquishes, checkpoints on demand and vetoes.
    pub operations: u64,
    /// Appends and syncs that failed (a full disk, a failed fsync).
    pub disk_failures: u64,
    pub checkpoints_installed: u64,
    pub checkpoints_kept: u64,
    /// Synced logs damaged at rest, and replicas that refused to start on one.
    pub damaged_logs: u64,
    pub refused: u64,
    /// Replicas the operator replaced by a new member.
    pub replaced: u64,
}

impl Stats {
    pub fn add(&mut self, other: &Stats) {
        self.messages += other.messages;
        self.crashes += other.crashes;
        self.torn += other.torn;
        self.reconfigurations += other.reconfigurations;
        self.corrupted += other.corrupted;
        self.retries += other.retries;
        self.pauses += other.pauses;
        self.operations += other.operations;
        self.disk_failures += other.disk_failures;
        self.checkpoints_installed += other.checkpoints_installed;
        self.checkpoints_kept += other.checkpoints_kept;
        self.damaged_logs += other.damaged_logs;
        self.refused += other.refused;
        self.replaced += other.replaced;
    }
}

fn addr(id: NodeId) -> String {
    format!("sim-{id}")
}

impl<M: Machine> std::fmt::Debug for World<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("World")
            .field("machine", &M::NAME)
            .field("seed", &self.seed)
            .field("now", &self.now)
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

impl<M: Machine> World<M> {
    /// A ring of `pool` replicas, the first `members` of them members, with three clients.
    pub fn new(seed: u64, pool: usize, members: usize, faults: Faults) -> World<M> {
        let pool: Vec<NodeId> = (1..=pool as u64).collect();
        let initial = Membership::new(
            pool[..members]
                .iter()
                .map(|&id| Member::new(id, addr(id)))
                .collect(),
        );
        let options = NodeOptions {
            protocol: Options {
                heartbeat_interval: Duration::from_millis(20),
                election_timeout: Duration::from_millis(200),
                window: 8,
                max_batch_bytes: 64,
                max_request_bytes: 1024,
                catchup_batch: 16,
            },
            checkpoint_interval: 40,
            // Small, so a transfer spans many chunks and meets every fault mid-way.
            transfer_chunk: 64,
            // Tight, so sessions expire, are evicted and forget answers within a run.
            sessions: Limits {
                timeout_ms: 1_500,
                max_sessions: 4,
                max_replies: 4,
            },
        };
        let mut w = World {
            seed,
            rng: fastrand::Rng::with_seed(seed),
            now: 0,
            next: 0,
            queue: BinaryHeap::new(),
            events: HashMap::new(),
            pool: pool.clone(),
            nodes: BTreeMap::new(),
            disks: BTreeMap::new(),
            blocked: BTreeSet::new(),
            paused: BTreeMap::new(),
            faults,
            faulty: true,
            clients: Vec::new(),
            tokens: HashMap::new(),
            in_session: HashMap::new(),
            patience: HashMap::new(),
            answered: BTreeSet::new(),
            next_token: 0,
            ops: Vec::new(),
            next_value: 1,
            executed: Executions::default(),
            chains: BTreeMap::new(),
            options,
            initial,
            stats: Stats::default(),
            reconfig_token: None,
            damaged: None,
            rotten: BTreeSet::new(),
            retired: BTreeSet::new(),
            replaced: BTreeSet::new(),
        };
        for &id in &pool {
            w.disks.insert(id, SimDisk::default());
            w.nodes.insert(id, None);
            w.boot(id);
        }
        for c in 0..3 {
            w.clients.push(Client {
                op: None,
                target: 1,
                last_seq: 0,
                session: None,
                next_seq: 1,
                registering: None,
            });
            let at = w.rng.u64(0..50_000);
            w.schedule(at, Event::ClientStart { client: c });
        }
        if w.faults.crashes {
            let at = w.rng.u64(100_000..600_000);
            let node = w.pick_node();
            w.schedule(at, Event::Crash { node });
        }
        if w.faults.partitions {
            let at = w.rng.u64(100_000..800_000);
            w.schedule(at, Event::Partition);
        }
        if w.faults.reconfigure {
            let at = w.rng.u64(100_000..500_000);
            w.schedule(at, Event::Reconfigure);
        }
        if w.faults.pauses {
            let (at, node) = (w.rng.u64(100_000..900_000), w.pick_node());
            w.schedule(at, Event::Pause { node });
        }
        if w.faults.operator {
            let at = w.rng.u64(100_000..600_000);
            w.schedule(at, Event::Operate);
        }
        if w.faults.failing_disks {
            let at = w.rng.u64(100_000..900_000);
            w.schedule(at, Event::DiskFault);
        }
        w
    }

    fn pick_node(&mut self) -> NodeId {
        self.pool[self.rng.usize(0..self.pool.len())]
    }

    fn schedule(&mut self, delay: u64, event: Event) {
        self.next += 1;
        self.queue.push(Reverse((self.now + delay, self.next)));
        self.events.insert(self.next, event);
    }

    fn boot(&mut self, id: NodeId) {
        if self.retired.contains(&id) {
            return;
        }
        let disk = self.disks[&id].clone();
        let seed = self.rng.u64(..);
        let identity = Identity {
            id,
            cluster: CLUSTER,
            members: self.initial.clone(),
        };
        let opened = Node::open(
            identity,
            self.options.clone(),
            Recorder::new(),
            disk,
            self.now,
            seed,
        );
        let node = match opened {
            Ok(node) => node,
            // A disk write failed while recovering: the start fails; it is tried again.
            Err(OpenError::Io(e)) if e.to_string().contains("injected") => {
                self.stats.disk_failures += 1;
                let later = self.rng.u64(10_000..100_000);
                self.schedule(later, Event::Restart { node: id });
                return;
            }
            // The damaged log is refused, as it must be: the replica is retired.
            Err(OpenError::DamagedLog { .. }) if self.damaged == Some(id) => {
                self.stats.refused += 1;
                self.retire(id);
                return;
            }
            Err(e) => panic!("seed {}: replica {id} failed to recover: {e}", self.seed),
        };
        self.nodes.insert(id, Some(node));
        self.flush(id);
    }

    /// Runs until `until` (µs of simulated time).
    pub fn run_until(&mut self, until: u64) {
        let (mut at, mut spins) = (self.now, 0u32);
        while self.now < until {
            if self.now == at {
                spins += 1;
                assert!(
                    spins < 200_000,
                    "seed {}: livelock: time stuck at {} µs",
                    self.seed,
                    self.now
                );
            } else {
                (at, spins) = (self.now, 0);
            }
            let next_event = self
                .queue
                .peek()
                .map(|Reverse((t, _))| *t)
                .unwrap_or(u64::MAX);
            let (next_node, node_id) = self
                .nodes
                .iter()
                .filter(|(id, _)| !self.paused.contains_key(id))
                .filter_map(|(id, n)| n.as_ref().map(|n| (n.next_deadline(), *id)))
                .min()
                .unwrap_or((u64::MAX, 0));
            let t = next_event.min(next_node).min(until);
            self.now = self.now.max(t);
            if t == until && t < next_event && t < next_node {
                break;
            }
            if next_node <= next_event {
                if let Some(Some(node)) = self.nodes.get_mut(&node_id) {
                    node.tick(self.now);
                }
                self.flush(node_id);
            } else {
                let Reverse((_, key)) = self.queue.pop().unwrap();
                let event = self.events.remove(&key).unwrap();
                self.handle(event);
            }
        }
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Deliver { to, from, message } => {
                if let Some(held) = self.paused.get_mut(&to) {
                    held.push((from, message));
                } else if let Some(Some(node)) = self.nodes.get_mut(&to) {
                    node.message(self.now, from, message);
                    self.flush(to);
                }
            }
            Event::ClientStart { client } => self.client_start(client),
            Event::ClientGiveUp { client, op } => {
                let current = self.patience.get(&op).is_none_or(|&at| at <= self.now);
                if current && self.ops[op].outcome == Outcome::Pending {
                    if self.in_session.contains_key(&op) {
                        self.send_op(client, op);
                    } else {
                        self.finish(client, op, Outcome::Unknown);
                    }
                }
            }
            Event::ClientRetry { client, op } => {
                if self.ops[op].outcome == Outcome::Pending {
                    self.send_op(client, op);
                }
            }
            Event::Crash { node } => {
                self.crash(node);
                if self.faulty {
                    let at = self.rng.u64(50_000..700_000);
                    let node = self.pick_node();
                    self.schedule(at, Event::Crash { node });
                }
            }
            Event::Replace { dead } => self.replace(dead),
            Event::Restart { node } => {
                if self.nodes[&node].is_none() {
                    self.boot(node);
                }
            }
            Event::Partition => {
                if self.faulty {
                    let mut side: BTreeSet<NodeId> = BTreeSet::new();
                    for &id in &self.pool {
                        if self.rng.bool() {
                            side.insert(id);
                        }
                    }
                    // One way: messages from `side` are lost, those into it still arrive.
                    let one_way = self.faults.one_way && self.rng.bool();
                    for &a in &self.pool {
                        for &b in &self.pool {
                            if side.contains(&a) != side.contains(&b)
                                && (!one_way || side.contains(&a))
                            {
                                self.blocked.insert((a, b));
                            }
                        }
                    }
                    let heal = self.rng.u64(50_000..600_000);
                    self.schedule(heal, Event::Heal);
                }
            }
            Event::Heal => {
                self.blocked.clear();
                if self.faulty {
                    let at = self.rng.u64(100_000..800_000);
                    self.schedule(at, Event::Partition);
                }
            }
            Event::Pause { node } => {
                if self.faulty && self.nodes[&node].is_some() {
                    self.paused.entry(node).or_default();
                    self.stats.pauses += 1;
                    let asleep = self.rng.u64(100_000..800_000);
                    self.schedule(asleep, Event::Resume { node });
                }
                if self.faulty {
                    let (at, node) = (self.rng.u64(200_000..1_200_000), self.pick_node());
                    self.schedule(at, Event::Pause { node });
                }
            }
            Event::Resume { node } => self.resume(node),
            Event::Operate => {
                self.operate();
                if self.faulty {
                    let at = self.rng.u64(100_000..600_000);
                    self.schedule(at, Event::Operate);
                }
            }
            Event::DiskFault => {
                if self.faulty {
                    let node = self.pick_node();
                    let which = if self.rng.bool() {
                        Failing::Append
                    } else {
                        Failing::Sync
                    };
                    self.disks[&node].fail_next(which);
                    let at = self.rng.u64(200_000..900_000);
                    self.schedule(at, Event::DiskFault);
                }
            }
            Event::Reconfigure => {
                if let Some(primary) = self.primary().filter(|p| !self.paused.contains_key(p)) {
                    let mut ids = self.pool.clone();
                    self.rng.shuffle(&mut ids);
                    let n = self.rng.usize(3..=ids.len());
                    let members = ids[..n]
                        .iter()
                        .map(|&id| Member::new(id, addr(id)))
                        .collect();
                    self.next_token += 1;
                    let token = self.next_token;
                    self.reconfig_token = Some((primary, token));
                    let node = self.nodes.get_mut(&primary).unwrap().as_mut().unwrap();
                    node.command(
                        self.now,
                        Command::Reconfigure {
                            token,
                            membership: Membership::new(members),
                        },
                    );
                    self.flush(primary);
                }
                if self.faulty {
                    let at = self.rng.u64(200_000..900_000);
                    self.schedule(at, Event::Reconfigure);
                }
            }
        }
    }

    pub fn primary(&self) -> Option<NodeId> {
        self.nodes.iter().find_map(|(id, n)| {
            n.as_ref()
                .filter(|n| n.core().is_recovered_primary())
                .map(|_| *id)
        })
    }

    /// The process of `node` dies: unsynced writes are lost (some, when the machine went
    /// too), sometimes its newest checkpoint is damaged; it restarts later.
    fn crash(&mut self, node: NodeId) {
        let Some(n) = &self.nodes[&node] else {
            return;
        };
        self.stats.checkpoints_installed += n.checkpoint_counts().installed;
        self.stats.checkpoints_kept += n.checkpoint_counts().kept;
        self.nodes.insert(node, None);
        self.paused.remove(&node);
        self.stats.crashes += 1;
        let disk = &self.disks[&node];
        let keep = if self.faults.lose_unsynced && self.rng.bool() {
            let n = disk.unsynced();
            if n > 0 {
                self.stats.torn += 1;
            }
            self.rng.usize(0..=n)
        } else {
            usize::MAX
        };
        disk.crash(keep);
        let only_here = !self.faults.damaged_logs || self.rotten.iter().all(|&id| id == node);
        if self.faults.corrupt_checkpoints
            && only_here
            && self.rng.u8(0..3) == 0
            && disk.corrupt_newest_checkpoint().is_some()
        {
            self.stats.corrupted += 1;
            self.rotten.insert(node);
        }
        if self.faults.damaged_logs
            && only_here
            && self.damaged.is_none()
            && self.rng.u8(0..4) == 0
            && disk.damage_synced_log(&mut self.rng)
        {
            self.damaged = Some(node);
            self.rotten.insert(node);
            self.stats.damaged_logs += 1;
        }
        let down = self.rng.u64(10_000..400_000);
        self.schedule(down, Event::Restart { node });
    }

    /// Takes a replica that refused its log out for good, adds a fresh spare to the pool in
    /// its place, and has the operator swap it out of the membership.
    fn retire(&mut self, id: NodeId) {
        self.retired.insert(id);
        self.pool.retain(|&p| p != id);
        let spare = self.disks.keys().next_back().copied().unwrap_or(0) + 1;
        self.pool.push(spare);
        self.disks.insert(spare, SimDisk::default());
        self.nodes.insert(spare, None);
        self.boot(spare);
        self.schedule(50_000, Event::Replace { dead: id });
    }

    /// One step of replacing `dead`: nothing while the primary's membership lacks it;
    /// otherwise proposes the membership with a spare in its place, and tries again later.
    fn replace(&mut self, dead: NodeId) {
        let again = self.rng.u64(100_000..300_000);
        let Some(primary) = self.primary().filter(|p| !self.paused.contains_key(p)) else {
            self.schedule(again, Event::Replace { dead });
            return;
        };
        let node = self.nodes.get_mut(&primary).unwrap().as_mut().unwrap();
        let current: Vec<NodeId> = node.core().membership().ids().collect();
        // A change proposed before the retirement may still bring it back: keep watching.
        if !current.contains(&dead) {
            if self.replaced.insert(dead) {
                self.stats.replaced += 1;
            }
            self.schedule(again, Event::Replace { dead });
            return;
        }
        let spare = self.pool.iter().find(|id| !current.contains(id)).copied();
        let members = current
            .iter()
            .copied()
            .filter(|&id| id != dead)
            .chain(spare)
            .map(|id| Member::new(id, addr(id)))
            .collect();
        self.next_token += 1;
        let token = self.next_token;
        self.reconfig_token = Some((primary, token));
        node.command(
            self.now,
            Command::Reconfigure {
                token,
                membership: Membership::new(members),
            },
        );
        self.flush(primary);
        self.schedule(again, Event::Replace { dead });
    }

    /// A paused replica runs again: what reached it meanwhile arrives, in order.
    fn resume(&mut self, node: NodeId) {
        let Some(held) = self.paused.remove(&node) else {
            return;
        };
        for (from, message) in held {
            if let Some(Some(n)) = self.nodes.get_mut(&node) {
                n.message(self.now, from, message);
                self.flush(node);
            }
        }
    }

    /// An operator's call: the primary relinquishes, a replica writes a checkpoint now, or
    /// one replica's application vetoes its leading (lifting any earlier veto).
    fn operate(&mut self) {
        let node = self.pick_node();
        match self.rng.u8(0..3) {
            0 => {
                if let Some(primary) = self.primary()
                    && !self.paused.contains_key(&primary)
                {
                    let n = self.nodes.get_mut(&primary).unwrap().as_mut().unwrap();
                    n.command(self.now, Command::Relinquish);
                    self.stats.operations += 1;
                    self.flush(primary);
                }
            }
            1 => {
                if !self.paused.contains_key(&node)
                    && let Some(Some(n)) = self.nodes.get_mut(&node)
                {
                    match n.write_checkpoint() {
                        Ok(()) => self.stats.operations += 1,
                        Err(_) => self.crash(node),
                    }
                    self.flush(node);
                }
            }
            _ => {
                for n in self.nodes.values().flatten() {
                    n.state_machine().veto.set(false);
                }
                if let Some(Some(n)) = self.nodes.get(&node) {
                    n.state_machine().veto.set(true);
                    self.stats.operations += 1;
                }
            }
        }
    }

    fn flush(&mut self, id: NodeId) {
        let Some(Some(node)) = self.nodes.get_mut(&id) else {
            return;
        };
        let effects = match node.flush() {
            Ok(effects) => effects,
            // The disk failed: the replica stops (never serves past a failed write), which
            // the world sees as a crash.
            Err(_) => {
                self.stats.disk_failures += 1;
                self.crash(id);
                return;
            }
        };
        self.check_node(id);
        for effect in effects {
            match effect {
                Effect::Send { to, message } => self.send(id, to, message),
                Effect::Reply { token, result } => {
                    let Some((client, op)) = self.answer(id, token) else {
                        continue;
                    };
                    if op == REGISTRATION {
                        self.registered(client, result.map(|c| c.response));
                        continue;
                    }
                    if self.in_session.contains_key(&op) {
                        self.session_answer(client, op, result);
                        continue;
                    }
                    {
                        let outcome = match result {
                            Ok(c) => Outcome::Done(Seen {
                                response: c.response,
                                slot: c.slot,
                                position: None,
                            }),
                            Err(Error::NotPrimary { .. }) | Err(Error::TooLarge { .. }) => {
                                Outcome::Failed
                            }
                            Err(_) => Outcome::Unknown,
                        };
                        self.finish(client, op, outcome);
                    }
                }
                Effect::Read { token, seq } => {
                    if let Some((client, op)) = self.answer(id, token) {
                        let sm = self.nodes[&id].as_ref().unwrap().state_machine();
                        let seen = Seen {
                            response: sm.machine.read(self.ops[op].key),
                            slot: seq,
                            position: Some(sm.count),
                        };
                        self.finish(client, op, Outcome::Done(seen));
                    }
                }
                Effect::ReadFailed { token, .. } => {
                    if let Some((client, op)) = self.answer(id, token) {
                        self.finish(client, op, Outcome::Failed);
                    }
                }
                Effect::Reconfigured { token, result } => {
                    if self.reconfig_token == Some((id, token)) && result.is_ok() {
                        self.stats.reconfigurations += 1;
                    }
                }
            }
        }
    }

    /// The operation `token` stood for, the first time it is answered; a second answer is a
    /// violation (every submit gets exactly one outcome).
    fn answer(&mut self, id: NodeId, token: u64) -> Option<(usize, usize)> {
        match self.tokens.remove(&(id, token)) {
            Some(op) => {
                self.answered.insert((id, token));
                Some(op)
            }
            None if self.answered.contains(&(id, token)) => {
                panic!(
                    "seed {}: replica {id} answered operation {token} twice",
                    self.seed
                )
            }
            None => None,
        }
    }

    /// Safety, after every step: what a replica executed agrees with what every other
    /// replica executed at the same positions, nothing ran twice, and a replica that
    /// installed a checkpoint holds the same history as those that executed it.
    fn check_node(&mut self, id: NodeId) {
        let Some(Some(node)) = self.nodes.get(&id) else {
            return;
        };
        let sm = node.state_machine();
        let (count, chain) = (sm.count, sm.chain);
        for e in sm.take_executed() {
            if let Err(violation) = self.executed.record(e) {
                panic!("seed {}: replica {id}: {violation}", self.seed);
            }
        }
        if count == 0 {
            return;
        }
        match self.chains.get(&count) {
            Some(&known) if known != chain => panic!(
                "seed {}: replica {id} holds a different history at position {count} (its slot {})",
                self.seed,
                node.core().executed()
            ),
            Some(_) => {}
            None => {
                self.chains.insert(count, chain);
            }
        }
    }

    fn send(&mut self, from: NodeId, to: NodeId, message: Message) {
        self.stats.messages += 1;
        assert!(
            self.stats.messages < 2_000_000,
            "seed {}: message storm ({} messages by {} µs)",
            self.seed,
            self.stats.messages,
            self.now
        );
        if self.faulty {
            if self.blocked.contains(&(from, to)) || self.rng.f64() < self.faults.loss {
                return;
            }
            if self.rng.f64() < self.faults.duplicate {
                let d = self.delay();
                self.schedule(
                    d,
                    Event::Deliver {
                        to,
                        from,
                        message: message.clone(),
                    },
                );
            }
        }
        let d = self.delay();
        self.schedule(d, Event::Deliver { to, from, message });
    }

    fn delay(&mut self) -> u64 {
        let (lo, hi) = self.faults.delay;
        let d = self.rng.u64(lo..=hi);
        if self.faulty && self.rng.u8(..) < 8 {
            d * 20
        } else {
            d
        }
    }

    // ---- clients --------------------------------------------------------------------------

    fn client_start(&mut self, client: usize) {
        self.register(client);
        let key = self.rng.u8(0..KEYS);
        let kind = match self.rng.u8(0..10) {
            0..=6 => {
                self.next_value += 1;
                OpKind::Write(M::write(&mut self.rng, key, self.next_value))
            }
            7..=8 => OpKind::Read,
            _ => OpKind::FastRead {
                min_seq: self.clients[client].last_seq,
            },
        };
        let op = self.ops.len();
        self.ops.push(Op {
            client,
            key,
            kind: kind.clone(),
            start: self.now,
            end: None,
            outcome: Outcome::Pending,
        });
        self.clients[client].op = Some(op);
        // Most writes go in the client's session (one op at a time, so it awaits only this).
        let c = &mut self.clients[client];
        if let (OpKind::Write(_), Some(session)) = (&kind, c.session)
            && self.rng.u8(0..4) != 0
        {
            let seq = c.next_seq;
            c.next_seq += 1;
            let place = SessionSeq {
                session,
                seq,
                awaiting: seq,
            };
            self.in_session.insert(op, place);
        }
        self.send_op(client, op);
    }

    /// Sends operation `op` (again, for a write in a session), with a timer to give up on
    /// (or, in a session, retry) the answer.
    fn send_op(&mut self, client: usize, op: usize) {
        let session = self.in_session.get(&op).copied();
        let kind = self.ops[op].kind.clone();
        let target = match &kind {
            OpKind::FastRead { .. } => self.pick_node(),
            // Mostly the primary; sometimes a replica that will refuse.
            _ if self.rng.u8(0..5) == 0 => self.pick_node(),
            // No primary known: the last one tried, unless it has been retired.
            _ => match self.primary() {
                Some(primary) => primary,
                None if self.retired.contains(&self.clients[client].target) => self.pick_node(),
                None => self.clients[client].target,
            },
        };
        self.clients[client].target = target;
        let target = Some(target)
            .filter(|t| !self.paused.contains_key(t))
            .unwrap_or(0);
        self.next_token += 1;
        let token = self.next_token;
        let command = match (kind, session) {
            (OpKind::Write(request), Some(session)) => Command::SubmitInSession {
                token,
                payload: envelope(op as u64, &request),
                session,
            },
            (OpKind::Write(request), None) => Command::Submit {
                token,
                payload: envelope(op as u64, &request),
            },
            (OpKind::Read, _) => Command::LinearRead { token },
            (OpKind::FastRead { min_seq }, _) => Command::Read { token, min_seq },
        };
        let patience = if session.is_some() {
            300_000
        } else {
            1_000_000
        };
        self.patience.insert(op, self.now + patience);
        self.schedule(patience, Event::ClientGiveUp { client, op });
        match self.nodes.get_mut(&target) {
            Some(Some(node)) => {
                self.tokens.insert((target, token), (client, op));
                node.set_wall_clock(self.now / 1000);
                node.command(self.now, command);
                self.flush(target);
            }
            // Nobody there: a session write waits for its timer; anything else failed.
            _ if session.is_some() => {}
            _ => self.finish(client, op, Outcome::Failed),
        }
    }

    /// Opens a session for `client` unless it has one or is opening one.
    fn register(&mut self, client: usize) {
        let c = &self.clients[client];
        let busy = c.registering.is_some_and(|at| self.now < at + 1_000_000);
        if c.session.is_some() || busy {
            return;
        }
        let Some(target) = self.primary().filter(|p| !self.paused.contains_key(p)) else {
            return;
        };
        self.clients[client].registering = Some(self.now);
        self.next_token += 1;
        let token = self.next_token;
        self.tokens.insert((target, token), (client, REGISTRATION));
        let node = self.nodes.get_mut(&target).unwrap().as_mut().unwrap();
        node.set_wall_clock(self.now / 1000);
        node.command(self.now, Command::RegisterSession { token });
        self.flush(target);
    }

    fn registered(&mut self, client: usize, result: Result<Vec<u8>, Error>) {
        let c = &mut self.clients[client];
        c.registering = None;
        if let Ok(id) = result {
            let id = u64::from_le_bytes(id.as_slice().try_into().expect("a session id"));
            (c.session, c.next_seq) = (Some(id), 1);
        }
    }

    /// An answer to a write sent in a session: a result ends it; an answer that leaves it
    /// undecided (not primary, uncertain, stopped) sends it again, as a client library
    /// would; a session gone ends it unknown (an earlier send may have executed).
    fn session_answer(&mut self, client: usize, op: usize, result: Result<Committed, Error>) {
        match result {
            Ok(c) => {
                let seen = Seen {
                    response: c.response,
                    slot: c.slot,
                    position: None,
                };
                self.finish(client, op, Outcome::Done(seen));
            }
            Err(Error::SessionExpired { .. }) | Err(Error::SessionStale { .. }) => {
                self.clients[client].session = None;
                self.finish(client, op, Outcome::Unknown);
            }
            Err(Error::TooLarge { .. }) => self.finish(client, op, Outcome::Failed),
            Err(_) => {
                self.stats.retries += 1;
                let pause = self.rng.u64(1_000..20_000);
                self.schedule(pause, Event::ClientRetry { client, op });
            }
        }
    }

    /// Writes sent in a session that started before `before` and still have no answer.
    pub fn unanswered(&self, before: u64) -> Vec<usize> {
        self.in_session
            .keys()
            .copied()
            .filter(|&op| self.ops[op].outcome == Outcome::Pending && self.ops[op].start < before)
            .collect()
    }

    fn finish(&mut self, client: usize, op: usize, outcome: Outcome) {
        if self.ops[op].outcome != Outcome::Pending {
            return;
        }
        if let Outcome::Done(seen) = &outcome {
            let c = &mut self.clients[client];
            c.last_seq = c.last_seq.max(seen.slot);
        }
        self.ops[op].outcome = outcome;
        self.ops[op].end = Some(self.now);
        if self.clients[client].op == Some(op) {
            self.clients[client].op = None;
            let think = self.rng.u64(1_000..30_000);
            self.schedule(think, Event::ClientStart { client });
        }
    }

    /// Ends the faults: heals the network, restarts every replica, and stops losing
    /// messages. Progress must follow.
    pub fn heal(&mut self) {
        self.faulty = false;
        self.blocked.clear();
        for node in self.paused.keys().copied().collect::<Vec<_>>() {
            self.resume(node);
        }
        for n in self.nodes.values().flatten() {
            n.state_machine().veto.set(false);
        }
        for id in self.pool.clone() {
            if self.nodes[&id].is_none() {
                self.boot(id);
            }
        }
    }

    /// Over the whole run: checkpoints installed by state transfer, and checkpoints copied
    /// from a secondary and kept by a primary.
    pub fn checkpoint_transfers(&self) -> (u64, u64) {
        let live = self.nodes.values().flatten().map(|n| n.checkpoint_counts());
        live.fold(
            (
                self.stats.checkpoints_installed,
                self.stats.checkpoints_kept,
            ),
            |(installed, kept), c| (installed + c.installed, kept + c.kept),
        )
    }

    /// Whether every member has executed as far as the primary.
    pub fn converged(&self) -> bool {
        let Some(primary) = self.primary() else {
            return false;
        };
        let p = self.nodes[&primary].as_ref().unwrap();
        let members: Vec<NodeId> = p.core().membership().ids().collect();
        members.iter().all(|id| {
            self.nodes[id].as_ref().is_some_and(|n| {
                n.state_machine().count == p.state_machine().count
                    && n.core().executed() == p.core().executed()
            })
        })
    }
}
