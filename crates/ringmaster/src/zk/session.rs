//! Connecting: ZooKeeper's ConnectRequest and ConnectResponse, new sessions and reattaches,
//! and what a client sees of a session: its public id and password, both MACs of the tree's
//! session id under the ring's secret. (ACL records are read and written here too.)

use super::jute::{Malformed, Reader, Writer};
use super::{CATCH_UP, Config};
use crate::proto::{Acl, Code, Event, Id, Op, Reply, Request};
use crate::server::{Notify, Server};
use crate::store::Store;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// The ring's secret: every server of a ring must hold the same one, so that a session
/// opened on one is accepted on another.
#[derive(Clone)]
pub struct Secret(Arc<Vec<u8>>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl Secret {
    /// At least 16 bytes, as read from `--zk-secret-file`.
    pub fn new(bytes: Vec<u8>) -> Result<Secret, String> {
        if bytes.len() < 16 {
            return Err(format!(
                "the secret holds {} bytes; give at least 16 (e.g. `head -c 32 /dev/urandom > FILE`)",
                bytes.len()
            ));
        }
        Ok(Secret(Arc::new(bytes)))
    }

    /// A fresh random secret, for a server that is its own ring (`--memory`).
    pub fn random() -> Secret {
        Secret(Arc::new(crate::random::bytes::<32>().to_vec()))
    }

    fn mac(&self, label: &[u8], id: u64) -> [u8; 32] {
        let mut m = Hmac::<Sha256>::new_from_slice(&self.0).expect("any key length");
        m.update(label);
        m.update(&id.to_be_bytes());
        m.finalize().into_bytes().into()
    }

    /// The id a client sees for the tree's session `id`: 31 bits of MAC above the id.
    pub fn public(&self, id: u64) -> i64 {
        let tag = u32::from_be_bytes(self.mac(b"session-id", id)[..4].try_into().expect("4"))
            & 0x7fff_ffff;
        ((u64::from(tag) << 32) | (id & 0xffff_ffff)) as i64
    }

    /// The tree's session id a public id names, if its MAC is right.
    pub fn private(&self, public: i64) -> Option<u64> {
        let id = (public as u64) & 0xffff_ffff;
        (self.public(id) == public).then_some(id)
    }

    /// The session's password (16 bytes, as ZooKeeper's).
    pub fn password(&self, id: u64) -> [u8; 16] {
        self.mac(b"session-password", id)[..16]
            .try_into()
            .expect("16")
    }
}

#[derive(Debug)]
pub struct ConnectRequest {
    pub last_zxid: i64,
    pub timeout_ms: i32,
    pub session: i64,
    pub password: Vec<u8>,
    /// Whether the client sent the read-only flag (then the response carries one too).
    pub read_only_flag: bool,
}

impl ConnectRequest {
    pub fn parse(body: &[u8]) -> Result<ConnectRequest, Malformed> {
        let mut r = Reader::new(body);
        let _protocol = r.int()?;
        let last_zxid = r.long()?;
        let timeout_ms = r.int()?;
        let session = r.long()?;
        let password = r.buffer()?;
        let read_only_flag = r.remaining() > 0;
        if read_only_flag {
            r.bool()?;
        }
        Ok(ConnectRequest {
            last_zxid,
            timeout_ms,
            session,
            password,
            read_only_flag,
        })
    }
}

fn response(req: &ConnectRequest, timeout_ms: u64, session: i64, password: &[u8]) -> Vec<u8> {
    let mut w = Writer::default();
    w.int(0)
        .int(timeout_ms.min(i32::MAX as u64) as i32)
        .long(session)
        .buffer(password);
    if req.read_only_flag {
        w.bool(false);
    }
    w.frame()
}

/// Opens or reattaches the session `req` asks for and answers it; the tree's session id,
/// or None when it was refused (expired, unknown, or a wrong password: the refusal sent).
pub async fn establish<S: Store>(
    server: &Arc<Server<S>>,
    config: &Config,
    conn: u64,
    out: &mpsc::UnboundedSender<Vec<u8>>,
    req: &ConnectRequest,
) -> Result<Option<u64>, String> {
    let nobody: Notify = Arc::new(|_: &Event| true);
    let call = |session: u64, op: Op| {
        let request = Request {
            id: 0,
            session,
            min_seq: 0,
            op,
            once: None,
            password: None,
        };
        let nobody = nobody.clone();
        async move { server.handle(conn, &nobody, request).await }
    };
    let refuse = || {
        let _ = out.send(response(req, 0, 0, &[0; 16]));
        Ok(None)
    };
    if req.session == 0 {
        let timeout_ms =
            (req.timeout_ms.max(0) as u64).clamp(config.min_timeout_ms, config.max_timeout_ms);
        // The tree keeps a password for it too: servers show it when they forward.
        let open = Op::OpenSessionWith {
            timeout_ms,
            password: crate::random::bytes(),
        };
        let (reply, _) = call(0, open)
            .await
            .map_err(|e| format!("opening a session: {e}"))?;
        let Reply::Session { id, timeout_ms } = reply else {
            return Err(format!("opening a session answered {reply:?}"));
        };
        if id > 0xffff_ffff {
            return Err(format!(
                "session id {id} is past the 32 bits a public id carries"
            ));
        }
        tracing::debug!(session = id, timeout_ms, "zookeeper session opened");
        let _ = out.send(response(
            req,
            timeout_ms,
            config.secret.public(id),
            &config.secret.password(id),
        ));
        return Ok(Some(id));
    }
    // A reattach: the id's MAC and the password must both be right.
    let Some(id) = config.secret.private(req.session) else {
        tracing::info!(
            session = req.session,
            "refused a reattach: not a session id this ring issued"
        );
        return refuse();
    };
    if req.password != config.secret.password(id) {
        tracing::info!(session = id, "refused a reattach: wrong password");
        return refuse();
    }
    // This server must have applied what the client has seen before it answers for it.
    let deadline = Instant::now() + CATCH_UP;
    let timeout_ms = loop {
        let seen = req.last_zxid.max(0) as u64;
        let state = server
            .store
            .inspect(move |t| (t.zxid >= seen, t.sessions.get(&id).map(|s| s.timeout_ms)))
            .await
            .map_err(|e| e.to_string())?;
        match state {
            (true, Some(t)) => break t,
            (true, None) => return refuse(),
            (false, _) if Instant::now() > deadline => {
                return Err(format!(
                    "the client has seen zxid {seen}, which this server has not reached"
                ));
            }
            (false, _) => tokio::time::sleep(Duration::from_millis(5)).await,
        }
    };
    // The primary hears from it now (and says whether it is still alive).
    match call(id, Op::Heartbeat).await {
        Err(e) if e.code == Code::SessionExpired => return refuse(),
        _ => {}
    }
    let _ = out.send(response(
        req,
        timeout_ms,
        req.session,
        &config.secret.password(id),
    ));
    Ok(Some(id))
}

/// A vector of ACL records.
pub fn acls(r: &mut Reader<'_>) -> Result<Vec<Acl>, Malformed> {
    let n = r.count()?;
    (0..n)
        .map(|_| {
            let perms = r.int()? as u32;
            let scheme = r.string()?;
            let id = r.string()?;
            Ok(Acl {
                perms,
                id: Id { scheme, id },
            })
        })
        .collect()
}

/// A vector of ACL records, as written.
pub fn put_acls(w: &mut Writer, acl: &[Acl]) {
    w.int(acl.len() as i32);
    for a in acl {
        w.int(a.perms as i32).string(&a.id.scheme).string(&a.id.id);
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn public_ids_and_passwords_are_macs_another_secret_refuses() {
        let s = Secret::new(b"0123456789abcdef0123".to_vec()).unwrap();
        let p = s.public(7);
        assert!(p > 0 && (p as u64) >> 32 != 0, "{p:#x}");
        assert_eq!(s.private(p), Some(7));
        assert_eq!(s.private(p ^ (1 << 40)), None, "a guessed id is refused");
        assert_eq!(s.private(7), None, "the bare tree id is refused");
        let other = Secret::new(b"another secret, 20b".to_vec()).unwrap();
        assert_eq!(other.private(p), None);
        assert_ne!(s.password(7), other.password(7));
        assert_ne!(s.password(7), s.password(8));
        assert!(Secret::new(b"short".to_vec()).is_err());
    }
}
