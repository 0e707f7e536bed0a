//! `keel-kv`: see `keel_kv::cli`.

fn main() {
    if let Err(e) = keel_kv::cli::run(std::env::args().skip(1).collect()) {
        eprintln!("keel-kv: {e:#}");
        std::process::exit(2);
    }
}
