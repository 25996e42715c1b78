//! Any UTF-8 text: the analysis never panics, every range lies on `char`
//! boundaries inside the text, and top-level quotations never overlap.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sayso::analysis::{analyze, span, Offset};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let a = analyze(text);
    let ok = |r: &std::ops::Range<Offset>| {
        let r = span(r);
        r.start <= r.end && r.end <= text.len() && text.is_char_boundary(r.start) && text.is_char_boundary(r.end)
    };
    for q in &a.quotes {
        assert!(ok(&q.range) && ok(&q.content), "{:?}", q);
        if let Some(at) = &q.attribution {
            assert!(a.entity(at.entity).is_some() && a.mention(at.mention).is_some());
            assert!(at.cue.as_ref().is_none_or(ok));
        }
    }
    for w in a.quotes.windows(2) {
        assert!(w[0].range.end <= w[1].range.start, "overlap {:?} {:?}", w[0].range, w[1].range);
    }
    assert!(a.mentions.iter().all(|m| ok(&m.range) && a.entity(m.entity).is_some()));
    assert!(a.findings.iter().all(|f| ok(&f.range)));
    assert!(a.paragraphs.iter().all(ok));
});
