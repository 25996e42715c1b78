//! Incremental document analysis.
//!
//! An article is a sequence of paragraphs (maximal runs of non-blank lines;
//! a line of only white space, NBSP included, is blank; `\n`, `\r\n` and `\r`
//! end lines). Per-paragraph results ([`ParaAnalysis`], with their
//! coreference keys) are cached, one compact block per paragraph
//! ([`Cached`], `cache.rs`); an edit
//! redoes only the paragraphs it touches (plus their two neighbours, whose
//! boundaries it might change). When every paragraph kept its results up
//! to offsets, the last analysis is shifted; otherwise the document-level
//! pass (continuations, coreference, entities, findings; `pass.rs`)
//! resumes at the first changed paragraph, in time linear in what follows.

use rayon::prelude::*;
use std::hash::{BuildHasher, Hasher};
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use super::lexicon::Lexicon;
use super::marks;
use super::cache::{self, Cached};
use super::paragraph::{with_analysis, NameRun, ParaAnalysis};
use super::pass::Pass;
use super::rules;
use super::source::TextSource;
use super::{offset, too_long_analysis, Analysis, Offset, Options};

#[cfg(test)]
thread_local! {
    /// The length from which a text is too long, lowered by unit tests to
    /// check a document's way into and out of it without 4 GiB of text.
    static TEST_MAX_LEN: std::cell::Cell<usize> = const { std::cell::Cell::new(super::MAX_LEN) };
}

/// Is a text of `len` bytes too long to analyse ([`super::too_long`])?
fn too_long(len: usize) -> bool {
    #[cfg(test)]
    if len >= TEST_MAX_LEN.with(std::cell::Cell::get) {
        return true;
    }
    super::too_long(len)
}

/// A paragraph: its start (document byte offset) and its cached results.
#[derive(Debug, Clone)]
pub(super) struct Para {
    pub(super) start: usize,
    pub(super) analysis: Cached,
}

/// The process's key hasher: foldhash (`quality` variant) with a random
/// seed drawn once per process.
///
/// Why foldhash: every name of every paragraph gets three key hashes and
/// most keys are a few bytes long, where keyed SipHash-1-3 (the standard
/// `RandomState`) costs ~180 instructions a key and foldhash ~30. foldhash
/// is the default hasher of `hashbrown` (which the standard `HashMap` is
/// built on), is well kept, and is seeded: its random per-process seed
/// keeps an article's author from choosing names that collide, which is
/// the degradation a fixed hash (FxHash) would allow. It is not a
/// cryptographic hash and makes no stronger promise; none is needed, since
/// the tables of the document pass (`pass.rs`) chain entries by the whole
/// 64-bit hash and compare the key texts, so a collision costs time, never
/// a wrong result. The `quality` variant adds one multiply so that every
/// bit of the hash is mixed: the tables take their buckets from its low
/// bits as it is.
pub(super) fn key_hasher() -> &'static foldhash::quality::RandomState {
    static STATE: OnceLock<foldhash::quality::RandomState> = OnceLock::new();
    STATE.get_or_init(foldhash::quality::RandomState::default)
}

/// A lookup key with its hash computed once ([`hash_with`]): hashes as
/// its precomputed hash, compares as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct KeyRef<'a> {
    pub(super) hash: u64,
    pub(super) text: &'a str,
}

impl std::hash::Hash for KeyRef<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}


/// [`hash_with`] and the process's hasher.
#[cfg(test)]
fn hash_str(s: &str) -> u64 {
    hash_with(key_hasher(), s)
}

/// The hash of a key text: a function of its bytes only (however the
/// text was built), with `hasher` (always [`key_hasher`]'s, fetched once
/// per paragraph). Every key of the document pass is hashed here.
#[inline]
pub(super) fn hash_with(hasher: &foldhash::quality::RandomState, s: &str) -> u64 {
    // `write` alone, without the `0xff` terminator of `<str as Hash>`:
    // foldhash mixes the length in, and only whole keys are hashed.
    let mut h = hasher.build_hasher();
    h.write(s.as_bytes());
    h.finish()
}

/// Analyse one paragraph (`text` is the paragraph) and cache its results
/// with its keys. A paragraph of 4 GiB or more gets no results
/// ([`cache::MAX_LEN`]): it is not analysed.
fn prepare(text: &str, lexicon: &Lexicon) -> Cached {
    if text.len() >= cache::MAX_LEN {
        return cache::encode(&ParaAnalysis { len: text.len(), ..ParaAnalysis::default() }, text);
    }
    with_analysis(text, lexicon, |pa| cache::encode(pa, text))
}

/// See [`Document::cache_heap_bytes`].
fn cache_heap_bytes(paras: &Vec<Para>) -> Vec<(&'static str, usize)> {
    let chunk = |n: usize| ((n + 8 + 15) & !15).max(32);
    let list = paras.capacity() * std::mem::size_of::<Para>();
    let blocks: usize = paras.iter().map(|p| p.analysis.heap_bytes()).sum();
    let chunks = chunk(list) + paras.iter().map(|p| chunk(p.analysis.heap_bytes())).sum::<usize>();
    vec![("paragraph list", list), ("per-paragraph blocks", blocks), ("blocks", paras.len() + 1), ("chunks", chunks)]
}

/// An article kept for incremental reanalysis, with its text.
///
/// Holds the text (a `String`) and a [`DocumentState`]: the per-paragraph
/// results and the latest document-level [`Analysis`].
/// [`Document::edit`] reanalyses only the paragraphs an edit touches;
/// [`Document::analysis`] reruns the document-level pass when the text
/// changed since the last call. A caller that keeps the text itself (the
/// language server keeps it in a rope) uses [`DocumentState`] and passes
/// the text to each call instead, so that it is not held twice.
#[derive(Debug, Clone)]
pub struct Document {
    text: String,
    state: DocumentState,
}

/// The analysis state of an article whose text the caller keeps: the
/// per-paragraph results (one cached block per paragraph), the
/// document pass's resumable state and the latest document-level
/// [`Analysis`], but not the text.
///
/// Every call takes the current text as a [`TextSource`]: the text as it
/// is now, after every edit reported so far. Given the same texts and
/// edits, the analysis is the one [`Document`] gives (which is this, with
/// a `String`). A text that does not agree with the edits reported (its
/// length is not what they lead to) is not an error: everything is
/// analysed again from it.
#[derive(Debug, Clone)]
pub struct DocumentState {
    /// The length of the text (bytes) as of the last call.
    len: usize,
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
    /// Some edit changed a paragraph's results (not only its offsets): the
    /// document pass must run, from the first paragraph `pass` no longer
    /// has up to date.
    dirty: bool,
    /// The resumable document pass.
    pass: Pass,
    /// Paragraphs analysed since the state was made (for tests and
    /// profiles: an edit should analyse only those around it).
    analysed: u64,
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
    /// The image of an offset of the analysis (the text after the edit is
    /// shorter than [`super::MAX_LEN`], so it fits).
    fn map_offset(&self, x: Offset) -> Option<Offset> {
        Some(offset(self.map(x as usize)?))
    }
    fn range(&self, r: &Range<Offset>) -> Option<Range<Offset>> {
        Some(self.map_offset(r.start)?..self.map_offset(r.end)?)
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
        // The first and last words are lengths from the ends of `range`.
        let NameRun { range, description, words, last_len, first_len, org, person, honorific, gender, with_the } = n;
        out_names.push(NameRun {
            range: r(range)?,
            description: or(description)?,
            words: *words,
            last_len: *last_len,
            first_len: *first_len,
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

/// Split the bytes `range` of `text` into paragraph ranges (document
/// offsets, in order), appended to `out`. Reads the text piece by piece
/// ([`TextSource::pieces`]): a line, or its `\r\n`, may run across pieces.
fn split_paragraphs(text: &dyn TextSource, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    /// The paragraph being built: its start and the end of its last line.
    struct State {
        cur: Option<(usize, usize)>,
        line_start: usize,
        /// The line from `line_start` is blank so far.
        blank: bool,
        /// The last piece ended with a `\r` that ended a line: a `\n` at
        /// the start of the next piece belongs to it.
        after_cr: bool,
        /// Offset of the next piece.
        at: usize,
    }
    impl State {
        fn end_line(&mut self, end: usize, out: &mut Vec<Range<usize>>) {
            if self.blank {
                if let Some((s, e)) = self.cur.take() {
                    out.push(s..e);
                }
            } else {
                self.cur = Some((self.cur.map_or(self.line_start, |(s, _)| s), end));
            }
        }
    }
    let end = range.end;
    let mut st = State { cur: None, line_start: range.start, blank: true, after_cr: false, at: range.start };
    text.pieces(range, &mut |piece| {
        let b = piece.as_bytes();
        let mut i = 0;
        if std::mem::take(&mut st.after_cr) && b.first() == Some(&b'\n') {
            i = 1;
            st.line_start = st.at + 1;
        }
        while i < b.len() {
            let k = memchr::memchr2(b'\n', b'\r', &b[i..]).map(|k| i + k);
            let seg_end = k.unwrap_or(b.len());
            // (`i` and `seg_end` are at ASCII bytes or the piece's ends.)
            if st.blank && !piece[i..seg_end].chars().all(char::is_whitespace) {
                st.blank = false;
            }
            let Some(k) = k else {
                break;
            };
            st.end_line(st.at + k, out);
            i = k + 1;
            if b[k] == b'\r' {
                match b.get(i) {
                    Some(b'\n') => i += 1,
                    Some(_) => {}
                    None => st.after_cr = true,
                }
            }
            st.line_start = st.at + i;
            st.blank = true;
        }
        st.at += b.len();
    });
    // The last line (empty when the text ends with a line break), and the
    // last paragraph.
    st.end_line(end, out);
    if let Some((s, e)) = st.cur {
        out.push(s..e);
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

/// The longest paragraph whose copy (from a text stored in pieces) a
/// reading buffer keeps room for between paragraphs: 64 KiB.
const KEEP_BUF: usize = 1 << 16;

/// Analyse the paragraph `r` of `text`, read through `buf` when the text
/// is stored in pieces ([`prepare`]).
fn prepare_from(text: &dyn TextSource, r: Range<usize>, lexicon: &Lexicon, buf: &mut String) -> Cached {
    let cached = prepare(text.read(r, buf), lexicon);
    if buf.capacity() > KEEP_BUF {
        *buf = String::new();
    }
    cached
}

impl DocumentState {
    /// The state of a document whose text is `text`, analysed with
    /// `options` (the paragraphs now, on every core; the document pass at
    /// the first [`DocumentState::analysis`]).
    pub fn new(text: &dyn TextSource, options: Options) -> Self {
        let lexicon = lexicon_for(&options);
        let mut state = DocumentState {
            len: text.len(),
            options,
            lexicon,
            paras: Vec::new(),
            analysis: None,
            strays: Vec::new(),
            pending: Vec::new(),
            dirty: true,
            pass: Pass::default(),
            analysed: 0,
        };
        state.reanalyze_all(text);
        state
    }

    fn reanalyze_all(&mut self, text: &dyn TextSource) {
        self.len = text.len();
        self.pending.clear();
        self.dirty = true;
        self.analysis = None;
        if too_long(self.len) {
            // Not analysed: `analysis()` answers with the one finding.
            self.paras = Vec::new();
            self.strays = Vec::new();
            self.pass = Pass::default();
            return;
        }
        let mut ranges = Vec::new();
        split_paragraphs(text, 0..self.len, &mut ranges);
        // Paragraphs are independent: analyse them on every core (rayon's
        // pool; a caller already inside it, like the command line, shares
        // it), a chunk at a time, while the document pass walks the
        // coreference of the chunk before (that walk is sequential; this
        // way it overlaps the parallel work). Results keep document order.
        // The last chunk's walk is left to `analysis()`, serial: 512
        // paragraphs measured best (1,024: 0.5 ms more of it on the 3.9 MB
        // PolNeAR train text; 256: more time lost in the parallel part).
        const CHUNK: usize = 512;
        let (lexicon, pass) = (&self.lexicon, &mut self.pass);
        pass.start_over();
        let mut paras: Vec<Para> = Vec::with_capacity(ranges.len());
        for chunk in ranges.chunks(CHUNK) {
            let done = paras.len();
            let (fresh, ()) = rayon::join(
                || {
                    chunk
                        .par_iter()
                        .with_min_len(64)
                        .map_init(String::new, |buf, r| Para {
                            start: r.start,
                            analysis: prepare_from(text, r.clone(), lexicon, buf),
                        })
                        .collect::<Vec<Para>>()
                },
                || pass.walk_ahead(text, &paras, done),
            );
            paras.extend(fresh);
        }
        self.analysed += paras.len() as u64;
        self.paras = paras;
    }

    /// The length in bytes of the text as of the last call.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Is the text (as of the last call) empty?
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many paragraphs were analysed since the state was made (a
    /// first analysis: all of them; an edit: those around it).
    #[doc(hidden)]
    pub fn paragraphs_analysed(&self) -> u64 {
        self.analysed
    }

    /// Heap bytes of the document pass's resumable state, by part.
    #[doc(hidden)]
    pub fn pass_heap_bytes(&self) -> Vec<(&'static str, usize)> {
        self.pass.heap_bytes()
    }

    /// See [`Document::cache_heap_bytes`].
    #[doc(hidden)]
    pub fn cache_heap_bytes(&self) -> Vec<(&'static str, usize)> {
        cache_heap_bytes(&self.paras)
    }

    /// The options in force.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The bytes `range` of the text before this edit were replaced by
    /// `new_len` bytes; `text` is the text after it. `range` must be a
    /// range of `char` boundaries of the text before (as a byte range
    /// converted from an editor's position always is): an empty edit
    /// (nothing replaced by nothing) changes nothing.
    ///
    /// Never fails: a range that runs past the end is clamped to the old
    /// text, a reversed one is swapped; a `text` whose length is not what
    /// the edit leads to gets everything analysed again.
    pub fn edit(&mut self, text: &dyn TextSource, range: Range<usize>, new_len: usize) {
        let len = self.len;
        let s = range.start.min(range.end).min(len);
        let e = range.start.max(range.end).min(len);
        if s == e && new_len == 0 && text.len() == len {
            return;
        }
        if text.len() != len - (e - s) + new_len {
            self.reanalyze_all(text);
            return;
        }
        // Affected old paragraphs: the one containing or before `s` and the
        // one containing or after `e`, each widened by one neighbour.
        let n = self.paras.len();
        let end_of = |p: &Para| p.start + p.analysis.len();
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
        self.len = text.len();
        if too_long(len) || too_long(self.len) {
            // To or from a text too long to analyse: no paragraphs to reuse.
            self.reanalyze_all(text);
            return;
        }
        let delta = new_len as isize - (e - s) as isize;
        let region_end_new = (region_end_old as isize + delta) as usize;
        let mut ranges = Vec::new();
        split_paragraphs(text, region_start..region_end_new, &mut ranges);
        // Old paragraphs in the region, to reuse those the edit left alone.
        let first_old = self.paras.partition_point(|p| p.start < region_start);
        let last_old = self.paras.partition_point(|p| p.start < region_end_old);
        let new_after = s + new_len;
        let mut fresh: Vec<Para> = Vec::with_capacity(ranges.len());
        // For each new paragraph, the old one of the region it keeps (by
        // index into the region), if the edit left it alone.
        let mut kept: Vec<Option<usize>> = Vec::with_capacity(ranges.len());
        let region = &mut self.paras[first_old..last_old];
        {
            let region = &*region;
            // The old paragraph of the region starting at `start`, if any
            // (binary search: the region may hold every paragraph).
            let at = |start: usize| -> Option<usize> {
                let i = region.partition_point(|p| p.start < start);
                region.get(i).filter(|p| p.start == start).map(|_| i)
            };
            for r in &ranges {
                let before = at(r.start).filter(|&i| {
                    let p = &region[i];
                    let old = p.start..end_of(p);
                    old.end < s && old == *r
                });
                let after = || {
                    let old_start = (r.start as isize - delta) as usize;
                    at(old_start).filter(|&i| {
                        let p = &region[i];
                        p.start > e && r.start > new_after && p.analysis.len() == r.len()
                    })
                };
                kept.push(before.or_else(after));
            }
        }
        // Kept paragraphs move their blocks over (the old entry is left
        // empty: it is only compared by `kept` from here on).
        let mut buf = String::new();
        for (r, k) in ranges.iter().zip(&kept) {
            let analysis = match k {
                // (Each old paragraph is kept by one new one at most; an
                // emptied block is redone rather than read.)
                Some(i) if !region[*i].analysis.is_moved_out() => std::mem::take(&mut region[*i].analysis),
                _ => {
                    self.analysed += 1;
                    prepare_from(text, r.clone(), &self.lexicon, &mut buf)
                }
            };
            fresh.push(Para { start: r.start, analysis });
        }
        let region = &*region;
        // Did every paragraph keep its results up to offsets? Then the
        // document-level analysis is the last one shifted.
        let shift = Shift { at: s, old_end: e, new_len };
        // A new paragraph keeps the old one at the same place when `kept`
        // says so (its block was moved over).
        let same_block = |i: usize| kept.get(i) == Some(&Some(i));
        let same_up_to_shift = self.analysis.is_some()
            && fresh.len() == region.len()
            && region.iter().zip(&fresh).enumerate().all(|(i, (old, new))| {
                shift.map(old.start) == Some(new.start)
                    && (same_block(i)
                        // (A block moved over to another place is not read
                        // again: the paragraphs differ.)
                        || (!old.analysis.is_moved_out() && {
                            // Equal up to the shift, keys included (decoded:
                            // only for the few paragraphs the edit redid).
                            let (o, n) = (old.analysis.decode(), new.analysis.decode());
                            !touches_keys(&o.para, old.start, s, e)
                                && o.names == n.names
                                && o.sources == n.sources
                                && shifted_para(&o.para, old.start, &shift).as_ref() == Some(&n.para)
                        }))
            });
        // The first paragraph whose start or results changed: the document
        // pass state before it stays valid.
        let first_changed = region
            .iter()
            .zip(&fresh)
            .enumerate()
            .position(|(i, (old, new))| old.start != new.start || !same_block(i))
            .unwrap_or(region.len().min(fresh.len()));
        self.pass.invalidate(first_old + first_changed);
        if same_up_to_shift {
            self.pending.push(shift);
        } else {
            self.dirty = true;
            self.pending.clear();
        }
        // The new paragraphs in place of the region's, then the rest moved
        // by the edit (in place: no copy of the list's tail).
        let after = first_old + fresh.len();
        self.paras.splice(first_old..last_old, fresh);
        for p in self.paras.get_mut(after..).unwrap_or(&mut []) {
            p.start = (p.start as isize + delta) as usize;
        }
    }

    /// The whole text was replaced: `text` is the new one.
    pub fn set_text(&mut self, text: &dyn TextSource) {
        self.reanalyze_all(text);
    }

    /// Change the options (`text`: the current text); everything is
    /// reanalysed when they differ.
    pub fn set_options(&mut self, text: &dyn TextSource, options: Options) {
        if options != self.options {
            self.lexicon = lexicon_for(&options);
            self.options = options;
            self.reanalyze_all(text);
        }
    }

    /// The analysis of the current text `text` (cached until the next
    /// edit).
    ///
    /// After edits that changed only offsets, the last analysis shifted;
    /// otherwise the document pass resumed at the first changed paragraph
    /// and the last analysis updated from there (copied first when a caller
    /// still holds it). A `text` of another length than the edits lead to
    /// is analysed from scratch.
    ///
    /// A text of [`super::MAX_LEN`] bytes or more is not analysed: its
    /// analysis is [`too_long_analysis`] (one `text-too-long` finding).
    pub fn analysis(&mut self, text: &dyn TextSource) -> Arc<Analysis> {
        if text.len() != self.len {
            self.reanalyze_all(text);
        }
        if too_long(self.len) {
            let a = match self.analysis.take() {
                Some(a) => a,
                None => Arc::new(too_long_analysis(self.len)),
            };
            self.analysis = Some(a.clone());
            return a;
        }
        if !self.dirty && !self.pending.is_empty() {
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
                    am.findings = rules::run(text, am, &self.strays);
                    self.analysis = Some(a.clone());
                    return a;
                }
            }
            self.dirty = true;
        }
        if !self.dirty {
            if let Some(a) = &self.analysis {
                return a.clone();
            }
        }
        self.pending.clear();
        // Taken out while the pass runs: should it panic, the next call
        // starts afresh.
        let mut a = match self.analysis.take() {
            Some(a) => a,
            // No analysis to update: a run from the top (which may have
            // walked ahead during a first analysis).
            None => {
                self.pass.run_from_top();
                Arc::new(Analysis::default())
            }
        };
        let strays = std::mem::take(&mut self.strays);
        self.strays = self.pass.run(text, &self.paras, Arc::make_mut(&mut a), strays);
        self.dirty = false;
        self.analysis = Some(a.clone());
        a
    }
}

impl Document {
    /// A document over `text`. The document keeps its own copy of the
    /// text: pass a `String` to hand it over without a copy (a `&str` is
    /// copied).
    pub fn new(text: impl Into<String>, options: Options) -> Self {
        let text = text.into();
        let state = DocumentState::new(&text, options);
        Document { text, state }
    }

    /// The current text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Heap bytes of the document pass's resumable state, by part.
    #[doc(hidden)]
    pub fn pass_heap_bytes(&self) -> Vec<(&'static str, usize)> {
        self.state.pass_heap_bytes()
    }

    /// Heap bytes of the cached per-paragraph results, by part, as
    /// requested from the allocator, then `blocks` (the number of
    /// allocations) and `chunks` (the bytes glibc's malloc takes for them:
    /// 8 bytes of header, rounded up to 16, at least 32 each).
    #[doc(hidden)]
    pub fn cache_heap_bytes(&self) -> Vec<(&'static str, usize)> {
        self.state.cache_heap_bytes()
    }

    /// The options in force.
    pub fn options(&self) -> &Options {
        self.state.options()
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
        self.text.replace_range(s..e, new_text);
        self.state.edit(&self.text, s..e, new_text.len());
    }

    /// Replace the whole text (a `String` is taken over without a copy).
    pub fn set_text(&mut self, text: impl Into<String>) {
        self.text = text.into();
        self.state.set_text(&self.text);
    }

    /// Change the options; everything is reanalysed.
    pub fn set_options(&mut self, options: Options) {
        self.state.set_options(&self.text, options);
    }

    /// The analysis of the current text (cached until the next edit); see
    /// [`DocumentState::analysis`].
    ///
    /// A text of [`super::MAX_LEN`] bytes or more is not analysed: its
    /// analysis is [`too_long_analysis`] (one `text-too-long` finding).
    pub fn analysis(&mut self) -> Arc<Analysis> {
        self.state.analysis(&self.text)
    }
}

// ---------------------------------------------------------------------------
// Keys of the document pass.

/// Would [`collapse_ws`] change `s`? (White space as in
/// `char::is_whitespace`: leading, trailing, doubled, or other than ` `.)
/// One pass over the bytes; only non-ASCII characters are decoded.
pub(super) fn needs_collapse(s: &str) -> bool {
    let b = s.as_bytes();
    let mut prev_space = true;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c > b' ' && c < 0x80 {
            prev_space = false;
            i += 1;
        } else if c == b' ' {
            if prev_space {
                return true;
            }
            prev_space = true;
            i += 1;
        } else if c < 0x80 {
            // `\t`, `\n`, vertical tab, form feed, `\r`; other controls are
            // not white space.
            if (0x09..=0x0d).contains(&c) {
                return true;
            }
            prev_space = false;
            i += 1;
        } else {
            // `i` is a character boundary: it only ever moves by whole
            // characters.
            let Some(ch) = s.get(i..).and_then(|t| t.chars().next()) else {
                return false;
            };
            if ch.is_whitespace() {
                return true;
            }
            prev_space = false;
            i += ch.len_utf8();
        }
    }
    prev_space && !b.is_empty()
}

/// Append the words of `s` (split on `char::is_whitespace`) to `out`,
/// joined by single spaces.
pub(super) fn collapse_into(out: &mut String, s: &str) {
    if !needs_collapse(s) {
        out.push_str(s);
        return;
    }
    let start = out.len();
    for w in s.split_whitespace() {
        if out.len() > start {
            out.push(' ');
        }
        out.push_str(w);
    }
}

/// Lower-case `s` from byte `from` on (a character boundary) as
/// `str::to_lowercase` does; in place when that part is ASCII.
pub(super) fn lowercase_from(s: &mut String, from: usize) {
    let Some(tail) = s.get_mut(from..) else {
        return;
    };
    if tail.is_ascii() {
        tail.make_ascii_lowercase();
    } else {
        let lowered = tail.to_lowercase();
        s.truncate(from);
        s.push_str(&lowered);
    }
}

/// `s` with its white space collapsed ([`collapse_into`]), in one
/// allocation of the exact size when nothing collapses.
#[cfg(test)]
fn collapse_ws(s: &str) -> Box<str> {
    if !needs_collapse(s) {
        return Box::from(s);
    }
    let mut out = String::with_capacity(s.len());
    collapse_into(&mut out, s);
    out.into_boxed_str()
}

pub(super) fn is_document_head(key: &str) -> bool {
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
        split_paragraphs(&"a\nb\n\n\u{a0}\r\nc\r\rd", 0..13, &mut v);
        // `\r` alone ends a line (as in LSP), so `c\r\rd` is two paragraphs.
        assert_eq!(v, vec![0..3, 9..10, 12..13]);
    }

    /// The words of `s` joined by single spaces (the definition that
    /// [`needs_collapse`] and [`collapse_ws`] implement faster).
    fn collapse_reference(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn collapse_agrees_with_split_whitespace() {
        let cases = [
            "", " ", "  ", "a", " a", "a ", "a b", "a  b", "a\tb", "a\nb", "a\rb", "a\u{b}b", "a\u{c}b", "a\u{1f}b",
            "a\u{85}b", "a\u{a0}b", "José Núñez", "\u{a0}Ann", "Ann\u{2009}Lee", "Ann\u{3000}Lee", "Ann\u{200b}Lee",
            "Ann\u{1680}Lee", "Ann\u{202f}Lee", "Ann\u{205f}Lee", "the  White House", "Владимир Путин", "日本 政府",
            "a \u{a0}b", "ab\u{2028}", "\u{2029}",
        ];
        for s in cases {
            let want = collapse_reference(s);
            assert_eq!(needs_collapse(s), want != s, "{s:?}");
            assert_eq!(&*collapse_ws(s), want, "{s:?}");
            let mut out = String::from("the ");
            collapse_into(&mut out, s);
            assert_eq!(out, format!("the {want}"), "{s:?}");
        }
    }

    #[test]
    fn lowercase_from_agrees_with_to_lowercase() {
        for tail in ["", "He", "THE MINISTRY", "ΟΔΟΣ ΟΔΟΣ", "İstanbul Σ", "José"] {
            let mut s = format!("Pronoun:{tail}");
            lowercase_from(&mut s, "Pronoun:".len());
            assert_eq!(s, format!("Pronoun:{}", tail.to_lowercase()), "{tail:?}");
        }
    }

    #[test]
    fn key_hash_depends_on_the_text_only() {
        let built = format!("the {}", "Kremlin");
        assert_eq!(hash_str(&built), hash_str("the Kremlin"));
        assert_ne!(hash_str("the Kremlin"), hash_str("the Kremlin "));
    }

    #[test]
    fn a_text_too_long_gets_one_finding_and_edits_lead_out_of_it() {
        let fresh = |t: &str| Document::new(t, Options::default()).analysis();
        let short = "“One,” she said.\n\nAnn Lee met Bob.\n\n“Two,” Lee wrote.\n";
        TEST_MAX_LEN.with(|m| m.set(short.len() + 10));
        let long = format!("{short}“Three,” Lee wrote.\n");
        let mut d = Document::new(long.as_str(), Options::default());
        assert_eq!(*d.analysis(), too_long_analysis(long.len()));
        // Shortened below the limit: a full analysis again.
        let cut = short.len()..long.len();
        d.edit(cut.clone(), "");
        assert_eq!(d.analysis(), fresh(short));
        assert_eq!(d.analysis().quotes.len(), 2);
        // Into it and out of it again, without an analysis in between.
        d.edit(short.len()..short.len(), &long[cut.clone()]);
        d.edit(0..0, "x");
        assert_eq!(*d.analysis(), too_long_analysis(long.len() + 1));
        d.edit(0..1, "");
        d.edit(cut, "");
        assert_eq!(d.analysis(), fresh(short));
        TEST_MAX_LEN.with(|m| m.set(super::super::MAX_LEN));
    }

    #[test]
    fn typing_around_a_name_inside_a_nominal_equals_full() {
        // `the Kremlin spokesman`: the name is resolved before the nominal
        // that holds it, so the paragraph's mentions are reordered; edits
        // before, inside and after such paragraphs keep that order.
        let para = "“We will respond,” the Kremlin spokesman said.\n\nAnn Lee met Bob Stone.\n\n";
        let base = format!("{para}{para}“Two,” Lee wrote. “Three,” the Kremlin spokesman added.\n");
        let mut d = Document::new(base.as_str(), Options::default());
        d.analysis();
        let lee = base.find("Ann Lee").unwrap_or(0) + 1;
        let kremlin = base.rfind("Kremlin").unwrap_or(0) + 2;
        for (at, s) in [(lee, "x"), (kremlin, "y"), (lee, ""), (0, "Title\n\n")] {
            if s.is_empty() {
                d.edit(at..at + 1, "");
            } else {
                d.edit(at..at, s);
            }
            let a = d.analysis();
            assert_eq!(a, Document::new(d.text(), Options::default()).analysis());
            // Document order: the nominal (which starts first) before the
            // name inside it.
            let ranges: Vec<_> = a.mentions.iter().map(|m| (m.range.start, m.range.end)).collect();
            assert!(ranges.windows(2).all(|w| w[0] <= w[1]), "{ranges:?}");
            let nominal = a.mentions.iter().position(|m| m.kind == super::super::MentionKind::Nominal);
            assert!(nominal.is_some_and(|i| a.mentions.get(i + 1).is_some_and(|n| n.range.start > a.mentions[i].range.start && n.range.end < a.mentions[i].range.end)));
            // Each quotation's mention (a final id) is the nominal, or names
            // its speaker.
            let said: Vec<&str> = a
                .quotes
                .iter()
                .filter_map(|q| q.attribution.as_ref())
                .map(|at| {
                    let m = &a.mentions[ix(at.mention)];
                    assert_eq!(ix(m.entity), ix(at.entity));
                    d.text().get(ix(m.range.start)..ix(m.range.end)).unwrap_or("")
                })
                .collect();
            assert_eq!(said.len(), 4);
            assert!(said.iter().all(|s| *s == "Lee" || s.starts_with("the K") && s.ends_with("spokesman")), "{said:?}");
        }
    }

    /// Edits far apart, applied one by one with the text after each (as
    /// the server applies a burst of changes), analyse only the
    /// paragraphs they change (the neighbours, whose boundaries an edit
    /// might move, are kept when it did not).
    #[test]
    fn edits_far_apart_analyse_only_the_paragraphs_around_them() {
        let para = "“We will rebuild,” Mayor Ann Lee said.\n\n";
        let text = para.repeat(400);
        let mut state = DocumentState::new(&text, Options::default());
        assert_eq!(state.paragraphs_analysed(), 400);
        let mut t1 = text.clone();
        t1.insert(10, 'x');
        state.edit(&t1, 10..10, 1);
        let mut t2 = t1.clone();
        let at = t2.len() - 20;
        t2.insert_str(at, "\n\nNew.");
        state.edit(&t2, at..at, "\n\nNew.".len());
        // The edited paragraph; the last one, split in two by the break.
        assert_eq!(state.paragraphs_analysed(), 400 + 1 + 2);
        assert_eq!(*state.analysis(&t2), super::super::analyze(&t2));
    }

    /// An offset or id as `usize`.
    fn ix<T: TryInto<usize>>(x: T) -> usize {
        x.try_into().unwrap_or(usize::MAX)
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

    /// A speaker carried from a paragraph's trailing cue into the next
    /// paragraph's quotation survives edits before, at and after it (the
    /// pass keeps carried attributions apart from its marks).
    #[test]
    fn carried_speakers_stay_right_across_edits() {
        let base = "Mayor Ann Lee said:\n\n“We will rebuild.”\n\nBob Roe, a builder, added:\n\n“It will not be soon, not at all.”\n\nLee wrote:\n\n“Trust us on this one, please.”\n";
        let edits: [(&str, &str); 5] = [
            ("Bob Roe", "Bob Rowe"),
            ("Mayor Ann Lee", "Mayor Anne Lee"),
            ("“It will not be soon, not at all.”", "“It will not be soon, not at all,” he said."),
            ("Lee wrote:", "Lee wrote"),
            ("Lee wrote", "Lee wrote:"),
        ];
        let mut d = Document::new(base, Options::default());
        let first = d.analysis();
        assert!(first.quotes.iter().all(|q| q.attribution.is_some()), "{first:?}");
        for (i, (from, to)) in edits.iter().enumerate() {
            let at = d.text().find(from).unwrap();
            d.edit(at..at + from.len(), to);
            let full = Document::new(d.text(), Options::default()).analysis();
            assert_eq!(d.analysis(), full, "after edit {i}");
        }
    }

    /// The stray closers before the paragraphs a run redoes are kept from
    /// the previous run: right after edits that only shift them, edits
    /// after them, and edits before them (which move them), analysed one
    /// by one or several at once.
    #[test]
    fn stray_closers_stay_right_across_runs() {
        let base = "Bad” start.\n\n“One,” said Ann Lee.\n\nAgain” here.\n\n“Two,” Lee wrote.\n\nEnd” .\n";
        let edits: [(&str, &str); 6] = [
            ("Lee wrote", "Leex wrote"), // inside a name: the pass reruns from there
            ("Again", "Again and again"),  // before a stray: shifts it
            ("Bad", "Quite bad"),          // at the start
            ("said Ann", "said Anna"),     // a name before the second stray
            ("End", "“End"),               // a closer becomes a pair
            ("\n\nAgain", "\n\n“Again"),
        ];
        for batch in [1, 2, 3] {
            let mut d = Document::new(base, Options::default());
            d.analysis();
            for (i, (from, to)) in edits.iter().enumerate() {
                let at = d.text().find(from).unwrap();
                d.edit(at..at + from.len(), to);
                if (i + 1) % batch == 0 {
                    let full = Document::new(d.text(), Options::default()).analysis();
                    assert_eq!(d.analysis(), full, "after edit {i} (every {batch})");
                }
            }
            let full = Document::new(d.text(), Options::default()).analysis();
            assert_eq!(d.analysis(), full);
            assert!(full.findings.iter().any(|f| f.code == "mismatched-quote"));
        }
    }
}
