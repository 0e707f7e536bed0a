//! Two builds' manifests compared artifact by artifact: one verdict per path (`identical`,
//! `DIFFERENT`, `MISSING`, `EXTRA`), as `rebuild` and `repro` print them.

use crate::manifest::{Artifact, Manifest};
use std::collections::BTreeMap;

#[derive(Debug)]
pub struct Verdict {
    pub path: String,
    pub kind: &'static str,
    pub expected: Option<Artifact>,
    pub rebuilt: Option<Artifact>,
    pub same: bool,
}

impl Verdict {
    fn line(&self, width: usize) -> String {
        let head = |word: &str| format!("{word:<10} {:<8} {:<width$}", self.kind, self.path);
        match (&self.expected, &self.rebuilt) {
            (Some(e), Some(_)) if self.same => {
                format!("{}  sha256 {}", head("identical"), e.sha256)
            }
            (Some(e), Some(r)) => format!(
                "{}  expected sha256 {} ({} bytes), got {} ({} bytes)",
                head("DIFFERENT"),
                e.sha256,
                e.size,
                r.sha256,
                r.size
            ),
            (Some(_), None) => format!("{}  (not produced by the rebuild)", head("MISSING")),
            (None, _) => format!("{}  (produced, but not in the manifest)", head("EXTRA")),
        }
    }
}

/// Prints one aligned line per artifact.
pub fn print_verdicts(verdicts: &[Verdict]) {
    let width = verdicts.iter().map(|v| v.path.len()).max().unwrap_or(0);
    for v in verdicts {
        println!("  {}", v.line(width));
    }
}

/// Artifact by artifact: every path in either manifest, in order.
pub fn compare(expected: &Manifest, rebuilt: &Manifest) -> Vec<Verdict> {
    let index = |m: &Manifest| -> BTreeMap<String, Artifact> {
        m.artifacts
            .iter()
            .map(|a| (a.path.clone(), a.clone()))
            .collect()
    };
    let (e, r) = (index(expected), index(rebuilt));
    let mut paths: Vec<&String> = e.keys().chain(r.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .map(|p| {
            let (ea, ra) = (e.get(p).cloned(), r.get(p).cloned());
            let same = matches!((&ea, &ra), (Some(a), Some(b)) if a.sha256 == b.sha256 && a.size == b.size && a.kind == b.kind);
            Verdict {
                path: p.clone(),
                kind: ea.as_ref().or(ra.as_ref()).map(|a| a.kind.as_str()).unwrap_or("?"),
                expected: ea,
                rebuilt: ra,
                same,
            }
        })
        .collect()
}
