//! The tracker against a real service on loopback TCP. Each replica is a TCP server
//! speaking a line protocol (`WHO` -> `PRIMARY` | `PRIMARY_IS <port>` | `UNKNOWN`;
//! `GET` -> `OK <port> <epoch>` | `NOT_PRIMARY <port or ->`); the connector opens real
//! connections, and the shared channel is one TCP connection per generation. Failovers move
//! the primary and kill the old one (its connections are shut down, new ones dropped), so
//! callers see both "not primary" and "connection lost".

mod sim;

use keel_tracker::{Answer, Config, Connector, Error, Failure, Policy, Tracker};
use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufStream};

struct State {
    primary: Option<usize>,
    epoch: u64,
    /// (epoch, primary's port, when it took over)
    history: Vec<(u64, Option<u16>, Instant)>,
}

struct Service {
    ports: Vec<u16>,
    dead: Vec<AtomicBool>,
    conns: Mutex<Vec<(usize, TcpStream)>>,
    state: Mutex<State>,
}

impl Service {
    fn start(n: usize) -> Arc<Service> {
        let listeners: Vec<TcpListener> = (0..n)
            .map(|_| TcpListener::bind("127.0.0.1:0").unwrap())
            .collect();
        let service = Arc::new(Service {
            ports: listeners
                .iter()
                .map(|l| l.local_addr().unwrap().port())
                .collect(),
            dead: (0..n).map(|_| AtomicBool::new(false)).collect(),
            conns: Mutex::new(Vec::new()),
            state: Mutex::new(State {
                primary: Some(0),
                epoch: 1,
                history: vec![(0, None, Instant::now()), (1, None, Instant::now())],
            }),
        });
        service.state.lock().unwrap().history[1].1 = Some(service.ports[0]);
        for (me, listener) in listeners.into_iter().enumerate() {
            let service = service.clone();
            // Accept loops end with the test process.
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    let Ok(stream) = stream else { continue };
                    let _ = stream.set_nodelay(true);
                    if service.dead[me].load(SeqCst) {
                        continue; // dropped at once: the client sees the connection close
                    }
                    service
                        .conns
                        .lock()
                        .unwrap()
                        .push((me, stream.try_clone().unwrap()));
                    let service = service.clone();
                    std::thread::spawn(move || service.serve(me, stream));
                }
            });
        }
        service
    }

    fn serve(&self, me: usize, stream: TcpStream) {
        let mut out = stream.try_clone().unwrap();
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { return };
            if self.dead[me].load(SeqCst) {
                return;
            }
            let reply = {
                let s = self.state.lock().unwrap();
                let port = |i: Option<usize>| i.map(|i| self.ports[i].to_string());
                match line.trim() {
                    "WHO" if s.primary == Some(me) => "PRIMARY".to_owned(),
                    "WHO" => port(s.primary)
                        .map(|p| format!("PRIMARY_IS {p}"))
                        .unwrap_or_else(|| "UNKNOWN".into()),
                    "GET" if s.primary == Some(me) => format!("OK {} {}", self.ports[me], s.epoch),
                    "GET" => format!("NOT_PRIMARY {}", port(s.primary).unwrap_or("-".into())),
                    other => format!("ERROR unknown command {other:?}"),
                }
            };
            // One write per reply (and no Nagle delay): this is a request/response protocol.
            if out.write_all(format!("{reply}\n").as_bytes()).is_err() {
                return;
            }
        }
    }

    /// Moves the primary to `to` and kills the old primary.
    fn fail_over(&self, to: usize) {
        let old = {
            let mut s = self.state.lock().unwrap();
            let old = s.primary;
            s.primary = Some(to);
            s.epoch += 1;
            let epoch = s.epoch;
            s.history
                .push((epoch, Some(self.ports[to]), Instant::now()));
            old
        };
        if let Some(old) = old {
            self.dead[old].store(true, SeqCst);
            for (owner, conn) in self.conns.lock().unwrap().iter() {
                if *owner == old {
                    let _ = conn.shutdown(Shutdown::Both);
                }
            }
        }
    }

    fn primary_port_in(&self, epoch: u64) -> Option<u16> {
        let s = self.state.lock().unwrap();
        s.history.iter().find(|h| h.0 == epoch).and_then(|h| h.1)
    }
}

struct Tcp;

/// One connection shared by every caller, one exchange at a time. The tracker drops a
/// request's future at its deadline, so an exchange can be cut between request and reply:
/// the connection is then out of step, and says so (`ConnectionLost`) to whoever comes next,
/// which makes the tracker reconnect.
struct Channel {
    conn: tokio::sync::Mutex<Conn>,
}

struct Conn {
    stream: BufStream<tokio::net::TcpStream>,
    in_doubt: bool,
}

async fn exchange(
    stream: &mut BufStream<tokio::net::TcpStream>,
    request: &str,
) -> Result<String, Failure<SocketAddr>> {
    let lost = |_| Failure::ConnectionLost;
    stream
        .write_all(format!("{request}\n").as_bytes())
        .await
        .map_err(lost)?;
    stream.flush().await.map_err(lost)?;
    let mut line = String::new();
    if stream.read_line(&mut line).await.map_err(lost)? == 0 {
        return Err(Failure::ConnectionLost);
    }
    Ok(line.trim().to_owned())
}

fn port_addr(port: &str) -> Option<SocketAddr> {
    port.parse::<u16>()
        .ok()
        .map(|p| SocketAddr::from(([127, 0, 0, 1], p)))
}

impl Connector for Tcp {
    type Address = SocketAddr;
    type Channel = Channel;

    async fn connect(&self, address: &SocketAddr) -> Result<Channel, Failure<SocketAddr>> {
        let stream = tokio::net::TcpStream::connect(address)
            .await
            .map_err(|_| Failure::ConnectionLost)?;
        let _ = stream.set_nodelay(true);
        Ok(Channel {
            conn: tokio::sync::Mutex::new(Conn {
                stream: BufStream::new(stream),
                in_doubt: false,
            }),
        })
    }

    async fn query(&self, address: &SocketAddr) -> Result<Answer<SocketAddr>, Failure<SocketAddr>> {
        let stream = tokio::net::TcpStream::connect(address)
            .await
            .map_err(|_| Failure::ConnectionLost)?;
        let reply = exchange(&mut BufStream::new(stream), "WHO").await?;
        Ok(match reply.split_once(' ') {
            None if reply == "PRIMARY" => Answer::IAmPrimary,
            Some(("PRIMARY_IS", port)) => {
                port_addr(port).map_or(Answer::Unknown, Answer::PrimaryIs)
            }
            _ => Answer::Unknown,
        })
    }
}

impl Channel {
    /// `GET`: the serving replica's port and its epoch.
    async fn get(&self) -> Result<(u16, u64), Failure<SocketAddr>> {
        let mut conn = self.conn.lock().await;
        if conn.in_doubt {
            return Err(Failure::ConnectionLost);
        }
        conn.in_doubt = true;
        let reply = exchange(&mut conn.stream, "GET").await?;
        conn.in_doubt = false;
        let parts: Vec<&str> = reply.split(' ').collect();
        match parts.as_slice() {
            ["OK", port, epoch] => Ok((port.parse().unwrap(), epoch.parse().unwrap())),
            ["NOT_PRIMARY", hint] => Err(Failure::NotPrimary {
                hint: port_addr(hint),
            }),
            _ => panic!("unexpected reply {reply:?}"),
        }
    }
}

#[test]
fn follows_the_primary_of_a_real_tcp_service_through_failovers() {
    let service = Service::start(5);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let addrs: Vec<SocketAddr> = service
        .ports
        .iter()
        .map(|p| port_addr(&p.to_string()).unwrap())
        .collect();
    let mut cfg = Config::new(addrs);
    cfg.query_timeout = Duration::from_millis(200);
    cfg.backoff_min = Duration::from_millis(5);
    cfg.backoff_max = Duration::from_millis(50);
    let tracker = Tracker::new(Tcp, cfg, rt.handle().clone());

    let stop = Arc::new(AtomicBool::new(false));
    let jitter = sim::Jitter::start();
    let first_success_after = Arc::new(Mutex::new(Vec::<(u64, Instant)>::new()));
    let (ok, failed) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let callers: Vec<_> = (0..16)
        .map(|_| {
            let (tracker, service, stop, firsts, ok, failed) = (
                tracker.clone(),
                service.clone(),
                stop.clone(),
                first_success_after.clone(),
                ok.clone(),
                failed.clone(),
            );
            rt.spawn(async move {
                let policy = Policy::new(Duration::from_millis(500)).attempts(3);
                let mut worst = (Duration::ZERO, String::new());
                while !stop.load(SeqCst) {
                    let t = Instant::now();
                    let r = tracker
                        .call(&policy, |p| async move { p.channel().get().await })
                        .await;
                    let took = t.elapsed();
                    if took.saturating_sub(policy.timeout) > worst.0 {
                        worst = (took - policy.timeout, format!("{took:?}: {r:?}"));
                    }
                    match r {
                        Ok((port, epoch)) => {
                            ok.fetch_add(1, SeqCst);
                            assert_eq!(
                                service.primary_port_in(epoch),
                                Some(port),
                                "served by a non-primary"
                            );
                            let mut f = firsts.lock().unwrap();
                            if !f.iter().any(|(e, _)| *e == epoch) {
                                f.push((epoch, Instant::now()));
                            }
                        }
                        Err(Error::DeadlineExceeded { .. } | Error::Failed { .. }) => {
                            failed.fetch_add(1, SeqCst);
                        }
                        Err(e) => panic!("unexpected {e}"),
                    }
                }
                worst
            })
        })
        .collect();

    // Four failovers, each killing the old primary, once requests flow on the current one.
    for to in 1..5 {
        let epoch = to as u64;
        while !first_success_after
            .lock()
            .unwrap()
            .iter()
            .any(|(e, _)| *e == epoch)
        {
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_millis(50));
        service.fail_over(to);
    }
    while !first_success_after
        .lock()
        .unwrap()
        .iter()
        .any(|(e, _)| *e == 5)
    {
        std::thread::sleep(Duration::from_millis(1));
    }
    stop.store(true, SeqCst);
    let overruns: Vec<_> = callers
        .into_iter()
        .map(|c| rt.block_on(c).unwrap())
        .collect();
    let allowance = jitter.allowance();
    for (overrun, request) in overruns {
        assert!(
            overrun <= allowance,
            "{request}, past the allowance of {allowance:?}"
        );
    }

    let m = tracker.metrics();
    eprintln!(
        "{} ok, {} failed; {m:?}",
        ok.load(SeqCst),
        failed.load(SeqCst)
    );
    assert_eq!(m.discoveries, m.generation, "{m:?}");
    assert!(m.generation >= 5, "followed every failover: {m:?}");
    assert!(
        m.failures.not_primary + m.failures.connection_lost >= 4,
        "{m:?}"
    );
    // How long each failover kept requests from succeeding, over real TCP.
    let s = service.state.lock().unwrap();
    let firsts = first_success_after.lock().unwrap();
    for epoch in 2..=5u64 {
        let took_over = s.history.iter().find(|h| h.0 == epoch).unwrap().2;
        let first = firsts.iter().find(|(e, _)| *e == epoch).unwrap().1;
        eprintln!(
            "failover to epoch {epoch}: first success after {:?}",
            first - took_over
        );
    }
}
