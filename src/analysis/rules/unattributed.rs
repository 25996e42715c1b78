//! `unattributed-quote`: a quotation with no speaker. A warning; a scare
//! quote of one or two words (or a quoted title) is only a hint, since the
//! marks there set words apart rather than report speech (Chicago Manual of
//! Style 7.57 on scare quotes).

use super::{Rule, RuleInput};
use crate::analysis::{to_id, Finding, QuoteKind, Severity};

/// `unattributed-quote`.
pub struct UnattributedQuote;

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
        for (id, q) in input.analysis.quotes.iter().enumerate().skip(input.first_quote as usize) {
            if q.attribution.is_some() || q.continues.is_some() {
                continue;
            }
            let (severity, message) = if q.kind == QuoteKind::Scare {
                (Severity::Hint, "scare quote: no speaker, the marks only set the words apart".to_string())
            } else {
                (Severity::Warning, "no speaker found for this quotation: add who said it (e.g. `, NAME said`)".to_string())
            };
            out.push(Finding { range: q.range.clone(), severity, code: self.code(), message, quote: Some(to_id(id)) });
        }
    }
}


#[cfg(test)]
mod tests {
    use super::super::test_support::findings;

    #[test]
    fn a_quotation_nobody_says_is_a_warning_a_scare_quote_a_hint() {
        let text = "The plan was “a giveaway” to some.\n\n“We will never agree to this plan.”\n";
        assert_eq!(findings(text, "unattributed-quote"), vec![(13, 29, "hint"), (40, 79, "warning")]);
    }

    #[test]
    fn an_attributed_quotation_has_no_finding() {
        assert_eq!(findings("“We agree,” said Ana Ruiz.\n", "unattributed-quote"), vec![]);
    }
}
