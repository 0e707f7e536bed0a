//! The simulated disk: appends are lost on a crash unless synced, and a crash may keep a
//! torn prefix of them. Checkpoint writes are atomic and durable (as FsDisk's rename makes
//! them); bit rot can still damage one afterwards, and the synced log too.

use keel_replication::frame;
use keel_replication::storage::Disk;
use keel_replication::types::Slot;
use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex};

#[derive(Debug, Default)]
struct DiskState {
    synced: Vec<u8>,
    unsynced: Vec<u8>,
    checkpoints: BTreeMap<Slot, Vec<u8>>,
    /// A checkpoint arriving from a peer: unsynced until kept.
    received: Option<Vec<u8>>,
    /// The next append (a full disk) or sync (a failed fsync) fails.
    fail: Option<Failing>,
}

/// Which write fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failing {
    Append,
    Sync,
}

/// One replica's disk, shared between the world (which crashes and damages it) and the node.
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
        s.fail = None;
    }

    /// The next append or sync of the log fails, as a full disk or a failed fsync would.
    pub fn fail_next(&self, which: Failing) {
        self.0.lock().unwrap().fail = Some(which);
    }

    fn failing(&self, which: Failing) -> io::Result<()> {
        let mut s = self.0.lock().unwrap();
        if s.fail == Some(which) {
            s.fail = None;
            return Err(io::Error::other(format!("injected: {which:?} failed")));
        }
        Ok(())
    }

    pub fn unsynced(&self) -> usize {
        self.0.lock().unwrap().unsynced.len()
    }

    /// Damage to synced log records at rest: a flipped byte in one record's payload (bit
    /// rot), or a record whose page reads back as zeros (a lost write) with later records
    /// after it. Both are detectable, so the replica must refuse to start on this log. A
    /// disk that loses the synced end of a log leaves nothing to detect; that is outside the
    /// model, as it is for every consensus system that trusts fsync.
    /// Returns whether there was a record to damage.
    pub fn damage_synced_log(&self, rng: &mut fastrand::Rng) -> bool {
        let mut s = self.0.lock().unwrap();
        // Record spans after the first (the log header is a record of its own).
        let mut spans = Vec::new();
        let mut at = 0;
        while let Ok((payload, _)) = frame::take(&s.synced[at..], usize::MAX) {
            let len = frame::HEADER + payload.len();
            spans.push((at, len));
            at += len;
        }
        let lost_write = rng.bool();
        // A lost write must have a record after it, or it reads as a torn tail.
        let candidates = if lost_write {
            spans.len().saturating_sub(1)
        } else {
            spans.len()
        };
        if candidates < 2 {
            return false;
        }
        let (start, len) = spans[rng.usize(1..candidates)];
        if lost_write {
            s.synced[start..start + len].fill(0);
        } else if len > frame::HEADER {
            let at = rng.usize(start + frame::HEADER..start + len);
            s.synced[at] ^= 1 << rng.u8(0..8);
        } else {
            return false;
        }
        true
    }

    /// Bit rot: flips a byte in the middle of the newest checkpoint, if there is one.
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
        self.failing(Failing::Append)?;
        self.0.lock().unwrap().unsynced.extend_from_slice(bytes);
        Ok(())
    }
    fn sync_log(&mut self) -> io::Result<()> {
        self.failing(Failing::Sync)?;
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
