//! A replica without its transport: the protocol core, the application's state machine and
//! the disk, glued by the rules that make them safe together (persist before sending;
//! execute in order; checkpoint, then truncate the log behind the checkpoint before last;
//! recover from the newest valid checkpoint plus the log). The TCP driver and the simulator
//! both run exactly this.

use crate::checkpoint::{self, Header};
use crate::core::{Core, Durable, Input, Options, Output, Refusal, RoleName};
use crate::frame;
use crate::session::{self, Client, Envelope, SessionSeq, Sessions, Verdict};
use crate::storage::Disk;
use crate::types::*;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Read, Write};

/// The application: a deterministic state machine. Every replica executes the same
/// requests in the same order, so `execute` must depend on nothing but the state and the
/// request (no clock, no randomness, no I/O that can differ).
pub trait StateMachine: Send + 'static {
    /// Executes one replicated request and returns its response (sent to the submitter if it
    /// submitted on this replica).
    fn execute(&mut self, request: &[u8]) -> Vec<u8>;
    /// Writes the whole state.
    fn save(&self, out: &mut dyn Write) -> io::Result<()>;
    /// Replaces the whole state with one written by `save`.
    fn load(&mut self, input: &mut dyn Read) -> io::Result<()>;
    /// This replica became (`true`) or stopped being (`false`) the primary.
    fn primary_changed(&mut self, _is_primary: bool) {}
    /// As primary, this replica has executed everything its predecessors committed.
    fn primary_recovered(&mut self) {}
    /// Consulted before each election: `false` keeps this replica from becoming primary.
    fn can_become_primary(&self) -> bool {
        true
    }
    /// A membership change was executed.
    fn membership_changed(&mut self, _membership: &Membership) {}
}

/// Node-level tunables.
#[derive(Debug, Clone)]
pub struct NodeOptions {
    pub protocol: Options,
    /// Checkpoint every this many slots (the log since the checkpoint before last is kept,
    /// so a damaged newest checkpoint can be recovered from). Secondaries write them, each
    /// at its own phase; the primary copies a secondary's rather than pause to write one.
    pub checkpoint_interval: u64,
    /// Bytes per message when a checkpoint is sent to a peer. The receiver asks for each
    /// chunk after writing the previous one to disk, so neither side holds more than one.
    pub transfer_chunk: usize,
    /// The client session table's limits (see [`crate::session`]).
    pub sessions: session::Limits,
}

impl Default for NodeOptions {
    fn default() -> NodeOptions {
        NodeOptions {
            protocol: Options::default(),
            checkpoint_interval: 100_000,
            transfer_chunk: checkpoint::BLOCK,
            sessions: session::Limits::default(),
        }
    }
}

/// Why a submitted request (or a read, or a change) got no result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("this replica is not the primary{}", hint_text(.hint))]
    NotPrimary { hint: Option<Member> },
    #[error("the primary lost its role before the request was known committed; it may or may not take effect{}", hint_text(.hint))]
    Uncertain { hint: Option<Member> },
    #[error("request of {size} bytes exceeds the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("another membership change is in progress; retry when it completes")]
    Busy,
    #[error("invalid membership: {0}")]
    InvalidMembership(String),
    #[error("the replica has stopped: {0}")]
    Stopped(String),
    #[error("no answer within the deadline; a submitted request may or may not take effect")]
    Timeout,
    #[error(
        "session {session} is unknown or expired: register a new one (what was sent in it may or may not have taken effect)"
    )]
    SessionExpired { session: u64 },
    #[error(
        "request {seq} of session {session} is older than the session's window (it starts at {floor}): it may or may not have taken effect, and its answer, if any, is forgotten"
    )]
    SessionStale { session: u64, seq: u64, floor: u64 },
}

fn hint_text(hint: &Option<Member>) -> String {
    match hint {
        Some(m) => format!(" (the primary is probably replica {} at {})", m.id, m.addr),
        None => String::new(),
    }
}

/// A committed request's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// The slot that decided it: reads bounded by this see its effect.
    pub slot: Slot,
    pub response: Vec<u8>,
}

/// What the node asks its driver to do after a [`Node::flush`].
#[derive(Debug)]
pub enum Effect {
    Send {
        to: NodeId,
        message: Message,
    },
    Reply {
        token: u64,
        result: Result<Committed, Error>,
    },
    /// The state machine has executed through `seq`: run read `token` against it now.
    Read {
        token: u64,
        seq: Slot,
    },
    ReadFailed {
        token: u64,
        error: Error,
    },
    Reconfigured {
        token: u64,
        result: Result<Slot, Error>,
    },
}

/// A client's operation on this replica; `token` names its answer.
#[derive(Debug, Clone)]
pub enum Command {
    /// Outside any session: a retry may execute twice.
    Submit {
        token: u64,
        payload: Vec<u8>,
    },
    /// In a client session: executed at most once however often it is retried with the
    /// same `session` (see [`crate::session`]).
    SubmitInSession {
        token: u64,
        payload: Vec<u8>,
        session: SessionSeq,
    },
    /// Opens a client session; the reply's response is its id (u64, little endian).
    RegisterSession {
        token: u64,
    },
    /// Read once the state machine has executed `min_seq` (any replica).
    Read {
        token: u64,
        min_seq: Slot,
    },
    /// Read everything committed before now (primary only).
    LinearRead {
        token: u64,
    },
    Reconfigure {
        token: u64,
        membership: Membership,
    },
    Relinquish,
}

/// Why a replica could not open its storage.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("reading the replica's storage: {0}")]
    Io(#[from] io::Error),
    #[error(
        "checkpoint {seq} belongs to cluster {found}, not {expected}: this data directory is another ring's; point the replica at its own directory"
    )]
    WrongCluster {
        seq: Slot,
        found: u64,
        expected: u64,
    },
    #[error(
        "the log is damaged at offset {offset} of {len} bytes ({reason}), and this is not a torn tail: \
         the replica refuses to start rather than forget what it promised or accepted. Restore the \
         data directory from a backup, or replace this replica with a new member"
    )]
    DamagedLog {
        offset: u64,
        len: u64,
        reason: String,
    },
    #[error(
        "the log was written in format {found}, newer than this build's format {supported}: run the \
         keel-replication version that wrote it, or a newer one"
    )]
    NewerLog { found: u32, supported: u32 },
}

/// A checkpoint being received, chunk by chunk, onto the disk.
struct Incoming {
    from: NodeId,
    seq: Slot,
    received: u64,
    /// A chunk arrived since the core last asked for a checkpoint (it asks again once per
    /// election timeout while this replica is behind): the transfer is alive.
    progressed: bool,
    /// Checks the bytes as they arrive, so the file is not read again to verify it.
    verifier: checkpoint::Verifier,
}

/// One replica; see the module docs.
pub struct Node<S, D> {
    core: Core,
    sm: S,
    disk: D,
    cluster: u64,
    options: NodeOptions,
    incarnation: u64,
    next_seq: u64,
    sessions: Sessions,
    /// The driver's wall clock (ms), stamped on submitted requests for session expiry.
    wall_ms: u64,
    pending: HashMap<RequestId, u64>,
    reads: BTreeMap<Slot, Vec<u64>>,
    checkpoints: Vec<Slot>,
    incoming: Option<Incoming>,
    /// The primary's copy of a secondary's checkpoint: the peer asked and when it last
    /// answered (or was asked).
    copying: Option<(NodeId, u64)>,
    /// Peers asked since the primary last kept or wrote a checkpoint.
    copy_attempts: u64,
    effects: Vec<Effect>,
    recovered_tail: Option<(u64, u64)>,
    counts: CheckpointCounts,
}

/// What a replica did with checkpoints since it opened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CheckpointCounts {
    /// Written from its own state.
    pub written: u64,
    /// Received from a peer and loaded, replacing its state (it was behind).
    pub installed: u64,
    /// Received from a peer and kept without loading (the primary's copies).
    pub kept: u64,
    /// The newest it holds.
    pub newest: Option<Slot>,
}

impl<S, D> std::fmt::Debug for Node<S, D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node")
            .field("core", &self.core.status())
            .finish_non_exhaustive()
    }
}

/// Who a replica is: its id, its ring, and the ring's initial membership (used only when no
/// checkpoint says otherwise).
#[derive(Debug, Clone)]
pub struct Identity {
    pub id: NodeId,
    pub cluster: u64,
    pub members: Membership,
}

/// Largest log record accepted when replaying.
const MAX_RECORD: usize = 256 << 20;

/// The log's format. Its first frame says which (`keel-log <n>`); a log without that frame
/// was written before formats were numbered, with the records of format 1.
/// Format 2: each request's payload is a session [`Envelope`].
pub const LOG_FORMAT: u32 = 2;
const LOG_MAGIC: &str = "keel-log ";

/// The header of a log that holds every acceptance from slot `covers_from` on.
fn log_header(covers_from: Slot) -> Vec<u8> {
    let mut bytes = Vec::new();
    let text = format!("{LOG_MAGIC}{LOG_FORMAT} from {covers_from}");
    frame::put(&mut bytes, text.as_bytes());
    bytes
}

/// What a log's header says: its format, the first slot it covers (see
/// [`Durable::covers_from`]), and where its records start. Refuses a newer format.
fn log_format(log: &[u8]) -> Result<(u32, Slot, usize), OpenError> {
    let Ok((payload, rest)) = frame::take(log, MAX_RECORD) else {
        return Ok((1, 1, 0));
    };
    let Some(version) = std::str::from_utf8(payload)
        .ok()
        .and_then(|p| p.strip_prefix(LOG_MAGIC))
    else {
        return Ok((1, 1, 0)); // a log from before formats were numbered
    };
    let (version, covers_from) = match version.split_once(" from ") {
        Some((v, from)) => (v, from.parse().unwrap_or(u64::MAX)),
        None => (version, 1),
    };
    let found = version.parse().unwrap_or(u32::MAX);
    if found > LOG_FORMAT {
        return Err(OpenError::NewerLog {
            found,
            supported: LOG_FORMAT,
        });
    }
    Ok((found, covers_from, log.len() - rest.len()))
}

/// Format 1 carried the application's bytes bare: each becomes a request outside any
/// session, as it was.
fn upgrade_from_format_1(durable: &mut Durable) {
    for (_, value, _) in durable.entries.values_mut() {
        if let Value::Batch(requests) = value {
            for r in requests {
                let body = std::mem::take(&mut r.payload);
                r.payload = Envelope {
                    time_ms: 0,
                    client: Client::Plain,
                    body: &body,
                }
                .encode();
            }
        }
    }
}

/// Whether the bytes from a record that does not read are a torn tail: what a crash leaves
/// of appends that were not yet synced, that is an incomplete last frame, or zeros (a file
/// extended before its data reached the disk). A frame that is complete but damaged, or
/// one that does not decode, or any readable record after the failure, is damage instead.
fn torn_tail(rest: &[u8], error: &frame::FrameError) -> bool {
    let incomplete = matches!(
        error,
        frame::FrameError::Truncated { .. } | frame::FrameError::TooLarge { .. }
    );
    if !incomplete && rest.iter().any(|b| *b != 0) {
        return false;
    }
    // Nothing readable may follow: a record after the failure means the failure is inside
    // the log, not at its end.
    !(1..rest.len()).any(|at| {
        frame::take(&rest[at..], MAX_RECORD)
            .and_then(|(payload, _)| frame::decode::<Record>(payload))
            .is_ok()
    })
}

impl<S: StateMachine, D: Disk> Node<S, D> {
    /// Recovers a replica from `disk`: the newest checkpoint that verifies (older ones if it
    /// does not), then every log record after it. A torn log tail is cut off. `members` is
    /// the initial membership, used when there is no checkpoint.
    pub fn open(
        identity: Identity,
        options: NodeOptions,
        mut sm: S,
        mut disk: D,
        now: u64,
        seed: u64,
    ) -> Result<Node<S, D>, OpenError> {
        let Identity {
            id,
            cluster,
            members,
        } = identity;
        let mut executed = 0;
        let mut membership = members;
        let mut sessions = Sessions::new(options.sessions);
        let mut checkpoints = disk.checkpoints()?;
        for &seq in checkpoints.iter().rev() {
            let header = match checkpoint::verify(disk.read_checkpoint(seq)?) {
                Ok(header) if header.seq == seq => header,
                Ok(_) | Err(_) => {
                    tracing::warn!(
                        id,
                        seq,
                        "checkpoint does not verify: falling back to an older one"
                    );
                    continue;
                }
            };
            if header.cluster != cluster {
                return Err(OpenError::WrongCluster {
                    seq,
                    found: header.cluster,
                    expected: cluster,
                });
            }
            let mut reader = disk.read_checkpoint(seq)?;
            let (_, mut body) = checkpoint::open(&mut reader)?;
            sm.load(&mut sessions.load(&mut body)?)?;
            executed = seq;
            membership = header.membership;
            break;
        }
        checkpoints.retain(|s| *s <= executed);

        let log = disk.read_log()?;
        if log.is_empty() {
            // A new log covers what comes after the checkpoint loaded (if any).
            disk.append_log(&log_header(executed + 1))?;
            disk.sync_log()?;
        }
        let (format, covers_from, mut offset) = log_format(&log)?;
        let mut durable = Durable {
            covers_from,
            ..Durable::default()
        };
        let mut recovered_tail = None;
        while offset < log.len() {
            let next = frame::take(&log[offset..], MAX_RECORD).and_then(|(payload, tail)| {
                Ok((frame::decode::<Record>(payload)?, log.len() - tail.len()))
            });
            match next {
                Ok((record, next)) => {
                    replay(&mut durable, record);
                    offset = next;
                }
                Err(e) if torn_tail(&log[offset..], &e) => {
                    let dropped = (log.len() - offset) as u64;
                    tracing::warn!(id, offset, dropped, error = %e, "dropping a torn log tail");
                    disk.truncate_log(offset as u64)?;
                    recovered_tail = Some((offset as u64, dropped));
                    break;
                }
                Err(e) => {
                    return Err(OpenError::DamagedLog {
                        offset: offset as u64,
                        len: log.len() as u64,
                        reason: e.to_string(),
                    });
                }
            }
        }
        let upgrade = format < LOG_FORMAT && !log.is_empty();
        if upgrade {
            upgrade_from_format_1(&mut durable);
        }
        // Entries at or below the checkpoint that no commit point or chosen record vouches
        // for: the checkpoint covered them after their own records were lost (unsynced
        // chosen records torn off in a crash). A commit point written from now on would
        // vouch for them, so the log is rewritten without them below.
        let unvouched = durable
            .entries
            .iter()
            .any(|(&slot, (_, _, chosen))| slot <= executed && slot > durable.commit && !chosen);
        let mut core = Core::restore(
            id,
            options.protocol.clone(),
            executed,
            membership,
            durable,
            now,
            seed,
        );
        core.set_may_lead(sm.can_become_primary());
        let mut node = Node {
            core,
            sm,
            disk,
            cluster,
            options,
            incarnation: seed ^ now.rotate_left(17) ^ 0x9e37_79b9_7f4a_7c15,
            next_seq: 0,
            sessions,
            wall_ms: 0,
            pending: HashMap::new(),
            reads: BTreeMap::new(),
            checkpoints,
            incoming: None,
            copying: None,
            copy_attempts: 0,
            effects: Vec::new(),
            recovered_tail,
            counts: CheckpointCounts::default(),
        };
        if unvouched || upgrade {
            tracing::info!(id, executed, format, "rewriting the log");
            node.rewrite_log()?;
        }
        node.flush()?;
        Ok(node)
    }

    pub fn core(&self) -> &Core {
        &self.core
    }

    pub fn state_machine(&self) -> &S {
        &self.sm
    }

    pub fn cluster(&self) -> u64 {
        self.cluster
    }

    pub fn checkpoint_counts(&self) -> CheckpointCounts {
        CheckpointCounts {
            newest: self.checkpoints.last().copied(),
            ..self.counts
        }
    }

    /// The torn tail recovery cut off: (offset, bytes dropped).
    pub fn recovered_tail(&self) -> Option<(u64, u64)> {
        self.recovered_tail
    }

    pub fn next_deadline(&self) -> u64 {
        self.core.next_deadline()
    }

    fn member(&self, id: Option<NodeId>) -> Option<Member> {
        id.and_then(|id| self.core.membership().get(id).cloned())
    }

    pub fn tick(&mut self, now: u64) {
        self.core.set_may_lead(self.sm.can_become_primary());
        self.core.step(now, Input::Tick);
        self.copy_for_primary(now);
    }

    /// A message from a peer.
    pub fn message(&mut self, now: u64, from: NodeId, message: Message) {
        match message {
            Message::CheckpointRequest { seq, offset } => self.serve_checkpoint(from, seq, offset),
            Message::CheckpointChunk {
                seq,
                offset,
                total,
                data,
            } => self.receive_chunk(now, from, seq, offset, total, data),
            message => self.core.step(now, Input::Message { from, message }),
        }
    }

    pub fn command(&mut self, now: u64, command: Command) {
        match command {
            Command::Submit { token, payload } => self.submit(now, token, payload, Client::Plain),
            Command::SubmitInSession {
                token,
                payload,
                session,
            } => self.submit(now, token, payload, Client::Request(session)),
            Command::RegisterSession { token } => {
                self.submit(now, token, Vec::new(), Client::Register)
            }
            Command::Read { token, min_seq } => self.park_read(token, min_seq),
            Command::LinearRead { token } => self.core.step(now, Input::ReadIndex { token }),
            Command::Reconfigure { token, membership } => {
                if let Some(problem) = invalid_membership(&membership) {
                    let result = Err(Error::InvalidMembership(problem));
                    self.effects.push(Effect::Reconfigured { token, result });
                    return;
                }
                self.core
                    .step(now, Input::Reconfigure { token, membership });
            }
            Command::Relinquish => self.core.step(now, Input::Relinquish),
        }
    }

    /// The driver's wall clock, in milliseconds: stamped on the requests submitted here, it
    /// is the replicated time that expires client sessions (never going back). A node never
    /// told keeps 0, and its requests do not advance it.
    pub fn set_wall_clock(&mut self, ms: u64) {
        self.wall_ms = ms;
    }

    fn submit(&mut self, now: u64, token: u64, payload: Vec<u8>, client: Client) {
        let limit = self.core.options().max_request_bytes;
        if payload.len() > limit {
            let error = Error::TooLarge {
                size: payload.len(),
                limit,
            };
            self.effects.push(Effect::Reply {
                token,
                result: Err(error),
            });
            return;
        }
        let id = RequestId {
            origin: self.core.id(),
            incarnation: self.incarnation,
            seq: self.next_seq,
        };
        self.next_seq += 1;
        self.pending.insert(id, token);
        let envelope = Envelope {
            time_ms: self.wall_ms,
            client,
            body: &payload,
        };
        let payload = envelope.encode();
        self.core.step(now, Input::Submit(Request { id, payload }));
    }

    fn park_read(&mut self, token: u64, min_seq: Slot) {
        if self.core.executed() >= min_seq {
            self.effects.push(Effect::Read {
                token,
                seq: self.core.executed(),
            });
        } else {
            self.reads.entry(min_seq).or_default().push(token);
        }
    }

    /// Carries out everything the core asked for since the last flush: one write and at
    /// most one fsync for all its records, then the sends, executions and answers. On an
    /// error the replica must stop: its disk can no longer be trusted.
    pub fn flush(&mut self) -> io::Result<Vec<Effect>> {
        loop {
            let outputs = self.core.take_outputs();
            if outputs.is_empty() {
                break;
            }
            let mut bytes = Vec::new();
            let mut sync = false;
            for output in &outputs {
                if let Output::Persist(record) = output {
                    sync |= record.needs_sync();
                    frame::put_value(&mut bytes, record);
                }
            }
            if !bytes.is_empty() {
                self.disk.append_log(&bytes)?;
                if sync {
                    self.disk.sync_log()?;
                }
            }
            for output in outputs {
                self.carry_out(output);
            }
            self.release_reads();
            self.maybe_checkpoint()?;
        }
        Ok(std::mem::take(&mut self.effects))
    }

    fn carry_out(&mut self, output: Output) {
        match output {
            Output::Persist(_) => {}
            Output::Send { to, message } => self.effects.push(Effect::Send { to, message }),
            Output::Execute { slot, value } => match value {
                Value::Noop => {}
                Value::Batch(requests) => {
                    for request in requests {
                        let result = self.execute(slot, &request.payload);
                        if let Some(token) = self.pending.remove(&request.id) {
                            self.effects.push(Effect::Reply { token, result });
                        }
                    }
                }
                Value::Reconfigure(m) => self.sm.membership_changed(&m),
            },
            Output::Aborted {
                ids,
                uncertain,
                hint,
            } => {
                let hint = self.member(hint);
                for id in ids {
                    if let Some(token) = self.pending.remove(&id) {
                        let error = if uncertain {
                            Error::Uncertain { hint: hint.clone() }
                        } else {
                            Error::NotPrimary { hint: hint.clone() }
                        };
                        self.effects.push(Effect::Reply {
                            token,
                            result: Err(error),
                        });
                    }
                }
            }
            Output::ReconfigureDone { token, result } => {
                let result = result.map_err(|r| match r {
                    Refusal::NotPrimary { hint } => Error::NotPrimary {
                        hint: self.member(hint),
                    },
                    Refusal::Busy => Error::Busy,
                    Refusal::Lost => Error::Uncertain { hint: None },
                });
                self.effects.push(Effect::Reconfigured { token, result });
            }
            Output::ReadReady { token, index } => self.park_read(token, index),
            Output::ReadRefused { token, hint } => {
                let error = Error::NotPrimary {
                    hint: self.member(hint),
                };
                self.effects.push(Effect::ReadFailed { token, error });
            }
            Output::NeedCheckpoint { from } => self.request_checkpoint(from),
            Output::BecamePrimary => self.sm.primary_changed(true),
            Output::LostPrimary => self.sm.primary_changed(false),
            Output::PrimaryRecovered => self.sm.primary_recovered(),
        }
    }

    /// Executes one chosen request: its session decides whether the state machine runs it
    /// (once), or its earlier answer is returned, or it is refused.
    fn execute(&mut self, slot: Slot, payload: &[u8]) -> Result<Committed, Error> {
        let Some(envelope) = Envelope::decode(payload) else {
            // Never expected (every replica of this format submits envelopes); executes as
            // nothing, on every replica alike.
            return Ok(Committed {
                slot,
                response: Vec::new(),
            });
        };
        self.sessions.advance(envelope.time_ms);
        let response = match envelope.client {
            Client::Plain => self.sm.execute(envelope.body),
            Client::Register => self.sessions.register().to_le_bytes().to_vec(),
            Client::Request(s) => match self.sessions.check(s) {
                Verdict::Execute => {
                    let response = self.sm.execute(envelope.body);
                    self.sessions.record(s, slot, response.clone());
                    response
                }
                Verdict::Replay(slot, response) => return Ok(Committed { slot, response }),
                Verdict::Refuse(error) => return Err(error),
            },
        };
        Ok(Committed { slot, response })
    }

    fn release_reads(&mut self) {
        let executed = self.core.executed();
        while let Some(entry) = self.reads.first_entry() {
            if *entry.key() > executed {
                break;
            }
            for token in entry.remove() {
                self.effects.push(Effect::Read {
                    token,
                    seq: executed,
                });
            }
        }
    }

    /// Checkpoints on a schedule that keeps the primary serving (as RSL does). A secondary
    /// writes one every `checkpoint_interval` slots, at a phase set by its rank in the
    /// membership, so secondaries do not pause together and a majority keeps answering. The
    /// primary does not pause: it copies a secondary's (see `copy_for_primary`), and writes
    /// its own only when its log has grown to four intervals with no copy under way (a ring
    /// of one, or no secondary with a newer one). Each checkpoint cuts the log behind the one
    /// before.
    fn maybe_checkpoint(&mut self) -> io::Result<()> {
        let executed = self.core.executed();
        let last = self.checkpoints.last().copied().unwrap_or(0);
        let interval = self.options.checkpoint_interval.max(1);
        let members = self.core.membership();
        let n = members.ids().count() as u64;
        if self.core.is_primary() && n > 1 {
            // A copy under way is waited for: one arriving, or one not yet asked of every peer.
            let copying =
                self.copying.is_some() && (self.incoming.is_some() || self.copy_attempts < n);
            if executed < last + 4 * interval || copying {
                return Ok(());
            }
        } else {
            let rank = members
                .ids()
                .position(|id| id == self.core.id())
                .unwrap_or(0) as u64;
            let phase = rank * interval / n.max(1);
            if (executed + phase) / interval <= (last + phase) / interval {
                return Ok(());
            }
        }
        self.write_checkpoint()
    }

    /// On the primary, once its log spans two intervals past its newest checkpoint: asks a
    /// secondary for its newer checkpoint, which it keeps (not loads: it is the state the
    /// primary had at that slot) to cut its log. It asks a peer that answers it; one silent
    /// for an election timeout, or with nothing newer, gives way to the next.
    fn copy_for_primary(&mut self, now: u64) {
        let last = self.checkpoints.last().copied().unwrap_or(0);
        let interval = self.options.checkpoint_interval.max(1);
        if !self.core.is_primary() || self.core.executed() < last + 2 * interval {
            self.copying = None;
            return;
        }
        let patience = self.core.options().election_timeout.as_micros() as u64;
        if self
            .copying
            .is_some_and(|(_, since)| now < since.saturating_add(patience))
        {
            return;
        }
        let me = self.core.id();
        // Peers that answer the primary, in turn; any peer if none has lately.
        let mut peers = self.core.followers();
        if peers.is_empty() {
            peers = self
                .core
                .membership()
                .ids()
                .filter(|&id| id != me)
                .collect();
        }
        let Some(&first) = peers.first() else {
            return;
        };
        let after = self.copying.map(|(peer, _)| peer);
        let peer = after
            .and_then(|a| peers.iter().copied().find(|&p| p > a))
            .unwrap_or(first);
        self.copying = Some((peer, now));
        self.copy_attempts += 1;
        self.incoming = None;
        tracing::debug!(id = me, peer, "copying a secondary's checkpoint");
        self.effects.push(Effect::Send {
            to: peer,
            message: Message::CheckpointRequest { seq: 0, offset: 0 },
        });
    }

    /// Writes a checkpoint of the current state now.
    pub fn write_checkpoint(&mut self) -> io::Result<()> {
        let executed = self.core.executed();
        if self.checkpoints.last() == Some(&executed) {
            return Ok(());
        }
        let header = Header {
            cluster: self.cluster,
            seq: executed,
            membership: self.core.membership().clone(),
        };
        let (sm, sessions) = (&self.sm, &self.sessions);
        self.disk.write_checkpoint(executed, &mut |out| {
            checkpoint::write(out, &header, &mut |w| {
                sessions.save(w)?;
                sm.save(w)
            })
        })?;
        tracing::debug!(id = self.core.id(), seq = executed, "checkpoint written");
        self.counts.written += 1;
        self.copy_attempts = 0;
        self.checkpoints.push(executed);
        self.trim()
    }

    /// Keeps the two newest checkpoints and the log after the older of them.
    fn trim(&mut self) -> io::Result<()> {
        let n = self.checkpoints.len();
        if n < 2 {
            return Ok(());
        }
        let keep_from = self.checkpoints[n - 2];
        for seq in self.checkpoints.drain(..n - 2).collect::<Vec<_>>() {
            self.disk.remove_checkpoint(seq)?;
        }
        self.core.truncate(keep_from);
        self.rewrite_log()
    }

    /// Replaces the log with exactly what the core holds (atomically).
    fn rewrite_log(&mut self) -> io::Result<()> {
        let mut bytes = log_header(self.core.status().log_start);
        for record in self.core.durable() {
            frame::put_value(&mut bytes, &record);
        }
        self.disk.replace_log(&bytes)
    }

    /// Starts a transfer from `from`, or resumes a stalled one where it stopped (from this
    /// peer, which may hold the same checkpoint; if not, it sends its newest from the start).
    fn request_checkpoint(&mut self, from: NodeId) {
        let (seq, offset) = match &mut self.incoming {
            Some(inc) if inc.progressed => {
                inc.progressed = false;
                return;
            }
            Some(inc) => {
                inc.from = from;
                (inc.seq, inc.received)
            }
            None => (0, 0),
        };
        tracing::info!(
            id = self.core.id(),
            from,
            seq,
            offset,
            "asking a peer for its checkpoint"
        );
        self.effects.push(Effect::Send {
            to: from,
            message: Message::CheckpointRequest { seq, offset },
        });
    }

    /// One chunk of checkpoint `seq` from `offset`; of the newest instead when `seq` is 0 or
    /// gone (the receiver then starts over).
    fn serve_checkpoint(&mut self, to: NodeId, seq: Slot, offset: u64) {
        let Some(&newest) = self.checkpoints.last() else {
            return;
        };
        let (seq, offset) = if self.checkpoints.contains(&seq) {
            (seq, offset)
        } else {
            (newest, 0)
        };
        let (data, total) = match self.disk.read_checkpoint_chunk(
            seq,
            offset,
            self.options.transfer_chunk,
        ) {
            Ok(chunk) => chunk,
            Err(e) => {
                tracing::warn!(id = self.core.id(), seq, error = %e, "cannot read own checkpoint to send it");
                return;
            }
        };
        let message = Message::CheckpointChunk {
            seq,
            offset,
            total,
            data,
        };
        self.effects.push(Effect::Send { to, message });
    }

    fn receive_chunk(
        &mut self,
        now: u64,
        from: NodeId,
        seq: Slot,
        offset: u64,
        total: u64,
        data: Vec<u8>,
    ) {
        if seq <= self.core.executed() {
            // The state it holds is already here: worth keeping only if newer than ours.
            if self.checkpoints.last().is_some_and(|&last| seq <= last) {
                return;
            }
        } else if self.core.status().role != RoleName::Secondary {
            // Only a secondary replaces its state: a candidate or primary has already acted
            // on what it has executed.
            self.incoming = None;
            return;
        }
        // A first chunk starts a transfer, unless it is a duplicate of this one's.
        if offset == 0 && self.incoming.as_ref().is_none_or(|inc| inc.seq != seq) {
            self.incoming = Some(Incoming {
                from,
                seq,
                received: 0,
                progressed: false,
                verifier: checkpoint::Verifier::default(),
            });
        }
        let Some(inc) = &mut self.incoming else {
            return;
        };
        if inc.seq != seq || inc.received != offset || data.is_empty() && offset < total {
            return; // stale, duplicated or reordered: the next request says where it stands
        }
        if let Err(e) = inc.verifier.feed(&data) {
            tracing::warn!(id = self.core.id(), from, seq, error = %e, "refusing a peer's checkpoint");
            self.incoming = None;
            return;
        }
        if let Err(e) = self.disk.receive_checkpoint(offset, &data) {
            tracing::warn!(id = self.core.id(), from, seq, error = %e, "cannot write a peer's checkpoint");
            self.incoming = None;
            return;
        }
        inc.received += data.len() as u64;
        inc.progressed = true;
        inc.from = from;
        if self.copying.is_some() {
            self.copying = Some((from, now));
        }
        if inc.received < total {
            let message = Message::CheckpointRequest {
                seq,
                offset: inc.received,
            };
            self.effects.push(Effect::Send { to: from, message });
            return;
        }
        let Some(inc) = self.incoming.take() else {
            return;
        };
        if let Err(e) = self.install(seq, total, inc.verifier) {
            tracing::warn!(id = self.core.id(), from, seq, error = %e, "refusing a peer's checkpoint");
        }
    }

    /// Verifies the received checkpoint and keeps it; loads it if it is ahead of this
    /// replica's state.
    fn install(&mut self, seq: Slot, bytes: u64, verifier: checkpoint::Verifier) -> io::Result<()> {
        let header = verifier.finish()?;
        if header.cluster != self.cluster || header.seq != seq {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "checkpoint from another cluster or slot",
            ));
        }
        self.disk.keep_received(seq)?;
        if seq <= self.core.executed() {
            tracing::info!(
                id = self.core.id(),
                seq,
                bytes,
                "kept a peer's checkpoint of a state already held"
            );
            self.copying = None;
            self.copy_attempts = 0;
            self.counts.kept += 1;
            self.checkpoints.push(seq);
            return self.trim();
        }
        let mut reader = self.disk.read_checkpoint(seq)?;
        let (_, mut body) = checkpoint::open(&mut reader)?;
        // Into a fresh table, kept only if the whole checkpoint loads.
        let mut sessions = Sessions::new(self.options.sessions);
        self.sm.load(&mut sessions.load(&mut body)?)?;
        self.sessions = sessions;
        drop(body);
        drop(reader);
        tracing::info!(
            id = self.core.id(),
            seq,
            bytes,
            "installed a peer's checkpoint"
        );
        self.core.install(seq, header.membership);
        self.counts.installed += 1;
        self.checkpoints.push(seq);
        // The log may still hold accepts at or below `seq` that were never chosen: the
        // state came from the checkpoint, not from executing them. Rewritten now, before
        // anything records `seq` as executed, so that if this checkpoint is later found
        // damaged, recovery falls back to an older one and fetches the gap from peers
        // rather than executing those accepts as chosen.
        self.rewrite_log()?;
        self.trim()
    }
}

fn replay(durable: &mut Durable, record: Record) {
    match record {
        Record::Promise(b) => durable.promised = durable.promised.max(b),
        Record::Accept {
            slot,
            ballot,
            value,
        } => {
            durable.promised = durable.promised.max(ballot);
            // A slot known chosen keeps its value: a later accept cannot change a decision.
            if !durable.entries.get(&slot).is_some_and(|e| e.2) {
                durable.entries.insert(slot, (ballot, value, false));
            }
        }
        Record::Chosen { slot, value } => {
            let ballot = durable.entries.get(&slot).map(|e| e.0).unwrap_or_default();
            durable.entries.insert(slot, (ballot, value, true));
        }
        Record::Commit(slot) => durable.commit = durable.commit.max(slot),
    }
}

/// Why a proposed member set cannot be used, if it cannot.
pub fn invalid_membership(m: &Membership) -> Option<String> {
    if m.members.is_empty() {
        return Some("it has no members".into());
    }
    let mut ids: Vec<NodeId> = m.ids().collect();
    ids.sort();
    ids.dedup();
    if ids.len() != m.members.len() {
        return Some("a replica id appears twice".into());
    }
    None
}
