//! State transfer over real loopback TCP and real files: the primary copies a secondary's
//! checkpoints instead of pausing to write its own, and a replica that was down while its
//! peers checkpointed and cut their logs catches up by fetching a checkpoint, chunk by chunk
//! onto its disk.

use keel_replication::{Member, NodeOptions, Replica, ReplicaConfig, RoleName, StateMachine};
use keel_testkit::free_port;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Appends every request to one byte string, so the state (and its checkpoint) grows.
#[derive(Debug, Default)]
struct Blob(Vec<u8>);

impl StateMachine for Blob {
    fn execute(&mut self, request: &[u8]) -> Vec<u8> {
        self.0.extend_from_slice(request);
        (self.0.len() as u64).to_le_bytes().to_vec()
    }
    fn save(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(&(self.0.len() as u64).to_le_bytes())?;
        out.write_all(&self.0)
    }
    fn load(&mut self, input: &mut dyn Read) -> io::Result<()> {
        let mut len = [0u8; 8];
        input.read_exact(&mut len)?;
        self.0 = vec![0; u64::from_le_bytes(len) as usize];
        input.read_exact(&mut self.0)
    }
}

const CLUSTER: u64 = 78;
const REQUEST: usize = 16 << 10;

struct Dirs(Vec<PathBuf>);

impl Drop for Dirs {
    fn drop(&mut self) {
        for d in &self.0 {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

fn checkpoints(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("checkpoint-"))
        .collect();
    names.sort();
    names
}

#[test]
fn a_replica_behind_the_truncated_logs_catches_up_by_checkpoint_transfer() {
    let members: Vec<Member> = (1..=3)
        .map(|id| Member::new(id, free_port().to_string()))
        .collect();
    let dirs = Dirs(
        (1..=3)
            .map(|id| {
                let d =
                    std::env::temp_dir().join(format!("keel-transfer-{}-{id}", std::process::id()));
                let _ = std::fs::remove_dir_all(&d);
                d
            })
            .collect(),
    );
    let mut options = NodeOptions::default();
    options.protocol.election_timeout = Duration::from_millis(300);
    options.protocol.heartbeat_interval = Duration::from_millis(30);
    options.checkpoint_interval = 20;
    // Many chunks per transfer: 100 requests of 16 KiB make a 1.6 MB checkpoint.
    options.transfer_chunk = 64 << 10;
    let config = |id: u64| ReplicaConfig {
        id,
        cluster: CLUSTER,
        members: members.clone(),
        listen: None,
        dir: dirs.0[id as usize - 1].clone(),
        init: !dirs.0[id as usize - 1].join("replica.id").exists(),
        options: options.clone(),
    };
    let mut replicas: Vec<Option<Replica<Blob>>> = (1..=3)
        .map(|id| Some(Replica::start(config(id), Blob::default()).unwrap()))
        .collect();
    let primary = |replicas: &[Option<Replica<Blob>>]| {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            for (i, r) in replicas.iter().enumerate() {
                if let Some(r) = r
                    && r.status().role == RoleName::Primary
                    && r.submit_blocking(vec![]).is_ok()
                {
                    return i;
                }
            }
            assert!(Instant::now() < deadline, "no primary within 20 s");
            std::thread::sleep(Duration::from_millis(10));
        }
    };

    // One replica (not the primary) goes down early.
    let p = primary(&replicas);
    let down = (p + 1) % 3;
    replicas[down].take().unwrap().shutdown();

    // The other two run on, at least 100 requests and until both have cut their logs (each
    // cuts behind the older of its two newest checkpoints; secondaries write one every 20
    // slots, the primary copies theirs).
    let mut last = None;
    let deadline = Instant::now() + Duration::from_secs(30);
    for n in 0u32.. {
        let cut = replicas.iter().flatten().all(|r| r.status().log_start > 2);
        if n >= 100 && cut {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the logs were not cut within 30 s"
        );
        let p = primary(&replicas);
        let request: Vec<u8> = (0..REQUEST).map(|i| (i as u32 ^ n) as u8).collect();
        last = Some(
            replicas[p]
                .as_ref()
                .unwrap()
                .submit_blocking(request)
                .unwrap(),
        );
    }
    let last = last.unwrap();
    // The secondary wrote checkpoints; the primary did not pause to write its own, it copied
    // the secondary's (it asks once its log spans two intervals, so wait a little for it).
    let p = primary(&replicas);
    let secondary = 3 - p - down;
    let counts = |i: usize| replicas[i].as_ref().unwrap().health().checkpoints;
    assert!(counts(secondary).written >= 1, "{:?}", counts(secondary));
    let deadline = Instant::now() + Duration::from_secs(10);
    while counts(p).kept == 0 {
        assert!(
            Instant::now() < deadline,
            "the primary copied no checkpoint: {:?}",
            counts(p)
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(
        counts(p).written,
        0,
        "the primary wrote a checkpoint: {:?}",
        counts(p)
    );
    let peer = dirs.0[(down + 1) % 3].clone();
    assert!(
        checkpoints(&peer).len() == 2,
        "the peers checkpointed and cut their logs: {:?}",
        checkpoints(&peer)
    );

    // Back up, it is behind the peers' logs: only a checkpoint brings it level.
    let started = Instant::now();
    replicas[down] = Some(Replica::start(config(down as u64 + 1), Blob::default()).unwrap());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let p = primary(&replicas);
    let expected = rt
        .block_on(
            replicas[p]
                .as_ref()
                .unwrap()
                .read(last.slot, |b: &Blob| b.0.clone()),
        )
        .unwrap()
        .0;
    let (caught_up, _) = rt
        .block_on(async {
            tokio::time::timeout(
                Duration::from_secs(30),
                replicas[down]
                    .as_ref()
                    .unwrap()
                    .read(last.slot, |b: &Blob| b.0.clone()),
            )
            .await
        })
        .expect("caught up within 30 s")
        .unwrap();
    eprintln!(
        "caught up {} bytes of state in {:?}",
        caught_up.len(),
        started.elapsed()
    );
    assert_eq!(caught_up.len(), expected.len());
    assert!(caught_up == expected, "the state is the primary's");

    // It got there by installing a peer's checkpoint (the only way past the cut logs), kept
    // as its own; no partial file is left behind.
    let own = &dirs.0[down];
    let received = replicas[down].as_ref().unwrap().health().checkpoints;
    assert_eq!(received.installed, 1, "{received:?}");
    assert!(!checkpoints(own).is_empty());
    assert!(
        !own.join("received.tmp").exists(),
        "the partial file is gone"
    );
    for r in replicas.into_iter().flatten() {
        r.shutdown();
    }
}
