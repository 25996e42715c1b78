//! Code actions: the quick fixes of [`crate::fixes`] as LSP
//! `WorkspaceEdit`s. The text transforms live in `fixes`; this module only
//! picks the fixes for the quotations a request's range touches and
//! converts byte ranges to LSP ranges.
//!
//! Offered for each quotation the range touches (all of kind `quickfix`):
//! - an unclosed quotation: close it at the end of its sentence / paragraph;
//! - a mismatched pair: make the marks match;
//! - an unattributed quotation (not a scare quote): `, NAME said.` for up to
//!   three recent speakers; and, in Markdown, silence it with
//!   `<!-- sayso off -->` … `<!-- sayso on -->`;
//! - straight marks: typographic marks for this quotation, and for the
//!   whole document.
//!
//! Each action lists the diagnostics it resolves (from the request's
//! context). Edits carry the snapshot's document version when the client
//! supports versioned `documentChanges`, so an outdated fix is refused by
//! the client instead of garbling the text.

use std::collections::HashMap;
use std::ops::Range;

use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Diagnostic, DocumentChanges, NumberOrString,
    OneOf, OptionalVersionedTextDocumentIdentifier, TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};

use super::documents::Snapshot;
use super::position::Encoding;
use crate::analysis::{to_id, Offset, QuoteId, QuoteKind};
use crate::fixes::{self, Context, Fix};

/// How to build the edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EditStyle {
    /// The client accepts `documentChanges` (versioned edits).
    pub versioned: bool,
}

/// The code actions for byte range `range` of `snap` (document `uri`).
///
/// `context` are the diagnostics the client sent with the request;
/// `only`, when given, restricts the kinds (only `quickfix` is offered).
pub fn code_actions(
    uri: &Uri,
    snap: &Snapshot,
    range: Range<usize>,
    context: &[Diagnostic],
    only: Option<&[CodeActionKind]>,
    enc: Encoding,
    style: EditStyle,
) -> Vec<CodeActionOrCommand> {
    if let Some(only) = only {
        let wanted = only
            .iter()
            .any(|k| CodeActionKind::QUICKFIX.as_str().starts_with(k.as_str()));
        if !wanted {
            return Vec::new();
        }
    }
    let a = &snap.analysis;
    let touched: Vec<QuoteId> = a
        .quotes
        .iter()
        .enumerate()
        .filter(|(_, q)| q.range.start as usize <= range.end && range.start <= q.range.end as usize)
        .map(|(i, _)| to_id(i))
        .collect();
    if touched.is_empty() {
        return Vec::new();
    }
    let text = snap.rope.to_string();
    let prose = snap.prose.as_deref().map_or(text.as_str(), String::as_str);
    let cx = Context {
        text: &text,
        prose,
        analysis: a,
        format: snap.format,
    };
    // The client's diagnostics of `code` that overlap `range`.
    let resolves = |code: &str, r: &Range<Offset>| -> Vec<Diagnostic> {
        let lsp = snap.lsp_range(r.clone(), enc);
        context
            .iter()
            .filter(|d| d.code == Some(NumberOrString::String(code.to_string())))
            .filter(|d| d.range.start <= lsp.end && lsp.start <= d.range.end)
            .cloned()
            .collect()
    };
    let mut out: Vec<(Fix, Vec<Diagnostic>)> = Vec::new();
    for &id in &touched {
        let q = &a.quotes[id as usize];
        let has = |code: &str| {
            snap.findings()
                .iter()
                .any(|f| f.quote == Some(id) && f.code == code)
        };
        if q.unclosed {
            let d = resolves("unclosed-quote", &q.range);
            out.extend(
                fixes::close_quote(&cx, id)
                    .into_iter()
                    .map(|f| (f, d.clone())),
            );
        }
        if has("mismatched-quote") {
            let d = resolves("mismatched-quote", &q.range);
            out.extend(fixes::match_marks(&cx, id).map(|f| (f, d)));
        }
        if has("unattributed-quote") {
            let d = resolves("unattributed-quote", &q.range);
            if q.kind != QuoteKind::Scare {
                out.extend(
                    fixes::attribute(&cx, id)
                        .into_iter()
                        .map(|f| (f, d.clone())),
                );
            }
            out.extend(fixes::silence(&cx, id).map(|f| (f, d)));
        }
        out.extend(fixes::typographic_quote(&cx, id).map(|f| (f, Vec::new())));
    }
    out.extend(fixes::typographic_document(&cx).map(|f| (f, Vec::new())));
    out.into_iter()
        .map(|(fix, diagnostics)| {
            CodeActionOrCommand::CodeAction(action(uri, snap, fix, diagnostics, enc, style))
        })
        .collect()
}

fn action(
    uri: &Uri,
    snap: &Snapshot,
    fix: Fix,
    diagnostics: Vec<Diagnostic>,
    enc: Encoding,
    style: EditStyle,
) -> CodeAction {
    let edits: Vec<TextEdit> = fix
        .edits
        .into_iter()
        .map(|e| TextEdit {
            range: snap.lsp_range(e.range, enc),
            new_text: e.new_text,
        })
        .collect();
    let edit = if style.versioned {
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: uri.clone(),
                    version: Some(snap.version),
                },
                edits: edits.into_iter().map(OneOf::Left).collect(),
            }])),
            ..WorkspaceEdit::default()
        }
    } else {
        WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }
    };
    CodeAction {
        title: fix.title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: (!diagnostics.is_empty()).then_some(diagnostics),
        edit: Some(edit),
        command: None,
        is_preferred: fix.preferred.then_some(true),
        disabled: None,
        data: None,
    }
}
