//! Incremental document analysis and the document-level pass.
//!
//! An article is a sequence of paragraphs (maximal runs of non-blank lines;
//! a line of only white space, NBSP included, is blank; `\n`, `\r\n` and `\r`
//! end lines). Per-paragraph results ([`ParaAnalysis`]) are cached; an edit
//! redoes only the paragraphs it touches (plus their two neighbours, whose
//! boundaries it might change), and the document-level pass
//! (continuations, coreference, entities, findings) runs over the cached
//! results in time linear in their size.

use std::collections::HashMap;

use rayon::prelude::*;
use std::hash::BuildHasher;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use super::lexicon::{Gender, Lexicon, PronounClass};
use super::marks::{self, Family};
use super::paragraph::{analyze_paragraph, How, NameRun, ParaAnalysis, SourceKind};
use super::rules;
use super::{
    Analysis, Attribution, Entity, EntityKind, Mention, MentionId, MentionKind, Method, Options,
    Quote, QuoteId,
};

#[derive(Debug, Clone)]
struct Para {
    start: usize,
    analysis: Arc<Prepared>,
}

/// A paragraph's analysis plus the strings the document pass looks up,
/// computed once when the paragraph is (re)analysed, so that the document
/// pass, which runs after every edit over every paragraph, allocates and
/// hashes no text.
#[derive(Debug)]
struct Prepared {
    para: ParaAnalysis,
    /// One per [`ParaAnalysis::names`].
    names: Vec<NameKeys>,
    /// One per [`ParaAnalysis::sources`].
    sources: Vec<SourceKeys>,
    /// The apposition of each source, white space collapsed.
    source_descriptions: Vec<Option<Box<str>>>,
}

impl std::ops::Deref for Prepared {
    type Target = ParaAnalysis;
    fn deref(&self) -> &ParaAnalysis {
        &self.para
    }
}

/// A lookup key with its hash computed once (keyed SipHash of the process,
/// so crafted names cannot make the maps degrade).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    hash: u64,
    text: String,
}

fn key_hasher() -> &'static std::hash::RandomState {
    static STATE: OnceLock<std::hash::RandomState> = OnceLock::new();
    STATE.get_or_init(std::hash::RandomState::new)
}

impl Key {
    fn new(text: String) -> Self {
        Key { hash: key_hasher().hash_one(text.as_str()), text }
    }
    fn get(&self) -> KeyRef<'_> {
        KeyRef { hash: self.hash, text: &self.text }
    }
}

/// A borrowed [`Key`]: hashes as its precomputed hash, compares as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct KeyRef<'a> {
    hash: u64,
    text: &'a str,
}

impl std::hash::Hash for KeyRef<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

/// Passes a precomputed `u64` hash through.
#[derive(Default)]
struct PassThrough(u64);

impl std::hash::Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used by `KeyRef`; fold anything else.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type KeyMap<'a> = HashMap<KeyRef<'a>, usize, std::hash::BuildHasherDefault<PassThrough>>;

/// Coreference keys of one name run.
#[derive(Debug, PartialEq, Eq)]
struct NameKeys {
    /// Hash of the full name: white space collapsed, `the ` before a `the`
    /// organisation.
    full_hash: u64,
    /// The full name when it differs from the name's bytes (`None`: the
    /// text of [`NameRun::range`] as written, the usual case).
    full_text: Option<Box<str>>,
    /// Hashes of the texts of [`NameRun::last`] and [`NameRun::first`].
    last_hash: u64,
    first_hash: u64,
    /// The title or apposition, white space collapsed.
    description: Option<Box<str>>,
}

fn hash_str(s: &str) -> u64 {
    key_hasher().hash_one(s)
}

/// Coreference keys of one non-name source.
#[derive(Debug, PartialEq, Eq)]
enum SourceKeys {
    Name,
    /// An unresolved pronoun's entity name and key.
    Pronoun { name: String, key: Key },
    Nominal { phrase_key: Key, name: String, document_head: bool },
}

/// Analyse one paragraph (`text` is the paragraph) and prepare its keys.
fn prepare(text: &str, lexicon: &Lexicon) -> Arc<Prepared> {
    let mut para = analyze_paragraph(text, lexicon);
    // Cached until the paragraph is edited: no spare capacity.
    para.quotes.shrink_to_fit();
    para.names.shrink_to_fit();
    para.sources.shrink_to_fit();
    para.stray_closers.shrink_to_fit();
    let names = para
        .names
        .iter()
        .map(|n| {
            let raw = &text[n.range.clone()];
            let full_text = if n.org && n.with_the {
                Some(format!("the {}", collapse_ws(raw)).into_boxed_str())
            } else if needs_collapse(raw) {
                Some(collapse_ws(raw).into_boxed_str())
            } else {
                None
            };
            NameKeys {
                full_hash: hash_str(full_text.as_deref().unwrap_or(raw)),
                full_text,
                last_hash: hash_str(&text[n.last.clone()]),
                first_hash: hash_str(&text[n.first.clone()]),
                description: n.description.as_ref().map(|d| collapse_ws(&text[d.clone()]).into_boxed_str()),
            }
        })
        .collect();
    let sources = para
        .sources
        .iter()
        .map(|s| match &s.kind {
            SourceKind::Name(_) => SourceKeys::Name,
            SourceKind::Pronoun(..) => {
                let name = collapse_ws(&text[s.range.clone()]).to_lowercase();
                let key = Key::new(format!("pronoun:{name}"));
                SourceKeys::Pronoun { name, key }
            }
            SourceKind::Nominal { key, .. } => {
                let mut phrase = collapse_ws(&text[s.range.clone()]);
                let has_preposition = phrase.split_whitespace().any(|w| matches!(w, "of" | "on" | "in" | "for" | "at" | "from" | "with"));
                if is_document_head(key) && phrase.split_whitespace().count() >= 3 && !has_preposition {
                    // `the ministry statement` speaks for the ministry.
                    if let Some(cut) = phrase.rfind(' ') {
                        phrase.truncate(cut);
                    }
                }
                let lowered = phrase.to_lowercase();
                let nkey = lowered.split_once(' ').map_or(key.as_str(), |x| x.1).to_string();
                let mut name = phrase;
                if let Some(first) = name.get(..1) {
                    if first == "T" || first == "A" || first == "O" {
                        let lower_first = first.to_lowercase();
                        name.replace_range(..1, &lower_first);
                    }
                }
                SourceKeys::Nominal { phrase_key: Key::new(format!("nominal:{nkey}")), name, document_head: is_document_head(key) }
            }
        })
        .collect();
    let source_descriptions = para.sources.iter().map(|s| s.description.as_ref().map(|d| collapse_ws(&text[d.clone()]).into_boxed_str())).collect();
    Arc::new(Prepared { para, names, sources, source_descriptions })
}

/// An article kept for incremental reanalysis.
///
/// Holds the text, the per-paragraph results (cached, shared through `Arc`
/// so a clone is cheap apart from the text) and the latest document-level
/// [`Analysis`]. [`Document::edit`] reanalyses only the paragraphs an edit
/// touches; [`Document::analysis`] reruns the document-level pass when the
/// text changed since the last call.
#[derive(Debug, Clone)]
pub struct Document {
    text: String,
    options: Options,
    lexicon: Arc<Lexicon>,
    paras: Vec<Para>,
    analysis: Option<Arc<Analysis>>,
    /// Closing marks that close nothing, document offsets, as of `analysis`.
    strays: Vec<(usize, char)>,
    /// Edits since `analysis` was computed that left every paragraph's
    /// results the same up to a shift of offsets (see [`Shift`]): the next
    /// analysis is the last one shifted, with no document pass.
    pending: Vec<Shift>,
}

/// One edit as a map of old offsets to new ones: `at..old_end` was
/// replaced by `new_len` bytes. Offsets before `at` stay, offsets from
/// `old_end` on move by the difference, offsets inside the replaced bytes
/// have no image. The map is strictly increasing where defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shift {
    at: usize,
    old_end: usize,
    new_len: usize,
}

impl Shift {
    fn map(&self, x: usize) -> Option<usize> {
        if x < self.at {
            Some(x)
        } else if x >= self.old_end {
            Some(x - self.old_end + self.at + self.new_len)
        } else {
            None
        }
    }
    fn range(&self, r: &Range<usize>) -> Option<Range<usize>> {
        Some(self.map(r.start)?..self.map(r.end)?)
    }
}

/// `pa` (a paragraph starting at document offset `base`) with every offset
/// moved by `shift`, or `None` when some offset falls inside the replaced
/// bytes. Destructures every field, so that a new field of
/// [`ParaAnalysis`] cannot be forgotten here.
fn shifted_para(pa: &ParaAnalysis, base: usize, shift: &Shift) -> Option<ParaAnalysis> {
    let new_base = shift.map(base)?;
    let m = |x: usize| -> Option<usize> { shift.map(base + x)?.checked_sub(new_base) };
    let r = |x: &Range<usize>| -> Option<Range<usize>> { Some(m(x.start)?..m(x.end)?) };
    let or = |x: &Option<Range<usize>>| -> Option<Option<Range<usize>>> {
        match x {
            Some(x) => Some(Some(r(x)?)),
            None => Some(None),
        }
    };
    let ParaAnalysis { len, quotes, stray_closers, names, sources, opens_with, dash_lead, trailing_context, quote_only } = pa;
    let mut out_quotes = Vec::with_capacity(quotes.len());
    for q in quotes {
        let super::paragraph::ParaQuote { raw, kind, attribution, leads, cue_in_sentence } = q;
        let marks::RawQuote { range, content, open, close, mismatched, broken, line_piece } = raw;
        let attribution = match attribution {
            Some(super::paragraph::LocalAttribution { source, cue, how }) => {
                Some(super::paragraph::LocalAttribution { source: *source, cue: or(cue)?, how: *how })
            }
            None => None,
        };
        out_quotes.push(super::paragraph::ParaQuote {
            raw: marks::RawQuote {
                range: r(range)?,
                content: r(content)?,
                open: *open,
                close: *close,
                mismatched: *mismatched,
                broken: *broken,
                line_piece: *line_piece,
            },
            kind: *kind,
            attribution,
            leads: *leads,
            cue_in_sentence: *cue_in_sentence,
        });
    }
    let mut out_strays = Vec::with_capacity(stray_closers.len());
    for &(o, c) in stray_closers {
        out_strays.push((m(o)?, c));
    }
    let mut out_names = Vec::with_capacity(names.len());
    for n in names {
        let NameRun { range, description, words, last, first, org, person, honorific, gender, with_the } = n;
        out_names.push(NameRun {
            range: r(range)?,
            description: or(description)?,
            words: *words,
            last: r(last)?,
            first: r(first)?,
            org: *org,
            person: *person,
            honorific: *honorific,
            gender: *gender,
            with_the: *with_the,
        });
    }
    let mut out_sources = Vec::with_capacity(sources.len());
    for src in sources {
        let super::paragraph::Source { range, kind, description } = src;
        out_sources.push(super::paragraph::Source { range: r(range)?, kind: kind.clone(), description: or(description)? });
    }
    let dash_lead = match dash_lead {
        Some((s, c)) => Some((*s, r(c)?)),
        None => None,
    };
    let trailing_context = match trailing_context {
        Some((s, c)) => Some((*s, or(c)?)),
        None => None,
    };
    Some(ParaAnalysis {
        len: m(*len)?,
        quotes: out_quotes,
        stray_closers: out_strays,
        names: out_names,
        sources: out_sources,
        opens_with: *opens_with,
        dash_lead,
        trailing_context,
        quote_only: *quote_only,
    })
}

/// Does the edit of bytes `s..e` touch (overlap or adjoin) a range whose
/// text makes a coreference key (names, sources, their descriptions) in
/// paragraph `pa` at `base`? If not, every key's text is unchanged.
fn touches_keys(pa: &ParaAnalysis, base: usize, s: usize, e: usize) -> bool {
    let touches = |r: &Range<usize>| base + r.start <= e && s <= base + r.end;
    pa.names.iter().any(|n| touches(&n.range) || n.description.as_ref().is_some_and(touches))
        || pa.sources.iter().any(|x| touches(&x.range) || x.description.as_ref().is_some_and(touches))
}

/// `a` with every offset moved by `shift` (findings excepted: they are
/// recomputed by the rules). `None` when an offset has no image.
fn shift_analysis(a: &mut Analysis, shift: &Shift) -> Option<()> {
    for q in &mut a.quotes {
        q.range = shift.range(&q.range)?;
        q.content = shift.range(&q.content)?;
        if let Some(at) = &mut q.attribution {
            if let Some(c) = &mut at.cue {
                *c = shift.range(c)?;
            }
        }
    }
    for m in &mut a.mentions {
        m.range = shift.range(&m.range)?;
    }
    for p in &mut a.paragraphs {
        *p = shift.range(p)?;
    }
    Some(())
}

/// Split `text` into paragraph ranges, offset by `base`.
fn split_paragraphs(text: &str, base: usize, out: &mut Vec<Range<usize>>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut cur: Option<(usize, usize)> = None;
    while i < bytes.len() {
        let line_start = i;
        i = memchr::memchr2(b'\n', b'\r', &bytes[i..]).map_or(bytes.len(), |k| i + k);
        let line_end = i;
        if i < bytes.len() {
            i += if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
        }
        let blank = text[line_start..line_end].chars().all(char::is_whitespace);
        if blank {
            if let Some((s, e)) = cur.take() {
                out.push(base + s..base + e);
            }
        } else {
            cur = Some(match cur {
                Some((s, _)) => (s, line_end),
                None => (line_start, line_end),
            });
        }
    }
    if let Some((s, e)) = cur {
        out.push(base + s..base + e);
    }
}

/// The lexicon for `options`: the built-in one is built once per process
/// and shared (the command line opens one document per file).
fn lexicon_for(options: &Options) -> Arc<Lexicon> {
    static DEFAULT: OnceLock<Arc<Lexicon>> = OnceLock::new();
    if *options == Options::default() {
        DEFAULT.get_or_init(|| Arc::new(Lexicon::new(&Options::default()))).clone()
    } else {
        Arc::new(Lexicon::new(options))
    }
}

impl Document {
    /// A document over `text`.
    pub fn new(text: &str, options: Options) -> Self {
        let lexicon = lexicon_for(&options);
        let mut doc = Document {
            text: text.to_string(),
            options,
            lexicon,
            paras: Vec::new(),
            analysis: None,
            strays: Vec::new(),
            pending: Vec::new(),
        };
        doc.reanalyze_all();
        doc
    }

    fn reanalyze_all(&mut self) {
        self.pending.clear();
        let mut ranges = Vec::new();
        split_paragraphs(&self.text, 0, &mut ranges);
        // Paragraphs are independent: analyse them on every core (rayon's
        // pool; a caller already inside it, like the command line, shares
        // it). Results keep document order.
        let (text, lexicon) = (&self.text, &self.lexicon);
        self.paras = ranges
            .into_par_iter()
            .with_min_len(64)
            .map(|r| Para { start: r.start, analysis: prepare(&text[r], lexicon) })
            .collect();
        self.analysis = None;
    }

    /// The current text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The options in force.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Replace the bytes `range` of the current text by `new_text`.
    ///
    /// Never fails: a range past the end is clamped to the text, a reversed
    /// range is swapped, and ends inside a character are moved outward to
    /// the nearest `char` boundary.
    pub fn edit(&mut self, range: Range<usize>, new_text: &str) {
        let len = self.text.len();
        let mut s = range.start.min(range.end).min(len);
        let mut e = range.start.max(range.end).min(len);
        while !self.text.is_char_boundary(s) {
            s -= 1;
        }
        while !self.text.is_char_boundary(e) {
            e += 1;
        }
        if s == e && new_text.is_empty() {
            return;
        }
        // Affected old paragraphs: the one containing or before `s` and the
        // one containing or after `e`, each widened by one neighbour.
        let n = self.paras.len();
        let end_of = |p: &Para| p.start + p.analysis.len;
        let a = self.paras.partition_point(|p| p.start <= s).saturating_sub(1);
        let lo = a.saturating_sub(1);
        let b = self.paras.partition_point(|p| end_of(p) < e);
        let hi = (b + 1).min(n);
        let (region_start, region_end_old) = if n == 0 {
            (0, len)
        } else {
            let rs = if lo == 0 { 0 } else { self.paras[lo].start.min(s) };
            let re = if hi >= n { len } else { end_of(&self.paras[hi]).max(e) };
            (rs.min(s), re.max(e))
        };
        self.text.replace_range(s..e, new_text);
        let delta = new_text.len() as isize - (e - s) as isize;
        let region_end_new = (region_end_old as isize + delta) as usize;
        let mut ranges = Vec::new();
        split_paragraphs(&self.text[region_start..region_end_new], region_start, &mut ranges);
        // Old paragraphs in the region, to reuse those the edit left alone.
        let first_old = self.paras.partition_point(|p| p.start < region_start);
        let last_old = self.paras.partition_point(|p| p.start < region_end_old);
        let new_after = s + new_text.len();
        let mut fresh: Vec<Para> = Vec::with_capacity(ranges.len());
        let region = &self.paras[first_old..last_old];
        // The old paragraph of the region starting at `start`, if any
        // (binary search: the region may hold every paragraph).
        let at = |start: usize| -> Option<&Para> {
            let i = region.partition_point(|p| p.start < start);
            region.get(i).filter(|p| p.start == start)
        };
        for r in ranges {
            let before = at(r.start).filter(|p| {
                let old = p.start..end_of(p);
                old.end < s && old == r
            });
            let after = || {
                let old_start = (r.start as isize - delta) as usize;
                at(old_start).filter(|p| p.start > e && r.start > new_after && p.analysis.len == r.len())
            };
            let analysis = match before.or_else(after) {
                Some(p) => p.analysis.clone(),
                None => prepare(&self.text[r.clone()], &self.lexicon),
            };
            fresh.push(Para { start: r.start, analysis });
        }
        // Did every paragraph keep its results up to offsets? Then the
        // document-level analysis is the last one shifted.
        let shift = Shift { at: s, old_end: e, new_len: new_text.len() };
        let same_up_to_shift = self.analysis.is_some()
            && fresh.len() == region.len()
            && region.iter().zip(&fresh).all(|(old, new)| {
                shift.map(old.start) == Some(new.start)
                    && (Arc::ptr_eq(&old.analysis, &new.analysis)
                        || (!touches_keys(&old.analysis.para, old.start, s, e)
                            && old.analysis.names == new.analysis.names
                            && old.analysis.sources == new.analysis.sources
                            && old.analysis.source_descriptions == new.analysis.source_descriptions
                            && shifted_para(&old.analysis.para, old.start, &shift).as_ref() == Some(&new.analysis.para)))
            });
        if same_up_to_shift {
            self.pending.push(shift);
        } else {
            self.analysis = None;
            self.pending.clear();
        }
        let tail: Vec<Para> = self.paras.drain(last_old..).collect();
        self.paras.truncate(first_old);
        self.paras.extend(fresh);
        self.paras.extend(tail.into_iter().map(|mut p| {
            p.start = (p.start as isize + delta) as usize;
            p
        }));
    }

    /// Replace the whole text.
    pub fn set_text(&mut self, text: &str) {
        self.text = text.to_string();
        self.reanalyze_all();
    }

    /// Change the options; everything is reanalysed.
    pub fn set_options(&mut self, options: Options) {
        if options != self.options {
            self.lexicon = lexicon_for(&options);
            self.options = options;
            self.reanalyze_all();
        }
    }

    /// The analysis of the current text (cached until the next edit).
    pub fn analysis(&mut self) -> Arc<Analysis> {
        if !self.pending.is_empty() {
            // Every edit since the last analysis left the paragraphs'
            // results equal up to offsets: shift the last analysis instead
            // of running the document pass (`Arc::make_mut` copies it only
            // when a caller still holds it).
            let pending = std::mem::take(&mut self.pending);
            if let Some(mut a) = self.analysis.take() {
                let ok = {
                    let am = Arc::make_mut(&mut a);
                    pending.iter().try_for_each(|sh| {
                        shift_analysis(am, sh)?;
                        for st in &mut self.strays {
                            st.0 = sh.map(st.0)?;
                        }
                        Some(())
                    })
                };
                if ok.is_some() {
                    let am = Arc::make_mut(&mut a);
                    am.findings = rules::run(&self.text, am, &self.strays);
                    self.analysis = Some(a.clone());
                    return a;
                }
            }
        }
        if let Some(a) = &self.analysis {
            return a.clone();
        }
        let (a, strays) = document_pass(&self.text, &self.paras);
        let a = Arc::new(a);
        self.strays = strays;
        self.analysis = Some(a.clone());
        a
    }
}

// ---------------------------------------------------------------------------
// The document-level pass.

struct EntityBuild<'a> {
    /// Evidence that this is a person (a title, a known first name, two or
    /// more name words, or speaking in a frame): only such entities are
    /// antecedents of `he` and `she`.
    person_evidence: bool,
    name: &'a str,
    description: Option<&'a str>,
    kind: EntityKind,
    gender: Gender,
    full: bool,
    introduction: Option<MentionId>,
    first: MentionId,
    last_mention: MentionId,
    /// The latest mention that is not a pronoun: what a pronoun's
    /// antecedent is shown as.
    last_named: MentionId,
}

/// Coreference state of the document pass. Keys and names borrow the
/// strings prepared per paragraph ([`Prepared`]): nothing is allocated per
/// mention but the mention itself.
#[derive(Default)]
struct Coref<'a> {
    entities: Vec<EntityBuild<'a>>,
    by_full: KeyMap<'a>,
    by_last: KeyMap<'a>,
    by_first: KeyMap<'a>,
    by_nominal: KeyMap<'a>,
    /// Recently mentioned entities, newest last (bounded).
    recent: Vec<usize>,
    mentions: Vec<Mention>,
}

/// Would [`collapse_ws`] change `s`?
fn needs_collapse(s: &str) -> bool {
    let mut prev_space = true;
    for c in s.chars() {
        if c.is_whitespace() {
            if prev_space || c != ' ' {
                return true;
            }
            prev_space = true;
        } else {
            prev_space = false;
        }
    }
    prev_space && !s.is_empty()
}

fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

impl<'a> Coref<'a> {
    fn new_entity(&mut self, name: &'a str, kind: EntityKind, gender: Gender, full: bool, mention: MentionId) -> usize {
        self.entities.push(EntityBuild {
            person_evidence: false,
            name,
            description: None,
            kind,
            gender,
            full,
            introduction: if full { Some(mention) } else { None },
            first: mention,
            last_mention: mention,
            last_named: mention,
        });
        self.entities.len() - 1
    }

    fn touch(&mut self, e: usize, m: MentionId) {
        self.entities[e].last_mention = m;
        self.entities[e].last_named = m;
        if let Some(pos) = self.recent.iter().rposition(|&x| x == e) {
            self.recent.remove(pos);
        }
        self.recent.push(e);
        if self.recent.len() > 16 {
            self.recent.remove(0);
        }
    }

    /// Coreference for one name mention; returns (entity, mention id).
    fn name(&mut self, text: &'a str, base: usize, n: &NameRun, keys: &'a NameKeys, speaks: bool) -> (usize, MentionId) {
        let range = base + n.range.start..base + n.range.end;
        let full_text = KeyRef { hash: keys.full_hash, text: keys.full_text.as_deref().unwrap_or(&text[range.clone()]) };
        let last = KeyRef { hash: keys.last_hash, text: &text[base + n.last.start..base + n.last.end] };
        let first = KeyRef { hash: keys.first_hash, text: &text[base + n.first.start..base + n.first.end] };
        let m = self.mentions.len();
        let kind = if n.org {
            EntityKind::Organization
        } else {
            EntityKind::Person
        };
        let e = if n.words >= 2 && !n.org {
            if let Some(&e) = self.by_full.get(&full_text) {
                e
            } else if let Some(&e) = self.by_last.get(&last).filter(|&&e| !self.entities[e].full && self.entities[e].kind != EntityKind::Organization) {
                let eb = &mut self.entities[e];
                eb.name = full_text.text;
                eb.full = true;
                eb.introduction = Some(m);
                self.by_full.insert(full_text, e);
                e
            } else {
                let e = self.new_entity(full_text.text, kind, n.gender, true, m);
                self.by_full.insert(full_text, e);
                e
            }
        } else if n.words >= 2 {
            match self.by_full.get(&full_text) {
                Some(&e) => e,
                None => {
                    let e = self.new_entity(full_text.text, kind, n.gender, true, m);
                    self.by_full.insert(full_text, e);
                    e
                }
            }
        } else {
            let found = self
                .by_last
                .get(&last)
                .or_else(|| if n.honorific { None } else { self.by_first.get(&first) })
                .or_else(|| self.by_full.get(&full_text))
                .copied();
            match found {
                Some(e) => e,
                None => {
                    let e = self.new_entity(full_text.text, kind, n.gender, false, m);
                    self.by_full.insert(full_text, e);
                    e
                }
            }
        };
        if n.words >= 2 || !self.by_last.contains_key(&last) {
            self.by_last.insert(last, e);
        }
        if n.words >= 2 && !n.org {
            self.by_first.entry(first).or_insert(e);
        }
        let eb = &mut self.entities[e];
        if eb.gender == Gender::Unknown {
            eb.gender = n.gender;
        }
        // `Kremlin` in a headline, `the Kremlin` in the text: the article's
        // own form names the entity.
        if n.org && n.with_the && eb.name == full_text.text.trim_start_matches("the ") {
            eb.name = full_text.text;
        }
        if n.person && eb.kind != EntityKind::Organization {
            eb.kind = EntityKind::Person;
        }
        if !n.org && (n.person || n.words >= 2 || speaks) {
            eb.person_evidence = true;
        }
        if eb.description.is_none() {
            if let Some(d) = &keys.description {
                eb.description = Some(d);
            }
        }
        let mkind = if n.honorific && n.words == 1 {
            MentionKind::Honorific
        } else if n.words >= 2 || n.org {
            MentionKind::Name
        } else {
            MentionKind::Surname
        };
        self.mentions.push(Mention { range, entity: e, kind: mkind });
        self.touch(e, m);
        (e, m)
    }

    /// Resolve a pronoun to the most recent fitting entity.
    fn resolve(&self, pc: PronounClass) -> Option<usize> {
        self.recent.iter().rev().copied().find(|&e| {
            let eb = &self.entities[e];
            match pc {
                PronounClass::Male => eb.kind == EntityKind::Person && eb.person_evidence && eb.gender != Gender::Female,
                PronounClass::Female => eb.kind == EntityKind::Person && eb.person_evidence && eb.gender != Gender::Male,
                PronounClass::Neuter => eb.kind == EntityKind::Organization,
                PronounClass::Plural => eb.kind != EntityKind::Person,
                _ => false,
            }
        })
    }
}

/// Paragraph-local sources resolved to document ids, all paragraphs in one
/// vector: paragraph `p`'s source `i` is at `start[p] + i`, as
/// (mention id, antecedent mention for pronouns).
struct SourceIds {
    start: Vec<usize>,
    ids: Vec<(MentionId, Option<MentionId>)>,
}

impl SourceIds {
    fn get(&self, p: usize, i: usize) -> (MentionId, Option<MentionId>) {
        self.ids[self.start[p] + i]
    }
}

/// The permutation that stably sorts `mentions` by `key`, given that the
/// blocks `bounds[i]..bounds[i + 1]` (one per paragraph) are already in
/// order between themselves: only blocks out of order inside are sorted
/// (usually none), so this equals a global stable sort at linear cost.
fn block_order(mentions: &[Mention], bounds: &[usize], key: impl Fn(&Mention) -> (usize, usize)) -> Vec<MentionId> {
    let mut order: Vec<MentionId> = (0..mentions.len()).collect();
    for w in bounds.windows(2) {
        let block = &mut order[w[0]..w[1]];
        if !block.windows(2).all(|p| key(&mentions[p[0]]) <= key(&mentions[p[1]])) {
            block.sort_by_key(|&i| key(&mentions[i]));
        }
    }
    order
}

/// The document-level pass over the cached paragraph results: linear in
/// their total size (hash lookups on precomputed keys, one sort that is
/// skipped when the mentions are already in order).
fn document_pass<'a>(text: &'a str, paras: &'a [Para]) -> (Analysis, Vec<(usize, char)>) {
    let mut co = Coref::default();
    // Where each paragraph's mentions start in `co.mentions`.
    let mut bounds: Vec<usize> = Vec::with_capacity(paras.len() + 1);
    // Sizes up front, so that no vector or map grows during the pass.
    let (mut n_names, mut n_sources, mut n_quotes) = (0, 0, 0);
    for p in paras {
        n_names += p.analysis.names.len();
        n_sources += p.analysis.sources.len();
        n_quotes += p.analysis.quotes.len();
    }
    co.mentions.reserve(n_names + n_sources);
    let mut ids = SourceIds { start: Vec::with_capacity(paras.len()), ids: Vec::with_capacity(n_sources) };
    let mut names: Vec<MentionId> = Vec::new();
    let mut events: Vec<(usize, bool, usize)> = Vec::new();
    let mut speaking: Vec<bool> = Vec::new();
    // Pass 1: mentions and entities, in text order within each paragraph.
    for p in paras {
        bounds.push(co.mentions.len());
        let pa: &ParaAnalysis = &p.analysis.para;
        let prep: &Prepared = &p.analysis;
        let base = p.start;
        names.clear();
        names.resize(pa.names.len(), usize::MAX);
        let first_source = ids.ids.len();
        ids.start.push(first_source);
        ids.ids.resize(first_source + pa.sources.len(), (usize::MAX, None));
        let sources = &mut ids.ids[first_source..];
        // Events: names and non-name sources, by position.
        // Sorted by end, so that a name inside a nominal (`the Kremlin
        // statement`) is resolved before the nominal.
        events.clear();
        events.extend(pa.names.iter().enumerate().map(|(i, n)| (n.range.end, false, i)));
        events.extend(
            pa.sources
                .iter()
                .enumerate()
                .filter(|(_, s)| !matches!(s.kind, SourceKind::Name(_)))
                .map(|(i, s)| (s.range.end, true, i)),
        );
        events.sort_unstable();
        // Names used as a source in this paragraph (evidence of a person).
        speaking.clear();
        speaking.resize(pa.names.len(), false);
        for s in &pa.sources {
            if let SourceKind::Name(n) = s.kind {
                if let Some(x) = speaking.get_mut(n) {
                    *x = true;
                }
            }
        }
        for &(_, is_source, i) in &events {
            if !is_source {
                let (_, m) = co.name(text, base, &pa.names[i], &prep.names[i], speaking[i]);
                names[i] = m;
                continue;
            }
            let s = &pa.sources[i];
            let range = base + s.range.start..base + s.range.end;
            let m = co.mentions.len();
            match (&s.kind, &prep.sources[i]) {
                (SourceKind::Pronoun(pc, antecedent), SourceKeys::Pronoun { name, key }) => {
                    let resolved = match (pc, antecedent) {
                        (PronounClass::Relative, Some(a)) if names.get(*a).is_some_and(|&x| x != usize::MAX) => {
                            Some(co.mentions[names[*a]].entity)
                        }
                        _ => co.resolve(*pc),
                    };
                    let (e, ante) = match resolved {
                        Some(e) => {
                            let ante = co.entities[e].last_named;
                            if co.entities[e].gender == Gender::Unknown {
                                co.entities[e].gender = match pc {
                                    PronounClass::Male => Gender::Male,
                                    PronounClass::Female => Gender::Female,
                                    _ => Gender::Unknown,
                                };
                            }
                            (e, Some(ante))
                        }
                        None => {
                            let e = match co.by_nominal.get(&key.get()) {
                                Some(&e) => e,
                                None => {
                                    let e = co.new_entity(name, EntityKind::Anonymous, Gender::Unknown, false, m);
                                    co.by_nominal.insert(key.get(), e);
                                    e
                                }
                            };
                            (e, None)
                        }
                    };
                    co.mentions.push(Mention { range, entity: e, kind: MentionKind::Pronoun });
                    co.entities[e].last_mention = m;
                    sources[i] = (m, ante);
                }
                (SourceKind::Nominal { definite, owner, .. }, SourceKeys::Nominal { phrase_key, name, document_head }) => {
                    let owner_entity = owner
                        .filter(|&o| names.get(o).is_some_and(|&x| x != usize::MAX))
                        .map(|o| co.mentions[names[o]].entity)
                        .filter(|_| s.range.end > 0);
                    let e = if let (Some(oe), true) = (owner_entity, *document_head) {
                        oe
                    } else {
                        match co.by_nominal.get(&phrase_key.get()).filter(|_| *definite) {
                            Some(&e) => e,
                            None => {
                                let kind = if *definite { EntityKind::Organization } else { EntityKind::Anonymous };
                                let e = co.new_entity(name, kind, Gender::Unknown, false, m);
                                co.by_nominal.insert(phrase_key.get(), e);
                                e
                            }
                        }
                    };
                    co.mentions.push(Mention { range, entity: e, kind: MentionKind::Nominal });
                    co.touch(e, m);
                    sources[i] = (m, None);
                }
                _ => {}
            }
        }
        for (i, s) in pa.sources.iter().enumerate() {
            if let SourceKind::Name(n) = s.kind {
                sources[i] = (names[n], None);
            }
            if let Some(d) = &prep.source_descriptions[i] {
                let e = co.mentions.get(sources[i].0).map(|m| m.entity);
                if let Some(e) = e {
                    if co.entities[e].description.is_none() {
                        co.entities[e].description = Some(d);
                    }
                }
            }
        }
    }
    // Mentions must be in document order: within a paragraph they were
    // pushed in order, and paragraphs are in order.

    // Pass 2: quotations and attributions.
    let mut quotes: Vec<Quote> = Vec::with_capacity(n_quotes);
    let mut paragraphs = Vec::with_capacity(paras.len());
    let mut prev_last: Option<QuoteId> = None;
    let mut prev_open_family: Option<Family> = None;
    // The speaker a lead-in paragraph (`Cruz continued:`) hands on.
    let mut carry: Option<Attribution> = None;
    for (pi, p) in paras.iter().enumerate() {
        let pa = &p.analysis;
        let base = p.start;
        paragraphs.push(base..base + pa.len);
        let first_id = quotes.len();
        let next = paras.get(pi + 1).map(|n| &n.analysis);
        for (qi, pq) in pa.quotes.iter().enumerate() {
            let id = quotes.len();
            let raw = &pq.raw;
            let mut continues = None;
            if qi == 0 && pq.leads {
                if let (Some(f), Some(prev)) = (prev_open_family, prev_last) {
                    if marks::family(raw.open) == Some(f) {
                        continues = Some(prev);
                    }
                }
            }
            if qi > 0 && pa.quotes[qi - 1].raw.line_piece {
                continues = Some(id - 1);
            }
            let mut attribution = pq.attribution.as_ref().and_then(|la| {
                let (m, ante) = ids.get(pi, la.source);
                if m == usize::MAX {
                    return None;
                }
                let entity = co.mentions[m].entity;
                let cue = la.cue.as_ref().map(|c| base + c.start..base + c.end);
                let method = match la.how {
                    How::ContinuationOf(p) => Method::Continuation { of: first_id + p },
                    How::Cue | How::Context => match ante {
                        Some(a) => Method::Pronoun { antecedent: a },
                        None => Method::Cue,
                    },
                };
                Some(Attribution { entity, mention: m, cue, method })
            });
            if attribution.is_none() && pq.kind != super::QuoteKind::Scare {
                // A piece of a multi-paragraph quotation, or a quote-led
                // paragraph carrying on the previous paragraph's speaker.
                let from = continues.or(if qi == 0 && pq.leads && !pq.cue_in_sentence { prev_last } else { None });
                if let Some(f) = from {
                    if let Some(a) = &quotes[f].attribution {
                        attribution = Some(Attribution {
                            entity: a.entity,
                            mention: a.mention,
                            cue: a.cue.clone(),
                            method: Method::Continuation { of: f },
                        });
                    }
                } else if qi == 0 && pq.leads && !pq.cue_in_sentence {
                    attribution = carry.clone();
                }
            }
            if attribution.is_none() && pq.kind != super::QuoteKind::Scare {
                // A sign-off on the next paragraph: `— Jane Roe`.
                if let Some((s, cue)) = next.and_then(|n| n.dash_lead.clone()) {
                    let nb = paras[pi + 1].start;
                    let (m, _) = ids.get(pi + 1, s);
                    if m != usize::MAX {
                        attribution = Some(Attribution {
                            entity: co.mentions[m].entity,
                            mention: m,
                            cue: Some(nb + cue.start..nb + cue.end),
                            method: Method::Cue,
                        });
                    }
                }
            }
            let open_at_end = raw.close.is_none();
            let is_last = qi + 1 == pa.quotes.len();
            let continued_next = open_at_end
                && (raw.line_piece
                    || (is_last
                        && next.is_some_and(|n| n.opens_with.is_some() && n.opens_with == marks::family(raw.open))));
            let unclosed = open_at_end && (raw.broken || !continued_next);
            quotes.push(Quote {
                range: base + raw.range.start..base + raw.range.end,
                content: base + raw.content.start..base + raw.content.end,
                open: raw.open,
                close: raw.close,
                kind: pq.kind,
                attribution,
                continues,
                paragraph: pi,
                unclosed,
            });
        }
        carry = None;
        if pa.quotes.is_empty() || pa.quotes.last().is_some_and(|q| q.raw.range.end < pa.len) {
            if let Some((s, cue)) = &pa.trailing_context {
                let (m, ante) = ids.get(pi, *s);
                if m != usize::MAX && pa.quotes.last().is_none_or(|q| q.attribution.as_ref().is_none_or(|a| a.source != *s)) {
                    carry = Some(Attribution {
                        entity: co.mentions[m].entity,
                        mention: m,
                        cue: cue.as_ref().map(|c| base + c.start..base + c.end),
                        method: match ante {
                            Some(a) => Method::Pronoun { antecedent: a },
                            None => Method::Cue,
                        },
                    });
                }
            }
        }
        if !pa.quotes.is_empty() && carry.is_none() {
            let last = quotes.len() - 1;
            prev_last = Some(last);
            prev_open_family = if quotes[last].close.is_none() && !quotes[last].unclosed {
                marks::family(quotes[last].open)
            } else {
                None
            };
        } else {
            // A paragraph with no quotation breaks the chain of speakers
            // unless it is a bare sign-off.
            prev_last = None;
            prev_open_family = None;
        }
    }
    // Are the mentions already in document order (the usual case)? Then
    // both sorts below are the identity and are skipped.
    bounds.push(co.mentions.len());
    // Multi-paragraph chains: a speaker named in a later piece (`…,” he
    // said.`) holds for the earlier pieces.
    // A piece whose speaker came only by continuation takes the speaker
    // named by a cue in a later piece of the same quotation instead.
    for i in (0..quotes.len()).rev() {
        if let Some(prev) = quotes[i].continues {
            let own_cue = |q: &Quote| q.attribution.as_ref().is_some_and(|a| !matches!(a.method, Method::Continuation { .. }));
            if !own_cue(&quotes[prev]) && own_cue(&quotes[i]) {
                if let Some(a) = quotes[i].attribution.clone() {
                    quotes[prev].attribution = Some(Attribution { method: Method::Continuation { of: i }, ..a });
                }
            }
        }
    }
    // A continuation uses the nearest earlier mention of its speaker (`“…,”
    // Trump added. He then asked the crowd. ¶ “Who’s going to pay?”`).
    {
        let mut last_of: Vec<MentionId> = vec![usize::MAX; co.entities.len()];
        let order = block_order(&co.mentions, &bounds, |m| (m.range.start, 0));
        let mut mi = 0;
        for q in quotes.iter_mut() {
            while mi < order.len() && co.mentions[order[mi]].range.start < q.range.start {
                let m = order[mi];
                last_of[co.mentions[m].entity] = m;
                mi += 1;
            }
            if let Some(a) = &mut q.attribution {
                if let Method::Continuation { .. } = a.method {
                    if let Some(&m) = last_of.get(a.entity).filter(|&&m| m != usize::MAX) {
                        if co.mentions[m].range.start > co.mentions[a.mention].range.start {
                            a.mention = m;
                        }
                    }
                }
            }
        }
    }
    // Mentions into document order (a nominal may start before the name
    // inside it that was resolved first).
    let order = {
        block_order(&co.mentions, &bounds, |m| (m.range.start, m.range.end))
    };
    let mut remap = vec![0; order.len()];
    for (new, &old) in order.iter().enumerate() {
        remap[old] = new;
    }
    let mentions: Vec<Mention> = order.iter().map(|&i| co.mentions[i].clone()).collect();
    for q in quotes.iter_mut() {
        if let Some(a) = &mut q.attribution {
            a.mention = remap[a.mention];
            if let Method::Pronoun { antecedent } = &mut a.method {
                *antecedent = remap[*antecedent];
            }
        }
    }
    for e in co.entities.iter_mut() {
        e.first = remap[e.first];
        e.introduction = e.introduction.map(|m| remap[m]);
    }
    // Each mention belongs to exactly one entity: an entity's mentions (and
    // quotations) are filled in document order into vectors of exact size.
    let mut n_mentions = vec![0usize; co.entities.len()];
    let mut n_quotes = vec![0usize; co.entities.len()];
    for m in &mentions {
        n_mentions[m.entity] += 1;
    }
    for q in &quotes {
        if let Some(a) = &q.attribution {
            n_quotes[a.entity] += 1;
        }
    }
    let mut entities: Vec<Entity> = co
        .entities
        .iter()
        .enumerate()
        .map(|(i, e)| Entity {
            name: e.name.to_string(),
            description: e.description.map(str::to_string),
            kind: e.kind,
            introduction: e.introduction.unwrap_or(e.first),
            mentions: Vec::with_capacity(n_mentions[i]),
            quotes: Vec::with_capacity(n_quotes[i]),
        })
        .collect();
    for (mid, m) in mentions.iter().enumerate() {
        entities[m.entity].mentions.push(mid);
    }
    for (qid, q) in quotes.iter().enumerate() {
        if let Some(a) = &q.attribution {
            entities[a.entity].quotes.push(qid);
        }
    }
    let mut analysis = Analysis { quotes, mentions, entities, findings: Vec::new(), paragraphs };
    let strays: Vec<(usize, char)> = paras
        .iter()
        .flat_map(|p| p.analysis.stray_closers.iter().map(move |&(o, c)| (p.start + o, c)))
        .collect();
    analysis.findings = rules::run(text, &analysis, &strays);
    (analysis, strays)
}

fn is_document_head(key: &str) -> bool {
    matches!(
        key,
        "statement" | "statements" | "readout" | "release" | "report" | "memo" | "letter" | "email"
            | "e-mail" | "tweet" | "tweets" | "post" | "message" | "transcript" | "website" | "ad"
            | "op-ed" | "editorial" | "article" | "column" | "speech" | "filing" | "announcement"
            | "account" | "spokesman" | "spokeswoman" | "spokesperson"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_split_on_blank_lines_of_any_space() {
        let mut v = Vec::new();
        split_paragraphs("a\nb\n\n\u{a0}\r\nc\r\rd", 0, &mut v);
        // `\r` alone ends a line (as in LSP), so `c\r\rd` is two paragraphs.
        assert_eq!(v, vec![0..3, 9..10, 12..13]);
    }

    #[test]
    fn incremental_equals_full() {
        let base = "“One,” she said.\n\nAnn Lee met Bob.\n\n“Two,” Lee wrote. “Three.”\n";
        let mut d = Document::new(base, Options::default());
        d.edit(19..19, "Mr. ");
        d.edit(0..0, "Title\n\n");
        d.edit(5..7, " ");
        let full = Document::new(d.text(), Options::default()).analysis();
        assert_eq!(d.analysis(), full);
    }
}
