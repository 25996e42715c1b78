//! A document edited incrementally (ranges anywhere, even inside characters
//! or reversed) answers exactly as a fresh analysis of its final text,
//! including after edits applied without asking for the analysis between
//! them.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use sayso::analysis::{analyze, Document, Options};

#[derive(Debug, Arbitrary)]
struct Edit {
    start: u16,
    end: u16,
    text: String,
    look: bool,
}

#[derive(Debug, Arbitrary)]
struct Input {
    base: String,
    edits: Vec<Edit>,
}

fuzz_target!(|input: Input| {
    let mut d = Document::new(&input.base, Options::default());
    d.analysis();
    for e in input.edits.iter().take(32) {
        let len = d.text().len().max(1);
        d.edit(e.start as usize % (len + 2)..e.end as usize % (len + 2), &e.text);
        if e.look {
            assert_eq!(d.analysis().as_ref(), &analyze(d.text()), "after {e:?}");
        }
    }
    assert_eq!(d.analysis().as_ref(), &analyze(d.text()));
});
