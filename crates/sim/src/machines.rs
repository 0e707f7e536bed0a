//! The machines `--machine` names: `log`, a list-append store written for the simulator
//! (every answer reveals the order of all writes before it); `kv`, keel-kv's map; and
//! `tree`, keel-ringmaster's tree. The last two are the production state machines, unchanged.

use crate::machine::Machine;
use keel_kv::sm::{Command, Kv};
use keel_replication::StateMachine;
use keel_ringmaster::proto::{CreateMode, Op};
use keel_ringmaster::store::TreeSm;
use keel_ringmaster::tree::{Limits, Tree, Txn};
use std::collections::BTreeMap;
use std::io::{self, Read, Write};

/// Lists by key; `append(key, value)` answers the key's whole list. Values are unique, so
/// each answer shows the order of everything appended before it (the idea behind Jepsen's
/// Elle).
#[derive(Debug, Default)]
pub struct Log {
    lists: BTreeMap<u8, Vec<u64>>,
}

fn encode_list(list: &[u64]) -> Vec<u8> {
    list.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn read_u64(input: &mut dyn Read) -> io::Result<u64> {
    let mut b = [0u8; 8];
    input.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

impl StateMachine for Log {
    fn execute(&mut self, request: &[u8]) -> Vec<u8> {
        let Some((&key, value)) = request.split_first() else {
            return Vec::new();
        };
        let Ok(value) = <[u8; 8]>::try_from(value) else {
            return Vec::new();
        };
        let list = self.lists.entry(key).or_default();
        list.push(u64::from_le_bytes(value));
        encode_list(list)
    }

    /// `[keys u64]`, then per key `[key u8][len u64][values u64...]`.
    fn save(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(&(self.lists.len() as u64).to_le_bytes())?;
        for (k, list) in &self.lists {
            out.write_all(&[*k])?;
            out.write_all(&(list.len() as u64).to_le_bytes())?;
            out.write_all(&encode_list(list))?;
        }
        Ok(())
    }

    fn load(&mut self, input: &mut dyn Read) -> io::Result<()> {
        let mut lists = BTreeMap::new();
        for _ in 0..read_u64(input)? {
            let mut key = [0u8; 1];
            input.read_exact(&mut key)?;
            let len = read_u64(input)?;
            let list = (0..len)
                .map(|_| read_u64(input))
                .collect::<io::Result<_>>()?;
            lists.insert(key[0], list);
        }
        self.lists = lists;
        Ok(())
    }
}

impl Machine for Log {
    const NAME: &'static str = "log";

    fn fresh() -> Log {
        Log::default()
    }

    fn write(_: &mut fastrand::Rng, key: u8, value: u64) -> Vec<u8> {
        let mut r = vec![key];
        r.extend_from_slice(&value.to_le_bytes());
        r
    }

    fn read(&self, key: u8) -> Vec<u8> {
        encode_list(self.lists.get(&key).map_or(&[], |l| l.as_slice()))
    }
}

fn kv_key(key: u8) -> Vec<u8> {
    format!("k{key}").into_bytes()
}

impl Machine for Kv {
    const NAME: &'static str = "kv";

    fn fresh() -> Kv {
        Kv::default()
    }

    fn write(rng: &mut fastrand::Rng, key: u8, value: u64) -> Vec<u8> {
        let key = kv_key(key);
        let command = if rng.u8(0..4) == 0 {
            Command::Delete { key }
        } else {
            Command::Put {
                key,
                value: value.to_le_bytes().to_vec(),
            }
        };
        postcard::to_stdvec(&command).expect("a command encodes")
    }

    fn read(&self, key: u8) -> Vec<u8> {
        postcard::to_stdvec(&self.map.get(&kv_key(key))).expect("a value encodes")
    }
}

fn tree_path(key: u8) -> String {
    format!("/k{key}")
}

impl Machine for TreeSm {
    const NAME: &'static str = "tree";

    fn fresh() -> TreeSm {
        TreeSm::new(Tree::with_limits(Limits::default()))
    }

    /// Creates (plain and sequential children), sets, deletes and two-node transactions:
    /// enough contention that many fail, and a failed one must fail alike everywhere.
    fn write(rng: &mut fastrand::Rng, key: u8, value: u64) -> Vec<u8> {
        let path = tree_path(key);
        let data = value.to_le_bytes().to_vec();
        let op = match rng.u8(0..6) {
            0 => Op::Create {
                path,
                data,
                mode: CreateMode::Persistent,
                make_parents: false,
                ok_if_exists: false,
            },
            1 => Op::Create {
                path: format!("{path}/c-"),
                data,
                mode: CreateMode::PersistentSequential,
                make_parents: true,
                ok_if_exists: false,
            },
            2 => Op::Delete {
                path,
                version: None,
                cascade: rng.bool(),
            },
            3 => Op::Multi(vec![
                Op::SetData {
                    path,
                    data: data.clone(),
                    version: None,
                },
                Op::SetData {
                    path: tree_path((key + 1) % crate::machine::KEYS),
                    data,
                    version: None,
                },
            ]),
            _ => Op::SetData {
                path,
                data,
                version: None,
            },
        };
        let txn = Txn {
            session: 0,
            time_ms: value,
            op,
        };
        postcard::to_stdvec(&txn).expect("a transaction encodes")
    }

    fn read(&self, key: u8) -> Vec<u8> {
        let path = tree_path(key);
        let data = self.tree.read(&Op::GetData {
            path: path.clone(),
            watch: None,
        });
        let children = self.tree.read(&Op::GetChildren {
            path,
            watch: None,
            after: None,
            limit: 0,
        });
        postcard::to_stdvec(&(data, children)).expect("a reply encodes")
    }
}
