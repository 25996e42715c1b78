//! Property tests of the analysis core (issue 6, "Core"): any text is
//! analysed without a panic, every range lies on `char` boundaries inside
//! the text, top-level quotations never overlap, and a [`Document`] edited
//! incrementally answers exactly as a fresh analysis of its final text.
//!
//! Case counts are modest so the normal `cargo test` stays fast; raise them
//! with `PROPTEST_CASES=10000 cargo test --release --test core_props`.

use proptest::prelude::*;
use sayso::analysis::{analyze, span, Analysis, Document, DocumentState, Offset, Options, TextSource};
use std::ops::Range;

/// Pieces that exercise the core: every kind of mark, apostrophes, names,
/// titles, cues, pronouns, paragraph breaks of every style, Unicode spaces,
/// astral characters and combining marks.
const PIECES: &[&str] = &[
    "“",
    "”",
    "‘",
    "’",
    "\"",
    "'",
    "«",
    "»",
    "„",
    "‚",
    "‹",
    "›",
    "‟",
    "‛",
    " ",
    " ",
    " ",
    "\u{a0}",
    "\u{2009}",
    "\n",
    "\n\n",
    "\r\n",
    "\r\n\r\n",
    "\r",
    "\u{2028}",
    "said",
    "says",
    "told",
    "wrote",
    "according to",
    "added:",
    "Mr.",
    "Ms",
    "President",
    "former",
    "John",
    "Ann",
    "Bolton",
    "Lee",
    "O'Connor",
    "Trump’s",
    "the",
    "Kremlin",
    "statement",
    "company",
    "a source",
    "he",
    "she",
    "they",
    "who",
    ",",
    ".",
    ":",
    ";",
    "—",
    "-",
    "(",
    ")",
    "?",
    "!",
    "…",
    "’90s",
    "rock ’n’ roll",
    "é",
    "e\u{301}",
    "😀",
    "𝒜",
    "\u{feff}",
    "\t",
    "x",
    "We",
    "won",
    "It",
    "is",
    "over",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => proptest::sample::select(PIECES).prop_map(str::to_string),
        1 => any::<char>().prop_map(|c| c.to_string()),
    ]
}

fn article(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(piece(), 0..max).prop_map(|v| {
        let mut s = String::new();
        for (i, p) in v.iter().enumerate() {
            if i > 0 && i % 3 == 0 {
                s.push(' ');
            }
            s.push_str(p);
        }
        s
    })
}

fn check_ranges(text: &str, a: &Analysis) -> Result<(), TestCaseError> {
    let ok = |r: &Range<Offset>| {
        let r = span(r);
        r.start <= r.end
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end)
    };
    for q in &a.quotes {
        prop_assert!(ok(&q.range), "quote {:?}", q.range);
        prop_assert!(ok(&q.content), "content {:?}", q.content);
        prop_assert!(q.range.start <= q.content.start && q.content.end <= q.range.end);
        if let Some(at) = &q.attribution {
            prop_assert!((at.entity as usize) < a.entities.len());
            prop_assert!((at.mention as usize) < a.mentions.len());
            if let Some(c) = &at.cue {
                prop_assert!(ok(c), "cue {:?}", c);
            }
        }
        let p = q.paragraph as usize;
        prop_assert!(p < a.paragraphs.len());
        prop_assert!(a.paragraphs[p].start <= q.range.start && q.range.end <= a.paragraphs[p].end);
    }
    // Top-level quotations are in order and never overlap.
    for w in a.quotes.windows(2) {
        prop_assert!(
            w[0].range.end <= w[1].range.start,
            "overlap {:?} {:?}",
            w[0].range,
            w[1].range
        );
    }
    for w in a.mentions.windows(2) {
        prop_assert!(w[0].range.start <= w[1].range.start);
    }
    for m in &a.mentions {
        prop_assert!(ok(&m.range), "mention {:?}", m.range);
        prop_assert!((m.entity as usize) < a.entities.len());
    }
    for e in &a.entities {
        prop_assert!((e.introduction as usize) < a.mentions.len());
        prop_assert!(e
            .mentions
            .iter()
            .all(|&m| a.mention(m).is_some_and(|m| (m.entity as usize) < a.entities.len())));
    }
    for f in &a.findings {
        prop_assert!(ok(&f.range), "finding {:?}", f.range);
    }
    for w in a.paragraphs.windows(2) {
        prop_assert!(w[0].end < w[1].start);
    }
    for p in &a.paragraphs {
        prop_assert!(ok(p), "paragraph {:?}", p);
    }
    Ok(())
}

/// One edit: a byte range given as fractions of the current length (so it
/// may fall inside a character or be reversed: `Document::edit` must cope)
/// and the new text.
#[derive(Debug, Clone)]
struct Edit {
    a: f64,
    b: f64,
    text: String,
    /// Ask for the analysis after this edit (an editor does after most).
    look: bool,
}

fn edit() -> impl Strategy<Value = Edit> {
    (
        0.0..=1.0f64,
        prop_oneof![3 => Just(0.0f64), 1 => 0.0..0.05f64, 1 => 0.0..0.5f64],
        article(4),
        any::<bool>(),
    )
        .prop_map(|(a, len, text, look)| Edit {
            a,
            b: (a + len).min(1.0),
            text,
            look,
        })
}

/// A text kept in pieces of at most `n` bytes, cut at `char` boundaries
/// (so a `\r\n` or a line of spaces may be split): a stand-in for the
/// language server's rope, as a [`DocumentState`] reads it.
struct Chunked {
    pieces: Vec<String>,
    /// The start of each piece, then the length.
    starts: Vec<usize>,
}

impl Chunked {
    fn new(text: &str, n: usize) -> Chunked {
        let (mut pieces, mut starts, mut at) = (Vec::new(), Vec::new(), 0);
        while at < text.len() {
            let mut end = (at + n.max(1)).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            starts.push(at);
            pieces.push(text[at..end].to_string());
            at = end;
        }
        starts.push(text.len());
        Chunked { pieces, starts }
    }
}

impl TextSource for Chunked {
    fn len(&self) -> usize {
        self.starts.last().copied().unwrap_or(0)
    }

    fn read<'s>(&'s self, range: Range<usize>, buf: &'s mut String) -> &'s str {
        buf.clear();
        self.pieces(range.clone(), &mut |p| buf.push_str(p));
        buf
    }

    fn pieces(&self, range: Range<usize>, f: &mut dyn FnMut(&str)) {
        let whole: String = self.pieces.concat();
        if whole.get(range.clone()).is_none() {
            return;
        }
        let mut at = range.start;
        while at < range.end {
            let i = self.starts.partition_point(|&s| s <= at) - 1;
            let (p, s) = (&self.pieces[i], self.starts[i]);
            f(&p[at - s..(range.end - s).min(p.len())]);
            at = s + p.len();
        }
    }
}

fn at(text: &str, f: f64) -> usize {
    (text.len() as f64 * f) as usize
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn any_utf8_no_panic_ranges_inside(text in any::<String>()) {
        let a = analyze(&text);
        check_ranges(&text, &a)?;
    }

    #[test]
    fn article_like_text_ranges_inside(text in article(120)) {
        let a = analyze(&text);
        check_ranges(&text, &a)?;
    }

    #[test]
    fn incremental_edits_equal_fresh_analysis(base in article(80), edits in proptest::collection::vec(edit(), 1..25)) {
        let mut d = Document::new(&base, Options::default());
        d.analysis();
        for e in &edits {
            let len = d.text().len();
            let (s, t) = (at(d.text(), e.a), at(d.text(), e.b));
            // Sometimes reversed or past the end: clamped and swapped.
            let range = if e.look { s..t } else { t..(s + 3).min(len + 5) };
            d.edit(range, &e.text);
            if e.look {
                let inc = d.analysis();
                let fresh = analyze(d.text());
                prop_assert_eq!(inc.as_ref(), &fresh, "after edit in {:?}", d.text());
            }
        }
        let inc = d.analysis();
        check_ranges(d.text(), &inc)?;
        prop_assert_eq!(inc.as_ref(), &analyze(d.text()));
    }

    /// A [`DocumentState`] over a text kept in small pieces (as the
    /// language server's rope keeps it), edited incrementally, answers as
    /// a fresh analysis; edits reported one by one or merged into one
    /// covering edit (as the server merges the edits of several changes
    /// that came in during one analysis).
    #[test]
    fn state_over_pieces_equals_fresh_analysis(
        base in article(80),
        n in 1usize..48,
        edits in proptest::collection::vec(edit(), 1..16),
    ) {
        let mut text = base.clone();
        let mut d = DocumentState::new(&Chunked::new(&text, n), Options::default());
        let first = d.analysis(&Chunked::new(&text, n));
        prop_assert_eq!(first.as_ref(), &analyze(&text));
        // The edits since the last analysis merged into one: its start,
        // its end in the text before them, its end in the text after.
        let mut merged: Option<(usize, usize, usize)> = None;
        let mut m = DocumentState::new(&Chunked::new(&text, n), Options::default());
        for e in &edits {
            let (mut s, mut t) = (at(&text, e.a), at(&text, e.b));
            while !text.is_char_boundary(s) {
                s -= 1;
            }
            while !text.is_char_boundary(t) {
                t += 1;
            }
            text.replace_range(s..t, &e.text);
            let src = Chunked::new(&text, n);
            d.edit(&src, s..t, e.text.len());
            merged = Some(match merged {
                None => (s, t, s + e.text.len()),
                Some((ms, me, mend)) => {
                    // In the text before this edit, the merged edit's new
                    // bytes are `ms..mend`: the union with `s..t`, its end
                    // taken back to the text before both, and forward to
                    // the text after this edit.
                    let u = mend.max(t);
                    (ms.min(s), u - mend + me, u + e.text.len() - (t - s))
                }
            });
            if e.look {
                let fresh = analyze(&text);
                let inc = d.analysis(&src);
                prop_assert_eq!(inc.as_ref(), &fresh, "after edit in {:?}", text);
                if let Some((ms, me, end_new)) = merged.take() {
                    m.edit(&src, ms..me, end_new - ms);
                }
                let inc = m.analysis(&src);
                prop_assert_eq!(inc.as_ref(), &fresh, "merged, in {:?}", text);
            }
        }
        let src = Chunked::new(&text, n);
        if let Some((ms, me, end_new)) = merged.take() {
            m.edit(&src, ms..me, end_new - ms);
        }
        let fresh = analyze(&text);
        let (inc, inc_merged) = (d.analysis(&src), m.analysis(&src));
        prop_assert_eq!(inc.as_ref(), &fresh);
        prop_assert_eq!(inc_merged.as_ref(), &fresh);
        // A text the edits do not lead to (another length): analysed anew.
        let other = format!("{text}“Late,” Ann Lee said.");
        let late = d.analysis(&Chunked::new(&other, n));
        prop_assert_eq!(late.as_ref(), &analyze(&other));
    }

    /// Typing one character at a time (the editor's common case, where the
    /// fast path shifts the last analysis) stays equal to a fresh analysis.
    #[test]
    fn typing_equals_fresh_analysis(base in article(60), typed in article(12), pos in 0.0..=1.0f64) {
        let mut d = Document::new(&base, Options::default());
        d.analysis();
        let mut at_byte = at(&base, pos);
        while !base.is_char_boundary(at_byte) {
            at_byte -= 1;
        }
        for c in typed.chars() {
            let mut buf = [0u8; 4];
            d.edit(at_byte..at_byte, c.encode_utf8(&mut buf));
            at_byte += c.len_utf8();
            let inc = d.analysis();
            prop_assert_eq!(inc.as_ref(), &analyze(d.text()), "typing {:?} in {:?}", c, d.text());
        }
        // And deleting it again, one character at a time, backwards.
        for c in typed.chars().rev() {
            d.edit(at_byte - c.len_utf8()..at_byte, "");
            at_byte -= c.len_utf8();
            let inc = d.analysis();
            prop_assert_eq!(inc.as_ref(), &analyze(d.text()));
        }
        prop_assert_eq!(d.text(), base.as_str());
    }
}

/// A realistic article, typed into at every position: each keystroke's
/// incremental analysis equals a fresh one (covers the shift fast path on
/// real attributions, coreference and findings).
#[test]
fn typing_through_an_article_equals_fresh() {
    let text = "Former UN Ambassador John Bolton wrote on Monday that talks had failed.\n\n\
        “We are done,” Bolton wrote. “Nothing is left.”\n\n\
        The Kremlin said in a statement that Putin “once again congratulated” Trump.\n\n\
        “It floods every spring,” said Dan O'Connor, a ferry operator. He added: “We lost two boats.”\n\n\
        “The ferries will run every hour,\n\n\
        “from Monday to Friday,” she said, according to the company.\n\n\
        A “giveaway,” critics called it. It ended.” Then “never closed\n";
    let mut d = Document::new(text, Options::default());
    d.analysis();
    let mut i = 0;
    while i <= text.len() {
        if text.is_char_boundary(i) {
            for typed in ["x", " ", "“", "\n", "A"] {
                d.edit(i..i, typed);
                assert_eq!(
                    d.analysis().as_ref(),
                    &analyze(d.text()),
                    "typed {typed:?} at {i}"
                );
                d.edit(i..i + typed.len(), "");
                assert_eq!(
                    d.analysis().as_ref(),
                    &analyze(d.text()),
                    "deleted {typed:?} at {i}"
                );
            }
        }
        i += 1;
    }
    assert_eq!(d.text(), text);
}

/// A long document of real attribution patterns: the seed article and a
/// few paragraphs of every pattern, repeated with other speakers' names.
fn long_document(copies: usize) -> String {
    let seed = include_str!("../seeds/000_4183c379b24c5a5d.txt");
    let names = [("Dana", "Whitlock"), ("Omar", "Reyes"), ("Ines", "Okafor"), ("Tomas", "Lindqvist")];
    let mut out = String::new();
    for i in 0..copies {
        let (first, last) = names[i % names.len()];
        out.push_str(seed);
        out.push_str(&format!(
            "\n\n{first} {last}, a ferry operator, said the river rose. “It floods every spring,” {last} said.\n\n\
             “We lost two boats,\n\n\
             “and the dock,” she added.\n\n\
             The Kremlin said in a statement that talks “went well.” The statement continued: “Nothing is agreed.”\n\n\
             {last} continued:\n\n\
             “We will rebuild.”\n\n\
             — {first} {last}\n\n"
        ));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    /// The document pass resumes at the first changed paragraph (issue 5):
    /// edits anywhere in a long document of many speakers (renaming one,
    /// deleting, pasting, joining or splitting paragraphs) leave the same
    /// analysis as a fresh one.
    #[test]
    fn resumed_document_pass_equals_fresh(edits in proptest::collection::vec((0.0..1.0f64, 0usize..6, 0.0..1.0f64), 1..12)) {
        let mut d = Document::new(long_document(6), Options::default());
        d.analysis();
        for (pos, kind, other) in edits {
            let a = d.analysis();
            let t = d.text().to_string();
            let pick = |f: f64, n: usize| ((f * n as f64) as usize).min(n.saturating_sub(1));
            let (range, new) = match kind {
                0 if !a.mentions.is_empty() => {
                    // Rename: one mention takes another's text.
                    let m = span(&a.mentions[pick(pos, a.mentions.len())].range);
                    let o = span(&a.mentions[pick(other, a.mentions.len())].range);
                    (m, t[o].to_string())
                }
                1 if !a.paragraphs.is_empty() => (span(&a.paragraphs[pick(pos, a.paragraphs.len())]), String::new()),
                2 if !a.paragraphs.is_empty() => {
                    let from = span(&a.paragraphs[pick(other, a.paragraphs.len())]);
                    let to = a.paragraphs[pick(pos, a.paragraphs.len())].start as usize;
                    (to..to, format!("{}\n\n", &t[from]))
                }
                3 => {
                    let mut s = at(&t, pos);
                    while !t.is_char_boundary(s) {
                        s -= 1;
                    }
                    match t[s..].find("\n\n") {
                        Some(i) => (s + i..s + i + 2, " ".to_string()),
                        None => (0..0, "Headline\n\n".to_string()),
                    }
                }
                4 if !a.mentions.is_empty() => {
                    // A keystroke inside a name.
                    let m = a.mentions[pick(pos, a.mentions.len())].range.start as usize + 1;
                    (m..m, "x".to_string())
                }
                _ => {
                    let mut s = at(&t, pos);
                    while !t.is_char_boundary(s) {
                        s -= 1;
                    }
                    (s..s, " He said: “Yes.”\n\n".to_string())
                }
            };
            d.edit(range.clone(), &new);
            let inc = d.analysis();
            prop_assert_eq!(inc.as_ref(), &analyze(d.text()), "after {:?} -> {:?}", range, new);
        }
    }
}

/// A first analysis walks the coreference of each chunk of 1,024
/// paragraphs while the next chunk is analysed (issue 5): it equals the
/// analysis of the same text reached by one edit of an empty document,
/// which walks every paragraph after all are analysed.
#[test]
fn first_analysis_walking_ahead_equals_a_walk_after() {
    let text = long_document(180);
    let mut first = Document::new(text.as_str(), Options::default());
    let a = first.analysis();
    assert!(a.paragraphs.len() > 3 * 1024, "several chunks: {}", a.paragraphs.len());
    let mut edited = Document::new("", Options::default());
    edited.analysis();
    edited.edit(0..0, &text);
    assert_eq!(a.as_ref(), edited.analysis().as_ref());
    assert!(a.quotes.iter().filter(|q| q.attribution.is_some()).count() > 1000);
}
