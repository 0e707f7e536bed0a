//! `cargo xtask bench registry`: keel-registry against nginx, both on loopback, in one run.
//!
//! 1. Publishes 200 crates to a fresh keel-registry (in this process), timing each publish;
//!    the baseline is the durable writes alone (the `.crate` and an index file, each temp +
//!    fsync + rename), measured on the same disk.
//! 2. Serves the resulting index files with nginx (static files from the same directory)
//!    and with keel-registry, and drives both with the same keep-alive HTTP/1.1 GET load,
//!    in alternating pairs of short runs; the figure is the median of the pairs' ratios.
//!    Neither keeps an access log (nginx `access_log off`; no log subscriber here, where
//!    the binary logs each request to stderr).
//!
//! Usage: registry-bench --nginx PATH [--seconds S] [--connections C]
//! Prints one JSON object per measurement; the last line compares GET throughput.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

const CRATES: usize = 200;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn crate_name(i: usize) -> String {
    format!("bench-crate-{i:04}")
}

fn crate_file(name: &str, vers: &str) -> Vec<u8> {
    let mut b = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::default(),
    ));
    let toml = format!("[package]\nname = \"{name}\"\nversion = \"{vers}\"\nedition = \"2021\"\n");
    let lib = "pub fn f() -> u32 { 42 }\n".repeat(40);
    for (path, data) in [
        (format!("{name}-{vers}/Cargo.toml"), toml.into_bytes()),
        (format!("{name}-{vers}/src/lib.rs"), lib.into_bytes()),
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, path, data.as_slice()).unwrap();
    }
    b.into_inner().unwrap().finish().unwrap()
}

/// A `cargo publish` request body for `name` 1.0.0: the body, the .crate, the metadata.
fn publish_body(name: &str) -> (Vec<u8>, Vec<u8>, String) {
    let file = crate_file(name, "1.0.0");
    let meta = format!(r#"{{"name":"{name}","vers":"1.0.0","deps":[],"features":{{}}}}"#);
    let mut body = Vec::new();
    body.extend_from_slice(&(meta.len() as u32).to_le_bytes());
    body.extend_from_slice(meta.as_bytes());
    body.extend_from_slice(&(file.len() as u32).to_le_bytes());
    body.extend_from_slice(&file);
    (body, file, meta)
}

/// keel-registry over `dir`, in this process, served as the binary serves it (a thread per
/// core), on a free loopback port: its address, and what keeps it running.
fn serve(dir: &Path, threads: usize) -> (String, keel_registry::Running) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let registry = keel_registry::open(
        dir,
        keel_registry::Options::default(),
        format!("http://{addr}"),
    )
    .unwrap();
    let running = keel_registry::start(registry, listener, threads, None).unwrap();
    (addr, running)
}

/// One request on a fresh connection; returns the status.
fn request(addr: &str, method: &str, path: &str, headers: &str, body: &[u8]) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(s, "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n{headers}\r\n", body.len()).unwrap();
    s.write_all(body).unwrap();
    let mut resp = String::new();
    BufReader::new(s).read_line(&mut resp).unwrap();
    resp.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// GET throughput over `connections` keep-alive connections for `secs`, and the requests done.
fn load(addr: &str, connections: usize, secs: f64) -> (f64, u64) {
    let stop = AtomicBool::new(false);
    let done = AtomicU64::new(0);
    let started = Instant::now();
    std::thread::scope(|s| {
        for c in 0..connections {
            let (stop, done) = (&stop, &done);
            s.spawn(move || {
                let stream = TcpStream::connect(addr).unwrap();
                stream.set_nodelay(true).unwrap();
                let mut w = stream.try_clone().unwrap();
                let mut r = BufReader::new(stream);
                let mut i = c * 7919;
                let mut line = String::new();
                let mut n = 0u64;
                while !stop.load(Relaxed) {
                    let name = crate_name(i % CRATES);
                    i += 1;
                    write!(
                        w,
                        "GET /index/{}/{}/{name} HTTP/1.1\r\nHost: x\r\n\r\n",
                        &name[..2],
                        &name[2..4]
                    )
                    .unwrap();
                    let mut len = 0usize;
                    line.clear();
                    r.read_line(&mut line).unwrap();
                    assert!(line.contains(" 200 "), "unexpected response {line:?}");
                    loop {
                        line.clear();
                        r.read_line(&mut line).unwrap();
                        if line == "\r\n" {
                            break;
                        }
                        if let Some((k, v)) = line.split_once(':')
                            && k.eq_ignore_ascii_case("content-length")
                        {
                            len = v.trim().parse().unwrap();
                        }
                    }
                    let mut body = vec![0u8; len];
                    r.read_exact(&mut body).unwrap();
                    n += 1;
                }
                done.fetch_add(n, Relaxed);
            });
        }
        std::thread::sleep(Duration::from_secs_f64(secs));
        stop.store(true, Relaxed);
    });
    let n = done.load(Relaxed);
    (n as f64 / started.elapsed().as_secs_f64(), n)
}

/// CPU seconds (user + system) used so far by the processes or threads whose `/proc` stat
/// files are `stats`: what a server spent, apart from the load generator.
fn cpu_seconds(stats: &[PathBuf]) -> f64 {
    let ticks: u64 = stats
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .map(|s| {
            // Fields after the command name (which may hold spaces), from field 3 on.
            let rest = &s[s.rfind(')').unwrap() + 2..];
            let f: Vec<&str> = rest.split(' ').collect();
            f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap()
        })
        .sum();
    ticks as f64 / 100.0 // USER_HZ is 100 on Linux
}

/// The stat files of this process's threads named `keel-registry*` (the accept and serving threads).
fn keel_threads() -> Vec<PathBuf> {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|t| {
            std::fs::read_to_string(t.join("comm")).is_ok_and(|c| c.starts_with("keel-registry"))
        })
        .map(|t| t.join("stat"))
        .collect()
}

/// The stat files of nginx's master and its workers.
fn nginx_processes(master: u32) -> Vec<PathBuf> {
    let mut out = vec![PathBuf::from(format!("/proc/{master}/stat"))];
    for e in std::fs::read_dir("/proc").unwrap().filter_map(|e| e.ok()) {
        let stat = e.path().join("stat");
        if let Ok(s) = std::fs::read_to_string(&stat)
            && let Some(rest) = s.rfind(')').map(|i| &s[i + 2..])
            && rest.split(' ').nth(1) == Some(master.to_string().as_str())
        {
            out.push(stat);
        }
    }
    out
}

fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * p) as usize]
}

fn json(metric: &str, value: f64, unit: &str, baseline: f64) -> String {
    json_ratio(metric, value, unit, baseline, value / baseline)
}

/// The same, with a ratio measured on its own (the median of paired ratios is not the
/// ratio of the medians).
fn json_ratio(metric: &str, value: f64, unit: &str, baseline: f64, ratio: f64) -> String {
    let r = |x: f64| (x * 1000.0).round() / 1000.0;
    format!(
        "{{\"suite\":\"registry\",\"metric\":\"{metric}\",\"value\":{},\"unit\":\"{unit}\",\"baseline\":{},\"ratio\":{}}}",
        r(value),
        r(baseline),
        r(ratio)
    )
}

fn main() {
    let nginx = PathBuf::from(
        arg("--nginx")
            .expect("--nginx PATH: the nginx binary (Debian: apt-get install nginx-light)"),
    );
    let secs: f64 = arg("--seconds")
        .and_then(|s| s.parse().ok())
        .unwrap_or(12.0);
    let connections: usize = arg("--connections")
        .and_then(|s| s.parse().ok())
        .unwrap_or(32);
    let dir = std::env::temp_dir().join(format!("keel-registry-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let token = keel_registry::auth::new_token(&dir, "bench").unwrap();

    // keel-registry, in this process, served as the binary serves it: a thread per core.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (keel, _running) = serve(&dir, threads);

    web_ui(&dir, threads);

    // Publish latency against the durable writes alone.
    let mut publish = Vec::new();
    let mut writes = Vec::new();
    let scratch = dir.join("scratch");
    for i in 0..CRATES {
        let name = crate_name(i);
        let (body, file, meta) = publish_body(&name);
        let t = Instant::now();
        let status = request(
            &keel,
            "PUT",
            "/api/v1/crates/new",
            &format!("Authorization: {token}\r\n"),
            &body,
        );
        publish.push(t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(status, 200);
        let t = Instant::now();
        keel_registry::storage::write_atomic(&scratch.join(format!("{i}.crate")), &file).unwrap();
        keel_registry::storage::write_atomic(&scratch.join(format!("{i}.index")), meta.as_bytes())
            .unwrap();
        writes.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let (p50, p99, w50) = (
        percentile(&mut publish, 0.5),
        percentile(&mut publish, 0.99),
        percentile(&mut writes, 0.5),
    );
    println!(
        "publish latency over {CRATES} crates: p50 {p50:.2} ms, p99 {p99:.2} ms; the two durable writes alone: p50 {w50:.2} ms"
    );

    // nginx over the same directory (its index/ files, static).
    let port = keel_testkit::free_port().port();
    let conf = dir.join("nginx.conf");
    std::fs::write(
        &conf,
        format!(
            "daemon off; worker_processes 2; pid {d}/nginx.pid; error_log {d}/nginx-error.log;\n\
             events {{ worker_connections 1024; }}\n\
             http {{ access_log off; keepalive_requests 1000000; default_type text/plain;\n\
               client_body_temp_path {d}/nb; proxy_temp_path {d}/np; fastcgi_temp_path {d}/nf; uwsgi_temp_path {d}/nu; scgi_temp_path {d}/ns;\n\
               server {{ listen 127.0.0.1:{port}; root {d}; }} }}\n",
            d = dir.display()
        ),
    )
    .unwrap();
    let mut server = std::process::Command::new(&nginx)
        .arg("-c")
        .arg(&conf)
        .arg("-p")
        .arg(&dir)
        .spawn()
        .expect("starting nginx");
    let ngx = format!("127.0.0.1:{port}");
    let ready = Instant::now();
    while TcpStream::connect(&ngx).is_err() {
        assert!(
            ready.elapsed() < Duration::from_secs(10),
            "nginx did not start: {}",
            read(&dir.join("nginx-error.log"))
        );
        std::thread::sleep(Duration::from_millis(20));
    }

    // Warm both, then alternate in pairs of short runs. On a small machine the load
    // generator shares the cores with the servers, so throughput drifts with whatever else
    // runs; a pair sees the same conditions, and the median of the pairs' ratios is the figure.
    load(&keel, connections, 0.3);
    load(&ngx, connections, 0.3);
    let rounds = 8;
    let (keel_cpu, nginx_cpu) = (keel_threads(), nginx_processes(server.id()));
    let (mut ks, mut ns, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    // Requests served and CPU seconds spent by each server over all rounds.
    let (mut kwork, mut nwork) = ((0u64, 0f64), (0u64, 0f64));
    let run = |addr: &str, stats: &[PathBuf], work: &mut (u64, f64)| {
        let before = cpu_seconds(stats);
        let (rate, n) = load(addr, connections, secs / (2 * rounds) as f64);
        *work = (work.0 + n, work.1 + cpu_seconds(stats) - before);
        rate
    };
    for round in 0..rounds {
        // Who goes first alternates too, so neither always runs on a warmer machine.
        let (k, n) = if round % 2 == 0 {
            let k = run(&keel, &keel_cpu, &mut kwork);
            (k, run(&ngx, &nginx_cpu, &mut nwork))
        } else {
            let n = run(&ngx, &nginx_cpu, &mut nwork);
            (run(&keel, &keel_cpu, &mut kwork), n)
        };
        ks.push(k);
        ns.push(n);
        ratios.push(k / n);
    }
    let micros = |w: (u64, f64)| w.1 * 1e6 / w.0 as f64;
    let (k, n, ratio) = (
        percentile(&mut ks, 0.5),
        percentile(&mut ns, 0.5),
        percentile(&mut ratios, 0.5),
    );
    // `nginx -s stop`, not SIGKILL: the master then stops its workers, which would
    // otherwise linger and load the machine (and hold this process's output open).
    let stopped = std::process::Command::new(&nginx)
        .arg("-c")
        .arg(&conf)
        .arg("-p")
        .arg(&dir)
        .args(["-s", "stop"])
        .status();
    if !stopped.is_ok_and(|s| s.success()) {
        let _ = server.kill();
    }
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
    ratios.sort_by(f64::total_cmp);
    println!(
        "sparse-index GETs, {connections} keep-alive connections, median of {rounds} paired runs: \
         keel-registry {k:.0}/s, nginx {n:.0}/s; ratio {ratio:.2}x (pairs from {:.2}x to {:.2}x)",
        ratios[0],
        ratios[rounds - 1]
    );
    println!(
        "server CPU per GET: keel-registry {:.1} us, nginx {:.1} us (the load generator's excluded)",
        micros(kwork),
        micros(nwork)
    );
    println!("{}", json("publish_latency_p50", p50, "ms", w50));
    // Lower is better: the ratio is nginx's cost over keel's, so above 1 is keel cheaper.
    println!(
        "{}",
        json_ratio(
            "index_get_cpu_us",
            micros(kwork),
            "us",
            micros(nwork),
            micros(nwork) / micros(kwork)
        )
    );
    println!("{}", json_ratio("index_get_per_s", k, "req/s", n, ratio));
}

/// Crates in the registry the web UI is measured on.
const UI_CRATES: usize = 10_000;

/// The web UI on a large registry: `UI_CRATES` crates of three versions each, every one
/// depending on the one before, written straight into a registry directory (publishing
/// them would take minutes). Each page is timed on fresh connections against the crate's
/// sparse-index file from the same server, the cheapest thing it serves.
fn web_ui(dir: &Path, threads: usize) {
    let root = dir.join("large");
    for i in 0..UI_CRATES {
        let name = format!("ui-crate-{i:05}");
        let mut lines = String::new();
        for v in ["0.1.0", "0.2.0", "1.0.0"] {
            let deps = if i == 0 {
                String::new()
            } else {
                format!(
                    r#"{{"name":"ui-crate-{:05}","req":"^1","features":[],"optional":false,"default_features":true,"target":null,"kind":"normal"}}"#,
                    i - 1
                )
            };
            lines.push_str(&format!(
                r#"{{"name":"{name}","vers":"{v}","deps":[{deps}],"cksum":"{}","features":{{}},"yanked":false,"links":null}}"#,
                "0".repeat(64)
            ));
            lines.push('\n');
        }
        let index = root
            .join("index")
            .join(keel_registry::index::path_of(&name));
        std::fs::create_dir_all(index.parent().unwrap()).unwrap();
        std::fs::write(&index, lines).unwrap();
        let meta = root.join("crates").join(&name);
        std::fs::create_dir_all(&meta).unwrap();
        std::fs::write(meta.join("description.txt"), format!("crate number {i}")).unwrap();
    }
    let token = keel_registry::auth::new_token(&root, "bench").unwrap();
    let (addr, _running) = serve(&root, threads);
    let time = |path: &str| {
        let t = Instant::now();
        assert_eq!(request(&addr, "GET", path, "", b""), 200, "{path}");
        t.elapsed().as_secs_f64() * 1e3
    };
    let first = time("/");
    let mid = UI_CRATES / 2;
    let pages = [
        (
            "index file",
            format!(
                "/index/{}",
                keel_registry::index::path_of(&format!("ui-crate-{mid:05}"))
            ),
        ),
        ("crate list", "/".to_owned()),
        ("list page 100", "/?page=100".to_owned()),
        ("search", "/?q=crate-0999".to_owned()),
        ("crate page", format!("/crates/ui-crate-{mid:05}")),
    ];
    let mut p50s = Vec::new();
    let mut report = format!("web UI over {UI_CRATES} crates, 200 GETs each, p50/p99 ms:");
    for (what, path) in &pages {
        let mut t: Vec<f64> = (0..200).map(|_| time(path)).collect();
        let (p50, p99) = (percentile(&mut t, 0.5), percentile(&mut t, 0.99));
        report.push_str(&format!(" {what} {p50:.2}/{p99:.2};"));
        p50s.push(p50);
    }
    // After a publish, the list reads again only the crate that changed.
    let (body, _, _) = publish_body("ui-crate-new");
    let auth = format!("Authorization: {token}\r\n");
    assert_eq!(
        request(&addr, "PUT", "/api/v1/crates/new", &auth, &body),
        200
    );
    let after_publish = time("/");
    println!(
        "{report} the first list view (catalog read from disk) {first:.0} ms, the first after a publish {after_publish:.2} ms"
    );
    let index = p50s[0];
    for (i, metric) in [
        (1, "ui_crate_list_p50"),
        (3, "ui_search_p50"),
        (4, "ui_crate_page_p50"),
    ] {
        println!("{}", json(metric, p50s[i], "ms", index));
    }
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}
