//! Quick fixes as pure text transforms: each fix is a list of byte-range
//! edits of the original document, computed from the core's analysis. The
//! language server wraps them as LSP code actions; nothing here knows LSP.
//!
//! Fixes:
//! - [`typographic`]: straight marks (`"`, `'`) to typographic ones (“ ” ‘ ’)
//!   for one quotation ([`typographic_quote`]) or the whole document
//!   ([`typographic_document`]). A quotation's own marks come from the core;
//!   marks of a quotation nested inside it are told apart from apostrophes
//!   by position (an opening mark starts a word and has a closing mark
//!   later in the paragraph). Apostrophes always become ’ — also at the
//!   start of a word (’90s, rock ’n’ roll), never ‘. A `'` after a digit
//!   and not before a letter is a prime (5'11") and is left alone, as are
//!   straight marks outside quotations that the core did not pair.
//! - [`close_quote`]: close an unclosed quotation at the end of its first
//!   sentence, or at the end of its paragraph.
//! - [`attribute`]: add an attribution template `, NAME said.` after an
//!   unattributed quotation, NAME being a recent speaker.
//! - [`silence`] (Markdown): wrap a quotation in `<!-- sayso off -->` …
//!   `<!-- sayso on -->`.
//! - [`match_marks`]: make a mismatched pair of marks match.
//!
//! All offsets are UTF-8 byte offsets into the document, half-open. Edits
//! of one fix never overlap and are sorted by position. Only prose is
//! changed: in Markdown, code, HTML and link destinations are left alone
//! (the `prose` text of [`Context`] says where prose is).

use std::ops::Range;

use crate::analysis::{span, Analysis, EntityId, EntityKind, MentionKind, Offset, Quote, QuoteId};
use crate::article::Format;

/// One replacement: the bytes `range` of the document become `new_text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Bytes replaced (empty for an insertion).
    pub range: Range<usize>,
    /// The text put there.
    pub new_text: String,
}

impl Edit {
    fn replace(range: Range<usize>, new_text: impl Into<String>) -> Edit {
        Edit {
            range,
            new_text: new_text.into(),
        }
    }

    fn insert(at: usize, new_text: impl Into<String>) -> Edit {
        Edit::replace(at..at, new_text)
    }
}

/// A fix: a title for the editor's menu and its edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, as the writer reads it in a menu.
    pub title: String,
    /// The edits, sorted, not overlapping.
    pub edits: Vec<Edit>,
    /// Whether this is the fix to prefer among those offered for the same
    /// problem (editors apply it with one key).
    pub preferred: bool,
}

/// What a fix reads.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The document.
    pub text: &'a str,
    /// Its prose (same length; for Markdown the prose mask, see
    /// [`crate::article::prose`]). Bytes where `prose` and `text` differ
    /// are not prose and are never edited.
    pub prose: &'a str,
    /// The core's analysis of `prose`.
    pub analysis: &'a Analysis,
    /// How the document is written.
    pub format: Format,
}

impl Context<'_> {
    fn char_at(&self, at: usize) -> Option<char> {
        self.text.get(at..)?.chars().next()
    }

    /// Whether the character at `at` is prose (unmasked).
    fn is_prose(&self, at: usize) -> bool {
        match (self.text.get(at..), self.prose.get(at..)) {
            (Some(t), Some(p)) => {
                let c = t.chars().next();
                c.is_some() && c == p.chars().next()
            }
            _ => false,
        }
    }

    /// The previous prose character before `at` within `floor..`, skipping
    /// nothing (a masked character counts as a space).
    fn prose_before(&self, at: usize, floor: usize) -> Option<char> {
        self.prose.get(floor..at)?.chars().next_back()
    }

    fn prose_after(&self, at: usize, ceil: usize) -> Option<char> {
        self.prose.get(at..ceil)?.chars().nth(1)
    }
}

/// Apply `edits` (sorted, not overlapping) to `text`.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in edits {
        let s = e.range.start.clamp(at, text.len());
        out.push_str(text.get(at..s).unwrap_or(""));
        out.push_str(&e.new_text);
        at = e.range.end.clamp(s, text.len());
    }
    out.push_str(text.get(at..).unwrap_or(""));
    out
}

/// The closing mark that matches an opening mark (`“` → `”`, `„` → `“`,
/// `«` → `»`, `"` → `"`, …); the mark itself for an unknown one. Pairs as
/// the core's `styles_match`.
pub fn closing_for(open: char) -> char {
    match open {
        '“' | '‟' | '”' => '”',
        '„' => '“',
        '«' => '»',
        '»' => '«',
        '‘' | '‛' | '’' => '’',
        '‚' => '‘',
        '‹' => '›',
        '›' => '‹',
        other => other,
    }
}

/// Words that a leading apostrophe shortens (’em, ’til, rock ’n’ roll): a
/// `'` before them is an apostrophe, not an opening mark.
const ELISIONS: &[&str] = &[
    "n", "em", "til", "tis", "twas", "cause", "bout", "round", "nuff", "cos", "cuz", "ol", "kay",
    "nother", "sup", "s",
];

/// Abbreviations whose period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "gen", "sen", "rep", "gov", "lt", "col",
    "capt", "sgt", "rev", "hon", "mt", "ft", "no", "vs", "etc", "inc", "ltd", "co", "corp", "jan",
    "feb", "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec", "approx", "dept", "est",
];

fn is_opening_context(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => {
            c.is_whitespace()
                || matches!(
                    c,
                    '(' | '[' | '{' | '—' | '–' | '-' | '/' | '“' | '‘' | '"' | '\'' | '«' | '„'
                )
        }
    }
}

/// The quotation whose content contains byte `at`, if any.
fn content_at(analysis: &Analysis, at: usize) -> Option<&Quote> {
    let i = analysis.quotes.partition_point(|q| q.range.start as usize <= at);
    analysis.quotes[..i]
        .iter()
        .rev()
        .take(4)
        .find(|q| q.content.start as usize <= at && at < q.content.end as usize)
}

/// The paragraph range containing byte `at` (or the whole text).
fn paragraph_at(analysis: &Analysis, at: usize, len: usize) -> Range<usize> {
    let i = analysis.paragraphs.partition_point(|p| (p.end as usize) < at);
    match analysis.paragraphs.get(i) {
        Some(p) if p.start as usize <= at => span(p),
        _ => 0..len,
    }
}

/// Typographic replacements of the quotation marks of `q` (its own marks
/// only), as `(byte offset, straight mark, typographic mark)`.
fn own_marks(cx: &Context<'_>, q: &Quote) -> Vec<(usize, char)> {
    let mut out = Vec::new();
    let open_at = q.range.start as usize;
    match cx.char_at(open_at) {
        Some('"') if cx.is_prose(open_at) => out.push((open_at, '“')),
        Some('\'') if cx.is_prose(open_at) => out.push((open_at, '‘')),
        _ => {}
    }
    if let Some(close) = q.close {
        let close_at = (q.range.end as usize).saturating_sub(close.len_utf8());
        if close_at > open_at && cx.char_at(close_at) == Some(close) && cx.is_prose(close_at) {
            match close {
                '"' => out.push((close_at, '”')),
                '\'' => out.push((close_at, '’')),
                _ => {}
            }
        }
    }
    out
}

/// The typographic form of a straight mark at `at` that is not a mark of
/// a core quotation, or `None` to leave it.
fn classify(cx: &Context<'_>, at: usize, c: char, para: &Range<usize>) -> Option<char> {
    let prev = cx.prose_before(at, para.start);
    let next = cx.prose_after(at, para.end);
    match c {
        '\'' => {
            let prev_word = prev.is_some_and(char::is_alphanumeric);
            if prev.is_some_and(|p| p.is_ascii_digit()) && !next.is_some_and(char::is_alphabetic) {
                return None; // a prime: 5'11", 3'
            }
            if prev_word || prev.is_some_and(|p| matches!(p, '.' | ',' | '!' | '?' | '…')) {
                return Some('’'); // don't, drivers', a closing mark after punctuation
            }
            match next {
                Some(n) if n.is_ascii_digit() => Some('’'), // ’90s
                Some(n) if n.is_alphabetic() && is_opening_context(prev) => {
                    let rest = &cx.prose[at + 1..para.end.min(cx.prose.len())];
                    let word: String = rest
                        .chars()
                        .take_while(|c| c.is_alphabetic())
                        .collect::<String>()
                        .to_lowercase();
                    if ELISIONS.contains(&word.as_str()) {
                        Some('’')
                    } else if has_single_closer(cx, at + 1, para.end) {
                        Some('‘')
                    } else {
                        Some('’')
                    }
                }
                _ => None, // a lone mark between spaces
            }
        }
        '"' => {
            // Only inside a quotation's content (a nested quotation); a
            // straight double mark the core left unpaired stays as it is.
            content_at(cx.analysis, at)?;
            Some(if is_opening_context(prev) {
                '“'
            } else {
                '”'
            })
        }
        _ => None,
    }
}

/// Whether a `'` that can close a nested quotation follows in `from..to`.
fn has_single_closer(cx: &Context<'_>, from: usize, to: usize) -> bool {
    let to = to.min(cx.prose.len());
    let Some(region) = cx.prose.get(from..to) else {
        return false;
    };
    let mut prev: Option<char> = None;
    let mut iter = region.char_indices().peekable();
    while let Some((_, c)) = iter.next() {
        if c == '\'' {
            let next = iter.peek().map(|&(_, n)| n);
            let after_word = prev
                .is_some_and(|p| p.is_alphanumeric() || matches!(p, '.' | ',' | '!' | '?' | '…'));
            if after_word && !next.is_some_and(char::is_alphanumeric) {
                return true;
            }
        }
        prev = Some(c);
    }
    false
}

/// Every straight-to-typographic edit inside `range`: the marks of the
/// core's quotations starting in it, nested marks inside their content,
/// and apostrophes.
fn straight_edits(cx: &Context<'_>, range: Range<usize>) -> Vec<Edit> {
    let mut own: Vec<(usize, char)> = cx
        .analysis
        .quotes
        .iter()
        .filter(|q| range.start <= q.range.start as usize && (q.range.start as usize) < range.end.max(range.start + 1))
        .flat_map(|q| own_marks(cx, q))
        .collect();
    // All the core's mark positions, so they are not classified again.
    let mut is_mark: Vec<usize> = cx
        .analysis
        .quotes
        .iter()
        .flat_map(|q| {
            let mut v = vec![q.range.start as usize];
            if let Some(c) = q.close {
                v.push((q.range.end as usize).saturating_sub(c.len_utf8()));
            }
            v
        })
        .collect();
    is_mark.sort_unstable();
    let end = range.end.min(cx.text.len());
    let Some(slice) = cx.text.get(range.start..end) else {
        return Vec::new();
    };
    let mut para = paragraph_at(cx.analysis, range.start, cx.text.len());
    for (i, c) in slice.char_indices() {
        if c != '\'' && c != '"' {
            continue;
        }
        let at = range.start + i;
        if is_mark.binary_search(&at).is_ok() || !cx.is_prose(at) {
            continue;
        }
        if !(para.start <= at && at < para.end) {
            para = paragraph_at(cx.analysis, at, cx.text.len());
        }
        if let Some(t) = classify(cx, at, c, &para) {
            own.push((at, t));
        }
    }
    own.sort_unstable_by_key(|&(at, _)| at);
    own.dedup_by_key(|&mut (at, _)| at);
    own.into_iter()
        .map(|(at, t)| Edit::replace(at..at + 1, t.to_string()))
        .collect()
}

/// Straight marks to typographic ones for quotation `quote`: its own marks,
/// the marks of quotations nested in it, and the apostrophes in it.
/// `None` when there is nothing to change.
pub fn typographic_quote(cx: &Context<'_>, quote: QuoteId) -> Option<Fix> {
    let q = cx.analysis.quote(quote)?;
    let edits = straight_edits(cx, span(&q.range));
    // Only offer it when the quotation's own marks are straight.
    if own_marks(cx, q).is_empty() {
        return None;
    }
    Some(Fix {
        title: "Use typographic quotation marks (“ ” ‘ ’) in this quotation".to_string(),
        edits,
        preferred: false,
    })
}

/// Straight marks to typographic ones in the whole document (quotation
/// marks and apostrophes). `None` when there is nothing to change.
pub fn typographic_document(cx: &Context<'_>) -> Option<Fix> {
    let edits = straight_edits(cx, 0..cx.text.len());
    if edits.is_empty() {
        return None;
    }
    Some(Fix {
        title: "Use typographic quotation marks and apostrophes in the whole document".to_string(),
        edits,
        preferred: false,
    })
}

/// Both kinds in one menu: the quotation's fix, then the document's.
pub fn typographic(cx: &Context<'_>, quote: QuoteId) -> Vec<Fix> {
    typographic_quote(cx, quote)
        .into_iter()
        .chain(typographic_document(cx))
        .collect()
}

/// Where the first sentence of `q`'s content ends: the byte offset just
/// after its final `.`, `!`, `?` or `…` (and any closing bracket right
/// after), or `None` when the paragraph ends first.
fn sentence_end(cx: &Context<'_>, q: &Quote, para_end: usize) -> Option<usize> {
    let from = (q.content.start as usize).min(para_end);
    let region = cx.prose.get(from..para_end)?;
    let mut chars = region.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        // Runs of final punctuation (`?!`, `...`) end together.
        let mut end = i + c.len_utf8();
        while let Some(&(j, n)) = chars.peek() {
            if matches!(n, '.' | '!' | '?' | '…' | ')' | ']') {
                end = j + n.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        let next = region[end..].chars().next();
        if !next.is_none_or(char::is_whitespace) {
            continue; // 3.5, e.g.x, a.m.
        }
        if c == '.' {
            let word: String = region[..i]
                .chars()
                .rev()
                .take_while(|c| c.is_alphabetic())
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let single_initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
            if single_initial || ABBREVIATIONS.contains(&word.to_lowercase().as_str()) {
                continue;
            }
        }
        // At the paragraph's end it is the other fix.
        next?;
        return Some(from + end);
    }
    None
}

/// The end of the last non-white-space character of `para` in the
/// document (so a trailing link or emphasis marker stays inside).
fn paragraph_text_end(cx: &Context<'_>, para: &Range<usize>) -> usize {
    let s = cx.text.get(para.clone()).unwrap_or("");
    para.start + s.trim_end().len()
}

/// Close an unclosed quotation: at the end of its first sentence, and at the
/// end of its paragraph (one fix when the two are the same place). The
/// closing mark matches the opening one (`“` → `”`, `"` → `"`, `‘` → `’`).
pub fn close_quote(cx: &Context<'_>, quote: QuoteId) -> Vec<Fix> {
    let Some(q) = cx.analysis.quote(quote) else {
        return Vec::new();
    };
    if !q.unclosed {
        return Vec::new();
    }
    let close = closing_for(q.open);
    let para = cx
        .analysis
        .paragraphs
        .get(q.paragraph as usize)
        .map(span)
        .unwrap_or_else(|| paragraph_at(cx.analysis, q.range.start as usize, cx.text.len()));
    let para_end = paragraph_text_end(cx, &para).max(q.content.start as usize);
    let mut fixes = Vec::new();
    if let Some(at) = sentence_end(cx, q, para_end) {
        if at < para_end {
            fixes.push(Fix {
                title: format!("Close the quotation with {close} at the end of its sentence"),
                edits: vec![Edit::insert(at, close.to_string())],
                preferred: true,
            });
        }
    }
    fixes.push(Fix {
        title: format!("Close the quotation with {close} at the end of the paragraph"),
        edits: vec![Edit::insert(para_end, close.to_string())],
        preferred: fixes.is_empty(),
    });
    fixes
}

/// How a speaker is named in a template: a person by surname (as the
/// article already calls them, else the last word of the name), an
/// organisation or anonymous source as its phrase with `the` (`the
/// Kremlin`, `the source`).
fn short_name(cx: &Context<'_>, entity: EntityId) -> Option<String> {
    let a = cx.analysis;
    let e = a.entity(entity)?;
    match e.kind {
        EntityKind::Person => {
            let surname = e
                .mentions
                .iter()
                .rev()
                .filter_map(|&m| a.mention(m))
                .find(|m| m.kind == MentionKind::Surname)
                .and_then(|m| cx.text.get(span(&m.range)));
            let name = match surname {
                Some(s) => s.to_string(),
                None => {
                    let words: Vec<&str> = e
                        .name
                        .split_whitespace()
                        .filter(|w| {
                            !matches!(
                                w.trim_end_matches('.').trim_end_matches(','),
                                "Jr" | "Sr" | "II" | "III" | "IV"
                            )
                        })
                        .collect();
                    words.last()?.to_string()
                }
            };
            Some(name)
        }
        EntityKind::Organization | EntityKind::Anonymous => {
            let n = e.name.trim();
            let lower_first = |s: &str| {
                let mut c = s.chars();
                match c.next() {
                    Some(f) => f.to_lowercase().chain(c).collect::<String>(),
                    None => String::new(),
                }
            };
            for article in ["a ", "an ", "A ", "An ", "one ", "One "] {
                if let Some(rest) = n.strip_prefix(article) {
                    return Some(format!("the {rest}"));
                }
            }
            if n.starts_with("The ") {
                return Some(lower_first(n));
            }
            Some(n.to_string())
        }
    }
}

/// Recent speakers before byte `at`, most recent first, each once: the
/// speakers of earlier attributed quotations (at the quotation's end) and
/// the entities of earlier mentions (at the mention's end), by position.
fn recent_speakers(analysis: &Analysis, at: Offset) -> Vec<EntityId> {
    let mut seen: Vec<(Offset, EntityId)> = analysis
        .quotes
        .iter()
        .filter(|q| q.range.end <= at)
        .filter_map(|q| q.attribution.as_ref().map(|a| (q.range.end, a.entity)))
        .chain(
            analysis
                .mentions
                .iter()
                .filter(|m| m.range.end <= at)
                .map(|m| (m.range.end, m.entity)),
        )
        .collect();
    seen.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out: Vec<EntityId> = Vec::new();
    for (_, e) in seen {
        if !out.contains(&e) {
            out.push(e);
        }
    }
    out
}

/// Most speakers offered as attribution templates.
const MAX_SPEAKERS: usize = 3;

/// The attribution edits for a closed quotation `q` and speaker `name`.
fn template_edits(cx: &Context<'_>, q: &Quote, name: &str) -> Vec<Edit> {
    let close_start = q.content.end.min(q.range.end) as usize;
    let end = q.range.end as usize;
    let last = cx
        .prose
        .get(span(&q.content))
        .and_then(|c| c.chars().next_back());
    let para = paragraph_at(cx.analysis, q.range.start as usize, cx.text.len());
    let rest = cx.prose.get(end..para.end.max(end)).unwrap_or("");
    let after = rest.chars().next();
    let next_word = rest.trim_start().chars().next();
    match last {
        Some('.') if cx.is_prose(close_start - 1) => vec![
            Edit::replace(close_start - 1..close_start, ","),
            Edit::insert(end, format!(" {name} said.")),
        ],
        Some('?' | '!' | '…') => vec![Edit::insert(end, format!(" {name} said."))],
        Some(',') => {
            let tail = match next_word {
                None => ".",
                Some(c) if c.is_uppercase() => ".",
                Some(_) => ",",
            };
            vec![Edit::insert(end, format!(" {name} said{tail}"))]
        }
        _ => match after {
            // British style, the period outside: `“…”.` → `“…”, NAME said.`
            Some('.') => vec![Edit::replace(end..end + 1, format!(", {name} said."))],
            Some(',') => vec![Edit::insert(end, format!(", {name} said"))],
            _ if next_word.is_none() => vec![Edit::insert(end, format!(", {name} said."))],
            _ => vec![Edit::insert(end, format!(", {name} said,"))],
        },
    }
}

/// Attribution templates for an unattributed, closed quotation: `, NAME
/// said.` placed after the closing mark (a final `.”` becomes `,” NAME
/// said.`; `?”` and `!”` keep their mark), one fix per recent speaker (at
/// most three, the most recent preferred), or the literal placeholder
/// `NAME` when nobody has spoken yet.
pub fn attribute(cx: &Context<'_>, quote: QuoteId) -> Vec<Fix> {
    let Some(q) = cx.analysis.quote(quote) else {
        return Vec::new();
    };
    if q.attribution.is_some() || q.close.is_none() {
        return Vec::new();
    }
    let mut names: Vec<String> = Vec::new();
    for e in recent_speakers(cx.analysis, q.range.start) {
        if let Some(n) = short_name(cx, e) {
            if !names.contains(&n) {
                names.push(n);
            }
        }
        if names.len() == MAX_SPEAKERS {
            break;
        }
    }
    if names.is_empty() {
        return vec![Fix {
            title: "Add an attribution: `, NAME said.`".to_string(),
            edits: template_edits(cx, q, "NAME"),
            preferred: false,
        }];
    }
    names
        .iter()
        .enumerate()
        .map(|(i, n)| Fix {
            title: format!("Attribute to {n}: `, {n} said.`"),
            edits: template_edits(cx, q, n),
            preferred: i == 0,
        })
        .collect()
}

/// The `<!-- sayso off -->` comment.
pub const OFF: &str = "<!-- sayso off -->";
/// The `<!-- sayso on -->` comment.
pub const ON: &str = "<!-- sayso on -->";

/// Silence the findings of a quotation (Markdown only): `<!-- sayso off -->`
/// before it and `<!-- sayso on -->` right after it.
///
/// The `off` comment goes right before the opening mark when prose comes
/// before it on its line; else at the end of the previous line when that
/// line ends in prose of the same paragraph; else on a line of its own
/// before the quotation's line, indented like it (blockquote markers kept,
/// list markers as spaces), so the comment never turns the quotation's
/// line into an HTML block.
pub fn silence(cx: &Context<'_>, quote: QuoteId) -> Option<Fix> {
    if cx.format != Format::Markdown {
        return None;
    }
    let q = cx.analysis.quote(quote)?;
    let start = q.range.start as usize;
    let text = cx.text;
    let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let before_prose = cx.prose.get(line_start..start).unwrap_or("");
    let off = if !before_prose.trim().is_empty() {
        Edit::insert(start, OFF)
    } else {
        let prev_line_end = text[..line_start].trim_end_matches(['\n', '\r']).len();
        let prev_line_start = text[..prev_line_end]
            .rfind(['\n', '\r'])
            .map_or(0, |i| i + 1);
        let prev_trimmed = text[prev_line_start..prev_line_end].trim_end();
        let last_at = prev_line_start + prev_trimmed.len();
        let last_is_prose = line_start > 0
            && !prev_trimmed.trim().is_empty()
            && prev_trimmed
                .char_indices()
                .next_back()
                .is_some_and(|(i, _)| cx.is_prose(prev_line_start + i));
        let para = paragraph_at(cx.analysis, start, text.len());
        if last_is_prose && para.start <= prev_line_start {
            Edit::insert(last_at, format!(" {OFF}"))
        } else {
            let indent: String = text[line_start..start]
                .chars()
                .map(|c| match c {
                    '>' | '\t' => c,
                    c if c.is_whitespace() => c,
                    _ => ' ',
                })
                .collect();
            let newline = if text[start..].contains("\r\n") || text[..start].ends_with("\r\n") {
                "\r\n"
            } else {
                "\n"
            };
            Edit::insert(line_start, format!("{}{OFF}{newline}", indent.trim_end()))
        }
    };
    Some(Fix {
        title: "Silence Sayso for this quotation (<!-- sayso off --> … <!-- sayso on -->)"
            .to_string(),
        edits: vec![off, Edit::insert(q.range.end as usize, ON)],
        preferred: false,
    })
}

/// Make a mismatched pair of marks match: a straight mark paired with a
/// typographic one becomes typographic (`“…"` → `“…”`, `"…”` → `“…”`);
/// otherwise the closing mark is replaced by the one the opening mark calls
/// for (`“…’` → `“…”`). `None` when the marks already match.
pub fn match_marks(cx: &Context<'_>, quote: QuoteId) -> Option<Fix> {
    let q = cx.analysis.quote(quote)?;
    let (start, end) = (q.range.start as usize, q.range.end as usize);
    let close = q.close?;
    let close_at = end.checked_sub(close.len_utf8())?;
    if cx.char_at(close_at) != Some(close) || !cx.is_prose(close_at) || closing_for(q.open) == close
    {
        return None;
    }
    let straight = |c: char| c == '"' || c == '\'';
    let (edit, title) =
        if straight(q.open) && !straight(close) && cx.char_at(start) == Some(q.open) {
            let open = match q.open {
                '"' => '“',
                _ => '‘',
            };
            if closing_for(open) != close {
                let c = closing_for(q.open);
                (
                    Edit::replace(close_at..end, c.to_string()),
                    format!("Close with {c} to match {}", q.open),
                )
            } else {
                (
                    Edit::replace(start..start + 1, open.to_string()),
                    format!("Open with {open} to match {close}"),
                )
            }
        } else {
            let c = closing_for(q.open);
            (
                Edit::replace(close_at..end, c.to_string()),
                format!("Close with {c} to match {}", q.open),
            )
        };
    Some(Fix {
        title,
        edits: vec![edit],
        preferred: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze;
    use crate::article::prose;

    type Fixer = fn(&Context<'_>, QuoteId) -> Vec<Fix>;

    /// Apply each fix `fixer` offers for the quotation containing `at` (a
    /// piece of `before`) and compare the results, in order, with `after`.
    fn check(format: Format, before: &str, at: &str, fixer: Fixer, after: &[&str]) {
        let p = prose(before, format);
        let analysis = analyze(&p.text);
        let cx = Context {
            text: before,
            prose: &p.text,
            analysis: &analysis,
            format,
        };
        let offset = before
            .find(at)
            .unwrap_or_else(|| panic!("{at:?} not in {before:?}"));
        let q = analysis.quote_at(offset as Offset).unwrap_or_else(|| {
            panic!(
                "no quotation at {at:?} in {before:?}: {:?}",
                analysis.quotes
            )
        });
        let got: Vec<String> = fixer(&cx, q)
            .iter()
            .map(|f| apply(before, &f.edits))
            .collect();
        assert_eq!(got, after, "fixes of {at:?} in {before:?}");
    }

    fn text(before: &str, at: &str, fixer: Fixer, after: &[&str]) {
        check(Format::Text, before, at, fixer, after)
    }

    fn one_quote(cx: &Context<'_>, q: QuoteId) -> Vec<Fix> {
        typographic_quote(cx, q).into_iter().collect()
    }

    fn whole(cx: &Context<'_>, _: QuoteId) -> Vec<Fix> {
        typographic_document(cx).into_iter().collect()
    }

    fn silence_fix(cx: &Context<'_>, q: QuoteId) -> Vec<Fix> {
        silence(cx, q).into_iter().collect()
    }

    fn match_fix(cx: &Context<'_>, q: QuoteId) -> Vec<Fix> {
        match_marks(cx, q).into_iter().collect()
    }

    #[test]
    fn typographic_one_quotation() {
        text(
            "\"We don't know,\" said Ana Ruiz. \"It's 'unclear' still.\"\n",
            "We don't",
            one_quote,
            &["“We don’t know,” said Ana Ruiz. \"It's 'unclear' still.\"\n"],
        );
        // A nested single-quoted phrase and leading apostrophes.
        text(
            "\"They called it 'a giveaway' in the '90s, rock 'n' roll and all,\" Ruiz said.\n",
            "They",
            one_quote,
            &["“They called it ‘a giveaway’ in the ’90s, rock ’n’ roll and all,” Ruiz said.\n"],
        );
        // British style: single outside, double inside.
        text(
            "'He said \"never\" twice,' Ana Ruiz said.\n",
            "He said",
            one_quote,
            &["‘He said “never” twice,’ Ana Ruiz said.\n"],
        );
        // Mismatched: a curly opening closed by a straight mark.
        text(
            "“We will go tomorrow,\" Ana Ruiz said.\n",
            "We will",
            one_quote,
            &["“We will go tomorrow,” Ana Ruiz said.\n"],
        );
        // Already typographic: nothing offered.
        text("“We will go,” Ana Ruiz said.\n", "We will", one_quote, &[]);
    }

    #[test]
    fn typographic_whole_document() {
        text(
            "The drivers' union met O'Neil at 5'11\".\n\n\"It's over,\" said Ana Ruiz, \"and we're 'done'.\"\n",
            "It's",
            whole,
            &["The drivers’ union met O’Neil at 5'11\".\n\n“It’s over,” said Ana Ruiz, “and we’re ‘done’.”\n"],
        );
    }

    #[test]
    fn typographic_leaves_markdown_code_alone() {
        check(
            Format::Markdown,
            "\"Run `echo 'hi'` now,\" said Ana Ruiz. Ruiz's [link](http://x.org/it's).\n",
            "Run",
            whole,
            &["“Run `echo 'hi'` now,” said Ana Ruiz. Ruiz’s [link](http://x.org/it's).\n"],
        );
    }

    #[test]
    fn close_unclosed_quotations() {
        text(
            "Ana Ruiz said: “The ferries will run every hour. Tickets go on sale Monday\n",
            "The ferries",
            close_quote,
            &[
                "Ana Ruiz said: “The ferries will run every hour.” Tickets go on sale Monday\n",
                "Ana Ruiz said: “The ferries will run every hour. Tickets go on sale Monday”\n",
            ],
        );
        // Abbreviations and initials do not end the sentence.
        text(
            "Ana Ruiz said: \"Mr. J. Pell will run it from St. Ives. Then we wait\n\nMore.\n",
            "Mr.",
            close_quote,
            &[
                "Ana Ruiz said: \"Mr. J. Pell will run it from St. Ives.\" Then we wait\n\nMore.\n",
                "Ana Ruiz said: \"Mr. J. Pell will run it from St. Ives. Then we wait\"\n\nMore.\n",
            ],
        );
        // One sentence: one fix, at the paragraph's end.
        text(
            "Ana Ruiz said: ‘We will run every hour.\n",
            "We will",
            close_quote,
            &["Ana Ruiz said: ‘We will run every hour.’\n"],
        );
        // A closed quotation has no such fix.
        text("“Done,” Ana Ruiz said.\n", "Done", close_quote, &[]);
    }

    #[test]
    fn attribution_templates() {
        let lead = "“The pier reopens in May,” said Dana Pell, the harbour chief.\n\nThe council met on Tuesday.\n\n";
        let cases: &[(&str, &[&str])] = &[
            // A final `.”` becomes `,” NAME said.`
            (
                "“Nobody expected the water to rise this fast.”\n",
                &["“Nobody expected the water to rise this fast,” Pell said.\n"],
            ),
            // `?”` keeps its mark.
            (
                "“Who expected the water to rise this fast?”\n",
                &["“Who expected the water to rise this fast?” Pell said.\n"],
            ),
            // British style, the period outside.
            (
                "“Nobody expected the water to rise this fast”.\n",
                &["“Nobody expected the water to rise this fast”, Pell said.\n"],
            ),
        ];
        for (loose, want) in cases {
            let before = format!("{lead}{loose}");
            let want: Vec<String> = want.iter().map(|w| format!("{lead}{w}")).collect();
            let want: Vec<&str> = want.iter().map(String::as_str).collect();
            text(&before, "expected the water", attribute, &want);
        }
        // Several recent speakers: most recent first.
        text(
            "“We are ready,” said Dana Pell.\n\nThe Kremlin said it disagreed.\n\nThe council met.\n\n“Nobody saw it coming.”\n",
            "Nobody",
            attribute,
            &[
                "“We are ready,” said Dana Pell.\n\nThe Kremlin said it disagreed.\n\nThe council met.\n\n“Nobody saw it coming,” the Kremlin said.\n",
                "“We are ready,” said Dana Pell.\n\nThe Kremlin said it disagreed.\n\nThe council met.\n\n“Nobody saw it coming,” Pell said.\n",
            ],
        );
        // Nobody spoke before: the placeholder.
        text(
            "“Nobody saw it coming.”\n",
            "Nobody",
            attribute,
            &["“Nobody saw it coming,” NAME said.\n"],
        );
    }

    #[test]
    fn silence_in_markdown() {
        let md = |before: &str, at: &str, after: &str| {
            check(Format::Markdown, before, at, silence_fix, &[after])
        };
        // Prose before it on the line: inline.
        md(
            "The sign read “Closed for good.” on Monday.\n",
            "Closed",
            "The sign read <!-- sayso off -->“Closed for good.”<!-- sayso on --> on Monday.\n",
        );
        // First on its line, inside a paragraph: end of the previous line.
        md(
            "The council met.\n“Nobody saw it coming.”\n",
            "Nobody",
            "The council met. <!-- sayso off -->\n“Nobody saw it coming.”<!-- sayso on -->\n",
        );
        // Starting a paragraph: a line of its own.
        md(
            "Intro.\n\n“Nobody saw it coming.”\n",
            "Nobody",
            "Intro.\n\n<!-- sayso off -->\n“Nobody saw it coming.”<!-- sayso on -->\n",
        );
        // In a blockquote, the marker is kept; in a list, indented.
        md(
            "> “Nobody saw it coming.”\n",
            "Nobody",
            "><!-- sayso off -->\n> “Nobody saw it coming.”<!-- sayso on -->\n",
        );
        md(
            "- “Nobody saw it coming.”\n",
            "Nobody",
            "<!-- sayso off -->\n- “Nobody saw it coming.”<!-- sayso on -->\n",
        );
        // Plain text has no comments: no fix.
        text("“Nobody saw it coming.”\n", "Nobody", silence_fix, &[]);
    }

    #[test]
    fn silenced_quotation_is_no_longer_reported() {
        for before in [
            "Intro.\n\n“Nobody saw it coming.”\n",
            "> “Nobody saw it coming.”\n",
            "- “Nobody saw it coming.”\n",
            "The council met.\n“Nobody saw it coming.”\n",
        ] {
            let settings = crate::settings::Settings::default();
            let a = crate::article::analyze(before, Format::Markdown, &settings);
            assert_eq!(a.findings.len(), 1, "{before:?}: {:?}", a.findings);
            let p = prose(before, Format::Markdown);
            let cx = Context {
                text: before,
                prose: &p.text,
                analysis: &a,
                format: Format::Markdown,
            };
            let fix = silence(&cx, 0).unwrap();
            let after = apply(before, &fix.edits);
            let b = crate::article::analyze(&after, Format::Markdown, &settings);
            assert_eq!(b.quotes.len(), 1, "{after:?}");
            assert_eq!(b.findings, vec![], "{after:?}");
        }
    }

    #[test]
    fn mismatched_marks() {
        text(
            "“We will go tomorrow,\" Ana Ruiz said.\n",
            "We will",
            match_fix,
            &["“We will go tomorrow,” Ana Ruiz said.\n"],
        );
        text(
            "\"We will go tomorrow,” Ana Ruiz said.\n",
            "We will",
            match_fix,
            &["“We will go tomorrow,” Ana Ruiz said.\n"],
        );
        text("“We will go,” Ana Ruiz said.\n", "We will", match_fix, &[]);
    }

    #[test]
    fn close_in_markdown_after_trailing_syntax() {
        check(
            Format::Markdown,
            "Ana Ruiz said: “We will meet at [the pier](https://x.org/a.b)\n\nMore.\n",
            "We will",
            close_quote,
            &["Ana Ruiz said: “We will meet at [the pier](https://x.org/a.b)”\n\nMore.\n"],
        );
    }

    #[test]
    fn titles_and_preferred() {
        let before =
            "“We are ready,” said Dana Pell.\n\nOn Monday: “Nobody saw it coming. We wait\n";
        let p = prose(before, Format::Text);
        let analysis = analyze(&p.text);
        let cx = Context {
            text: before,
            prose: &p.text,
            analysis: &analysis,
            format: Format::Text,
        };
        let q = analysis.quote_at(before.find("Nobody").unwrap() as Offset).unwrap();
        let fixes: Vec<(String, bool)> = close_quote(&cx, q)
            .into_iter()
            .map(|f| (f.title, f.preferred))
            .collect();
        assert_eq!(
            fixes,
            [
                (
                    "Close the quotation with ” at the end of its sentence".to_string(),
                    true
                ),
                (
                    "Close the quotation with ” at the end of the paragraph".to_string(),
                    false
                ),
            ]
        );
        // Attribution to a pronoun-less person uses the surname.
        let before =
            "“We are ready,” said Dana Pell.\n\nThe council met.\n\n“Nobody saw it coming.”\n";
        let analysis = analyze(before);
        let cx = Context {
            text: before,
            prose: before,
            analysis: &analysis,
            format: Format::Text,
        };
        let q = analysis.quote_at(before.find("Nobody").unwrap() as Offset).unwrap();
        let titles: Vec<(String, bool)> = attribute(&cx, q)
            .into_iter()
            .map(|f| (f.title, f.preferred))
            .collect();
        assert_eq!(
            titles,
            [("Attribute to Pell: `, Pell said.`".to_string(), true)]
        );
    }

    proptest::proptest! {
        /// No fix panics, and every fix's edits are sorted, disjoint, on
        /// character boundaries and inside the text.
        #[test]
        fn fixes_are_well_formed(pieces in proptest::collection::vec(proptest::sample::select(vec![
            "\"", "'", "“", "”", "‘", "’", "«", "»", "„", "said", "Ana Ruiz", " ", "\n", "\n\n",
            ".", ",", "?", "Mr.", "5", "é", "😀", "\u{a0}", "> ", "- ", "`", "<!-- x -->", "[a](b)", "don't",
        ]), 0..40), markdown in proptest::bool::ANY) {
            let text: String = pieces.concat();
            let format = if markdown { Format::Markdown } else { Format::Text };
            let p = prose(&text, format);
            let analysis = analyze(&p.text);
            let cx = Context { text: &text, prose: &p.text, analysis: &analysis, format };
            let mut all: Vec<Fix> = typographic_document(&cx).into_iter().collect();
            for q in 0..analysis.quotes.len() as QuoteId {
                all.extend(typographic(&cx, q));
                all.extend(close_quote(&cx, q));
                all.extend(attribute(&cx, q));
                all.extend(silence(&cx, q));
                all.extend(match_marks(&cx, q));
            }
            for fix in &all {
                let mut at = 0;
                for e in &fix.edits {
                    proptest::prop_assert!(at <= e.range.start && e.range.start <= e.range.end, "{:?}", fix);
                    proptest::prop_assert!(e.range.end <= text.len());
                    proptest::prop_assert!(text.is_char_boundary(e.range.start) && text.is_char_boundary(e.range.end));
                    at = e.range.end;
                }
                let _ = apply(&text, &fix.edits);
            }
        }
    }

    #[test]
    fn apply_edits() {
        let edits = [Edit::replace(1..2, "X"), Edit::insert(3, "__")];
        assert_eq!(apply("abcd", &edits), "aXc__d");
        assert_eq!(apply("", &[]), "");
    }
}
