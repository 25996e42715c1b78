//! Pathological but valid text (issue 6): each input of the issue, at the
//! issue's size, analysed in the normal test run. The core is linear in the
//! text whatever its shape (see `Stack` and `LineStart` in
//! `src/analysis/marks.rs`, the flat document pass in `document.rs`), so
//! these finish in well under a second each in a release build and a few
//! seconds in a debug build; a quadratic path makes them run for minutes
//! (the scanner before the fix took 10 s in release on the nesting case). No test here measures time (timed assertions are flaky on shared
//! machines): `cargo run --release --example patho` prints the time at n,
//! 2n and 4n for a look at the slope, and the results below are asserted.

use sayso::analysis::{analyze, span, Analysis, Document, Options, QuoteId, Severity};

fn count(a: &Analysis, code: &str) -> usize {
    a.findings.iter().filter(|f| f.code == code).count()
}

/// Every range inside the text and on `char` boundaries.
fn ranges_ok(text: &str, a: &Analysis) {
    let ok = |r: &std::ops::Range<sayso::analysis::Offset>| {
        let r = span(r);
        r.start <= r.end
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end)
    };
    assert!(a.quotes.iter().all(|q| ok(&q.range) && ok(&q.content)));
    assert!(a.mentions.iter().all(|m| ok(&m.range)));
    assert!(a.findings.iter().all(|f| ok(&f.range)));
}

#[test]
fn two_hundred_thousand_straight_marks() {
    let text = "\"".repeat(200_000);
    let a = analyze(&text);
    ranges_ok(&text, &a);
    // The first two marks pair up (an empty quotation); every later mark
    // follows a mark, so it can only close, and closes nothing.
    assert_eq!(a.quotes.len(), 1);
    assert_eq!(span(&a.quotes[0].range), 0..2);
    assert_eq!(count(&a, "mismatched-quote"), 199_998);
    assert_eq!(count(&a, "unattributed-quote"), 1);
}

#[test]
fn hundred_thousand_openers_then_closers() {
    let text = "“".repeat(100_000) + &"”".repeat(100_000);
    let a = analyze(&text);
    ranges_ok(&text, &a);
    // Nested same-family quotations, all closed: one top-level quotation.
    assert_eq!(a.quotes.len(), 1);
    assert_eq!(span(&a.quotes[0].range), 0..text.len());
    assert_eq!(a.quotes[0].close, Some('”'));
    assert_eq!(count(&a, "unclosed-quote"), 0);
    assert_eq!(count(&a, "mismatched-quote"), 0);
}

#[test]
fn alternating_nesting_hundred_thousand_deep() {
    let text = "“‘".repeat(100_000);
    let a = analyze(&text);
    ranges_ok(&text, &a);
    assert_eq!(a.quotes.len(), 1);
    assert!(a.quotes[0].unclosed);
    assert_eq!(span(&a.quotes[0].range), 0..text.len());
    let unclosed: Vec<_> = a
        .findings
        .iter()
        .filter(|f| f.code == "unclosed-quote")
        .collect();
    assert_eq!(unclosed.len(), 1);
    assert_eq!(unclosed[0].severity, Severity::Error);
    assert_eq!(span(&unclosed[0].range), 0..'“'.len_utf8());
    // Closed again, innermost first: one quotation, nothing unclosed.
    let closed = "“‘".repeat(50_000) + &"’”".repeat(50_000);
    let a = analyze(&closed);
    assert_eq!(a.quotes.len(), 1);
    assert_eq!(span(&a.quotes[0].range), 0..closed.len());
    assert_eq!(count(&a, "unclosed-quote"), 0);
}

#[test]
fn five_megabyte_line_without_a_break() {
    let unit = "Ann Lee said “we won” and left, ";
    let n = 5_000_000 / unit.len() + 1;
    let text = unit.repeat(n);
    assert!(text.len() >= 5_000_000 && !text.contains('\n'));
    let a = analyze(&text);
    ranges_ok(&text, &a);
    assert_eq!(a.paragraphs.len(), 1);
    assert_eq!(a.quotes.len(), n);
    let ann = a.quotes[0].attribution.as_ref().map(|at| at.entity);
    assert!(ann.is_some());
    assert!(a
        .quotes
        .iter()
        .all(|q| q.attribution.as_ref().map(|at| at.entity) == ann));
    assert_eq!(a.speaker((n - 1) as QuoteId).map(|e| e.name.as_str()), Some("Ann Lee"));
    assert!(a.findings.is_empty());
}

#[test]
fn said_four_hundred_thousand_times() {
    let text = "said ".repeat(400_000);
    let a = analyze(&text);
    assert!(a.quotes.is_empty() && a.mentions.is_empty() && a.findings.is_empty());
    // And with a quotation at each end, both still found with no speaker.
    let text = format!("“Start here.” {text}“End here.”");
    let a = analyze(&text);
    ranges_ok(&text, &a);
    assert_eq!(a.quotes.len(), 2);
}

#[test]
fn two_hundred_thousand_right_single_marks() {
    // `’` with nothing open is an apostrophe (a plural possessive), never a
    // stray closer.
    let text = "’".repeat(200_000);
    let a = analyze(&text);
    assert!(a.quotes.is_empty() && a.findings.is_empty());
    let text = "the drivers’ union ".repeat(20_000);
    let a = analyze(&text);
    assert!(a.quotes.is_empty() && a.findings.is_empty());
}

#[test]
fn thousands_of_speakers() {
    let text: String = (0..5_000)
        .map(|i| format!("“We won,” said Name{i} Sur{i}.\n\n"))
        .collect();
    let a = analyze(&text);
    ranges_ok(&text, &a);
    assert_eq!(a.quotes.len(), 5_000);
    assert_eq!(a.entities.len(), 5_000);
    assert_eq!(
        a.speaker(4_321).map(|e| e.name.as_str()),
        Some("Name4321 Sur4321")
    );
    assert!(a.findings.is_empty());
    // Typing in the last paragraph of such a document stays correct.
    let mut d = Document::new(&text, Options::default());
    d.analysis();
    let at = text.len() - 3;
    d.edit(at..at, "x");
    assert_eq!(d.analysis().as_ref(), &analyze(d.text()));
}

#[test]
fn a_whole_paragraph_of_quotations() {
    // 40,000 quotations in one paragraph, none attributed but the first
    // few words: the search for an earlier speaker is O(1) per quotation.
    let text = "“a b c” said ".repeat(40_000);
    let a = analyze(&text);
    ranges_ok(&text, &a);
    assert_eq!(a.quotes.len(), 40_000);
    for w in a.quotes.windows(2) {
        assert!(w[0].range.end <= w[1].range.start);
    }
}

#[test]
fn tens_of_thousands_of_paragraphs_replaced_in_one_edit() {
    // One edit over every paragraph (a paste over the whole document): the
    // reuse of untouched paragraphs is a binary search, not a scan.
    let text = "“One,” she said.\n\n".repeat(30_000);
    let mut d = Document::new(&text, Options::default());
    d.analysis();
    let replacement = "“Two,” he said.\n\n".repeat(30_000);
    d.edit(0..text.len(), &replacement);
    let a = d.analysis();
    assert_eq!(a.quotes.len(), 30_000);
    assert_eq!(a.as_ref(), &analyze(&replacement));
}
