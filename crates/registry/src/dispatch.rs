//! Connections spread evenly over the serving threads. One thread accepts, and hands each
//! connection to the next serving thread in turn; each serving thread is a single-threaded
//! runtime that handles its connections' requests start to finish, as nginx's workers do.
//! (One SO_REUSEPORT socket per thread left the split to the kernel's hash, which with few
//! clients is often lopsided, and hid a port taken by another process.)

use axum::serve::Listener;
use std::net::SocketAddr;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// One serving thread's share of the connections.
#[derive(Debug)]
pub struct Incoming {
    rx: UnboundedReceiver<(std::net::TcpStream, SocketAddr)>,
    local: SocketAddr,
}

/// Starts the accepting thread on `listener`, dealing connections to `threads` shares.
pub fn spread(listener: std::net::TcpListener, threads: usize) -> std::io::Result<Vec<Incoming>> {
    let local = listener.local_addr()?;
    let (txs, shares): (Vec<UnboundedSender<_>>, Vec<Incoming>) = (0..threads.max(1))
        .map(|_| {
            let (tx, rx) = unbounded_channel();
            (tx, Incoming { rx, local })
        })
        .unzip();
    std::thread::Builder::new()
        .name("keel-registry-accept".into())
        .spawn(move || {
            let mut next = 0;
            loop {
                match listener.accept() {
                    Ok((stream, peer)) => {
                        let _ = stream.set_nodelay(true);
                        if stream.set_nonblocking(true).is_err() {
                            continue;
                        }
                        // A share whose thread has ended is skipped; with none left, stop.
                        let mut item = Some((stream, peer));
                        for _ in 0..txs.len() {
                            let tx = &txs[next % txs.len()];
                            next += 1;
                            match tx.send(item.take().expect("not yet sent")) {
                                Ok(()) => break,
                                Err(back) => item = Some(back.0),
                            }
                        }
                        if item.is_some() {
                            return;
                        }
                    }
                    Err(e) => {
                        // Out of file descriptors, say: back off rather than spin.
                        tracing::warn!(error = %e, "accepting a connection");
                        std::thread::sleep(std::time::Duration::from_millis(50));
                    }
                }
            }
        })?;
    Ok(shares)
}

impl Listener for Incoming {
    type Io = tokio::net::TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Some((stream, peer)) = self.rx.recv().await else {
                // The accepting thread has stopped: no more connections, ever.
                return std::future::pending().await;
            };
            match tokio::net::TcpStream::from_std(stream) {
                Ok(s) => return (s, peer),
                Err(e) => tracing::warn!(error = %e, %peer, "taking a connection"),
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.local)
    }
}
