//! `sayso`: argument parsing only; the work is in [`sayso::cli`].

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = sayso::cli::Cli::parse();
    if matches!(cli.command, sayso::cli::Command::Lsp { .. }) {
        fixed_mmap_threshold();
    }
    sayso::cli::run(cli)
}

/// Bytes from which glibc's `malloc` serves a block with its own `mmap(2)`
/// mapping, which `free` returns to the system at once (4 MiB).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 4 << 20;

/// For the language server: make glibc's mmap threshold fixed at
/// [`MMAP_THRESHOLD`] instead of dynamic.
///
/// By default the threshold starts at 128 KiB and rises to the size of any
/// mmapped block that is freed (up to 32 MiB on 64-bit): once a 19 MB
/// message or text has been freed, later blocks of up to that size come
/// from the arenas, and each thread's arena keeps the pages they leave when
/// freed ("Nowadays, glibc uses a dynamic mmap threshold by default. …
/// Dynamic adjustment of the mmap threshold is disabled if any of the
/// M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD, or M_MMAP_MAX parameters
/// is set": mallopt(3), Linux man-pages; The GNU C Library manual, §3.2.3.9
/// "Malloc Tunable Parameters"). With a fixed threshold a big document's
/// text, its messages and its analysis's large vectors go back to the
/// system when freed. Measured on a 19 MB document in the server: resident
/// after opening it 188–195 → 183 MB, after a 1 MB paste 236–243 → 201–211
/// MB, after closing and reopening it 257–318 → 188–246 MB; a keystroke
/// that reruns the document pass 36 → 40 ms (page faults of fresh
/// mappings).
///
/// Left alone when the environment already sets the threshold
/// (`MALLOC_MMAP_THRESHOLD_`, or `GLIBC_TUNABLES` with
/// `glibc.malloc.mmap_threshold`). Must run before any other thread starts.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn fixed_mmap_threshold() {
    let tunables = std::env::var("GLIBC_TUNABLES").unwrap_or_default();
    if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_some() || tunables.contains("mmap_threshold") {
        return;
    }
    // SAFETY: mallopt(3) takes two integers and only changes a parameter of
    // the allocator; it has no memory-safety preconditions, and no other
    // thread exists yet. A refusal (return value 0) leaves the default.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    }
}

/// Other platforms: their allocators have no such threshold to set.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn fixed_mmap_threshold() {}
