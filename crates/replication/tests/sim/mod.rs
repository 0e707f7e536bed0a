//! A deterministic simulator of a ring: every replica is a real [`Node`] (the same protocol
//! core, recovery and checkpoint code as production) over a simulated network, clock and
//! disk, all driven by one seeded random number generator. The same seed replays the same
//! run exactly.
//!
//! The application is a list-append store: `append(key, value)` returns the key's whole
//! list, and values are unique, so every response reveals the order of everything before
//! it and linearizability can be checked exactly (the idea behind Jepsen's Elle).

#![allow(dead_code)]

use keel_replication::Options;
use keel_replication::checkpoint;
use keel_replication::node::{Command, Effect, Error, Identity, Node, NodeOptions, StateMachine};
use keel_replication::storage::Disk;
use keel_replication::types::{Member, Membership, Message, NodeId, Slot};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};
use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

// ---- the application ------------------------------------------------------------------------

/// Lists by key; a running hash of every request executed, to compare replicas position by
/// position; and the ids it has executed, to catch a request executed twice.
#[derive(Debug, Default, Clone)]
pub struct ListSm {
    pub lists: BTreeMap<u8, Vec<u64>>,
    pub count: u64,
    pub chain: u64,
    pub seen: BTreeSet<u64>,
    pub duplicate: Option<u64>,
    /// Values in execution order since this process started (for diagnosing a divergence).
    pub recent: Vec<u64>,
}

pub fn append_request(key: u8, value: u64) -> Vec<u8> {
    let mut r = vec![key];
    r.extend_from_slice(&value.to_le_bytes());
    r
}

fn encode_list(list: &[u64]) -> Vec<u8> {
    list.iter().flat_map(|v| v.to_le_bytes()).collect()
}

pub fn decode_list(bytes: &[u8]) -> Vec<u64> {
    bytes
        .chunks(8)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

impl StateMachine for ListSm {
    fn execute(&mut self, request: &[u8]) -> Vec<u8> {
        let key = request[0];
        let value = u64::from_le_bytes(request[1..9].try_into().unwrap());
        if !self.seen.insert(value) && self.duplicate.is_none() {
            self.duplicate = Some(value);
        }
        self.count += 1;
        self.recent.push(value);
        self.chain = (self.chain ^ value ^ ((key as u64) << 56))
            .wrapping_mul(0x100_0000_01b3)
            .rotate_left(7);
        let list = self.lists.entry(key).or_default();
        list.push(value);
        encode_list(list)
    }

    fn save(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(&self.count.to_le_bytes())?;
        out.write_all(&self.chain.to_le_bytes())?;
        out.write_all(&(self.lists.len() as u64).to_le_bytes())?;
        for (k, list) in &self.lists {
            out.write_all(&[*k])?;
            out.write_all(&(list.len() as u64).to_le_bytes())?;
            out.write_all(&encode_list(list))?;
        }
        Ok(())
    }

    fn load(&mut self, input: &mut dyn Read) -> io::Result<()> {
        let mut all = Vec::new();
        input.read_to_end(&mut all)?;
        let u64_at = |at: usize| u64::from_le_bytes(all[at..at + 8].try_into().unwrap());
        *self = ListSm {
            count: u64_at(0),
            chain: u64_at(8),
            ..ListSm::default()
        };
        let n = u64_at(16);
        let mut at = 24;
        for _ in 0..n {
            let k = all[at];
            let len = u64_at(at + 1) as usize;
            at += 9;
            let list = decode_list(&all[at..at + len * 8]);
            self.seen.extend(list.iter().copied());
            self.lists.insert(k, list);
            at += len * 8;
        }
        Ok(())
    }
}

// ---- the disk -------------------------------------------------------------------------------

#[derive(Debug, Default)]
struct DiskState {
    synced: Vec<u8>,
    unsynced: Vec<u8>,
    checkpoints: BTreeMap<Slot, Vec<u8>>,
    /// A checkpoint arriving from a peer: unsynced until kept.
    received: Option<Vec<u8>>,
}

/// A disk whose appends are lost on a crash unless synced; a crash may keep a torn prefix
/// of them. Checkpoint writes are atomic and durable (as FsDisk's rename makes them).
#[derive(Debug, Clone, Default)]
pub struct SimDisk(Arc<Mutex<DiskState>>);

impl SimDisk {
    /// The crash: `keep` of the unsynced bytes survive (all of them when the process died
    /// but the machine did not).
    pub fn crash(&self, keep: usize) {
        let mut s = self.0.lock().unwrap();
        let keep = keep.min(s.unsynced.len());
        let kept: Vec<u8> = s.unsynced[..keep].to_vec();
        s.synced.extend_from_slice(&kept);
        s.unsynced.clear();
        s.received = None;
    }

    pub fn unsynced(&self) -> usize {
        self.0.lock().unwrap().unsynced.len()
    }

    /// Flips a byte in the newest checkpoint.
    pub fn corrupt_newest_checkpoint(&self) -> Option<Slot> {
        let mut s = self.0.lock().unwrap();
        let (&seq, data) = s.checkpoints.iter_mut().next_back()?;
        let at = data.len() / 2;
        data[at] ^= 0x5a;
        Some(seq)
    }
}

impl Disk for SimDisk {
    fn read_log(&mut self) -> io::Result<Vec<u8>> {
        let s = self.0.lock().unwrap();
        Ok([s.synced.as_slice(), s.unsynced.as_slice()].concat())
    }
    fn append_log(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.0.lock().unwrap().unsynced.extend_from_slice(bytes);
        Ok(())
    }
    fn sync_log(&mut self) -> io::Result<()> {
        let mut s = self.0.lock().unwrap();
        let pending = std::mem::take(&mut s.unsynced);
        s.synced.extend_from_slice(&pending);
        Ok(())
    }
    fn truncate_log(&mut self, len: u64) -> io::Result<()> {
        let mut s = self.0.lock().unwrap();
        let mut all = [s.synced.as_slice(), s.unsynced.as_slice()].concat();
        all.truncate(len as usize);
        s.synced = all;
        s.unsynced.clear();
        Ok(())
    }
    fn replace_log(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut s = self.0.lock().unwrap();
        s.synced = bytes.to_vec();
        s.unsynced.clear();
        Ok(())
    }
    fn checkpoints(&mut self) -> io::Result<Vec<Slot>> {
        Ok(self.0.lock().unwrap().checkpoints.keys().copied().collect())
    }
    fn write_checkpoint(
        &mut self,
        seq: Slot,
        write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut data = Vec::new();
        write(&mut data)?;
        self.0.lock().unwrap().checkpoints.insert(seq, data);
        Ok(())
    }
    fn read_checkpoint(&mut self, seq: Slot) -> io::Result<Box<dyn Read + '_>> {
        let data = self.0.lock().unwrap().checkpoints.get(&seq).cloned();
        let data =
            data.ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such checkpoint"))?;
        Ok(Box::new(io::Cursor::new(data)))
    }
    fn read_checkpoint_chunk(
        &mut self,
        seq: Slot,
        offset: u64,
        max: usize,
    ) -> io::Result<(Vec<u8>, u64)> {
        let s = self.0.lock().unwrap();
        let data = s
            .checkpoints
            .get(&seq)
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such checkpoint"))?;
        let from = (offset as usize).min(data.len());
        let to = (from + max).min(data.len());
        Ok((data[from..to].to_vec(), data.len() as u64))
    }
    fn remove_checkpoint(&mut self, seq: Slot) -> io::Result<()> {
        self.0.lock().unwrap().checkpoints.remove(&seq);
        Ok(())
    }
    fn receive_checkpoint(&mut self, offset: u64, bytes: &[u8]) -> io::Result<()> {
        let mut s = self.0.lock().unwrap();
        if offset == 0 {
            s.received = Some(Vec::new());
        }
        let received = s.received.as_mut().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "no checkpoint is being received",
            )
        })?;
        // The node keeps its own count; a mismatch is a bug this assertion finds.
        assert_eq!(received.len() as u64, offset, "chunk written out of order");
        received.extend_from_slice(bytes);
        Ok(())
    }
    fn keep_received(&mut self, seq: Slot) -> io::Result<()> {
        let mut s = self.0.lock().unwrap();
        let data = s.received.take().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "no checkpoint is being received",
            )
        })?;
        s.checkpoints.insert(seq, data);
        Ok(())
    }
}

// ---- the world ------------------------------------------------------------------------------

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
    Crash {
        node: NodeId,
    },
    Restart {
        node: NodeId,
    },
    Partition,
    Heal,
    Reconfigure,
}

/// One client operation, as the checker sees it.
#[derive(Debug, Clone)]
pub struct Op {
    pub client: usize,
    pub key: u8,
    pub kind: OpKind,
    pub start: u64,
    pub end: Option<u64>,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq)]
pub enum OpKind {
    Append(u64),
    /// A linearizable read on the primary.
    Read,
    /// A fast read on any replica, bounded by the client's last seen slot.
    FastRead {
        min_seq: Slot,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Pending,
    /// The list the operation saw (after the append, for an append), and its slot.
    Ok(Vec<u64>, Slot),
    /// Definitely did not happen.
    Failed,
    /// May or may not have happened.
    Unknown,
}

struct Client {
    op: Option<usize>,
    target: NodeId,
    last_seq: Slot,
    own: Vec<u64>,
}

pub struct World {
    pub seed: u64,
    rng: fastrand::Rng,
    pub now: u64,
    next: u64,
    queue: BinaryHeap<Reverse<(u64, u64)>>,
    events: HashMap<u64, Event>,
    pub pool: Vec<NodeId>,
    pub nodes: BTreeMap<NodeId, Option<Node<ListSm, SimDisk>>>,
    disks: BTreeMap<NodeId, SimDisk>,
    blocked: BTreeSet<(NodeId, NodeId)>,
    pub faults: Faults,
    faulty: bool,
    clients: Vec<Client>,
    tokens: HashMap<(NodeId, u64), (usize, usize)>,
    answered: BTreeSet<(NodeId, u64)>,
    next_token: u64,
    pub ops: Vec<Op>,
    next_value: u64,
    /// Position → chain hash, as first executed by any replica.
    chains: BTreeMap<u64, u64>,
    pub options: NodeOptions,
    pub initial: Membership,
    pub stats: Stats,
    reconfig_token: Option<(NodeId, u64)>,
}

#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub messages: u64,
    pub crashes: u64,
    pub torn: u64,
    pub reconfigurations: u64,
    pub checkpoints_installed: u64,
    pub checkpoints_kept: u64,
}

fn addr(id: NodeId) -> String {
    format!("sim-{id}")
}

impl World {
    pub fn new(seed: u64, pool: usize, members: usize, faults: Faults) -> World {
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
            faults,
            faulty: true,
            clients: Vec::new(),
            tokens: HashMap::new(),
            answered: BTreeSet::new(),
            next_token: 0,
            ops: Vec::new(),
            next_value: 1,
            chains: BTreeMap::new(),
            options,
            initial,
            stats: Stats::default(),
            reconfig_token: None,
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
                own: Vec::new(),
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
        let disk = self.disks[&id].clone();
        let seed = self.rng.u64(..);
        let identity = Identity {
            id,
            cluster: CLUSTER,
            members: self.initial.clone(),
        };
        let node = Node::open(
            identity,
            self.options.clone(),
            ListSm::default(),
            disk,
            self.now,
            seed,
        )
        .unwrap_or_else(|e| panic!("seed {}: replica {id} failed to recover: {e}", self.seed));
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
                if let Some(Some(node)) = self.nodes.get_mut(&to) {
                    node.message(self.now, from, message);
                    self.flush(to);
                }
            }
            Event::ClientStart { client } => self.client_start(client),
            Event::ClientGiveUp { client, op } => {
                if self.ops[op].outcome == Outcome::Pending {
                    self.finish(client, op, Outcome::Unknown);
                }
            }
            Event::Crash { node } => {
                if let Some(n) = &self.nodes[&node] {
                    self.stats.checkpoints_installed += n.checkpoint_counts().installed;
                    self.stats.checkpoints_kept += n.checkpoint_counts().kept;
                    self.nodes.insert(node, None);
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
                    let down = self.rng.u64(10_000..400_000);
                    self.schedule(down, Event::Restart { node });
                }
                if self.faulty {
                    let at = self.rng.u64(50_000..700_000);
                    let node = self.pick_node();
                    self.schedule(at, Event::Crash { node });
                }
            }
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
                    for &a in &self.pool {
                        for &b in &self.pool {
                            if side.contains(&a) != side.contains(&b) {
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
            Event::Reconfigure => {
                if let Some(primary) = self.primary() {
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

    fn flush(&mut self, id: NodeId) {
        let Some(Some(node)) = self.nodes.get_mut(&id) else {
            return;
        };
        let effects = node.flush().expect("the simulated disk does not fail");
        self.check_node(id);
        for effect in effects {
            match effect {
                Effect::Send { to, message } => self.send(id, to, message),
                Effect::Reply { token, result } => {
                    if let Some((client, op)) = self.answer(id, token) {
                        let outcome = match result {
                            Ok(c) => Outcome::Ok(decode_list(&c.response), c.slot),
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
                        let node = self.nodes[&id].as_ref().unwrap();
                        let key = self.ops[op].key;
                        let list = node
                            .state_machine()
                            .lists
                            .get(&key)
                            .cloned()
                            .unwrap_or_default();
                        self.finish(client, op, Outcome::Ok(list, seq));
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

    /// Safety, after every step: a replica's executed history agrees with every other
    /// replica's at every position, and no request ran twice.
    fn check_node(&mut self, id: NodeId) {
        let Some(Some(node)) = self.nodes.get(&id) else {
            return;
        };
        let sm = node.state_machine();
        if let Some(v) = sm.duplicate {
            panic!(
                "seed {}: replica {id} executed request {v} twice",
                self.seed
            );
        }
        if sm.count == 0 {
            return;
        }
        match self.chains.get(&sm.count) {
            Some(&chain) if chain != sm.chain => {
                for (other, n) in &self.nodes {
                    if let Some(n) = n {
                        let sm = n.state_machine();
                        let tail: Vec<u64> =
                            sm.recent.iter().rev().take(12).rev().copied().collect();
                        eprintln!(
                            "replica {other}: count {} executed {} recent {tail:?}",
                            sm.count,
                            n.core().executed()
                        );
                    }
                }
                panic!(
                    "seed {}: replica {id} executed a different request history at position {} (its slot {})",
                    self.seed,
                    sm.count,
                    node.core().executed()
                )
            }
            Some(_) => {}
            None => {
                self.chains.insert(sm.count, sm.chain);
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
        let key = self.rng.u8(0..3);
        let kind = match self.rng.u8(0..10) {
            0..=6 => {
                self.next_value += 1;
                OpKind::Append(self.next_value)
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
        let target = match &kind {
            OpKind::FastRead { .. } => self.pick_node(),
            // Mostly the primary; sometimes a replica that will refuse.
            _ if self.rng.u8(0..5) == 0 => self.pick_node(),
            _ => self
                .primary()
                .unwrap_or_else(|| self.clients[client].target),
        };
        self.clients[client].target = target;
        self.next_token += 1;
        let token = self.next_token;
        let command = match kind {
            OpKind::Append(v) => Command::Submit {
                token,
                payload: append_request(key, v),
            },
            OpKind::Read => Command::LinearRead { token },
            OpKind::FastRead { min_seq } => Command::Read { token, min_seq },
        };
        self.schedule(1_000_000, Event::ClientGiveUp { client, op });
        match self.nodes.get_mut(&target) {
            Some(Some(node)) => {
                self.tokens.insert((target, token), (client, op));
                node.command(self.now, command);
                self.flush(target);
            }
            _ => self.finish(client, op, Outcome::Failed),
        }
    }

    fn finish(&mut self, client: usize, op: usize, outcome: Outcome) {
        if self.ops[op].outcome != Outcome::Pending {
            return;
        }
        if let Outcome::Ok(list, seq) = &outcome {
            let c = &mut self.clients[client];
            c.last_seq = c.last_seq.max(*seq);
            if let OpKind::Append(v) = self.ops[op].kind {
                c.own.push(v);
            }
            let _ = list;
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

    pub fn final_lists(&self) -> BTreeMap<u8, Vec<u64>> {
        let primary = self.primary().expect("a primary after healing");
        self.nodes[&primary]
            .as_ref()
            .unwrap()
            .state_machine()
            .lists
            .clone()
    }

    pub fn checkpoint_corrupt(&self, id: NodeId) -> Option<Slot> {
        self.disks[&id].corrupt_newest_checkpoint()
    }

    pub fn crash_now(&mut self, id: NodeId, keep_unsynced: usize) {
        self.nodes.insert(id, None);
        self.disks[&id].crash(keep_unsynced);
    }

    pub fn restart_now(&mut self, id: NodeId) {
        self.boot(id);
    }

    pub fn verify_checkpoints(&self, id: NodeId) -> usize {
        let mut disk = self.disks[&id].clone();
        let seqs = disk.checkpoints().unwrap();
        seqs.iter()
            .filter(|&&s| checkpoint::verify(disk.read_checkpoint(s).unwrap()).is_ok())
            .count()
    }
}

// ---- the checker ----------------------------------------------------------------------------

/// Checks the history against the final lists: linearizable, and nothing lost, invented or
/// duplicated. Returns the first violation.
pub fn check_history(ops: &[Op], finals: &BTreeMap<u8, Vec<u64>>) -> Result<(), String> {
    let empty = Vec::new();
    let mut failed_values = BTreeSet::new();
    let mut submitted = BTreeSet::new();
    for op in ops {
        if let OpKind::Append(v) = op.kind {
            submitted.insert(v);
            if op.outcome == Outcome::Failed {
                failed_values.insert(v);
            }
        }
    }
    for (key, list) in finals {
        let mut seen = BTreeSet::new();
        for v in list {
            if !seen.insert(*v) {
                return Err(format!("key {key}: value {v} appears twice"));
            }
            if !submitted.contains(v) {
                return Err(format!("key {key}: value {v} was never submitted"));
            }
            if failed_values.contains(v) {
                return Err(format!("key {key}: value {v} was refused yet took effect"));
            }
        }
    }
    // Each successful operation's position: where its value sits (append), or how much it
    // saw (read).
    struct Done<'a> {
        op: &'a Op,
        at: usize,
        append: bool,
    }
    let mut done = Vec::new();
    for op in ops {
        let Outcome::Ok(list, _) = &op.outcome else {
            continue;
        };
        let f = finals.get(&op.key).unwrap_or(&empty);
        if list.len() > f.len() || f[..list.len()] != list[..] {
            return Err(format!(
                "op {op:?} saw {list:?}, which is not a prefix of the final {f:?}"
            ));
        }
        match op.kind {
            OpKind::Append(v) => {
                if list.last() != Some(&v) {
                    return Err(format!("append of {v} answered {list:?}"));
                }
                done.push(Done {
                    op,
                    at: list.len() - 1,
                    append: true,
                });
            }
            OpKind::Read => done.push(Done {
                op,
                at: list.len(),
                append: false,
            }),
            OpKind::FastRead { .. } => {}
        }
    }
    for a in &done {
        for b in &done {
            if a.op.key != b.op.key || a.op.end.unwrap() >= b.op.start {
                continue;
            }
            // a finished before b began: b must come after a.
            let ok = match (a.append, b.append) {
                (true, true) => a.at < b.at,
                (true, false) => a.at < b.at,
                (false, true) => a.at <= b.at,
                (false, false) => a.at <= b.at,
            };
            if !ok {
                return Err(format!(
                    "real-time order violated on key {}: {:?} (at {}) finished before {:?} (at {}) began",
                    a.op.key, a.op.kind, a.at, b.op.kind, b.at
                ));
            }
        }
    }
    // A client's fast reads see its own earlier acknowledged appends.
    for op in ops {
        let (OpKind::FastRead { .. }, Outcome::Ok(list, _)) = (&op.kind, &op.outcome) else {
            continue;
        };
        for prior in ops.iter().filter(|p| {
            p.client == op.client && p.key == op.key && p.end.is_some_and(|e| e < op.start)
        }) {
            if let (OpKind::Append(v), Outcome::Ok(..)) = (&prior.kind, &prior.outcome)
                && !list.contains(v)
            {
                return Err(format!(
                    "client {}'s fast read missed its own append of {v}",
                    op.client
                ));
            }
        }
    }
    Ok(())
}
