//! Helpers for keel-registry's tests: the real binary on a loopback port, a minimal HTTP/1.1
//! client over std's TcpStream, and `.crate` files built in memory.

#![allow(dead_code)] // each test binary uses a different part

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

// The test CA, shared with xtask's tests (which include this file by path).
mod ca;
#[allow(unused_imports)] // not every test binary makes a CA
pub use ca::test_ca;
mod tls;
#[allow(unused_imports)]
pub use tls::TlsConn;

/// A scratch directory removed on drop. Under /tmp, not TMPDIR: under `cargo xtask test`
/// TMPDIR is inside the Keel checkout, whose Cargo.toml and .cargo/config.toml would
/// otherwise apply to the cargo projects the tests create.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = Path::new("/tmp").join(format!(
            "keel-registry-test-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running `keel-registry serve`, killed on drop.
pub struct Server {
    pub child: Child,
    pub url: String,
    pub addr: String,
}

impl Server {
    /// Starts the binary on a free loopback port and waits for its "listening" line.
    pub fn start(dir: &Path, extra: &[&str]) -> Server {
        Self::start_with_log(dir, extra, Stdio::null())
    }

    /// The same, its log (stderr) going to `log`.
    pub fn start_logged(dir: &Path, extra: &[&str], log: &Path) -> Server {
        Self::start_with_log(dir, extra, std::fs::File::create(log).unwrap().into())
    }

    fn start_with_log(dir: &Path, extra: &[&str], log: Stdio) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_keel-registry"))
            .args(["serve", "--dir"])
            .arg(dir)
            .args(["--addr", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://") || w.starts_with("https://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .to_owned();
        let addr = url
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .to_owned();
        Server { child, url, addr }
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Waits until `log` holds `needle` `count` times (a server's log line is the event that it
/// acted), for at most 10 s.
pub fn await_log(log: &Path, needle: &str, count: usize) {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        if text.matches(needle).count() >= count {
            return;
        }
        assert!(
            std::time::Instant::now() < until,
            "the server never logged {needle:?} {count} times:\n{text}"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

pub fn token(dir: &Path, owner: &str) -> String {
    token_with(dir, owner, &[])
}

/// A token made by `keel-registry token new PRINCIPAL ARGS...`.
pub fn token_with(dir: &Path, principal: &str, args: &[&str]) -> String {
    let out = registry(dir, &["token", "new", principal], args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// Runs `keel-registry --dir DIR COMMAND... ARGS...`.
pub fn registry(dir: &Path, command: &[&str], args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_keel-registry"))
        .arg("--dir")
        .arg(dir)
        .args(command)
        .args(args)
        .output()
        .unwrap()
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request (Connection: close).
pub fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    try_http(addr, method, path, headers, body).unwrap()
}

/// `http`, with connection failures as errors (for a server that may be killed).
pub fn try_http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Reply> {
    let mut s = TcpStream::connect(addr)?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes())?;
    s.write_all(body)?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no complete response"))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v == "chunked")
    {
        body = dechunk(&body);
    }
    Ok(Reply {
        status,
        headers,
        body,
    })
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = b.windows(2).position(|w| w == b"\r\n").unwrap();
        let n = usize::from_str_radix(std::str::from_utf8(&b[..end]).unwrap().trim(), 16).unwrap();
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&b[end + 2..end + 2 + n]);
        b = &b[end + 2 + n + 2..];
    }
}

/// A `.crate`: gzip tar of `entries` (path, contents).
pub fn tar_gz(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::fast(),
    ));
    for (path, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        // set_path refuses `..`; write the raw name so tests can build hostile archives.
        let name = path.as_bytes();
        h.as_old_mut().name[..name.len()].copy_from_slice(name);
        h.set_cksum();
        builder.append(&h, *data).unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap()
}

/// A well-formed `.crate` for `name` `vers`; `salt` changes its bytes.
pub fn crate_file(name: &str, vers: &str, salt: &str) -> Vec<u8> {
    let toml = format!("[package]\nname = \"{name}\"\nversion = \"{vers}\"\nedition = \"2021\"\n");
    let lib = format!("// {salt}\npub fn f() {{}}\n");
    tar_gz(&[
        (&format!("{name}-{vers}/Cargo.toml"), toml.as_bytes()),
        (&format!("{name}-{vers}/src/lib.rs"), lib.as_bytes()),
    ])
}

/// The publish body: u32 LE length + metadata JSON + u32 LE length + .crate.
pub fn publish_body(json: &str, file: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&(json.len() as u32).to_le_bytes());
    b.extend_from_slice(json.as_bytes());
    b.extend_from_slice(&(file.len() as u32).to_le_bytes());
    b.extend_from_slice(file);
    b
}

pub fn meta(name: &str, vers: &str) -> String {
    format!(
        r#"{{"name":"{name}","vers":"{vers}","deps":[],"features":{{}},"authors":[],"description":"test crate {name}","license":"MIT"}}"#
    )
}

pub fn publish(addr: &str, token: &str, name: &str, vers: &str, salt: &str) -> Reply {
    let body = publish_body(&meta(name, vers), &crate_file(name, vers, salt));
    http(
        addr,
        "PUT",
        "/api/v1/crates/new",
        &[("Authorization", token)],
        &body,
    )
}

pub fn sha256_hex(b: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// Every index line points at a stored .crate with its checksum, and nothing half-written
/// is visible. Returns the number of index lines.
pub fn check_store(dir: &Path) -> usize {
    let mut lines = 0;
    let mut stack = vec![dir.join("index")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            assert!(
                !name.starts_with(".tmp-"),
                "a temp file is visible: {}",
                e.path().display()
            );
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
                continue;
            }
            let text = std::fs::read_to_string(e.path()).unwrap();
            assert!(text.ends_with('\n'), "index file {name} is cut short");
            for l in text.lines() {
                let v: serde_json::Value = serde_json::from_str(l)
                    .unwrap_or_else(|err| panic!("bad index line {l:?}: {err}"));
                let (n, vers) = (v["name"].as_str().unwrap(), v["vers"].as_str().unwrap());
                let file = dir
                    .join("crates")
                    .join(n.to_lowercase())
                    .join(format!("{}-{vers}.crate", n.to_lowercase()));
                let bytes = std::fs::read(&file)
                    .unwrap_or_else(|_| panic!("{n} {vers} is indexed but its .crate is missing"));
                assert_eq!(
                    v["cksum"],
                    sha256_hex(&bytes),
                    "{n} {vers}: checksum mismatch"
                );
                lines += 1;
            }
        }
    }
    lines
}
