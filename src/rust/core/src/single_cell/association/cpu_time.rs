//! CPU seconds of this process, for the per-phase timings of a map on a shared machine.


/// CPU seconds (user + system, all threads) of this process, from /proc/self/stat; 0 where
/// that file does not exist.
pub(super) fn process_cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let mut fields = after.split_whitespace().skip(11);
    let mut tick = || {
        fields
            .next()
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (tick() + tick()) / 100.0
}

/// Add the CPU seconds since `start` to `total`; return the current reading.
pub(super) fn cpu_since(start: f64, total: &mut f64) -> f64 {
    let now = process_cpu_seconds();
    *total += now - start;
    now
}
