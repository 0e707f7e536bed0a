//! `cargo xtask tools [list | fetch | mirror --registry R]`: the pinned native tools, the
//! tool cache that holds them, and a Keel registry that mirrors them for machines without
//! access to where they come from.

use crate::native::toolcache::{Cache, REGISTRY_VAR, describe, mirror_package};
use crate::project::Project;
use crate::registry::Registry;
use crate::toolchain::{Pin, ToolPin};
use anyhow::{Context, Result, bail};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    List,
    Fetch,
    Mirror,
}

pub fn run(project: &Project, action: Action, registry: Option<&str>) -> Result<()> {
    let pin = Pin::load(project)?;
    let Some(native) = &pin.native else {
        bail!("toolchain.toml pins no native tools ([pin.native])");
    };
    let cache = Cache::locate()?;
    match action {
        Action::List => {
            println!("tool cache: {}", cache.root.display());
            println!("glibc floor: {}", native.glibc);
            for tool in native.tools.values() {
                let state = match cache.lookup(tool) {
                    Ok(Some(c)) => format!("cached, intact: {}", c.tree.display()),
                    Ok(None) => {
                        "not cached (fetched on first use, or `cargo xtask tools fetch`)".into()
                    }
                    Err(e) => format!("DAMAGED: {e:#}"),
                };
                println!("{}\n  from {}\n  {state}", describe(tool), origin(tool));
            }
            Ok(())
        }
        Action::Fetch => {
            for tool in native.tools.values() {
                let c = cache.ensure(project, tool)?;
                println!("{}: {}", describe(tool), c.tree.display());
            }
            Ok(())
        }
        Action::Mirror => {
            let registry = Registry::resolve(project, registry)?;
            if !registry.has_token() {
                bail!(
                    "mirroring to {} needs a token: {}",
                    registry.label,
                    registry.token_hint()
                );
            }
            for tool in native.tools.values() {
                mirror(&cache, project, &registry, tool)?;
            }
            println!(
                "machines that set {REGISTRY_VAR}={} now fetch these tools from it",
                registry.label
            );
            Ok(())
        }
    }
}

fn origin(tool: &ToolPin) -> String {
    let mut from = vec![format!("{REGISTRY_VAR} (a Keel registry mirror), when set")];
    if let Some(req) = &tool.pypi {
        from.push(format!("PyPI (`pip download {req}`)"));
    }
    from.join(", else ")
}

/// Uploads the pinned archive, exactly as pinned, as the generic package
/// `keel-tool-<name>` `<version>`; the same bytes again is a no-op.
fn mirror(cache: &Cache, project: &Project, registry: &Registry, tool: &ToolPin) -> Result<()> {
    let cached = cache.ensure(project, tool)?;
    let bytes = std::fs::read(&cached.archive)
        .with_context(|| format!("reading {}", cached.archive.display()))?;
    let name = mirror_package(tool);
    let reply = registry.put_package(&name, &tool.version, &tool.file, &bytes, &tool.sha256)?;
    match reply.status {
        200 | 201 => {
            println!(
                "{}: in {} as package {name} {} ({})",
                describe(tool),
                registry.label,
                tool.version,
                if reply.status == 201 {
                    "uploaded"
                } else {
                    "already there, identical"
                }
            );
            Ok(())
        }
        s => bail!(
            "mirroring {} to {}: answered {s}: {}",
            describe(tool),
            registry.label,
            reply.detail()
        ),
    }
}
