//! Where a replica keeps its log and checkpoints. [`Disk`] is what the node needs; [`FsDisk`]
//! is the real thing (files, fsync, atomic renames); the simulator has its own, which can
//! lose unsynced writes and tear them.

use crate::types::{NodeId, Slot};
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

/// Whose data a directory holds: written once, when the replica is created
/// ([`FsDisk::init`]), as `replica.id`, and checked at every open. A directory without it is
/// refused: a replica whose disk failed to mount, or was wiped, would otherwise come back as
/// a brand-new voter that has forgotten its promises and accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiskId {
    pub cluster: u64,
    pub id: NodeId,
    /// Random, drawn at initialization: tells this directory's life from a later one's.
    pub incarnation: u64,
}

/// Why a replica's directory cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DirError {
    #[error(
        "{} holds no replica.id: it was never initialized, or the disk that held it is missing \
         (not mounted, or wiped). A replica that has forgotten its promises must not vote again. \
         If this is a new replica, start it once with --init; if it held data, restore that disk, \
         or replace this replica with a new member",
        .dir.display()
    )]
    NotInitialized { dir: PathBuf },
    #[error(
        "{} is already initialized (replica {} of ring {}): --init is for a new, empty directory \
         only; start the replica without it",
        .dir.display(), .found.id, .found.cluster
    )]
    AlreadyInitialized { dir: PathBuf, found: DiskId },
    #[error(
        "{} belongs to replica {} of ring {}, not replica {} of ring {}: point each replica at its \
         own directory",
        .dir.display(), .found.id, .found.cluster, .id, .cluster
    )]
    WrongReplica {
        dir: PathBuf,
        found: DiskId,
        cluster: u64,
        id: NodeId,
    },
    #[error("{} is malformed ({reason}); it was not written by keel-replication", .path.display())]
    Malformed { path: PathBuf, reason: String },
    #[error(transparent)]
    Io(#[from] io::Error),
}

const ID_FILE: &str = "replica.id";

impl DiskId {
    fn encode(&self) -> String {
        format!(
            "cluster {}\nid {}\nincarnation {}\n",
            self.cluster, self.id, self.incarnation
        )
    }

    fn read(dir: &Path) -> Result<Option<DiskId>, DirError> {
        let path = dir.join(ID_FILE);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(annotate(e, &path, "reading").into()),
        };
        let malformed = |reason: &str| DirError::Malformed {
            path: path.clone(),
            reason: reason.to_owned(),
        };
        let field = |name: &str| -> Result<u64, DirError> {
            text.lines()
                .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
                .ok_or_else(|| malformed(&format!("no `{name}` line")))?
                .trim()
                .parse()
                .map_err(|_| malformed(&format!("`{name}` is not a number")))
        };
        Ok(Some(DiskId {
            cluster: field("cluster")?,
            id: field("id")?,
            incarnation: field("incarnation")?,
        }))
    }

    fn write(&self, dir: &Path) -> io::Result<()> {
        let path = dir.join(ID_FILE);
        keel_durable::replace_with(&path, &path.with_extension("tmp"), |f| {
            f.write_all(self.encode().as_bytes())
        })
    }
}

/// A replica's directory: `replica.id`, `log`, `checkpoint-<seq>`, and `*.tmp` while
/// writing (a checkpoint arriving from a peer is `received.tmp`).
#[derive(Debug)]
pub struct FsDisk {
    dir: PathBuf,
    id: DiskId,
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
    /// Creates the directory of a new replica (`id` of ring `cluster`) and opens it.
    /// Refuses a directory that is already initialized, or that holds a log.
    pub fn init(dir: &Path, cluster: u64, id: NodeId) -> Result<FsDisk, DirError> {
        fs::create_dir_all(dir).map_err(|e| annotate(e, dir, "creating the data directory"))?;
        if let Some(found) = DiskId::read(dir)? {
            return Err(DirError::AlreadyInitialized {
                dir: dir.to_path_buf(),
                found,
            });
        }
        if fs::metadata(dir.join(LOG)).is_ok_and(|m| m.len() > 0) {
            return Err(DirError::Malformed {
                path: dir.join(LOG),
                reason: "a log without a replica.id beside it; --init is for an empty directory"
                    .into(),
            });
        }
        let disk_id = DiskId {
            cluster,
            id,
            incarnation: fastrand::u64(..),
        };
        disk_id.write(dir)?;
        sync_dir(dir)?;
        FsDisk::open(dir, cluster, id)
    }

    /// Opens the directory of replica `id` of ring `cluster`, made by [`FsDisk::init`], and
    /// removes what an interrupted write left behind. A directory whose log predates
    /// `replica.id` is adopted: its log shows it was never wiped.
    pub fn open(dir: &Path, cluster: u64, id: NodeId) -> Result<FsDisk, DirError> {
        let found = match DiskId::read(dir)? {
            Some(found) => found,
            None if fs::metadata(dir.join(LOG)).is_ok_and(|m| m.len() > 0) => {
                let adopted = DiskId {
                    cluster,
                    id,
                    incarnation: fastrand::u64(..),
                };
                adopted.write(dir)?;
                adopted
            }
            None => {
                return Err(DirError::NotInitialized {
                    dir: dir.to_path_buf(),
                });
            }
        };
        if (found.cluster, found.id) != (cluster, id) {
            return Err(DirError::WrongReplica {
                dir: dir.to_path_buf(),
                found,
                cluster,
                id,
            });
        }
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
            id: found,
            log,
            received: None,
            received_unsynced: 0,
        })
    }

    /// Whose directory this is.
    pub fn id(&self) -> DiskId {
        self.id
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
