//! Resident size of a process, for the memory figures of the tests and of
//! `examples/scaling.rs` (included there by path).

/// Resident size of process `pid` (`"self"` for this one) in kB, as
/// (current `VmRSS`, peak `VmHWM`) from `/proc/PID/status`; zeros where
/// that file is absent (not Linux).
pub fn resident_kb(pid: &str) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}
