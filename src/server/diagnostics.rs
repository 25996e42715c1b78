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

/// Every finding of the snapshot's analysis, in document order, with
/// `source: "sayso"` and the rule's stable code (`unattributed-quote`, …) as
/// `code`.
pub fn diagnostics(snap: &Snapshot, enc: Encoding) -> Vec<Diagnostic> {
    snap.analysis
        .findings
        .iter()
        .map(|f| Diagnostic {
            range: snap.lsp_range(f.range.clone(), enc),
            severity: Some(severity(f.severity)),
            code: Some(NumberOrString::String(f.code.to_string())),
            code_description: None,
            source: Some(SOURCE.to_string()),
            message: f.message.clone(),
            related_information: None,
            tags: None,
            data: None,
        })
        .collect()
}
