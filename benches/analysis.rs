//! Speed of the analysis core (issue 5): full analysis throughput on the
//! PolNeAR train articles concatenated (or the synthetic corpus), and one
//! typed character in 1 MB and 10 MB documents (`Document::edit` followed by
//! `Document::analysis`, as an editor does on every keystroke), and the same
//! inside a name with the text in a rope, as the language server keeps it
//! (`DocumentState` reading the rope: `_rope`).
//!
//! ```sh
//! cargo bench --bench analysis
//! cargo bench --bench analysis -- keystroke     # one group
//! ```
//!
//! Targets (README, issue 5): full analysis ≥ 100 MB/s; one typed
//! character in 1 MB ≤ 1 ms.

#[path = "corpus.rs"]
mod corpus;

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sayso::analysis::{analyze, Document, DocumentState, Options};

fn full_analysis(c: &mut Criterion) {
    let corpus = corpus::reference();
    eprintln!(
        "full_analysis corpus: {} ({} bytes)",
        corpus.source,
        corpus.text.len()
    );
    let mut g = c.benchmark_group("full_analysis");
    g.throughput(Throughput::Bytes(corpus.text.len() as u64));
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    // Every core (paragraphs in parallel on rayon's pool).
    g.bench_function("polnear_train_all_cores", |b| {
        b.iter(|| black_box(Document::new(black_box(&corpus.text), Options::default()).analysis()))
    });
    // One core: the figure that does not depend on the machine's load.
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("thread pool");
    g.bench_function("polnear_train_one_core", |b| {
        b.iter(|| {
            one.install(|| {
                black_box(Document::new(black_box(&corpus.text), Options::default()).analysis())
            })
        })
    });
    // The one-shot API (includes copying the result out of the Arc).
    g.bench_function("analyze_fn", |b| {
        b.iter(|| black_box(analyze(black_box(&corpus.text))))
    });
    g.finish();
}

/// A document of `mb` MB with the cursor at a typing point.
fn doc_of(mb: usize) -> (Document, usize) {
    let base = corpus::reference();
    let text = corpus::sized(&base.text, mb * 1_000_000);
    let at = corpus::typing_point(&text);
    let mut doc = Document::new(&text, Options::default());
    doc.analysis();
    (doc, at)
}

/// Inside a speaker's name in the second half ([`corpus::name_point`]).
fn name_point(doc: &mut Document) -> usize {
    let a = doc.analysis();
    corpus::name_point(doc.text(), &a).expect("a mention")
}

fn keystroke(c: &mut Criterion) {
    let mut g = c.benchmark_group("keystroke");
    g.sample_size(30).measurement_time(Duration::from_secs(5));
    for mb in [1usize, 10] {
        let (mut doc, at) = doc_of(mb);
        // Type `x` then delete it: each iteration is one keystroke.
        let mut typed = false;
        g.bench_function(format!("type_char_{mb}MB"), |b| {
            b.iter(|| {
                if typed {
                    doc.edit(at..at + 1, "");
                } else {
                    doc.edit(at..at, "x");
                }
                typed = !typed;
                black_box(doc.analysis())
            })
        });
        // The same while an earlier snapshot is still held (as the language
        // server holds one for hovers): the analysis is copied, not reused.
        let mut typed = false;
        g.bench_function(format!("type_char_{mb}MB_snapshot_held"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let held = doc.analysis();
                    let t = std::time::Instant::now();
                    if typed {
                        doc.edit(at..at + 1, "");
                    } else {
                        doc.edit(at..at, "x");
                    }
                    typed = !typed;
                    black_box(doc.analysis());
                    total += t.elapsed();
                    drop(held);
                }
                total
            })
        });
        // Inside a speaker's name: coreference keys change, the document
        // pass runs over all paragraphs.
        let np = name_point(&mut doc);
        let mut typed = false;
        g.bench_function(format!("type_char_in_name_{mb}MB"), |b| {
            b.iter(|| {
                if typed {
                    doc.edit(np..np + 1, "");
                } else {
                    doc.edit(np..np, "x");
                }
                typed = !typed;
                black_box(doc.analysis())
            })
        });
        // The same with the text in a rope that the core reads (the
        // language server's way: no second copy of the text; paragraphs
        // that span the rope's chunks are copied to be read).
        let mut rope = ropey::Rope::from_str(doc.text());
        let mut state = DocumentState::new(&rope, Options::default());
        state.analysis(&rope);
        let npc = rope.byte_to_char(np);
        let mut typed = false;
        g.bench_function(format!("type_char_in_name_{mb}MB_rope"), |b| {
            b.iter(|| {
                if typed {
                    rope.remove(npc..npc + 1);
                    state.edit(&rope, np..np + 1, 0);
                } else {
                    rope.insert(npc, "x");
                    state.edit(&rope, np..np, 1);
                }
                typed = !typed;
                black_box(state.analysis(&rope))
            })
        });
    }
    g.finish();
}

criterion_group!(benches, full_analysis, keystroke);
criterion_main!(benches);
