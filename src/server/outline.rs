//! Document symbols (who speaks where) and inlay hints (`— Speaker` after a
//! quotation whose speaker is not written next to it).

use std::ops::Range;

use tower_lsp_server::ls_types::{
    DocumentSymbol, InlayHint, InlayHintLabel, InlayHintTooltip, MarkupContent, MarkupKind,
    SymbolKind,
};

use super::documents::Snapshot;
use super::hover::escape;
use super::position::Encoding;
use crate::analysis::{to_id, EntityKind, Method, Offset, QuoteId, QuoteKind};

/// Longest quotation excerpt shown as a symbol name, in chars.
const EXCERPT_CHARS: usize = 60;

/// A one-line excerpt of a quotation with its marks: `“The West made…”`.
fn excerpt(snap: &Snapshot, q: QuoteId) -> String {
    let quote = &snap.analysis.quotes[q as usize];
    let content = snap.text(quote.content.clone());
    let mut words = content.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.chars().count() > EXCERPT_CHARS {
        words = words
            .chars()
            .take(EXCERPT_CHARS)
            .collect::<String>()
            .trim_end()
            .to_string()
            + "…";
    }
    let close = quote.close.unwrap_or(match quote.open {
        '“' => '”',
        '‘' => '’',
        '«' => '»',
        '„' => '“',
        '‚' => '‘',
        c => c,
    });
    format!("{}{words}{close}", quote.open)
}

/// How quotation `q` is attributed, in a few words for a symbol's detail.
fn how(snap: &Snapshot, q: QuoteId) -> String {
    let a = &snap.analysis;
    let quote = &a.quotes[q as usize];
    let line = snap.line_number(quote.range.start);
    let Some(at) = &quote.attribution else {
        return match quote.kind {
            QuoteKind::Scare => format!("line {line} · scare quote"),
            _ => format!("line {line} · unattributed"),
        };
    };
    let cue = at.cue.as_ref().map(|c| snap.text(c.clone()));
    let method = match (&at.method, cue) {
        (Method::Cue, Some(cue)) => cue,
        (Method::Cue, None) => "direct".to_string(),
        (Method::Continuation { .. }, _) => "continuation".to_string(),
        (Method::Pronoun { .. }, _) => {
            let p = a
                .mention(at.mention)
                .map(|m| snap.text(m.range.clone()))
                .unwrap_or_default();
            format!("pronoun “{p}”")
        }
    };
    format!("line {line} · {method}")
}

/// Document symbols: one per speaker (an entity with at least one
/// quotation: name, description, introduction as the selection), its
/// quotations as children; unattributed quotations (but not scare quotes)
/// as top-level symbols. Sorted by position. Entities only mentioned (places,
/// people talked about) are left out: the outline shows who speaks where.
#[allow(deprecated)] // `DocumentSymbol::deprecated` must be spelled out.
pub fn document_symbols(snap: &Snapshot, enc: Encoding) -> Vec<DocumentSymbol> {
    let a = &snap.analysis;
    let quote_symbol = |q: QuoteId| DocumentSymbol {
        name: excerpt(snap, q),
        detail: Some(how(snap, q)),
        kind: SymbolKind::STRING,
        tags: None,
        deprecated: None,
        range: snap.lsp_range(a.quotes[q as usize].range.clone(), enc),
        selection_range: snap.lsp_range(a.quotes[q as usize].range.clone(), enc),
        children: None,
    };
    let mut out: Vec<(Offset, DocumentSymbol)> = Vec::new();
    for e in a.entities.iter().filter(|e| !e.quotes.is_empty()) {
        let Some(intro) = a.mention(e.introduction) else {
            continue;
        };
        let ranges = e
            .mentions
            .iter()
            .filter_map(|&m| a.mention(m).map(|m| m.range.clone()))
            .chain(
                e.quotes
                    .iter()
                    .filter_map(|&q| a.quote(q).map(|q| q.range.clone())),
            )
            .chain(std::iter::once(intro.range.clone()));
        let span: Range<Offset> = ranges.fold(intro.range.clone(), |acc, r| {
            acc.start.min(r.start)..acc.end.max(r.end)
        });
        let kind = match e.kind {
            EntityKind::Person => SymbolKind::OBJECT,
            EntityKind::Organization => SymbolKind::NAMESPACE,
            EntityKind::Anonymous => SymbolKind::VARIABLE,
        };
        let count = match e.quotes.len() {
            1 => "1 quotation".to_string(),
            n => format!("{n} quotations"),
        };
        let detail = match &e.description {
            Some(d) => format!("{d} · {count}"),
            None => count,
        };
        let children: Vec<DocumentSymbol> = e
            .quotes
            .iter()
            .filter(|&&q| (q as usize) < a.quotes.len())
            .map(|&q| quote_symbol(q))
            .collect();
        out.push((
            span.start,
            DocumentSymbol {
                name: e.name.clone(),
                detail: Some(detail),
                kind,
                tags: None,
                deprecated: None,
                range: snap.lsp_range(span, enc),
                selection_range: snap.lsp_range(intro.range.clone(), enc),
                children: Some(children),
            },
        ));
    }
    for (q, quote) in a.quotes.iter().enumerate() {
        if quote.attribution.is_none() && quote.kind != QuoteKind::Scare {
            out.push((quote.range.start, quote_symbol(to_id(q))));
        }
    }
    out.sort_by_key(|(start, _)| *start);
    out.into_iter().map(|(_, s)| s).collect()
}

/// Inlay hints in the byte range `within`: `— Speaker` right after each
/// quotation attributed by continuation or by a pronoun, with a tooltip
/// saying how.
pub fn inlay_hints(snap: &Snapshot, within: Range<usize>, enc: Encoding) -> Vec<InlayHint> {
    let a = &snap.analysis;
    let mut out = Vec::new();
    for quote in &a.quotes {
        let end = quote.range.end as usize;
        if end < within.start || end > within.end {
            continue;
        }
        let Some(at) = &quote.attribution else {
            continue;
        };
        let Some(entity) = a.entity(at.entity) else {
            continue;
        };
        let tooltip = match &at.method {
            Method::Cue => continue,
            Method::Continuation { of } => match a.quote(*of) {
                Some(o) => format!(
                    "Continuation of the quotation at line {}.",
                    snap.line_number(o.range.start)
                ),
                None => "Continuation of an earlier quotation.".to_string(),
            },
            Method::Pronoun { antecedent } => {
                let p = a
                    .mention(at.mention)
                    .map(|m| snap.text(m.range.clone()))
                    .unwrap_or_default();
                match a.mention(*antecedent) {
                    Some(m) => format!(
                        "Pronoun *{}* resolved to *{}* (line {}).",
                        escape(&p),
                        escape(&snap.text(m.range.clone())),
                        snap.line_number(m.range.start)
                    ),
                    None => format!("Pronoun *{}*.", escape(&p)),
                }
            }
        };
        out.push(InlayHint {
            position: super::position::to_position(&snap.rope, end, enc),
            label: InlayHintLabel::String(format!("— {}", entity.name)),
            kind: None,
            text_edits: None,
            tooltip: Some(InlayHintTooltip::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: tooltip,
            })),
            padding_left: Some(true),
            padding_right: None,
            data: None,
        });
    }
    out
}
