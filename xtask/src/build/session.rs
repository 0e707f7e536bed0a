//! The build stage every command that builds starts from (build, test, lint, package, dist,
//! release, bench): the checks (pin, toolchain, verify, native tools, HEAD), the hermetic
//! session, the one hermetic `cargo build`, target/dist/ and its manifest.

use crate::check::verify::{self, Depth};
use crate::fingerprint;
use crate::hermetic::{Hermetic, Purpose};
use crate::manifest::{Artifact, Kind, Manifest};
use crate::project::Project;
use crate::toolchain::{Active, Pin};
use crate::{git, sandbox};
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub release: bool,
    pub packages: Vec<String>,
    pub no_sandbox: bool,
    pub jobs: Option<u32>,
    /// Compile through the compilation cache (`cache`), as configured. Only `build` asks:
    /// whatever feeds a release is built without it.
    pub cache: bool,
}

impl Options {
    pub fn profile(&self) -> &'static str {
        if self.release { "release" } else { "dev" }
    }
}

/// Everything a build needs to know before it runs cargo.
pub struct Prepared {
    pub pin: Pin,
    pub active: Active,
    pub inputs: Value,
    pub head: git::Head,
    /// The pinned native tools, fetched if need be and proven.
    pub native: crate::native::Native,
}

/// The checks that need no native tool: enough to tell that a build has nothing to do.
pub struct Checked {
    pub pin: Pin,
    pub active: Active,
    pub tree: String,
    pub inputs: Value,
    pub head: git::Head,
}

/// Pin, toolchain, verify (incremental), HEAD.
pub fn check(project: &Project) -> Result<Checked> {
    let head = git::HeadQuery::start(project);
    let pin = Pin::load(project)?;
    let active = Active::detect(project)?;
    active.check(&pin)?;
    let tree = fingerprint::tree(&project.root)?;
    let inputs = verify::run(project, &pin, &active, &tree, Depth::Incremental)?;
    let head = head.finish()?;
    Ok(Checked {
        pin,
        active,
        tree,
        inputs,
        head,
    })
}

impl Checked {
    /// Adds the pinned native tools, fetched if need be and proven: what anything that
    /// compiles needs. (A build with nothing to do never gets here, so it neither fetches
    /// nor walks the tool's files.)
    pub fn with_native(self, project: &Project) -> Result<Prepared> {
        let native = crate::native::Native::prepare(project, &self.pin, &self.active)?;
        Ok(Prepared {
            pin: self.pin,
            active: self.active,
            inputs: self.inputs,
            head: self.head,
            native,
        })
    }
}

/// The checks every compiling command starts with, the native tools included.
pub fn prepare(project: &Project) -> Result<Prepared> {
    check(project)?.with_native(project)
}

/// One build's context: the checks passed, the hermetic setup, the options.
pub struct Session<'a> {
    pub project: &'a Project,
    pub cx: Prepared,
    pub hermetic: Hermetic,
    pub opts: Options,
}

impl<'a> Session<'a> {
    pub fn start(project: &'a Project, opts: &Options) -> Result<Session<'a>> {
        Session::with(project, prepare(project)?, opts)
    }

    /// A session from checks already made (`build` makes them first for its no-op test).
    pub fn with(project: &'a Project, cx: Prepared, opts: &Options) -> Result<Session<'a>> {
        let hermetic = Hermetic::for_build(project, &cx, !opts.no_sandbox);
        hermetic.prepare().context("creating target/keel")?;
        let hermetic = crate::cache::attach(project, &cx.pin, hermetic, opts.cache)?;
        Ok(Session {
            project,
            cx,
            hermetic,
            opts: opts.clone(),
        })
    }

    pub fn members(&self) -> Result<Vec<crate::workspace::Member>> {
        crate::workspace::members(&self.hermetic)
    }

    /// The hermetic cargo build, then a fresh target/dist/ holding the binaries: for a
    /// release, each stripped beside its `.debug` symbols. Returns the manifest (unwritten).
    pub fn build(&self) -> Result<Manifest> {
        let objcopy = if self.opts.release {
            Some(self.cx.native.objcopy(&self.hermetic)?)
        } else {
            None
        };
        let executables = cargo_build(&self.hermetic, &self.opts)?;
        // A release binary carries its dependency list, and ships with its SBOM.
        let graphs = match objcopy {
            Some(_) => Some((
                crate::build::sbom::graphs(&self.hermetic, &self.cx.pin.host)?,
                self.members()?,
                crate::build::sbom::locked(self.project)?,
            )),
            None => None,
        };
        let dist = self.project.dist();
        if dist.exists() {
            std::fs::remove_dir_all(&dist)
                .with_context(|| format!("clearing {}", dist.display()))?;
        }
        std::fs::create_dir_all(&dist)?;
        let mut artifacts = Vec::new();
        for exe in &executables {
            let name = exe
                .file_name()
                .context("executable without a file name")?
                .to_string_lossy()
                .into_owned();
            crate::native::check_glibc_floor(exe, &self.cx.native.glibc)?;
            match &objcopy {
                Some(objcopy) => {
                    let (graphs, members, locked) = graphs.as_ref().expect("made for a release");
                    let graph = members
                        .iter()
                        .find(|m| m.bins.contains(&name))
                        .and_then(|m| graphs.get(&m.name))
                        .with_context(|| format!("no workspace member builds the binary {name}"))?;
                    use crate::build::sbom;
                    let lists = self.project.state().join("dep-lists");
                    std::fs::create_dir_all(&lists)?;
                    let list = lists.join(format!("{name}{}", sbom::SECTION));
                    std::fs::write(&list, sbom::dep_v0(graph)?)?;
                    objcopy.split(exe, &dist, &name, &[(sbom::SECTION, &list)])?;
                    artifacts.push(Artifact::of(&dist, &name, Kind::Bin)?);
                    artifacts.push(Artifact::of(&dist, &format!("{name}.debug"), Kind::Debug)?);
                    let rel = format!("{}/{name}.cdx.json", sbom::DIR);
                    std::fs::create_dir_all(dist.join(sbom::DIR))?;
                    let text =
                        sbom::cyclonedx(self.project, &name, graph, locked, self.cx.head.time)?;
                    crate::files::write_atomic(&dist.join(&rel), text.as_bytes())?;
                    artifacts.push(Artifact::of(&dist, &rel, Kind::Sbom)?);
                }
                None => {
                    std::fs::copy(exe, dist.join(&name))
                        .with_context(|| format!("copying {} to target/dist", exe.display()))?;
                    artifacts.push(Artifact::of(&dist, &name, Kind::Bin)?);
                }
            }
        }
        Ok(Manifest {
            workspace_version: workspace_version(self.project)?,
            git: json!({
                "commit": self.cx.head.commit,
                "tree": self.cx.head.tree,
                "dirty": git::dirty(self.project)?,
            }),
            inputs: inputs(&self.cx, &self.hermetic, &self.opts),
            artifacts,
        })
    }
}

/// Prints what a build left in target/dist/.
pub fn report(session: &Session, manifest: &Manifest) {
    println!(
        "built {} ({} profile), sandbox: {}",
        session.cx.head.commit,
        session.opts.profile(),
        if session.opts.no_sandbox {
            "off"
        } else {
            "network namespace"
        }
    );
    if manifest.artifacts.is_empty() {
        println!("  no artifacts: the workspace's crates are all libraries so far");
    }
    let mut artifacts = manifest.artifacts.clone();
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    for a in &artifacts {
        println!(
            "  target/dist/{:<40} {:>7} {:>10} bytes  sha256 {}",
            a.path,
            a.kind.as_str(),
            a.size,
            a.sha256
        );
    }
    println!("  target/dist/{}", crate::manifest::FILE_NAME);
}

/// The manifest's `inputs`: verify's hashes plus how this build was made.
fn inputs(cx: &Prepared, hermetic: &Hermetic, opts: &Options) -> Value {
    let mut inputs = cx.inputs.clone();
    let extra = json!({
        "target": cx.pin.host,
        "profile": opts.profile(),
        "packages": if opts.packages.is_empty() { json!("workspace") } else { json!(opts.packages) },
        "rustflags": hermetic.rustflags_recorded(),
        "source_date_epoch": cx.head.time,
        "hermetic": hermetic.record(),
        "native_tools": cx.native.record(hermetic, opts.release),
        "glibc_floor": cx.native.glibc,
    });
    if let (Some(i), Some(e)) = (inputs.as_object_mut(), extra.as_object()) {
        i.extend(e.clone());
    }
    inputs
}

/// Runs the hermetic `cargo build`, returning the workspace's executables.
pub fn cargo_build(hermetic: &Hermetic, opts: &Options) -> Result<Vec<PathBuf>> {
    let mut cmd = hermetic.cargo("build", Purpose::Build);
    cmd.arg("--message-format=json-render-diagnostics");
    if opts.packages.is_empty() {
        cmd.arg("--workspace");
    }
    for p in &opts.packages {
        cmd.args(["--package", p]);
    }
    if opts.release {
        cmd.arg("--release");
    }
    if let Some(j) = opts.jobs {
        cmd.args(["--jobs", &j.to_string()]);
    }
    cmd.stdout(Stdio::piped());
    let mut child = spawn(&mut cmd, hermetic)?;
    let mut executables = Vec::new();
    for line in BufReader::new(child.stdout.take().expect("piped stdout")).lines() {
        let line = line?;
        let Ok(msg) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        if msg["reason"] == "compiler-artifact"
            && let Some(exe) = msg["executable"].as_str()
            && ships(hermetic, &msg)?
        {
            executables.push(hermetic.outside(Path::new(exe)));
        }
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("cargo build failed ({status}); its errors are above");
    }
    executables.sort();
    executables.dedup();
    Ok(executables)
}

/// Whether a built executable is a release artifact: its crate is not `publish = false`
/// (keel-sim and the test kit are built and tested, never shipped).
fn ships(hermetic: &Hermetic, artifact: &Value) -> Result<bool> {
    let Some(manifest) = artifact["manifest_path"].as_str() else {
        return Ok(true);
    };
    let doc: toml::Table = crate::files::read_to_string(&hermetic.outside(Path::new(manifest)))?
        .parse()
        .with_context(|| format!("{manifest} is malformed TOML"))?;
    let publish = doc.get("package").and_then(|p| p.get("publish"));
    Ok(publish.and_then(|p| p.as_bool()) != Some(false))
}

/// `cargo run --release` of one product-workspace target (`["--bin", name]` or
/// `["--example", name]`) in the hermetic build environment, passing `args`; its exit status.
pub fn run_target(
    project: &Project,
    package: &str,
    target: [&str; 2],
    args: &[String],
) -> Result<std::process::ExitStatus> {
    let cx = prepare(project)?;
    let hermetic = Hermetic::for_build(project, &cx, true);
    hermetic.prepare()?;
    let mut cmd = hermetic.cargo("run", Purpose::Build);
    cmd.args([
        "--release",
        "--quiet",
        "--manifest-path",
        crate::project::PRODUCT.0,
    ])
    .args(["--package", package])
    .args(target)
    .arg("--")
    .args(args);
    Ok(spawn(&mut cmd, &hermetic)?.wait()?)
}

/// Spawns a hermetic command, explaining a sandbox that cannot be created.
pub fn spawn(cmd: &mut std::process::Command, hermetic: &Hermetic) -> Result<std::process::Child> {
    cmd.spawn().map_err(|e| {
        if hermetic.sandboxed() && e.raw_os_error() == Some(libc::EPERM) {
            anyhow::anyhow!("cannot create the network sandbox ({e}): {}", sandbox::HELP)
        } else {
            anyhow::anyhow!("cannot start {:?}: {e}", cmd.get_program())
        }
    })
}

pub fn workspace_version(project: &Project) -> Result<String> {
    let doc: toml::Table = crate::files::read_to_string(&project.path("Cargo.toml"))?
        .parse()
        .context("Cargo.toml is malformed TOML")?;
    doc.get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(|p| p.get("version"))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .context("Cargo.toml has no [workspace.package] version")
}
