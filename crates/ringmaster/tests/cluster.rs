//! The README's walk-through, as a test: three `ringmaster serve` processes on loopback,
//! operated through `ringmaster cli`. Create, set, get and watch; SIGKILL the primary; the
//! clients carry on, no acknowledged write is lost, the ephemeral node of a client killed
//! with SIGKILL vanishes when its session expires, and the watcher sees it. And a library
//! client's one-shot watch that fired is not armed again by a failover.

use keel_ringmaster::client::Client;
use keel_ringmaster::proto::{CreateMode, EventKind, Op, Reply, WatchKind};
use keel_service::members::members_spec as spec;
use keel_testkit::LocalRing;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ringmaster");

fn cli(servers: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(["cli", "--servers", servers, "--session-timeout-ms", "1500"])
        .args(args)
        .output()
        .unwrap()
}

fn ok(servers: &str, args: &[&str]) -> String {
    let out = cli(servers, args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "ringmaster cli {args:?}: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// A long-running `ringmaster cli` whose output lines arrive on a channel.
fn spawn(servers: &str, args: &[&str]) -> (Child, mpsc::Receiver<String>) {
    let mut child = Command::new(BIN)
        .args(["cli", "--servers", servers, "--session-timeout-ms", "1500"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

fn expect_line(rx: &mpsc::Receiver<String>, contains: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if line.contains(contains) => return line,
            Ok(_) => continue,
            Err(_) => panic!("no line containing {contains:?} within 30 s"),
        }
    }
}

#[test]
fn a_three_process_ring_through_the_cli_survives_sigkill_of_its_primary() {
    let dir = std::env::temp_dir().join(format!("keel-ringmaster-cluster-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let args = ["--election-timeout-ms", "500", "--heartbeat-ms", "50"];
    let mut ring = LocalRing::new(BIN.into(), dir.clone(), 21, 3, &args).announce_servers();
    ring.start_all();
    let servers = spec(&ring.clients);

    assert_eq!(
        ok(&servers, &["create", "/app", "v0"]).trim(),
        "created /app"
    );
    assert_eq!(ok(&servers, &["get", "/app"]).trim(), "v0");
    let (mut watcher, events) = spawn(&servers, &["watch", "/app", "--children", "--persistent"]);
    expect_line(&events, "watching /app");
    let (mut holder, held) = spawn(&servers, &["hold", "/app/lock", "me"]);
    expect_line(&held, "created /app/lock");
    expect_line(&events, "ChildrenChanged /app");
    ok(&servers, &["set", "/app", "v1"]);

    // Writes from a library client, before and after the kill.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (client, _) = rt
        .block_on(Client::connect(
            ring.servers(),
            Duration::from_secs(20),
            Duration::from_secs(10),
        ))
        .unwrap();
    let mut acked = Vec::new();
    for i in 0..50 {
        let p = format!("/w{i}");
        rt.block_on(client.create(&p, b"x", CreateMode::Persistent))
            .unwrap();
        acked.push(p);
    }
    let Reply::Status(status) = rt.block_on(client.call(Op::Status)).unwrap() else {
        panic!()
    };
    assert!(status.primary);
    let killed = Instant::now();
    ring.kill(status.id as usize - 1);
    // The CLI carries on against the new primary.
    assert_eq!(
        ok(&servers, &["set", "/app", "v2"]).trim(),
        "ok (version 2)"
    );
    eprintln!(
        "first write through the CLI after SIGKILL of the primary: {:?}",
        killed.elapsed()
    );
    for i in 50..100 {
        let p = format!("/w{i}");
        rt.block_on(client.create(&p, b"x", CreateMode::Persistent))
            .unwrap();
        acked.push(p);
    }
    // The holder dies without closing its session: its node goes when the session expires.
    holder.kill().unwrap();
    holder.wait().unwrap();
    expect_line(&events, "ChildrenChanged /app");
    assert_eq!(
        ok(&servers, &["exists", "/app/lock"]).trim(),
        "does not exist"
    );
    assert_eq!(ok(&servers, &["get", "/app"]).trim(), "v2");
    for p in &acked {
        assert!(
            rt.block_on(client.get(p)).is_ok(),
            "acknowledged create of {p} was lost"
        );
    }
    let _ = watcher.kill();
    let _ = watcher.wait();
    drop(client);
    drop(ring);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The native client sets its watches again after a failover; a one-shot watch that
/// already fired is not among them (else the new primary would fire it a second time).
#[test]
fn a_fired_one_shot_watch_is_not_armed_again_by_a_failover() {
    let dir = std::env::temp_dir().join(format!("keel-ringmaster-rearm-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let args = ["--election-timeout-ms", "500", "--heartbeat-ms", "50"];
    let mut ring = LocalRing::new(BIN.into(), dir.clone(), 22, 3, &args).announce_servers();
    ring.start_all();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (client, mut events) = rt
        .block_on(Client::connect(
            ring.servers(),
            Duration::from_secs(20),
            Duration::from_secs(10),
        ))
        .unwrap();
    let next = |events: &mut tokio::sync::mpsc::UnboundedReceiver<
        keel_ringmaster::proto::Event,
    >| {
        rt.block_on(async { tokio::time::timeout(Duration::from_secs(30), events.recv()).await })
            .expect("an event within 30 s")
            .expect("the client is open")
    };
    for p in ["/once", "/marker"] {
        rt.block_on(client.create(p, b"0", CreateMode::Persistent))
            .unwrap();
    }
    rt.block_on(client.watch("/once", WatchKind::Data, false))
        .unwrap();
    rt.block_on(client.watch("/marker", WatchKind::Data, true))
        .unwrap();
    rt.block_on(client.set("/once", b"1", None)).unwrap();
    let fired = next(&mut events);
    assert_eq!(
        (fired.path.as_str(), fired.kind),
        ("/once", EventKind::DataChanged)
    );

    let Reply::Status(status) = rt.block_on(client.call(Op::Status)).unwrap() else {
        panic!()
    };
    ring.kill(status.id as usize - 1);
    // The first call through the new primary sets the watches again; then /once changes,
    // then the marker: had /once's spent watch been armed again, its event would come first.
    rt.block_on(client.get("/marker")).unwrap();
    rt.block_on(client.set("/once", b"2", None)).unwrap();
    rt.block_on(client.set("/marker", b"1", None)).unwrap();
    let after = next(&mut events);
    assert_eq!(
        (after.path.as_str(), after.kind),
        ("/marker", EventKind::DataChanged),
        "a one-shot watch that fired before the failover fired again after it"
    );
    drop(client);
    drop(ring);
    let _ = std::fs::remove_dir_all(&dir);
}
