//! Unit tests of the features over a hand-built analysis, so they do not
//! depend on the core's heuristics (end-to-end tests over the real core are
//! in `tests/lsp_*.rs`).

use std::ops::Range;
use std::sync::Arc;

use expect_test::{expect, Expect};
use ropey::Rope;
use tower_lsp_server::ls_types::{DiagnosticSeverity, HoverContents, NumberOrString, Position};

use super::documents::Snapshot;
use super::position::Encoding;
use super::{diagnostics, hover, navigation, outline};
use crate::analysis::*;

const TEXT: &str =
    "Former UN Ambassador John Bolton wrote: “We erred.” Bolton said it was “a giveaway.”\r\n\
\r\n\
“It was a mistake 😀.”\r\n\
\r\n\
He added: “Russia won.”\r\n\
\r\n\
A “reset,” some call it.\r\n\
\r\n\
“Nobody knows.”\r\n";

/// Byte range of the `n`th (0-based) occurrence of `needle`.
fn find(needle: &str, n: usize) -> Range<Offset> {
    let start = TEXT
        .match_indices(needle)
        .nth(n)
        .unwrap_or_else(|| panic!("{needle:?} #{n}"))
        .0;
    start as Offset..(start + needle.len()) as Offset
}

fn quote(
    range: Range<Offset>,
    kind: QuoteKind,
    attribution: Option<Attribution>,
    paragraph: u32,
) -> Quote {
    let open = TEXT[span(&range)].chars().next().unwrap();
    let close = TEXT[span(&range)].chars().next_back().unwrap();
    Quote {
        content: range.start + open.len_utf8() as Offset..range.end - close.len_utf8() as Offset,
        range,
        open,
        close: Some(close),
        kind,
        attribution,
        continues: None,
        paragraph,
        unclosed: false,
    }
}

fn fixture() -> Snapshot {
    let cue = |m: MentionId, c: &str, method: Method| Attribution {
        entity: 0,
        mention: m,
        cue: if c.is_empty() { None } else { Some(find(c, 0)) },
        method,
    };
    let quotes = vec![
        quote(
            find("“We erred.”", 0),
            QuoteKind::Direct,
            Some(cue(0, "wrote", Method::Cue)),
            0,
        ),
        quote(
            find("“a giveaway.”", 0),
            QuoteKind::Partial,
            Some(cue(1, "said", Method::Cue)),
            0,
        ),
        quote(
            find("“It was a mistake 😀.”", 0),
            QuoteKind::Direct,
            Some(cue(1, "", Method::Continuation { of: 1 })),
            1,
        ),
        quote(
            find("“Russia won.”", 0),
            QuoteKind::Direct,
            Some(cue(2, "added", Method::Pronoun { antecedent: 1 })),
            2,
        ),
        quote(find("“reset,”", 0), QuoteKind::Scare, None, 3),
        quote(find("“Nobody knows.”", 0), QuoteKind::Direct, None, 4),
    ];
    let mentions = vec![
        Mention {
            range: find("John Bolton", 0),
            entity: 0,
            kind: MentionKind::Name,
        },
        Mention {
            range: find("Bolton", 1),
            entity: 0,
            kind: MentionKind::Surname,
        },
        Mention {
            range: find("He", 0),
            entity: 0,
            kind: MentionKind::Pronoun,
        },
    ];
    let entities = vec![Entity {
        name: "John Bolton".into(),
        description: Some("former UN Ambassador".into()),
        kind: EntityKind::Person,
        introduction: 0,
        mentions: vec![0, 1, 2],
        quotes: vec![0, 1, 2, 3],
    }];
    let findings = vec![Finding {
        range: find("“Nobody knows.”", 0),
        severity: Severity::Warning,
        code: "unattributed-quote",
        message: "Quotation with no speaker: no reporting cue next to it.".into(),
        quote: Some(5),
    }];
    let analysis = Analysis {
        quotes,
        mentions,
        entities,
        findings,
        paragraphs: Vec::new(),
    };
    Snapshot::plain(7, Rope::from_str(TEXT), Arc::new(analysis))
}

fn hover_at(offset: Offset) -> String {
    let snap = fixture();
    match hover::hover(&snap, offset, Encoding::Utf16) {
        Some(h) => match h.contents {
            HoverContents::Markup(m) => {
                format!("{:?}\n{}", h.range.map(|r| (r.start, r.end)), m.value)
            }
            other => panic!("not markup: {other:?}"),
        },
        None => "none".into(),
    }
}

fn check_hover(offset: Offset, expected: Expect) {
    expected.assert_eq(&hover_at(offset));
}

#[test]
fn hover_on_a_directly_attributed_quotation() {
    check_hover(
        find("We erred", 0).start,
        expect![[r#"
            Some((Position { line: 0, character: 40 }, Position { line: 0, character: 51 }))
            **John Bolton**, former UN Ambassador

            Direct quotation, line 1.

            Attributed directly by the cue *wrote* (line 1) to *John Bolton*.

            Introduced at line 1 as *John Bolton* · 4 quotations."#]],
    );
}

#[test]
fn hover_on_a_continuation_names_the_earlier_quotation_line() {
    check_hover(
        find("mistake", 0).start,
        expect![[r#"
            Some((Position { line: 2, character: 0 }, Position { line: 2, character: 22 }))
            **John Bolton**, former UN Ambassador

            Direct quotation, line 3.

            Continuation of the quotation at line 1, attributed there to *Bolton*.

            Introduced at line 1 as *John Bolton* · 4 quotations."#]],
    );
}

#[test]
fn hover_on_the_opening_piece_of_a_quotation_attributed_later_says_so() {
    // The core links the opening paragraph of a multi-paragraph quotation
    // whose attribution comes at its end to that later quotation.
    let mut snap = fixture();
    let mut analysis = (*snap.analysis).clone();
    analysis.quotes[2].attribution = Some(Attribution {
        entity: 0,
        mention: 2,
        cue: Some(find("added", 0)),
        method: Method::Continuation { of: 3 },
    });
    snap.analysis = Arc::new(analysis);
    let hover = hover::hover(&snap, find("mistake", 0).start, Encoding::Utf16).unwrap();
    let HoverContents::Markup(m) = hover.contents else {
        panic!("not markup")
    };
    assert!(
        m.value.contains(
            "Part of the quotation that goes on at line 5, attributed there to *He* by the cue *added*."
        ),
        "{}",
        m.value
    );
}

#[test]
fn hover_on_a_pronoun_attribution_shows_the_antecedent() {
    check_hover(
        find("Russia", 0).start,
        expect![[r#"
            Some((Position { line: 4, character: 10 }, Position { line: 4, character: 23 }))
            **John Bolton**, former UN Ambassador

            Direct quotation, line 5.

            Pronoun *He* with the cue *added* (line 5), resolved to *Bolton* (line 1).

            Introduced at line 1 as *John Bolton* · 4 quotations."#]],
    );
}

#[test]
fn hover_on_unattributed_quotations_says_why() {
    check_hover(
        find("Nobody", 0).start,
        expect![[r#"
            Some((Position { line: 8, character: 0 }, Position { line: 8, character: 15 }))
            **Unattributed quotation**

            Direct quotation, line 9.

            Quotation with no speaker: no reporting cue next to it. (`unattributed-quote`)"#]],
    );
    check_hover(
        find("reset", 0).start,
        expect![[r#"
            Some((Position { line: 6, character: 2 }, Position { line: 6, character: 10 }))
            **Unattributed quotation**

            Scare quote, line 7.

            The marks set off a word (a scare quote): no speaker is expected."#]],
    );
}

#[test]
fn hover_on_mentions_and_cues() {
    check_hover(
        find("He", 0).start + 1,
        expect![[r#"
            Some((Position { line: 4, character: 0 }, Position { line: 4, character: 2 }))
            *He* refers to **John Bolton**, former UN Ambassador

            Person · 4 quotations · 3 mentions.

            Introduced at line 1 as *John Bolton*."#]],
    );
    check_hover(
        find("John", 0).start,
        expect![[r#"
            Some((Position { line: 0, character: 21 }, Position { line: 0, character: 32 }))
            **John Bolton**, former UN Ambassador

            Person · 4 quotations · 3 mentions.

            Introduced here."#]],
    );
    // On the cue `said`: the attribution it makes.
    let h = hover_at(find("said", 0).start + 2);
    assert!(h.contains("Partial quotation, line 1."), "{h}");
    assert!(h.contains("by the cue *said* (line 1) to *Bolton*"), "{h}");
    // Nothing there, or far past the end.
    assert_eq!(hover_at(find("Former", 0).start), "none");
    assert_eq!(hover_at(Offset::MAX), "none");
}

#[test]
fn definition_lands_on_the_introduction() {
    let snap = fixture();
    let a = &snap.analysis;
    let intro = find("John Bolton", 0);
    for (what, offset) in [
        ("quotation", find("Russia", 0).start),
        ("surname", find("Bolton", 1).start + 3),
        ("pronoun", find("He", 0).start),
        ("cue", find("added", 0).start),
        ("continuation", find("mistake", 0).start),
        ("introduction itself", intro.start),
    ] {
        assert_eq!(
            navigation::definition(a, offset),
            Some(intro.clone()),
            "{what}"
        );
    }
    assert_eq!(navigation::definition(a, find("Nobody", 0).start), None);
    assert_eq!(navigation::definition(a, find("some", 0).start), None);
}

#[test]
fn declaration_is_the_quotations_own_mention_and_cue() {
    let snap = fixture();
    let a = &snap.analysis;
    assert_eq!(
        navigation::declaration(a, find("We", 0).start),
        vec![find("John Bolton", 0), find("wrote", 0)]
    );
    assert_eq!(
        navigation::declaration(a, find("Russia", 0).start),
        vec![find("He", 0), find("added", 0)]
    );
    // A continuation has no cue of its own: the earlier quotation's mention.
    assert_eq!(
        navigation::declaration(a, find("mistake", 0).start),
        vec![find("Bolton", 1)]
    );
    assert_eq!(
        navigation::declaration(a, find("Nobody", 0).start),
        Vec::<Range<Offset>>::new()
    );
}

#[test]
fn references_list_every_mention_and_quotation() {
    let snap = fixture();
    let a = &snap.analysis;
    let all = vec![
        find("John Bolton", 0),
        find("“We erred.”", 0),
        find("Bolton", 1),
        find("“a giveaway.”", 0),
        find("“It was a mistake 😀.”", 0),
        find("He", 0),
        find("“Russia won.”", 0),
    ];
    assert_eq!(navigation::references(a, find("He", 0).start, true), all);
    let without_intro: Vec<_> = all[1..].to_vec();
    assert_eq!(
        navigation::references(a, find("We", 0).start, false),
        without_intro
    );
    assert!(navigation::references(a, find("Nobody", 0).start, true).is_empty());
}

#[test]
fn document_symbols_group_quotations_under_speakers() {
    let snap = fixture();
    let symbols = outline::document_symbols(&snap, Encoding::Utf16);
    let lines: Vec<String> = symbols
        .iter()
        .flat_map(|s| {
            let mut v = vec![format!(
                "{} [{}] {}:{}-{}:{} sel {}:{}",
                s.name,
                s.detail.clone().unwrap_or_default(),
                s.range.start.line,
                s.range.start.character,
                s.range.end.line,
                s.range.end.character,
                s.selection_range.start.line,
                s.selection_range.start.character
            )];
            for c in s.children.iter().flatten() {
                v.push(format!(
                    "  {} [{}]",
                    c.name,
                    c.detail.clone().unwrap_or_default()
                ));
            }
            v
        })
        .collect();
    expect![[r#"
        John Bolton [former UN Ambassador · 4 quotations] 0:21-4:23 sel 0:21
          “We erred.” [line 1 · wrote]
          “a giveaway.” [line 1 · said]
          “It was a mistake 😀.” [line 3 · continuation]
          “Russia won.” [line 5 · pronoun “He”]
        “Nobody knows.” [line 9 · unattributed] 8:0-8:15 sel 8:0"#]]
    .assert_eq(&lines.join("\n"));
}

#[test]
fn inlay_hints_only_where_the_speaker_is_not_written() {
    let snap = fixture();
    let hints = outline::inlay_hints(&snap, 0..TEXT.len(), Encoding::Utf16);
    let got: Vec<String> = hints
        .iter()
        .map(|h| {
            let label = serde_json::to_value(&h.label).unwrap();
            format!(
                "{}:{} {}",
                h.position.line,
                h.position.character,
                label.as_str().unwrap()
            )
        })
        .collect();
    // After “It was a mistake 😀.” (😀 counts 2 UTF-16 units) and “Russia won.”.
    assert_eq!(got, vec!["2:22 — John Bolton", "4:23 — John Bolton"]);
    let utf8 = outline::inlay_hints(&snap, 0..TEXT.len(), Encoding::Utf8);
    assert_eq!(
        utf8[0].position,
        Position {
            line: 2,
            character: 28
        }
    );
    // Only hints inside the requested range.
    let first_lines = outline::inlay_hints(&snap, 0..find("He", 0).start as usize, Encoding::Utf16);
    assert_eq!(first_lines.len(), 1);
}

#[test]
fn diagnostics_carry_code_source_and_severity() {
    let snap = fixture();
    let d = diagnostics::diagnostics(&snap, Encoding::Utf16);
    assert_eq!(d.len(), 1);
    let json = serde_json::to_value(&d[0]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "range": {"start": {"line": 8, "character": 0}, "end": {"line": 8, "character": 15}},
            "severity": 2,
            "code": "unattributed-quote",
            "source": "sayso",
            "message": "Quotation with no speaker: no reporting cue next to it."
        })
    );
}

#[test]
fn diagnostics_stop_at_the_cap_with_one_that_says_how_many_more() {
    // 1,500 paragraphs of one unattributed quotation each: 1,500 findings.
    let text: String = (0..1500).map(|i| format!("“Nobody saw it coming {i}.”\n\n")).collect();
    let analysis = Arc::new(crate::analysis::analyze(&text));
    assert_eq!(analysis.findings.len(), 1500);
    let snap = Snapshot::plain(1, Rope::from_str(&text), analysis);
    let d = diagnostics::diagnostics(&snap, Encoding::Utf16);
    assert_eq!(d.len(), diagnostics::MAX_DIAGNOSTICS + 1);
    assert!(d[..diagnostics::MAX_DIAGNOSTICS].iter().all(|x| x.code == Some(NumberOrString::String("unattributed-quote".into()))));
    let last = &d[diagnostics::MAX_DIAGNOSTICS];
    assert_eq!(last.code, Some(NumberOrString::String(diagnostics::TOO_MANY.into())));
    assert_eq!(last.severity, Some(DiagnosticSeverity::INFORMATION));
    // At the first finding left out: paragraph 1,001, line 2,000.
    assert_eq!(last.range.start, Position { line: 2000, character: 0 });
    assert!(last.message.starts_with("500 more findings"), "{}", last.message);
}

#[test]
fn markdown_from_the_article_is_escaped() {
    assert_eq!(hover::escape("a*b_c`d\r\ne"), "a\\*b\\_c\\`d  e");
}

#[test]
fn a_character_belongs_to_the_innermost_thing_under_it() {
    use navigation::{target_at, Target};
    let text = "“Ask Bolton” he said.";
    let at = |s: &str| text.find(s).unwrap() as Offset;
    let quote_range = 0..at(" he");
    let bolton = at("Bolton")..at("Bolton") + 6;
    let a = Analysis {
        quotes: vec![Quote {
            range: quote_range.clone(),
            content: 3..quote_range.end - 3,
            open: '“',
            close: Some('”'),
            kind: QuoteKind::Direct,
            attribution: None,
            continues: None,
            paragraph: 0,
            unclosed: false,
        }],
        mentions: vec![Mention {
            range: bolton.clone(),
            entity: 0,
            kind: MentionKind::Surname,
        }],
        ..Analysis::default()
    };
    assert_eq!(target_at(&a, bolton.start), Some(Target::Mention(0)));
    assert_eq!(target_at(&a, bolton.start + 3), Some(Target::Mention(0)));
    // The closing mark right after the name: the character is the mark.
    assert_eq!(target_at(&a, bolton.end), Some(Target::Quote(0)));
    // A caret just after the closing mark still reaches the quotation.
    assert_eq!(target_at(&a, quote_range.end), Some(Target::Quote(0)));
    assert_eq!(target_at(&a, quote_range.end + 2), None);
}
