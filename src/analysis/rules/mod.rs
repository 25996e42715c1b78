//! Diagnostic rules of the core: one file per rule, each behind [`Rule`]
//! with its own tests, all registered in [`RULES`] (harper's `linting`
//! folder is the model).
//!
//! Codes are stable and documented in the README:
//! - `unattributed-quote` (warning; hint for a scare quote of one or two
//!   words): a quotation with no speaker.
//! - `unclosed-quote` (error): an opening mark never closed, the news
//!   convention of a quotation over several paragraphs excepted.
//! - `mismatched-quote` (warning): a quotation closed by a mark of another
//!   style (`“…"`), or a closing mark with no opening mark.

mod mismatched;
mod unattributed;
mod unclosed;

pub use mismatched::MismatchedQuote;
pub use unattributed::UnattributedQuote;
pub use unclosed::UnclosedQuote;

use super::{Analysis, Finding, QuoteId, Severity, TextSource};

/// What a rule sees.
pub struct RuleInput<'a> {
    /// The document text (read a range with [`TextSource::read`]).
    pub text: &'a dyn TextSource,
    /// The analysis, findings not yet filled in.
    pub analysis: &'a Analysis,
    /// Closing double marks that close nothing, to check: `(byte offset,
    /// mark)`, in document order.
    pub stray_closers: &'a [(usize, char)],
    /// The first quotation to check (an index into
    /// [`Analysis::quotes`]): after an edit the document pass keeps the
    /// findings of the quotations before it, which did not change, and asks
    /// only for the rest. `0` checks every quotation.
    pub first_quote: QuoteId,
}

/// One diagnostic rule.
pub trait Rule: Sync {
    /// Stable code, e.g. `unclosed-quote`.
    fn code(&self) -> &'static str;
    /// Default severity.
    fn severity(&self) -> Severity;
    /// One-line description for documentation and settings.
    fn description(&self) -> &'static str;
    /// Append findings.
    fn check(&self, input: &RuleInput<'_>, out: &mut Vec<Finding>);
}

/// Every rule, in reporting order.
pub static RULES: &[&dyn Rule] = &[&UnattributedQuote, &UnclosedQuote, &MismatchedQuote];

/// Run every rule; findings sorted by position.
pub(crate) fn run(text: &dyn TextSource, analysis: &Analysis, stray_closers: &[(usize, char)]) -> Vec<Finding> {
    let mut out = Vec::new();
    run_from(text, analysis, stray_closers, 0, &mut out);
    out
}

/// Run every rule on the quotations from `first_quote` and on
/// `stray_closers`, appending their findings, sorted by position, to `out`.
///
/// `out` holds the kept findings of an earlier run: those of the quotations
/// before `first_quote` and of the stray closers before the first one
/// given, all of which lie before the first quotation and stray closer
/// checked (the caller cuts at a paragraph start), so that `out` ends up
/// equal to a run over everything.
pub(crate) fn run_from(text: &dyn TextSource, analysis: &Analysis, stray_closers: &[(usize, char)], first_quote: QuoteId, out: &mut Vec<Finding>) {
    let input = RuleInput { text, analysis, stray_closers, first_quote };
    let kept = out.len();
    for r in RULES {
        r.check(&input, out);
    }
    // Stable: findings at the same place keep the order of `RULES`.
    out[kept..].sort_by_key(|f| (f.range.start, f.range.end));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze;

    /// Stray closers of `text` as the document pass finds them: from the
    /// `mismatched-quote` findings with no quotation.
    fn strays(a: &Analysis, text: &str) -> Vec<(usize, char)> {
        a.findings
            .iter()
            .filter(|f| f.code == "mismatched-quote" && f.quote.is_none())
            .filter_map(|f| text[crate::analysis::span(&f.range)].chars().next().map(|c| (f.range.start as usize, c)))
            .collect()
    }

    #[test]
    fn findings_kept_before_a_paragraph_and_checked_after_equal_a_whole_run() {
        let text = "“Nobody saw it coming.”\n\nShe said: “the ferries run hourly.\n\n\
                    A stray” mark, and “a giveaway”.\n\n“We will go,\" Ruiz said.\n\n\
                    “Still nothing.”\n";
        let a = analyze(text);
        let strays = strays(&a, text);
        let whole = run(&text, &a, &strays);
        assert_eq!(whole, a.findings);
        assert_eq!(whole.len(), 6, "{whole:#?}");
        for p in &a.paragraphs {
            let first_quote = a.quotes.partition_point(|q| q.range.start < p.start) as QuoteId;
            let mut out: Vec<Finding> = whole
                .iter()
                .filter(|f| f.quote.map_or(f.range.start < p.start, |q| q < first_quote))
                .cloned()
                .collect();
            let first_stray = strays.partition_point(|&(o, _)| o < p.start as usize);
            run_from(&text, &a, &strays[first_stray..], first_quote, &mut out);
            assert_eq!(out, whole, "cut at the paragraph at {}", p.start);
        }
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use crate::analysis::{analyze, Finding};

    /// The findings with `code` for `text`, as `(start, end, severity)`.
    pub fn findings(text: &str, code: &str) -> Vec<(usize, usize, &'static str)> {
        analyze(text)
            .findings
            .into_iter()
            .filter(|f: &Finding| f.code == code)
            .map(|f| (f.range.start as usize, f.range.end as usize, f.severity.as_str()))
            .collect()
    }
}
