//! Soak test of incremental reanalysis on real articles: random edits of
//! the kinds a writer makes (renaming a speaker, typing, deleting a
//! paragraph, pasting one, splitting or joining paragraphs), each followed
//! by [`Document::analysis`], compared with a fresh analysis of the text.
//!
//! ```sh
//! cargo run --release --example soak -- [EDITS] [KB] [SEED]
//! ```
//!
//! `KB` (default 300) is how much of the reference corpus (PolNeAR train
//! concatenated, or the synthetic corpus from `seeds/`) to use. Exits with
//! status 1 and the first differing edit on a mismatch.

#[path = "../benches/corpus.rs"]
mod corpus;

use sayso::analysis::{analyze, span, Document, Options};

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let edits: usize = args.first().and_then(|s| s.parse().ok()).unwrap_or(300);
    let kb: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(300);
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(7);
    let base = corpus::reference();
    let text = &base.text[..boundary(&base.text, kb * 1000)];
    let mut rng = Rng(seed.max(1));
    let mut doc = Document::new(text, Options::default());
    doc.analysis();
    let mut kinds = [0usize; 7];
    for n in 0..edits {
        let t = doc.text().to_string();
        let a = doc.analysis();
        let kind = rng.below(7);
        kinds[kind] += 1;
        let (range, new): (std::ops::Range<usize>, String) = match kind {
            // Rename a speaker: replace a mention by another mention's text.
            0 | 1 if a.mentions.len() >= 2 => {
                let m = &a.mentions[rng.below(a.mentions.len())];
                let o = &a.mentions[rng.below(a.mentions.len())];
                (span(&m.range), t[span(&o.range)].to_string())
            }
            // Type a few characters inside a mention or anywhere.
            2 => {
                let at = match a.mentions.get(rng.below(a.mentions.len().max(1))) {
                    Some(m) if rng.below(2) == 0 => m.range.start as usize + 1,
                    _ => rng.below(t.len() + 1),
                };
                let at = boundary(&t, at);
                (at..at, ["x", "e", " ", "“", "”", "\n", "\n\n", "said ", "He said."][rng.below(9)].to_string())
            }
            // Delete a paragraph.
            3 if a.paragraphs.len() > 2 => {
                let p = span(&a.paragraphs[rng.below(a.paragraphs.len())]);
                (p, String::new())
            }
            // Paste a paragraph from elsewhere before another one.
            4 if a.paragraphs.len() > 2 => {
                let from = span(&a.paragraphs[rng.below(a.paragraphs.len())]);
                let to = a.paragraphs[rng.below(a.paragraphs.len())].start as usize;
                (to..to, format!("{}\n\n", &t[from]))
            }
            // Join two paragraphs, or split one.
            5 => {
                let p = boundary(&t, rng.below(t.len() + 1));
                match t[p..].find("\n\n") {
                    Some(i) if rng.below(2) == 0 => (p + i..p + i + 2, " ".to_string()),
                    _ => (p..p, "\n\n".to_string()),
                }
            }
            _ => {
                let s = boundary(&t, rng.below(t.len() + 1));
                let e = boundary(&t, s + rng.below(40));
                (s..e, String::new())
            }
        };
        doc.edit(range.clone(), &new);
        let inc = doc.analysis();
        let fresh = analyze(doc.text());
        if inc.as_ref() != &fresh {
            eprintln!("edit {n} (kind {kind}): {range:?} -> {new:?}: incremental analysis differs from a fresh one");
            std::process::exit(1);
        }
    }
    println!("{edits} edits on {} bytes of {}: every incremental analysis equals a fresh one (edits by kind: {kinds:?})", text.len(), base.source);
}
