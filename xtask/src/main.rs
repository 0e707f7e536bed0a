//! `cargo xtask`: Keel's build toolchain. A thin dispatcher; each command is its own module.

mod bench;
mod build;
mod cache;
mod check;
mod deps;
mod files;
mod fingerprint;
mod git;
mod hermetic;
mod manifest;
mod native;
mod pipeline;
mod process;
mod project;
mod registry;
mod release;
mod sandbox;
mod sign;
mod time;
mod toolchain;
mod workspace;

// The commands, by the names the dispatcher below uses.
use build::{dist, package, session, sim, test};
use check::{doctor, lint, verify};
use deps::vendor;
use native::tools;
use pipeline::ci;
use registry::serve as registry_server;
use release::{publish, rebuild, repro};

use anyhow::Result;
use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
use project::Project;
use std::process::ExitCode;

fn cli() -> Command {
    let packages = Arg::new("package")
        .short('p')
        .long("package")
        .value_name("CRATE")
        .action(ArgAction::Append)
        .help("Only this workspace crate (repeatable); default: all of them");
    let no_sandbox = Arg::new("no-sandbox")
        .long("no-sandbox")
        .action(ArgAction::SetTrue)
        .help(
            "Do not isolate the network (recorded in the manifest); for hosts without namespaces",
        );
    let no_cache = Arg::new("no-cache")
        .long("no-cache")
        .action(ArgAction::SetTrue)
        .help("Compile without the compilation cache (as KEEL_CACHE=off; see `cargo xtask cache`)");
    let registry_arg = Arg::new("registry")
        .long("registry")
        .value_name("NAME_OR_URL")
        .help(
            "A registry named in .cargo/config.toml [registries], or its http URL (default: keel)",
        );
    let jobs = Arg::new("jobs")
        .short('j')
        .long("jobs")
        .value_name("N")
        .value_parser(value_parser!(u32).range(1..))
        .help("Parallel compiler jobs (does not change the artifacts)");
    Command::new("cargo xtask")
        .bin_name("cargo xtask")
        .about("Keel's build toolchain: hermetic, offline, reproducible builds of the Keel workspace")
        .after_help(
            "Start with `cargo xtask doctor` on a new machine, then `cargo xtask build`.\n\
             Everything builds offline from vendor/; only `cargo xtask vendor` uses the network.",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("build")
                .about("Verify the tree, build the workspace hermetically, write target/dist/ and its build-manifest.json")
                .long_about(
                    "Verifies the tree (as `cargo xtask verify`), then runs the one hermetic cargo build: \
                     --locked --offline, environment cleared to an allow-list, private CARGO_HOME, \
                     SOURCE_DATE_EPOCH from HEAD's commit time, checkout paths remapped to /keel, and on Linux \
                     a fresh network namespace. Copies the binaries to target/dist/ and describes them, with \
                     the input hashes, in target/dist/build-manifest.json. When nothing changed since the \
                     last build it says so and stops after the cheap checks.",
                )
                .arg(Arg::new("release").long("release").action(ArgAction::SetTrue).help("Optimized release profile"))
                .arg(packages.clone())
                .arg(jobs.clone())
                .arg(no_sandbox.clone())
                .arg(no_cache.clone()),
        )
        .subcommand(
            Command::new("package")
                .about("Release build, then every packages/<name>.toml as a deterministic .tar.gz in target/dist/packages/")
                .long_about(
                    "Builds the release (as `build --release`: stripped binaries beside their .debug symbols), \
                     then writes each package described by packages/<name>.toml as \
                     target/dist/packages/<name>-<version>-<target>.tar.gz with the one deterministic archive \
                     writer, and lists them in build-manifest.json as kind `package`. A package file naming a \
                     binary or file that does not exist is refused before anything is built.",
                )
                .arg(jobs.clone())
                .arg(no_sandbox.clone()),
        )
        .subcommand(
            Command::new("dist")
                .about("Everything a release ships for HEAD: binaries, symbols, packages, .crate files, release-manifest.json, sha256.sum")
                .long_about(
                    "As `package`, plus the `.crate` file of every publishable workspace crate (target/dist/crates/), \
                     then release-manifest.json and sha256.sum (check with `cd target/dist && sha256sum -c sha256.sum`). \
                     `release` runs this for a new version; `rebuild <tag>` runs the tag's own `dist` and compares.",
                )
                .arg(jobs.clone())
                .arg(no_sandbox.clone()),
        )
        .subcommand(
            Command::new("release")
                .about("Release a version: set it, build the release artifact set, store it, tag v<version>")
                .long_about(
                    "On a clean tree only: checks VERSION (semver) and that tag v<VERSION> does not exist, sets the \
                     workspace version (committing Cargo.toml and Cargo.lock when it changes), runs `dist` \
                     (hermetic release build, symbols, packages, .crate files, release-manifest.json, sha256.sum), \
                     stores the set in target/releases/<VERSION>/, and creates the annotated tag v<VERSION>, whose \
                     message records the release manifest's sha256; then publishes it (as `publish`) to --registry \
                     (default: `keel` from .cargo/config.toml), unless --no-publish. The registry and the token are \
                     checked before anything is built.",
                )
                .arg(Arg::new("version").required(true).value_name("VERSION").help("The new version, e.g. 0.2.0"))
                .arg(
                    Arg::new("no-publish")
                        .long("no-publish")
                        .action(ArgAction::SetTrue)
                        .help("Build, store and tag locally only; publish later with `cargo xtask publish`"),
                )
                .arg(
                    Arg::new("sign")
                        .long("sign")
                        .action(ArgAction::SetTrue)
                        .help("Refuse to release unsigned: KEEL_SIGNING_KEY (or _FILE) must hold a key of keys/ (signing happens whenever one is given)"),
                )
                .arg(registry_arg.clone())
                .arg(jobs.clone())
                .arg(no_sandbox.clone()),
        )
        .subcommand(
            Command::new("verify-release")
                .about("Verify a release's signatures, provenance and artifacts with the repository's keys/")
                .long_about(
                    "Checks, with nothing but keys/: the minisign signatures of release-manifest.json and \
                     sha256.sum (by a key of keys/, valid at the release's date), the DSSE-signed SLSA provenance and \
                     its subjects against the manifest, and every artifact at hand against its sha256. RELEASE is a \
                     version (target/releases/<VERSION>/, or --registry), or the URL of a release manifest published \
                     to a registry. Every failure is listed with the file and the reason.",
                )
                .arg(Arg::new("release").required(true).value_name("VERSION|MANIFEST_URL"))
                .arg(registry_arg.clone().help("Fetch the release from this registry (name or URL)")),
        )
        .subcommand(
            Command::new("debug")
                .about("Which release a binary is from, and the gdb line that opens it with its published symbols")
                .arg(Arg::new("binary").required(true).value_name("BINARY").value_parser(value_parser!(std::path::PathBuf)))
                .arg(registry_arg.clone().help("The registry the release was published to (name or URL)")),
        )
        .subcommand(
            Command::new("keys")
                .about("Release signing keys: make one (the public half into keys/), list them")
                .subcommand_required(true)
                .subcommand(
                    Command::new("new")
                        .about("A new ed25519 key pair in minisign's format: keys/NAME.pub and .toml; the secret outside the checkout")
                        .arg(Arg::new("name").required(true))
                        .arg(Arg::new("secret-key").long("secret-key").value_name("PATH").value_parser(value_parser!(std::path::PathBuf))
                            .help("Where to write the secret key (default: ~/.config/keel/keys/NAME.key)"))
                        .arg(Arg::new("valid-from").long("valid-from").value_name("DATE").help("First date it signs for (default: now), e.g. 2026-12-02"))
                        .arg(Arg::new("replaces").long("replaces").value_name("OLD").requires("old-secret-key")
                            .help("Rotate: OLD signs the new key and ends where the new one starts"))
                        .arg(Arg::new("old-secret-key").long("old-secret-key").value_name("PATH").value_parser(value_parser!(std::path::PathBuf))),
                )
                .subcommand(Command::new("list").about("The keys of keys/ and their validity")),
        )
        .subcommand(
            Command::new("rebuild")
                .about("Rebuild a release from its tag with the tag's own xtask and pin; compare every artifact")
                .long_about(
                    "Clones the repository at TAG into a fresh temporary directory, runs THAT tag's own \
                     `cargo xtask dist` under THAT tag's pinned toolchain (through rustup; never installing it), \
                     and compares every artifact with the release manifest: by default \
                     target/releases/<version>/release-manifest.json, else --manifest. Prints a verdict per \
                     artifact and exits 0 only when all are identical. On a difference both files are kept, the \
                     first differing byte (and ELF section) is named, and diffoscope runs when installed. A manifest \
                     that differs from the hash recorded in the tag, or a stored artifact that differs from the \
                     manifest, also fails.",
                )
                .arg(Arg::new("tag").required(true).value_name("TAG").help("The release tag, e.g. v0.1.0 (or 0.1.0)"))
                .arg(
                    Arg::new("manifest")
                        .long("manifest")
                        .value_name("PATH_OR_URL")
                        .help("The release manifest to compare with (a file, or an http(s) URL fetched with curl)"),
                )
                .arg(registry_arg.clone().help(
                    "Fetch the release manifest (and the released crates and packages, to compare) from this registry",
                ))
                .arg(
                    Arg::new("attest")
                        .long("attest")
                        .value_name("SECRET_KEY")
                        .value_parser(value_parser!(std::path::PathBuf))
                        .help("Sign what was found (reproduced, or what differed) with this minisign secret key: an in-toto rebuilder attestation, kept beside the stored release"),
                )
                .arg(
                    Arg::new("keep")
                        .long("keep")
                        .value_name("DIR")
                        .value_parser(value_parser!(std::path::PathBuf))
                        .help("Leave the rebuilt artifacts (binaries beside their .debug symbols) in DIR"),
                ),
        )
        .subcommand(
            Command::new("publish")
                .about("Publish a release (crates in dependency order, packages, release manifest) to a registry")
                .long_about(
                    "Publishes the release stored in target/releases/<version>/ (made by `release`; default: the \
                     workspace version): every crate in dependency order with the exact .crate bytes of the release \
                     manifest, then the packages, then sha256.sum and the release manifest (as package keel-release). \
                     Idempotent: what is already there with the same bytes is skipped; the same version with \
                     different bytes is an error naming it. The token comes from CARGO_REGISTRIES_<NAME>_TOKEN, \
                     KEEL_REGISTRY_TOKEN or cargo's credentials.",
                )
                .arg(registry_arg.clone())
                .arg(Arg::new("dry-run").long("dry-run").action(ArgAction::SetTrue).help("Check and report; write nothing"))
                .arg(Arg::new("version").long("version").value_name("VERSION").help("Which stored release (default: the workspace version)")),
        )
        .subcommand(
            Command::new("registry")
                .about("Build and run Keel's registry server (keel-registry), e.g. `registry serve --dir DIR`")
                .long_about(
                    "Builds keel-registry (release, hermetically) and runs it with the given arguments:\n  \
                     serve --dir DIR [--addr ADDR] [--base-url URL] [--auth-required]\n  \
                     token new --dir DIR PRINCIPAL [--scope S] [--crates P] [--expires E] [--admin] | token list | token revoke NAME\n\
                     The default address, 127.0.0.1:8520, is the `keel` registry of .cargo/config.toml.",
                )
                .arg(Arg::new("args").num_args(1..).trailing_var_arg(true).allow_hyphen_values(true).value_name("ARGS").help("Arguments for keel-registry")),
        )
        .subcommand(
            Command::new("repro")
                .about("Build HEAD twice in two clones under different conditions and compare every artifact")
                .long_about(
                    "Clones HEAD twice into a temporary directory and runs each clone's own `cargo xtask dist`, \
                     varying the checkout path, TZ, locale, umask, HOME, -j1 against the default, and adding \
                     environment noise (RUSTFLAGS, SOURCE_DATE_EPOCH, ...) that would change the bytes if it \
                     leaked into the build. Compares the two release manifests artifact by artifact; exits 0 only \
                     when everything is identical, otherwise keeps both clones for inspection.",
                )
                .arg(
                    Arg::new("quick")
                        .long("quick")
                        .action(ArgAction::SetTrue)
                        .help("Build only the varied clone; compare it with this checkout's `cargo xtask dist` output"),
                ),
        )
        .subcommand(
            Command::new("test")
                .about("Run the workspace's and xtask's tests through the same hermetic invocation")
                .long_about(
                    "Runs every test of the workspace, then xtask's own, hermetically (as `build`). Uses \
                     cargo-nextest when toolchain.toml pins it and that version is installed, else `cargo test`. \
                     Arguments after `--` go to the test runner (e.g. a test name filter).",
                )
                .arg(packages)
                .arg(no_sandbox)
                .arg(no_cache)
                .arg(Arg::new("runner-args").num_args(0..).last(true).value_name("ARGS").help("Passed to the test runner")),
        )
        .subcommand(
            Command::new("verify")
                .about("Prove, without building, that toolchain, Cargo.lock, manifests and vendor/ are consistent")
                .long_about(
                    "Checks that the active toolchain is the pinned one; rust-toolchain.toml is a symlink to \
                     toolchain.toml; no git dependency and no path dependency outside the checkout; every \
                     declared dependency is locked and the lock files are current; every locked registry \
                     package is vendored at its version with its checksum; every vendored file matches its \
                     recorded sha256. Reports every problem with the command that fixes it.",
                ),
        )
        .subcommand(
            Command::new("sim")
                .about("Run the deterministic simulator (keel-sim, optimized) under faults, or replay a seed")
                .long_about(
                    "Builds keel-sim and runs it: seeds of a simulated keel-replication ring running keel-kv's map, \
                     ringmaster's tree or a list-append store, under loss, partitions, crashes, torn writes, damaged \
                     checkpoints and membership changes, each checked for safety, liveness and linearizability. \
                     Every argument goes to keel-sim: `cargo xtask sim --help` lists them (--machine, --seed, --secs, \
                     --base, --threads). A failure prints the `cargo xtask sim --machine M --seed N` that replays it.",
                )
                .disable_help_flag(true)
                .arg(
                    Arg::new("args")
                        .value_name("KEEL_SIM_ARGS")
                        .num_args(0..)
                        .trailing_var_arg(true)
                        .allow_hyphen_values(true)
                        .help("keel-sim's arguments, e.g. --machine kv --seed 42"),
                ),
        )
        .subcommand(
            Command::new("vendor")
                .about("Regenerate vendor/ from the lock files for the pinned targets (needs the network)")
                .long_about(
                    "Runs the pinned cargo-vendor-filterer (installing it into target/keel/tools if needed) over \
                     Cargo.lock and xtask/Cargo.lock, keeping only crates for the targets in toolchain.toml [pin]. \
                     The new tree replaces vendor/ only once complete, then is verified; if anything fails, \
                     vendor/ and both lock files stay as they were. Afterwards it lists the locked packages \
                     their registry has yanked. Commit Cargo.lock, xtask/Cargo.lock and vendor/ together.",
                )
                .arg(
                    Arg::new("check")
                        .long("check")
                        .action(ArgAction::SetTrue)
                        .conflicts_with("update")
                        .help(
                            "Change nothing: load both workspaces as vendoring does, and list yanked locked packages",
                        ),
                )
                .arg(
                    Arg::new("update")
                        .long("update")
                        .value_name("NAME[@VERSION]")
                        .action(ArgAction::Append)
                        .help("`cargo update -p` this locked package first (repeatable), e.g. a yanked one"),
                ),
        )
        .subcommand(
            Command::new("tools")
                .about("The pinned native tools (toolchain.toml [pin.native]) and the tool cache that holds them")
                .long_about(
                    "Every tool besides rustc that shapes an artifact (zig: C driver, linker, C runtime) is \
                     pinned by version and sha256 and kept in a content-addressed cache shared by every clone \
                     ($KEEL_TOOL_CACHE, else ~/.cache/keel/tools). A missing tool is fetched on first use: from \
                     the Keel registry named by $KEEL_TOOLS_REGISTRY when set, else from PyPI with `pip download`.",
                )
                .subcommand(Command::new("list").about("What is pinned, and whether the cache holds it intact (the default)"))
                .subcommand(Command::new("fetch").about("Fetch every pinned tool into the cache now (needs PyPI or a mirror)"))
                .subcommand(
                    Command::new("mirror")
                        .about("Upload every pinned tool's archive to a Keel registry, for machines without PyPI")
                        .arg(registry_arg.clone()),
                ),
        )
        .subcommand(
            Command::new("cache")
                .about("The compilation cache `build` and `test` compile through: its statistics, or empty it")
                .long_about(
                    "sccache, pinned in toolchain.toml, wraps rustc in `build` and `test` (never in dist, \
                     release or rebuild). KEEL_CACHE chooses it, in the environment or in [env] of \
                     .cargo/config.toml: `local` (the default: a disk cache every checkout on this machine \
                     shares, in KEEL_CACHE_DIR or ~/.cache/keel/compile-cache) or `off`.",
                )
                .subcommand_required(true)
                .subcommand(Command::new("stats").about("The setting, the local cache's size, and this checkout's last build's hits and misses"))
                .subcommand(Command::new("clear").about("Empty the local cache")),
        )
        .subcommand(
            Command::new("doctor").about(
                "Check this host: pinned toolchain, git, C linker, free disk, network sandbox; one line per check",
            ),
        )
        .subcommand(
            Command::new("lint").about(
                "Check formatting (cargo fmt --check) and run clippy with warnings denied, for the workspace and xtask",
            ),
        )
        .subcommand(
            Command::new("pipeline")
                .about("List, show or run a pipeline: the ordered xtask steps in pipelines/<name>.toml")
                .long_about(
                    "A pipeline is data: pipelines/<name>.toml lists its steps, each an xtask command with \
                     arguments, environment, whether it may fail and what it produces. `run` executes them in \
                     order (each step's output in target/pipelines/NAME/NN-step.log), prints a summary table, \
                     writes target/pipelines/NAME/report.json, and stops at the first required failure, \
                     naming the step and showing the tail of its log.",
                )
                .subcommand_required(true)
                .subcommand(Command::new("list").about("The pipelines, one line each"))
                .subcommand(Command::new("show").about("A pipeline's steps").arg(Arg::new("name").required(true)))
                .subcommand(Command::new("run").about("Run a pipeline's steps in order").arg(Arg::new("name").required(true)))
                .subcommand(Command::new("generate").about(
                    "Write the hosted-CI definitions (.github/workflows/, .azure-pipelines/) that call each pipeline",
                )),
        )
        .subcommand(
            Command::new("bench")
                .about("Run a benchmark suite against a baseline measured in the same run")
                .long_about(bench::suites_help())
                .arg(Arg::new("suite").required(true).value_parser(bench::suite_names()).help("Which suite"))
                .arg(
                    Arg::new("runs")
                        .long("runs")
                        .value_name("N")
                        .default_value("10")
                        .value_parser(value_parser!(usize))
                        .help("Timed repetitions"),
                ),
        )
}

fn strings(m: &ArgMatches, id: &str) -> Vec<String> {
    m.get_many::<String>(id)
        .map(|v| v.cloned().collect())
        .unwrap_or_default()
}

/// The options of `package`, `dist` and `release`: always the whole workspace, release profile.
fn build_options(m: &ArgMatches) -> session::Options {
    session::Options {
        release: true,
        packages: Vec::new(),
        no_sandbox: m.get_flag("no-sandbox"),
        jobs: m.get_one::<u32>("jobs").copied(),
        cache: false,
    }
}

fn dispatch(matches: &ArgMatches) -> Result<()> {
    let project = Project::discover()?;
    match matches.subcommand() {
        Some(("pipeline", m)) => {
            let commands = pipeline::STEP_COMMANDS;
            match m.subcommand() {
                Some(("generate", _)) => ci::generate(&project),
                Some(("list", _)) => pipeline::list(&project, &commands),
                Some(("show", s)) => pipeline::show(
                    &project,
                    s.get_one::<String>("name").expect("required"),
                    &commands,
                ),
                Some(("run", s)) => pipeline::run(
                    &project,
                    s.get_one::<String>("name").expect("required"),
                    &commands,
                ),
                _ => unreachable!("clap requires a pipeline subcommand"),
            }
        }
        Some(("build", m)) => build::run(
            &project,
            &session::Options {
                release: m.get_flag("release"),
                packages: strings(m, "package"),
                no_sandbox: m.get_flag("no-sandbox"),
                jobs: m.get_one::<u32>("jobs").copied(),
                cache: !m.get_flag("no-cache"),
            },
        ),
        Some(("package", m)) => package::run(&project, &build_options(m)),
        Some(("dist", m)) => dist::run(&project, &build_options(m)),
        Some(("release", m)) => release::run(
            &project,
            m.get_one::<String>("version").expect("required"),
            (!m.get_flag("no-publish")).then(|| m.get_one::<String>("registry").cloned()),
            m.get_flag("sign"),
            &build_options(m),
        ),
        Some(("verify-release", m)) => release::verify::run(
            &project,
            &release::verify::Options {
                release: m.get_one::<String>("release").expect("required").clone(),
                registry: m.get_one::<String>("registry").cloned(),
            },
        ),
        Some(("debug", m)) => release::debug::run(
            &project,
            m.get_one::<std::path::PathBuf>("binary").expect("required"),
            m.get_one::<String>("registry").map(String::as_str),
        ),
        Some(("keys", m)) => match m.subcommand() {
            Some(("new", k)) => sign::keys::new(
                &project,
                &sign::keys::NewKey {
                    name: k.get_one::<String>("name").expect("required"),
                    secret_out: k.get_one::<std::path::PathBuf>("secret-key").cloned(),
                    valid_from: k
                        .get_one::<String>("valid-from")
                        .map(|d| time::parse(d))
                        .transpose()?,
                    replaces: k.get_one::<String>("replaces").map(|o| {
                        (
                            o.as_str(),
                            k.get_one::<std::path::PathBuf>("old-secret-key")
                                .cloned()
                                .expect("required with --replaces"),
                        )
                    }),
                },
            ),
            _ => sign::keys::list(&project),
        },
        Some(("publish", m)) => publish::run(
            &project,
            &publish::Options {
                registry: m.get_one::<String>("registry").cloned(),
                dry_run: m.get_flag("dry-run"),
                version: m.get_one::<String>("version").cloned(),
            },
        ),
        Some(("registry", m)) => registry_server::run(&project, &strings(m, "args")),
        Some(("rebuild", m)) => rebuild::run(
            &project,
            &rebuild::Options {
                tag: m.get_one::<String>("tag").expect("required").clone(),
                manifest: m.get_one::<String>("manifest").cloned(),
                registry: m.get_one::<String>("registry").cloned(),
                keep: m.get_one::<std::path::PathBuf>("keep").cloned(),
                attest: m.get_one::<std::path::PathBuf>("attest").cloned(),
            },
        ),
        Some(("repro", m)) => repro::run(&project, m.get_flag("quick")),
        Some(("test", m)) => test::run(
            &project,
            &test::Options {
                packages: strings(m, "package"),
                no_sandbox: m.get_flag("no-sandbox"),
                cache: !m.get_flag("no-cache"),
                runner_args: strings(m, "runner-args"),
            },
        ),
        Some(("sim", m)) => sim::run(&project, &strings(m, "args")),
        Some(("verify", _)) => {
            let pin = toolchain::Pin::load(&project)?;
            let active = toolchain::Active::detect(&project)?;
            let tree = fingerprint::tree(&project.root)?;
            verify::run(&project, &pin, &active, &tree, verify::Depth::Full)?;
            println!(
                "verify: ok (toolchain {}, lock files, manifests and vendor/ are consistent)",
                pin.release
            );
            Ok(())
        }
        Some(("vendor", m)) => vendor::run(
            &project,
            &vendor::Options {
                check: m.get_flag("check"),
                update: m
                    .get_many::<String>("update")
                    .map(|v| v.cloned().collect())
                    .unwrap_or_default(),
            },
        ),
        Some(("lint", _)) => lint::run(&project),
        Some(("tools", m)) => {
            let (action, registry) = match m.subcommand() {
                Some(("fetch", _)) => (tools::Action::Fetch, None),
                Some(("mirror", m)) => (
                    tools::Action::Mirror,
                    m.get_one::<String>("registry").map(String::as_str),
                ),
                _ => (tools::Action::List, None),
            };
            tools::run(&project, action, registry)
        }
        Some(("cache", m)) => match m.subcommand() {
            Some(("stats", _)) => cache::stats(&project),
            Some(("clear", _)) => cache::clear(&project),
            _ => unreachable!("a subcommand is required"),
        },
        Some(("doctor", _)) => doctor::run(&project),
        Some(("bench", m)) => bench::run(
            &project,
            m.get_one::<String>("suite").expect("required"),
            *m.get_one::<usize>("runs").expect("defaulted"),
        ),
        _ => unreachable!("clap requires a subcommand"),
    }
}

fn main() -> ExitCode {
    let matches = cli().get_matches();
    match dispatch(&matches) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    /// Pipeline steps may run exactly the xtask commands there are, but `pipeline` itself.
    #[test]
    fn step_commands_are_the_cli_commands_but_pipeline() {
        let mut cli: Vec<String> = super::cli()
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .filter(|n| n != "pipeline")
            .collect();
        let mut steps: Vec<String> = crate::pipeline::STEP_COMMANDS
            .iter()
            .map(|s| s.to_string())
            .collect();
        cli.sort();
        steps.sort();
        assert_eq!(cli, steps);
    }
}
