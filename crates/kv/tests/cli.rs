//! The command line as a user meets it: real `--help`, and unknown or missing flags refused
//! with exit code 2 and the flag named, before anything runs.

const CLI: keel_testkit::Cli = keel_testkit::Cli(env!("CARGO_BIN_EXE_keel-kv"));

#[test]
fn help_lists_every_command_and_the_serve_flags() {
    CLI.helps(
        &["--help"],
        &["serve", "put", "get", "delete", "status", "load"],
    );
    CLI.helps(
        &["serve", "--help"],
        &[
            "--peers",
            "--dir",
            "--election-timeout-ms",
            "[default: 1000]",
        ],
    );
}

#[test]
fn unknown_and_missing_flags_are_refused() {
    CLI.refused(
        &["put", "--servers", "1=127.0.0.1:1", "--bogus", "k", "v"],
        &["--bogus"],
    );
    CLI.refused(
        &["serve", "--listen", "127.0.0.1:1"],
        &["--id", "--peers", "--dir"],
    );
    CLI.refused(
        &["get", "--servers", "1=nowhere", "k"],
        &["--servers", "HOST:PORT"],
    );
    CLI.refused(&["frob"], &["frob"]);
}

#[test]
fn a_data_directory_is_initialized_once_and_never_silently() {
    let dir = std::env::temp_dir().join(format!("keel-kv-cli-init-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let dir_arg = dir.to_str().unwrap();
    let (peer, client) = (keel_testkit::free_port(), keel_testkit::free_port());
    let peers = format!("1={peer}");
    let listen = client.to_string();
    let serve = [
        "serve", "--id", "1", "--peers", &peers, "--listen", &listen, "--dir", dir_arg,
    ];
    // Never initialized (or a disk that is not mounted): refused, nothing created.
    CLI.refused(&serve, &["no replica.id", "--init"]);
    assert!(!dir.exists(), "a refused start created {}", dir.display());
    // --init on a directory that already holds a replica is refused too.
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("replica.id"), "cluster 0\nid 1\nincarnation 9\n").unwrap();
    let mut again = serve.to_vec();
    again.push("--init");
    CLI.refused(&again, &["already initialized", "without it"]);
    let _ = std::fs::remove_dir_all(&dir);
}
