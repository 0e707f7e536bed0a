//! The audit log, `DIR/audit.jsonl`: every change (publish, yank, unyank, owners added or
//! removed, package file stored, token created or revoked) with who made it, with which
//! token, from which address, when, and the sha256 of what was stored.
//!
//! A change is logged in two lines. Its *intent* is appended and fsync'd before the change
//! touches the store; its *outcome* (`done` or `aborted`) after. So every change in the
//! store has a durable intent, and a crash between the two leaves an intent without an
//! outcome, which the next start resolves by looking at the store (`recover`). Readers see
//! only completed events: every acknowledged change is there, and nothing that did not
//! happen. An event's id is the byte offset of its intent line, which needs no counter
//! shared between the server and the CLI (both append, under a file lock).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub const FILE: &str = "audit.jsonl";

/// Who made a change, as the log records it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Actor {
    pub principal: String,
    pub token: String,
    /// The client's address, or `cli` for the command line.
    pub addr: String,
}

/// One change, as intended.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Change {
    pub action: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Of what was stored: the `.crate`, the package file, the new owners file, the
    /// token's hash.
    pub sha256: String,
    /// Anything else the action needs (owners after the change, yanked or not).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub detail: Value,
}

// Lines are made and read one at a time: the size of the small variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "lowercase")]
enum Line {
    Intent {
        time: u64,
        #[serde(flatten)]
        actor: Actor,
        #[serde(flatten)]
        change: Change,
    },
    Done {
        id: u64,
    },
    Aborted {
        id: u64,
    },
}

/// A completed event, as `GET /api/v1/audit` shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Event {
    pub id: u64,
    pub time: String,
    #[serde(flatten)]
    pub actor: Actor,
    #[serde(flatten)]
    pub change: Change,
}

#[derive(Debug)]
pub struct AuditLog {
    path: PathBuf,
}

impl AuditLog {
    pub fn new(dir: &Path) -> AuditLog {
        AuditLog {
            path: dir.join(FILE),
        }
    }

    fn append(&self, line: &Line, sync: bool) -> io::Result<u64> {
        let mut text = serde_json::to_vec(line).map_err(io::Error::other)?;
        text.push(b'\n');
        let mut f = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        // The lock makes the offset read here the one the write lands at, across processes.
        f.lock()?;
        let at = f.metadata()?.len();
        f.write_all(&text)?;
        if sync {
            f.sync_data()?;
        }
        Ok(at)
    }

    /// Records that `actor` is about to make `change`, durably; returns the event's id.
    pub fn intend(&self, actor: &Actor, change: &Change) -> io::Result<u64> {
        let line = Line::Intent {
            time: crate::time::now(),
            actor: actor.clone(),
            change: change.clone(),
        };
        self.append(&line, true)
    }

    /// Records the outcome of event `id`. Not synced: if lost, `recover` finds it again.
    pub fn finish(&self, id: u64, done: bool) -> io::Result<()> {
        let line = if done {
            Line::Done { id }
        } else {
            Line::Aborted { id }
        };
        self.append(&line, false).map(|_| ())
    }

    /// Every line with its offset; a torn last line (a crash mid-append) is skipped.
    fn lines(&self) -> io::Result<Vec<(u64, Line)>> {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut out = Vec::new();
        let mut at = 0;
        for raw in bytes.split_inclusive(|b| *b == b'\n') {
            let offset = at as u64;
            at += raw.len();
            if raw.last() != Some(&b'\n') {
                break;
            }
            let line = serde_json::from_slice(&raw[..raw.len() - 1]).map_err(|e| {
                io::Error::other(format!(
                    "{} is damaged at offset {offset}: {e}; restore it from a backup",
                    self.path.display()
                ))
            })?;
            out.push((offset, line));
        }
        Ok(out)
    }

    /// At start, before serving: cuts a torn last line, and settles every intent without an
    /// outcome by asking `happened` whether the store shows the change.
    pub fn recover(&self, happened: impl Fn(&Change) -> io::Result<bool>) -> io::Result<usize> {
        if let Ok(bytes) = std::fs::read(&self.path)
            && !bytes.is_empty()
            && bytes.last() != Some(&b'\n')
        {
            let keep = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
            let f = OpenOptions::new().write(true).open(&self.path)?;
            f.set_len(keep as u64)?;
            f.sync_data()?;
        }
        let mut open: BTreeMap<u64, Change> = BTreeMap::new();
        for (offset, line) in self.lines()? {
            match line {
                Line::Intent { change, .. } => {
                    open.insert(offset, change);
                }
                Line::Done { id } | Line::Aborted { id } => {
                    open.remove(&id);
                }
            }
        }
        for (id, change) in &open {
            let done = happened(change)?;
            tracing::info!(
                id,
                action = change.action,
                name = change.name,
                done,
                "settled an audit event a crash left open"
            );
            self.append(
                &if done {
                    Line::Done { id: *id }
                } else {
                    Line::Aborted { id: *id }
                },
                false,
            )?;
        }
        if !open.is_empty() {
            File::open(&self.path)?.sync_all()?;
        }
        Ok(open.len())
    }

    /// Completed events with ids after `since` (all, when `None`), at most `limit`, oldest
    /// first; and the id to ask after for the next page, if there may be more.
    pub fn page(&self, since: Option<u64>, limit: usize) -> io::Result<(Vec<Event>, Option<u64>)> {
        let lines = self.lines()?;
        let done: std::collections::HashSet<u64> = lines
            .iter()
            .filter_map(|(_, l)| match l {
                Line::Done { id } => Some(*id),
                _ => None,
            })
            .collect();
        let mut events = Vec::new();
        for (id, line) in lines {
            if since.is_some_and(|s| id <= s) || !done.contains(&id) {
                continue;
            }
            if let Line::Intent {
                time,
                actor,
                change,
            } = line
            {
                if events.len() == limit {
                    let next = events.last().map(|e: &Event| e.id);
                    return Ok((events, next));
                }
                events.push(Event {
                    id,
                    time: crate::time::rfc3339(time),
                    actor,
                    change,
                });
            }
        }
        Ok((events, None))
    }
}
