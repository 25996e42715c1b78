//! Giving freed memory back to the system: the allocator's settings for
//! the language server and trimming after a big document is closed.

/// Text size (bytes) from which closing a document trims the allocator's
/// free memory ([`release_free_memory`]): 1 MiB. Smaller documents leave
/// too little behind to be worth the walk over the heaps.
pub const TRIM_AFTER_CLOSING: usize = 1 << 20;

/// How long a big document (of [`TRIM_AFTER_CLOSING`] or more) waits
/// without a change after its last analysis before the allocator's free
/// memory is given back ([`release_free_memory`]): 500 ms, a writer's
/// pause, so that the walk over the heaps never delays a keystroke's
/// analysis. Each analysis round frees blocks in the middle of the heaps
/// (a paragraph's results redone, the pass's vectors); over a long session
/// of edits scattered through a 20 MB document they kept about 6 MB
/// resident.
pub const TRIM_WHEN_IDLE: std::time::Duration = std::time::Duration::from_millis(500);

/// Return the free pages of every `malloc` arena to the system.
///
/// glibc's `free` gives pages back only at the top of a heap; freed memory
/// in the middle stays resident for the thread arena it belongs to.
/// `malloc_trim(0)` releases it everywhere ("the pad argument … only the
/// minimum amount of memory is maintained at the top of the heap"; since
/// glibc 2.8 it releases free pages in all arenas and in all chunks with
/// whole free pages: malloc_trim(3), Linux man-pages). Measured on a 19 MB
/// document in the server: resident after closing it 124–129 MB without,
/// 9 MB with; the reopened document 188–246 MB without, 183 MB with.
///
/// Blocks while it walks the heaps and releases the pages (after a 19 MB
/// document the resident size is back under 100 MB 50–100 ms after the
/// cleared diagnostics are sent, the dropping of the document included):
/// call it off the async executor. Does nothing on platforms other than
/// Linux with glibc.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim(3) takes a byte count and only returns free pages
    // to the system; it locks each arena while it works and has no
    // memory-safety preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Bytes from which glibc's `malloc` serves a block with its own `mmap(2)`
/// mapping, which `free` returns to the system at once (1 MiB).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub const MMAP_THRESHOLD: libc::c_int = 1 << 20;

/// For the language server (`sayso lsp` calls it first thing; the scaling
/// example too, so that its memory figures are the server's): make glibc's
/// mmap threshold fixed at [`MMAP_THRESHOLD`] instead of dynamic.
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
/// system when freed. Measured on a 19 MB document in the server (with a
/// 4 MiB threshold, against the dynamic one): resident after opening it
/// 188–195 → 183 MB, after a 1 MB paste 236–243 → 201–211 MB, after
/// closing and reopening it 257–318 → 188–246 MB; a keystroke that reruns
/// the document pass 36 → 40 ms (page faults of fresh mappings). Since the
/// analysis became smaller (32-bit offsets), 1 MiB does better than 4 MiB:
/// server with the 19 MB document 109–110 → 106–107 MB; scaling example,
/// peak resident at 10 MB 52–54 → 44 MB (dynamic: 43), at 100 MB 351 →
/// 349 MB (dynamic: 361).
///
/// Left alone when the environment already sets the threshold
/// (`MALLOC_MMAP_THRESHOLD_`, or `GLIBC_TUNABLES` with
/// `glibc.malloc.mmap_threshold`). Must run before any other thread starts.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn fixed_mmap_threshold() {
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

/// Other platforms: their allocators have no such threshold to set; does
/// nothing.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn fixed_mmap_threshold() {}
