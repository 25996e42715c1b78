//! Property test of incremental sync: any sequence of random incremental
//! edits, sent without waiting, leaves the server answering exactly as a
//! server freshly opened on the final text (diagnostics, hovers, symbols,
//! inlay hints). Servers run in-process over an in-memory duplex pipe.
//!
//! Edits are built on a model of the text kept by the test, with LSP
//! positions computed by the test's own converter (`common::lsp_position`),
//! in UTF-16 or UTF-8 as negotiated.

mod common;

use common::{lsp_position, Client};
use proptest::prelude::*;
use serde_json::{json, Value};

const URI: &str = "file:///tmp/prop.txt";

/// Starting texts: a slice of the seed article, CRLF text, and empty.
fn starts() -> Vec<String> {
    let seed = std::fs::read_to_string(common::SEED).unwrap();
    let bolton = seed.find("Trump is reportedly").unwrap();
    vec![
        seed[bolton..].to_string(),
        "“We erred,” Bolton said.\r\n\r\nHe added: “It was wrong.”\r\n\r\n“Yes.”\r\n".to_string(),
        "The Kremlin said the talks were “useful.”\n\n“Both leaders agreed,” it added.\n".to_string(),
        String::new(),
    ]
}

/// Pieces inserted by the edits: quotation marks, astral characters, NBSP,
/// paragraph and line breaks (LF, CRLF, CR), words that make attributions.
const PIECES: &[&str] = &[
    "“", "”", "\"", "'", "’", "‘", "«", "»", "😀", "𝄞", "\u{a0}", "\n\n", "\r\n", "\r", "\n", " ", "said",
    " Bolton said.", "“Hello,” he said.", "Mr. Putin", "according to officials", "é", "x",
];

#[derive(Debug, Clone)]
struct Edit {
    /// Start and end as fractions of the text length (chars).
    start: f64,
    len: usize,
    insert: String,
}

fn edit() -> impl Strategy<Value = Edit> {
    (
        0.0..=1.0f64,
        prop_oneof![3 => Just(0usize), 2 => 1usize..4, 1 => 4usize..120],
        prop::collection::vec(prop::sample::select(PIECES), 0..4),
    )
        .prop_map(|(start, len, pieces)| Edit { start, len, insert: pieces.concat() })
}

/// Char boundaries of `text` where an LSP position exists (not between the
/// `\r` and `\n` of a CRLF).
fn positions(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    text.char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .filter(|&i| !(i > 0 && b[i - 1] == b'\r' && b.get(i) == Some(&b'\n')))
        .collect()
}

/// Apply `e` to `text`, returning the LSP change event.
fn apply(text: &mut String, e: &Edit, utf8: bool) -> Value {
    let ps = positions(text);
    let si = ((ps.len() - 1) as f64 * e.start).round() as usize;
    let ei = (si + e.len).min(ps.len() - 1);
    let (s, end) = (ps[si], ps[ei]);
    let (sl, sc) = lsp_position(text, s, utf8);
    let (el, ec) = lsp_position(text, end, utf8);
    text.replace_range(s..end, &e.insert);
    json!({"range": {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}}, "text": e.insert})
}

/// Everything observable about one document: diagnostics of `version`,
/// symbols, inlay hints, and hovers at every position (stride 1 for short
/// texts).
fn observe(c: &mut Client, uri: &str, version: i32, text: &str, utf8: bool) -> Vec<Value> {
    let mut out = vec![json!(c.diagnostics(uri, version))];
    out.push(c.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}})));
    let (el, ec) = lsp_position(text, text.len(), utf8);
    out.push(c.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": el, "character": ec}}}),
    ));
    let ps = positions(text);
    let stride = (ps.len() / 150).max(1);
    let ids: Vec<(usize, i64)> = ps
        .iter()
        .step_by(stride)
        .map(|&p| {
            let (l, col) = lsp_position(text, p, utf8);
            let id = c.send_request(
                "textDocument/hover",
                json!({"textDocument": {"uri": uri}, "position": {"line": l, "character": col}}),
            );
            (p, id)
        })
        .collect();
    for (p, id) in ids {
        let r = c.response(id);
        assert!(r.get("error").is_none(), "hover at byte {p}: {r}");
        out.push(json!({"at": p, "hover": r["result"]}));
    }
    out
}

fn run(start: &str, edits: &[Edit], utf8: bool) -> Result<(), TestCaseError> {
    let enc: &[&str] = if utf8 { &["utf-8"] } else { &["utf-16"] };
    let mut edited = Client::in_memory();
    edited.initialize(enc);
    let mut text = start.to_string();
    edited.open(URI, 1, &text);
    let mut version = 1;
    // Sometimes several edits go in one didChange (applied in order).
    for chunk in edits.chunks(3) {
        let n = if chunk.len() == 3 && chunk[0].start < 0.3 { 3 } else { 1 };
        for group in chunk.chunks(n) {
            let changes: Vec<Value> = group.iter().map(|e| apply(&mut text, e, utf8)).collect();
            version += 1;
            edited.change(URI, version, Value::Array(changes));
        }
    }
    let got = observe(&mut edited, URI, version, &text, utf8);

    let mut fresh = Client::in_memory();
    fresh.initialize(enc);
    fresh.open(URI, 1, &text);
    let want = observe(&mut fresh, URI, 1, &text, utf8);
    prop_assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        prop_assert_eq!(g, w, "final text: {:?}", text);
    }
    edited.shutdown_and_exit();
    fresh.shutdown_and_exit();
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_edits_answer_like_a_fresh_open(
        start in 0usize..4,
        edits in prop::collection::vec(edit(), 1..30),
        utf8 in any::<bool>(),
    ) {
        let starts = starts();
        run(&starts[start], &edits, utf8)?;
    }
}

/// A fixed case worth keeping: deleting across lines through a CRLF and an
/// astral character, then retyping quotation marks.
#[test]
fn crlf_astral_and_cross_line_deletion() {
    let edits = vec![
        Edit { start: 0.1, len: 40, insert: "😀\r\n".into() },
        Edit { start: 0.0, len: 0, insert: "“".into() },
        Edit { start: 0.5, len: 3, insert: "\u{a0}”\n\n".into() },
        Edit { start: 1.0, len: 0, insert: "“Hello,” he said.".into() },
    ];
    for utf8 in [false, true] {
        run(&starts()[1], &edits, utf8).unwrap();
    }
}
