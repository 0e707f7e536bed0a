//! What the clients saw and what the replicas executed, and the check that the two agree:
//! the executed history, replayed on a fresh machine, gives every answer a client received,
//! and its order respects real time. That is linearizability, checked against the one order
//! the ring agreed on, for any machine.

use crate::machine::{Executed, Machine};
use keel_replication::types::Slot;
use std::collections::{BTreeMap, HashMap};

/// One client operation. Its index in the world's list is its id.
#[derive(Debug, Clone)]
pub struct Op {
    pub client: usize,
    pub key: u8,
    pub kind: OpKind,
    pub start: u64,
    pub end: Option<u64>,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpKind {
    /// A replicated write: the machine's request.
    Write(Vec<u8>),
    /// A linearizable read on the primary.
    Read,
    /// A fast read on any replica, bounded by the client's last seen slot.
    FastRead { min_seq: Slot },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Pending,
    Done(Seen),
    /// Definitely did not happen.
    Failed,
    /// May or may not have happened.
    Unknown,
}

/// What a completed operation saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// The machine's answer (a write's response, or what a read of the key returned).
    pub response: Vec<u8>,
    /// The slot that reflects it.
    pub slot: Slot,
    /// For a read: how many requests the replica had executed when it answered.
    pub position: Option<u64>,
}

/// The executed history: which operation ran at each position, and what it answered, as
/// every replica that executed it agrees.
#[derive(Debug, Default)]
pub struct Executions {
    at: BTreeMap<u64, (u64, Vec<u8>)>,
    position_of: HashMap<u64, u64>,
}

impl Executions {
    /// Adds what one replica executed. Refuses a request at a position another replica
    /// filled differently, and one request at two positions.
    pub fn record(&mut self, e: Executed) -> Result<(), String> {
        if let Some((id, response)) = self.at.get(&e.position) {
            if *id != e.id {
                return Err(format!(
                    "position {} executed operation {} here and {} elsewhere",
                    e.position, e.id, id
                ));
            }
            if *response != e.response {
                return Err(format!(
                    "position {} (operation {id}) answered differently on two replicas",
                    e.position
                ));
            }
            return Ok(());
        }
        if let Some(earlier) = self.position_of.insert(e.id, e.position) {
            return Err(format!(
                "operation {} executed twice, at positions {earlier} and {}",
                e.id, e.position
            ));
        }
        self.at.insert(e.position, (e.id, e.response));
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.at.len()
    }

    pub fn is_empty(&self) -> bool {
        self.at.is_empty()
    }
}

/// Checks the clients' history against the executed one; returns the first violation.
pub fn check<M: Machine>(ops: &[Op], executed: &Executions) -> Result<(), String> {
    replay::<M>(ops, executed)?;
    // Each write a client saw succeed ran, and the client got its own answer.
    let mut position = vec![None; ops.len()];
    for (id, op) in ops.iter().enumerate() {
        let (OpKind::Write(_), Outcome::Done(seen)) = (&op.kind, &op.outcome) else {
            continue;
        };
        let Some(&p) = executed.position_of.get(&(id as u64)) else {
            return Err(format!(
                "operation {id} was acknowledged but never executed"
            ));
        };
        if seen.response != executed.at[&p].1 {
            return Err(format!(
                "operation {id} was answered with a response not its own (it ran at position {p})"
            ));
        }
        position[id] = Some(p);
    }
    real_time_order(ops, &position)?;
    read_your_writes(ops, &position)
}

/// Replays every position in order on a fresh machine: no gaps, only submitted writes, none
/// the client was told failed, each answering what the sequential machine answers; and each
/// read saw exactly the state at its position.
fn replay<M: Machine>(ops: &[Op], executed: &Executions) -> Result<(), String> {
    let mut reads: Vec<(u64, usize)> = ops
        .iter()
        .enumerate()
        .filter_map(|(i, op)| match &op.outcome {
            Outcome::Done(Seen {
                position: Some(p), ..
            }) => Some((*p, i)),
            _ => None,
        })
        .collect();
    reads.sort_unstable();
    let mut reads = reads.into_iter().peekable();
    let mut model = M::fresh();
    let mut check_reads = |at: u64, model: &M| -> Result<(), String> {
        while let Some(&(p, i)) = reads.peek() {
            if p != at {
                break;
            }
            reads.next();
            let op = &ops[i];
            let Outcome::Done(seen) = &op.outcome else {
                unreachable!("only completed reads were collected")
            };
            if seen.response != model.read(op.key) {
                return Err(format!(
                    "operation {i} ({:?} of key {}) saw a state the history never had at position {p}",
                    op.kind, op.key
                ));
            }
        }
        Ok(())
    };
    check_reads(0, &model)?;
    for (expected, (&p, (id, response))) in (1..).zip(&executed.at) {
        if p != expected {
            return Err(format!(
                "no replica reported position {expected}, yet one reached {p}"
            ));
        }
        let op = ops
            .get(*id as usize)
            .ok_or_else(|| format!("position {p} executed operation {id}, never submitted"))?;
        let OpKind::Write(request) = &op.kind else {
            return Err(format!("position {p} executed operation {id}, a read"));
        };
        if op.outcome == Outcome::Failed {
            return Err(format!(
                "operation {id} was refused yet took effect at position {p}"
            ));
        }
        if model.execute(request) != *response {
            return Err(format!(
                "position {p} (operation {id}) answered what the sequential machine does not"
            ));
        }
        check_reads(p, &model)?;
    }
    match reads.next() {
        Some((p, i)) => Err(format!(
            "operation {i} read at position {p}, beyond the {} executed",
            executed.len()
        )),
        None => Ok(()),
    }
}

/// Where a completed operation sits in the history: the state it started from (`before`)
/// and the one it left (`after`). A read sits at one state.
struct Placed {
    op: usize,
    start: u64,
    end: u64,
    before: u64,
    after: u64,
}

/// If `a` finished before `b` began, `a` comes first: `a.after <= b.before`.
fn real_time_order(ops: &[Op], position: &[Option<u64>]) -> Result<(), String> {
    let mut placed: Vec<Placed> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        let (Outcome::Done(seen), Some(end)) = (&op.outcome, op.end) else {
            continue;
        };
        let (before, after) = match (&op.kind, seen.position) {
            (OpKind::Write(_), _) => {
                let p = position[i].expect("completed writes were placed");
                (p - 1, p)
            }
            (OpKind::Read, Some(p)) => (p, p),
            _ => continue,
        };
        placed.push(Placed {
            op: i,
            start: op.start,
            end,
            before,
            after,
        });
    }
    placed.sort_unstable_by_key(|p| p.end);
    // The latest state any operation finished by each end time left behind.
    let mut latest = Vec::with_capacity(placed.len());
    let mut max = 0;
    for p in &placed {
        max = max.max(p.after);
        latest.push(max);
    }
    for b in &placed {
        let finished = placed.partition_point(|a| a.end < b.start);
        if finished > 0 && latest[finished - 1] > b.before {
            let a = placed[..finished]
                .iter()
                .find(|a| a.after > b.before)
                .expect("the maximum came from one of them");
            return Err(format!(
                "real-time order violated: operation {} ({:?}, position {}) finished before operation {} ({:?}, position {}) began",
                a.op, ops[a.op].kind, a.after, b.op, ops[b.op].kind, b.before
            ));
        }
    }
    Ok(())
}

/// A client's fast read sees its own earlier acknowledged writes.
fn read_your_writes(ops: &[Op], position: &[Option<u64>]) -> Result<(), String> {
    for (i, op) in ops.iter().enumerate() {
        let (OpKind::FastRead { .. }, Outcome::Done(seen)) = (&op.kind, &op.outcome) else {
            continue;
        };
        let at = seen.position.expect("reads record their position");
        let own = ops
            .iter()
            .enumerate()
            .filter(|(_, w)| w.client == op.client && w.end.is_some_and(|e| e < op.start));
        for (w, _) in own {
            if let Some(p) = position[w]
                && p > at
            {
                return Err(format!(
                    "client {}'s fast read (operation {i}, position {at}) missed its own write (operation {w}, position {p})",
                    op.client
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! The checker on hand-made histories: each violation a broken ring could produce is
    //! reported, and a correct history is accepted.

    use super::*;
    use crate::machines::Log;
    use keel_replication::StateMachine;

    /// Builds a history of the list-append machine on key 0.
    #[derive(Default)]
    struct Hist {
        ops: Vec<Op>,
        executed: Executions,
        model: Log,
    }

    impl Hist {
        fn op(&mut self, client: usize, kind: OpKind, span: (u64, u64), outcome: Outcome) -> usize {
            self.ops.push(Op {
                client,
                key: 0,
                kind,
                start: span.0,
                end: Some(span.1),
                outcome,
            });
            self.ops.len() - 1
        }

        /// A write of `value` that ran at the next position and was acknowledged.
        fn write(&mut self, client: usize, value: u64, span: (u64, u64)) -> usize {
            let request = <Log as Machine>::write(&mut fastrand::Rng::with_seed(0), 0, value);
            let response = self.model.execute(&request);
            let id = self.ops.len() as u64;
            let position = self.executed.len() as u64 + 1;
            self.executed
                .record(Executed {
                    position,
                    id,
                    response: response.clone(),
                })
                .unwrap();
            self.op(
                client,
                OpKind::Write(request),
                span,
                Outcome::Done(Seen {
                    response,
                    slot: position,
                    position: None,
                }),
            )
        }

        /// A read that saw the state after `position` writes.
        fn read(&mut self, client: usize, kind: OpKind, position: u64, span: (u64, u64)) -> usize {
            let values = (1..=position).flat_map(|v| v.to_le_bytes()).collect();
            let seen = Seen {
                response: values,
                slot: position,
                position: Some(position),
            };
            self.op(client, kind, span, Outcome::Done(seen))
        }

        fn check(&self) -> Result<(), String> {
            check::<Log>(&self.ops, &self.executed)
        }
    }

    fn two_writes() -> Hist {
        let mut h = Hist::default();
        h.write(0, 1, (0, 10));
        h.write(1, 2, (20, 30));
        h
    }

    #[test]
    fn a_correct_history_passes() {
        let mut h = two_writes();
        h.read(2, OpKind::Read, 2, (40, 50));
        h.read(0, OpKind::FastRead { min_seq: 0 }, 1, (40, 50));
        assert_eq!(h.check(), Ok(()));
    }

    #[test]
    fn a_stale_linearizable_read_is_caught() {
        let mut h = two_writes();
        h.read(2, OpKind::Read, 1, (40, 50));
        let e = h.check().unwrap_err();
        assert!(e.contains("real-time order violated"), "{e}");
    }

    #[test]
    fn a_read_of_a_state_that_never_was_is_caught() {
        let mut h = two_writes();
        let r = h.read(2, OpKind::Read, 2, (40, 50));
        let Outcome::Done(seen) = &mut h.ops[r].outcome else {
            unreachable!()
        };
        seen.response = 2u64.to_le_bytes().to_vec();
        let e = h.check().unwrap_err();
        assert!(e.contains("saw a state the history never had"), "{e}");
    }

    #[test]
    fn a_fast_read_missing_its_own_write_is_caught() {
        let mut h = two_writes();
        h.read(1, OpKind::FastRead { min_seq: 0 }, 1, (40, 50));
        let e = h.check().unwrap_err();
        assert!(e.contains("missed its own write"), "{e}");
    }

    #[test]
    fn writes_ordered_against_real_time_are_caught() {
        let mut h = Hist::default();
        h.write(0, 1, (20, 30));
        h.write(1, 2, (0, 10));
        let e = h.check().unwrap_err();
        assert!(e.contains("real-time order violated"), "{e}");
    }

    #[test]
    fn an_acknowledged_write_that_never_ran_is_caught() {
        let mut h = two_writes();
        let request = <Log as Machine>::write(&mut fastrand::Rng::with_seed(0), 0, 3);
        let seen = Seen {
            response: vec![],
            slot: 9,
            position: None,
        };
        h.op(2, OpKind::Write(request), (40, 50), Outcome::Done(seen));
        let e = h.check().unwrap_err();
        assert!(e.contains("acknowledged but never executed"), "{e}");
    }

    #[test]
    fn a_refused_write_that_ran_is_caught() {
        let mut h = two_writes();
        h.ops[1].outcome = Outcome::Failed;
        let e = h.check().unwrap_err();
        assert!(e.contains("refused yet took effect"), "{e}");
    }

    #[test]
    fn a_response_not_the_writes_own_is_caught() {
        let mut h = two_writes();
        let Outcome::Done(seen) = &mut h.ops[1].outcome else {
            unreachable!()
        };
        seen.response = 1u64.to_le_bytes().to_vec();
        let e = h.check().unwrap_err();
        assert!(e.contains("a response not its own"), "{e}");
    }

    #[test]
    fn a_response_the_sequential_machine_would_not_give_is_caught() {
        let mut h = Hist::default();
        h.write(0, 1, (0, 10));
        let request = <Log as Machine>::write(&mut fastrand::Rng::with_seed(0), 0, 2);
        let wrong = 2u64.to_le_bytes().to_vec();
        h.executed
            .record(Executed {
                position: 2,
                id: 1,
                response: wrong.clone(),
            })
            .unwrap();
        let seen = Seen {
            response: wrong,
            slot: 2,
            position: None,
        };
        h.op(1, OpKind::Write(request), (20, 30), Outcome::Done(seen));
        let e = h.check().unwrap_err();
        assert!(
            e.contains("answered what the sequential machine does not"),
            "{e}"
        );
    }

    #[test]
    fn replicas_that_disagree_or_run_a_request_twice_are_refused() {
        let mut e = Executions::default();
        let at = |position, id, response: &[u8]| Executed {
            position,
            id,
            response: response.to_vec(),
        };
        e.record(at(1, 7, b"a")).unwrap();
        e.record(at(1, 7, b"a")).unwrap();
        assert!(
            e.record(at(1, 8, b"a"))
                .unwrap_err()
                .contains("executed operation 8 here and 7")
        );
        assert!(
            e.record(at(1, 7, b"b"))
                .unwrap_err()
                .contains("answered differently")
        );
        assert!(
            e.record(at(2, 7, b"a"))
                .unwrap_err()
                .contains("executed twice")
        );
    }

    #[test]
    fn a_gap_in_the_history_is_caught() {
        let mut h = two_writes();
        h.executed.at.remove(&1);
        let e = h.check().unwrap_err();
        assert!(e.contains("no replica reported position 1"), "{e}");
    }
}
