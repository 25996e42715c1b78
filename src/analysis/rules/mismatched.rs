//! `mismatched-quote`: a quotation closed by a mark of another style
//! (`“…"`), or a closing mark that closes nothing. A warning.

use super::{Rule, RuleInput};
use crate::analysis::marks::styles_match;
use crate::analysis::{offsets, to_id, Finding, Severity};

/// `mismatched-quote`.
pub struct MismatchedQuote;

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
        for (id, q) in input.analysis.quotes.iter().enumerate().skip(input.first_quote as usize) {
            if let Some(c) = q.close {
                if !styles_match(q.open, c) {
                    out.push(Finding {
                        range: q.range.clone(),
                        severity: self.severity(),
                        code: self.code(),
                        message: format!("opened with {} but closed with {}: use matching marks", q.open, c),
                        quote: Some(to_id(id)),
                    });
                }
            }
        }
        for &(o, c) in input.stray_closers {
            out.push(Finding {
                range: offsets(o..o + c.len_utf8()),
                severity: self.severity(),
                code: self.code(),
                message: format!("closing {c} with no opening mark before it"),
                quote: None,
            });
        }
    }
}


#[cfg(test)]
mod tests {
    use super::super::test_support::findings;

    #[test]
    fn a_curly_mark_closed_by_a_straight_one() {
        assert_eq!(findings("“Mixed marks,\" Ana Ruiz said.\n", "mismatched-quote"), vec![(0, 16, "warning")]);
    }

    #[test]
    fn a_closing_mark_with_nothing_open() {
        assert_eq!(findings("It ended.” Then Ana Ruiz left.\n", "mismatched-quote"), vec![(9, 12, "warning")]);
    }

    #[test]
    fn matching_pairs_are_fine() {
        assert_eq!(findings("“A,” Ana said. «B», dit-il. „C“, sagte er.\n", "mismatched-quote"), vec![]);
    }
}
