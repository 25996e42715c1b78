//! Diagnostics: the core's findings as LSP diagnostics.

use tower_lsp_server::ls_types::{Diagnostic, DiagnosticSeverity, NumberOrString};

use super::documents::Snapshot;
use super::position::Encoding;
use crate::analysis::Severity;

/// `source` of every diagnostic Sayso publishes.
pub const SOURCE: &str = "sayso";

/// Map a core severity to the LSP one.
pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// The most diagnostics published for one document. An article has a few
/// dozen findings; a pathological text (200,000 straight quotation marks in
/// a row) has as many findings as marks, whose `publishDiagnostics` would be
/// tens of megabytes and cost the server and the editor hundreds. As
/// Eclipse JDT's `maxProblemsPerUnit` (default 100), the list is cut, with
/// one more diagnostic saying so; `sayso check` still lists every finding.
pub const MAX_DIAGNOSTICS: usize = 1000;

/// `code` of the diagnostic that says the list was cut.
pub const TOO_MANY: &str = "too-many-findings";

/// The findings of the snapshot's analysis, in document order, with
/// `source: "sayso"` and the rule's stable code (`unattributed-quote`, …) as
/// `code`: at most [`MAX_DIAGNOSTICS`], then, if there are more, one
/// information diagnostic ([`TOO_MANY`]) at the first one left out.
pub fn diagnostics(snap: &Snapshot, enc: Encoding) -> Vec<Diagnostic> {
    let findings = snap.findings();
    let diagnostic = |range, severity, code: &str, message: String| Diagnostic {
        range: snap.lsp_range(range, enc),
        severity: Some(severity),
        code: Some(NumberOrString::String(code.to_string())),
        code_description: None,
        source: Some(SOURCE.to_string()),
        message,
        related_information: None,
        tags: None,
        data: None,
    };
    let mut out: Vec<Diagnostic> = findings
        .iter()
        .take(MAX_DIAGNOSTICS)
        .map(|f| diagnostic(f.range.clone(), severity(f.severity), f.code, f.message.clone()))
        .collect();
    if let Some(first_left_out) = findings.get(MAX_DIAGNOSTICS) {
        let more = findings.len() - MAX_DIAGNOSTICS;
        out.push(diagnostic(
            first_left_out.range.clone(),
            DiagnosticSeverity::INFORMATION,
            TOO_MANY,
            format!("{more} more findings from here on are not shown (at most {MAX_DIAGNOSTICS} per document); `sayso check` lists them all"),
        ));
    }
    out
}
