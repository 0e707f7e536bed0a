//! `ringmaster`: see `keel_ringmaster::cli`.

fn main() {
    if let Err(e) = keel_ringmaster::cli::run(std::env::args().skip(1).collect()) {
        eprintln!("ringmaster: {e:#}");
        std::process::exit(2);
    }
}
