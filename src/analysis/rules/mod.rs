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

use super::{Analysis, Finding, Severity};

/// What a rule sees.
pub struct RuleInput<'a> {
    /// The document text.
    pub text: &'a str,
    /// The analysis, findings not yet filled in.
    pub analysis: &'a Analysis,
    /// Closing double marks that close nothing: `(byte offset, mark)`.
    pub stray_closers: &'a [(usize, char)],
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
pub(crate) fn run(text: &str, analysis: &Analysis, stray_closers: &[(usize, char)]) -> Vec<Finding> {
    let input = RuleInput { text, analysis, stray_closers };
    let mut out = Vec::new();
    for r in RULES {
        r.check(&input, &mut out);
    }
    out.sort_by_key(|f| (f.range.start, f.range.end));
    out
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
            .map(|f| (f.range.start, f.range.end, f.severity.as_str()))
            .collect()
    }
}
