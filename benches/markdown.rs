//! Markdown speed: the prose mask of a large article, and one keystroke in
//! a Markdown document as the language server handles it (mask the whole
//! new text, find the changed span, one incremental edit of the core's
//! document, document-level pass).
//!
//! `cargo bench --bench markdown`. The article is the seed article dressed
//! up as Markdown (front matter, headings, blockquotes, code, links, lists)
//! and repeated to about 200 KB.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use sayso::analysis::{Document, Options};
use sayso::article::changed_span;
use sayso::markdown::mask;

fn article() -> String {
    let seed = include_str!("../seeds/000_4183c379b24c5a5d.txt");
    let mut body = String::from("---\ntitle: \"Seed, as Markdown\"\ntags: [news]\n---\n\n");
    let mut n = 0;
    while body.len() < 200_000 {
        for (i, para) in seed
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
            .enumerate()
        {
            match (i + n) % 7 {
                0 => body += &format!("## {}\n\n", para.lines().next().unwrap_or("")),
                1 => body += &format!("> {}\n\n", para.replace('\n', "\n> ")),
                2 => {
                    body += &format!(
                        "- {} [more](https://example.org/{n}/{i} \"Title\")\n\n",
                        para.replace('\n', " ")
                    )
                }
                3 => body += "```text\nlet quote = \"not a quotation\";\n```\n\n",
                4 => {
                    body +=
                        &format!("{para} `inline \"code\"` <span class=\"x\">and</span> more.\n\n")
                }
                _ => body += &format!("{para}\n\n"),
            }
        }
        n += 1;
    }
    body
}

fn bench(c: &mut Criterion) {
    let text = article();
    let mut g = c.benchmark_group("markdown");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("mask 200 KB", |b| {
        b.iter(|| mask(std::hint::black_box(&text)))
    });

    // The server's path for one keystroke in the middle of the article.
    let masked = mask(&text).text;
    let mut doc = Document::new(&masked, Options::default());
    let _ = doc.analysis();
    let at = text.len() / 2;
    let at = (at..).find(|&i| text.is_char_boundary(i)).unwrap_or(0);
    let mut edited = text.clone();
    edited.insert(at, 'x');
    g.bench_function("keystroke in a 200 KB Markdown document", |b| {
        b.iter_batched(
            || doc.clone(),
            |mut d| {
                let m = mask(&edited).text;
                if let Some((old, new)) = changed_span(d.text(), &m) {
                    let replacement = m[new].to_string();
                    d.edit(old, &replacement);
                }
                d.analysis()
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
