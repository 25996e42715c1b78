//! Per-paragraph analysis: quotations, name mentions, cues and in-paragraph
//! attributions. Pure function of the paragraph text; its results are cached
//! by [`super::Document`] and reused until an edit touches the paragraph.
//!
//! All ranges here are byte offsets relative to the paragraph start.
//!
//! Attribution patterns (after PARC/PolNeAR; Pareti 2016, Newell et al.
//! 2018), tried in this order for each quotation:
//! 1. a trailing frame right after it: `“…,” Bolton wrote`, `“…,” said Dan
//!    O'Connor, a ferry operator`, `“…,” the Kremlin statement continued`,
//!    `“…” — Jane Roe`;
//! 2. a leading cue earlier in the same sentence: `The Kremlin said … “…”`,
//!    `he replied: “…”`, `according to X, “…”`, `X, adding “…”`, partial
//!    quotations inside reported speech;
//! 3. a cue later in the same sentence (headlines: `'…' Says Kremlin`);
//! 4. a lead-in colon after a name: `Smith: “…”`;
//! 5. continuation: the speaker of the previous quotation (or cue sentence)
//!    of the paragraph.

use std::ops::Range;

use super::lexicon::{AsciiWord, CueInfo, Gender, Lexicon, PronounClass};
use super::marks::{self, Family, RawQuote};
use super::tokens::{collapse_into, tokenize_into, tokenize_with, Kind, Token};
use super::QuoteKind;

/// Bound on how many tokens any search looks back or ahead, so that the
/// work per quotation is constant and the analysis stays linear.
const WINDOW: usize = 40;

/// A capitalised name run: `former UN Ambassador John Bolton`.
///
/// The first and last words are kept as lengths (they start and end the
/// name). The cache keeps it in compact form (`cache.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NameRun {
    /// The name proper, without titles or possessive `’s`.
    pub range: Range<usize>,
    /// Title and modifiers before the name (`former UN Ambassador`).
    pub description: Option<Range<usize>>,
    /// Number of words in the name proper (255 for more).
    pub words: u8,
    /// Byte length of the last word (see [`NameRun::last`]).
    pub last_len: u32,
    /// Byte length of the first word (see [`NameRun::first`]).
    pub first_len: u32,
    pub org: bool,
    pub person: bool,
    pub honorific: bool,
    pub gender: Gender,
    /// Preceded by `the` (`the Kremlin`, `the White House`).
    pub with_the: bool,
}

impl NameRun {
    /// The last word (surname or org head), without possessive: it ends
    /// the name.
    pub fn last(&self) -> Range<usize> {
        self.range.end - self.last_len as usize..self.range.end
    }

    /// The first word of the name proper: it starts the name.
    pub fn first(&self) -> Range<usize> {
        self.range.start..self.range.start + self.first_len as usize
    }
}

/// What a source expression is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SourceKind {
    /// Index into [`ParaAnalysis::names`].
    Name(usize),
    /// A pronoun; for `who`, the name it hangs on.
    Pronoun(PronounClass, Option<usize>),
    /// A common-noun phrase; `key` is its head noun lower-cased, `owner` a
    /// name inside it (`the Kremlin statement` → Kremlin).
    Nominal { key: String, definite: bool, owner: Option<usize> },
}

/// A source expression found by the attribution patterns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Source {
    pub range: Range<usize>,
    pub kind: SourceKind,
    /// Apposition after the source (`, a ferry operator,`).
    pub description: Option<Range<usize>>,
}

/// How an in-paragraph attribution was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum How {
    Cue,
    /// Same speaker as the paragraph quotation with this index.
    ContinuationOf(usize),
    /// Same speaker as an earlier cue sentence of this paragraph that has no
    /// quotation of its own.
    Context,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LocalAttribution {
    /// Index into [`ParaAnalysis::sources`].
    pub source: usize,
    pub cue: Option<Range<usize>>,
    pub how: How,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParaQuote {
    pub raw: RawQuote,
    pub kind: QuoteKind,
    pub attribution: Option<LocalAttribution>,
    /// Starts the paragraph (only white space before it).
    pub leads: bool,
    /// Its sentence holds a reporting verb outside quotations (so it is no
    /// bare continuation, even when no source was found).
    pub cue_in_sentence: bool,
}

/// Everything the document pass needs from one paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct ParaAnalysis {
    pub len: usize,
    // Vectors: this is the wide form, encoded into one compact block for
    // the cache (`cache.rs`) and dropped.
    pub quotes: Vec<ParaQuote>,
    pub stray_closers: Vec<(usize, char)>,
    pub names: Vec<NameRun>,
    pub sources: Vec<Source>,
    /// The paragraph's first non-space character opens a quotation of this
    /// family.
    pub opens_with: Option<Family>,
    /// The paragraph starts with a dash and a name (`— Jane Roe`, `-President
    /// Obama, tweeting`): a sign-off for the quotations just before it.
    pub dash_lead: Option<(usize, Range<usize>)>,
    /// The speaker context this paragraph leaves for the next one: the
    /// source and cue of its last attributed quotation, if the paragraph
    /// ends in quotation.
    pub trailing_context: Option<(usize, Option<Range<usize>>)>,
    /// No words outside quotations.
    pub quote_only: bool,
}

struct Ctx<'a> {
    text: &'a str,
    toks: Vec<Token>,
    /// What the lexicon says about each token of `toks`.
    facts: Vec<Facts>,
    /// With `has_quotes`, the stream with quotations not collapsed and its
    /// facts (swapped in by [`Ctx::scan_names`]); without, spare buffers
    /// (the two streams are the same).
    uncollapsed: Option<(Vec<Token>, Vec<Facts>)>,
    has_quotes: bool,
    lex: &'a Lexicon,
    /// Sentence number of each token.
    sent: Vec<u32>,
    names: Vec<NameRun>,
    sources: Vec<Source>,
    quote_tok: Vec<usize>,
    /// The paragraph is a title-case headline.
    title_case: bool,
    /// `names[..scanned_names]` are sorted by position; later ones were
    /// built on demand by source extraction.
    scanned_names: usize,
}

/// What the lexicon says about one word token. The searches ask about the
/// same tokens again and again; this is looked up once per token stream.
/// Other tokens have no flag set. Flags in one `u16`, so that the table
/// of a paragraph stays small.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Facts(u16);

impl Facts {
    /// Starts with an upper-case letter ([`is_cap`]).
    const CAP: u16 = 1;
    /// Capitalised, and neither the word nor its possessive-stripped form
    /// is a known non-name: the lexical half of [`Ctx::name_word`].
    const NAME_LIKE: u16 = 1 << 1;
    /// A title or honorific ([`Lexicon::is_title`]).
    const TITLE: u16 = AsciiWord::TITLE;
    /// Ends in a possessive: [`strip_possessive`] shortens it.
    const POSSESSIVE: u16 = 1 << 3;
    /// Lower-cased, a reporting-verb form ([`Lexicon::cue`]), with the
    /// three [`CueInfo`] flags below.
    const CUE: u16 = AsciiWord::CUE;
    const WEAK: u16 = AsciiWord::WEAK;
    const INVERTING: u16 = AsciiWord::INVERTING;
    const PARTICIPLE: u16 = AsciiWord::PARTICIPLE;
    /// A cue form more often used as a noun ([`Lexicon::is_noun_like`]).
    const NOUN_LIKE: u16 = AsciiWord::NOUN_LIKE;
    /// The flags taken as they are from [`Lexicon::ascii_word`] (none
    /// shares a bit with ours: checked below).
    const FROM_LEXICON: u16 = Self::TITLE | Self::CUE | Self::WEAK | Self::INVERTING | Self::PARTICIPLE | Self::NOUN_LIKE;

    fn has(self, flag: u16) -> bool {
        self.0 & flag != 0
    }

    fn cap(self) -> bool {
        self.has(Self::CAP)
    }
    fn name_like(self) -> bool {
        self.has(Self::NAME_LIKE)
    }
    fn title(self) -> bool {
        self.has(Self::TITLE)
    }
    fn possessive(self) -> bool {
        self.has(Self::POSSESSIVE)
    }
    fn noun_like(self) -> bool {
        self.has(Self::NOUN_LIKE)
    }
    fn cue(self) -> Option<CueInfo> {
        self.has(Self::CUE).then_some(CueInfo {
            weak: self.has(Self::WEAK),
            inverting: self.has(Self::INVERTING),
            participle: self.has(Self::PARTICIPLE),
        })
    }

    /// [`Self::of`] the word `w` (not empty), told whether `w` is ASCII
    /// (the tokenizer knows): ASCII words, nearly all of a news text, take
    /// a shorter path.
    #[inline]
    fn of_word(w: &str, ascii: bool, lex: &Lexicon) -> Facts {
        if !ascii {
            return Facts::of(w, lex);
        }
        let b = w.as_bytes();
        let n = b.len();
        let cap = b[0].is_ascii_uppercase();
        // The ASCII possessives of `strip_possessive`: `'s`, `'S` after at
        // least one byte.
        let possessive = n >= 3 && b[n - 2] == b'\'' && b[n - 1] | 0x20 == b's';
        let a = lex.ascii_word(w, cap);
        let name_like = cap && !a.not_name() && (!possessive || !lex.is_not_name(&w[..n - 2]));
        // The lexicon's flags are at the positions of ours.
        Facts(a.0 & Self::FROM_LEXICON | (Self::CAP * cap as u16) | (Self::NAME_LIKE * name_like as u16) | (Self::POSSESSIVE * possessive as u16))
    }

    /// The facts of the word `w` (not empty).
    fn of(w: &str, lex: &Lexicon) -> Facts {
        let cap = is_cap(w);
        // Every possessive suffix ends in `s` or `S`.
        let stripped = if matches!(w.as_bytes().last(), Some(b's' | b'S')) { strip_possessive(w) } else { w };
        let possessive = stripped.len() != w.len();
        let (cue, noun_like, title, not_name) = if w.is_ascii() {
            let a = lex.ascii_word(w, cap);
            (a.cue(), a.noun_like(), a.title(), a.not_name())
        } else {
            let lw = lower(w);
            let cue = lex.cue(&lw);
            (cue, cue.is_some() && lex.is_noun_like(&lw), lex.is_title(w), cap && lex.is_not_name(w))
        };
        let name_like = cap && !not_name && (!possessive || !lex.is_not_name(stripped));
        let mut f = 0;
        for (on, flag) in [
            (cap, Self::CAP),
            (name_like, Self::NAME_LIKE),
            (title, Self::TITLE),
            (possessive, Self::POSSESSIVE),
            (noun_like, Self::NOUN_LIKE),
        ] {
            if on {
                f |= flag;
            }
        }
        if let Some(c) = cue {
            f |= Self::CUE;
            for (on, flag) in [(c.weak, Self::WEAK), (c.inverting, Self::INVERTING), (c.participle, Self::PARTICIPLE)] {
                if on {
                    f |= flag;
                }
            }
        }
        Facts(f)
    }
}

const _: () = assert!(Facts::FROM_LEXICON & (Facts::CAP | Facts::NAME_LIKE | Facts::POSSESSIVE) == 0);

/// Token-stream buffers kept from one paragraph to the next on each thread
/// (rayon's workers analyse thousands of paragraphs each): the two token
/// streams and their facts, the collapse map, the sentence numbers, the
/// quotation ranges and tokens (never more than the tokens), the raw
/// quotations and the mark scanner's buffers; and the result
/// [`with_analysis`] lends, whose vectors are reused too.
#[derive(Default)]
struct Scratch {
    result: ParaAnalysis,
    raw: Vec<RawQuote>,
    marks: marks::ScanBuffers,
    tokens: [Vec<Token>; 2],
    facts: [Vec<Facts>; 2],
    from: Vec<usize>,
    sent: Vec<u32>,
    /// The quotations' byte ranges and the token of each in the
    /// collapsed stream.
    ranges: Vec<Range<usize>>,
    quote_tok: Vec<usize>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

impl Scratch {
    /// Buffers kept beyond this many tokens are released, so that one huge
    /// paragraph does not pin its buffers (about 2.5 MB) for good.
    const KEEP_TOKENS: usize = 1 << 16;

    /// Has a buffer grown past [`Self::KEEP_TOKENS`] tokens or records?
    fn too_big(&self) -> bool {
        let r = &self.result;
        self.tokens.iter().map(Vec::capacity).chain([self.marks.capacity(), r.quotes.capacity(), r.stray_closers.capacity(), r.names.capacity(), r.sources.capacity()]).any(|c| c > Self::KEEP_TOKENS)
    }
}

/// The facts of `toks` (the collapsed stream), copied from the same word
/// tokens of `all` (the uncollapsed stream of the same text) where there
/// is one, else looked up.
fn facts_matching(text: &str, toks: &[Token], all: &[Token], all_facts: &[Facts], lex: &Lexicon) -> Vec<Facts> {
    let mut k = 0;
    toks.iter()
        .map(|t| {
            if t.kind != Kind::Word {
                return Facts::default();
            }
            while k < all.len() && all[k].range.start < t.range.start {
                k += 1;
            }
            match all.get(k) {
                Some(a) if a.kind == Kind::Word && a.range == t.range => all_facts[k],
                _ => Facts::of(&text[t.range.clone()], lex),
            }
        })
        .collect()
}

fn is_cap(w: &str) -> bool {
    match w.as_bytes().first() {
        Some(&b) if b < 0x80 => b.is_ascii_uppercase(),
        _ => w.chars().next().is_some_and(char::is_uppercase),
    }
}

/// `w` lower-cased when it has an upper-case character (`to_lowercase`),
/// else `w` itself.
fn lower(w: &str) -> Lower<'_> {
    let b = w.as_bytes();
    // ASCII? Any upper case? In one pass.
    let (mut ascii, mut upper) = (true, false);
    for &x in b {
        ascii &= x.is_ascii();
        upper |= x.is_ascii_uppercase();
    }
    if ascii {
        if !upper {
            return Lower::Borrowed(w);
        }
        if b.len() <= LOWER_INLINE {
            // Lower-cased as copied (no `memcpy` call for a few bytes).
            let mut buf = [0; LOWER_INLINE];
            for (d, &x) in buf.iter_mut().zip(b) {
                *d = x.to_ascii_lowercase();
            }
            return Lower::Inline(buf, b.len() as u8);
        }
        return Lower::Owned(w.to_ascii_lowercase());
    }
    if w.chars().any(char::is_uppercase) {
        Lower::Owned(w.to_lowercase())
    } else {
        Lower::Borrowed(w)
    }
}

/// Longest ASCII word [`lower`] lower-cases on the stack, in bytes.
const LOWER_INLINE: usize = 30;

/// A word lower-cased by [`lower`]: borrowed when it has no upper case, on
/// the stack when it is ASCII of up to [`LOWER_INLINE`] bytes (most
/// capitalised words: no heap copy), else on the heap.
enum Lower<'a> {
    Borrowed(&'a str),
    /// ASCII bytes and their number. Built only by [`lower`]: `deref`
    /// relies on the bytes being ASCII.
    Inline([u8; LOWER_INLINE], u8),
    Owned(String),
}

impl std::ops::Deref for Lower<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            Lower::Borrowed(s) => s,
            Lower::Inline(b, n) => {
                let b = &b[..*n as usize];
                debug_assert!(b.is_ascii());
                // SAFETY: only `lower` builds `Inline`, from the bytes of an
                // ASCII `&str` lower-cased as ASCII: ASCII, so UTF-8. (The
                // checked `from_utf8` cost 80 instructions a call here, 7 M
                // for the PolNeAR train text.)
                unsafe { std::str::from_utf8_unchecked(b) }
            }
            Lower::Owned(s) => s,
        }
    }
}

impl AsRef<str> for Lower<'_> {
    fn as_ref(&self) -> &str {
        self
    }
}

impl PartialEq<&str> for Lower<'_> {
    fn eq(&self, other: &&str) -> bool {
        **self == **other
    }
}

impl Lower<'_> {
    fn into_owned(self) -> String {
        match self {
            Lower::Owned(s) => s,
            l => l.to_string(),
        }
    }
}

/// Title Case with no sentence inside (Chicago 8.159 headline style): every
/// word capitalised but short function words, at least two capitalised
/// words, at most eight words, no `.?!` except at the very end.
fn is_title_phrase(content: &str) -> bool {
    const SMALL: &[&str] = &[
        "a", "an", "the", "and", "or", "nor", "but", "of", "to", "in", "on", "at", "by", "for",
        "with", "from", "as", "vs", "vs.", "via", "&",
    ];
    if content.trim_end().ends_with('!') {
        return false;
    }
    let c = content.trim().trim_end_matches([',', '.', '?']);
    if c.is_empty() || c.contains(['.', '?', '!']) {
        return false;
    }
    // At most eight words, read into an array: a long quotation is turned
    // down at its ninth word, with no vector of all its words.
    let mut buf = [""; 8];
    let mut n = 0;
    for w in c.split_whitespace() {
        let Some(slot) = buf.get_mut(n) else { return false };
        *slot = w;
        n += 1;
    }
    if n < 2 {
        return false;
    }
    let words = &buf[..n];
    let mut caps = 0;
    for (i, w) in words.iter().enumerate() {
        let Some(first) = w.chars().find(|ch| ch.is_alphanumeric()) else { continue };
        if first.is_uppercase() {
            caps += 1;
        } else if !(first.is_numeric() || (i > 0 && SMALL.contains(&w.to_lowercase().as_str()))) {
            return false;
        }
    }
    caps >= 2 && !words.iter().all(|w| w.chars().all(|ch| !ch.is_lowercase()))
}

/// A capitalised modifier (`Republican`, `Democratic`, `Russian`,
/// `Chinese`): a name run ending in one goes on to a role and a name.
fn is_modifier_word(w: &str) -> bool {
    matches!(
        w,
        "Republican" | "Democratic" | "GOP" | "Conservative" | "Liberal" | "Independent" | "Former"
            | "American" | "Russian" | "Chinese" | "British" | "French" | "German" | "Mexican"
            | "Israeli" | "Iranian" | "Syrian" | "Iraqi" | "Ukrainian" | "European" | "Japanese"
            | "Korean" | "Canadian" | "Italian" | "Spanish" | "Turkish" | "Saudi" | "Palestinian"
            | "Afghan" | "Pakistani" | "Cuban" | "African" | "Asian" | "Latino" | "Hispanic"
            | "Muslim" | "Christian" | "Catholic" | "Jewish" | "Evangelical" | "Federal" | "Australian"
            | "Egyptian" | "Venezuelan" | "Brazilian" | "Polish" | "Dutch" | "Swedish" | "Greek"
    )
}

/// `R-Ky.`, `D-N.Y.`, `I-Vt.`: a US party and state tag.
fn is_party_tag(w: &str) -> bool {
    let mut c = w.chars();
    matches!(c.next(), Some('R' | 'D' | 'I')) && c.next() == Some('-') && w.len() <= 12
}

fn is_time_word(l: &str) -> bool {
    matches!(
        l,
        "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday"
            | "yesterday" | "today" | "tonight" | "ago" | "week" | "month" | "year" | "morning"
            | "afternoon" | "evening" | "night" | "weekend" | "past"
    )
}

/// `s.split_whitespace().take(max).count()`, in one plain pass over the
/// characters.
fn words_up_to(s: &str, max: usize) -> usize {
    let (mut n, mut in_word) = (0, false);
    for c in s.chars() {
        if c.is_whitespace() {
            in_word = false;
        } else if !in_word {
            if n == max {
                break;
            }
            in_word = true;
            n += 1;
        }
    }
    n
}

/// A subject pronoun, possibly contracted (`he's`, `she’d`): its class
/// and byte length.
fn pronoun_of(w: &str) -> Option<(PronounClass, usize)> {
    // The part before the first apostrophe. The pronouns below have at
    // most five bytes: a word with no apostrophe in its first six bytes
    // has a longer part, and is turned down without a search of the rest.
    let b = w.as_bytes();
    let cut = (0..b.len().min(6)).find(|&i| b[i] == b'\'' || b[i..].starts_with("’".as_bytes())).unwrap_or(b.len());
    // `’` starts with a lead byte: `cut` is a character boundary.
    let base = w.get(..cut)?;
    // Only ASCII lower-cases to these words (no other character
    // lower-cases to ASCII but the Kelvin sign, and they have no `k`).
    if base.len() > 5 || !base.is_ascii() {
        return None;
    }
    // `lower` equals `to_lowercase` here: a word it leaves alone (no
    // upper case) that `to_lowercase` would change holds a title-case
    // letter, which lower-cases to no ASCII.
    let l = lower(base);
    if !matches!(l.as_ref(), "he" | "she" | "they" | "it" | "i" | "we" | "who" | "which") {
        return None;
    }
    Some((super::lexicon::pronoun_class(&l)?, base.len()))
}

/// Strip a possessive `’s` / `'s` / trailing `’`.
fn strip_possessive(w: &str) -> &str {
    // Every suffix below ends in `s` or `S`.
    if !w.ends_with(['s', 'S']) {
        return w;
    }
    for suf in ["’s", "'s", "’S", "'S"] {
        if let Some(s) = w.strip_suffix(suf) {
            if !s.is_empty() {
                return s;
            }
        }
    }
    w
}

const DETERMINERS: &[&str] = &[
    "the", "a", "an", "one", "two", "three", "several", "some", "many", "his", "her", "their",
    "its", "this", "that", "these", "those", "another", "other", "our", "my", "your", "each",
    "both", "most", "few", "multiple", "numerous", "no",
];

const CONNECTORS: &[&str] = &[
    "de", "la", "van", "von", "der", "den", "bin", "ibn", "al", "da", "di", "du", "le", "del",
    "dos", "das", "y", "ben", "abu", "el",
];

/// Function words that never begin a source phrase.
const FUNCTION_WORDS: &[&str] = &[
    "until", "unless", "whether", "where", "why", "how", "so", "then", "though", "although",
    "also", "just", "only", "even", "not", "no", "all", "yet", "since", "once", "whose", "whom",
    "can", "could", "would", "should", "will", "may", "might", "must", "do", "does", "did", "has",
    "have", "had", "said", "says", "like", "than", "over", "under", "up", "down", "out", "off",
    "again", "here", "now", "ago", "there", "because", "before", "after", "while", "when",
];

const STOP_NOMINAL: &[&str] = &[
    "in", "on", "at", "of", "for", "with", "by", "from", "to", "and", "or", "but", "that",
    "which", "who", "as", "than", "if", "when", "while", "because", "after", "before", "is",
    "was", "are", "were", "be", "not", "it", "this", "there", "what", "about", "into",
];

/// Analyse one paragraph (a new result; [`with_analysis`] reuses one).
#[cfg(test)]
pub(crate) fn analyze_paragraph(text: &str, lex: &Lexicon) -> ParaAnalysis {
    let mut s = Scratch::default();
    analyze_into(text, lex, &mut s);
    s.result
}

/// [`analyze_paragraph`], the result lent to `f`: its vectors, like the
/// working buffers, are this thread's and kept for its next paragraph (a
/// document's analysis encodes each result and drops it), unless they grew
/// past [`Scratch::KEEP_TOKENS`] records.
pub(crate) fn with_analysis<R>(text: &str, lex: &Lexicon, f: impl FnOnce(&ParaAnalysis) -> R) -> R {
    SCRATCH.with(|cell| {
        // Borrowed in place (the buffers are not moved: a move of the
        // whole scratch costs a `memcpy` per paragraph). A nested call
        // (there is none) would find them taken and use its own.
        let Ok(mut s) = cell.try_borrow_mut() else {
            let mut s = Scratch::default();
            analyze_into(text, lex, &mut s);
            return f(&s.result);
        };
        analyze_into(text, lex, &mut s);
        let r = f(&s.result);
        if s.too_big() {
            *s = Scratch::default();
        }
        r
    })
}

/// Analyse the paragraph `text` into `s.result` with the buffers of `s`;
/// every buffer and vector of the result is cleared before use, so the
/// result does not depend on what `s` held.
fn analyze_into(text: &str, lex: &Lexicon, s: &mut Scratch) {
    use std::mem::take;
    marks::scan_into(text, &mut s.raw, &mut s.result.stray_closers, &mut s.marks);
    let (mut all, mut spare_toks) = (take(&mut s.tokens[0]), take(&mut s.tokens[1]));
    let (mut all_facts, mut spare_facts) = (take(&mut s.facts[0]), take(&mut s.facts[1]));
    let (raw, from, ranges) = (&mut s.raw, &mut s.from, &mut s.ranges);
    let (sent, mut quote_tok) = (take(&mut s.sent), take(&mut s.quote_tok));
    ranges.clear();
    ranges.extend(raw.iter().map(|q| q.range.clone()));
    // Every word, quotations not collapsed (for the name scan), then the
    // stream the attribution patterns read, with each quotation one token.
    tokenize_with(text, &[], &mut all, &mut all_facts, Facts::default(), |w, ascii| Facts::of_word(w, ascii, lex));
    let (toks, facts, uncollapsed) = if raw.is_empty() {
        (all, all_facts, Some((spare_toks, spare_facts)))
    } else {
        if collapse_into(text, &all, ranges, &mut spare_toks, from) {
            spare_facts.clear();
            spare_facts.extend(from.iter().map(|&k| all_facts.get(k).copied().unwrap_or_default()));
        } else {
            tokenize_into(text, ranges, &mut spare_toks);
            spare_facts = facts_matching(text, &spare_toks, &all, &all_facts, lex);
        }
        (spare_toks, spare_facts, Some((all, all_facts)))
    };
    quote_tok.clear();
    quote_tok.resize(raw.len(), 0);
    // Without quotations (most paragraphs) there is no quotation token.
    if !raw.is_empty() {
        for (i, t) in toks.iter().enumerate() {
            if let Kind::Quote(q) = t.kind {
                quote_tok[q] = i;
            }
        }
    }
    let (mut names, mut sources) = (take(&mut s.result.names), take(&mut s.result.sources));
    names.clear();
    sources.clear();
    let mut cx = Ctx { text, toks, facts, uncollapsed, has_quotes: !raw.is_empty(), lex, sent, names, sources, quote_tok, scanned_names: 0, title_case: false };
    cx.sentences(raw);
    let title_case = cx.is_title_case();
    cx.title_case = title_case;
    if !title_case {
        cx.scan_names();
    }
    cx.scanned_names = cx.names.len();
    let opens_with = text
        .trim_start()
        .chars()
        .next()
        .and_then(|c| raw.first().filter(|q| text[..q.range.start].trim().is_empty()).map(|_| c))
        .and_then(marks::family);
    let quote_only = cx.toks.iter().all(|t| !matches!(t.kind, Kind::Word));

    let mut quotes = take(&mut s.result.quotes);
    quotes.clear();
    quotes.extend(raw.drain(..).map(|r| {
        let leads = text[..r.range.start].trim().is_empty();
        ParaQuote { raw: r, kind: QuoteKind::Direct, attribution: None, leads, cue_in_sentence: false }
    }));

    // Cue sentences without quotations, usable as context for later quotes.
    let mut context: Option<(usize, Option<Range<usize>>, u32)> = None;
    let mut last_tok_done = 0;
    // The last quotation given a speaker so far (kept, not searched for:
    // a paragraph of 40,000 unattributed quotations stays linear).
    let mut last_attributed: Option<usize> = None;
    for qi in 0..quotes.len() {
        let t = cx.quote_tok[qi];
        // Context from cue sentences between the previous quote and this one.
        if let Some(c) = cx.context_between(last_tok_done, t) {
            context = Some(c);
        }
        last_tok_done = t + 1;
        let words = cx.content_words(&quotes[qi].raw);
        // A quoted title (`“Meet the Press”`, `"Crippled America: How to
        // Make America Great Again,"`) names a work; nobody says it.
        let title = !title_case && !quotes[qi].leads && is_title_phrase(&text[quotes[qi].raw.content.clone()]);
        let found = if title { None } else { cx.attribute(t, &quotes[qi].raw) };
        let own_sentence_cue = found.is_some();
        let attribution = match found {
            Some((source, cue)) => Some(LocalAttribution { source, cue: Some(cue), how: How::Cue }),
            None => {
                let whole_sentence = cx.quote_is_sentence(t, &quotes[qi].raw)
                    && text[quotes[qi].raw.content.clone()].trim_end().ends_with(['.', '?', '!']);
                if (words <= 2 && !quotes[qi].leads && !whole_sentence) || title {
                    None
                } else if let Some(prev) = last_attributed {
                    let pa = quotes[prev].attribution.as_ref().expect("checked");
                    let newer_context = context.as_ref().is_some_and(|c| c.2 > cx.sent[cx.quote_tok[prev]]);
                    if newer_context {
                        let (s, c, _) = context.clone().expect("checked");
                        Some(LocalAttribution { source: s, cue: c, how: How::Context })
                    } else {
                        Some(LocalAttribution { source: pa.source, cue: pa.cue.clone(), how: How::ContinuationOf(prev) })
                    }
                } else if let Some((s, c, _)) = context.clone() {
                    Some(LocalAttribution { source: s, cue: c, how: How::Context })
                } else {
                    None
                }
            }
        };
        quotes[qi].kind = if (words <= 2 || title) && !own_sentence_cue && attribution.is_none() {
            QuoteKind::Scare
        } else if quotes[qi].leads || cx.quote_is_sentence(t, &quotes[qi].raw) {
            QuoteKind::Direct
        } else {
            QuoteKind::Partial
        };
        if attribution.is_some() {
            last_attributed = Some(qi);
        }
        quotes[qi].attribution = attribution;
        quotes[qi].cue_in_sentence = cx.cue_in_sentence(t);
    }
    // The context left for the next paragraph.
    let trailing_context = quotes.last().and_then(|q| q.attribution.as_ref().map(|a| (a.source, a.cue.clone())));
    let trailing_context = trailing_context.or_else(|| cx.colon_context());
    let dash_lead = cx.dash_lead();
    let Ctx { toks, facts, uncollapsed, sent, names, sources, quote_tok, .. } = cx;
    let (other_toks, other_facts) = uncollapsed.unwrap_or_default();
    (s.tokens, s.facts, s.sent, s.quote_tok) = ([toks, other_toks], [facts, other_facts], sent, quote_tok);
    // Field by field: `stray_closers` is already in place.
    let out = &mut s.result;
    out.len = text.len();
    (out.quotes, out.names, out.sources) = (quotes, names, sources);
    (out.opens_with, out.dash_lead, out.trailing_context, out.quote_only) = (opens_with, dash_lead, trailing_context, quote_only);
}

impl<'a> Ctx<'a> {
    fn word(&self, i: usize) -> Option<&'a str> {
        let t = self.toks.get(i)?;
        match t.kind {
            Kind::Word => Some(&self.text[t.range.clone()]),
            _ => None,
        }
    }

    fn punct(&self, i: usize) -> Option<char> {
        match self.toks.get(i)?.kind {
            Kind::Punct(c) => Some(c),
            _ => None,
        }
    }

    fn is_quote(&self, i: usize) -> bool {
        matches!(self.toks.get(i).map(|t| t.kind), Some(Kind::Quote(_)))
    }

    /// Is the word at `i` a reporting verb used as a verb? Not a noun
    /// (`his comments`, `Trump's remarks`), not a capitalised word inside a
    /// sentence (`the United States`), unless the paragraph is a headline.
    fn cue_at(&self, i: usize) -> Option<CueInfo> {
        self.cue_check(i, true)
    }

    /// [`Self::cue_at`] without the noun test, for the frame right after a
    /// quotation (`“…,” the statement reads`), where these forms are verbs.
    fn cue_in_frame(&self, i: usize) -> Option<CueInfo> {
        self.cue_check(i, false)
    }

    /// Most words are no cue form: answered here, the rest by
    /// [`Self::cue_verb`].
    #[inline(always)]
    fn cue_check(&self, i: usize, noun_test: bool) -> Option<CueInfo> {
        let f = *self.facts.get(i)?;
        let info = f.cue()?;
        self.cue_verb(i, noun_test, f, info)
    }

    #[inline(never)]
    fn cue_verb(&self, i: usize, noun_test: bool, f: Facts, info: CueInfo) -> Option<CueInfo> {
        if f.cap() && !self.title_case {
            let sentence_start = i == 0
                || self.sent.get(i - 1).is_some_and(|&s| Some(&s) != self.sent.get(i))
                || matches!(self.toks[i - 1].kind, Kind::Quote(_) | Kind::Newline | Kind::Punct(_));
            if !sentence_start {
                return None;
            }
        }
        if i > 0 {
            if let Some(p) = self.word(i - 1) {
                let pl = lower(p);
                if matches!(pl.as_ref(), "the" | "a" | "an" | "his" | "her" | "their" | "its" | "our" | "my" | "your" | "these" | "those" | "this" | "of" | "such" | "whose")
                    || (strip_possessive(p).len() != p.len() && !matches!(pl.as_ref(), "he's" | "she's" | "it's" | "he’s" | "she’s" | "it’s" | "that's" | "that’s"))
                {
                    return None;
                }
                if noun_test && f.noun_like() {
                    let verb_context = super::lexicon::pronoun_class(&pl).is_some()
                        || (is_cap(p) && !is_modifier_word(p))
                        || self.lex.is_between(&pl)
                        || matches!(pl.as_ref(), "and" | "who" | "which" | "that" | "they" | "to");
                    if !verb_context {
                        return None;
                    }
                }
            } else if noun_test && f.noun_like() && !matches!(self.toks[i - 1].kind, Kind::Punct(',') | Kind::Quote(_)) {
                return None;
            }
        }
        Some(info)
    }

    /// Number of words in a quotation's content, counted up to three.
    fn content_words(&self, q: &RawQuote) -> usize {
        words_up_to(&self.text[q.content.clone()], 3)
    }

    fn sentences(&mut self, raw: &[RawQuote]) {
        let mut s = 0u32;
        let n = self.toks.len();
        // Does the token after `i` start a sentence? (Asked only after a
        // possible sentence end.)
        let next_starts = |i: usize| match self.toks.get(i + 1) {
            None => true,
            Some(t) => match t.kind {
                Kind::Word => self.facts[i + 1].cap() || self.text.as_bytes()[t.range.start].is_ascii_digit(),
                Kind::Quote(_) | Kind::Newline => true,
                Kind::Punct(c) => marks::is_mark(c) || c == '(' || c == '—' || c == '-',
            },
        };
        let mut sent = std::mem::take(&mut self.sent);
        sent.clear();
        sent.reserve(n);
        for i in 0..n {
            sent.push(s);
            match self.toks[i].kind {
                Kind::Punct('.' | '?' | '!' | '…') if next_starts(i) => s += 1,
                Kind::Newline => s += 1,
                Kind::Quote(q) => {
                    let c = self.text[raw[q].content.clone()].trim_end();
                    let ends = c.ends_with(['.', '?', '!', '…']);
                    if ends && next_starts(i) {
                        s += 1;
                    }
                }
                _ => {}
            }
        }
        self.sent = sent;
    }

    /// A headline in Title Case: one line, every word of three letters or
    /// more capitalised except short function words (Chicago 8.159).
    fn is_title_case(&self) -> bool {
        // The cheap tests first: the length, then the words (most
        // paragraphs fail at their first lower-case word); the search for
        // a line break last.
        if self.text.len() > 300 {
            return false;
        }
        let mut words = 0;
        for t in &self.toks {
            if let Kind::Word = t.kind {
                let w = &self.text[t.range.clone()];
                if w.chars().filter(|c| c.is_alphabetic()).count() < 3 {
                    continue;
                }
                if !is_cap(w) && !matches!(w, "and" | "the" | "for" | "nor" | "but" | "from" | "with" | "into" | "over" | "onto" | "via" | "vs.") {
                    return false;
                }
                words += 1;
            }
        }
        words >= 3 && !self.text.contains('\n')
    }

    /// Is the word at `i` a capitalised name word (not a sentence-initial
    /// function word or a cue)?
    fn name_word(&self, i: usize) -> bool {
        self.facts.get(i).is_some_and(|f| f.name_like()) && self.cue_at(i).is_none()
    }

    /// Is the token at `i` a title or honorific ([`Lexicon::is_title`])?
    fn title_at(&self, i: usize) -> bool {
        self.facts.get(i).is_some_and(|f| f.title())
    }

    /// Does the word at `i` end in a possessive (`Trump’s`)?
    fn possessive_at(&self, i: usize) -> bool {
        self.facts.get(i).is_some_and(|f| f.possessive())
    }

    fn connector(&self, i: usize) -> bool {
        let Some(w) = self.word(i) else { return false };
        // `Department of Justice`, `Center for American Progress`
        let org_of = || matches!(w, "of" | "for") && i > 0 && self.word(i - 1).is_some_and(|p| self.lex.is_org_head(p));
        // Every connector has at most three bytes (a test checks). The
        // name after it first: most words after a name run are followed
        // by no name, and that one test spares the list search.
        i > 0 && self.name_word(i + 1) && self.name_word(i - 1) && ((w.len() <= 3 && CONNECTORS.contains(&w)) || org_of())
    }

    /// Scan name runs over the whole paragraph, quotations included.
    fn scan_names(&mut self) {
        // Without quotations the stream is already the uncollapsed one.
        let uncollapsed = if self.has_quotes { self.uncollapsed.take() } else { None };
        let saved = uncollapsed.map(|(toks, facts)| {
            (std::mem::replace(&mut self.toks, toks), std::mem::replace(&mut self.facts, facts))
        });
        let n = self.toks.len();
        let mut i = 0;
        while i < n {
            // A run starts at a name-like word or a title: the other
            // tokens (most) are turned down by one test of their facts.
            if !self.facts.get(i).is_some_and(|f| f.name_like() || f.title()) {
                i += 1;
                continue;
            }
            let starts_run = self.name_word(i) || (self.title_at(i) && self.name_word(i + 1));
            if !starts_run {
                i += 1;
                continue;
            }
            let start = i;
            let mut j = i;
            while j < n {
                if self.word(j).is_none() {
                    break;
                }
                if self.name_word(j) || self.title_at(j) || self.connector(j) {
                    let possessive = self.possessive_at(j);
                    j += 1;
                    if possessive {
                        break;
                    }
                } else {
                    break;
                }
            }
            // The first word inside a quotation (`“Quick,” said Bo Sten`) is
            // capitalised as a sentence start: one word alone there is a
            // name only when the lexicon knows it as one.
            let after_open_mark = start > 0 && matches!(self.punct(start - 1), Some('“' | '‘' | '"' | '\'' | '«' | '„' | '‚' | '#'));
            let lone_unknown = || {
                j == start + 1
                    && self.word(start).is_some_and(|w| {
                        let w = strip_possessive(w);
                        self.lex.first_name_gender(w).is_none() && !self.lex.is_org_head(w) && !w.chars().all(|c| !c.is_lowercase())
                    })
            };
            if !(after_open_mark && lone_unknown()) {
                if let Some(run) = self.make_name(start, j) {
                    self.names.push(run);
                }
            }
            i = j.max(i + 1);
        }
        if let Some((toks, facts)) = saved {
            let all = (std::mem::replace(&mut self.toks, toks), std::mem::replace(&mut self.facts, facts));
            self.uncollapsed = Some(all);
        }
    }

    /// Build a name run from tokens `a..b` (all words), splitting titles.
    fn make_name(&self, a: usize, b: usize) -> Option<NameRun> {
        if a >= b {
            return None;
        }
        let mut t = None;
        // The last word, possessive stripped (a run of words only).
        let last_w = strip_possessive(self.word(b - 1)?);
        // … is an organisation head.
        let org_run = self.lex.is_org_head(last_w);
        for k in a..b {
            self.word(k)?;
            if self.title_at(k) && k + 1 < b && !org_run {
                t = Some(k);
            }
        }
        // `the Democratic nominee`: a lone modifier is no name.
        if b - a == 1 && is_modifier_word(last_w) {
            return None;
        }
        let name_start = t.map_or(a, |t| t + 1);
        if name_start >= b {
            return None;
        }
        let first_w = self.word(name_start)?;
        let start = self.toks[name_start].range.start;
        let last_start = self.toks[b - 1].range.start;
        let end = last_start + last_w.len();
        // Description: title words, plus `former`/`then-` just before.
        let description = t.map(|t| {
            let mut ds = a;
            if a > 0 {
                if let Some(w) = self.word(a - 1) {
                    let lw = lower(w);
                    if matches!(lw.as_ref(), "former" | "late" | "acting" | "then" | "ex" | "incoming" | "outgoing" | "interim")
                        || lw.starts_with("then-")
                    {
                        ds = a - 1;
                    }
                }
            }
            self.toks[ds].range.start..self.toks[t].range.end
        });
        let honor_gender = (a..name_start).filter_map(|k| self.word(k)).find_map(|w| self.lex.honorific_gender(w));
        let words = b - name_start;
        let the_before = a > 0 && self.word(a - 1).is_some_and(|w| w.eq_ignore_ascii_case("the"));
        let all_caps = words == 1 && last_w.len() >= 2 && last_w.chars().all(|c| !c.is_lowercase());
        let org = org_run || (the_before && t.is_none()) || (all_caps && t.is_none());
        let first_gender = if words >= 2 || t.is_some() { self.lex.first_name_gender(first_w) } else { None };
        let gender = honor_gender.or(first_gender).unwrap_or(Gender::Unknown);
        let person = !org && (t.is_some() || first_gender.is_some());
        if words == 1 && !person && !org && self.lex.is_not_name(last_w) {
            return None;
        }
        Some(NameRun {
            range: start..end,
            description,
            words: u8::try_from(words).unwrap_or(u8::MAX),
            // A word of 4 GB is no name.
            last_len: u32::try_from(last_w.len()).ok()?,
            first_len: u32::try_from(first_w.len()).ok()?,
            org,
            person,
            honorific: honor_gender.is_some() || t.is_some_and(|t| self.word(t).is_some_and(|w| w.ends_with('.') || matches!(w, "Mr" | "Ms" | "Mrs"))),
            gender,
            with_the: the_before,
        })
    }

    /// The name run covering token range `a..b` of the collapsed stream:
    /// the scanned one if there is one, else built now.
    fn name_for(&mut self, a: usize, b: usize) -> Option<usize> {
        let start = self.toks[a].range.start;
        let end = self.toks[b - 1].range.end;
        let sorted = &self.names[..self.scanned_names];
        let i = sorted.partition_point(|n| n.range.end <= start);
        if let Some(n) = sorted.get(i) {
            if n.range.start < end && n.range.end > start {
                return Some(i);
            }
        }
        if let Some(k) = self.names[self.scanned_names..].iter().position(|n| n.range.start < end && n.range.end > start) {
            return Some(self.scanned_names + k);
        }
        let run = self.make_name(a, b)?;
        self.names.push(run);
        Some(self.names.len() - 1)
    }

    fn push_source(&mut self, range: Range<usize>, kind: SourceKind, description: Option<Range<usize>>) -> usize {
        self.sources.push(Source { range, kind, description });
        self.sources.len() - 1
    }

    /// A noun phrase ending at token `j` (inclusive), read backwards: the
    /// source of a cue that follows it.
    fn np_ending_at(&mut self, j: usize, floor: usize) -> Option<usize> {
        let w = self.word(j)?;
        let lw = lower(w);
        if let Some((pc, len)) = pronoun_of(w).filter(|_| lw.len() != w.len() || lw.contains(['\'', '’'])) {
            let r = self.toks[j].range.start..self.toks[j].range.start + len;
            return Some(self.push_source(r, SourceKind::Pronoun(pc, None), None));
        }
        if let Some(pc) = super::lexicon::pronoun_class(&lw) {
            if matches!(lw.as_ref(), "him" | "them" | "me" | "us" | "his" | "her" | "their" | "its") {
                return None;
            }
            let antecedent = if pc == PronounClass::Relative && j >= 2 && self.punct(j - 1) == Some(',') {
                self.np_name_before(j - 2, floor)
            } else {
                None
            };
            let r = self.toks[j].range.clone();
            return Some(self.push_source(r, SourceKind::Pronoun(pc, antecedent), None));
        }
        if is_cap(w) && !self.lex.is_not_name(w) {
            // Walk back over the capitalised run.
            let mut a = j;
            while a > floor && (self.name_word(a - 1) || self.title_at(a - 1) || self.connector(a - 1)) {
                // `Iowa State University's Dianne Bystrom`: the possessor is
                // not part of the name.
                if self.possessive_at(a - 1) {
                    break;
                }
                a -= 1;
                if j - a > 8 {
                    break;
                }
            }
            // `the Kremlin`, `the Russian government`? (capitalised org)
            let the = a > floor && self.word(a - 1).is_some_and(|w| w.eq_ignore_ascii_case("the"));
            // `Mr. Morgan of the Sierra Club said`: the head is the person.
            let head_before = if the { a.checked_sub(2) } else { a.checked_sub(1) };
            if let Some(h) = head_before.filter(|&h| h > floor) {
                if self.word(h).is_some_and(|w| matches!(w, "of" | "for" | "at" | "with" | "from")) && h > floor && self.name_word(h - 1) {
                    if let Some(s) = self.np_ending_at(h - 1, floor) {
                        return Some(s);
                    }
                }
            }
            let idx = self.name_for(a, j + 1)?;
            let n = &self.names[idx];
            let start = if the && n.org { self.toks[a - 1].range.start } else { n.range.start };
            let r = start..n.range.end;
            return Some(self.push_source(r, SourceKind::Name(idx), None));
        }
        if is_cap(w) && !matches!(w, "The" | "A" | "An") {
            return None;
        }
        // `the two`, `the three`: a number standing for people.
        if matches!(lw.as_ref(), "two" | "three" | "four" | "both") && j > floor && self.word(j - 1).is_some_and(|p| p.eq_ignore_ascii_case("the")) {
            let r = self.toks[j - 1].range.start..self.toks[j].range.end;
            return Some(self.push_source(r, SourceKind::Nominal { key: lw.into_owned(), definite: true, owner: None }, None));
        }
        // A common-noun phrase: walk back to a determiner or possessive.
        // (`the 43-year-old` counts: digits with hyphens.)
        let wordlike = w.chars().all(|c| c.is_alphabetic() || c == '-') || (w.contains('-') && w.chars().any(char::is_alphabetic));
        if !wordlike {
            return None;
        }
        if STOP_NOMINAL.contains(&lw.as_ref()) || DETERMINERS.contains(&lw.as_ref()) || self.cue_at(j).is_some() {
            return None;
        }
        let mut a = j;
        let mut det = false;
        let mut owner = None;
        while a > floor && j - a < 6 {
            let Some(pw) = self.word(a - 1) else { break };
            let pl = lower(pw);
            if DETERMINERS.contains(&pl.as_ref()) {
                a -= 1;
                det = true;
                break;
            }
            if strip_possessive(pw).len() != pw.len() && is_cap(pw) {
                // `Trump’s campaign`
                a -= 1;
                det = true;
                let mut b = a;
                while b > floor && self.name_word(b - 1) {
                    b -= 1;
                }
                owner = self.name_for(b, a + 1);
                a = b;
                break;
            }
            if STOP_NOMINAL.contains(&pl.as_ref()) || self.cue_at(a - 1).is_some() || self.lex.is_between(&pl) {
                break;
            }
            a -= 1;
        }
        if !det && !self.lex.is_source_noun(&lw) {
            return None;
        }
        if !(det || lw.ends_with('s') || self.lex.is_source_noun(&lw)) {
            return None;
        }
        if owner.is_none() {
            // A capitalised word inside: `the Kremlin statement`.
            for k in a..j {
                if self.name_word(k) {
                    let mut b = k + 1;
                    while b < j && self.name_word(b) {
                        b += 1;
                    }
                    owner = self.name_for(k, b);
                    break;
                }
            }
        }
        // `a welcome message on the website reads`: the phrase's head is
        // before the preposition.
        if a > floor + 1 && self.word(a - 1).is_some_and(|p| matches!(p, "on" | "of" | "for" | "at" | "from" | "with" | "in")) {
            let h = a - 2;
            if self.word(h).is_some_and(|hw| !is_cap(hw) && self.lex.is_source_noun(&lower(hw)) || self.lex.is_document_noun(&lower(hw))) {
                let mark = self.sources.len();
                if let Some(s) = self.np_ending_at(h, floor) {
                    let end = self.toks[j].range.end;
                    self.sources[s].range.end = end;
                    return Some(s);
                }
                self.sources.truncate(mark);
            }
        }
        let definite = self.word(a).is_some_and(|w| {
            let l = lower(w);
            !matches!(l.as_ref(), "a" | "an" | "one" | "another" | "some" | "several" | "two" | "three" | "many")
        });
        let r = self.toks[a].range.start..self.toks[j].range.end;
        Some(self.push_source(r, SourceKind::Nominal { key: lw.into_owned(), definite, owner }, None))
    }

    /// A name ending at token `j` (for `Trump, who said`).
    fn np_name_before(&mut self, j: usize, floor: usize) -> Option<usize> {
        if !self.name_word(j) {
            return None;
        }
        let mut a = j;
        while a > floor && (self.name_word(a - 1) || self.title_at(a - 1)) && j - a < 8 {
            a -= 1;
        }
        self.name_for(a, j + 1)
    }

    /// The subject of the cue at `c`: skip adverbs and auxiliaries, an
    /// apposition (`X, a ferry operator, said`), then read a noun phrase.
    fn subject_before(&mut self, c: usize, floor: usize) -> Option<usize> {
        let mut j = c;
        let mut skipped = 0;
        while j > floor && skipped < 4 {
            let Some(w) = self.word(j - 1) else { break };
            let l = lower(w);
            if self.lex.is_between(&l) && l != "who" {
                j -= 1;
                skipped += 1;
            } else if is_time_word(&l) {
                // `on Monday`, `last week`, `two weeks ago`, `in 2014`
                j -= 1;
                skipped += 1;
                if l == "ago" {
                    j = j.saturating_sub(2).max(floor);
                }
                if j > floor && self.word(j - 1).is_some_and(|p| matches!(lower(p).as_ref(), "on" | "last" | "this" | "next" | "early" | "late" | "in" | "earlier" | "later")) {
                    j -= 1;
                }
            } else {
                break;
            }
        }
        if j == floor || j == 0 {
            return None;
        }
        let mut j = j - 1;
        // `Rep. Gwen Moore (D-Wis.) said`: skip a short parenthetical.
        if self.punct(j) == Some(')') {
            let mut k = j;
            while k > floor && j - k < 8 && self.punct(k) != Some('(') {
                k -= 1;
            }
            if self.punct(k) == Some('(') && k > floor {
                j = k - 1;
            } else {
                return None;
            }
        }
        // `Mitch McConnell, R-Ky., said`: a party-state tag.
        if self.punct(j) == Some(',') && j >= floor + 3 && self.punct(j - 2) == Some(',') && self.word(j - 1).is_some_and(is_party_tag) {
            return self.np_ending_at(j - 3, floor);
        }
        // `…primary, Gov. John Kasich (R-OH), said`: the segment between
        // the commas is itself the name.
        if self.punct(j) == Some(',') && j > floor + 1 {
            let mut e = j - 1;
            if self.punct(e) == Some(')') {
                if let Some(open) = (floor..e).rev().take(8).find(|&x| self.punct(x) == Some('(')) {
                    e = open.saturating_sub(1);
                }
            }
            if e > floor && self.name_word(e) {
                let mark = self.sources.len();
                if let Some(s) = self.np_ending_at(e, floor) {
                    let start = self.sources[s].range.start;
                    let seg_start = self.toks[floor..=e].iter().rposition(|x| x.range.end <= start).map(|i| i + floor);
                    if seg_start.is_some_and(|p| self.punct(p) == Some(',')) {
                        return Some(s);
                    }
                }
                self.sources.truncate(mark);
            }
        }
        if self.punct(j) == Some(',') {
            // Apposition or relative clause between commas.
            let mut k = j;
            let lim = j.saturating_sub(32).max(floor);
            while k > lim {
                k -= 1;
                if self.punct(k) == Some(',') {
                    // `Sen. Ron Johnson, R-Wis., said`: skip a party-state tag.
                    let tag = k + 2 == j && self.word(k + 1).is_some_and(|w| w.starts_with(['R', 'D', 'I']) && w.get(1..2) == Some("-"));
                    if !tag {
                        break;
                    }
                }
                if matches!(self.toks[k].kind, Kind::Newline) || self.sent[k] != self.sent[j] {
                    return None;
                }
            }
            if self.punct(k) != Some(',') || k == floor || k == 0 {
                return None;
            }
            let mut np_end = k - 1;
            if self.punct(np_end) == Some(')') {
                let mut p = np_end;
                while p > floor && np_end - p < 8 && self.punct(p) != Some('(') {
                    p -= 1;
                }
                if self.punct(p) == Some('(') && p > floor {
                    np_end = p - 1;
                }
            }
            let first = self.word(k + 1).map(lower);
            // Anything between commas before a cue is an apposition or a
            // relative clause, unless it holds a cue of its own.
            let appositive = first.is_some() && !(k + 1..j).any(|x| self.cue_at(x).is_some_and(|c| !c.participle) && self.word(x - 1).is_some_and(|w| !matches!(lower(w).as_ref(), "who" | "which" | "that")));
            if !appositive {
                return None;
            }
            let desc_start = self.toks[k + 1].range.start;
            let desc_end = self.toks[j - 1].range.end;
            let s = self.np_ending_at(np_end, floor)?;
            let rel = first.as_deref().is_some_and(|f| matches!(f, "who" | "whose" | "which"));
            if !rel {
                self.sources[s].description = Some(desc_start..desc_end);
            }
            return Some(s);
        }
        if self.punct(j) == Some(')') {
            return None;
        }
        self.np_ending_at(j, floor)
    }

    /// The noun phrase starting at token `j`: the source of an inverted cue
    /// (`said Dan O'Connor, a ferry operator`) or of `according to`.
    fn np_starting_at(&mut self, j: usize) -> Option<usize> {
        let w = self.word(j)?;
        let lw = lower(w);
        if let Some(pc) = super::lexicon::pronoun_class(&lw).filter(|_| !matches!(lw.as_ref(), "his" | "her" | "their" | "its")) {
            if matches!(pc, PronounClass::Male | PronounClass::Female | PronounClass::Plural) && matches!(lw.as_ref(), "he" | "she" | "they") {
                let r = self.toks[j].range.clone();
                return Some(self.push_source(r, SourceKind::Pronoun(pc, None), None));
            }
            return None;
        }
        let mut a = j;
        // Lowercase role words before a title or name: `former Sen. …`,
        // `retired Army Lt. Gen. …`, `spokesman Stuart Roy`.
        while a - j < 3
            && self.word(a).is_some_and(|w| {
                let l = lower(w);
                !is_cap(w) && !STOP_NOMINAL.contains(&l.as_ref()) && !DETERMINERS.contains(&l.as_ref()) && self.lex.cue(&l).is_none()
            })
            && (self.name_word(a + 1) || self.word(a + 1).is_some_and(|w| self.lex.is_title(w) || (!is_cap(w) && a - j < 1)))
        {
            a += 1;
        }
        if a > j && !(self.name_word(a) || self.title_at(a)) {
            a = j;
        }
        if self.name_word(a) || self.title_at(a) {
            let mut b = a;
            while b < self.toks.len() && (self.name_word(b) || self.title_at(b) || self.connector(b)) && b - a < 8 {
                let poss = self.possessive_at(b);
                b += 1;
                if poss {
                    break;
                }
            }
            if b == a {
                return None;
            }
            // `Democratic pollster Stan Greenberg`: a modifier, role words,
            // then the name.
            if b == a + 1 && self.word(a).is_some_and(is_modifier_word) {
                let mut x = b;
                while x < self.toks.len() && x - b < 3 && self.word(x).is_some_and(|w| !is_cap(w) && !STOP_NOMINAL.contains(&lower(w).as_ref())) {
                    x += 1;
                }
                if x > b && self.name_word(x) {
                    return self.np_starting_at(x);
                }
            }
            let idx = self.name_for(a, b)?;
            let r = self.names[idx].range.clone();
            let desc = self.apposition_after(b);
            return Some(self.push_source(r, SourceKind::Name(idx), desc));
        }
        // `the report`, `a new study`, `the Kremlin statement`
        if (DETERMINERS.contains(&lw.as_ref()) && !matches!(lw.as_ref(), "that" | "this" | "these" | "those")) || lw == "the" {
            let mut b = j + 1;
            let mut owner_start = None;
            while b < self.toks.len() && b - j <= 5 {
                let Some(w) = self.word(b) else { break };
                let l = lower(w);
                if STOP_NOMINAL.contains(&l.as_ref()) || self.lex.cue(&l).is_some() {
                    break;
                }
                if self.name_word(b) && owner_start.is_none() {
                    owner_start = Some(b);
                }
                b += 1;
            }
            if b == j + 1 {
                return None;
            }
            let head = lower(self.word(b - 1)?).into_owned();
            if head.chars().any(|c| !c.is_alphabetic() && c != '-') {
                return None;
            }
            let owner = match owner_start {
                Some(o) => {
                    let mut e = o;
                    while e < b && self.name_word(e) {
                        e += 1;
                    }
                    self.name_for(o, e)
                }
                None => None,
            };
            let is_the = lw == "the";
            // `his campaign manager Jeff Weaver`: a role, then the name.
            if let Some(o) = owner {
                let n = &self.names[o];
                if !n.org && n.range.end == self.toks[b - 1].range.end {
                    let r = n.range.clone();
                    // The role words before the name: up to the end of the
                    // token before it (always a char boundary).
                    let before_name = owner_start.filter(|&o| o > j).map(|o| o - 1);
                    let desc = before_name.map(|e| self.toks[j].range.start..self.toks[e].range.end);
                    return Some(self.push_source(r, SourceKind::Name(o), desc));
                }
            }
            // `the Kremlin` alone is a name with `the`.
            if let Some(o) = owner {
                if self.names[o].range.end == self.toks[b - 1].range.end - (self.word(b - 1).map_or(0, |w| w.len() - strip_possessive(w).len())) && self.names[o].org {
                    let r = self.toks[j].range.start..self.names[o].range.end;
                    return Some(self.push_source(r, SourceKind::Name(o), None));
                }
            }
            let r = self.toks[j].range.start..self.toks[b - 1].range.end;
            let desc = self.apposition_after(b);
            return Some(self.push_source(r, SourceKind::Nominal { key: head, definite: is_the, owner }, desc));
        }
        if self.lex.is_source_noun(&lw) {
            let r = self.toks[j].range.clone();
            return Some(self.push_source(r, SourceKind::Nominal { key: lw.into_owned(), definite: false, owner: None }, None));
        }
        None
    }

    /// `, a ferry operator` after a name: the words up to the next comma or
    /// sentence end, if they start like an apposition.
    fn apposition_after(&self, b: usize) -> Option<Range<usize>> {
        if self.punct(b) != Some(',') {
            return None;
        }
        let first = lower(self.word(b + 1)?);
        if !matches!(first.as_ref(), "a" | "an" | "the" | "former" | "who") && !self.lex.is_title(self.word(b + 1)?) {
            return None;
        }
        if first == "who" {
            return None;
        }
        let mut e = b + 1;
        while e < self.toks.len() && self.word(e).is_some() && e - b < 14 {
            e += 1;
        }
        Some(self.toks[b + 1].range.start..self.toks[e - 1].range.end)
    }

    /// Pattern 1: a frame right after the quotation at token `t`.
    fn trailing_frame(&mut self, t: usize, q: &RawQuote) -> Option<(usize, Range<usize>)> {
        let mut j = t + 1;
        if matches!(self.punct(j), Some(',')) {
            j += 1;
        }
        let content = self.text[q.content.clone()].trim_end();
        let period_end = content.ends_with('.');
        // `“…” — Jane Roe` / `“…” -President Obama`
        if matches!(self.punct(j), Some('—' | '–' | '-' | '―')) && self.name_word(j + 1) {
            let cue = self.toks[j].range.clone();
            let s = self.np_starting_at(j + 1)?;
            return Some((s, cue));
        }
        // Inverted: `said Dan O'Connor`
        if let Some(info) = self.cue_at(j) {
            let name_next = self.name_word(j + 1) || self.word(j + 1).is_some_and(|w| self.lex.is_title(w) || matches!(w, "the" | "a" | "an"));
            if (info.inverting || name_next) && !info.participle {
                let cue = self.toks[j].range.clone();
                if let Some(s) = self.np_starting_at(j + 1) {
                    return Some((s, cue));
                }
            }
        }
        // Subject first: find the cue within a few tokens.
        let start = j;
        let mut k = j;
        while k < self.toks.len() && k - start < 34 {
            match self.toks[k].kind {
                Kind::Word => {
                    if let Some(info) = self.cue_in_frame(k) {
                        if info.participle && k == start {
                            break;
                        }
                        let progressive = self.word(k - 1).is_some_and(|w| matches!(lower(w).as_ref(), "is" | "are" | "was" | "were" | "been" | "be" | "am"));
                        if info.participle && !progressive {
                            k += 1;
                            continue;
                        }
                        let cue_end = self.cue_phrase_end(k);
                        if period_end {
                            // A sentence-final quotation: the frame must end
                            // soon after the cue (`“….” Smith said in a
                            // statement.`), not start a new report (`Smith
                            // said Wednesday she …`).
                            let ok = match self.toks.get(cue_end).map(|t| t.kind) {
                                None | Some(Kind::Newline | Kind::Quote(_)) => true,
                                Some(Kind::Punct(c)) => matches!(c, '.' | ',' | ';' | ':' | '—' | '(' | '['),
                                Some(Kind::Word) => {
                                    let w = lower(self.word(cue_end).unwrap_or(""));
                                    is_time_word(&w)
                                        || (w.len() > 4 && w.ends_with("ly"))
                                        || matches!(
                                            w.as_ref(),
                                            "in" | "on" | "at" | "to" | "of" | "during" | "after" | "before" | "when" | "while"
                                                | "as" | "last" | "earlier" | "later" | "recently" | "then" | "again" | "also"
                                                | "reporters" | "him" | "her" | "them" | "me" | "us" | "via" | "from" | "with"
                                                | "about" | "back" | "afterward" | "shortly" | "flatly" | "simply" | "through"
                                        )
                                }
                            };
                            if !ok {
                                return None;
                            }
                        }
                        let s = self.subject_before(k, start)?;
                        let s_start = self.sources[s].range.start;
                        let first_start = self.toks[start].range.start;
                        // The subject must begin the frame.
                        // Only role words or titles may stand before the
                        // name (`spokesman Stuart Roy`, `US Senator Jeff …`).
                        let subject_tok = (start..k).find(|&x| self.toks[x].range.start >= s_start).unwrap_or(k);
                        let after_comma = subject_tok > start && self.punct(subject_tok - 1) == Some(',') && !period_end;
                        let begins = s_start <= first_start
                            || after_comma
                            || (start..k).take_while(|&x| self.toks[x].range.start < s_start).all(|x| {
                                self.word(x).is_some_and(|w| {
                                    let l = lower(w);
                                    !STOP_NOMINAL.contains(&l.as_ref()) && !FUNCTION_WORDS.contains(&l.as_ref()) && pronoun_of(w).is_none() && !DETERMINERS.contains(&l.as_ref())
                                })
                            }) && (start..k).take_while(|&x| self.toks[x].range.start < s_start).count() <= 5;
                        // `“….” He added, “…”`: that frame leads the next quotation.
                        let leads_next = content.ends_with(['.', '?', '!'])
                            && matches!(self.punct(cue_end), Some(',' | ':'))
                            && self.is_quote(cue_end + 1);
                        if !begins || leads_next {
                            self.sources.truncate(s);
                            return None;
                        }
                        let cue = self.toks[k].range.start..self.toks[cue_end - 1].range.end;
                        // `“…,” the judge said, according to the Post.`
                        if let Some(outer) = self.according_after(k) {
                            return Some(outer);
                        }
                        return Some((s, cue));
                    }
                }
                Kind::Punct(',') => {}
                Kind::Punct('(') => {
                    // `Rep. Ann Lee (D-Md.) said`: step over the parenthetical.
                    match (k + 1..self.toks.len().min(k + 10)).find(|&x| self.punct(x) == Some(')')) {
                        Some(close) => k = close,
                        None => break,
                    }
                }
                _ => break,
            }
            k += 1;
        }
        None
    }

    /// End (exclusive token index) of a cue starting at `k`: `said` or
    /// `went on to say`, `put it`, `shot back`, `pointed out`.
    fn cue_phrase_end(&self, k: usize) -> usize {
        let next = self.word(k + 1).map(lower);
        match next.as_deref() {
            Some("back" | "out" | "it") => k + 2,
            _ => k + 1,
        }
    }

    /// Patterns 2–4 for the quotation at token `t`.
    fn attribute(&mut self, t: usize, q: &RawQuote) -> Option<(usize, Range<usize>)> {
        let sent = self.sent[t];
        let floor_tok = {
            let mut f = t;
            while f > 0 && self.sent[f - 1] == sent && t - f < WINDOW {
                f -= 1;
            }
            f
        };
        // A cue right before the quotation (`Brafman said, “…”`, `he
        // replied: “…”`) wins over a frame after it.
        let mut lead = t;
        while lead > floor_tok && matches!(self.punct(lead - 1), Some(',' | ':')) {
            lead -= 1;
        }
        if lead == t && lead > floor_tok + 1 && self.word(lead - 1) == Some("that") {
            lead -= 1;
        }
        if lead > floor_tok && lead < t {
            if let Some(found) = self.leading_cue(lead - 1, t, floor_tok) {
                return Some(self.outermost(found, floor_tok));
            }
        }
        // `McCaskill scolded him: “…”`: a colon lead-in; search its clause.
        if t > floor_tok && self.punct(t - 1) == Some(':') {
            let mut k = t - 1;
            while k > floor_tok && t - k < 6 {
                k -= 1;
                if let Some(found) = self.leading_cue(k, t, floor_tok) {
                    return Some(self.outermost(found, floor_tok));
                }
            }
        }
        if let Some(found) = self.trailing_frame(t, q) {
            return Some(found);
        }
        // Pattern 2: leading cue in the same sentence.
        let mut k = t;
        let mut steps = 0;
        while k > floor_tok && steps < WINDOW {
            k -= 1;
            steps += 1;
            if let Some(found) = self.leading_cue(k, t, floor_tok) {
                return Some(self.outermost(found, floor_tok));
            }
        }
        // Pattern 4: `Smith: “…”`, the name opening the sentence.
        if t >= 2 && self.punct(t - 1) == Some(':') {
            if let Some(s) = self.np_ending_at(t - 2, floor_tok) {
                let start = self.sources[s].range.start;
                let before: Vec<usize> = (floor_tok..t).take_while(|&x| self.toks[x].range.end <= start).collect();
                let begins = before.len() <= 6 && before.iter().all(|&x| self.word(x).is_some_and(|w| self.cue_at(x).is_none() && pronoun_of(w).is_none()));
                if begins && !matches!(self.sources[s].kind, SourceKind::Nominal { .. }) {
                    let cue = self.toks[t - 1].range.clone();
                    return Some((s, cue));
                }
                self.sources.truncate(s);
            }
        }
        // Pattern 3: a cue later in the same sentence, after other quotes.
        if let Some(found) = self.later_cue(t, sent) {
            return Some(found);
        }
        // Pattern 6 (PolNeAR's broad attributions): the sentence's subject
        // did something with the quotation (`Sanders used this question to
        // demand wealthy Americans “pay their fair share”`).
        if floor_tok < t {
            if let Some(s) = self.sentence_subject(floor_tok, t) {
                if self.content_words(q) < 3 {
                    self.sources.truncate(s);
                    return None;
                }
                let end = self.sources[s].range.end;
                let verb = (floor_tok..t).find(|&x| self.toks[x].range.start >= end && self.word(x).is_some());
                if let Some(v) = verb.filter(|&v| self.word(v).is_some_and(|w| !is_cap(w))) {
                    return Some((s, self.toks[v].range.clone()));
                }
                self.sources.truncate(s);
            }
        }
        None
    }

    fn later_cue(&mut self, t: usize, sent: u32) -> Option<(usize, Range<usize>)> {
        let mut k = t + 1;
        let mut seen_quote = false;
        while k < self.toks.len() && self.sent[k] == sent && k - t < WINDOW {
            if self.is_quote(k) {
                seen_quote = true;
            } else if seen_quote || self.punct(k.wrapping_sub(1)) == Some(',') {
                if let Some(info) = self.cue_at(k) {
                    if info.inverting && (seen_quote || !info.participle) {
                        let cue = self.toks[k].range.clone();
                        if let Some(s) = self.np_starting_at(k + 1) {
                            return Some((s, cue));
                        }
                    }
                    return None;
                }
            }
            k += 1;
        }
        None
    }

    /// `…, according to The New York Times.` after the quotation in the
    /// same sentence: the outer source.
    fn according_after(&mut self, t: usize) -> Option<(usize, Range<usize>)> {
        let sent = self.sent[t];
        let mut k = t + 1;
        while k + 1 < self.toks.len() && self.sent[k] == sent && k - t < WINDOW {
            if self.is_quote(k) {
                return None;
            }
            if self.word(k).is_some_and(|w| w.eq_ignore_ascii_case("according")) && self.word(k + 1) == Some("to") {
                let cue = self.toks[k].range.start..self.toks[k + 1].range.end;
                if let Some(s) = self.np_starting_at(k + 2) {
                    return Some((s, cue));
                }
                // `according to excerpts of his speech released by …`
                let mut e = k + 2;
                while e < self.toks.len() && e - k < 10 && self.word(e).is_some() {
                    e += 1;
                }
                if e > k + 2 {
                    let head = lower(self.word(k + 2)?).into_owned();
                    let r = self.toks[k + 2].range.start..self.toks[e - 1].range.end;
                    let s = self.push_source(r, SourceKind::Nominal { key: head, definite: false, owner: None }, None);
                    return Some((s, cue));
                }
                return None;
            }
            k += 1;
        }
        None
    }

    /// Nested reported speech (`Bob said he began calling … “…”`): PolNeAR
    /// attributes the quotation to the outermost source of the sentence.
    /// Walk back from the found source to an earlier cue of the same
    /// sentence, stopping at a coordinated clause (`, and`, `;`).
    fn outermost(&mut self, found: (usize, Range<usize>), floor: usize) -> (usize, Range<usize>) {
        // `… to what it called “…”`, `tweets in which he called …`: a
        // pronoun inside a relative clause; the clause's owner is the
        // sentence's subject.
        if matches!(self.sources[found.0].kind, SourceKind::Pronoun(..)) {
            let start = self.sources[found.0].range.start;
            let pt = Some(floor + self.toks[floor..].partition_point(|x| x.range.start < start)).filter(|&p| p < self.toks.len());
            if let Some(pt) = pt.filter(|&pt| pt > floor) {
                if self.word(pt - 1).is_some_and(|w| matches!(lower(w).as_ref(), "what" | "which" | "whom")) {
                    if let Some(s) = self.sentence_subject(floor, pt - 1) {
                        if self.sources[s].range.start < start {
                            return (s, found.1);
                        }
                        self.sources.truncate(s);
                    }
                }
            }
        }
        // Tokens are sorted: binary search keeps this O(log n) per quotation.
        let qt = self.toks.partition_point(|x| x.range.start < found.1.end);
        let after = (qt..self.toks.len()).find(|&x| self.is_quote(x));
        if let Some(f) = after.and_then(|t| self.according_after(t)) {
            return f;
        }
        let mut best = found;
        for _ in 0..3 {
            let start = self.sources[best.0].range.start;
            let mut k = floor + self.toks[floor..].partition_point(|x| x.range.start < start);
            if k >= self.toks.len() {
                break;
            }
            // `After Beck asked …, D’Souza replied`: a clause before a comma
            // is not the frame of this one.
            if k > floor && self.punct(k - 1) == Some(',') {
                break;
            }
            let mut next = None;
            while k > floor {
                k -= 1;
                if matches!(self.punct(k), Some(';')) {
                    break;
                }
                if self.word(k).is_some_and(|w| matches!(w, "and" | "but")) && self.punct(k.wrapping_sub(1)) == Some(',') {
                    break;
                }
                if let Some(info) = self.cue_at(k) {
                    if info.participle || info.weak {
                        continue;
                    }
                    if let Some(s) = self.subject_before(k, floor) {
                        next = Some((s, self.toks[k].range.clone()));
                    }
                    break;
                }
            }
            match next {
                Some(n) => best = n,
                None => break,
            }
        }
        best
    }

    /// Is token `k` a cue that governs the quotation at token `t` (same
    /// sentence, before it)? Returns the source and cue.
    fn leading_cue(&mut self, k: usize, t: usize, floor: usize) -> Option<(usize, Range<usize>)> {
        let w = self.word(k)?;
        // `according to X, “…”` (no other character lower-cases to ASCII
        // but the Kelvin sign, and `according` has no `k`).
        if w.eq_ignore_ascii_case("according") && self.word(k + 1).is_some_and(|w| w == "to") {
            let cue = self.toks[k].range.start..self.toks[k + 1].range.end;
            let s = self.np_starting_at(k + 2)?;
            return Some((s, cue));
        }
        if let Some(phrase) = self.lex.cue_phrases.iter().find(|p| {
            p.iter().enumerate().all(|(o, pw)| self.word(k + o).is_some_and(|w| lower(w) == pw.as_str()))
        }) {
            let len = phrase.len();
            let cue = self.toks[k].range.start..self.toks[k + len - 1].range.end;
            let s = self.subject_before(k, floor)?;
            return Some((s, cue));
        }
        let info = self.cue_at(k)?;
        // A weak cue governs only a quotation close after it.
        if info.weak && t - k > 8 {
            return None;
        }
        // `said` used as an adjective (`the said document`) or noun forms.
        if k > 0 && self.word(k - 1).is_some_and(|w| matches!(lower(w).as_ref(), "the" | "a" | "an" | "to")) {
            return None;
        }
        let cue_end = self.cue_phrase_end(k);
        let cue = self.toks[k].range.start..self.toks[cue_end - 1].range.end;
        let progressive = k > floor && self.word(k - 1).is_some_and(|w| matches!(lower(w).as_ref(), "is" | "are" | "was" | "were" | "been" | "be" | "am" | "’s" | "'s"));
        if info.participle && !progressive && k > floor && self.punct(k - 1) != Some(',') && self.word(k - 1).is_some() {
            // `footage of Trump saying “…”`: the phrase right before.
            if let Some(s) = self.np_ending_at(k - 1, floor) {
                let person = match &self.sources[s].kind {
                    SourceKind::Name(n) => !self.names[*n].org,
                    SourceKind::Pronoun(..) => true,
                    SourceKind::Nominal { .. } => false,
                };
                let start = self.sources[s].range.start;
                let before = self.toks[floor..k].iter().rposition(|x| x.range.end <= start).map(|i| i + floor);
                let object = before.and_then(|b| self.word(b)).is_some_and(|w| matches!(w, "on" | "in" | "at" | "to" | "from" | "with" | "without" | "by"));
                if person && !object {
                    return Some((s, cue));
                }
                self.sources.truncate(s);
            }
        }
        if info.participle && !progressive {
            // `…, saying “…”`: the subject of the clause. Look for the
            // previous cue's subject, else the sentence's first phrase.
            let mut p = k;
            while p > floor {
                p -= 1;
                if let Some(pi) = self.cue_at(p) {
                    if !pi.participle {
                        if let Some(s) = self.subject_before(p, floor) {
                            return Some((s, cue));
                        }
                        break;
                    }
                }
            }
            return self.sentence_subject(floor, k).map(|s| (s, cue));
        }
        if let Some(s) = self.subject_before(k, floor) {
            return Some((s, cue));
        }
        // `… and said he fears “…”`: the subject of the earlier cue.
        if k > floor && self.word(k - 1).is_some_and(|w| matches!(lower(w).as_ref(), "and" | "but")) {
            let mut p = k - 1;
            while p > floor {
                p -= 1;
                if self.cue_at(p).is_some() {
                    if let Some(s) = self.subject_before(p, floor) {
                        return Some((s, cue));
                    }
                    break;
                }
            }
            if let Some(s) = self.sentence_subject(floor, k) {
                return Some((s, cue));
            }
        }
        // Inverted with the quotation right after: `said Trump: “…”`,
        // `Says Kremlin` in a headline.
        let no_subject_slot = k == floor || self.is_quote(k - 1) || self.punct(k - 1) == Some(',') || self.title_case;
        if info.inverting && no_subject_slot && self.word(k + 1).is_some_and(|w| pronoun_of(w).is_none()) {
            if let Some(s) = self.np_starting_at(k + 1) {
                let end = self.sources[s].range.end;
                let mut after = k + 1;
                while after < self.toks.len() && self.toks[after].range.start < end {
                    after += 1;
                }
                if matches!(self.punct(after), Some(',' | ':')) {
                    after += 1;
                }
                if after == t || (self.title_case && end <= self.toks[t].range.start) {
                    return Some((s, cue));
                }
                self.sources.truncate(s);
            }
        }
        None
    }

    /// The first noun phrase of the sentence that starts at token `floor`
    /// (skipping an opening adverbial up to its comma).
    fn sentence_subject(&mut self, floor: usize, limit: usize) -> Option<usize> {
        let mut a = floor;
        if let Some(w) = self.word(a) {
            let lw = lower(w);
            if STOP_NOMINAL.contains(&lw.as_ref())
                || matches!(
                    lw.as_ref(),
                    "during" | "despite" | "after" | "before" | "since" | "asked" | "outside" | "inside" | "later" | "earlier"
                        | "meanwhile" | "still" | "however" | "instead" | "now" | "then" | "yet" | "also" | "speaking"
                        | "writing" | "according" | "while" | "although" | "though" | "because" | "given" | "once"
                        | "until" | "unless" | "whereas" | "frustrated" | "pressed" | "based" | "hours" | "days"
                        | "minutes" | "weeks" | "months" | "years" | "moments" | "shortly" | "soon"
                )
                || (lw.ends_with("ing") && is_cap(w))
                || lw.ends_with("ly")
            {
                while a < limit && self.punct(a) != Some(',') {
                    a += 1;
                }
                a += 1;
            }
        }
        // A dateline (`WASHINGTON, Dec. 8 (UPI) — …`) is not the subject.
        if self.word(a).is_some_and(|w| w.len() > 2 && w.chars().all(|c| !c.is_lowercase())) {
            if let Some(d) = (a..limit.min(a + 12)).find(|&x| matches!(self.punct(x), Some('—' | '–' | '-' | '―'))) {
                a = d + 1;
            }
        }
        if a >= limit {
            return None;
        }
        // Read forward to the first verb-like position: take the longest
        // run that np_ending_at accepts, ending before a lower-case word.
        let mut e = a;
        while e + 1 < limit && self.word(e + 1).is_some() && (self.name_word(e + 1) || self.word(e).is_some_and(|w| DETERMINERS.contains(&lower(w).as_ref()))) {
            e += 1;
        }
        // `Former Republican presidential candidate Jeb Bush`: a run of
        // modifiers, then role words, then the name.
        if self.word(e).is_some_and(|w| is_modifier_word(w) || self.lex.is_title(w)) {
            let mut x = e + 1;
            while x < limit && x - e <= 3 && self.word(x).is_some_and(|w| !is_cap(w) && self.lex.cue(&lower(w)).is_none() && !STOP_NOMINAL.contains(&lower(w).as_ref())) {
                x += 1;
            }
            if x > e + 1 && x < limit && (self.name_word(x) || self.title_at(x)) {
                let mut y = x;
                while y + 1 < limit && (self.name_word(y + 1) || self.title_at(y + 1)) {
                    y += 1;
                }
                e = y;
            }
        }
        self.np_ending_at(e, a)
    }

    /// A cue sentence with a source and no quotation between tokens `a` and
    /// `b` (exclusive): `Trump said he would win.` before `“We will.”`.
    fn context_between(&mut self, a: usize, b: usize) -> Option<(usize, Option<Range<usize>>, u32)> {
        let mut found = None;
        let lo = b.saturating_sub(WINDOW * 2).max(a);
        for k in lo..b {
            let Some(info) = self.cue_at(k) else { continue };
            let ends_sentence = matches!(self.punct(k + 1), Some('.' | ':'));
            if (info.weak && !ends_sentence) || info.participle {
                continue;
            }
            if k > 0 && self.word(k - 1).is_some_and(|w| matches!(lower(w).as_ref(), "the" | "a" | "an" | "to")) {
                continue;
            }
            let floor = {
                let mut f = k;
                while f > lo && self.sent[f - 1] == self.sent[k] {
                    f -= 1;
                }
                f
            };
            if let Some(s) = self.subject_before(k, floor) {
                found = Some((s, Some(self.toks[k].range.clone()), self.sent[k]));
            }
        }
        found
    }

    /// Does the sentence of the token `t` hold a reporting verb outside
    /// quotations (within the search window)?
    fn cue_in_sentence(&self, t: usize) -> bool {
        let sent = self.sent[t];
        let lo = t.saturating_sub(WINDOW);
        let hi = (t + WINDOW).min(self.toks.len());
        (lo..hi).any(|k| self.sent[k] == sent && self.cue_at(k).is_some_and(|c| !c.weak))
    }

    /// Is the quotation at `t` a whole sentence (direct) rather than a
    /// phrase inside one (partial)?
    fn quote_is_sentence(&self, t: usize, q: &RawQuote) -> bool {
        let c = self.text[q.content.clone()].trim_start();
        let starts_cap = c.chars().next().is_some_and(|ch| ch.is_uppercase());
        let prev_ok = t == 0
            || matches!(self.toks[t - 1].kind, Kind::Punct(',' | ':' | '.' | '—' | '–' | '-') | Kind::Newline | Kind::Quote(_));
        starts_cap && prev_ok
    }

    /// A paragraph ending in a lead-in colon (`Cruz continued:`, `In the
    /// text, Wallnau wrote:`): its source speaks in the next paragraph.
    fn colon_context(&mut self) -> Option<(usize, Option<Range<usize>>)> {
        let n = self.toks.len();
        if n < 2 || self.punct(n - 1) != Some(':') {
            return None;
        }
        let sent = self.sent[n - 1];
        let mut floor = n - 1;
        while floor > 0 && self.sent[floor - 1] == sent && n - floor < WINDOW {
            floor -= 1;
        }
        let mut k = n - 1;
        while k > floor {
            k -= 1;
            if self.is_quote(k) {
                return None;
            }
            let Some(info) = self.cue_at(k) else { continue };
            if info.weak && n - 1 - k > 4 {
                continue;
            }
            let cue = self.toks[k].range.clone();
            if info.participle {
                if let Some(s) = self.sentence_subject(floor, k) {
                    return Some((s, Some(cue)));
                }
                continue;
            }
            if let Some(s) = self.subject_before(k, floor) {
                return Some((s, Some(cue)));
            }
            if info.inverting {
                if let Some(s) = self.np_starting_at(k + 1) {
                    return Some((s, Some(cue)));
                }
            }
        }
        None
    }

    /// `— Jane Roe` / `-President Obama, tweeting` at the paragraph start.
    fn dash_lead(&mut self) -> Option<(usize, Range<usize>)> {
        if !matches!(self.punct(0), Some('—' | '–' | '-' | '―')) {
            return None;
        }
        let cue = self.toks[0].range.clone();
        let s = self.np_starting_at(1)?;
        Some((s, cue))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speakers(text: &str) -> Vec<(String, Option<String>)> {
        let lex = Lexicon::default();
        let p = analyze_paragraph(text, &lex);
        p.quotes
            .iter()
            .map(|q| {
                (
                    text[q.raw.range.clone()].to_string(),
                    q.attribution.as_ref().map(|a| text[p.sources[a.source].range.clone()].to_string()),
                )
            })
            .collect()
    }

    fn s(a: &str, b: Option<&str>) -> (String, Option<String>) {
        (a.to_string(), b.map(str::to_string))
    }

    /// Results lent by [`with_analysis`] (this thread's vectors and
    /// scratch buffers, reused from paragraph to paragraph) equal fresh
    /// ones, whatever was analysed before.
    #[test]
    fn reused_buffers_change_nothing() {
        let lex = Lexicon::default();
        let paras = [
            "“It floods,” said Dan O'Connor, a ferry operator. “We left,” he added, “and ‘never’ came back.”",
            "Nothing here.",
            "The Kremlin statement said the two “agreed.” Former UN Ambassador John Bolton wrote: “No.” It ended.” Then",
            "",
            "“Open at the end,\n“and again, said Mr. Smith of the Sierra Club, according to the report.",
            "Putin, Trump Discuss 'Active' Partnership Based on 'Non-Interference,' Says Kremlin",
        ];
        let fresh: Vec<ParaAnalysis> = paras.iter().map(|p| analyze_paragraph(p, &lex)).collect();
        for order in [[0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0], [2, 2, 0, 0, 4, 1]] {
            for i in order {
                assert_eq!(with_analysis(paras[i], &lex, Clone::clone), fresh[i], "{:?}", paras[i]);
            }
        }
    }

    #[test]
    fn words_are_counted_like_split_whitespace() {
        for s in ["", " ", "a", " a ", "a b", "a  b c d", "\u{b}a\u{c}b\u{1c}c", "a\u{a0}b\u{2009}c", "x\u{1}y z", "“Oui,” dit-il  ", "中 文"] {
            for max in 0..5 {
                assert_eq!(words_up_to(s, max), s.split_whitespace().take(max).count(), "{s:?} {max}");
            }
        }
    }

    #[test]
    fn pronouns_with_and_without_contractions() {
        let plain = |w: &str| {
            let base = w.split(['\'', '’']).next().unwrap_or(w);
            let l = base.to_lowercase();
            matches!(l.as_str(), "he" | "she" | "they" | "it" | "i" | "we" | "who" | "which")
                .then(|| (super::super::lexicon::pronoun_class(&l), base.len()))
                .and_then(|(c, n)| Some((c?, n)))
        };
        for w in [
            "he", "He", "HE", "he's", "she’d", "They'll", "WHICH", "which’s", "whichx", "whichever", "it", "It's", "I", "i’m",
            "we", "We’ve", "who", "Who'd", "hes", "h'e", "’he", "'", "", "Kelvin", "\u{212a}", "İt", "them", "sheriff's", "theyyy'",
        ] {
            assert_eq!(pronoun_of(w), plain(w), "{w:?}");
        }
    }

    #[test]
    fn title_phrases_have_two_to_eight_words() {
        assert!(is_title_phrase("Meet the Press"));
        assert!(is_title_phrase("Crippled America: How to Make America Great Again,"));
        assert!(is_title_phrase("One Two Three Four Five Six Seven Eight"));
        assert!(!is_title_phrase("One Two Three Four Five Six Seven Eight Nine"));
        assert!(!is_title_phrase("One Two Three Four Five Six Seven Eight Nine Ten and more words after them"));
        assert!(!is_title_phrase("Meet"));
        assert!(!is_title_phrase("  "));
        assert!(!is_title_phrase("Meet the press"));
        assert!(!is_title_phrase("Stop It Now!"));
    }

    #[test]
    fn connectors_are_short() {
        assert!(CONNECTORS.iter().all(|c| c.len() <= 3));
    }

    /// The facts of an ASCII word by the short path equal the general ones.
    fn check_ascii_facts(lex: &Lexicon, w: &str) {
        let f = Facts::of(w, lex);
        assert_eq!(Facts::of_word(w, true, lex), f, "{w}");
        assert_eq!(Facts::of_word(w, false, lex), f, "{w}");
    }

    #[test]
    fn ascii_facts_agree_with_the_general_path() {
        let lex = Lexicon::default();
        let mut words: Vec<String> = vec![];
        for l in super::super::lexicon::CUE_VERB_LEMMAS {
            words.extend([l.0, l.1, l.2, l.3, l.4].map(str::to_string));
        }
        words.extend(super::super::lexicon::TITLES.iter().map(|t| t.to_string()));
        words.extend(["The", "May", "Said", "Asked", "Jan.", "Mr", "Thanks", "Kremlin", "s", "'s", "x's", "A", "I", "remarks", "Trump", "O'Connor"].map(str::to_string));
        for w in words.clone() {
            words.extend([w.to_ascii_lowercase(), w.to_ascii_uppercase(), format!("{w}'s"), format!("{w}'S"), format!("{w}s")]);
            let mut c = w.to_ascii_lowercase();
            c[..1].make_ascii_uppercase();
            words.push(c);
        }
        for w in &words {
            check_ascii_facts(&lex, w);
        }
    }

    proptest::proptest! {
        #[test]
        fn ascii_facts_agree_on_random_words(w in "[a-zA-Z'.&-]{1,12}") {
            check_ascii_facts(&Lexicon::default(), &w);
        }
    }

    #[test]
    fn trailing_frames() {
        assert_eq!(speakers("“We are done,” Bolton wrote."), vec![s("“We are done,”", Some("Bolton"))]);
        assert_eq!(
            speakers("“It floods,” said Dan O'Connor, a ferry operator."),
            vec![s("“It floods,”", Some("Dan O'Connor"))]
        );
        assert_eq!(
            speakers("“Fine,” the Kremlin statement continued."),
            vec![s("“Fine,”", Some("the Kremlin statement"))]
        );
        assert_eq!(speakers("“Part one,” she said, “part two.”"), vec![s("“Part one,”", Some("she")), s("“part two.”", Some("she"))]);
    }

    #[test]
    fn leading_cues() {
        assert_eq!(
            speakers("The Kremlin said they spoke about “non-interference.”"),
            vec![s("“non-interference.”", Some("The Kremlin"))]
        );
        assert_eq!(speakers("In a statement, the company wrote: “We regret it.”"), vec![s("“We regret it.”", Some("the company"))]);
        assert_eq!(speakers("According to Mayor Ann Lee, “it is over.”"), vec![s("“it is over.”", Some("Ann Lee"))]);
        assert_eq!(speakers("He replied: “No.”"), vec![s("“No.”", Some("He"))]);
    }
}
