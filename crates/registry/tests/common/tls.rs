//! A TLS client connection for tests that must hold one open: rustls (already the server's
//! TLS library) trusting only a given CA, HTTP/1.1 keep-alive, requests sent in parts.

use super::Reply;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;

pub struct TlsConn {
    stream: BufReader<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>,
    addr: String,
}

impl TlsConn {
    /// Connects to `addr` trusting only `ca`, and completes the handshake (an untrusted
    /// certificate is the error).
    pub fn open(addr: &str, ca: &Path) -> std::io::Result<TlsConn> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = rustls::RootCertStore::empty();
        let pem = std::fs::read(ca)?;
        for cert in rustls::pki_types::pem::PemObject::pem_slice_iter(&pem) {
            roots
                .add(cert.map_err(std::io::Error::other)?)
                .map_err(std::io::Error::other)?;
        }
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(std::io::Error::other)?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let host = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
        let conn =
            rustls::ClientConnection::new(Arc::new(config), host).map_err(std::io::Error::other)?;
        let mut stream = rustls::StreamOwned::new(conn, TcpStream::connect(addr)?);
        while stream.conn.is_handshaking() {
            stream.conn.complete_io(&mut stream.sock)?;
        }
        Ok(TlsConn {
            stream: BufReader::new(stream),
            addr: addr.to_owned(),
        })
    }

    /// Sends a request's head and the first `sent` bytes of its body; `finish` sends the rest.
    pub fn begin(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        sent: usize,
    ) {
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        let s = self.stream.get_mut();
        s.write_all(req.as_bytes()).unwrap();
        s.write_all(&body[..sent]).unwrap();
        s.flush().unwrap();
    }

    /// Sends the rest of the body and reads the reply (the connection stays open).
    pub fn finish(&mut self, rest: &[u8]) -> Reply {
        let s = self.stream.get_mut();
        s.write_all(rest).unwrap();
        s.flush().unwrap();
        let mut status_line = String::new();
        self.stream.read_line(&mut status_line).unwrap();
        let status = status_line
            .split_whitespace()
            .nth(1)
            .unwrap_or_else(|| panic!("no status line: {status_line:?}"))
            .parse()
            .unwrap();
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            self.stream.read_line(&mut line).unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                headers.push((k.trim().to_owned(), v.trim().to_owned()));
            }
        }
        let length: usize = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .map(|(_, v)| v.parse().unwrap())
            .expect("a Content-Length reply (keep-alive needs one here)");
        let mut body = vec![0; length];
        self.stream.read_exact(&mut body).unwrap();
        Reply {
            status,
            headers,
            body,
        }
    }

    /// One whole request on this connection.
    pub fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Reply {
        self.begin(method, path, headers, body, body.len());
        self.finish(&[])
    }
}
