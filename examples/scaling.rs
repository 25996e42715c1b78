//! Scaling table: full analysis and one typed character at 1 MB, 10 MB and
//! 100 MB, with throughput and peak memory.
//!
//! ```sh
//! cargo run --release --example scaling            # 1, 10, 100 MB
//! cargo run --release --example scaling -- 1 10    # chosen sizes (MB)
//! ```
//!
//! Each size runs in a child process of its own so that its peak resident
//! size (`VmHWM` of `/proc/self/status`, Linux) is its own. The text is the
//! PolNeAR train articles concatenated and repeated to the size (or the
//! synthetic corpus of `benches/corpus.rs` when `../shared` is absent),
//! built by the parent and written to a temporary file that the child reads
//! in one allocation (so no leftovers of building the corpus count), then
//! handed over to the document, which holds its only copy; the peak is read
//! after the first full analysis and the editing (before the timing re-runs,
//! which copy the text), and the resident size before the document is made
//! (the text and the program) is shown beside it. The child sets glibc's
//! allocator as `sayso lsp` does (`server::memory::fixed_mmap_threshold`),
//! so the memory is the server's for a document of that size (without its
//! rope).
//! Output: a Markdown table on stdout, ready for the README.

#[path = "../benches/corpus.rs"]
mod corpus;
#[path = "../tests/common/resident.rs"]
mod resident;

use std::process::Command;
use std::time::{Duration, Instant};

use sayso::analysis::{Document, Options};

const MB: usize = 1_000_000;

/// Resident-size figures of this process in kB: (current, peak).
fn rss_kb() -> (u64, u64) {
    resident::resident_kb("self")
}

/// CPU time of this process (all threads, user + system) in seconds, from
/// `/proc/self/stat` (clock ticks of 1/100 s).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may contain spaces).
    let rest = stat.rsplit_once(')').map_or("", |x| x.1);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Median time of `keys` keystrokes at byte `at` (type `x`, delete it),
/// each followed by the analysis, as an editor does on every keystroke.
fn keystrokes(doc: &mut Document, at: usize, keys: usize) -> Duration {
    let mut times = Vec::with_capacity(keys);
    for k in 0..keys {
        let t = Instant::now();
        if k % 2 == 0 {
            doc.edit(at..at, "x");
        } else {
            doc.edit(at..at + 1, "");
        }
        let a = doc.analysis();
        times.push(t.elapsed());
        std::hint::black_box(&a);
    }
    median(times)
}

/// Full analysis of `text`, handed over to a new document: (document,
/// wall time, CPU time).
fn full_analysis(text: String) -> (Document, Duration, f64) {
    let cpu0 = cpu_seconds();
    let t = Instant::now();
    let mut d = Document::new(text, Options::default());
    let a = d.analysis();
    let el = t.elapsed();
    std::hint::black_box(&a);
    (d, el, cpu_seconds() - cpu0)
}

/// Measure one size; prints one tab-separated line for the parent.
///
/// The text is handed over to the document, which then holds its only
/// copy (as the command line does with a file it read), and the peak
/// resident size is read after the full analysis and the editing, before
/// the extra timing runs (which copy the text).
fn child(mb: usize, path: &str) {
    // The allocator as the language server sets it, where a document stays
    // open (a fixed mmap threshold: big freed blocks go back to the system).
    sayso::server::memory::fixed_mmap_threshold();
    // Read from the file the parent wrote: one allocation of the text's
    // size, so that the peak holds no leftovers of building the corpus.
    let text = std::fs::read_to_string(path).expect("the text file of the parent");
    let (_, before) = rss_kb();
    let len = text.len();
    let (mut doc, first, first_cpu) = full_analysis(text);
    let keys = if mb >= 100 { 21 } else { 201 };
    // In running text, and inside a speaker's name (coreference keys
    // change: the document pass runs).
    let typing_point = corpus::typing_point(doc.text());
    let key = keystrokes(&mut doc, typing_point, keys);
    let a = doc.analysis();
    let name_at = corpus::name_point(doc.text(), &a).unwrap_or(typing_point);
    drop(a);
    let key_name = keystrokes(&mut doc, name_at, if mb >= 100 { 5 } else { 41 });
    // A writer typing a new article at the end of the document, one char
    // at a time (names, cues and marks appear as they are typed, so some
    // keystrokes take the document pass): median and 90th percentile.
    let article = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/seeds/000_4183c379b24c5a5d.txt"
    ))
    .unwrap_or_default();
    let typed: Vec<char> = article
        .chars()
        .take(if mb >= 100 { 60 } else { 1500 })
        .collect();
    let mut at = doc.text().len();
    doc.edit(at..at, "\n\n");
    at += 2;
    doc.analysis();
    let mut times = Vec::with_capacity(typed.len());
    for c in typed {
        let mut buf = [0u8; 4];
        let t = Instant::now();
        doc.edit(at..at, c.encode_utf8(&mut buf));
        std::hint::black_box(doc.analysis());
        times.push(t.elapsed());
        at += c.len_utf8();
    }
    times.sort();
    let typing_median = times[times.len() / 2];
    let typing_p90 = times[times.len() * 9 / 10];
    let (_, peak) = rss_kb();
    let quotes = doc.analysis().quotes.len();
    // More full analyses for the time: best of a few runs (fewer for big
    // sizes), on the text as edited (a few bytes longer).
    let runs = if mb >= 100 {
        0
    } else if mb >= 10 {
        2
    } else {
        9
    };
    let (mut best, mut cpu) = (first, first_cpu);
    let text = doc.text().to_string();
    drop(doc);
    for _ in 0..runs {
        let (d, el, c) = full_analysis(text.clone());
        drop(d);
        best = best.min(el);
        cpu = cpu.min(c);
    }
    println!(
        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t-\t{}\t{}\t{}",
        len,
        best.as_secs_f64(),
        cpu,
        key.as_secs_f64(),
        key_name.as_secs_f64(),
        peak,
        quotes,
        typing_median.as_secs_f64(),
        typing_p90.as_secs_f64(),
        before,
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        child(
            args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1),
            args.get(2).map_or("", String::as_str),
        );
        return;
    }
    let sizes: Vec<usize> = if args.is_empty() {
        vec![1, 10, 100]
    } else {
        args.iter().filter_map(|s| s.parse().ok()).collect()
    };
    let exe = std::env::current_exe().expect("own path");
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let base = corpus::reference();
    let source = corpus::reference_source();
    let mut rows = Vec::new();
    for mb in sizes {
        let path = std::env::temp_dir().join(format!("sayso-scaling-{}-{mb}.txt", std::process::id()));
        std::fs::write(&path, corpus::sized(&base.text, mb * MB)).expect("write the text file");
        let out = Command::new(&exe)
            .args(["--child", &mb.to_string(), &path.to_string_lossy()])
            .output()
            .expect("run child");
        let _ = std::fs::remove_file(&path);
        let line = String::from_utf8_lossy(&out.stdout);
        let f: Vec<&str> = line.trim().split('\t').collect();
        if f.len() < 11 {
            eprintln!(
                "size {mb} MB failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            continue;
        }
        let len: f64 = f[0].parse().unwrap_or(0.0);
        let num = |i: usize| f[i].parse::<f64>().unwrap_or(0.0);
        let (full, cpu, key, key_name, peak_kb) = (num(1), num(2), num(3), num(4), num(5));
        let (typing_median, typing_p90) = (num(8), num(9));
        let before = num(10) * 1024.0 / 1e6;
        let mb = len / 1e6;
        let target = 3.0 * mb + 30.0;
        let peak = peak_kb * 1024.0 / 1e6;
        rows.push(format!(
            "| {mb:.0} MB | {full:.3} s | {:.0} MB/s | {:.0} MB/s | {:.3} ms | {:.1} ms | {:.3} / {:.1} ms | {peak:.0} MB ({before:.0}) | {target:.0} MB ({:.1}×) | {} |",
            mb / full,
            mb / cpu.max(0.01),
            key * 1e3,
            key_name * 1e3,
            typing_median * 1e3,
            typing_p90 * 1e3,
            peak / target,
            f[6],
        ));
    }
    println!("Machine: {cpu}, {cores} cores (shared); text: {source}; release build.\n");
    println!("| text | full analysis (wall) | throughput (wall) | throughput per CPU second | one typed character (median) | typed inside a name (median) | typing an article at the end (median / 90th pct.) | peak resident (of which before the document: text, program) | target 3×text + 30 MB (ratio) | quotations |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        println!("{r}");
    }
}
