//! `unclosed-quote`: an opening mark never closed. An error, except for the
//! news convention of a quotation running over several paragraphs, where
//! every paragraph opens with a mark and only the last one closes (Chicago
//! Manual of Style 13.30; AP Stylebook, "quotation marks").

use super::{Rule, RuleInput};
use crate::analysis::{offset, to_id, Finding, Severity};

/// `unclosed-quote`.
pub struct UnclosedQuote;

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
        for (id, q) in input.analysis.quotes.iter().enumerate().skip(input.first_quote as usize) {
            if q.unclosed {
                let end = q.range.start + offset(q.open.len_utf8());
                out.push(Finding {
                    range: q.range.start..end,
                    severity: self.severity(),
                    code: self.code(),
                    message: format!("this {} is never closed: add the closing mark where the quotation ends", q.open),
                    quote: Some(to_id(id)),
                });
            }
        }
    }
}


#[cfg(test)]
mod tests {
    use super::super::test_support::findings;

    #[test]
    fn a_mark_never_closed_is_an_error_at_the_mark() {
        assert_eq!(findings("“We will win, Ana Ruiz said.\n", "unclosed-quote"), vec![(0, 3, "error")]);
    }

    #[test]
    fn the_multi_paragraph_convention_is_not_an_error() {
        let text = "“First part,” Ana Ruiz said. “Second part.\n\n“Third part.”\n";
        assert_eq!(findings(text, "unclosed-quote"), vec![]);
    }

    #[test]
    fn a_last_paragraph_left_open_is_an_error() {
        let text = "“First part,” Ana Ruiz said. “Second part.\n\nThe end.\n";
        assert_eq!(findings(text, "unclosed-quote"), vec![(33, 36, "error")]);
    }
}
