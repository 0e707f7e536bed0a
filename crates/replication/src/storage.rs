//! Where a replica keeps its log and checkpoints. [`Disk`] is what the node needs; [`FsDisk`]
//! is the real thing (files, fsync, atomic renames); the simulator has its own, which can
//! lose unsynced writes and tear them.

use crate::types::Slot;
use keel_durable::sync_dir;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// A replica's durable storage: one append-only log and a set of checkpoint files.
pub trait Disk: Send + 'static {
    /// The whole log as written (a torn tail included).
    fn read_log(&mut self) -> io::Result<Vec<u8>>;
    fn append_log(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// Makes everything appended so far durable.
    fn sync_log(&mut self) -> io::Result<()>;
    /// Cuts the log to `len` bytes (dropping a torn tail), durably.
    fn truncate_log(&mut self, len: u64) -> io::Result<()>;
    /// Replaces the whole log with `bytes`, atomically and durably.
    fn replace_log(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// The checkpoints present, by sequence number, oldest first.
    fn checkpoints(&mut self) -> io::Result<Vec<Slot>>;
    /// Writes checkpoint `seq` atomically and durably: complete or absent.
    fn write_checkpoint(
        &mut self,
        seq: Slot,
        write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()>;
    fn read_checkpoint(&mut self, seq: Slot) -> io::Result<Box<dyn Read + '_>>;
    /// Up to `max` bytes of checkpoint `seq` from `offset`, and the checkpoint's size: what
    /// a peer is sent, one chunk at a time.
    fn read_checkpoint_chunk(
        &mut self,
        seq: Slot,
        offset: u64,
        max: usize,
    ) -> io::Result<(Vec<u8>, u64)>;
    fn remove_checkpoint(&mut self, seq: Slot) -> io::Result<()>;
    /// Writes `bytes` at `offset` of the checkpoint being received from a peer, which must
    /// be its length so far (offset 0 starts afresh). Not a checkpoint until
    /// [`keep_received`](Self::keep_received).
    fn receive_checkpoint(&mut self, offset: u64, bytes: &[u8]) -> io::Result<()>;
    /// Makes the received checkpoint checkpoint `seq`, atomically and durably.
    fn keep_received(&mut self, seq: Slot) -> io::Result<()>;
}

/// A replica's directory: `log`, `checkpoint-<seq>`, and `*.tmp` while writing (a
/// checkpoint arriving from a peer is `received.tmp`).
#[derive(Debug)]
pub struct FsDisk {
    dir: PathBuf,
    log: File,
    received: Option<File>,
    /// Bytes received since the last sync: synced every [`SYNC_EVERY`] so that keeping the
    /// file does not stall on flushing all of it at once.
    received_unsynced: u64,
}

const SYNC_EVERY: u64 = 16 << 20;

const LOG: &str = "log";
const PREFIX: &str = "checkpoint-";
const RECEIVED: &str = "received.tmp";

impl FsDisk {
    /// Opens (creating) the directory and removes what an interrupted write left behind.
    pub fn open(dir: &Path) -> io::Result<FsDisk> {
        fs::create_dir_all(dir).map_err(|e| annotate(e, dir, "creating the data directory"))?;
        for entry in fs::read_dir(dir)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "tmp") {
                fs::remove_file(&path)?;
            }
        }
        let path = dir.join(LOG);
        let log = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&path)
            .map_err(|e| annotate(e, &path, "opening the log"))?;
        sync_dir(dir)?;
        Ok(FsDisk {
            dir: dir.to_path_buf(),
            log,
            received: None,
            received_unsynced: 0,
        })
    }

    fn checkpoint_path(&self, seq: Slot) -> PathBuf {
        self.dir.join(format!("{PREFIX}{seq:020}"))
    }

    fn write_atomic(
        &self,
        path: &Path,
        write: &mut dyn FnMut(&mut File) -> io::Result<()>,
    ) -> io::Result<()> {
        keel_durable::replace_with(path, &path.with_extension("tmp"), |f| write(f))
    }
}

fn annotate(e: io::Error, path: &Path, what: &str) -> io::Error {
    io::Error::new(e.kind(), format!("{what} {}: {e}", path.display()))
}

impl Disk for FsDisk {
    fn read_log(&mut self) -> io::Result<Vec<u8>> {
        fs::read(self.dir.join(LOG))
    }

    fn append_log(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.log.write_all(bytes)
    }

    fn sync_log(&mut self) -> io::Result<()> {
        // Appends change the file's size, so fdatasync still persists the metadata needed.
        self.log.sync_data()
    }

    fn truncate_log(&mut self, len: u64) -> io::Result<()> {
        self.log.set_len(len)?;
        self.log.sync_all()
    }

    fn replace_log(&mut self, bytes: &[u8]) -> io::Result<()> {
        let path = self.dir.join(LOG);
        self.write_atomic(&path, &mut |f| f.write_all(bytes))?;
        self.log = OpenOptions::new().read(true).append(true).open(&path)?;
        Ok(())
    }

    fn checkpoints(&mut self) -> io::Result<Vec<Slot>> {
        let mut seqs = Vec::new();
        for entry in fs::read_dir(&self.dir)? {
            let name = entry?.file_name();
            let name = name.to_string_lossy();
            if let Some(seq) = name.strip_prefix(PREFIX).and_then(|s| s.parse().ok()) {
                seqs.push(seq);
            }
        }
        seqs.sort();
        Ok(seqs)
    }

    fn write_checkpoint(
        &mut self,
        seq: Slot,
        write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let path = self.checkpoint_path(seq);
        self.write_atomic(&path, &mut |f| write(f))
    }

    fn read_checkpoint(&mut self, seq: Slot) -> io::Result<Box<dyn Read + '_>> {
        Ok(Box::new(File::open(self.checkpoint_path(seq))?))
    }

    fn read_checkpoint_chunk(
        &mut self,
        seq: Slot,
        offset: u64,
        max: usize,
    ) -> io::Result<(Vec<u8>, u64)> {
        let mut file = File::open(self.checkpoint_path(seq))?;
        let total = file.metadata()?.len();
        file.seek(SeekFrom::Start(offset))?;
        let mut chunk = Vec::with_capacity(max.min(total.saturating_sub(offset) as usize));
        file.take(max as u64).read_to_end(&mut chunk)?;
        Ok((chunk, total))
    }

    fn remove_checkpoint(&mut self, seq: Slot) -> io::Result<()> {
        fs::remove_file(self.checkpoint_path(seq))?;
        sync_dir(&self.dir)
    }

    fn receive_checkpoint(&mut self, offset: u64, bytes: &[u8]) -> io::Result<()> {
        let path = self.dir.join(RECEIVED);
        if offset == 0 {
            self.received = Some(File::create(&path)?);
            self.received_unsynced = 0;
        }
        let file = self.received.as_mut().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "no checkpoint is being received",
            )
        })?;
        let len = file.metadata()?.len();
        if len != offset {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("received checkpoint has {len} bytes, not {offset}"),
            ));
        }
        file.write_all(bytes)?;
        self.received_unsynced += bytes.len() as u64;
        if self.received_unsynced >= SYNC_EVERY {
            file.sync_data()?;
            self.received_unsynced = 0;
        }
        Ok(())
    }

    fn keep_received(&mut self, seq: Slot) -> io::Result<()> {
        let file = self.received.take().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "no checkpoint is being received",
            )
        })?;
        file.sync_all()?;
        drop(file);
        fs::rename(self.dir.join(RECEIVED), self.checkpoint_path(seq))?;
        sync_dir(&self.dir)
    }
}
