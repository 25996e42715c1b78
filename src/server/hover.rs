//! Hover: who said a quotation and how Sayso knows; who a mention is.
//!
//! The text is Markdown written for a journalist: the speaker's canonical
//! name and description first, then the evidence (the cue, the continuation
//! or the pronoun resolution) with 1-based line numbers as the editor shows
//! them, then where the speaker was introduced.

use std::fmt::Write as _;

use tower_lsp_server::ls_types::{Hover, HoverContents, MarkupContent, MarkupKind};

use super::documents::Snapshot;
use super::navigation::{target_at, Target};
use super::position::Encoding;
use crate::analysis::{Analysis, Entity, EntityKind, MentionId, MentionKind, Method, Offset, QuoteId, QuoteKind};

/// The hover at byte `offset`, or `None` when nothing is there.
pub fn hover(snap: &Snapshot, offset: Offset, enc: Encoding) -> Option<Hover> {
    let a = &snap.analysis;
    let (markdown, range) = match target_at(a, offset)? {
        Target::Mention(m) => (mention_markdown(snap, m)?, a.mention(m)?.range.clone()),
        Target::Quote(q) => (quote_markdown(snap, q), a.quote(q)?.range.clone()),
        Target::Cue(q) => {
            let cue = a.quote(q)?.attribution.as_ref()?.cue.clone()?;
            (quote_markdown(snap, q), cue)
        }
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: Some(snap.lsp_range(range, enc)),
    })
}

/// Escape Markdown punctuation in text taken from the article.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\r' | '\n' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// `**Name**, description` heading of an entity.
fn heading(e: &Entity) -> String {
    let mut s = format!("**{}**", escape(&e.name));
    if let Some(d) = &e.description {
        let _ = write!(s, ", {}", escape(d));
    }
    s
}

fn kind_word(k: QuoteKind) -> &'static str {
    match k {
        QuoteKind::Direct => "Direct quotation",
        QuoteKind::Partial => "Partial quotation",
        QuoteKind::Scare => "Scare quote",
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Where the entity was introduced, and how many quotations it has.
fn introduction_line(snap: &Snapshot, e: &Entity) -> Option<String> {
    let intro = snap.analysis.mention(e.introduction)?;
    Some(format!(
        "Introduced at line {} as *{}* · {}.",
        snap.line_number(intro.range.start),
        escape(&snap.text(intro.range.clone())),
        plural(e.quotes.len(), "quotation", "quotations")
    ))
}

/// How the attribution of quotation `q` was found, in one sentence.
fn evidence(snap: &Snapshot, q: QuoteId) -> Option<String> {
    let a: &Analysis = &snap.analysis;
    let quote = a.quote(q)?;
    let at = quote.attribution.as_ref()?;
    let mention = a.mention(at.mention);
    let mention_text = mention.map(|m| escape(&snap.text(m.range.clone())));
    let cue = at
        .cue
        .as_ref()
        .map(|c| (escape(&snap.text(c.clone())), snap.line_number(c.start)));
    let mut s = String::new();
    match &at.method {
        Method::Cue => {
            s.push_str("Attributed directly");
            if let Some((cue, line)) = &cue {
                let _ = write!(s, " by the cue *{cue}* (line {line})");
            }
            if let Some(m) = &mention_text {
                let _ = write!(s, " to *{m}*");
            }
            s.push('.');
        }
        Method::Continuation { of } => {
            // Usually an earlier quotation; the opening pieces of a quotation
            // over several paragraphs attributed at its end point at a later one.
            match a.quote(*of) {
                Some(o) if o.range.start > quote.range.start => {
                    let l = snap.line_number(o.range.start);
                    let _ = write!(s, "Part of the quotation that goes on at line {l}");
                }
                Some(o) => {
                    let l = snap.line_number(o.range.start);
                    let _ = write!(s, "Continuation of the quotation at line {l}");
                }
                None => s.push_str("Continuation of an earlier quotation"),
            }
            match (&cue, &mention_text) {
                (Some((cue, _)), Some(m)) => {
                    let _ = write!(s, ", attributed there to *{m}* by the cue *{cue}*");
                }
                (None, Some(m)) => {
                    let _ = write!(s, ", attributed there to *{m}*");
                }
                _ => {}
            }
            s.push('.');
        }
        Method::Pronoun { antecedent } => {
            let pronoun = mention_text.clone().unwrap_or_else(|| "a pronoun".into());
            let _ = write!(s, "Pronoun *{pronoun}*");
            if let Some((cue, line)) = &cue {
                let _ = write!(s, " with the cue *{cue}* (line {line})");
            }
            if let Some(ante) = a.mention(*antecedent) {
                let _ = write!(
                    s,
                    ", resolved to *{}* (line {})",
                    escape(&snap.text(ante.range.clone())),
                    snap.line_number(ante.range.start)
                );
            }
            s.push('.');
        }
    }
    Some(s)
}

/// Why quotation `q` has no speaker.
fn why_unattributed(snap: &Snapshot, q: QuoteId) -> String {
    let a = &snap.analysis;
    let quote = &a.quotes[q as usize];
    let mut reasons: Vec<String> = snap
        .findings()
        .iter()
        .filter(|f| f.quote == Some(q))
        .map(|f| format!("{} (`{}`)", escape(&f.message), f.code))
        .collect();
    if reasons.is_empty() {
        reasons.push(match (quote.kind, quote.unclosed) {
            (_, true) => {
                "The quotation is never closed, so where it ends and who says it cannot be told."
                    .into()
            }
            (QuoteKind::Scare, _) => {
                "The marks set off a word (a scare quote): no speaker is expected.".into()
            }
            _ => "No reporting cue (*said*, *told*, *according to* …) names a speaker next to it, \
                  and no earlier quotation in its paragraph, or in a quote-only paragraph \
                  before it, carries a speaker on."
                .into(),
        });
    }
    if crate::markdown::is_silenced(&snap.silenced, quote.range.start as usize) {
        reasons.push("Sayso's diagnostics are silenced here (`<!-- sayso off -->`).".into());
    }
    reasons.join("\n\n")
}

/// Markdown for a hover on quotation `q`.
fn quote_markdown(snap: &Snapshot, q: QuoteId) -> String {
    let a = &snap.analysis;
    let quote = &a.quotes[q as usize];
    let mut s = String::new();
    let piece = match (
        quote.continues.is_some(),
        quote.close.is_none() && !quote.unclosed,
    ) {
        (true, _) => " (a later paragraph of a multi-paragraph quotation)",
        (false, true) => " (continues in the next paragraph)",
        _ => "",
    };
    match a.speaker(q) {
        Some(e) => {
            let _ = writeln!(s, "{}\n", heading(e));
            let _ = writeln!(
                s,
                "{}{piece}, line {}.\n",
                kind_word(quote.kind),
                snap.line_number(quote.range.start)
            );
            if let Some(ev) = evidence(snap, q) {
                let _ = writeln!(s, "{ev}\n");
            }
            if let Some(intro) = introduction_line(snap, e) {
                s.push_str(&intro);
            }
        }
        None => {
            let _ = writeln!(s, "**Unattributed quotation**\n");
            let _ = writeln!(
                s,
                "{}{piece}, line {}.\n",
                kind_word(quote.kind),
                snap.line_number(quote.range.start)
            );
            s.push_str(&why_unattributed(snap, q));
        }
    }
    s.trim_end().to_string()
}

/// Markdown for a hover on mention `m`.
fn mention_markdown(snap: &Snapshot, m: MentionId) -> Option<String> {
    let a = &snap.analysis;
    let mention = a.mention(m)?;
    let e = a.entity(mention.entity)?;
    let mut s = String::new();
    if mention.kind == MentionKind::Pronoun {
        let _ = writeln!(
            s,
            "*{}* refers to {}\n",
            escape(&snap.text(mention.range.clone())),
            heading(e)
        );
    } else {
        let _ = writeln!(s, "{}\n", heading(e));
    }
    let kind = match e.kind {
        EntityKind::Person => "Person",
        EntityKind::Organization => "Organization",
        EntityKind::Anonymous => "Anonymous source",
    };
    let _ = writeln!(
        s,
        "{kind} · {} · {}.\n",
        plural(e.quotes.len(), "quotation", "quotations"),
        plural(e.mentions.len(), "mention", "mentions")
    );
    if let Some(intro) = a.mention(e.introduction) {
        if e.introduction == m {
            s.push_str("Introduced here.");
        } else {
            let _ = write!(
                s,
                "Introduced at line {} as *{}*.",
                snap.line_number(intro.range.start),
                escape(&snap.text(intro.range.clone()))
            );
        }
    }
    Some(s.trim_end().to_string())
}
