//! What the command line prints for one file: JSON records and
//! compiler-style lines, both read from the same [`Analysis`].
//!
//! JSON positions are UTF-8 byte offsets into the file, half-open, and a
//! quotation's range includes its marks. Human output gives 1-based
//! `line:col` with columns in characters (see [`super::lines`]).

use std::fmt::Write as _;
use std::ops::Range;

use serde::Serialize;

use super::lines::LineIndex;
use crate::analysis::{span, Analysis, Method, Offset, QuoteKind};

/// A half-open byte range `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl From<&Range<Offset>> for Span {
    fn from(r: &Range<Offset>) -> Self {
        Span {
            start: r.start as usize,
            end: r.end as usize,
        }
    }
}

/// The speaker of a quotation in `quotes --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpeakerRecord<'a> {
    /// The entity's canonical name (`John Bolton`, `the Kremlin`).
    pub name: &'a str,
    /// The mention the attribution uses: for `he said` the pronoun, for a
    /// continuation the earlier quotation's mention.
    pub mention: Span,
}

/// One quotation in `quotes --json`.
///
/// The first five fields are the documented interface (the PolNeAR scorer
/// reads them); `kind` and `method` are extras.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuoteRecord<'a> {
    /// First byte of the quotation (its opening mark).
    pub start: usize,
    /// One past its last byte (after the closing mark, if any).
    pub end: usize,
    /// The quotation, marks included: `text[start..end]`.
    pub text: &'a str,
    /// Who said it, `null` when no speaker was found.
    pub speaker: Option<SpeakerRecord<'a>>,
    /// The reporting cue (`said`, `according to`, `:`), when there is one.
    pub cue: Option<Span>,
    /// `direct`, `partial` or `scare`.
    pub kind: &'static str,
    /// How the speaker was found: `cue`, `pronoun` or `continuation`;
    /// `null` without a speaker.
    pub method: Option<&'static str>,
}

/// The `quotes --json` line of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuotesRecord<'a> {
    /// The path as given on the command line or found under a directory.
    pub path: &'a str,
    /// Every quotation, in document order.
    pub quotes: Vec<QuoteRecord<'a>>,
}

/// One finding in `check --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiagnosticRecord<'a> {
    /// First byte the finding is about.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
    /// `error`, `warning`, `info` or `hint`.
    pub severity: &'static str,
    /// Stable rule code (`unattributed-quote`, `unclosed-quote`, …).
    pub code: &'a str,
    /// One line a writer understands.
    pub message: &'a str,
}

/// The `check --json` line of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckRecord<'a> {
    /// The path as given on the command line or found under a directory.
    pub path: &'a str,
    /// Every finding, in document order.
    pub diagnostics: Vec<DiagnosticRecord<'a>>,
}

/// Lower-case name of a quotation kind, as printed.
pub fn kind_name(kind: QuoteKind) -> &'static str {
    match kind {
        QuoteKind::Direct => "direct",
        QuoteKind::Partial => "partial",
        QuoteKind::Scare => "scare",
    }
}

/// Lower-case name of an attribution method, as printed.
pub fn method_name(method: &Method) -> &'static str {
    match method {
        Method::Cue => "cue",
        Method::Pronoun { .. } => "pronoun",
        Method::Continuation { .. } => "continuation",
    }
}

/// The speaker name and mention span of quotation `i`, if it has a speaker
/// whose entity and mention exist.
fn speaker_of<'a>(analysis: &'a Analysis, i: usize) -> Option<SpeakerRecord<'a>> {
    let a = analysis.quotes.get(i)?.attribution.as_ref()?;
    let entity = analysis.entity(a.entity)?;
    let mention = analysis.mention(a.mention)?;
    Some(SpeakerRecord {
        name: &entity.name,
        mention: Span::from(&mention.range),
    })
}

/// The JSON records of every quotation of `analysis` over `text`.
///
/// This is also what the in-process PolNeAR evaluation scores
/// (`examples/polnear.rs`), so the two scorers see the same values.
pub fn quote_records<'a>(text: &'a str, analysis: &'a Analysis) -> Vec<QuoteRecord<'a>> {
    analysis
        .quotes
        .iter()
        .enumerate()
        .map(|(i, q)| QuoteRecord {
            start: q.range.start as usize,
            end: q.range.end as usize,
            text: text.get(span(&q.range)).unwrap_or(""),
            speaker: speaker_of(analysis, i),
            cue: q
                .attribution
                .as_ref()
                .and_then(|a| a.cue.as_ref())
                .map(Span::from),
            kind: kind_name(q.kind),
            method: q.attribution.as_ref().map(|a| method_name(&a.method)),
        })
        .collect()
}

/// The JSON records of every finding of `analysis`.
pub fn diagnostic_records(analysis: &Analysis) -> Vec<DiagnosticRecord<'_>> {
    analysis
        .findings
        .iter()
        .map(|f| DiagnosticRecord {
            start: f.range.start as usize,
            end: f.range.end as usize,
            severity: f.severity.as_str(),
            code: f.code,
            message: &f.message,
        })
        .collect()
}

/// One JSON line (with `\n`) for `quotes --json`.
pub fn quotes_json(path: &str, text: &str, analysis: &Analysis) -> String {
    let record = QuotesRecord {
        path,
        quotes: quote_records(text, analysis),
    };
    let mut s = serde_json::to_string(&record).unwrap_or_default();
    s.push('\n');
    s
}

/// One JSON line (with `\n`) for `check --json`.
pub fn check_json(path: &str, analysis: &Analysis) -> String {
    let record = CheckRecord {
        path,
        diagnostics: diagnostic_records(analysis),
    };
    let mut s = serde_json::to_string(&record).unwrap_or_default();
    s.push('\n');
    s
}

/// `path:line:col: severity: message [code]` for every finding.
pub fn check_human(path: &str, text: &str, analysis: &Analysis) -> String {
    let mut out = String::new();
    if analysis.findings.is_empty() {
        return out;
    }
    let index = LineIndex::new(text);
    for f in &analysis.findings {
        let at = index.line_col(f.range.start as usize);
        let _ = writeln!(
            out,
            "{path}:{at}: {}: {} [{}]",
            f.severity.as_str(),
            f.message,
            f.code
        );
    }
    out
}

/// Most characters of a quotation's content shown in human output.
const PREVIEW_CHARS: usize = 60;

/// The quotation as one line: whitespace runs become one space, the content
/// is cut after [`PREVIEW_CHARS`] characters with `…`, the marks are kept.
fn preview(text: &str, range: &Range<usize>, content: &Range<usize>) -> String {
    let get = |r: Range<usize>| text.get(r).unwrap_or("");
    let (cs, ce) = (
        content.start.clamp(range.start, range.end),
        content.end.clamp(range.start, range.end),
    );
    let (open, body, close) = if cs <= ce {
        (get(range.start..cs), get(cs..ce), get(ce..range.end))
    } else {
        ("", get(range.clone()), "")
    };
    let mut shown = String::new();
    let mut n = 0;
    let mut cut = false;
    for word in body.split_whitespace() {
        if !shown.is_empty() {
            shown.push(' ');
            n += 1;
        }
        for c in word.chars() {
            if n >= PREVIEW_CHARS {
                cut = true;
                break;
            }
            shown.push(c);
            n += 1;
        }
        if cut {
            break;
        }
    }
    if cut {
        shown = shown.trim_end().to_string();
        shown.push('…');
    }
    format!("{open}{shown}{close}")
}

/// `“word”` quoting of a short span of the text for human output.
fn quoted(text: &str, r: &Range<usize>) -> String {
    let s: String = text
        .get(r.clone())
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    format!("“{s}”")
}

/// One line per quotation:
/// `path:line:col: kind “preview” — Speaker (how it was found)`.
pub fn quotes_human(path: &str, text: &str, analysis: &Analysis) -> String {
    let mut out = String::new();
    if analysis.quotes.is_empty() {
        return out;
    }
    let index = LineIndex::new(text);
    for (i, q) in analysis.quotes.iter().enumerate() {
        let at = index.line_col(q.range.start as usize);
        let _ = write!(
            out,
            "{path}:{at}: {} {}",
            kind_name(q.kind),
            preview(text, &span(&q.range), &span(&q.content))
        );
        if q.unclosed {
            out.push_str(" (unclosed)");
        }
        let attribution = q.attribution.as_ref();
        match (attribution, speaker_of(analysis, i)) {
            (Some(a), Some(speaker)) => {
                let _ = write!(out, " — {}", speaker.name);
                let mention = Range {
                    start: speaker.mention.start,
                    end: speaker.mention.end,
                };
                let source = format!(
                    "{} at {}",
                    quoted(text, &mention),
                    index.line_col(mention.start)
                );
                let mut how = match &a.method {
                    Method::Cue => format!("source {source}"),
                    Method::Pronoun { antecedent } => match analysis.mention(*antecedent) {
                        Some(m) => format!(
                            "source {source}, pronoun for {} at {}",
                            quoted(text, &span(&m.range)),
                            index.line_col(m.range.start as usize)
                        ),
                        None => format!("source {source}, pronoun"),
                    },
                    // Usually an earlier quotation; the opening pieces of a
                    // quotation over several paragraphs whose attribution
                    // comes at its end point at a later one.
                    Method::Continuation { of } => match analysis.quote(*of) {
                        Some(other) if other.range.start > q.range.start => format!(
                            "the quotation goes on at {}, source {source}",
                            index.line_col(other.range.start as usize)
                        ),
                        Some(prev) => {
                            format!(
                                "continues the quotation at {}, source {source}",
                                index.line_col(prev.range.start as usize)
                            )
                        }
                        None => format!("continuation, source {source}"),
                    },
                };
                if let Some(cue) = &a.cue {
                    let _ = write!(
                        how,
                        ", cue {} at {}",
                        quoted(text, &span(cue)),
                        index.line_col(cue.start as usize)
                    );
                }
                let _ = write!(out, " ({how})");
            }
            _ => out.push_str(" — no speaker found"),
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{
        Attribution, Entity, EntityKind, Finding, Mention, MentionKind, Quote, Severity,
    };

    /// A hand-built analysis (the core is tested elsewhere): one attributed
    /// quotation, one pronoun-attributed one, one scare quote.
    fn sample() -> (&'static str, Analysis) {
        let text = "“We won,” Dana Whitlock said.\nShe said “fine”.\nA “giveaway”.";
        let q = |range: Range<Offset>, kind, attribution| Quote {
            content: range.start + 3..range.end - 3,
            range,
            open: '“',
            close: Some('”'),
            kind,
            attribution,
            continues: None,
            paragraph: 0,
            unclosed: false,
        };
        let at = |s: &str| text.find(s).unwrap() as Offset;
        let dana = at("Dana");
        let said = at("said");
        let she = at("She");
        let fine = at("“fine”");
        let give = at("“giveaway”");
        let analysis = Analysis {
            quotes: vec![
                q(
                    0..13,
                    QuoteKind::Direct,
                    Some(Attribution {
                        entity: 0,
                        mention: 0,
                        cue: Some(said..said + 4),
                        method: Method::Cue,
                    }),
                ),
                q(
                    fine..fine + 10,
                    QuoteKind::Partial,
                    Some(Attribution {
                        entity: 0,
                        mention: 1,
                        cue: Some(she + 4..she + 8),
                        method: Method::Pronoun { antecedent: 0 },
                    }),
                ),
                q(give..give + 14, QuoteKind::Scare, None),
            ],
            mentions: vec![
                Mention {
                    range: dana..dana + 13,
                    entity: 0,
                    kind: MentionKind::Name,
                },
                Mention {
                    range: she..she + 3,
                    entity: 0,
                    kind: MentionKind::Pronoun,
                },
            ],
            entities: vec![Entity {
                name: "Dana Whitlock".into(),
                description: None,
                kind: EntityKind::Person,
                introduction: 0,
                mentions: vec![0, 1],
                quotes: vec![0, 1],
            }],
            findings: vec![Finding {
                range: give..give + 14,
                severity: Severity::Hint,
                code: "unattributed-quote",
                message: "scare quote".into(),
                quote: Some(2),
            }],
            paragraphs: std::iter::once(0..text.len() as Offset).collect(),
        };
        (text, analysis)
    }

    #[test]
    fn quotes_json_has_the_documented_shape() {
        let (text, analysis) = sample();
        let line = quotes_json("a.txt", text, &analysis);
        assert!(line.ends_with('\n'));
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["path"], "a.txt");
        assert_eq!(v["quotes"][0]["start"], 0);
        assert_eq!(v["quotes"][0]["end"], 13);
        assert_eq!(v["quotes"][0]["text"], "“We won,”");
        assert_eq!(v["quotes"][0]["speaker"]["name"], "Dana Whitlock");
        assert_eq!(v["quotes"][0]["speaker"]["mention"]["start"], 14);
        assert_eq!(v["quotes"][0]["speaker"]["mention"]["end"], 27);
        assert_eq!(v["quotes"][0]["cue"]["start"], 28);
        assert_eq!(v["quotes"][0]["method"], "cue");
        assert_eq!(v["quotes"][1]["speaker"]["mention"]["start"], 34);
        assert_eq!(v["quotes"][1]["method"], "pronoun");
        assert_eq!(v["quotes"][1]["kind"], "partial");
        assert!(v["quotes"][2]["speaker"].is_null());
        assert!(v["quotes"][2]["cue"].is_null());
        assert!(v["quotes"][2]["method"].is_null());
    }

    #[test]
    fn human_lines_read_like_a_compiler() {
        let (text, analysis) = sample();
        let out = quotes_human("a.txt", text, &analysis);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines,
            [
                "a.txt:1:1: direct “We won,” — Dana Whitlock (source “Dana Whitlock” at 1:11, cue “said” at 1:25)",
                "a.txt:2:10: partial “fine” — Dana Whitlock (source “She” at 2:1, pronoun for “Dana Whitlock” at 1:11, cue “said” at 2:5)",
                "a.txt:3:3: scare “giveaway” — no speaker found",
            ]
        );
        assert_eq!(
            check_human("a.txt", text, &analysis),
            "a.txt:3:3: hint: scare quote [unattributed-quote]\n"
        );
        let v: serde_json::Value = serde_json::from_str(&check_json("a.txt", &analysis)).unwrap();
        assert_eq!(v["diagnostics"][0]["severity"], "hint");
        assert_eq!(v["diagnostics"][0]["code"], "unattributed-quote");
        assert_eq!(
            v["diagnostics"][0]["start"],
            text.find("“giveaway”").unwrap()
        );
    }

    #[test]
    fn previews_collapse_space_and_cut_long_quotations() {
        let text = format!("“{}”", "word ".repeat(30));
        let p = preview(&text, &(0..text.len()), &(3..text.len() - 3));
        assert!(p.starts_with("“word word"));
        assert!(p.ends_with("…”"), "{p}");
        assert_eq!(p.chars().count(), 2 + 59 + 1);
        let text = "“a\u{a0}\n  b”";
        assert_eq!(
            preview(text, &(0..text.len()), &(3..text.len() - 3)),
            "“a b”"
        );
    }

    #[test]
    fn bad_ranges_from_the_core_do_not_panic() {
        let (text, mut analysis) = sample();
        analysis.quotes[0].range = 1..999;
        analysis.quotes[0].attribution.as_mut().unwrap().mention = 42;
        let records = quote_records(text, &analysis);
        assert_eq!(records[0].text, "");
        assert_eq!(records[0].speaker, None);
        let _ = quotes_human("a.txt", text, &analysis);
    }
}
