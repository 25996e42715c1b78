//! Definition, declaration and references: from a quotation, a speaker
//! mention or a reporting cue to the places of its speaker.
//!
//! All functions take a byte offset into the snapshot's text and return
//! byte ranges of that same text (32-bit [`Offset`]s, as the analysis
//! gives them); the caller converts to LSP.

use std::ops::Range;

use crate::analysis::{to_id, Analysis, EntityId, MentionId, Offset, QuoteId};

/// What the cursor is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A speaker mention (`Bolton`, `Mr. Putin`, `he`). Checked first, so a
    /// name inside someone else's quotation refers to its own entity.
    Mention(MentionId),
    /// A reporting cue (`wrote`, `according to`) of this quotation's
    /// attribution.
    Cue(QuoteId),
    /// A quotation (its marks or content).
    Quote(QuoteId),
}

/// The mention, cue or quotation at byte `offset`.
///
/// First what the character at `offset` belongs to (a mouse hover points at
/// a character): a mention, else a cue, else the innermost quotation. Then,
/// for a caret just after a word or closing mark, what ends at `offset`.
pub fn target_at(a: &Analysis, offset: Offset) -> Option<Target> {
    let strict = |r: &Range<Offset>| r.start <= offset && offset < r.end;
    if let Some(m) = a
        .mention_at(offset)
        .filter(|&m| a.mention(m).is_some_and(|m| strict(&m.range)))
    {
        return Some(Target::Mention(m));
    }
    if let Some(q) = cue_at(a, strict) {
        return Some(Target::Cue(q));
    }
    if let Some(q) = a.quote_at(offset).filter(|&q| a.quote(q).is_some_and(|q| strict(&q.range))) {
        return Some(Target::Quote(q));
    }
    if let Some(m) = a.mention_at(offset) {
        return Some(Target::Mention(m));
    }
    if let Some(q) = cue_at(a, |r| r.start <= offset && offset <= r.end) {
        return Some(Target::Cue(q));
    }
    a.quote_at(offset).map(Target::Quote)
}

/// The first quotation whose attribution's cue satisfies `hit`.
fn cue_at(a: &Analysis, hit: impl Fn(&Range<Offset>) -> bool) -> Option<QuoteId> {
    a.quotes
        .iter()
        .position(|q| {
            q.attribution
                .as_ref()
                .and_then(|at| at.cue.as_ref())
                .is_some_and(&hit)
        })
        .map(to_id)
}

/// The speaker entity a target refers to, if any.
pub fn entity_of(a: &Analysis, target: Target) -> Option<EntityId> {
    match target {
        Target::Mention(m) => a.mention(m).map(|m| m.entity),
        Target::Cue(q) | Target::Quote(q) => {
            a.quote(q)?.attribution.as_ref().map(|at| at.entity)
        }
    }
}

/// Go to definition: the introduction (first full-name mention) of the
/// speaker of the quotation, mention or cue at `offset`.
pub fn definition(a: &Analysis, offset: Offset) -> Option<Range<Offset>> {
    let entity = a.entity(entity_of(a, target_at(a, offset)?)?)?;
    Some(a.mention(entity.introduction)?.range.clone())
}

/// Go to declaration: for a quotation (or a cue), the mention and the cue of
/// its own attribution (`Bolton` and `wrote` in `…,” Bolton wrote.`; for a
/// continuation, those of the quotation it carries on). For a mention, its
/// entity's introduction. Ranges in document order.
pub fn declaration(a: &Analysis, offset: Offset) -> Vec<Range<Offset>> {
    let quote = match target_at(a, offset) {
        Some(Target::Quote(q)) | Some(Target::Cue(q)) => q,
        Some(Target::Mention(_)) => return definition(a, offset).into_iter().collect(),
        None => return Vec::new(),
    };
    let Some(at) = a.quote(quote).and_then(|q| q.attribution.as_ref()) else {
        return Vec::new();
    };
    let mut out: Vec<Range<Offset>> = a
        .mention(at.mention)
        .map(|m| m.range.clone())
        .into_iter()
        .collect();
    out.extend(at.cue.clone());
    out.sort_by_key(|r| r.start);
    out.dedup();
    out
}

/// Find references: every quotation and mention of the speaker at
/// `offset`, in document order. Without `include_declaration`, the
/// introduction mention is left out (LSP `ReferenceContext`).
pub fn references(a: &Analysis, offset: Offset, include_declaration: bool) -> Vec<Range<Offset>> {
    let Some(id) = target_at(a, offset).and_then(|t| entity_of(a, t)) else {
        return Vec::new();
    };
    let Some(entity) = a.entity(id) else {
        return Vec::new();
    };
    let mut out: Vec<Range<Offset>> = entity
        .mentions
        .iter()
        .filter(|&&m| include_declaration || m != entity.introduction)
        .filter_map(|&m| a.mention(m).map(|m| m.range.clone()))
        .chain(
            entity
                .quotes
                .iter()
                .filter_map(|&q| a.quote(q).map(|q| q.range.clone())),
        )
        .collect();
    out.sort_by_key(|r| (r.start, r.end));
    out.dedup();
    out
}
