//! Diagnostic rules of the core: one type per rule behind [`Rule`],
//! registered in [`RULES`] (harper's `linting` folder is the model).
//!
//! Codes are stable and documented in the README:
//! - `unattributed-quote` (warning; hint for a scare quote of one or two
//!   words): a quotation with no speaker.
//! - `unclosed-quote` (error): an opening mark never closed, the news
//!   convention of a quotation over several paragraphs excepted.
//! - `mismatched-quote` (warning): a quotation closed by a mark of another
//!   style (`“…"`), or a closing mark with no opening mark.

use super::marks::styles_match;
use super::{Analysis, Finding, Method, QuoteKind, Severity};

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

/// `unattributed-quote`.
pub struct UnattributedQuote;
/// `unclosed-quote`.
pub struct UnclosedQuote;
/// `mismatched-quote`.
pub struct MismatchedQuote;

/// Every rule, in reporting order.
pub static RULES: &[&dyn Rule] = &[&UnattributedQuote, &UnclosedQuote, &MismatchedQuote];

impl Rule for UnattributedQuote {
    fn code(&self) -> &'static str {
        "unattributed-quote"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn description(&self) -> &'static str {
        "a quotation with no speaker (a one- or two-word scare quote is only a hint)"
    }
    fn check(&self, input: &RuleInput<'_>, out: &mut Vec<Finding>) {
        for (id, q) in input.analysis.quotes.iter().enumerate() {
            if q.attribution.is_some() || q.continues.is_some() {
                continue;
            }
            let (severity, message) = if q.kind == QuoteKind::Scare {
                (Severity::Hint, "scare quote: no speaker, the marks only set the words apart".to_string())
            } else {
                (Severity::Warning, "no speaker found for this quotation: add who said it (e.g. `, NAME said`)".to_string())
            };
            out.push(Finding { range: q.range.clone(), severity, code: self.code(), message, quote: Some(id) });
        }
    }
}

impl Rule for UnclosedQuote {
    fn code(&self) -> &'static str {
        "unclosed-quote"
    }
    fn severity(&self) -> Severity {
        Severity::Error
    }
    fn description(&self) -> &'static str {
        "an opening quotation mark that is never closed"
    }
    fn check(&self, input: &RuleInput<'_>, out: &mut Vec<Finding>) {
        for (id, q) in input.analysis.quotes.iter().enumerate() {
            if q.unclosed {
                let end = q.range.start + q.open.len_utf8();
                out.push(Finding {
                    range: q.range.start..end,
                    severity: self.severity(),
                    code: self.code(),
                    message: format!("this {} is never closed: add the closing mark where the quotation ends", q.open),
                    quote: Some(id),
                });
            }
        }
    }
}

impl Rule for MismatchedQuote {
    fn code(&self) -> &'static str {
        "mismatched-quote"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn description(&self) -> &'static str {
        "a quotation closed by a mark of another style, or a closing mark that closes nothing"
    }
    fn check(&self, input: &RuleInput<'_>, out: &mut Vec<Finding>) {
        for (id, q) in input.analysis.quotes.iter().enumerate() {
            if let Some(c) = q.close {
                if !styles_match(q.open, c) {
                    out.push(Finding {
                        range: q.range.clone(),
                        severity: self.severity(),
                        code: self.code(),
                        message: format!("opened with {} but closed with {}: use matching marks", q.open, c),
                        quote: Some(id),
                    });
                }
            }
        }
        for &(o, c) in input.stray_closers {
            out.push(Finding {
                range: o..o + c.len_utf8(),
                severity: self.severity(),
                code: self.code(),
                message: format!("closing {c} with no opening mark before it"),
                quote: None,
            });
        }
    }
}

/// Run every rule; findings sorted by position.
pub(crate) fn run(text: &str, analysis: &Analysis, stray_closers: &[(usize, char)]) -> Vec<Finding> {
    let input = RuleInput { text, analysis, stray_closers };
    let mut out = Vec::new();
    for r in RULES {
        r.check(&input, &mut out);
    }
    out.sort_by_key(|f| (f.range.start, f.range.end));
    let _ = Method::Cue;
    out
}
