//! One article as the front ends see it: a format (plain text or Markdown),
//! settings, and the core's analysis with the settings and
//! `<!-- sayso off -->` regions applied to its findings.
//!
//! Offsets in everything returned here are UTF-8 byte offsets into the
//! original file (the Markdown prose mask keeps them; see
//! [`crate::markdown`]).

use std::borrow::Cow;
use std::ops::Range;

use crate::analysis::{analyze_with, Analysis, Finding};
use crate::markdown;
use crate::settings::Settings;

/// How a document is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Plain text: every byte is prose.
    #[default]
    Text,
    /// Markdown (CommonMark with GitHub extensions and front matter).
    Markdown,
}

impl Format {
    /// The format of a file by its name: `.md` and `.markdown` are
    /// Markdown, anything else plain text.
    pub fn of_path(path: &str) -> Format {
        if markdown::is_markdown_path(path) {
            Format::Markdown
        } else {
            Format::Text
        }
    }

    /// The format of an editor document: Markdown when the LSP language id
    /// is `markdown` (ASCII case-insensitive) or the URI's path ends in
    /// `.md`/`.markdown`; else plain text.
    pub fn of_document(language_id: &str, uri: &str) -> Format {
        if language_id.eq_ignore_ascii_case("markdown") {
            return Format::Markdown;
        }
        let path = uri.split(['?', '#']).next().unwrap_or(uri);
        Format::of_path(path)
    }
}

/// The text the core reads for a document, and where diagnostics are
/// silenced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prose<'a> {
    /// The prose: the document itself for plain text, the prose mask for
    /// Markdown. Same byte length as the document.
    pub text: Cow<'a, str>,
    /// Sorted, disjoint byte ranges where diagnostics are dropped.
    pub silenced: Vec<Range<usize>>,
}

/// The prose of `text` written in `format`. A byte order mark (U+FEFF) at
/// the start is not prose: the core reads spaces there (same byte length),
/// so a quotation that opens the file still opens its paragraph.
pub fn prose(text: &str, format: Format) -> Prose<'_> {
    match format {
        Format::Text => Prose {
            text: match text.strip_prefix(markdown::BOM) {
                Some(rest) => Cow::Owned(" ".repeat(markdown::BOM.len_utf8()) + rest),
                None => Cow::Borrowed(text),
            },
            silenced: Vec::new(),
        },
        Format::Markdown => {
            let m = markdown::mask(text);
            Prose {
                text: Cow::Owned(m.text),
                silenced: m.silenced,
            }
        }
    }
}

/// The findings to report: the core's `findings` with the rule severities
/// of `settings` applied (rules set to `off` dropped), minus those that
/// start in a silenced region.
pub fn report(
    findings: &[Finding],
    silenced: &[Range<usize>],
    settings: &Settings,
) -> Vec<Finding> {
    let mut out: Vec<Finding> = findings
        .iter()
        .filter(|f| !markdown::is_silenced(silenced, f.range.start as usize))
        .cloned()
        .collect();
    settings.apply(&mut out);
    out
}

/// The one span where `old` and `new` differ, as `(range in old, range in
/// new)` (byte ranges on `char` boundaries of both, common prefix and
/// suffix left out), or `None` when they are equal. Used to bring an
/// incremental [`crate::analysis::Document`] from one prose mask to the next
/// with one edit, so only the paragraphs around the change are redone.
pub fn changed_span(old: &str, new: &str) -> Option<(Range<usize>, Range<usize>)> {
    if old == new {
        return None;
    }
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let mut prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    while !(old.is_char_boundary(prefix) && new.is_char_boundary(prefix)) {
        prefix -= 1;
    }
    let room = a.len().min(b.len()) - prefix;
    let mut suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(room)
        .take_while(|(x, y)| x == y)
        .count();
    while !(old.is_char_boundary(a.len() - suffix) && new.is_char_boundary(b.len() - suffix)) {
        suffix -= 1;
    }
    Some((prefix..a.len() - suffix, prefix..b.len() - suffix))
}

/// Analyse a whole document: prose of `format`, the options of
/// `settings`, findings as [`report`] gives them. Quotations, mentions and
/// entities are the core's, silenced regions included.
pub fn analyze(text: &str, format: Format, settings: &Settings) -> Analysis {
    let prose = prose(text, format);
    let mut analysis = analyze_with(&prose.text, &settings.options());
    analysis.findings = report(&analysis.findings, &prose.silenced, settings);
    analysis
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_spans() {
        type Span = Option<(Range<usize>, Range<usize>)>;
        let cases: &[(&str, &str, Span)] = &[
            ("abc", "abc", None),
            ("abc", "aXc", Some((1..2, 1..2))),
            ("abc", "abXYc", Some((2..2, 2..4))),
            ("aaa", "aa", Some((2..3, 2..2))),
            ("", "x", Some((0..0, 0..1))),
            // é (C3 A9) and è (C3 A8) share a first byte: whole characters.
            ("café!", "cafè!", Some((3..5, 3..5))),
            // 😀 (F0 9F 98 80) and 😃 (F0 9F 98 83) share three bytes.
            ("“😀”", "“😃”", Some((3..7, 3..7))),
        ];
        for (old, new, want) in cases {
            let got = changed_span(old, new);
            assert_eq!(&got, want, "{old:?} → {new:?}");
            if let Some((o, n)) = got {
                let mut patched = old.to_string();
                patched.replace_range(o, &new[n]);
                assert_eq!(&patched, new);
            }
        }
    }

    #[test]
    fn formats() {
        assert_eq!(Format::of_path("a/story.md"), Format::Markdown);
        assert_eq!(Format::of_path("a/story.txt"), Format::Text);
        assert_eq!(
            Format::of_document("markdown", "file:///a/b.txt"),
            Format::Markdown
        );
        assert_eq!(
            Format::of_document("plaintext", "file:///a/b.md"),
            Format::Markdown
        );
        assert_eq!(
            Format::of_document("plaintext", "file:///a/b.md?x=1"),
            Format::Markdown
        );
        assert_eq!(
            Format::of_document("plaintext", "untitled:Untitled-1"),
            Format::Text
        );
    }
}

#[cfg(test)]
mod markdown_articles {
    use super::*;
    use crate::analysis::{span, QuoteId, Severity};

    /// `(quotation text, speaker name or None)` of every quotation.
    fn quotes(text: &str, a: &Analysis) -> Vec<(String, Option<String>)> {
        a.quotes
            .iter()
            .enumerate()
            .map(|(i, q)| {
                (
                    text[span(&q.range)].to_string(),
                    a.speaker(i as QuoteId).map(|e| e.name.clone()),
                )
            })
            .collect()
    }

    fn md(text: &str) -> Analysis {
        analyze(text, Format::Markdown, &Settings::default())
    }

    #[test]
    fn blockquote_quotations_are_found_and_attributed() {
        let text = concat!(
            "# Ferry talks\n\n",
            "> “We are not giving up,” said Dana Pell, a ferry operator.\n",
            "> “We will be back next year with more boats.”\n",
            ">\n",
            "> “Another paragraph of hers.”\n",
        );
        let a = md(text);
        let pell = Some("Dana Pell".to_string());
        assert_eq!(
            quotes(text, &a),
            [
                ("“We are not giving up,”".to_string(), pell.clone()),
                (
                    "“We will be back next year with more boats.”".to_string(),
                    pell.clone()
                ),
                ("“Another paragraph of hers.”".to_string(), pell.clone()),
            ]
        );
        // The `>` markers are not read: these are direct quotations, as in
        // the same article without them.
        let kinds: Vec<_> = a.quotes.iter().map(|q| q.kind).collect();
        assert_eq!(kinds, [crate::analysis::QuoteKind::Direct; 3]);
        // Offsets are the file's: the first quotation starts after `> `.
        assert_eq!(a.quotes[0].range.start as usize, text.find('“').unwrap());
        assert!(a.findings.is_empty(), "{:?}", a.findings);
    }

    #[test]
    fn front_matter_code_and_links_are_not_prose() {
        let text = concat!(
            "---\ntitle: \"Council votes\"\nquote: 'none'\n---\n\n",
            "The mayor said: “The vote stands.”\n\n",
            "```\nprint(\"not a quotation\")\n```\n\n",
            "    \"indented code\"\n\n",
            "See [the minutes](https://x.org/\"m\" \"The 'record'\") and `\"code\"` <b title=\"x\">.</b>\n",
        );
        let a = md(text);
        assert_eq!(
            quotes(text, &a),
            [(
                "“The vote stands.”".to_string(),
                Some("the mayor".to_string())
            )]
        );
        assert!(a.findings.is_empty(), "{:?}", a.findings);
        // The same text as plain text has quotations in all those places.
        let plain = analyze(text, Format::Text, &Settings::default());
        assert!(plain.quotes.len() >= 5, "{:?}", quotes(text, &plain));
    }

    #[test]
    fn headline_quotes_count() {
        let text = "## ‘Active’ partnership ahead, says Kremlin\n\nBody text.\n";
        let a = md(text);
        assert_eq!(quotes(text, &a)[0].0, "‘Active’");
        assert_eq!(a.quotes[0].range.start, 3);
    }

    #[test]
    fn off_regions_silence_findings_not_quotes() {
        let text = concat!(
            "“Loose quote one.”\n\n",
            "<!-- sayso off -->\n",
            "“Loose quote two.”\n\n",
            "“Unclosed here, and the text goes on.\n\n",
            "Plain words.\n\n",
            "<!-- sayso on -->\n",
            "“Loose quote three.”\n",
        );
        let a = md(text);
        assert_eq!(a.quotes.len(), 4, "{:?}", quotes(text, &a));
        assert!(a.quotes[2].unclosed);
        let found: Vec<(&str, &str)> = a
            .findings
            .iter()
            .map(|f| (f.code, &text[span(&f.range)]))
            .collect();
        assert_eq!(
            found,
            [
                ("unattributed-quote", "“Loose quote one.”"),
                ("unattributed-quote", "“Loose quote three.”"),
            ]
        );
    }

    #[test]
    fn settings_reach_the_core_and_the_findings() {
        let text = "“We will rebuild,” Ana Ruiz harrumphed.\n";
        let plain = analyze(text, Format::Text, &Settings::default());
        assert_eq!(
            plain.quotes[0].attribution, None,
            "`harrumphed` is not a built-in cue"
        );
        let s = Settings::from_toml(
            "[cues]\nextra = [\"harrumphed\"]\n[rules]\nunattributed-quote = \"error\"\n",
            "sayso.toml",
        )
        .unwrap();
        let a = analyze(text, Format::Text, &s);
        assert_eq!(a.speaker(0).map(|e| e.name.as_str()), Some("Ana Ruiz"));
        let lone = "Nothing here.\n\n“A stray quotation with no speaker.”\n";
        let a = analyze(lone, Format::Text, &s);
        let sev: Vec<Severity> = a.findings.iter().map(|f| f.severity).collect();
        assert_eq!(sev, [Severity::Error]);
    }
}
