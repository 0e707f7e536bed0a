//! The data tree: ZooKeeper's model (paths, data, stats, ephemeral and sequential nodes,
//! sessions) as a deterministic state machine. Every write is a [`Txn`] applied with
//! [`Tree::apply`]; the same transactions in the same order give the same tree everywhere,
//! which is what lets keel-replication replicate it.

use crate::proto::{Acl, Code, CreateMode, Error, Event, EventKind, Id, Op, Password, Reply, Stat};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Limits the tree enforces (the same on every replica).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Limits {
    pub max_data: usize,
    pub max_path: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_data: 1 << 20,
            max_path: 1024,
        }
    }
}

/// One write, as replicated: who asks, when (stamped by the primary, so every replica
/// agrees on ctime/mtime), and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Txn {
    pub session: u64,
    pub time_ms: u64,
    pub op: Op,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    #[serde(with = "keel_replication::types::bytes")]
    pub data: Vec<u8>,
    pub stat: Stat,
    pub children: BTreeSet<String>,
    /// Counter for sequential children.
    pub next_seq: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Session {
    pub timeout_ms: u64,
    pub ephemerals: BTreeSet<String>,
}

/// The tree, its sessions and its transaction counter.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tree {
    pub nodes: BTreeMap<String, Node>,
    pub sessions: BTreeMap<u64, Session>,
    pub zxid: u64,
    pub next_session: u64,
    pub limits: Limits,
    /// The ACLs of nodes that have one other than the open ACL, with their versions.
    #[serde(default)]
    pub acls: BTreeMap<String, NodeAcl>,
    /// Containers and TTL nodes, which the primary deletes when they are due (`due`).
    #[serde(default)]
    pub kinds: BTreeMap<String, NodeKind>,
    /// The passwords of sessions opened with one (`OpenSessionWith`).
    #[serde(default)]
    pub passwords: BTreeMap<u64, Password>,
    /// Events of the last `apply`, for watches.
    #[serde(skip)]
    pub events: Vec<Event>,
}

/// A node the primary deletes on its own when it is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NodeKind {
    /// Once it has had children and has none left.
    Container,
    /// Once it has no children and has not changed for `ttl_ms`.
    Ttl { ttl_ms: u64 },
}

/// A node's ACL and how often it was set (ZooKeeper's `aversion`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeAcl {
    pub version: u32,
    pub acl: Vec<Acl>,
}

impl Default for Tree {
    fn default() -> Tree {
        let mut nodes = BTreeMap::new();
        nodes.insert(
            "/".to_string(),
            Node {
                data: Vec::new(),
                stat: Stat::default(),
                children: BTreeSet::new(),
                next_seq: 0,
            },
        );
        Tree {
            nodes,
            sessions: BTreeMap::new(),
            zxid: 0,
            next_session: 1,
            limits: Limits::default(),
            acls: BTreeMap::new(),
            kinds: BTreeMap::new(),
            passwords: BTreeMap::new(),
            events: Vec::new(),
        }
    }
}

fn err(code: Code, message: impl Into<String>) -> Error {
    Error {
        code,
        message: message.into(),
    }
}

/// Checks a path: absolute, no empty, `.` or `..` components, no trailing slash (but for
/// the root), no NUL, not too long.
pub fn check_path(path: &str, limits: &Limits) -> Result<(), Error> {
    let bad = |why: &str| {
        Err(err(
            Code::InvalidPath,
            format!("invalid path {path:?}: {why}"),
        ))
    };
    if !path.starts_with('/') {
        return bad("it must start with '/'");
    }
    if path.len() > limits.max_path {
        return bad(&format!("longer than {} bytes", limits.max_path));
    }
    if path == "/" {
        return Ok(());
    }
    if path.ends_with('/') {
        return bad("it must not end with '/'");
    }
    for part in path[1..].split('/') {
        if part.is_empty() || part == "." || part == ".." {
            return bad("empty, '.' and '..' components are not allowed");
        }
        if part.contains('\0') {
            return bad("NUL is not allowed");
        }
    }
    Ok(())
}

pub fn parent_of(path: &str) -> Option<(&str, &str)> {
    if path == "/" {
        return None;
    }
    let i = path.rfind('/')?;
    Some((if i == 0 { "/" } else { &path[..i] }, &path[i + 1..]))
}

fn join(parent: &str, name: &str) -> String {
    if parent == "/" {
        format!("/{name}")
    } else {
        format!("{parent}/{name}")
    }
}

/// One change, as needed to take it back (a multi that fails part-way, or a failed op).
/// Each costs O(1) to record: a parent's child set is never copied.
#[derive(Debug)]
enum Change {
    Inserted(String),
    Removed(String, Node),
    Data {
        path: String,
        data: Vec<u8>,
        stat: Stat,
    },
    Child {
        parent: String,
        name: String,
        added: bool,
        stat: Stat,
        next_seq: u64,
    },
    Ephemeral {
        session: u64,
        path: String,
        added: bool,
    },
    SessionOpened(u64),
    SessionClosed(u64, Session),
    /// A node's ACL before a change (None: it had the open ACL).
    Acl(String, Option<NodeAcl>),
    /// A node's kind before a change (None: an ordinary node).
    Kind(String, Option<NodeKind>),
    /// A session's password before a change.
    Password(u64, Option<Password>),
}

type Undo = Vec<Change>;

impl Tree {
    pub fn with_limits(limits: Limits) -> Tree {
        Tree {
            limits,
            ..Tree::default()
        }
    }

    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Applies one write transaction. A failed transaction changes nothing (but still uses
    /// no zxid). Events for watches are left in `self.events`.
    pub fn apply(&mut self, txn: &Txn) -> Result<Reply, Error> {
        self.events.clear();
        let zxid = self.zxid + 1;
        let mut undo = Undo::new();
        let result = self.write(&txn.op, txn.session, txn.time_ms, zxid, &mut undo);
        match &result {
            Ok(_) => self.zxid = zxid,
            Err(_) => {
                self.rollback(undo);
                self.events.clear();
            }
        }
        result
    }

    fn rollback(&mut self, undo: Undo) {
        for change in undo.into_iter().rev() {
            match change {
                Change::Inserted(path) => {
                    self.nodes.remove(&path);
                }
                Change::Removed(path, node) => {
                    self.nodes.insert(path, node);
                }
                Change::Data { path, data, stat } => {
                    if let Some(n) = self.nodes.get_mut(&path) {
                        n.data = data;
                        n.stat = stat;
                    }
                }
                Change::Child {
                    parent,
                    name,
                    added,
                    stat,
                    next_seq,
                } => {
                    if let Some(p) = self.nodes.get_mut(&parent) {
                        if added {
                            p.children.remove(&name);
                        } else {
                            p.children.insert(name);
                        }
                        p.stat = stat;
                        p.next_seq = next_seq;
                    }
                }
                Change::Ephemeral {
                    session,
                    path,
                    added,
                } => {
                    if let Some(s) = self.sessions.get_mut(&session) {
                        if added {
                            s.ephemerals.remove(&path);
                        } else {
                            s.ephemerals.insert(path);
                        }
                    }
                }
                Change::SessionOpened(id) => {
                    self.sessions.remove(&id);
                    self.next_session -= 1;
                }
                Change::SessionClosed(id, session) => {
                    self.sessions.insert(id, session);
                }
                Change::Password(id, old) => match old {
                    Some(p) => {
                        self.passwords.insert(id, p);
                    }
                    None => {
                        self.passwords.remove(&id);
                    }
                },
                Change::Kind(path, old) => match old {
                    Some(k) => {
                        self.kinds.insert(path, k);
                    }
                    None => {
                        self.kinds.remove(&path);
                    }
                },
                Change::Acl(path, old) => match old {
                    Some(a) => {
                        self.acls.insert(path, a);
                    }
                    None => {
                        self.acls.remove(&path);
                    }
                },
            }
        }
    }

    /// Adds or removes `name` under `parent`, recording how to take it back.
    fn change_child(
        &mut self,
        undo: &mut Undo,
        parent: &str,
        name: &str,
        added: bool,
        sequential: bool,
        zxid: u64,
    ) {
        let p = self.nodes.get_mut(parent).expect("a node's parent exists");
        undo.push(Change::Child {
            parent: parent.to_string(),
            name: name.to_string(),
            added,
            stat: p.stat.clone(),
            next_seq: p.next_seq,
        });
        if added {
            p.children.insert(name.to_string());
        } else {
            p.children.remove(name);
        }
        p.next_seq += u64::from(sequential);
        p.stat.cversion += 1;
        p.stat.pzxid = zxid;
        p.stat.num_children = p.children.len() as u32;
    }

    fn event(&mut self, kind: EventKind, path: &str, zxid: u64) {
        self.events.push(Event {
            kind,
            path: path.to_string(),
            zxid,
        });
    }

    fn write(
        &mut self,
        op: &Op,
        session: u64,
        now: u64,
        zxid: u64,
        undo: &mut Undo,
    ) -> Result<Reply, Error> {
        match op {
            Op::Create {
                path,
                data,
                mode,
                make_parents,
                ok_if_exists,
            } => self.create(
                path,
                data,
                *mode,
                *make_parents,
                *ok_if_exists,
                session,
                now,
                zxid,
                undo,
            ),
            Op::Delete {
                path,
                version,
                cascade,
            } => {
                self.delete(path, *version, *cascade, zxid, undo)?;
                Ok(Reply::Done)
            }
            Op::SetData {
                path,
                data,
                version,
            } => {
                check_path(path, &self.limits)?;
                self.check_data(data)?;
                let node = self
                    .nodes
                    .get(path)
                    .ok_or_else(|| err(Code::NoNode, format!("{path} does not exist")))?;
                if let Some(v) = version
                    && *v != node.stat.version
                {
                    return Err(err(
                        Code::BadVersion,
                        format!("{path} is at version {}, not {v}", node.stat.version),
                    ));
                }
                let node = self.nodes.get_mut(path).expect("checked");
                let old = std::mem::replace(&mut node.data, data.clone());
                undo.push(Change::Data {
                    path: path.clone(),
                    data: old,
                    stat: node.stat.clone(),
                });
                node.stat.version += 1;
                node.stat.mzxid = zxid;
                node.stat.mtime = now;
                node.stat.data_length = data.len() as u32;
                let stat = node.stat.clone();
                self.event(EventKind::DataChanged, path, zxid);
                Ok(Reply::Stat(stat))
            }
            Op::Guarded { ids, acl, op } => {
                self.guarded_write(ids, acl, op, session, now, zxid, undo)
            }
            Op::SetAcl { path, acl, version } => {
                check_path(path, &self.limits)?;
                let stat = self
                    .nodes
                    .get(path)
                    .ok_or_else(|| err(Code::NoNode, format!("{path} does not exist")))?
                    .stat
                    .clone();
                let current = self.acls.get(path).map(|a| a.version).unwrap_or(0);
                if let Some(v) = version
                    && *v != current
                {
                    return Err(err(
                        Code::BadVersion,
                        format!("{path}'s ACL is at version {current}, not {v}"),
                    ));
                }
                let new = NodeAcl {
                    version: current + 1,
                    acl: acl.clone(),
                };
                let old = self.acls.insert(path.clone(), new);
                undo.push(Change::Acl(path.clone(), old));
                Ok(Reply::Acl {
                    acl: acl.clone(),
                    version: current + 1,
                    stat,
                })
            }
            Op::Check { path, version } => {
                check_path(path, &self.limits)?;
                let node = self
                    .nodes
                    .get(path)
                    .ok_or_else(|| err(Code::NoNode, format!("{path} does not exist")))?;
                if node.stat.version != *version {
                    return Err(err(
                        Code::BadVersion,
                        format!("{path} is at version {}, not {version}", node.stat.version),
                    ));
                }
                Ok(Reply::Done)
            }
            Op::Multi(ops) => {
                // All or nothing: the first failure rolls every op back (apply's undo).
                let mut results = Vec::new();
                for (i, op) in ops.iter().enumerate() {
                    if !op.is_write() {
                        return Err(err(
                            Code::BadArguments,
                            format!("multi op {i} is not a write"),
                        ));
                    }
                    match self.write(op, session, now, zxid, undo) {
                        Ok(r) => results.push(r),
                        Err(e) => {
                            return Err(err(
                                e.code,
                                format!("multi op {i} failed, nothing was applied: {}", e.message),
                            ));
                        }
                    }
                }
                Ok(Reply::Multi(results))
            }
            Op::Batch(ops) => {
                // In order until the first failure; what succeeded stays.
                let mut results = Vec::new();
                for op in ops {
                    if !op.is_write() {
                        results.push(Err(err(Code::BadArguments, "batch ops must be writes")));
                        break;
                    }
                    let mut own = Undo::new();
                    match self.write(op, session, now, zxid, &mut own) {
                        Ok(r) => {
                            undo.extend(own);
                            results.push(Ok(r));
                        }
                        Err(e) => {
                            self.rollback(own);
                            results.push(Err(e));
                            break;
                        }
                    }
                }
                Ok(Reply::Batch(results))
            }
            Op::OpenSessionWith {
                timeout_ms,
                password,
            } => {
                let reply = self.write(
                    &Op::OpenSession {
                        timeout_ms: *timeout_ms,
                    },
                    session,
                    now,
                    zxid,
                    undo,
                )?;
                if let Reply::Session { id, .. } = &reply {
                    self.passwords.insert(*id, *password);
                    undo.push(Change::Password(*id, None));
                }
                Ok(reply)
            }
            Op::OpenSession { timeout_ms } => {
                let id = self.next_session;
                self.next_session += 1;
                self.sessions.insert(
                    id,
                    Session {
                        timeout_ms: *timeout_ms,
                        ephemerals: BTreeSet::new(),
                    },
                );
                undo.push(Change::SessionOpened(id));
                Ok(Reply::Session {
                    id,
                    timeout_ms: *timeout_ms,
                })
            }
            Op::CloseSession { id } => {
                let id = if *id == 0 { session } else { *id };
                let Some(s) = self.sessions.remove(&id) else {
                    return Err(err(
                        Code::SessionExpired,
                        format!("session {id:#x} does not exist (expired or closed)"),
                    ));
                };
                let ephemerals: Vec<String> = s.ephemerals.iter().rev().cloned().collect();
                undo.push(Change::SessionClosed(id, s));
                if let Some(p) = self.passwords.remove(&id) {
                    undo.push(Change::Password(id, Some(p)));
                }
                for path in ephemerals {
                    if self.nodes.contains_key(&path) {
                        self.delete(&path, None, false, zxid, undo)?;
                    }
                }
                Ok(Reply::Done)
            }
            other => Err(err(
                Code::BadArguments,
                format!("{} is not a write", other.name()),
            )),
        }
    }

    fn check_data(&self, data: &[u8]) -> Result<(), Error> {
        if data.len() > self.limits.max_data {
            return Err(err(
                Code::DataTooLarge,
                format!(
                    "{} bytes of data exceed the limit of {}",
                    data.len(),
                    self.limits.max_data
                ),
            ));
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn create(
        &mut self,
        path: &str,
        data: &[u8],
        mode: CreateMode,
        make_parents: bool,
        ok_if_exists: bool,
        session: u64,
        now: u64,
        zxid: u64,
        undo: &mut Undo,
    ) -> Result<Reply, Error> {
        check_path(path, &self.limits)?;
        self.check_data(data)?;
        let (parent, _) =
            parent_of(path).ok_or_else(|| err(Code::NodeExists, "/ always exists"))?;
        if mode.ephemeral() && !self.sessions.contains_key(&session) {
            return Err(err(
                Code::SessionExpired,
                format!("an ephemeral node needs a live session; {session:#x} is not one"),
            ));
        }
        if !self.nodes.contains_key(parent) {
            if !make_parents {
                return Err(err(
                    Code::NoNode,
                    format!("parent {parent} does not exist (create it, or ask for parents)"),
                ));
            }
            self.create(
                parent,
                &[],
                CreateMode::Persistent,
                true,
                true,
                session,
                now,
                zxid,
                undo,
            )?;
        }
        let parent_node = &self.nodes[parent];
        if parent_node.stat.ephemeral_owner != 0 {
            return Err(err(
                Code::NoChildrenForEphemerals,
                format!("{parent} is ephemeral and cannot have children"),
            ));
        }
        let path = if mode.sequential() {
            format!("{path}{:010}", parent_node.next_seq)
        } else {
            path.to_string()
        };
        if let Some(existing) = self.nodes.get(&path) {
            if ok_if_exists && !mode.sequential() {
                return Ok(Reply::Created {
                    path: path.clone(),
                    stat: existing.stat.clone(),
                });
            }
            return Err(err(Code::NodeExists, format!("{path} already exists")));
        }
        let name = parent_of(&path).expect("not root").1.to_string();
        let owner = if mode.ephemeral() { session } else { 0 };
        let stat = Stat {
            czxid: zxid,
            mzxid: zxid,
            pzxid: zxid,
            ctime: now,
            mtime: now,
            data_length: data.len() as u32,
            ephemeral_owner: owner,
            ..Stat::default()
        };
        self.nodes.insert(
            path.clone(),
            Node {
                data: data.to_vec(),
                stat: stat.clone(),
                children: BTreeSet::new(),
                next_seq: 0,
            },
        );
        undo.push(Change::Inserted(path.clone()));
        if let Some(kind) = mode.kind() {
            self.kinds.insert(path.clone(), kind);
            undo.push(Change::Kind(path.clone(), None));
        }
        self.change_child(undo, parent, &name, true, mode.sequential(), zxid);
        if owner != 0 {
            self.sessions
                .get_mut(&owner)
                .expect("checked")
                .ephemerals
                .insert(path.clone());
            undo.push(Change::Ephemeral {
                session: owner,
                path: path.clone(),
                added: true,
            });
        }
        self.event(EventKind::Created, &path, zxid);
        self.event(EventKind::ChildrenChanged, parent, zxid);
        Ok(Reply::Created { path, stat })
    }

    fn delete(
        &mut self,
        path: &str,
        version: Option<u32>,
        cascade: bool,
        zxid: u64,
        undo: &mut Undo,
    ) -> Result<(), Error> {
        check_path(path, &self.limits)?;
        if path == "/" {
            return Err(err(Code::BadArguments, "the root cannot be deleted"));
        }
        let node = self
            .nodes
            .get(path)
            .ok_or_else(|| err(Code::NoNode, format!("{path} does not exist")))?;
        if let Some(v) = version
            && v != node.stat.version
        {
            return Err(err(
                Code::BadVersion,
                format!("{path} is at version {}, not {v}", node.stat.version),
            ));
        }
        if !node.children.is_empty() {
            if !cascade {
                return Err(err(
                    Code::NotEmpty,
                    format!(
                        "{path} has {} children (delete them, or cascade)",
                        node.children.len()
                    ),
                ));
            }
            let children: Vec<String> = node.children.iter().map(|c| join(path, c)).collect();
            for child in children {
                self.delete(&child, None, true, zxid, undo)?;
            }
        }
        let (parent, name) = parent_of(path).expect("not root");
        let node = self.nodes.remove(path).expect("checked");
        let owner = node.stat.ephemeral_owner;
        undo.push(Change::Removed(path.to_string(), node));
        if let Some(acl) = self.acls.remove(path) {
            undo.push(Change::Acl(path.to_string(), Some(acl)));
        }
        if let Some(kind) = self.kinds.remove(path) {
            undo.push(Change::Kind(path.to_string(), Some(kind)));
        }
        if owner != 0
            && let Some(s) = self.sessions.get_mut(&owner)
            && s.ephemerals.remove(path)
        {
            undo.push(Change::Ephemeral {
                session: owner,
                path: path.to_string(),
                added: false,
            });
        }
        self.change_child(undo, parent, name, false, false, zxid);
        self.event(EventKind::Deleted, path, zxid);
        self.event(EventKind::ChildrenChanged, parent, zxid);
        Ok(())
    }

    /// The containers and TTL nodes due for deletion at `now_ms`, each with the version it
    /// is due at (deleting at that version fails if it changed meanwhile).
    pub fn due(&self, now_ms: u64) -> Vec<(String, u32)> {
        self.kinds
            .iter()
            .filter_map(|(path, kind)| {
                let s = &self.nodes.get(path)?.stat;
                let due = s.num_children == 0
                    && match kind {
                        NodeKind::Container => s.cversion > 0,
                        NodeKind::Ttl { ttl_ms } => now_ms.saturating_sub(s.mtime) > *ttl_ms,
                    };
                due.then(|| (path.clone(), s.version))
            })
            .collect()
    }

    /// The ACL of `path` (the open one if it has none of its own).
    pub fn acl_of(&self, path: &str) -> (Vec<Acl>, u32) {
        match self.acls.get(path) {
            Some(a) => (a.acl.clone(), a.version),
            None => (crate::acl::open(), 0),
        }
    }

    /// NoAuth unless `path`'s ACL grants `perm` to `ids`; a missing node passes (the
    /// operation itself then answers NoNode).
    fn allow(&self, path: &str, perm: u32, ids: &[Id]) -> Result<(), Error> {
        let Some(a) = self.acls.get(path) else {
            return Ok(());
        };
        if !self.nodes.contains_key(path) || crate::acl::permits(&a.acl, perm, ids) {
            return Ok(());
        }
        let names: Vec<String> = ids
            .iter()
            .map(|i| format!("{}:{}", i.scheme, i.id))
            .collect();
        Err(err(
            Code::NoAuth,
            format!(
                "{path}'s ACL does not grant {} to [{}]",
                crate::acl::name(perm),
                names.join(", ")
            ),
        ))
    }

    /// A write on behalf of a caller holding `ids`: checked as ZooKeeper checks it, then
    /// applied; a create's node gets `acl`.
    #[allow(clippy::too_many_arguments)]
    fn guarded_write(
        &mut self,
        ids: &[Id],
        acl: &[Acl],
        op: &Op,
        session: u64,
        now: u64,
        zxid: u64,
        undo: &mut Undo,
    ) -> Result<Reply, Error> {
        use crate::acl::{ADMIN, CREATE, DELETE, READ, WRITE};
        let parent = |p: &str| parent_of(p).map(|(parent, _)| parent.to_owned());
        match op {
            Op::Create { path, .. } => {
                let acl = crate::acl::resolve(acl, ids).map_err(|e| err(Code::InvalidAcl, e))?;
                if let Some(p) = parent(path) {
                    self.allow(&p, CREATE, ids)?;
                }
                let reply = self.write(op, session, now, zxid, undo)?;
                if let Reply::Created { path, .. } = &reply
                    && acl != crate::acl::open()
                {
                    let old = self.acls.insert(path.clone(), NodeAcl { version: 0, acl });
                    undo.push(Change::Acl(path.clone(), old));
                }
                Ok(reply)
            }
            Op::Delete { path, .. } => {
                if let Some(p) = parent(path) {
                    self.allow(&p, DELETE, ids)?;
                }
                self.write(op, session, now, zxid, undo)
            }
            Op::SetData { path, .. } => {
                self.allow(path, WRITE, ids)?;
                self.write(op, session, now, zxid, undo)
            }
            Op::Check { path, .. } => {
                self.allow(path, READ, ids)?;
                self.write(op, session, now, zxid, undo)
            }
            Op::SetAcl {
                path,
                acl: new,
                version,
            } => {
                let new = crate::acl::resolve(new, ids).map_err(|e| err(Code::InvalidAcl, e))?;
                self.allow(path, ADMIN, ids)?;
                let resolved = Op::SetAcl {
                    path: path.clone(),
                    acl: new,
                    version: *version,
                };
                self.write(&resolved, session, now, zxid, undo)
            }
            other => Err(err(
                Code::BadArguments,
                format!("{} cannot be guarded", other.name()),
            )),
        }
    }

    /// Answers a read.
    pub fn read(&self, op: &Op) -> Result<Reply, Error> {
        let get = |path: &str| -> Result<&Node, Error> {
            check_path(path, &self.limits)?;
            self.nodes
                .get(path)
                .ok_or_else(|| err(Code::NoNode, format!("{path} does not exist")))
        };
        match op {
            Op::Guarded { ids, op, .. } => {
                use crate::acl::{ADMIN, READ};
                match op.as_ref() {
                    Op::GetData { path, .. } | Op::GetChildren { path, .. } => {
                        self.allow(path, READ, ids)?
                    }
                    Op::GetAcl { path } => {
                        if self.allow(path, READ, ids).is_err() {
                            self.allow(path, ADMIN, ids)?
                        }
                    }
                    Op::Exists { .. } | Op::Sync => {}
                    other => {
                        return Err(err(
                            Code::BadArguments,
                            format!("{} cannot be guarded", other.name()),
                        ));
                    }
                }
                self.read(op)
            }
            Op::GetAcl { path } => {
                let n = get(path)?;
                let (acl, version) = self.acl_of(path);
                Ok(Reply::Acl {
                    acl,
                    version,
                    stat: n.stat.clone(),
                })
            }
            Op::Exists { path, .. } => {
                check_path(path, &self.limits)?;
                Ok(Reply::Exists(self.nodes.get(path).map(|n| n.stat.clone())))
            }
            Op::GetData { path, .. } => {
                let n = get(path)?;
                Ok(Reply::Data {
                    data: n.data.clone(),
                    stat: n.stat.clone(),
                })
            }
            Op::GetChildren {
                path, after, limit, ..
            } => {
                let n = get(path)?;
                let limit = if *limit == 0 {
                    usize::MAX
                } else {
                    *limit as usize
                };
                let names: Vec<String> = match after {
                    Some(a) => n
                        .children
                        .range::<str, _>((
                            std::ops::Bound::Excluded(a.as_str()),
                            std::ops::Bound::Unbounded,
                        ))
                        .take(limit)
                        .cloned()
                        .collect(),
                    None => n.children.iter().take(limit).cloned().collect(),
                };
                let more = names.last().is_some_and(|last| {
                    n.children
                        .range::<str, _>((
                            std::ops::Bound::Excluded(last.as_str()),
                            std::ops::Bound::Unbounded,
                        ))
                        .next()
                        .is_some()
                });
                Ok(Reply::Children {
                    names,
                    more,
                    stat: n.stat.clone(),
                })
            }
            Op::GetSubtree { path } => {
                get(path)?;
                let prefix = if path == "/" {
                    "/".to_string()
                } else {
                    format!("{path}/")
                };
                let mut nodes = vec![(path.clone(), self.nodes[path.as_str()].data.clone())];
                for (p, n) in self.nodes.range(prefix.clone()..) {
                    if !p.starts_with(&prefix) {
                        break;
                    }
                    if p != path {
                        nodes.push((p.clone(), n.data.clone()));
                    }
                }
                Ok(Reply::Subtree(nodes))
            }
            Op::Sync => Ok(Reply::Synced { zxid: self.zxid }),
            other => Err(err(
                Code::BadArguments,
                format!("{} is not a read", other.name()),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create(path: &str, mode: CreateMode) -> Op {
        Op::Create {
            path: path.into(),
            data: b"x".to_vec(),
            mode,
            make_parents: false,
            ok_if_exists: false,
        }
    }

    fn txn(session: u64, op: Op) -> Txn {
        Txn {
            session,
            time_ms: 7,
            op,
        }
    }

    #[test]
    fn a_failed_multi_leaves_nodes_sessions_and_counters_exactly_as_they_were() {
        let mut t = Tree::default();
        let Ok(Reply::Session { id, .. }) = t.apply(&txn(0, Op::OpenSession { timeout_ms: 1000 }))
        else {
            panic!()
        };
        t.apply(&txn(id, create("/a", CreateMode::Persistent)))
            .unwrap();
        t.apply(&txn(id, create("/a/s-", CreateMode::PersistentSequential)))
            .unwrap();
        let before = (t.nodes.clone(), t.sessions.clone(), t.zxid, t.next_session);
        let multi = Op::Multi(vec![
            create("/a/s-", CreateMode::PersistentSequential),
            create("/a/e", CreateMode::Ephemeral),
            Op::SetData {
                path: "/a".into(),
                data: b"changed".to_vec(),
                version: None,
            },
            Op::Delete {
                path: "/a/s-0000000000".into(),
                version: None,
                cascade: false,
            },
            create("/a", CreateMode::Persistent), // fails: exists
        ]);
        let e = t.apply(&txn(id, multi)).unwrap_err();
        assert_eq!(e.code, Code::NodeExists);
        assert_eq!(
            (t.nodes.clone(), t.sessions.clone(), t.zxid, t.next_session),
            before
        );
        assert!(t.events.is_empty(), "a failed transaction fires no watches");
    }

    #[test]
    fn closing_a_session_deletes_its_ephemerals_and_only_those() {
        let mut t = Tree::default();
        let Ok(Reply::Session { id, .. }) = t.apply(&txn(0, Op::OpenSession { timeout_ms: 1000 }))
        else {
            panic!()
        };
        t.apply(&txn(id, create("/keep", CreateMode::Persistent)))
            .unwrap();
        t.apply(&txn(id, create("/e1", CreateMode::Ephemeral)))
            .unwrap();
        t.apply(&txn(
            id,
            create("/keep/e2", CreateMode::EphemeralSequential),
        ))
        .unwrap();
        t.apply(&txn(0, Op::CloseSession { id })).unwrap();
        let paths: Vec<&str> = t.nodes.keys().map(String::as_str).collect();
        assert_eq!(paths, ["/", "/keep"]);
        assert_eq!(t.nodes["/keep"].stat.num_children, 0);
        let deleted: Vec<&str> = t
            .events
            .iter()
            .filter(|e| e.kind == EventKind::Deleted)
            .map(|e| e.path.as_str())
            .collect();
        assert_eq!(deleted.len(), 2);
    }
}
