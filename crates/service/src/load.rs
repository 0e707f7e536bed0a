//! What a load run measured: the `load` subcommand of a service's command line and the
//! benchmarks report it the same way.

use std::time::Duration;

/// What a load run measured: operations that succeeded, those that failed, throughput and
/// latency percentiles.
#[derive(Debug, Clone, Copy, Default)]
pub struct Load {
    pub ops: usize,
    pub errors: u64,
    pub per_sec: f64,
    pub p50_us: u64,
    pub p99_us: u64,
}

impl Load {
    /// Summarizes the latencies (µs) of the operations that succeeded over `elapsed`.
    pub fn of(mut latencies_us: Vec<u64>, errors: u64, elapsed: Duration) -> Load {
        latencies_us.sort_unstable();
        let pct = |p: f64| {
            let i = ((latencies_us.len() as f64 * p) as usize)
                .min(latencies_us.len().saturating_sub(1));
            latencies_us.get(i).copied().unwrap_or(0)
        };
        Load {
            ops: latencies_us.len(),
            errors,
            per_sec: latencies_us.len() as f64 / elapsed.as_secs_f64(),
            p50_us: pct(0.50),
            p99_us: pct(0.99),
        }
    }

    /// [`of`](Self::of) over what many callers measured: each one's latencies and errors.
    pub fn merged(parts: impl IntoIterator<Item = (Vec<u64>, u64)>, elapsed: Duration) -> Load {
        let (mut latencies_us, mut errors) = (Vec::new(), 0);
        for (l, e) in parts {
            latencies_us.extend(l);
            errors += e;
        }
        Load::of(latencies_us, errors, elapsed)
    }
}
