//! The cached per-paragraph results in compact form: one allocation per
//! paragraph ([`Cached`]), read through small views.
//!
//! A document keeps one [`Cached`] for every paragraph until an edit
//! touches it, so these are most of the memory a document holds beyond its
//! text. [`encode`] turns the result of [`analyze_paragraph`] (wide ranges,
//! one vector per kind) plus the coreference keys the document pass looks
//! up (`pass.rs`) into one byte block; the accessors decode the fields they
//! are asked for.
//!
//! Layout (little-endian integers, no padding; offsets are byte offsets
//! relative to the paragraph start, as `u32`):
//! - header, 25 bytes: paragraph length (`u64`), the numbers of names,
//!   sources, quotations and stray closers (`u32` each), flags (`opens_with`,
//!   `quote_only`, which optional parts follow); then the sign-off
//!   (`dash_lead`, 12 bytes) and the trailing context (4 or 12 bytes) when
//!   present;
//! - the fixed-size records: names ([`NAME`] bytes), sources ([`SOURCE`]),
//!   quotations ([`QUOTE`]), stray closers ([`STRAY`]);
//! - the variable part: what only some records have (a name's first-word
//!   and full-name hashes when they differ from its last word's, word
//!   lengths past `u16`, description ranges, key texts), each record
//!   pointing at its own bytes there. A string is a `u32` length and its
//!   UTF-8 bytes.
//!
//! Texts that equal the paragraph's own bytes (a name as written, a
//! description with nothing to collapse) are not stored: the readers take
//! them from the text. `None` ranges and characters are `u32::MAX`.
//!
//! A paragraph of [`MAX_LEN`] bytes or more (4 GiB) is cached with no
//! results (no names, quotations or sources): its offsets would not fit.
//!
//! [`analyze_paragraph`]: super::paragraph::analyze_paragraph

use std::cell::Cell;
use std::ops::Range;

use super::document::{collapse_into, hash_with, is_document_head, key_hasher, lowercase_from, needs_collapse, KeyRef};
use super::lexicon::{Gender, PronounClass};
use super::marks::{Family, RawQuote};
use super::paragraph::{How, LocalAttribution, NameRun, ParaAnalysis, ParaQuote, Source, SourceKind};
use super::QuoteKind;

/// Paragraphs this long or longer (bytes) are cached with no results.
pub(super) const MAX_LEN: usize = u32::MAX as usize;

/// `None` for a `u32` offset, index or character.
const NIL: u32 = u32::MAX;

/// Bytes of the header before its optional parts.
const HEAD: usize = 25;
/// Bytes of one name record.
const NAME: usize = 27;
/// Bytes of one source record.
const SOURCE: usize = 18;
/// Bytes of one quotation record.
const QUOTE: usize = 42;
/// Bytes of one stray closer: offset and character.
const STRAY: usize = 8;

// Header flags (byte 24).
const OPENS_DOUBLE: u8 = 1;
const OPENS_SINGLE: u8 = 2;
const QUOTE_ONLY: u8 = 4;
const DASH_LEAD: u8 = 8;
const TRAILING: u8 = 16;
const TRAILING_CUE: u8 = 32;

// Name flags (byte 25).
const ORG: u8 = 1;
const PERSON: u8 = 2;
const HONORIFIC: u8 = 4;
const WITH_THE: u8 = 8;
const MALE: u8 = 16;
const FEMALE: u8 = 32;
// Name layout flags (byte 26): what the variable part holds.
const N_WIDE: u8 = 1;
const N_FIRST_HASH: u8 = 2;
const N_FULL_HASH: u8 = 4;
const N_DESC: u8 = 8;
const N_FULL_TEXT: u8 = 16;
const N_DESC_TEXT: u8 = 32;
/// The full name is `the ` and the name, as written in the text.
const N_FULL_THE: u8 = 64;

// Source kind (byte 16): kind in bits 0–1, pronoun class in bits 2–4.
const S_NAME: u8 = 0;
const S_PRONOUN: u8 = 1;
const S_NOMINAL: u8 = 2;
const S_DEFINITE: u8 = 32;
const S_DOCUMENT_HEAD: u8 = 64;
// Source layout flags (byte 17).
const S_DESC: u8 = 1;
const S_DESC_TEXT: u8 = 2;
/// The key is [`PRONOUN_KEYS`] at the index in bits 3–7, with no variable
/// part for it.
const S_KNOWN_KEY: u8 = 4;

/// The keys of the pronouns [`super::lexicon::pronoun_class`] knows (a
/// pronoun source is one of them, lower-cased), kept by index.
const PRONOUN_KEYS: [&str; 18] = [
    "pronoun:he", "pronoun:him", "pronoun:his", "pronoun:she", "pronoun:her", "pronoun:hers", "pronoun:they",
    "pronoun:them", "pronoun:their", "pronoun:it", "pronoun:its", "pronoun:i", "pronoun:we", "pronoun:me",
    "pronoun:us", "pronoun:who", "pronoun:which", "pronoun:you",
];

/// [`hash_with`] of each of [`PRONOUN_KEYS`], computed once per process.
fn pronoun_hashes() -> &'static [u64; PRONOUN_KEYS.len()] {
    static HASHES: std::sync::OnceLock<[u64; PRONOUN_KEYS.len()]> = std::sync::OnceLock::new();
    HASHES.get_or_init(|| PRONOUN_KEYS.map(|k| hash_with(key_hasher(), k)))
}

// Quotation flags (byte 24): kind in bits 0–1.
const Q_MISMATCHED: u8 = 4;
const Q_BROKEN: u8 = 8;
const Q_LINE_PIECE: u8 = 16;
const Q_LEADS: u8 = 32;
const Q_CUE_IN_SENTENCE: u8 = 64;
const Q_ATTRIBUTED: u8 = 128;
// Attribution (byte 25): how in bits 0–1.
const A_CUE: u8 = 4;

/// One paragraph's cached results: a byte block of its own (see the
/// module documentation for its layout). A `Box`, not an `Arc`: a block is
/// never shared (an edit moves the blocks it keeps), and the reference
/// counts would cost 16 bytes a paragraph.
#[derive(Debug, Clone, Default)]
pub(super) struct Cached(Box<[u8]>);

/// Name record `i` of a paragraph, read in place: the run (ranges
/// relative to the paragraph start, as in [`NameRun`]) and its coreference
/// key hashes ([`hash_with`] of the full name, with white space collapsed
/// and `the ` before a `the` organisation; of the last word; of the first
/// word).
#[derive(Debug, Clone, Copy)]
pub(super) struct NameView<'a> {
    r: &'a [u8; NAME],
    /// The record's variable part (empty when it has none).
    var: &'a [u8],
}

impl<'a> NameView<'a> {
    #[inline]
    fn layout(&self) -> u8 {
        self.r[26]
    }
    #[inline]
    fn flags(&self) -> u8 {
        self.r[25]
    }
    /// Where the hashes start in `var`.
    #[inline]
    fn hashes_at(&self) -> usize {
        if self.layout() & N_WIDE != 0 {
            8
        } else {
            0
        }
    }
    /// Where the description range starts in `var`.
    #[inline]
    fn desc_at(&self) -> usize {
        let l = self.layout();
        self.hashes_at() + if l & N_FIRST_HASH != 0 { 8 } else { 0 } + if l & N_FULL_HASH != 0 { 8 } else { 0 }
    }
    /// Where the stored strings start in `var`.
    fn strings_at(&self) -> usize {
        self.desc_at() + if self.layout() & N_DESC != 0 { 8 } else { 0 }
    }

    /// The name proper, without titles or possessive `’s`.
    #[inline]
    pub fn range(&self) -> Range<usize> {
        u32_in(self.r, 0) as usize..u32_in(self.r, 4) as usize
    }
    #[inline]
    fn first_len(&self) -> u32 {
        if self.layout() & N_WIDE != 0 {
            u32_at(self.var, 0)
        } else {
            u32::from(u16_in(self.r, 20))
        }
    }
    #[inline]
    fn last_len(&self) -> u32 {
        if self.layout() & N_WIDE != 0 {
            u32_at(self.var, 4)
        } else {
            u32::from(u16_in(self.r, 22))
        }
    }
    /// The last word (surname or org head), without possessive.
    #[inline]
    pub fn last(&self) -> Range<usize> {
        let end = u32_in(self.r, 4);
        end.saturating_sub(self.last_len()) as usize..end as usize
    }
    /// The first word of the name proper.
    #[inline]
    pub fn first(&self) -> Range<usize> {
        let start = u32_in(self.r, 0);
        start as usize..start.saturating_add(self.first_len()) as usize
    }
    /// Hash of the text of [`Self::last`].
    #[inline]
    pub fn last_hash(&self) -> u64 {
        u64_in(self.r, 8)
    }
    /// Hash of the text of [`Self::first`].
    #[inline]
    pub fn first_hash(&self) -> u64 {
        if self.layout() & N_FIRST_HASH != 0 {
            u64_at(self.var, self.hashes_at())
        } else {
            self.last_hash()
        }
    }
    /// Hash of the full name ([`Self::full_text`], or the name's bytes).
    #[inline]
    pub fn full_hash(&self) -> u64 {
        let l = self.layout();
        if l & N_FULL_HASH != 0 {
            u64_at(self.var, self.hashes_at() + if l & N_FIRST_HASH != 0 { 8 } else { 0 })
        } else {
            self.last_hash()
        }
    }
    /// Number of words in the name proper (255 for more).
    #[inline]
    pub fn words(&self) -> u8 {
        self.r[24]
    }
    #[inline]
    pub fn org(&self) -> bool {
        self.flags() & ORG != 0
    }
    #[inline]
    pub fn person(&self) -> bool {
        self.flags() & PERSON != 0
    }
    #[inline]
    pub fn honorific(&self) -> bool {
        self.flags() & HONORIFIC != 0
    }
    /// Preceded by `the` (`the Kremlin`, `the White House`).
    #[inline]
    pub fn with_the(&self) -> bool {
        self.flags() & WITH_THE != 0
    }
    #[inline]
    pub fn gender(&self) -> Gender {
        let f = self.flags();
        if f & MALE != 0 {
            Gender::Male
        } else if f & FEMALE != 0 {
            Gender::Female
        } else {
            Gender::Unknown
        }
    }

    /// Title and modifiers before the name (`former UN Ambassador`).
    #[inline]
    pub fn description_range(&self) -> Option<Range<usize>> {
        if self.layout() & N_DESC == 0 {
            return None;
        }
        let at = self.desc_at();
        Some(u32_at(self.var, at) as usize..u32_at(self.var, at + 4) as usize)
    }

    /// The full name when it differs from the name's bytes (`None`: the
    /// text of [`Self::range`] as written, the usual case); `text` is the
    /// document and `base` the paragraph's start in it.
    #[inline]
    pub fn full_text<'s>(&'s self, text: &'s str, base: usize) -> Option<&'s str>
    where
        'a: 's,
    {
        let l = self.layout();
        if l & N_FULL_THE != 0 {
            // `the ` as written just before the name.
            text.get((base + u32_in(self.r, 0) as usize).saturating_sub(THE.len())..base + u32_in(self.r, 4) as usize)
        } else if l & N_FULL_TEXT != 0 {
            Some(string_at(self.var, self.strings_at()).0)
        } else {
            None
        }
    }

    /// The title or apposition, white space collapsed; `para` is the
    /// paragraph's text.
    #[inline]
    pub fn description<'s>(&'s self, para: &'s str) -> Option<&'s str>
    where
        'a: 's,
    {
        let d = self.description_range()?;
        let l = self.layout();
        if l & N_DESC_TEXT != 0 {
            let at = self.strings_at();
            let at = if l & N_FULL_TEXT != 0 { string_at(self.var, at).1 } else { at };
            Some(string_at(self.var, at).0)
        } else {
            para.get(d)
        }
    }

    /// The run in wide form.
    pub fn run(&self) -> NameRun {
        NameRun {
            range: self.range(),
            description: self.description_range(),
            words: self.words(),
            last_len: self.last_len(),
            first_len: self.first_len(),
            org: self.org(),
            person: self.person(),
            honorific: self.honorific(),
            gender: self.gender(),
            with_the: self.with_the(),
        }
    }
}

const THE: &str = "the ";

/// What a source expression is, without its key texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SourceRef {
    /// Index of the name run.
    Name(usize),
    /// A pronoun; for `who`, the name it hangs on.
    Pronoun(PronounClass, Option<usize>),
    /// A common-noun phrase; `owner` a name inside it; `document_head`: its
    /// head is a document or spokesperson (`statement`), so it speaks for
    /// its owner.
    Nominal { definite: bool, owner: Option<usize>, document_head: bool },
}

/// Source record `i` of a paragraph, read in place (ranges relative to the
/// paragraph start).
#[derive(Debug, Clone, Copy)]
pub(super) struct SourceView<'a> {
    r: &'a [u8; SOURCE],
    /// The record's variable part: description range, key hash, stored
    /// description, key texts (empty when it has none).
    var: &'a [u8],
}

impl<'a> SourceView<'a> {
    #[inline]
    fn layout(&self) -> u8 {
        self.r[17]
    }
    /// Where the key hash starts in `var`.
    fn hash_at(&self) -> usize {
        if self.layout() & S_DESC != 0 {
            8
        } else {
            0
        }
    }
    /// Where the stored description starts in `var`.
    fn strings_at(&self) -> usize {
        let stored_hash = self.r[16] & 3 != S_NAME && self.layout() & S_KNOWN_KEY == 0;
        self.hash_at() + if stored_hash { 8 } else { 0 }
    }
    /// Where the key texts start in `var`.
    fn keys_at(&self) -> usize {
        let at = self.strings_at();
        if self.layout() & S_DESC_TEXT != 0 {
            string_at(self.var, at).1
        } else {
            at
        }
    }

    #[inline]
    pub fn range(&self) -> Range<usize> {
        u32_in(self.r, 0) as usize..u32_in(self.r, 4) as usize
    }

    #[inline]
    pub fn kind(&self) -> SourceRef {
        let (kind, index) = (self.r[16], u32_in(self.r, 8));
        match kind & 3 {
            S_NAME => SourceRef::Name(index as usize),
            S_PRONOUN => {
                let class = PRONOUN_CLASSES.get(usize::from(kind >> 2 & 7)).copied().unwrap_or(PronounClass::Neuter);
                SourceRef::Pronoun(class, index_of(index))
            }
            _ => SourceRef::Nominal {
                definite: kind & S_DEFINITE != 0,
                owner: index_of(index),
                document_head: kind & S_DOCUMENT_HEAD != 0,
            },
        }
    }

    /// Apposition after the source (`, a ferry operator,`).
    pub fn description(&self) -> Option<Range<usize>> {
        (self.layout() & S_DESC != 0).then(|| u32_at(self.var, 0) as usize..u32_at(self.var, 4) as usize)
    }

    /// The lookup key: `pronoun:` and the pronoun lower-cased, or `nominal:`
    /// and the phrase after its first word lower-cased (the head noun for
    /// a one-word phrase). Empty for a name.
    pub fn key(&self) -> KeyRef<'a> {
        let l = self.layout();
        if self.r[16] & 3 == S_NAME {
            return KeyRef { hash: 0, text: "" };
        }
        if l & S_KNOWN_KEY != 0 {
            let k = usize::from(l >> 3);
            let text = PRONOUN_KEYS.get(k).copied().unwrap_or("");
            return KeyRef { hash: pronoun_hashes().get(k).copied().unwrap_or(0), text };
        }
        KeyRef { hash: u64_at(self.var, self.hash_at()), text: string_at(self.var, self.keys_at()).0 }
    }

    /// The entity name an unresolved pronoun or a nominal gets: the
    /// pronoun lower-cased; the phrase (`the ministry statement` cut to
    /// `the ministry`) with a leading `T`, `A` or `O` lower-cased.
    pub fn name(&self) -> &'a str {
        match self.r[16] & 3 {
            S_NAME => "",
            S_PRONOUN => self.key().text.get(PRONOUN.len()..).unwrap_or(""),
            _ => {
                let after_key = string_at(self.var, self.keys_at()).1;
                string_at(self.var, after_key).0
            }
        }
    }

    /// A nominal's head noun, lower-cased (empty for other sources).
    fn head(&self) -> &'a str {
        if self.r[16] & 3 != S_NOMINAL {
            return "";
        }
        let after_name = string_at(self.var, string_at(self.var, self.keys_at()).1).1;
        string_at(self.var, after_name).0
    }

    /// The description as stored (white space collapsed), if it was.
    fn stored_description(&self) -> Option<&'a str> {
        (self.layout() & S_DESC_TEXT != 0).then(|| string_at(self.var, self.strings_at()).0)
    }

    /// The apposition, white space collapsed; `para` is the paragraph's
    /// text.
    pub fn description_text<'s>(&'s self, para: &'s str) -> Option<&'s str>
    where
        'a: 's,
    {
        let d = self.description()?;
        self.stored_description().or_else(|| para.get(d))
    }
}

const PRONOUN: &str = "pronoun:";
const NOMINAL: &str = "nominal:";

// ---------------------------------------------------------------------------
// Reading.

/// `N` bytes at `at`, zeros past the end (never reached for a block made
/// by [`encode`]).
#[inline]
fn bytes<const N: usize>(b: &[u8], at: usize) -> [u8; N] {
    match b.get(at..at + N) {
        Some(s) => {
            let mut out = [0; N];
            out.copy_from_slice(s);
            out
        }
        None => [0; N],
    }
}

#[inline]
fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes(b, at))
}

#[inline]
fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes(b, at))
}

#[inline]
fn u32_in<const N: usize>(r: &[u8; N], at: usize) -> u32 {
    u32::from_le_bytes([r[at], r[at + 1], r[at + 2], r[at + 3]])
}

#[inline]
fn u16_in<const N: usize>(r: &[u8; N], at: usize) -> u16 {
    u16::from_le_bytes([r[at], r[at + 1]])
}

#[inline]
fn u64_in<const N: usize>(r: &[u8; N], at: usize) -> u64 {
    u64::from_le_bytes([r[at], r[at + 1], r[at + 2], r[at + 3], r[at + 4], r[at + 5], r[at + 6], r[at + 7]])
}

/// The string at `at` in `b` and the offset after it (`""` when the bytes
/// are not a string).
#[inline]
fn string_at(b: &[u8], at: usize) -> (&str, usize) {
    let len = u32_at(b, at) as usize;
    let s = at + 4;
    let text = b.get(s..s + len).and_then(|x| std::str::from_utf8(x).ok()).unwrap_or("");
    (text, s + len)
}

fn index_of(i: u32) -> Option<usize> {
    (i != NIL).then_some(i as usize)
}

const PRONOUN_CLASSES: [PronounClass; 7] = [
    PronounClass::Male,
    PronounClass::Female,
    PronounClass::Plural,
    PronounClass::Neuter,
    PronounClass::First,
    PronounClass::Second,
    PronounClass::Relative,
];

impl Cached {
    /// Heap bytes of the block.
    pub fn heap_bytes(&self) -> usize {
        self.0.len()
    }

    /// Is this the empty placeholder ([`Default`]) a block leaves when it
    /// is moved out? (A real block has at least its header.)
    pub fn is_moved_out(&self) -> bool {
        self.0.is_empty()
    }

    /// The paragraph's length in bytes.
    pub fn len(&self) -> usize {
        usize::try_from(u64_at(&self.0, 0)).unwrap_or(usize::MAX)
    }

    /// The number of names (as [`View::names_len`]).
    pub fn names_len(&self) -> usize {
        u32_at(&self.0, 8) as usize
    }

    /// The number of sources.
    pub fn sources_len(&self) -> usize {
        u32_at(&self.0, 12) as usize
    }

    /// The number of quotations.
    pub fn quotes_len(&self) -> usize {
        u32_at(&self.0, 16) as usize
    }

    /// The number of stray closers.
    pub fn strays_len(&self) -> usize {
        u32_at(&self.0, 20) as usize
    }

    /// The block with the positions of its parts worked out, to read it.
    #[inline]
    pub fn view(&self) -> View<'_> {
        let b: &[u8] = &self.0;
        let h: &[u8; HEAD] = record(b, 0);
        let count = |at: usize| u32_in(h, at) as usize;
        let (names, sources, quotes, strays) = (count(8), count(12), count(16), count(20));
        let flags = h[24];
        let mut names_at = HEAD;
        if flags & DASH_LEAD != 0 {
            names_at += 12;
        }
        if flags & TRAILING != 0 {
            names_at += if flags & TRAILING_CUE != 0 { 12 } else { 4 };
        }
        let sources_at = names_at + NAME * names;
        let quotes_at = sources_at + SOURCE * sources;
        let strays_at = quotes_at + QUOTE * quotes;
        View {
            b,
            len: usize::try_from(u64_in(h, 0)).unwrap_or(usize::MAX),
            names,
            sources,
            quotes,
            strays,
            flags,
            names_at,
            sources_at,
            quotes_at,
            strays_at,
            var_at: strays_at + STRAY * strays,
        }
    }

    /// Everything, in wide form (for comparisons and tests).
    pub fn decode(&self) -> Decoded {
        self.view().decode()
    }
}

/// A [`Cached`] block being read: the positions of its parts.
#[derive(Debug, Clone, Copy)]
pub(super) struct View<'a> {
    b: &'a [u8],
    len: usize,
    names: usize,
    sources: usize,
    quotes: usize,
    strays: usize,
    flags: u8,
    names_at: usize,
    sources_at: usize,
    quotes_at: usize,
    strays_at: usize,
    var_at: usize,
}

/// The `N` bytes at `at` in `b` (zeros past the end, never reached for a
/// block made by [`encode`]).
#[inline]
fn record<const N: usize>(b: &[u8], at: usize) -> &[u8; N] {
    match b.get(at..).and_then(<[u8]>::first_chunk::<N>) {
        Some(r) => r,
        None => &const { [0; N] },
    }
}

impl<'a> View<'a> {
    /// The paragraph's length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn names_len(&self) -> usize {
        self.names
    }

    pub fn sources_len(&self) -> usize {
        self.sources
    }

    pub fn quotes_len(&self) -> usize {
        self.quotes
    }

    pub fn strays_len(&self) -> usize {
        self.strays
    }

    /// The paragraph's first non-space character opens a quotation of this
    /// family.
    pub fn opens_with(&self) -> Option<Family> {
        if self.flags & OPENS_DOUBLE != 0 {
            Some(Family::Double)
        } else if self.flags & OPENS_SINGLE != 0 {
            Some(Family::Single)
        } else {
            None
        }
    }

    /// No words outside quotations.
    pub fn quote_only(&self) -> bool {
        self.flags & QUOTE_ONLY != 0
    }

    /// The sign-off (`— Jane Roe`): source index and cue range.
    pub fn dash_lead(&self) -> Option<(usize, Range<usize>)> {
        if self.flags & DASH_LEAD == 0 {
            return None;
        }
        let r: &[u8; 12] = record(self.b, HEAD);
        Some((u32_in(r, 0) as usize, u32_in(r, 4) as usize..u32_in(r, 8) as usize))
    }

    /// The speaker context this paragraph leaves for the next one: source
    /// index and cue range.
    pub fn trailing_context(&self) -> Option<(usize, Option<Range<usize>>)> {
        if self.flags & TRAILING == 0 {
            return None;
        }
        let at = HEAD + if self.flags & DASH_LEAD != 0 { 12 } else { 0 };
        let cue = (self.flags & TRAILING_CUE != 0).then(|| u32_at(self.b, at + 4) as usize..u32_at(self.b, at + 8) as usize);
        Some((u32_at(self.b, at) as usize, cue))
    }

    /// The range of name `i` (relative to the paragraph start).
    #[inline]
    pub fn name_range(&self, i: usize) -> Range<usize> {
        let r: &[u8; 8] = record(self.b, self.names_at + NAME * i);
        u32_in(r, 0) as usize..u32_in(r, 4) as usize
    }

    /// Name `i` (`i < names_len()`).
    #[inline]
    pub fn name(&self, i: usize) -> NameView<'a> {
        let r: &[u8; NAME] = record(self.b, self.names_at + NAME * i);
        let var = if r[26] != 0 { self.b.get(self.var_at + u32_in(r, 16) as usize..).unwrap_or(&[]) } else { &[] };
        NameView { r, var }
    }

    /// Source `i` (`i < sources_len()`).
    #[inline]
    pub fn source(&self, i: usize) -> SourceView<'a> {
        let r: &[u8; SOURCE] = record(self.b, self.sources_at + SOURCE * i);
        let var = if r[16] & 3 != S_NAME || r[17] != 0 {
            self.b.get(self.var_at + u32_in(r, 12) as usize..).unwrap_or(&[])
        } else {
            &[]
        };
        SourceView { r, var }
    }

    /// Quotation `i` (`i < quotes_len()`).
    pub fn quote(&self, i: usize) -> ParaQuote {
        let r: &[u8; QUOTE] = record(self.b, self.quotes_at + QUOTE * i);
        let f = r[24];
        let raw = RawQuote {
            range: u32_in(r, 0) as usize..u32_in(r, 4) as usize,
            content: u32_in(r, 8) as usize..u32_in(r, 12) as usize,
            open: char::from_u32(u32_in(r, 16)).unwrap_or('"'),
            close: char::from_u32(u32_in(r, 20)),
            mismatched: f & Q_MISMATCHED != 0,
            broken: f & Q_BROKEN != 0,
            line_piece: f & Q_LINE_PIECE != 0,
        };
        let kind = match f & 3 {
            0 => QuoteKind::Direct,
            1 => QuoteKind::Partial,
            _ => QuoteKind::Scare,
        };
        let attribution = (f & Q_ATTRIBUTED != 0).then(|| {
            let a = r[25];
            LocalAttribution {
                source: u32_in(r, 26) as usize,
                cue: if a & A_CUE != 0 { Some(u32_in(r, 34) as usize..u32_in(r, 38) as usize) } else { None },
                how: match a & 3 {
                    0 => How::Cue,
                    1 => How::ContinuationOf(u32_in(r, 30) as usize),
                    _ => How::Context,
                },
            }
        });
        ParaQuote { raw, kind, attribution, leads: f & Q_LEADS != 0, cue_in_sentence: f & Q_CUE_IN_SENTENCE != 0 }
    }

    /// The last quotation's range end, if there is a quotation.
    pub fn quotes_end(&self) -> Option<usize> {
        (self.quotes > 0).then(|| u32_at(self.b, self.quotes_at + QUOTE * (self.quotes - 1) + 4) as usize)
    }

    /// Stray closer `i`: offset and mark.
    pub fn stray(&self, i: usize) -> (usize, char) {
        let r: &[u8; STRAY] = record(self.b, self.strays_at + STRAY * i);
        (u32_in(r, 0) as usize, char::from_u32(u32_in(r, 4)).unwrap_or('"'))
    }

    /// Everything, in wide form (for comparisons and tests).
    fn decode(&self) -> Decoded {
        let names: Vec<NameView<'_>> = (0..self.names_len()).map(|i| self.name(i)).collect();
        let sources: Vec<SourceView<'_>> = (0..self.sources_len()).map(|i| self.source(i)).collect();
        let para = ParaAnalysis {
            len: self.len(),
            quotes: (0..self.quotes_len()).map(|i| self.quote(i)).collect(),
            stray_closers: (0..self.strays_len()).map(|i| self.stray(i)).collect(),
            names: names.iter().map(NameView::run).collect(),
            sources: sources
                .iter()
                .map(|s| Source {
                    range: s.range(),
                    kind: match s.kind() {
                        SourceRef::Name(n) => SourceKind::Name(n),
                        SourceRef::Pronoun(c, a) => SourceKind::Pronoun(c, a),
                        SourceRef::Nominal { definite, owner, .. } => SourceKind::Nominal { key: s.head().to_string(), definite, owner },
                    },
                    description: s.description(),
                })
                .collect(),
            opens_with: self.opens_with(),
            dash_lead: self.dash_lead(),
            trailing_context: self.trailing_context(),
            quote_only: self.quote_only(),
        };
        Decoded {
            para,
            names: names
                .iter()
                .map(|n| DecodedName {
                    layout: n.layout(),
                    full_hash: n.full_hash(),
                    last_hash: n.last_hash(),
                    first_hash: n.first_hash(),
                    full_text: (n.layout() & N_FULL_TEXT != 0).then(|| string_at(n.var, n.strings_at()).0.to_string()),
                    description: (n.layout() & N_DESC_TEXT != 0).then(|| n.description("").unwrap_or("").to_string()),
                })
                .collect(),
            sources: sources
                .iter()
                .map(|s| {
                    let key = s.key();
                    DecodedSource {
                        layout: s.layout(),
                        hash: key.hash,
                        key: key.text.to_string(),
                        name: s.name().to_string(),
                        description: s.stored_description().map(str::to_string),
                    }
                })
                .collect(),
        }
    }
}

/// A [`Cached`] block in wide form: equal blocks decode equal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Decoded {
    pub para: ParaAnalysis,
    pub names: Vec<DecodedName>,
    pub sources: Vec<DecodedSource>,
}

/// The keys of a name record; texts as stored (`None`: the paragraph's bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DecodedName {
    /// Which parts the record has.
    pub layout: u8,
    pub full_hash: u64,
    pub last_hash: u64,
    pub first_hash: u64,
    pub full_text: Option<String>,
    pub description: Option<String>,
}

/// The keys of a source record; the description as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DecodedSource {
    /// Which parts the record has.
    pub layout: u8,
    pub hash: u64,
    pub key: String,
    pub name: String,
    pub description: Option<String>,
}

// ---------------------------------------------------------------------------
// Writing.

/// Buffers kept from one paragraph to the next on each thread: the
/// records, the variable part, a string.
#[derive(Default)]
struct Buffers {
    fixed: Vec<u8>,
    var: Vec<u8>,
    text: String,
}

thread_local! {
    static BUFFERS: Cell<Buffers> = Cell::new(Buffers::default());
}

fn put_u32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}

fn put_u64(v: &mut Vec<u8>, x: u64) {
    v.extend_from_slice(&x.to_le_bytes());
}

fn put_str(v: &mut Vec<u8>, s: &str) {
    // Every string is part of a paragraph shorter than `MAX_LEN` or a key
    // built from one: a few bytes more at most.
    put_u32(v, u32::try_from(s.len()).unwrap_or(NIL));
    v.extend_from_slice(s.as_bytes());
}

/// A paragraph-relative offset (`< MAX_LEN`, checked by [`encode`]).
fn off(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(NIL)
}

fn put_range(v: &mut Vec<u8>, r: &Range<usize>) {
    put_u32(v, off(r.start));
    put_u32(v, off(r.end));
}

fn put_opt_range(v: &mut Vec<u8>, r: &Option<Range<usize>>) {
    match r {
        Some(r) => put_range(v, r),
        None => {
            put_u32(v, NIL);
            put_u32(v, NIL);
        }
    }
}

/// Encode the analysis `pa` of the paragraph `text`, with the keys of its
/// names and sources.
pub(super) fn encode(pa: &ParaAnalysis, text: &str) -> Cached {
    let mut buf = BUFFERS.take();
    let block = encode_with(pa, text, &mut buf);
    BUFFERS.set(buf);
    block
}

fn encode_with(pa: &ParaAnalysis, text: &str, buf: &mut Buffers) -> Cached {
    let empty = ParaAnalysis { len: pa.len, ..ParaAnalysis::default() };
    let pa = if pa.len >= MAX_LEN { &empty } else { pa };
    let Buffers { fixed: out, var, text: scratch } = buf;
    out.clear();
    var.clear();
    let hasher = key_hasher();

    put_u64(out, pa.len as u64);
    for n in [pa.names.len(), pa.sources.len(), pa.quotes.len(), pa.stray_closers.len()] {
        put_u32(out, off(n));
    }
    let mut flags = match pa.opens_with {
        Some(Family::Double) => OPENS_DOUBLE,
        Some(Family::Single) => OPENS_SINGLE,
        None => 0,
    };
    if pa.quote_only {
        flags |= QUOTE_ONLY;
    }
    if pa.dash_lead.is_some() {
        flags |= DASH_LEAD;
    }
    if let Some((_, cue)) = &pa.trailing_context {
        flags |= TRAILING;
        if cue.is_some() {
            flags |= TRAILING_CUE;
        }
    }
    out.push(flags);
    if let Some((s, cue)) = &pa.dash_lead {
        put_u32(out, off(*s));
        put_range(out, cue);
    }
    if let Some((s, cue)) = &pa.trailing_context {
        put_u32(out, off(*s));
        if let Some(c) = cue {
            put_range(out, c);
        }
    }

    for n in &pa.names {
        let var_at = off(var.len());
        let raw = &text[n.range.clone()];
        // The full name, when it differs from the name's bytes.
        scratch.clear();
        let mut full_the = false;
        let full_text = if n.org && n.with_the {
            scratch.push_str(THE);
            collapse_into(scratch, raw);
            // Written so just before the name: read from the text.
            full_the = n.range.start >= THE.len() && text.get(n.range.start - THE.len()..n.range.end) == Some(scratch.as_str());
            true
        } else if needs_collapse(raw) {
            collapse_into(scratch, raw);
            true
        } else {
            false
        };
        // A one-word name is its own first and last word: hashed once.
        let (last, first) = (n.last(), n.first());
        let last_hash = hash_with(hasher, &text[last.clone()]);
        let first_hash = (first != last).then(|| hash_with(hasher, &text[first]));
        let full_hash = if full_text {
            Some(hash_with(hasher, scratch))
        } else if n.range == last {
            None
        } else {
            Some(hash_with(hasher, raw))
        };
        let description = n.description.as_ref().map(|d| &text[d.clone()]);
        let desc_text = description.filter(|d| needs_collapse(d));
        let wide = u16::try_from(n.first_len).is_err() || u16::try_from(n.last_len).is_err();
        let mut layout = 0;
        if wide {
            layout |= N_WIDE;
            put_u32(var, n.first_len);
            put_u32(var, n.last_len);
        }
        if let Some(h) = first_hash {
            layout |= N_FIRST_HASH;
            put_u64(var, h);
        }
        if let Some(h) = full_hash {
            layout |= N_FULL_HASH;
            put_u64(var, h);
        }
        if n.description.is_some() {
            layout |= N_DESC;
            put_opt_range(var, &n.description);
        }
        if full_the {
            layout |= N_FULL_THE;
        } else if full_text {
            layout |= N_FULL_TEXT;
            put_str(var, scratch);
        }
        if let Some(d) = desc_text {
            layout |= N_DESC_TEXT;
            scratch.clear();
            collapse_into(scratch, d);
            put_str(var, scratch);
        }
        let mut f = 0;
        for (on, bit) in [(n.org, ORG), (n.person, PERSON), (n.honorific, HONORIFIC), (n.with_the, WITH_THE)] {
            if on {
                f |= bit;
            }
        }
        f |= match n.gender {
            Gender::Male => MALE,
            Gender::Female => FEMALE,
            Gender::Unknown => 0,
        };
        put_range(out, &n.range);
        put_u64(out, last_hash);
        put_u32(out, var_at);
        let (fl, ll) = if wide { (0, 0) } else { (n.first_len as u16, n.last_len as u16) };
        out.extend_from_slice(&fl.to_le_bytes());
        out.extend_from_slice(&ll.to_le_bytes());
        out.extend_from_slice(&[n.words, f, layout]);
    }

    for s in &pa.sources {
        let var_at = off(var.len());
        let mut layout = 0;
        if let Some(d) = &s.description {
            layout |= S_DESC;
            put_range(var, d);
        }
        // After the key hash: the description, if it collapses.
        let desc_text = s.description.as_ref().map(|d| &text[d.clone()]).filter(|t| needs_collapse(t));
        let put_desc = |var: &mut Vec<u8>| {
            if let Some(t) = desc_text {
                let mut d = String::with_capacity(t.len());
                collapse_into(&mut d, t);
                put_str(var, &d);
            }
        };
        if desc_text.is_some() {
            layout |= S_DESC_TEXT;
        }
        let (kind, index) = match &s.kind {
            SourceKind::Name(n) => {
                put_desc(var);
                (S_NAME, off(*n))
            }
            SourceKind::Pronoun(class, antecedent) => {
                // The key is `pronoun:` and the pronoun, lower-cased.
                scratch.clear();
                scratch.push_str(PRONOUN);
                collapse_into(scratch, &text[s.range.clone()]);
                lowercase_from(scratch, PRONOUN.len());
                match PRONOUN_KEYS.iter().position(|k| *k == scratch.as_str()) {
                    Some(known) => {
                        layout |= S_KNOWN_KEY | (known as u8) << 3;
                        put_desc(var);
                    }
                    None => {
                        put_u64(var, hash_with(hasher, scratch));
                        put_desc(var);
                        put_str(var, scratch);
                    }
                }
                let class = PRONOUN_CLASSES.iter().position(|c| c == class).unwrap_or(0) as u8;
                (S_PRONOUN | class << 2, antecedent.map_or(NIL, off))
            }
            SourceKind::Nominal { key, definite, owner } => {
                let raw = &text[s.range.clone()];
                let mut phrase = String::with_capacity(raw.len());
                collapse_into(&mut phrase, raw);
                let has_preposition = phrase.split_whitespace().any(|w| matches!(w, "of" | "on" | "in" | "for" | "at" | "from" | "with"));
                let document_head = is_document_head(key);
                if document_head && phrase.split_whitespace().count() >= 3 && !has_preposition {
                    // `the ministry statement` speaks for the ministry.
                    if let Some(cut) = phrase.rfind(' ') {
                        phrase.truncate(cut);
                    }
                }
                // The key: `nominal:` and the phrase after its first word,
                // lower-cased (the head noun's key for a one-word phrase).
                scratch.clear();
                scratch.push_str(NOMINAL);
                match phrase.split_once(' ').map(|x| x.1) {
                    Some(t) => {
                        scratch.push_str(t);
                        lowercase_from(scratch, NOMINAL.len());
                    }
                    None => scratch.push_str(key),
                }
                put_u64(var, hash_with(hasher, scratch));
                put_desc(var);
                put_str(var, scratch);
                let name = &mut phrase;
                if matches!(name.as_bytes().first(), Some(b'T' | b'A' | b'O')) {
                    if let Some(first) = name.get_mut(..1) {
                        first.make_ascii_lowercase();
                    }
                }
                put_str(var, name);
                put_str(var, key);
                let mut k = S_NOMINAL;
                if *definite {
                    k |= S_DEFINITE;
                }
                if document_head {
                    k |= S_DOCUMENT_HEAD;
                }
                (k, owner.map_or(NIL, off))
            }
        };
        put_range(out, &s.range);
        put_u32(out, index);
        put_u32(out, var_at);
        out.extend_from_slice(&[kind, layout]);
    }

    for q in &pa.quotes {
        let r = &q.raw;
        put_range(out, &r.range);
        put_range(out, &r.content);
        put_u32(out, u32::from(r.open));
        put_u32(out, r.close.map_or(NIL, u32::from));
        let mut f = match q.kind {
            QuoteKind::Direct => 0,
            QuoteKind::Partial => 1,
            QuoteKind::Scare => 2,
        };
        for (on, bit) in [
            (r.mismatched, Q_MISMATCHED),
            (r.broken, Q_BROKEN),
            (r.line_piece, Q_LINE_PIECE),
            (q.leads, Q_LEADS),
            (q.cue_in_sentence, Q_CUE_IN_SENTENCE),
            (q.attribution.is_some(), Q_ATTRIBUTED),
        ] {
            if on {
                f |= bit;
            }
        }
        let (a, source, of, cue) = match &q.attribution {
            Some(LocalAttribution { source, cue, how }) => {
                let (h, of) = match how {
                    How::Cue => (0, NIL),
                    How::ContinuationOf(p) => (1, off(*p)),
                    How::Context => (2, NIL),
                };
                (h | if cue.is_some() { A_CUE } else { 0 }, off(*source), of, cue.clone())
            }
            None => (0, NIL, NIL, None),
        };
        out.extend_from_slice(&[f, a]);
        put_u32(out, source);
        put_u32(out, of);
        put_opt_range(out, &cue);
    }

    for &(o, c) in &pa.stray_closers {
        put_u32(out, off(o));
        put_u32(out, u32::from(c));
    }

    let mut block = Vec::with_capacity(0);
    std::mem::swap(&mut block, out);
    block.extend_from_slice(var);
    let cached = Cached(Box::from(block.as_slice()));
    *out = block;
    cached
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::lexicon::Lexicon;
    use crate::analysis::paragraph::analyze_paragraph;
    use crate::analysis::Options;

    fn round_trip(text: &str) -> (ParaAnalysis, Decoded) {
        let lex = Lexicon::new(&Options::default());
        let pa = analyze_paragraph(text, &lex);
        let d = encode(&pa, text).decode();
        (pa, d)
    }

    #[test]
    fn records_have_their_sizes() {
        // The record sizes of the layout, and the views kept small.
        assert_eq!(HEAD, 8 + 4 * 4 + 1);
        assert_eq!(NAME, 4 + 4 + 8 + 4 + 2 + 2 + 3);
        assert_eq!(SOURCE, 4 + 4 + 4 + 4 + 2);
        assert_eq!(QUOTE, 4 * 6 + 2 + 4 + 4 + 8);
        assert_eq!(std::mem::size_of::<Cached>(), 16);
        assert_eq!(std::mem::size_of::<super::super::document::Para>(), 24);
        assert_eq!(std::mem::size_of::<NameView<'_>>(), 24);
        assert_eq!(std::mem::size_of::<SourceView<'_>>(), 24);
        // An empty paragraph: the header alone (no reference counts).
        let lex = Lexicon::new(&Options::default());
        let block = encode(&analyze_paragraph("Nothing here.", &lex), "Nothing here.");
        assert_eq!(block.heap_bytes(), HEAD);
        assert!(!block.is_moved_out() && Cached::default().is_moved_out());
    }

    #[test]
    fn decode_gives_back_the_analysis() {
        let texts = [
            "“We will not back down,” said former UN Ambassador John Bolton, a hawk. “Never.”",
            "The Kremlin statement said “no”. Ms.  Jane\u{a0}Roe, the  mayor, told reporters: “Yes.” He added “maybe.”",
            "— Jane Roe",
            "“It is over,” the ministry statement said. “Done,” they said.\n“More”",
            "Mr. Smith’s aide, who said “no,” left. ”",
            "",
        ];
        for text in texts {
            let (pa, d) = round_trip(text);
            assert_eq!(d.para, pa, "{text:?}");
        }
        // A source apposition that collapses, with a known pronoun key.
        let text = "“Yes,” said Ann Lee, a  city  lawyer, and left. “No,” he said, “never.”";
        let (pa, d) = round_trip(text);
        assert_eq!(d.para, pa);
        assert!(d.sources.iter().any(|s| s.description.as_deref() == Some("a city lawyer")), "{:?} {:?}", d.sources, pa.sources);
    }

    #[test]
    fn keys_are_hashes_of_their_texts() {
        let text = "“No,” said the  White House. “Yes,” Ms. Jane  Roe, a  lawyer, said, and he said “fine”.";
        let (pa, d) = round_trip(text);
        let h = |s: &str| hash_with(key_hasher(), s);
        assert!(!pa.names.is_empty());
        let block = encode(&pa, text);
        let view = block.view();
        let mut fulls = Vec::new();
        for (i, (n, k)) in pa.names.iter().zip(&d.names).enumerate() {
            assert_eq!(k.last_hash, h(&text[n.last()]));
            assert_eq!(k.first_hash, h(&text[n.first()]));
            let full = view.name(i).full_text(text, 0).unwrap_or(&text[n.range.clone()]).to_string();
            assert_eq!(k.full_hash, h(&full));
            assert!(!full.contains("  "), "{full:?}");
            fulls.push(full);
        }
        // `the ` read from the text; `Jane Roe` stored, collapsed.
        assert!(fulls.iter().any(|f| f == "the White House"), "{fulls:?}");
        assert!(d.names.iter().any(|k| k.full_text.as_deref() == Some("Jane Roe")), "{:?}", d.names);
        for (s, k) in pa.sources.iter().zip(&d.sources) {
            if let SourceKind::Pronoun(..) = s.kind {
                assert_eq!(k.key, "pronoun:he");
                assert_eq!(k.name, "he");
                assert_eq!(k.hash, h("pronoun:he"));
            }
        }
    }

    #[test]
    fn wide_word_lengths_fall_back() {
        // A name whose words are longer than a `u16`: lengths in the
        // variable part.
        let long = format!("Z{}", "z".repeat(70_000));
        let text = format!("“Yes,” said Ann {long}.");
        let (pa, d) = round_trip(&text);
        assert!(pa.names.iter().any(|n| n.last_len as usize == long.len()), "{:?}", pa.names);
        assert_eq!(d.para, pa);
    }
}
