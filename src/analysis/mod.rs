//! The pure analysis core: `&str` in, plain data with byte ranges out.
//!
//! Every position in this module is a **UTF-8 byte offset into the whole
//! document**, 32-bit ([`Offset`], as rust-analyzer's `TextSize`), and every
//! range is half-open (`start..end`). Ranges always lie on `char` boundaries
//! and inside the text. Indices into the analysis' lists ([`QuoteId`],
//! [`MentionId`], [`EntityId`]) are 32-bit too. A text of [`MAX_LEN`] bytes
//! (4 GiB − 1) or more is not analysed: its analysis is empty apart from
//! one `text-too-long` finding ([`too_long`]). Nothing here does I/O, knows
//! about LSP, or can fail: odd text produces findings, never an error or a
//! panic (see `../shared/DESIGN.md`, rule 1).
//!
//! Vocabulary follows PARC / PolNeAR (Newell, Margolin & Ruths, LREC 2018):
//! an *attribution* ties a quotation's *content* to its *source* (speaker)
//! through a *cue* (reporting verb or phrase).
//!
//! Entry points:
//! - [`analyze`] / [`analyze_with`] for a one-shot analysis;
//! - [`Document`] for incremental reanalysis after edits;
//! - [`DocumentState`] for the same over a text the caller keeps (a
//!   [`TextSource`]; the language server's rope).

use std::ops::Range;

mod cache;
mod document;
mod lexicon;
mod marks;
mod paragraph;
mod pass;
pub mod rules;
mod source;
mod tokens;

pub use document::{Document, DocumentState};
pub use lexicon::{Lexicon, CUE_VERB_LEMMAS};
pub use rules::{Rule, RuleInput, RULES};
pub use source::{Sweep, TextSource};

/// A byte offset into the document's text, 32-bit (as rust-analyzer's
/// `TextSize`): texts up to 4 GiB − 1 (shorter than [`MAX_LEN`]) are
/// analysed. Index the text with `offset as usize` (lossless on 32- and
/// 64-bit targets).
pub type Offset = u32;
/// Index into [`Analysis::quotes`] (32-bit: there are fewer quotations
/// than bytes of text).
pub type QuoteId = u32;
/// Index into [`Analysis::entities`] (32-bit, as [`QuoteId`]).
pub type EntityId = u32;
/// Index into [`Analysis::mentions`] (32-bit, as [`QuoteId`]).
pub type MentionId = u32;

/// Texts this long or longer (bytes: `u32::MAX`, 4 GiB − 1) are not
/// analysed, since their offsets would not all fit in an [`Offset`]: the
/// analysis is empty (no quotations, mentions, entities or paragraphs) but
/// for one finding, `text-too-long` (an error at `0..0`). The same bound
/// keeps a paragraph out of the per-paragraph cache (`cache.rs`).
pub const MAX_LEN: usize = u32::MAX as usize;

/// Code of the one finding of a text of [`MAX_LEN`] bytes or more.
pub const TEXT_TOO_LONG: &str = "text-too-long";

/// Is a text of `len` bytes too long to analyse (`len >= MAX_LEN`)?
pub fn too_long(len: usize) -> bool {
    len >= MAX_LEN
}

/// The analysis of a text of `len` bytes that is [`too_long`]: no
/// quotations, mentions, entities or paragraphs, and one `text-too-long`
/// finding (an error at `0..0`) that says so.
pub fn too_long_analysis(len: usize) -> Analysis {
    Analysis {
        findings: vec![Finding {
            range: 0..0,
            severity: Severity::Error,
            code: TEXT_TOO_LONG,
            message: format!(
                "this text is too long to analyse ({len} bytes): Sayso analyses texts shorter than {MAX_LEN} bytes (4 GiB − 1)"
            ),
            quote: None,
        }],
        ..Analysis::default()
    }
}

/// `x`, a byte offset into a text being analysed, as an [`Offset`].
///
/// Lossless: the core analyses only texts shorter than [`MAX_LEN`]
/// (`Document` checks the length first and gives longer texts
/// [`too_long_analysis`]), so every offset into them fits in 32 bits. A
/// plain cast (checked in debug builds): this runs for every quotation,
/// mention and paragraph, and a saturating conversion cost 0.2 % of the
/// instructions of a full analysis.
#[inline]
pub(crate) fn offset(x: usize) -> Offset {
    debug_assert!(x <= MAX_LEN, "offset {x} past MAX_LEN");
    x as Offset
}

/// `x` as a 32-bit id ([`QuoteId`], [`MentionId`], [`EntityId`]): a
/// text shorter than [`MAX_LEN`] has fewer of each than bytes, so every
/// id fits; anything larger (never made) becomes `u32::MAX` rather than
/// wrapping.
#[inline]
pub(crate) fn to_id(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

/// `r` with [`offset`]s.
#[inline]
pub(crate) fn offsets(r: Range<usize>) -> Range<Offset> {
    offset(r.start)..offset(r.end)
}

/// `r` as byte indices into the text (`usize`), to slice it with.
#[inline]
pub fn span(r: &Range<Offset>) -> Range<usize> {
    r.start as usize..r.end as usize
}

/// Options of one analysis: extra words on top of the built-in lexicons.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Extra reporting verbs or phrases (any tense the user lists, e.g.
    /// `"opined"`, or a phrase `"went on to say"`), matched case-insensitively.
    pub extra_cues: Vec<String>,
    /// Extra honorifics and titles that may stand before a name (e.g.
    /// `"Councillor"`, `"Imam"`), matched case-sensitively as written.
    pub extra_titles: Vec<String>,
}

/// The result of analysing one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analysis {
    /// Every quotation in document order (by `range.start`). A quotation that
    /// runs over several paragraphs (news convention) is one entry per
    /// paragraph piece, linked through [`Quote::continues`].
    pub quotes: Vec<Quote>,
    /// Every speaker mention the attributions use or that coreference links,
    /// in document order.
    pub mentions: Vec<Mention>,
    /// The speakers, in order of first mention.
    pub entities: Vec<Entity>,
    /// Findings of the diagnostic rules ([`rules::RULES`]), in document order.
    pub findings: Vec<Finding>,
    /// Byte ranges of the paragraphs (runs of non-blank lines), in order.
    pub paragraphs: Vec<Range<Offset>>,
}

/// The kind of a quotation, by what it quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuoteKind {
    /// Whole sentences in quotation marks.
    Direct,
    /// A phrase quoted inside reported speech (`said he was “ready to talk”`).
    Partial,
    /// One or two quoted words with no speaker: the writer distancing
    /// themself from a word (`a “giveaway”`).
    Scare,
}

/// One quotation: an opening mark, the content, and (usually) a closing mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// Bytes of the quotation including its marks. For an unclosed quotation
    /// it ends where the quotation was given up (the paragraph's end).
    pub range: Range<Offset>,
    /// Bytes of the content, between the marks.
    pub content: Range<Offset>,
    /// The opening mark (`“`, `"`, `‘`, `'`, `«`, `„`, `‚`).
    pub open: char,
    /// The closing mark, `None` when the paragraph ends with the quotation
    /// still open (either a multi-paragraph quotation or an unclosed one).
    pub close: Option<char>,
    /// What is quoted.
    pub kind: QuoteKind,
    /// Who said it, if found.
    pub attribution: Option<Attribution>,
    /// For a piece of a multi-paragraph quotation, the previous piece.
    pub continues: Option<QuoteId>,
    /// Index into [`Analysis::paragraphs`] (32-bit, as [`QuoteId`]).
    pub paragraph: u32,
    /// True for a quotation whose opening mark is never closed (not the
    /// multi-paragraph convention): reported as `unclosed-quote`.
    pub unclosed: bool,
}

/// How an attribution was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    /// A reporting cue next to the quotation names the source directly
    /// (`“…,” Bolton wrote.`, `according to X`, `he replied: “…”`).
    Cue,
    /// The cue's source is a pronoun (`he said`) resolved to an entity.
    Pronoun {
        /// The antecedent mention the pronoun was resolved to.
        antecedent: MentionId,
    },
    /// A later quotation carrying on the speaker of an earlier one (same
    /// paragraph, quote-only paragraph after, or multi-paragraph piece).
    Continuation {
        /// The quotation whose speaker is carried on.
        of: QuoteId,
    },
}

/// The relation quotation → speaker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    /// The speaker.
    pub entity: EntityId,
    /// The mention the attribution uses: for `he said` the pronoun, for a
    /// continuation the earlier quotation's mention.
    pub mention: MentionId,
    /// The reporting cue (`said`, `according to`, `:`), when there is one.
    pub cue: Option<Range<Offset>>,
    /// How it was found.
    pub method: Method,
}

/// What kind of expression a mention is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MentionKind {
    /// A full name, possibly with title (`former UN Ambassador John Bolton`).
    Name,
    /// A surname or other part of a known name (`Bolton`).
    Surname,
    /// Honorific and name (`Mr. Putin`, `Ms Okafor`).
    Honorific,
    /// `he`, `she`, `they`, …
    Pronoun,
    /// A common-noun phrase: an organisation (`the Kremlin`, `the company`)
    /// or an anonymous source (`a source`, `one council aide`).
    Nominal,
}

/// One place in the text that refers to a speaker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Bytes of the mention: the name itself, without the title
    /// (`John Bolton` in `former UN Ambassador John Bolton`).
    pub range: Range<Offset>,
    /// The entity referred to.
    pub entity: EntityId,
    /// What kind of expression it is.
    pub kind: MentionKind,
}

/// What kind of speaker an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityKind {
    /// A named or pronominal person.
    Person,
    /// An organisation, government, publication or document.
    Organization,
    /// An unnamed source (`a source`, `one council aide`, `officials`).
    Anonymous,
}

/// A speaker: all its mentions grouped by coreference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    /// Canonical name: the full name without title (`John Bolton`), or the
    /// nominal phrase (`the Kremlin`).
    pub name: String,
    /// Title or apposition when there is one (`former UN Ambassador`,
    /// `a ferry operator`).
    pub description: Option<String>,
    /// What kind of speaker it is.
    pub kind: EntityKind,
    /// The introduction: the first full-name mention (or first mention when
    /// there is no full name). Go-to-definition lands here.
    pub introduction: MentionId,
    /// Every mention, in document order.
    pub mentions: Vec<MentionId>,
    /// Every quotation attributed to it, in document order.
    pub quotes: Vec<QuoteId>,
}

/// Severity of a finding (mapped to LSP `DiagnosticSeverity` by the server).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    /// Lower-case name as used in JSON output and settings.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }
}

/// One diagnostic of the core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Bytes the finding is about (for quote rules: the quotation's range, or
    /// the lone mark for `unclosed-quote`).
    pub range: Range<Offset>,
    /// Default severity of the rule (settings may change it).
    pub severity: Severity,
    /// Stable rule code: `unattributed-quote`, `unclosed-quote`,
    /// `mismatched-quote`.
    pub code: &'static str,
    /// One line a writer understands.
    pub message: String,
    /// The quotation the finding is about, if any.
    pub quote: Option<QuoteId>,
}

/// Analyse a whole document with the built-in lexicons.
pub fn analyze(text: &str) -> Analysis {
    analyze_with(text, &Options::default())
}

/// Analyse a whole document with extra lexicon entries.
pub fn analyze_with(text: &str, options: &Options) -> Analysis {
    let mut doc = Document::new(text, options.clone());
    let analysis = doc.analysis();
    // Dropping the document leaves the only reference: no copy of the
    // analysis is made.
    drop(doc);
    std::sync::Arc::try_unwrap(analysis).unwrap_or_else(|shared| (*shared).clone())
}

impl Analysis {
    /// The quotation with id `id`, if any.
    pub fn quote(&self, id: QuoteId) -> Option<&Quote> {
        self.quotes.get(id as usize)
    }

    /// The mention with id `id`, if any.
    pub fn mention(&self, id: MentionId) -> Option<&Mention> {
        self.mentions.get(id as usize)
    }

    /// The entity with id `id`, if any.
    pub fn entity(&self, id: EntityId) -> Option<&Entity> {
        self.entities.get(id as usize)
    }

    /// The quotation whose range contains byte `offset` (inclusive of the
    /// end, so a cursor just after the closing mark still hits it).
    pub fn quote_at(&self, offset: Offset) -> Option<QuoteId> {
        let i = self.quotes.partition_point(|q| q.range.end < offset);
        (i..self.quotes.len())
            .take_while(|&i| self.quotes[i].range.start <= offset)
            .filter(|&i| self.quotes[i].range.end >= offset)
            .min_by_key(|&i| self.quotes[i].range.len())
            .map(|i| i as QuoteId)
    }

    /// The mention whose range contains byte `offset` (end inclusive).
    pub fn mention_at(&self, offset: Offset) -> Option<MentionId> {
        let i = self.mentions.partition_point(|m| m.range.end < offset);
        (i..self.mentions.len())
            .take_while(|&i| self.mentions[i].range.start <= offset)
            .find(|&i| self.mentions[i].range.end >= offset)
            .map(|i| i as MentionId)
    }

    /// The speaker entity of a quotation, if attributed.
    pub fn speaker(&self, quote: QuoteId) -> Option<&Entity> {
        let a = self.quote(quote)?.attribution.as_ref()?;
        self.entity(a.entity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::size_of;

    /// The sizes of the public types, so that growth is noticed. With
    /// `usize` offsets and ids they were: `Mention` 32 bytes, `Quote` 128,
    /// `Attribution` 56, `Method` 16, a range 16, `Entity` 112, `Finding` 80
    /// (on a 64-bit target).
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn public_types_are_compact() {
        assert_eq!(size_of::<Mention>(), 16);
        assert_eq!(size_of::<Quote>(), 68);
        assert_eq!(size_of::<Attribution>(), 28);
        assert_eq!(size_of::<Method>(), 8);
        assert_eq!(size_of::<Range<Offset>>(), 8);
        assert_eq!(size_of::<Entity>(), 104);
        assert_eq!(size_of::<Finding>(), 64);
    }

    #[test]
    fn a_text_of_max_len_or_more_is_too_long() {
        assert_eq!(MAX_LEN, 4 * 1024 * 1024 * 1024 - 1);
        assert!(!too_long(0));
        assert!(!too_long(MAX_LEN - 1));
        assert!(too_long(MAX_LEN));
        assert!(too_long(usize::MAX));
        // Every offset into a text shorter than `MAX_LEN` fits.
        assert_eq!(offset(MAX_LEN - 1) as usize, MAX_LEN - 1);
        assert_eq!(offset(MAX_LEN) as usize, MAX_LEN);
        assert_eq!(to_id(MAX_LEN), u32::MAX);
        assert_eq!(to_id(usize::MAX), u32::MAX);
    }

    #[test]
    fn the_analysis_of_a_too_long_text_is_one_finding() {
        let a = too_long_analysis(MAX_LEN);
        assert!(a.quotes.is_empty() && a.mentions.is_empty() && a.entities.is_empty() && a.paragraphs.is_empty());
        assert_eq!(a.findings.len(), 1);
        let f = &a.findings[0];
        assert_eq!((f.range.clone(), f.severity, f.code, f.quote), (0..0, Severity::Error, "text-too-long", None));
        assert_eq!(
            f.message,
            "this text is too long to analyse (4294967295 bytes): Sayso analyses texts shorter than 4294967295 bytes (4 GiB − 1)"
        );
    }
}
