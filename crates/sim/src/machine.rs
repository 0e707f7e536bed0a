//! What the simulator replicates: a [`Machine`] (a production state machine, plus how the
//! simulated clients write to it and read from it) inside a [`Recorder`], which tells the
//! world what each replica executed, position by position.

use keel_replication::{Membership, StateMachine};
use std::cell::{Cell, RefCell};
use std::io::{self, Read, Write};

/// How many keys the clients touch: few, so operations contend.
pub const KEYS: u8 = 3;

/// A state machine the simulator can drive and check.
pub trait Machine: StateMachine + Sized {
    /// The name `--machine` takes.
    const NAME: &'static str;
    /// The state before any request.
    fn fresh() -> Self;
    /// A write to `key` (below [`KEYS`]) that carries `value`, unique in the run.
    fn write(rng: &mut fastrand::Rng, key: u8, value: u64) -> Vec<u8>;
    /// What a read of `key` sees, as bytes to compare with the sequential model's.
    fn read(&self, key: u8) -> Vec<u8>;
}

/// One request as a replica executed it: its place in the history, which operation it was,
/// and what the machine answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Executed {
    pub position: u64,
    pub id: u64,
    pub response: Vec<u8>,
}

/// The simulator's request: the operation's id, then the machine's own request bytes. The id
/// makes every request distinct (a second `delete k` is not the first), so the world can tell
/// a request executed twice from two requests alike.
pub fn envelope(id: u64, request: &[u8]) -> Vec<u8> {
    let mut bytes = id.to_le_bytes().to_vec();
    bytes.extend_from_slice(request);
    bytes
}

/// A machine plus what the world checks replicas by: how many requests it has executed, a
/// running hash of (id, response) over all of them (kept in checkpoints, so a replica that
/// installs one is compared too), and what it executed since the world last looked (behind a
/// `RefCell`, as the node lends its state machine out only by shared reference).
#[derive(Debug)]
pub struct Recorder<M> {
    pub machine: M,
    pub count: u64,
    pub chain: u64,
    executed: RefCell<Vec<Executed>>,
    /// The application's veto on leading (`can_become_primary`), set by the world.
    pub veto: Cell<bool>,
}

impl<M: Machine> Recorder<M> {
    pub fn new() -> Recorder<M> {
        Recorder {
            machine: M::fresh(),
            count: 0,
            chain: 0,
            executed: RefCell::default(),
            veto: Cell::new(false),
        }
    }

    /// What was executed since the last call.
    pub fn take_executed(&self) -> Vec<Executed> {
        self.executed.take()
    }
}

impl<M: Machine> Default for Recorder<M> {
    fn default() -> Self {
        Recorder::new()
    }
}

/// FNV-1a, continued from `hash`.
fn fnv(mut hash: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        hash = (hash ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
    }
    hash
}

impl<M: Machine> StateMachine for Recorder<M> {
    fn execute(&mut self, request: &[u8]) -> Vec<u8> {
        let (id, inner) = request
            .split_first_chunk::<8>()
            .expect("the simulator submits only enveloped requests");
        let id = u64::from_le_bytes(*id);
        let response = self.machine.execute(inner);
        self.count += 1;
        self.chain = fnv(
            fnv(self.chain ^ 0xcbf2_9ce4_8422_2325, &id.to_le_bytes()),
            &response,
        );
        self.executed.get_mut().push(Executed {
            position: self.count,
            id,
            response: response.clone(),
        });
        response
    }

    fn save(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(&self.count.to_le_bytes())?;
        out.write_all(&self.chain.to_le_bytes())?;
        self.machine.save(out)
    }

    fn load(&mut self, input: &mut dyn Read) -> io::Result<()> {
        let mut head = [0u8; 16];
        input.read_exact(&mut head)?;
        let (count, chain) = head.split_at(8);
        self.count = u64::from_le_bytes(count.try_into().expect("8 bytes"));
        self.chain = u64::from_le_bytes(chain.try_into().expect("8 bytes"));
        self.executed.get_mut().clear();
        self.machine.load(input)
    }

    fn primary_changed(&mut self, is_primary: bool) {
        self.machine.primary_changed(is_primary);
    }

    fn primary_recovered(&mut self) {
        self.machine.primary_recovered();
    }

    fn can_become_primary(&self) -> bool {
        !self.veto.get() && self.machine.can_become_primary()
    }

    fn membership_changed(&mut self, membership: &Membership) {
        self.machine.membership_changed(membership);
    }
}
