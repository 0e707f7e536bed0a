//! `cargo xtask repro`: build HEAD's full release artifact set twice, in two fresh clones,
//! under deliberately different conditions, and compare the two release manifests artifact
//! by artifact. Each clone is built by its own `cargo xtask dist`, exactly as `rebuild` does.
//! `repro --quick` builds only the varied clone and compares it with what `cargo xtask dist`
//! already wrote in this checkout: one build instead of two (the PR pipeline's check).

use crate::files::TempDir;
use crate::git;
use crate::git::clone_at;
use crate::hermetic::other_checkout;
use crate::manifest::{Manifest, RELEASE_FILE_NAME};
use crate::project::Project;
use crate::release::verdict::compare;
use crate::toolchain::Pin;
use anyhow::{Context, Result, bail};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// One build's conditions.
struct Conditions {
    name: &'static str,
    /// Inside the work directory; the second is deeper, with a space and non-ASCII.
    dir: &'static str,
    tz: &'static str,
    locale: &'static str,
    umask: libc::mode_t,
    jobs: Option<&'static str>,
    /// HOME moved to a fresh directory (RUSTUP_HOME/CARGO_HOME pinned so rustup still works).
    own_home: bool,
    /// Variables that would change the artifacts if they leaked into the build.
    noise: &'static [(&'static str, &'static str)],
}

const A: Conditions = Conditions {
    name: "A",
    dir: "a",
    tz: "UTC",
    locale: "C.UTF-8",
    umask: 0o022,
    jobs: Some("1"),
    own_home: false,
    noise: &[],
};

const B: Conditions = Conditions {
    name: "B",
    dir: "b/a longer path é/keel",
    tz: "Pacific/Kiritimati",
    locale: "fr_FR.UTF-8",
    umask: 0o077,
    jobs: None,
    own_home: true,
    noise: &[
        ("RUSTFLAGS", "-Copt-level=1 -Cdebug-assertions=on"),
        ("CARGO_PROFILE_RELEASE_DEBUG", "0"),
        ("SOURCE_DATE_EPOCH", "1"),
        ("CFLAGS", "-O0 -g3"),
        ("KEEL_REPRO_NOISE", "noise"),
    ],
};

pub fn run(project: &Project, quick: bool) -> Result<()> {
    let started = Instant::now();
    let head = git::head(project)?;
    // --quick: this checkout's own dist output stands in for build A.
    let ours = if quick {
        let path = project.dist().join(RELEASE_FILE_NAME);
        let text = crate::files::read_to_string(&path).with_context(
            || "repro --quick compares against this checkout's `cargo xtask dist`; run it first",
        )?;
        let manifest = Manifest::parse(&text, &path.display().to_string())?;
        let (commit, dirty) = (
            manifest.git["commit"].as_str().unwrap_or(""),
            manifest.git["dirty"].as_bool(),
        );
        if commit != head.commit || dirty != Some(false) {
            bail!(
                "{} is not from a clean build of HEAD ({}; commit {commit}, dirty {dirty:?}): commit your changes and run `cargo xtask dist` first",
                path.display(),
                head.commit
            );
        }
        Some((manifest, text))
    } else {
        None
    };
    if git::dirty(project)? {
        println!(
            "note: the tree has uncommitted changes; repro builds HEAD ({}) only",
            head.commit
        );
    }
    let pin = Pin::load(project)?;
    let work = TempDir::new("repro")?;
    println!(
        "building {} twice in {}:",
        head.commit,
        work.path().display()
    );
    for c in [&A, &B] {
        println!(
            "  {}: dir {}, TZ={}, LANG={}, umask {:03o}, -j {}, HOME {}, noise: {}",
            c.name,
            c.dir,
            c.tz,
            c.locale,
            c.umask,
            c.jobs.unwrap_or("default"),
            if c.own_home { "fresh" } else { "as is" },
            if c.noise.is_empty() {
                "none".to_owned()
            } else {
                c.noise
                    .iter()
                    .map(|(k, v)| format!("{k}={v:?}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            }
        );
    }
    println!(
        "  not varied: user (the toolchain and the clones belong to this user), kernel, clock \
         (reprotest varies those: see README.md)"
    );
    let mut manifests = Vec::new();
    let builds: Vec<&Conditions> = match ours {
        Some(m) => {
            println!("  (--quick: A is this checkout's own `cargo xtask dist`, already built)");
            manifests.push(m);
            vec![&B]
        }
        None => vec![&A, &B],
    };
    for c in builds {
        let dir = work.path().join(c.dir);
        // The checkout's own file modes follow the umask too.
        // SAFETY: umask only swaps the process's file creation mask; xtask is single-threaded here.
        let old = unsafe { libc::umask(c.umask) };
        let cloned = clone_at(project, &head.commit, &dir);
        unsafe { libc::umask(old) };
        cloned?;
        build(&pin, c, &dir, work.path())?;
        let path = dir.join("target/dist").join(RELEASE_FILE_NAME);
        let text = crate::files::read_to_string(&path)?;
        manifests.push((Manifest::parse(&text, &path.display().to_string())?, text));
    }
    let verdicts = compare(&manifests[0].0, &manifests[1].0);
    let identical = verdicts.iter().filter(|v| v.same).count();
    println!("\nrepro: per-artifact verdict (A against B)");
    crate::release::verdict::print_verdicts(&verdicts);
    let manifests_equal = manifests[0].1 == manifests[1].1;
    println!(
        "{identical}/{} artifacts identical; release manifests {}; {:.1} s",
        verdicts.len(),
        if manifests_equal {
            "identical"
        } else {
            "DIFFER"
        },
        started.elapsed().as_secs_f64()
    );
    if identical == verdicts.len() && manifests_equal {
        return Ok(());
    }
    let kept = work.keep();
    bail!(
        "the two builds differ; both clones are kept for inspection in {} (compare with diffoscope)",
        kept.display()
    )
}

fn build(pin: &Pin, c: &Conditions, dir: &Path, work: &Path) -> Result<()> {
    let mut cmd: Command = other_checkout(pin, "HEAD")?;
    cmd.current_dir(dir)
        .args(["xtask", "dist"])
        .env("TZ", c.tz)
        .env("LANG", c.locale)
        .env("LC_ALL", c.locale);
    if let Some(j) = c.jobs {
        cmd.args(["--jobs", j]);
    }
    if c.own_home {
        let home = work.join(format!("home-{}", c.name));
        std::fs::create_dir_all(&home)?;
        // rustup and cargo find their homes through HOME unless told: tell them.
        let real = std::env::var_os("HOME").map(std::path::PathBuf::from);
        if std::env::var_os("RUSTUP_HOME").is_none()
            && let Some(real) = &real
        {
            cmd.env("RUSTUP_HOME", real.join(".rustup"));
        }
        if std::env::var_os("CARGO_HOME").is_none()
            && let Some(real) = &real
        {
            cmd.env("CARGO_HOME", real.join(".cargo"));
        }
        cmd.env("HOME", &home);
    }
    for (k, v) in c.noise {
        cmd.env(k, v);
    }
    let umask = c.umask;
    // SAFETY: umask is async-signal-safe and only affects the child about to exec.
    unsafe {
        cmd.pre_exec(move || {
            libc::umask(umask);
            Ok(())
        });
    }
    println!("\n== build {} ==", c.name);
    let status = cmd.status().context("starting cargo")?;
    if !status.success() {
        bail!(
            "build {} (`cargo xtask dist` in {}) failed ({status}); its output is above",
            c.name,
            dir.display()
        );
    }
    Ok(())
}
