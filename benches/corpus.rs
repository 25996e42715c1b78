//! Benchmark corpora, shared by the benches and `examples/scaling.rs`
//! (included with `#[path]`).
//!
//! The reference corpus is the PolNeAR train articles concatenated
//! (840 files, 3.9 MB) when `../shared/corpora/polnear/train/text` exists
//! beside the clone; otherwise a synthetic corpus of the same size is built
//! from `seeds/`, so the benches run in any clone.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Where the corpus came from, for reports.
pub struct Corpus {
    /// The articles joined by a blank line.
    pub text: String,
    /// `"PolNeAR train (840 articles)"` or `"synthetic from seeds/ (…)"`.
    pub source: String,
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.txt` file of `dir`, in name order; `None` when `dir` is absent.
fn read_dir_texts(dir: &Path) -> Option<Vec<String>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    let texts: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    (!texts.is_empty()).then_some(texts)
}

/// Fictional names for the synthetic corpus, so that coreference sees many
/// speakers rather than one article repeated.
const FIRST: &[&str] = &[
    "Dana", "Omar", "Ines", "Tomas", "Ruth", "Kwame", "Mei", "Pavel", "Amara", "Lars",
];
const LAST: &[&str] = &[
    "Whitlock",
    "Reyes",
    "Okafor",
    "Lindqvist",
    "Haddad",
    "Moreau",
    "Tanaka",
    "Novak",
    "Quinn",
    "Varga",
];

/// One synthetic article number `i`: the seed articles plus a few
/// paragraphs with varied speakers and every quotation pattern.
fn synthetic_article(i: usize, seeds: &[String]) -> String {
    let a = format!(
        "{} {}",
        FIRST[i % FIRST.len()],
        LAST[(i / FIRST.len()) % LAST.len()]
    );
    let b = format!(
        "{} {}",
        FIRST[(i + 3) % FIRST.len()],
        LAST[(i / 7 + 2) % LAST.len()]
    );
    let surname_a = a.split(' ').nth(1).unwrap_or("");
    let mut s = String::new();
    if let Some(seed) = seeds.get(i % seeds.len().max(1)) {
        s.push_str(seed);
        s.push_str("\n\n");
    }
    s.push_str(&format!(
        "“The harbour will reopen on Tuesday,” said {a}, a ferry operator.\n\n\
         {b} told reporters the pier “will be rebuilt by spring” and added: “We lost two boats.”\n\n\
         “Nobody expected the water to rise this fast,” {surname_a} said. “We will not lose a third.”\n\n\
         The council’s statement said it had “no plans” to close the drivers’ union office in the ’90s building.\n\n\
         “The ferries will run every hour,\n\n\
         “from Monday to Friday,” she added, according to {b}.\n"
    ));
    s
}

/// `n` bytes or more of synthetic text built from `seeds/`.
pub fn synthetic(min_len: usize) -> String {
    let seeds = read_dir_texts(&manifest_dir().join("seeds")).unwrap_or_default();
    let mut out = String::with_capacity(min_len + 8192);
    let mut i = 0;
    while out.len() < min_len {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&synthetic_article(i, &seeds));
        i += 1;
    }
    out
}

/// The reference corpus: PolNeAR train concatenated, else synthetic (3.9 MB).
pub fn reference() -> Corpus {
    let dir = manifest_dir().join("../shared/corpora/polnear/train/text");
    match read_dir_texts(&dir) {
        Some(texts) => Corpus {
            source: format!("PolNeAR train ({} articles)", texts.len()),
            text: texts.join("\n\n"),
        },
        None => Corpus {
            text: synthetic(3_862_591),
            source: "synthetic from seeds/ (PolNeAR not found beside the clone)".into(),
        },
    }
}

/// The reference corpus repeated (joined by blank lines) up to at least
/// `min_len` bytes, cut at a paragraph boundary.
pub fn sized(base: &str, min_len: usize) -> String {
    let mut out = String::with_capacity(min_len + base.len());
    while out.len() < min_len {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(base);
    }
    // Cut at the first blank line after `min_len` (searched from the
    // next char boundary: the synthetic corpus has NBSPs and curly quotes).
    let mut from = min_len;
    while !out.is_char_boundary(from) {
        from += 1;
    }
    if let Some(p) = out[from..].find("\n\n") {
        out.truncate(from + p);
    }
    out
}

/// A byte offset inside a speaker's name in the second half of `text`
/// (after the first character of the first mention of four bytes or more
/// that starts at or after the middle), where typing changes coreference
/// keys and the document pass runs; `None` when there is no such mention.
pub fn name_point(text: &str, a: &sayso::analysis::Analysis) -> Option<usize> {
    let m = a.mentions.iter().find(|m| m.range.start as usize >= text.len() / 2 && m.range.len() > 3)?;
    let range = sayso::analysis::span(&m.range);
    let first = text[range.clone()].chars().next()?;
    Some(range.start + first.len_utf8())
}

/// A byte offset near the middle of `text`, inside a paragraph that has
/// words (a place where a writer types), on a char boundary.
pub fn typing_point(text: &str) -> usize {
    let mut i = text.len() / 2;
    while !text.is_char_boundary(i) {
        i += 1;
    }
    // Move to just after the next space inside a line.
    match text[i..].find(" ") {
        Some(p) => i + p + 1,
        None => i,
    }
}

/// The name of the reference corpus's source, without reading it twice.
pub fn reference_source() -> String {
    let dir = manifest_dir().join("../shared/corpora/polnear/train/text");
    if dir.is_dir() {
        "PolNeAR train articles, concatenated and repeated".into()
    } else {
        "synthetic articles from seeds/".into()
    }
}
