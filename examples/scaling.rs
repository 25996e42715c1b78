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
//! synthetic corpus of `benches/corpus.rs` when `../shared` is absent).
//! Output: a Markdown table on stdout, ready for the README.

#[path = "../benches/corpus.rs"]
mod corpus;

use std::process::Command;
use std::time::{Duration, Instant};

use sayso::analysis::{Document, Options};

const MB: usize = 1_000_000;

/// Resident-size figures of this process in kB: (current, peak).
fn rss_kb() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
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

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Measure one size; prints one tab-separated line for the parent.
fn child(mb: usize) {
    let base = corpus::reference();
    let text = corpus::sized(&base.text, mb * MB);
    drop(base);
    let (rss_text, _) = rss_kb();
    // Full analysis: best of a few runs (fewer for big sizes).
    let runs = if mb >= 100 {
        1
    } else if mb >= 10 {
        3
    } else {
        10
    };
    let mut best = Duration::MAX;
    let mut doc = None;
    for _ in 0..runs {
        drop(doc.take());
        let t = Instant::now();
        let mut d = Document::new(&text, Options::default());
        let a = d.analysis();
        let el = t.elapsed();
        std::hint::black_box(&a);
        drop(a);
        best = best.min(el);
        doc = Some(d);
    }
    let mut doc = doc.expect("at least one run");
    let (_, peak_full) = rss_kb();
    // One typed character: insert then delete at the typing point, each
    // followed by the analysis, as an editor does on every keystroke.
    let at = corpus::typing_point(&text);
    let keys = if mb >= 100 { 20 } else { 200 };
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
    let (_, peak) = rss_kb();
    let key = median(times);
    println!(
        "{}\t{}\t{}\t{}\t{}\t{}\t{}",
        text.len(),
        best.as_secs_f64(),
        key.as_secs_f64(),
        rss_text,
        peak_full.max(peak),
        doc.analysis().quotes.len(),
        corpus::reference_source()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        child(args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1));
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
    let mut source = String::new();
    let mut rows = Vec::new();
    for mb in sizes {
        let out = Command::new(&exe)
            .args(["--child", &mb.to_string()])
            .output()
            .expect("run child");
        let line = String::from_utf8_lossy(&out.stdout);
        let f: Vec<&str> = line.trim().split('\t').collect();
        if f.len() < 7 {
            eprintln!(
                "size {mb} MB failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            continue;
        }
        let len: f64 = f[0].parse().unwrap_or(0.0);
        let full: f64 = f[1].parse().unwrap_or(0.0);
        let key: f64 = f[2].parse().unwrap_or(0.0);
        let rss_text: f64 = f[3].parse().unwrap_or(0.0);
        let peak: f64 = f[4].parse().unwrap_or(0.0);
        source = f[6].to_string();
        rows.push(format!(
            "| {:.0} MB | {:.3} s | {:.0} MB/s | {:.3} ms | {:.0} MB | {:.1}× | {} |",
            len / 1e6,
            full,
            len / 1e6 / full,
            key * 1e3,
            peak / 1024.0,
            (peak - rss_text + len / 1024.0) / (len / 1024.0),
            f[5],
        ));
    }
    println!("Machine: {cpu}, {cores} cores (shared); text: {source}; release build.\n");
    println!("| text | full analysis | throughput | one typed character (median) | peak resident | peak ÷ text | quotations |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        println!("{r}");
    }
}
