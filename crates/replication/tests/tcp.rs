//! Three replicas in this process, over real loopback TCP and real files: replication works,
//! and a peer's bad input (a corrupt frame, another cluster's hello, an unknown member's
//! ballot) is refused without disturbing the ring or its state.

use keel_replication::types::{Ballot, Message};
use keel_replication::{
    Error, Member, NodeOptions, Replica, ReplicaConfig, RoleName, SessionSeq, StateMachine,
};
use keel_testkit::free_port;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// Adds up the requests; remembers the notifications it got; vetoes leading if told to.
#[derive(Debug, Default)]
struct Sum(u64, Notes);

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Notes {
    veto: bool,
    became: u32,
    lost: u32,
    recovered: u32,
}

impl StateMachine for Sum {
    fn execute(&mut self, request: &[u8]) -> Vec<u8> {
        self.0 += u64::from_le_bytes(request.try_into().unwrap_or([0; 8]));
        self.0.to_le_bytes().to_vec()
    }
    fn save(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(&self.0.to_le_bytes())
    }
    fn load(&mut self, input: &mut dyn Read) -> io::Result<()> {
        let mut b = [0u8; 8];
        input.read_exact(&mut b)?;
        self.0 = u64::from_le_bytes(b);
        Ok(())
    }
    fn primary_changed(&mut self, is_primary: bool) {
        if is_primary {
            self.1.became += 1
        } else {
            self.1.lost += 1
        }
    }
    fn primary_recovered(&mut self) {
        self.1.recovered += 1;
    }
    fn can_become_primary(&self) -> bool {
        !self.1.veto
    }
}

const CLUSTER: u64 = 77;

struct Ring {
    replicas: Vec<Replica<Sum>>,
    dirs: Vec<std::path::PathBuf>,
}

impl Drop for Ring {
    fn drop(&mut self) {
        for r in self.replicas.drain(..) {
            r.shutdown();
        }
        for d in &self.dirs {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

fn ring(name: &str) -> Ring {
    ring_with(name, &[])
}

/// A ring where the replicas in `vetoing` refuse to become primary.
fn ring_with(name: &str, vetoing: &[u64]) -> Ring {
    let addrs: Vec<SocketAddr> = (0..3).map(|_| free_port()).collect();
    let members: Vec<Member> = addrs
        .iter()
        .enumerate()
        .map(|(i, a)| Member::new(i as u64 + 1, a.to_string()))
        .collect();
    let mut options = NodeOptions::default();
    options.protocol.election_timeout = Duration::from_millis(300);
    options.protocol.heartbeat_interval = Duration::from_millis(30);
    let mut replicas = Vec::new();
    let mut dirs = Vec::new();
    for id in 1..=3u64 {
        let dir = std::env::temp_dir().join(format!("keel-tcp-{name}-{}-{id}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let config = ReplicaConfig {
            id,
            cluster: CLUSTER,
            members: members.clone(),
            listen: None,
            dir: dir.clone(),
            init: !dir.join("replica.id").exists(),
            options: options.clone(),
        };
        let sm = Sum(
            0,
            Notes {
                veto: vetoing.contains(&id),
                ..Notes::default()
            },
        );
        replicas.push(Replica::start(config, sm).unwrap());
        dirs.push(dir);
    }
    Ring { replicas, dirs }
}

impl Ring {
    /// Waits (bounded) for a primary that accepts a write; returns its index.
    fn primary(&self) -> usize {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            for (i, r) in self.replicas.iter().enumerate() {
                if r.status().role == RoleName::Primary
                    && r.submit_blocking(0u64.to_le_bytes().to_vec()).is_ok()
                {
                    return i;
                }
            }
            assert!(Instant::now() < deadline, "no primary within 20 s");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Adds `n` once, through whichever replica is primary. In a client session: a write
    /// left uncertain by a change of primary (a contested election on a loaded machine) is
    /// retried, and still counts once.
    fn add(&self, n: u64) -> u64 {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        let within = Duration::from_secs(5);
        let session = loop {
            let p = self.primary();
            match rt.block_on(self.replicas[p].register_session(within)) {
                Ok(id) => break id,
                Err(e) => assert!(Instant::now() < deadline, "no session opened: {e}"),
            }
        };
        let place = SessionSeq {
            session,
            seq: 1,
            awaiting: 1,
        };
        loop {
            let p = self.primary();
            let request = n.to_le_bytes().to_vec();
            match rt.block_on(self.replicas[p].submit_in_session(request, place, within)) {
                Ok(c) => return u64::from_le_bytes(c.response.try_into().unwrap()),
                Err(e) => assert!(Instant::now() < deadline, "the add never committed: {e}"),
            }
        }
    }
}

fn frame(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    keel_replication::frame::put(&mut out, payload);
    out
}

/// Hello as the wire module encodes it: (magic, cluster, from).
/// The peer hello: "KEELRPL" and the protocol version, cluster, sender.
const PEER_MAGIC: &[u8; 8] = b"KEELRPL3";

fn hello(cluster: u64, from: u64) -> Vec<u8> {
    hello_as(PEER_MAGIC, cluster, from)
}

fn hello_as(magic: &[u8; 8], cluster: u64, from: u64) -> Vec<u8> {
    let magic = u64::from_be_bytes(*magic);
    frame(&postcard::to_stdvec(&(magic, cluster, from)).unwrap())
}

/// Whether the replica closed the connection (reads EOF or a reset) within the bound.
fn closed_by_peer(stream: &mut TcpStream) -> bool {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buf = [0u8; 16];
    matches!(stream.read(&mut buf), Ok(0) | Err(_))
}

#[test]
fn replicates_and_reads_over_tcp() {
    let ring = ring("basic");
    let mut total = 0;
    for n in 1..=50u64 {
        total += n;
        assert_eq!(ring.add(n), total);
    }
    let p = ring.primary();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (sum, seq) = rt
        .block_on(ring.replicas[p].read_linearizable(|s: &Sum| s.0))
        .unwrap();
    assert_eq!(sum, total);
    // A fast read on every replica, bounded by the slot just seen, reads the same.
    for r in &ring.replicas {
        let (sum, _) = rt.block_on(r.read(seq, |s: &Sum| s.0)).unwrap();
        assert_eq!(sum, total);
    }
    // A secondary refuses writes and names the primary.
    let secondary = (p + 1) % 3;
    match ring.replicas[secondary].submit_blocking(vec![1; 8]) {
        Err(Error::NotPrimary { hint: Some(m) }) => assert_eq!(m.id, p as u64 + 1),
        other => panic!("a secondary accepted a write: {other:?}"),
    }
}

#[test]
fn a_corrupt_frame_from_a_peer_closes_only_that_connection() {
    let ring = ring("corrupt");
    assert_eq!(ring.add(5), 5);
    let target = ring.replicas[0].local_addr();
    let mut s = TcpStream::connect(target).unwrap();
    s.write_all(&hello(CLUSTER, 2)).unwrap();
    let mut bad = frame(b"definitely not a message");
    let last = bad.len() - 1;
    bad[last] ^= 0xff; // the checksum no longer holds
    s.write_all(&bad).unwrap();
    assert!(
        closed_by_peer(&mut s),
        "the replica kept a connection carrying a corrupt frame"
    );
    // Well-checksummed garbage that does not decode is refused the same way.
    let mut s = TcpStream::connect(target).unwrap();
    s.write_all(&hello(CLUSTER, 2)).unwrap();
    s.write_all(&frame(&[0xff; 40])).unwrap();
    assert!(closed_by_peer(&mut s));
    assert_eq!(ring.add(6), 11, "the ring and its state are intact");
}

#[test]
fn another_clusters_replica_is_refused() {
    let ring = ring("cluster");
    assert_eq!(ring.add(1), 1);
    let mut s = TcpStream::connect(ring.replicas[1].local_addr()).unwrap();
    s.write_all(&hello(CLUSTER + 1, 2)).unwrap();
    assert!(
        closed_by_peer(&mut s),
        "a hello from another cluster was accepted"
    );
    assert_eq!(ring.add(1), 2);
}

#[test]
fn a_replica_of_another_protocol_version_is_refused() {
    let ring = ring("version");
    assert_eq!(ring.add(1), 1);
    let mut s = TcpStream::connect(ring.replicas[1].local_addr()).unwrap();
    // A replica of an older build: its hello is well formed, its messages would not be.
    s.write_all(&hello_as(b"KEELRPL2", CLUSTER, 2)).unwrap();
    s.write_all(&frame(b"an older build's message")).unwrap();
    assert!(
        closed_by_peer(&mut s),
        "a hello of another protocol version was accepted"
    );
    assert_eq!(ring.add(1), 2);
}

#[test]
fn an_unknown_members_ballot_cannot_depose_the_primary() {
    let ring = ring("unknown");
    assert_eq!(ring.add(3), 3);
    let p = ring.primary();
    let before = ring.replicas[p].status().ballot;
    // Replica 99 is no member: its prepare with an enormous ballot must be ignored.
    for r in &ring.replicas {
        let mut s = TcpStream::connect(r.local_addr()).unwrap();
        s.write_all(&hello(CLUSTER, 99)).unwrap();
        let prepare = Message::Prepare {
            ballot: Ballot {
                round: 1 << 40,
                node: 99,
            },
            from: 1,
        };
        s.write_all(&frame(&postcard::to_stdvec(&prepare).unwrap()))
            .unwrap();
    }
    assert_eq!(ring.add(4), 7);
    let after = ring.replicas[ring.primary()].status().ballot;
    assert_eq!(
        before, after,
        "the primary's ballot changed: an unknown replica was obeyed"
    );
}

#[test]
fn a_replica_joins_catches_up_and_a_member_leaves() {
    let mut ring = ring("members");
    for n in 1..=20u64 {
        ring.add(n);
    }
    let expected: u64 = (1..=20).sum();
    // A fourth replica starts outside the ring (the current members, its own listen address).
    let addr = free_port();
    let current: Vec<Member> = ring.replicas[0].status().membership.members;
    let dir = std::env::temp_dir().join(format!("keel-tcp-members-{}-4", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut options = NodeOptions::default();
    options.protocol.election_timeout = Duration::from_millis(300);
    options.protocol.heartbeat_interval = Duration::from_millis(30);
    let config = ReplicaConfig {
        id: 4,
        cluster: CLUSTER,
        members: current.clone(),
        listen: Some(addr),
        dir: dir.clone(),
        init: !dir.join("replica.id").exists(),
        options,
    };
    ring.replicas
        .push(Replica::start(config, Sum::default()).unwrap());
    ring.dirs.push(dir);

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let p = ring.primary();
    let mut members = current.clone();
    members.push(Member::new(4, addr.to_string()));
    let slot = rt
        .block_on(ring.replicas[p].change_membership(members.clone()))
        .unwrap();
    // The newcomer learns everything before the change, and the change itself.
    let (sum, _) = rt
        .block_on(async {
            tokio::time::timeout(
                Duration::from_secs(20),
                ring.replicas[3].read(slot, |s: &Sum| s.0),
            )
            .await
        })
        .expect("the new replica caught up within 20 s")
        .unwrap();
    assert_eq!(sum, expected);
    assert!(ring.replicas[3].status().membership.contains(4));

    // Now the first member leaves; the ring (2, 3, 4) carries on.
    let remaining: Vec<Member> = members.iter().filter(|m| m.id != 1).cloned().collect();
    let p = ring.primary();
    rt.block_on(ring.replicas[p].change_membership(remaining))
        .unwrap();
    let total = ring.add(100);
    assert_eq!(total, expected + 100);
    let p = ring.primary();
    assert_ne!(p, 0, "the removed replica is not primary");
    assert!(!ring.replicas[p].status().membership.contains(1));
}

#[test]
fn relinquish_hands_over_to_a_replica_that_may_lead_and_notifies_both() {
    // Replica 1 vetoes leading; so when the primary relinquishes, the third must take over.
    let ring = ring_with("relinquish", &[1]);
    ring.add(1);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let notes = |i: usize| {
        rt.block_on(ring.replicas[i].read(0, |s: &Sum| s.1))
            .unwrap()
            .0
    };
    let old = ring.primary();
    assert_ne!(old, 0, "the vetoing replica became primary");
    // Counts are compared with a snapshot: a loaded machine can see a contested start-up
    // election, so either replica may already have led once before the hand-over.
    let (old_before, new_before) = (notes(old), notes(3 - old));
    assert!(old_before.became >= 1 && old_before.recovered >= 1);
    ring.replicas[old].relinquish_primary();
    let deadline = Instant::now() + Duration::from_secs(20);
    let new = loop {
        let p = ring.primary();
        if p != old {
            break p;
        }
        assert!(Instant::now() < deadline, "the primary did not hand over");
    };
    assert_eq!(
        new,
        3 - old,
        "only the replica that may lead and did not relinquish can take over"
    );
    assert!(
        notes(old).lost > old_before.lost,
        "the old primary was told it lost the role"
    );
    let after = notes(new);
    assert!(
        after.became > new_before.became && after.recovered > new_before.recovered,
        "the new primary was told it became primary and recovered: {new_before:?} -> {after:?}"
    );
    assert_eq!(notes(0).became, 0, "the veto held");
    assert_eq!(ring.add(2), 3, "nothing was lost in the hand-over");
}

#[test]
fn a_start_that_fails_inside_async_code_returns_its_error() {
    // The listen address is taken, so start fails after building its network runtime; the
    // error must come back to the async caller, not a panic from dropping that runtime.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let dir = std::env::temp_dir().join(format!("keel-tcp-taken-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let config = ReplicaConfig {
        id: 1,
        cluster: CLUSTER,
        members: vec![Member::new(1, addr.to_string())],
        listen: None,
        dir: dir.clone(),
        init: !dir.join("replica.id").exists(),
        options: NodeOptions::default(),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let started = rt.block_on(async { Replica::start(config, Sum::default()) });
    let Err(err) = started else {
        panic!("started on an address in use")
    };
    assert!(
        err.to_string().contains(&addr.to_string()),
        "the error names the address: {err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every operation ends: a replica cut off from its ring answers a submit (it is not
/// primary) and a fast read it cannot serve (at the caller's deadline), never waits forever.
#[test]
fn a_replica_without_its_ring_answers_every_call_by_its_deadline() {
    let (me, a, b) = (free_port(), free_port(), free_port());
    let dir = std::env::temp_dir().join(format!("keel-tcp-alone-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let members = [me, a, b]
        .iter()
        .enumerate()
        .map(|(i, addr)| Member::new(i as u64 + 1, addr.to_string()))
        .collect();
    let config = ReplicaConfig {
        id: 1,
        cluster: CLUSTER,
        members,
        listen: None,
        dir: dir.clone(),
        init: true,
        options: NodeOptions::default(),
    };
    let replica = Replica::start(config, Sum::default()).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let deadline = Duration::from_millis(300);
    let started = Instant::now();
    let submitted = rt.block_on(replica.submit_within(vec![1; 8], deadline));
    assert!(
        matches!(
            submitted,
            Err(Error::NotPrimary { .. }) | Err(Error::Timeout)
        ),
        "{submitted:?}"
    );
    let read = rt.block_on(replica.read_within(1_000, deadline, |s: &Sum| s.0));
    assert!(matches!(read, Err(Error::Timeout)), "{read:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the calls took {:?}",
        started.elapsed()
    );
    replica.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}
