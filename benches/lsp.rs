//! Speed of the language server (issue 5): position conversion, and the
//! end-to-end latency from a `didChange` sent to the `publishDiagnostics`
//! received, over stdio with a real `sayso lsp` process, on a 1 MB
//! document; and the time to open a 19 MB document (didOpen sent to its
//! diagnostics received).
//!
//! ```sh
//! cargo bench --bench lsp
//! ```
//!
//! Targets (issue 5): median didChange → publishDiagnostics ≤ 10 ms on
//! 1 MB; a 19 MB document opens in ≤ 5 s.

#[path = "corpus.rs"]
mod corpus;
#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use common::{lsp_position, Client};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ropey::Rope;
use sayso::server::position::{to_lsp_range, to_offset, to_position, Encoding};
use serde_json::json;

/// Byte offsets spread over the text, on char boundaries.
fn offsets(text: &str, n: usize) -> Vec<usize> {
    (0..n)
        .map(|k| {
            let mut i = (k * 7919 % n) * (text.len() / n);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            i
        })
        .collect()
}

fn position_conversion(c: &mut Criterion) {
    let base = corpus::reference();
    let text = corpus::sized(&base.text, 1_000_000);
    let rope = Rope::from_str(&text);
    let offs = offsets(&text, 1000);
    let mut g = c.benchmark_group("position");
    g.throughput(Throughput::Elements(offs.len() as u64));
    for enc in [Encoding::Utf16, Encoding::Utf8] {
        let positions: Vec<_> = offs.iter().map(|&o| to_position(&rope, o, enc)).collect();
        g.bench_function(format!("to_position_1000_{enc:?}_1MB"), |b| {
            b.iter(|| {
                for &o in &offs {
                    black_box(to_position(&rope, o, enc));
                }
            })
        });
        g.bench_function(format!("to_offset_1000_{enc:?}_1MB"), |b| {
            b.iter(|| {
                for &p in &positions {
                    black_box(to_offset(&rope, p, enc));
                }
            })
        });
    }
    // All the ranges of one publishDiagnostics (every finding of 1 MB).
    let analysis = sayso::analysis::analyze(&text);
    g.throughput(Throughput::Elements(analysis.findings.len() as u64));
    g.bench_function("diagnostic_ranges_1MB_Utf16", |b| {
        b.iter(|| {
            for f in &analysis.findings {
                black_box(to_lsp_range(&rope, sayso::analysis::span(&f.range), Encoding::Utf16));
            }
        })
    });
    g.finish();
}

/// One keystroke at a time over a real `sayso lsp`: the time from writing
/// the `didChange` to reading the `publishDiagnostics` of that version.
/// Two places: running text (the analysis is shifted) and inside a
/// speaker's name in the second half (the document pass resumes there).
fn keystroke_to_diagnostics(c: &mut Criterion) {
    let base = corpus::reference();
    let text = corpus::sized(&base.text, 1_000_000);
    let in_name = corpus::name_point(&text, &sayso::analysis::analyze(&text)).unwrap_or(corpus::typing_point(&text));
    for (name, at) in [("did_change_to_publish_diagnostics_1MB", corpus::typing_point(&text)), ("did_change_in_a_name_to_publish_diagnostics_1MB", in_name)] {
        keystrokes_at(c, name, text.clone(), at);
    }
}

fn keystrokes_at(c: &mut Criterion, name: &str, mut text: String, at: usize) {
    let mut client = Client::process("error");
    client.initialize(&["utf-16"]);
    let uri = "file:///bench.txt";
    client.open(uri, 1, &text);
    client.diagnostics(uri, 1);
    let (line, col) = lsp_position(&text, at, false);
    let mut version = 1;
    let mut g = c.benchmark_group("lsp");
    g.sample_size(100).measurement_time(Duration::from_secs(10));
    g.bench_function(name, |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                version += 1;
                // Type `x`, then delete it: one keystroke each.
                let change = if version % 2 == 0 {
                    text.insert(at, 'x');
                    json!([{"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col}}, "text": "x"}])
                } else {
                    text.remove(at);
                    json!([{"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 1}}, "text": ""}])
                };
                let t = Instant::now();
                client.change(uri, version, change);
                black_box(client.diagnostics(uri, version));
                total += t.elapsed();
            }
            total
        })
    });
    g.finish();
    client.shutdown_and_exit();
}

/// didOpen of a 19 MB document to its publishDiagnostics.
fn open_19_mb(c: &mut Criterion) {
    let base = corpus::reference();
    let text = corpus::sized(&base.text, 19_000_000);
    let mut client = Client::process("error");
    client.initialize(&["utf-16"]);
    let mut g = c.benchmark_group("lsp");
    g.sample_size(10).measurement_time(Duration::from_secs(30));
    g.throughput(Throughput::Bytes(text.len() as u64));
    let mut n = 0;
    g.bench_function("open_19MB_to_diagnostics", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                n += 1;
                let uri = format!("file:///big{n}.txt");
                let t = Instant::now();
                client.open(&uri, 1, &text);
                black_box(client.diagnostics(&uri, 1));
                total += t.elapsed();
                client.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
            }
            total
        })
    });
    g.finish();
    client.shutdown_and_exit();
}

criterion_group!(benches, position_conversion, keystroke_to_diagnostics, open_19_mb);
criterion_main!(benches);
