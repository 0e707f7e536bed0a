//! What the replication tests on real files share: a state machine that remembers every
//! request, a scratch directory removed on drop, and the replica directory opened (made on
//! first use, as `serve --init` would).

#![allow(dead_code)] // each test binary uses a different part

use keel_replication::node::StateMachine;
use keel_replication::storage::{DirError, FsDisk};
use keel_replication::types::NodeId;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// Remembers every request, in order.
#[derive(Debug, Default)]
pub struct Journal(pub Vec<Vec<u8>>);

impl StateMachine for Journal {
    fn execute(&mut self, request: &[u8]) -> Vec<u8> {
        self.0.push(request.to_vec());
        (self.0.len() as u64).to_le_bytes().to_vec()
    }
    fn save(&self, out: &mut dyn Write) -> io::Result<()> {
        for r in &self.0 {
            out.write_all(&(r.len() as u32).to_le_bytes())?;
            out.write_all(r)?;
        }
        Ok(())
    }
    fn load(&mut self, input: &mut dyn Read) -> io::Result<()> {
        let mut all = Vec::new();
        input.read_to_end(&mut all)?;
        self.0.clear();
        let mut at = 0;
        while at < all.len() {
            let len = u32::from_le_bytes(all[at..at + 4].try_into().unwrap()) as usize;
            self.0.push(all[at + 4..at + 4 + len].to_vec());
            at += 4 + len;
        }
        Ok(())
    }
}

pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "keel-replication-test-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub const CLUSTER: u64 = 42;

/// The replica's directory, initialized on first use (as `serve --init` would).
pub fn disk(dir: &Path, id: NodeId) -> FsDisk {
    match FsDisk::open(dir, CLUSTER, id) {
        Ok(disk) => disk,
        Err(DirError::NotInitialized { .. }) => FsDisk::init(dir, CLUSTER, id).unwrap(),
        Err(e) => panic!("{e}"),
    }
}
