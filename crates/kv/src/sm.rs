//! The replicated state machine: a sorted map of byte strings.

use keel_replication::StateMachine;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{self, Read};

/// A replicated write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    Put {
        #[serde(with = "keel_replication::types::bytes")]
        key: Vec<u8>,
        #[serde(with = "keel_replication::types::bytes")]
        value: Vec<u8>,
    },
    Delete {
        key: Vec<u8>,
    },
}

#[derive(Debug, Default)]
pub struct Kv {
    pub map: BTreeMap<Vec<u8>, Vec<u8>>,
}

impl StateMachine for Kv {
    fn execute(&mut self, request: &[u8]) -> Vec<u8> {
        // Requests were encoded by this crate's server; one that does not decode (never
        // expected) executes as nothing on every replica alike.
        match postcard::from_bytes::<Command>(request) {
            Ok(Command::Put { key, value }) => {
                self.map.insert(key, value);
            }
            Ok(Command::Delete { key }) => {
                self.map.remove(&key);
            }
            Err(_) => {}
        }
        Vec::new()
    }

    /// `[count u64]` then `[key len u32][key][value len u32][value]` per entry.
    fn save(&self, out: &mut dyn io::Write) -> io::Result<()> {
        out.write_all(&(self.map.len() as u64).to_le_bytes())?;
        for (k, v) in &self.map {
            out.write_all(&(k.len() as u32).to_le_bytes())?;
            out.write_all(k)?;
            out.write_all(&(v.len() as u32).to_le_bytes())?;
            out.write_all(v)?;
        }
        Ok(())
    }

    fn load(&mut self, input: &mut dyn Read) -> io::Result<()> {
        let mut map = BTreeMap::new();
        let mut n = [0u8; 8];
        input.read_exact(&mut n)?;
        for _ in 0..u64::from_le_bytes(n) {
            let k = read_bytes(input)?;
            let v = read_bytes(input)?;
            map.insert(k, v);
        }
        self.map = map;
        Ok(())
    }
}

fn read_bytes(input: &mut dyn Read) -> io::Result<Vec<u8>> {
    let mut len = [0u8; 4];
    input.read_exact(&mut len)?;
    let mut bytes = vec![0u8; u32::from_le_bytes(len) as usize];
    input.read_exact(&mut bytes)?;
    Ok(bytes)
}
