//! The document-level pass (continuations, coreference, entities, findings),
//! resumable at any paragraph.
//!
//! The pass walks the cached paragraph results in order. Its forward state
//! (the coreference tables, the entities built so far, the mentions, and the
//! chain of speakers between paragraphs) depends only on the paragraphs
//! before, so [`Pass`] keeps that state with a mark per paragraph and an
//! undo log of every change made to state that existed before the
//! paragraph. After an edit whose first changed paragraph is `k`, the pass
//! rewinds to its mark at `k` (undoing the log back to it, in time
//! proportional to what is undone), runs paragraphs `k..` again, and updates
//! the previous [`Analysis`] in place from there: the cost of a keystroke is
//! proportional to the text after it, not to the whole document, and typing
//! at the end of an article costs the last paragraph only.
//!
//! The result is equal to a pass from paragraph 0 (the property tests of
//! `tests/lsp_props.rs` and `tests/core_props.rs` compare incremental and
//! fresh analyses).

use super::cache::{NameView, SourceRef};
use super::document::{KeyRef, Para};
use super::lexicon::{Gender, PronounClass};
use super::marks::{self, Family};
use super::paragraph::How;
use super::rules;
use super::source::{Sweep, TextSource};
use super::{offset, offsets, Analysis, Attribution, Entity, EntityKind, Mention, MentionKind, Method, Quote};

/// Internal index (mention, entity, key entry); `NONE` is no index.
type Id = u32;
const NONE: Id = Id::MAX;

/// A string stored in [`Pass::strings`]: byte offset and length (32 bits,
/// as rust-analyzer's `TextSize`: the strings are names, a small part of
/// the text; past 4 GiB a name reads as empty, nothing panics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Str {
    start: u32,
    len: u32,
}

/// An entity as the pass builds it.
#[derive(Debug, Clone, Copy)]
struct EntityBuild {
    /// Evidence that this is a person (a title, a known first name, two or
    /// more name words, or speaking in a frame): only such entities are
    /// antecedents of `he` and `she`.
    person_evidence: bool,
    name: Str,
    description: Option<Str>,
    kind: EntityKind,
    gender: Gender,
    full: bool,
    introduction: Id,
    first: Id,
    /// The latest mention that is not a pronoun: what a pronoun's
    /// antecedent is shown as.
    last_named: Id,
    /// The paragraph in which this entity was created or last copied to
    /// [`Pass::saved`]: it is copied once per paragraph, before its first
    /// change there other than a touch.
    stamp: u32,
    /// The paragraph in which it was created or its last mentions logged
    /// ([`Undo::Touch`]), once per paragraph.
    touch_stamp: u32,
}

/// One coreference table: text key → entity. Entries are chained per
/// bucket, the low bits of the key's hash (the keys' hashes are computed
/// once per paragraph, seeded foldhash of the process, every bit mixed); a
/// new entry goes at the head of its chain, so that undoing entries newest
/// first always removes a head. At most one entry per bucket on average
/// (the buckets double when the entries reach their number).
#[derive(Debug, Clone, Default)]
struct KeyTable {
    /// The newest entry of each bucket, or `NONE`; a power of two long (or
    /// empty).
    heads: Vec<Id>,
    entries: Vec<KeyEntry>,
}

#[derive(Debug, Clone, Copy)]
struct KeyEntry {
    hash: u64,
    text: Str,
    value: Id,
    next: Id,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Table {
    Full,
    Last,
    First,
    Nominal,
}

/// A change to state that existed before the paragraph that made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Undo {
    /// The entity as it was: the last of [`Pass::saved`].
    Entity,
    /// An entity's latest named mention as it was: (entity, mention, touch
    /// stamp).
    Touch(Id, Id, u32),
    /// A key entry's value as it was.
    Set(Table, Id, Id),
    /// A key entry was added (the last of its table).
    NewKey(Table),
}

/// An [`Undo`] as the log keeps it: 13 bytes, packed (the enum takes 16:
/// its tag is padded to the alignment of its `u32`s). The log holds about
/// one entry per mention, 1.5 bytes per 100 bytes of text.
#[derive(Clone, Copy)]
#[repr(C, packed)]
struct PackedUndo {
    tag: u8,
    a: u32,
    b: u32,
    c: u32,
}

impl From<Undo> for PackedUndo {
    fn from(u: Undo) -> Self {
        let table = |t: Table| t as u8;
        let (tag, a, b, c) = match u {
            Undo::Entity => (0, 0, 0, 0),
            Undo::Touch(e, m, stamp) => (1, e, m, stamp),
            Undo::Set(t, i, old) => (2 + (table(t) << 2), i, old, 0),
            Undo::NewKey(t) => (3 + (table(t) << 2), 0, 0, 0),
        };
        PackedUndo { tag, a, b, c }
    }
}

impl std::fmt::Debug for PackedUndo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

impl PackedUndo {
    fn get(self) -> Undo {
        let PackedUndo { tag, a, b, c } = self;
        let table = match tag >> 2 {
            0 => Table::Full,
            1 => Table::Last,
            2 => Table::First,
            _ => Table::Nominal,
        };
        match tag & 3 {
            0 => Undo::Entity,
            1 => Undo::Touch(a, b, c),
            2 => Undo::Set(table, a, b),
            _ => Undo::NewKey(table),
        }
    }
}

/// A mention as the pass keeps it between runs (its range is in the
/// analysis).
#[derive(Debug, Clone, Copy)]
struct PassMention {
    entity: Id,
    kind: MentionKind,
}

/// Where the changed part starts: paragraphs of the quotation walk,
/// mentions, entities and quotations.
#[derive(Debug, Clone, Copy)]
struct Cuts {
    r: usize,
    m_cut: usize,
    e_cut: usize,
    q_cut: usize,
}

/// Entities below the entity cut that a run's changed part mentions: a
/// flag per entity, and the list.
struct Touched {
    seen: Vec<bool>,
    list: Vec<Id>,
}

impl Touched {
    fn add(&mut self, e: Id) {
        if let Some(x) = self.seen.get_mut(e as usize).filter(|x| !**x) {
            *x = true;
            self.list.push(e);
        }
    }
}

/// State before a paragraph of the coreference walk.
#[derive(Debug, Clone, Copy)]
struct Mark {
    mentions: Id,
    entities: Id,
    undo: Id,
    strings: Id,
    sources: Id,
}

/// State before a paragraph of the quotation walk.
#[derive(Debug, Clone)]
struct Mark2 {
    quotes: Id,
    /// The previous paragraph's last quotation, or `NONE`.
    prev_last: Id,
    prev_open_family: Option<Family>,
    carry: Option<Box<Attribution>>,
}

impl Mark2 {
    /// Before the first paragraph.
    const START: Mark2 = Mark2 { quotes: 0, prev_last: NONE, prev_open_family: None, carry: None };
}

/// A [`Mark2`] as [`Pass::marks2`] keeps it: 16 bytes instead of 24, the
/// carried attribution (rare) kept in [`Pass::carries`] by index.
#[derive(Debug, Clone, Copy)]
struct SavedMark2 {
    quotes: Id,
    prev_last: Id,
    /// Index into [`Pass::carries`], or `NONE`.
    carry: Id,
    prev_open_family: Option<Family>,
}

/// The resumable state of the document pass (see the module comment).
#[derive(Debug, Clone, Default)]
pub(super) struct Pass {
    /// Entity names, descriptions and key texts, appended in pass order.
    strings: String,
    entities: Vec<EntityBuild>,
    by_full: KeyTable,
    by_last: KeyTable,
    by_first: KeyTable,
    by_nominal: KeyTable,
    /// Recently mentioned entities, newest last (at most [`RECENT`]).
    recent: Recent,
    /// Every mention's entity and kind, in pass order (document order but
    /// within a paragraph, where a name inside a nominal comes first).
    mentions: Vec<PassMention>,
    /// The analysis' mentions before the run's first (final order), then
    /// the mentions made by the current run in full (by pass id); empty
    /// between runs.
    fresh: Vec<Mention>,
    undo: Vec<PackedUndo>,
    /// Entities as they were before a change, for [`Undo::Entity`].
    saved: Vec<(Id, EntityBuild)>,
    /// `marks[p]`: state before paragraph `p`.
    marks: Vec<Mark>,
    /// Every paragraph's sources resolved to (mention, antecedent mention
    /// of a pronoun), paragraph `p`'s from `marks[p].sources`.
    sources: Vec<(Id, Id)>,
    /// During a run, the analysis' quotations, to which the quotation walk
    /// appends its own (pass mention ids, before the chain fix); given
    /// back to the analysis by [`Pass::run`], so empty between runs.
    quotes: Vec<Quote>,
    /// Every quotation's attribution as the quotation walk made it (pass
    /// mention ids, before the chain fix): the rest of a quotation is as
    /// in the analysis, which keeps it. 28 bytes a quotation instead of a
    /// whole copy (68).
    attrs: Vec<Option<Attribution>>,
    /// `marks2[p]`: state before paragraph `p` of the quotation walk.
    marks2: Vec<SavedMark2>,
    /// The carried attributions of `marks2`, in paragraph order.
    carries: Vec<Attribution>,
    /// Final (document-order) mention id ↔ pass id.
    reorder: Reorder,
    /// Paragraphs whose state is up to date (a prefix).
    valid: usize,
    /// A run from paragraph 0 begun by [`Pass::walk_ahead`]: the
    /// coreference walk has covered this many paragraphs (their mentions
    /// are in `fresh`).
    walked: Option<usize>,
    /// The quotation walk of such a run: done for the paragraphs before
    /// the first, and the state after them. It stays a paragraph behind
    /// the coreference walk, whose next paragraph it may read.
    quote_walked: Option<(usize, Mark2)>,
    /// Scratch: the name mentions of the current paragraph.
    names: Vec<Id>,
}

/// Final (document-order) mention ids ↔ pass ids. The two orders agree
/// but within the paragraph blocks whose mentions the pass made out of
/// document order (a name inside a nominal comes first: `the Kremlin
/// spokesman`); only those blocks are stored, so the maps cost memory for
/// them alone: 31 KB for 10 MB of PolNeAR articles, where two `Vec<u32>`
/// over every mention took 1.18 MB.
#[derive(Debug, Clone, Default)]
struct Reorder {
    /// The blocks out of order, by first id: (first id, end id, offset of
    /// the block in `order` and `remap`).
    blocks: Vec<(Id, Id, Id)>,
    /// Block by block: final id − first id → pass id.
    order: Vec<Id>,
    /// Block by block: pass id − first id → final id.
    remap: Vec<Id>,
    /// One bit per mention id, set inside the blocks: most lookups (ids
    /// in order) are answered by one bit test, without a search.
    inside: Vec<u64>,
}

impl Reorder {
    /// Forget the blocks from id `cut` on (a paragraph boundary: no block
    /// spans it).
    fn truncate(&mut self, cut: usize) {
        let n = self.blocks.partition_point(|b| (b.0 as usize) < cut);
        debug_assert!(n == 0 || self.blocks[n - 1].1 as usize <= cut, "a block spans the cut");
        if let Some(&(_, _, off)) = self.blocks.get(n) {
            self.order.truncate(off as usize);
            self.remap.truncate(off as usize);
        }
        self.blocks.truncate(n);
        // Clear the bits from `cut` on: the words past its word, and the
        // high bits of its word.
        self.inside.truncate(cut.div_ceil(64));
        if cut % 64 != 0 {
            if let Some(word) = self.inside.get_mut(cut / 64) {
                *word &= (1u64 << (cut % 64)) - 1;
            }
        }
    }

    /// Add the block from id `lo` whose final order is `sorted` (pass ids
    /// `lo..lo + sorted.len()`, permuted), after every block kept.
    fn push(&mut self, lo: Id, sorted: &[Id]) {
        let off = self.order.len();
        self.order.extend_from_slice(sorted);
        self.remap.resize(off + sorted.len(), NONE);
        for (f, &pid) in sorted.iter().enumerate() {
            if let Some(x) = self.remap.get_mut(off + (pid - lo) as usize) {
                *x = lo + id(f);
            }
        }
        self.blocks.push((lo, lo + id(sorted.len()), id(off)));
        let hi = lo as usize + sorted.len();
        if self.inside.len() < hi.div_ceil(64) {
            self.inside.resize(hi.div_ceil(64), 0);
        }
        for x in lo as usize..hi {
            self.inside[x / 64] |= 1 << (x % 64);
        }
    }

    /// The block holding id `x`, if it is out of order.
    #[inline]
    fn block(&self, x: Id) -> Option<(Id, Id)> {
        let x_bit = self.inside.get(x as usize / 64).is_some_and(|w| w & (1 << (x % 64)) != 0);
        if !x_bit {
            return None;
        }
        let i = self.blocks.partition_point(|b| b.1 <= x);
        self.blocks.get(i).filter(|b| b.0 <= x).map(|&(lo, _, off)| (lo, off))
    }

    /// The pass id of final mention id `f`.
    #[inline]
    fn order(&self, f: Id) -> Id {
        self.block(f).map_or(f, |(lo, off)| self.order[(off + f - lo) as usize])
    }

    /// The final id of pass mention id `pid`.
    #[inline]
    fn remap(&self, pid: Id) -> Id {
        self.block(pid).map_or(pid, |(lo, off)| self.remap[(off + pid - lo) as usize])
    }

    fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.blocks.capacity() * size_of::<(Id, Id, Id)>()
            + (self.order.capacity() + self.remap.capacity()) * size_of::<Id>()
            + self.inside.capacity() * size_of::<u64>()
    }
}

const RECENT: usize = 16;

/// The [`RECENT`] most recently mentioned distinct entities, newest last:
/// the candidates of pronoun resolution. A fixed array, searched without
/// branches (every name mention of a walk moves its entity to the end),
/// and a count of its entities by id modulo [`BUCKETS`], which turns away
/// most entities not in the list (the usual case) without a search.
#[derive(Debug, Clone, Copy)]
struct Recent {
    ids: [Id; RECENT],
    len: usize,
    counts: [u8; BUCKETS],
}

/// Buckets of [`Recent::counts`].
const BUCKETS: usize = 64;

fn bucket(e: Id) -> usize {
    e as usize % BUCKETS
}

impl Default for Recent {
    fn default() -> Self {
        Recent { ids: [NONE; RECENT], len: 0, counts: [0; BUCKETS] }
    }
}

impl Recent {
    /// Make `e` the newest: moved from where it is, or added (the oldest
    /// dropped from a full list).
    fn touch(&mut self, e: Id) {
        let len = self.len;
        if len > 0 && self.ids[len - 1] == e {
            return;
        }
        let at = if self.counts[bucket(e)] == 0 {
            RECENT
        } else {
            // Slots past `len` hold `NONE`, which is never an entity, and
            // an entity is in the list at most once: one bit per slot.
            let mut hits = 0u32;
            for (j, &x) in self.ids.iter().enumerate() {
                hits |= u32::from(x == e) << j;
            }
            if hits == 0 {
                RECENT
            } else {
                hits.trailing_zeros() as usize
            }
        };
        if at < RECENT {
            self.ids.copy_within(at + 1..len, at);
            self.ids[len - 1] = e;
            return;
        }
        if len == RECENT {
            let c = &mut self.counts[bucket(self.ids[0])];
            *c = c.saturating_sub(1);
            self.ids.copy_within(1.., 0);
            self.ids[RECENT - 1] = e;
        } else {
            self.ids[len] = e;
            self.len += 1;
        }
        let c = &mut self.counts[bucket(e)];
        *c = c.saturating_add(1);
    }

    /// Newest first.
    fn newest_first(&self) -> impl Iterator<Item = Id> + '_ {
        self.ids[..self.len].iter().rev().copied()
    }

    /// The list of the entities of `mentions` (pronouns left out), as
    /// touching them in order would make it.
    fn rebuild(&mut self, mentions: &[PassMention]) {
        *self = Recent::default();
        let mut newest_first = Vec::with_capacity(RECENT);
        for m in mentions.iter().rev() {
            if m.kind == MentionKind::Pronoun || newest_first.contains(&m.entity) {
                continue;
            }
            newest_first.push(m.entity);
            if newest_first.len() == RECENT {
                break;
            }
        }
        for e in newest_first.into_iter().rev() {
            self.touch(e);
        }
    }
}

impl KeyTable {
    /// The bucket of `hash` (`heads` not empty).
    #[inline]
    fn bucket(&self, hash: u64) -> usize {
        hash as usize & (self.heads.len() - 1)
    }

    fn find(&self, strings: &str, k: KeyRef<'_>) -> Option<Id> {
        if self.heads.is_empty() {
            return None;
        }
        let mut i = self.heads[self.bucket(k.hash)];
        while i != NONE {
            let e = &self.entries[i as usize];
            // Bytes, not `str`: no character-boundary checks.
            if e.hash == k.hash && str_bytes(strings, e.text) == Some(k.text.as_bytes()) {
                return Some(i);
            }
            i = e.next;
        }
        None
    }
    fn get(&self, strings: &str, k: KeyRef<'_>) -> Option<Id> {
        self.find(strings, k).map(|i| self.entries[i as usize].value)
    }

    /// Add an entry (its key absent) at the head of its chain; returns its
    /// index.
    fn push(&mut self, hash: u64, text: Str, value: Id) -> Id {
        let i = id(self.entries.len());
        if self.entries.len() >= self.heads.len() {
            self.grow();
        }
        let b = self.bucket(hash);
        let next = std::mem::replace(&mut self.heads[b], i);
        self.entries.push(KeyEntry { hash, text, value, next });
        i
    }

    /// Remove the newest entry (the head of its chain).
    fn pop(&mut self) {
        if let Some(x) = self.entries.pop() {
            let b = self.bucket(x.hash);
            self.heads[b] = x.next;
        }
    }

    /// Double the buckets (16 at first) and chain the entries again, oldest
    /// first, so that each chain stays newest first.
    fn grow(&mut self) {
        let n = (self.heads.len() * 2).max(16);
        self.heads.clear();
        self.heads.resize(n, NONE);
        for i in 0..self.entries.len() {
            let b = self.bucket(self.entries[i].hash);
            self.entries[i].next = std::mem::replace(&mut self.heads[b], id(i));
        }
    }
}

/// `s` without leading `the `s (`str::trim_start_matches("the ")`, which
/// is slow for a string pattern).
fn strip_the(mut s: &str) -> &str {
    while let Some(rest) = s.strip_prefix("the ") {
        s = rest;
    }
    s
}

fn opt(x: Id) -> Option<Id> {
    (x != NONE).then_some(x)
}

fn id(x: usize) -> Id {
    Id::try_from(x).unwrap_or(NONE)
}

fn str_bytes(strings: &str, s: Str) -> Option<&[u8]> {
    let start = s.start as usize;
    strings.as_bytes().get(start..start + s.len as usize)
}

fn str_in(strings: &str, s: Str) -> &str {
    let start = s.start as usize;
    strings.get(start..start + s.len as usize).unwrap_or("")
}

impl Pass {
    /// Forget everything from paragraph `p` on (the paragraphs from `p` were
    /// edited, inserted, removed or moved).
    pub(super) fn invalidate(&mut self, p: usize) {
        self.valid = self.valid.min(p);
        if self.walked.is_some_and(|w| p < w) {
            self.walked = None;
            self.quote_walked = None;
        }
    }

    /// The next run goes from paragraph 0 (the analysis it updates is
    /// empty), keeping a walk ahead begun by [`Pass::start_over`].
    pub(super) fn run_from_top(&mut self) {
        self.valid = 0;
    }

    /// Begin a run from paragraph 0 on a document being analysed for the
    /// first time: forget everything; [`Pass::walk_ahead`] may then walk
    /// paragraphs as they become ready.
    pub(super) fn start_over(&mut self) {
        self.valid = 0;
        self.rewind(0);
        self.marks.clear();
        self.fresh.clear();
        self.walked = Some(0);
        self.marks2.clear();
        self.carries.clear();
        self.quotes.clear();
        self.attrs.clear();
        self.quote_walked = Some((0, Mark2::START));
    }

    /// Walk the coreference of paragraphs up to `to` (exclusive) of a run
    /// begun by [`Pass::start_over`], while later paragraphs are still being
    /// analysed: `paras` holds at least the first `to` final paragraphs.
    /// [`Pass::run`] carries on from there. Does nothing otherwise.
    pub(super) fn walk_ahead(&mut self, text: &dyn TextSource, paras: &[Para], to: usize) {
        let Some(w) = self.walked else { return };
        let to = to.min(paras.len());
        self.walk(text, paras, w..to);
        self.walked = Some(to.max(w));
        // The quotation walk of paragraph `pi` reads paragraph `pi + 1`
        // (its sign-off, its sources): it goes up to `to - 1`.
        if let Some((q, mut state)) = self.quote_walked.take() {
            let end = to.saturating_sub(1).max(q);
            self.quote_walk(paras, q..end, &mut state);
            self.quote_walked = Some((end, state));
        }
    }

    /// The quotation walk over paragraphs `range`, from `state` (the state
    /// before the first of them).
    fn quote_walk(&mut self, paras: &[Para], range: std::ops::Range<usize>, state: &mut Mark2) {
        for pi in range {
            state.quotes = id(self.attrs.len());
            self.push_mark2(state);
            self.quote_paragraph(pi, paras, state);
        }
    }

    /// Keep `state` as the mark of the next paragraph of the quotation
    /// walk (its carried attribution in [`Pass::carries`]).
    fn push_mark2(&mut self, state: &Mark2) {
        let carry = match &state.carry {
            Some(c) => {
                self.carries.push((**c).clone());
                id(self.carries.len() - 1)
            }
            None => NONE,
        };
        self.marks2.push(SavedMark2 {
            quotes: state.quotes,
            prev_last: state.prev_last,
            carry,
            prev_open_family: state.prev_open_family,
        });
    }

    /// The state of the quotation walk before paragraph `p` ([`Mark2::START`]
    /// for the first, or when none is kept); the marks from `p` on are
    /// dropped, with their carried attributions (in paragraph order).
    fn rewind_marks2(&mut self, p: usize) -> Mark2 {
        let state = match self.marks2.get(p) {
            Some(m) if p > 0 => Mark2 {
                quotes: m.quotes,
                prev_last: m.prev_last,
                prev_open_family: m.prev_open_family,
                carry: opt(m.carry).and_then(|c| self.carries.get(c as usize)).map(|c| Box::new(c.clone())),
            },
            _ => Mark2::START,
        };
        if let Some(m) = self.marks2.get(p..).and_then(|ms| ms.iter().find(|m| m.carry != NONE)) {
            self.carries.truncate(m.carry as usize);
        }
        self.marks2.truncate(p);
        state
    }

    /// The coreference walk over paragraphs `range` of `paras`.
    fn walk(&mut self, text: &dyn TextSource, paras: &[Para], range: std::ops::Range<usize>) {
        let (mut events, mut speaking) = (Vec::new(), Vec::new());
        // The paragraphs' texts, read in order ([`TextSource::sweep`]).
        let mut sweep = text.sweep();
        for pi in range {
            if let Some(para) = paras.get(pi) {
                self.walk_paragraph(&mut *sweep, pi, para, &mut events, &mut speaking);
            }
        }
    }

    fn str(&self, s: Str) -> &str {
        str_in(&self.strings, s)
    }

    fn push_str(&mut self, s: &str) -> Str {
        let start = self.strings.len();
        self.strings.push_str(s);
        Str { start: id(start), len: id(s.len()) }
    }

    fn table(&mut self, t: Table) -> &mut KeyTable {
        match t {
            Table::Full => &mut self.by_full,
            Table::Last => &mut self.by_last,
            Table::First => &mut self.by_first,
            Table::Nominal => &mut self.by_nominal,
        }
    }

    fn table_ref(&self, t: Table) -> &KeyTable {
        match t {
            Table::Full => &self.by_full,
            Table::Last => &self.by_last,
            Table::First => &self.by_first,
            Table::Nominal => &self.by_nominal,
        }
    }

    fn get(&self, t: Table, k: KeyRef<'_>) -> Option<usize> {
        self.table_ref(t).get(&self.strings, k).map(|v| v as usize)
    }

    /// Set entry `i` of table `t` to `value` (logged).
    fn set_at(&mut self, t: Table, i: Id, value: usize) {
        let value = id(value);
        let old = std::mem::replace(&mut self.table(t).entries[i as usize].value, value);
        if old != value {
            self.undo.push(Undo::Set(t, i, old).into());
        }
    }

    /// Add a key known to be absent from table `t`: its hash and its text,
    /// already stored (logged).
    fn insert_new(&mut self, t: Table, hash: u64, text: Str, value: usize) {
        self.table(t).push(hash, text, id(value));
        self.undo.push(Undo::NewKey(t).into());
    }

    /// Set key `k` of table `t` to `value`, adding it if absent (logged).
    fn insert(&mut self, t: Table, k: KeyRef<'_>, value: usize) {
        match self.table_ref(t).find(&self.strings, k) {
            Some(i) => self.set_at(t, i, value),
            None => {
                let s = self.push_str(k.text);
                self.insert_new(t, k.hash, s, value);
            }
        }
    }

    /// The entity `e`, to change it in paragraph `p` (logged once per
    /// paragraph).
    fn ent(&mut self, e: usize, p: u32) -> &mut EntityBuild {
        let eb = self.entities[e];
        if eb.stamp != p {
            self.saved.push((id(e), eb));
            self.undo.push(Undo::Entity.into());
            self.entities[e].stamp = p;
        }
        &mut self.entities[e]
    }

    /// Set entity `e`'s latest named mention in paragraph `p` (logged once
    /// per paragraph).
    fn set_last_named(&mut self, e: usize, p: u32, m: Id) {
        let eb = &mut self.entities[e];
        if eb.touch_stamp != p {
            self.undo.push(Undo::Touch(id(e), eb.last_named, eb.touch_stamp).into());
            eb.touch_stamp = p;
        }
        eb.last_named = m;
    }

    fn new_entity(&mut self, name: Str, kind: EntityKind, gender: Gender, full: bool, mention: usize, p: u32) -> usize {
        let m = id(mention);
        self.entities.push(EntityBuild {
            person_evidence: false,
            name,
            description: None,
            kind,
            gender,
            full,
            introduction: if full { m } else { NONE },
            first: m,
            last_named: m,
            stamp: p,
            touch_stamp: p,
        });
        self.entities.len() - 1
    }

    fn touch(&mut self, e: usize, m: usize, p: u32) {
        self.set_last_named(e, p, id(m));
        self.recent.touch(id(e));
    }

    /// Rewind the coreference walk to the state before paragraph `k`.
    fn rewind(&mut self, k: usize) {
        let Some(mark) = self.marks.get(k).copied() else {
            return;
        };
        while self.undo.len() > mark.undo as usize {
            match self.undo.pop().map(PackedUndo::get) {
                Some(Undo::Entity) => {
                    if let Some((e, eb)) = self.saved.pop() {
                        if let Some(x) = self.entities.get_mut(e as usize) {
                            // The touch fields have their own log.
                            *x = EntityBuild { last_named: x.last_named, touch_stamp: x.touch_stamp, ..eb };
                        }
                    }
                }
                Some(Undo::Touch(e, last_named, touch_stamp)) => {
                    if let Some(x) = self.entities.get_mut(e as usize) {
                        x.last_named = last_named;
                        x.touch_stamp = touch_stamp;
                    }
                }
                Some(Undo::Set(t, i, old)) => {
                    if let Some(x) = self.table(t).entries.get_mut(i as usize) {
                        x.value = old;
                    }
                }
                Some(Undo::NewKey(t)) => self.table(t).pop(),
                None => break,
            }
        }
        self.mentions.truncate(mark.mentions as usize);
        self.entities.truncate(mark.entities as usize);
        self.strings.truncate(mark.strings as usize);
        self.sources.truncate(mark.sources as usize);
        self.marks.truncate(k);
        // The recent list is the last distinct entities of the non-pronoun
        // mentions (every such mention touches its entity).
        self.recent.rebuild(&self.mentions);
    }

    /// Coreference for one name mention of paragraph `p`; returns the
    /// mention id.
    /// (`para`: the paragraph's text, which starts at document offset
    /// `base`.)
    fn name(&mut self, base: usize, para: &str, n: &NameView<'_>, speaks: bool, p: u32) -> usize {
        let range = base + n.range().start..base + n.range().end;
        let full_text = KeyRef { hash: n.full_hash(), text: n.full_text(para, 0).or_else(|| para.get(n.range())).unwrap_or("") };
        let last = KeyRef { hash: n.last_hash(), text: para.get(n.last()).unwrap_or("") };
        // Needed by one-word names and new two-word names only.
        let first = || KeyRef { hash: n.first_hash(), text: para.get(n.first()).unwrap_or("") };
        let m = self.mentions.len();
        let kind = if n.org() {
            EntityKind::Organization
        } else {
            EntityKind::Person
        };
        // Each key is looked up once; `value` reads an entry found.
        let full_i = self.by_full.find(&self.strings, full_text);
        let last_i = self.by_last.find(&self.strings, last);
        let value = |t: &KeyTable, i: Option<Id>| i.map(|i| t.entries[i as usize].value as usize);
        let e = if n.words() >= 2 && !n.org() {
            if let Some(e) = value(&self.by_full, full_i) {
                e
            } else if let Some(e) = value(&self.by_last, last_i)
                .filter(|&e| !self.entities[e].full && self.entities[e].kind != EntityKind::Organization)
            {
                let s = self.push_str(full_text.text);
                let eb = self.ent(e, p);
                eb.name = s;
                eb.full = true;
                eb.introduction = id(m);
                self.insert_new(Table::Full, full_text.hash, s, e);
                e
            } else {
                let s = self.push_str(full_text.text);
                let e = self.new_entity(s, kind, n.gender(), true, m, p);
                self.insert_new(Table::Full, full_text.hash, s, e);
                e
            }
        } else if n.words() >= 2 {
            match value(&self.by_full, full_i) {
                Some(e) => e,
                None => {
                    let s = self.push_str(full_text.text);
                    let e = self.new_entity(s, kind, n.gender(), true, m, p);
                    self.insert_new(Table::Full, full_text.hash, s, e);
                    e
                }
            }
        } else {
            let found = value(&self.by_last, last_i)
                .or_else(|| if n.honorific() { None } else { self.get(Table::First, first()) })
                .or_else(|| value(&self.by_full, full_i));
            match found {
                Some(e) => e,
                None => {
                    let s = self.push_str(full_text.text);
                    let e = self.new_entity(s, kind, n.gender(), false, m, p);
                    self.insert_new(Table::Full, full_text.hash, s, e);
                    e
                }
            }
        };
        match last_i {
            Some(i) if n.words() >= 2 => self.set_at(Table::Last, i, e),
            Some(_) => {}
            None => {
                let s = self.push_str(last.text);
                self.insert_new(Table::Last, last.hash, s, e);
            }
        }
        if n.words() >= 2 && !n.org() {
            let first = first();
            if self.by_first.find(&self.strings, first).is_none() {
                let s = self.push_str(first.text);
                self.insert_new(Table::First, first.hash, s, e);
            }
        }
        if self.entities[e].gender == Gender::Unknown && n.gender() != Gender::Unknown {
            self.ent(e, p).gender = n.gender();
        }
        // `Kremlin` in a headline, `the Kremlin` in the text: the article's
        // own form names the entity.
        if n.org() && n.with_the() && self.str(self.entities[e].name) == strip_the(full_text.text) {
            let s = self.push_str(full_text.text);
            self.ent(e, p).name = s;
        }
        if n.person() && self.entities[e].kind != EntityKind::Organization && self.entities[e].kind != EntityKind::Person {
            self.ent(e, p).kind = EntityKind::Person;
        }
        if !n.org() && (n.person() || n.words() >= 2 || speaks) && !self.entities[e].person_evidence {
            self.ent(e, p).person_evidence = true;
        }
        if self.entities[e].description.is_none() {
            if let Some(d) = n.description(para) {
                let s = self.push_str(d);
                self.ent(e, p).description = Some(s);
            }
        }
        let mkind = if n.honorific() && n.words() == 1 {
            MentionKind::Honorific
        } else if n.words() >= 2 || n.org() {
            MentionKind::Name
        } else {
            MentionKind::Surname
        };
        self.push_mention(Mention { range: offsets(range), entity: id(e), kind: mkind });
        self.touch(e, m, p);
        m
    }

    fn push_mention(&mut self, m: Mention) {
        self.mentions.push(PassMention { entity: m.entity, kind: m.kind });
        self.fresh.push(m);
    }

    /// Resolve a pronoun to the most recent fitting entity.
    fn resolve(&self, pc: PronounClass) -> Option<usize> {
        self.recent.newest_first().map(|e| e as usize).find(|&e| {
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

    /// The coreference walk over paragraph `pi` (its text read from
    /// `sweep`).
    fn walk_paragraph(&mut self, sweep: &mut dyn Sweep, pi: usize, para: &Para, events: &mut Vec<(usize, bool, usize)>, speaking: &mut Vec<bool>) {
        let p = u32::try_from(pi).unwrap_or(u32::MAX);
        self.marks.push(Mark {
            mentions: id(self.mentions.len()),
            entities: id(self.entities.len()),
            undo: id(self.undo.len()),
            strings: id(self.strings.len()),
            sources: id(self.sources.len()),
        });
        let pa = para.analysis.view();
        let (n_names, n_sources) = (pa.names_len(), pa.sources_len());
        if n_names == 0 && n_sources == 0 {
            // Nothing to resolve: the state carries over as it is.
            return;
        }
        let base = para.start;
        let para_text = sweep.read(base..base + pa.len());
        let mut names = std::mem::take(&mut self.names);
        names.clear();
        names.resize(n_names, NONE);
        let first_source = self.sources.len();
        self.sources.resize(first_source + n_sources, (NONE, NONE));
        // Events: names and non-name sources, by position. Sorted by end, so
        // that a name inside a nominal (`the Kremlin statement`) is resolved
        // before the nominal.
        events.clear();
        events.extend((0..n_names).map(|i| (pa.name_range(i).end, false, i)));
        // Names used as a source in this paragraph (evidence of a person).
        speaking.clear();
        speaking.resize(n_names, false);
        for i in 0..n_sources {
            let s = pa.source(i);
            match s.kind() {
                SourceRef::Name(n) => {
                    if let Some(x) = speaking.get_mut(n) {
                        *x = true;
                    }
                }
                _ => events.push((s.range().end, true, i)),
            }
        }
        // The names and the sources each come in document order, as a
        // rule: then the two runs are merged as they are read; otherwise
        // everything is sorted first. The keys are distinct, so either
        // way gives the one sorted order.
        let mut split = n_names.min(events.len());
        // (Inlined: `is_sorted` is a call per paragraph.)
        let sorted = |xs: &[(usize, bool, usize)]| xs.windows(2).all(|w| w[0] <= w[1]);
        if !sorted(&events[..split]) || !sorted(&events[split..]) {
            events.sort_unstable();
            split = events.len();
        }
        let name_entity = |this: &Self, names: &[Id], i: usize| -> Option<usize> {
            names.get(i).filter(|&&x| x != NONE).map(|&x| this.mentions[x as usize].entity as usize)
        };
        let (mut a, mut b) = (0, split);
        loop {
            let next = match (events[..split].get(a), events.get(b)) {
                (Some(x), Some(y)) if x <= y => {
                    a += 1;
                    *x
                }
                (_, Some(y)) => {
                    b += 1;
                    *y
                }
                (Some(x), None) => {
                    a += 1;
                    *x
                }
                (None, None) => break,
            };
            let (_, is_source, i) = next;
            if !is_source {
                let m = self.name(base, para_text, &pa.name(i), speaking[i], p);
                names[i] = id(m);
                continue;
            }
            let s = pa.source(i);
            let range = base + s.range().start..base + s.range().end;
            let m = self.mentions.len();
            match s.kind() {
                SourceRef::Pronoun(pc, antecedent) => {
                    let resolved = match (pc, antecedent) {
                        (PronounClass::Relative, Some(a)) if name_entity(self, &names, a).is_some() => name_entity(self, &names, a),
                        _ => self.resolve(pc),
                    };
                    let (e, ante) = match resolved {
                        Some(e) => {
                            let ante = self.entities[e].last_named;
                            if self.entities[e].gender == Gender::Unknown {
                                let g = match pc {
                                    PronounClass::Male => Gender::Male,
                                    PronounClass::Female => Gender::Female,
                                    _ => Gender::Unknown,
                                };
                                if g != Gender::Unknown {
                                    self.ent(e, p).gender = g;
                                }
                            }
                            (e, ante)
                        }
                        None => {
                            let key = s.key();
                            let e = match self.get(Table::Nominal, key) {
                                Some(e) => e,
                                None => {
                                    let s = self.push_str(s.name());
                                    let e = self.new_entity(s, EntityKind::Anonymous, Gender::Unknown, false, m, p);
                                    self.insert(Table::Nominal, key, e);
                                    e
                                }
                            };
                            (e, NONE)
                        }
                    };
                    self.push_mention(Mention { range: offsets(range), entity: id(e), kind: MentionKind::Pronoun });
                    self.sources[first_source + i] = (id(m), ante);
                }
                SourceRef::Nominal { definite, owner, document_head } => {
                    let owner_entity = owner.and_then(|o| name_entity(self, &names, o)).filter(|_| s.range().end > 0);
                    let e = if let (Some(oe), true) = (owner_entity, document_head) {
                        oe
                    } else {
                        let phrase_key = s.key();
                        match self.get(Table::Nominal, phrase_key).filter(|_| definite) {
                            Some(e) => e,
                            None => {
                                let kind = if definite { EntityKind::Organization } else { EntityKind::Anonymous };
                                let s = self.push_str(s.name());
                                let e = self.new_entity(s, kind, Gender::Unknown, false, m, p);
                                self.insert(Table::Nominal, phrase_key, e);
                                e
                            }
                        }
                    };
                    self.push_mention(Mention { range: offsets(range), entity: id(e), kind: MentionKind::Nominal });
                    self.touch(e, m, p);
                    self.sources[first_source + i] = (id(m), NONE);
                }
                SourceRef::Name(_) => {}
            }
        }
        for i in 0..n_sources {
            let s = pa.source(i);
            if let SourceRef::Name(n) = s.kind() {
                self.sources[first_source + i] = (names.get(n).copied().unwrap_or(NONE), NONE);
            }
            if let Some(d) = s.description_text(para_text) {
                let m = self.sources[first_source + i].0;
                if let Some(e) = self.mentions.get(m as usize).map(|m| m.entity as usize) {
                    if self.entities[e].description.is_none() {
                        let s = self.push_str(d);
                        self.ent(e, p).description = Some(s);
                    }
                }
            }
        }
        self.names = names;
    }

    /// Source `i` of paragraph `p` as (mention, antecedent), or `None`
    /// when it was not resolved.
    fn source(&self, p: usize, i: usize) -> Option<(Id, Option<Id>)> {
        let start = self.marks.get(p)?.sources as usize;
        let &(m, a) = self.sources.get(start + i)?;
        (m != NONE).then_some((m, (a != NONE).then_some(a)))
    }

    /// The quotation walk over paragraph `pi` (after the coreference walk
    /// has passed paragraph `pi + 1`, whose sign-off it may use).
    fn quote_paragraph(&mut self, pi: usize, paras: &[Para], state: &mut Mark2) {
        let p = &paras[pi];
        let pa = p.analysis.view();
        let base = p.start;
        let first_id = id(self.attrs.len());
        let next = paras.get(pi + 1).map(|n| n.analysis.view());
        let n_quotes = pa.quotes_len();
        let mut prev_line_piece = false;
        let mut last_open_family = None;
        for qi in 0..n_quotes {
            let pq = pa.quote(qi);
            let this = id(self.attrs.len());
            let raw = &pq.raw;
            let mut continues = None;
            if qi == 0 && pq.leads {
                if let (Some(f), Some(prev)) = (state.prev_open_family, opt(state.prev_last)) {
                    if marks::family(raw.open) == Some(f) {
                        continues = Some(prev);
                    }
                }
            }
            if qi > 0 && prev_line_piece {
                continues = Some(this - 1);
            }
            prev_line_piece = raw.line_piece;
            let mut attribution = pq.attribution.as_ref().and_then(|la| {
                let (m, ante) = self.source(pi, la.source)?;
                let entity = self.mentions[m as usize].entity;
                let cue = la.cue.as_ref().map(|c| offsets(base + c.start..base + c.end));
                let method = match la.how {
                    How::ContinuationOf(p) => Method::Continuation { of: first_id + offset(p) },
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
                let from = continues.or(if qi == 0 && pq.leads && !pq.cue_in_sentence { opt(state.prev_last) } else { None });
                if let Some(f) = from {
                    if let Some(Some(a)) = self.attrs.get(f as usize) {
                        attribution = Some(Attribution {
                            entity: a.entity,
                            mention: a.mention,
                            cue: a.cue.clone(),
                            method: Method::Continuation { of: f },
                        });
                    }
                } else if qi == 0 && pq.leads && !pq.cue_in_sentence {
                    attribution = state.carry.as_deref().cloned();
                }
            }
            if attribution.is_none() && pq.kind != super::QuoteKind::Scare {
                // A sign-off on the next paragraph: `— Jane Roe`.
                if let Some((s, cue)) = next.and_then(|n| n.dash_lead()) {
                    let nb = paras[pi + 1].start;
                    if let Some((m, _)) = self.source(pi + 1, s) {
                        attribution = Some(Attribution {
                            entity: self.mentions[m as usize].entity,
                            mention: m,
                            cue: Some(offsets(nb + cue.start..nb + cue.end)),
                            method: Method::Cue,
                        });
                    }
                }
            }
            let open_at_end = raw.close.is_none();
            let is_last = qi + 1 == n_quotes;
            let continued_next = open_at_end
                && (raw.line_piece
                    || (is_last && next.is_some_and(|n| n.opens_with().is_some() && n.opens_with() == marks::family(raw.open))));
            let unclosed = open_at_end && (raw.broken || !continued_next);
            // The family of a quotation left open at the paragraph's end.
            last_open_family = if open_at_end && !unclosed { marks::family(raw.open) } else { None };
            self.attrs.push(attribution.clone());
            self.quotes.push(Quote {
                range: offsets(base + raw.range.start..base + raw.range.end),
                content: offsets(base + raw.content.start..base + raw.content.end),
                open: raw.open,
                close: raw.close,
                kind: pq.kind,
                attribution,
                continues,
                paragraph: id(pi),
                unclosed,
            });
        }
        state.carry = None;
        if pa.quotes_end().is_none_or(|end| end < pa.len()) {
            if let Some((s, cue)) = &pa.trailing_context() {
                if let Some((m, ante)) = self.source(pi, *s) {
                    let last = n_quotes.checked_sub(1).map(|q| pa.quote(q));
                    if last.is_none_or(|q| q.attribution.as_ref().is_none_or(|a| a.source != *s)) {
                        state.carry = Some(Box::new(Attribution {
                            entity: self.mentions[m as usize].entity,
                            mention: m,
                            cue: cue.as_ref().map(|c| offsets(base + c.start..base + c.end)),
                            method: match ante {
                                Some(a) => Method::Pronoun { antecedent: a },
                                None => Method::Cue,
                            },
                        }));
                    }
                }
            }
        }
        if n_quotes > 0 && state.carry.is_none() {
            state.prev_last = id(self.attrs.len() - 1);
            state.prev_open_family = last_open_family;
        } else {
            // A paragraph with no quotation breaks the chain of speakers
            // unless it is a bare sign-off.
            state.prev_last = NONE;
            state.prev_open_family = None;
        }
    }

    /// Run the pass over `paras` (the paragraphs of `text`), resuming at the
    /// first paragraph not up to date, and bring `a` (the analysis of the
    /// previous run, or empty) up to date in place. `strays`: the closing
    /// marks that close nothing as the previous run gave them (document
    /// offsets; those before the paragraphs rerun are kept, as no edit since
    /// moved them). Returns them for the current text, for the rules.
    pub(super) fn run(
        &mut self,
        text: &dyn TextSource,
        paras: &[Para],
        a: &mut Analysis,
        strays: Vec<(usize, char)>,
    ) -> Vec<(usize, char)> {
        let n = paras.len();
        let k = self.valid.min(n).min(self.marks.len()).min(self.marks2.len());
        // Until the run completes, nothing is up to date (a panic half-way
        // must not leave a prefix that looks valid).
        self.valid = 0;
        // The coreference walk from `k`, or from where a walk ahead of a
        // first analysis stopped.
        let walked = self.walked.take().filter(|&w| k == 0 && w <= n && self.marks.len() == w);
        // Earlier entities the old changed part mentions (the new part's
        // are added by `update`).
        let mut touched = Touched { seen: Vec::new(), list: Vec::new() };
        let from = match walked {
            Some(w) => w,
            None => {
                self.rewind(k);
                self.marks.truncate(k);
                let (m_cut, e_cut) = (self.mentions.len(), self.entities.len());
                let r = k.saturating_sub(1);
                let q_cut = if r == 0 { 0 } else { self.marks2.get(r - 1).map_or(0, |m| m.quotes as usize) };
                touched.seen = vec![false; e_cut];
                let old_mentions = a.mentions.get(m_cut..).unwrap_or(&[]).iter().map(|m| m.entity);
                let old_quotes = a.quotes.get(q_cut..).unwrap_or(&[]).iter().filter_map(|q| q.attribution.as_ref().map(|x| x.entity));
                // Two loops, not a chain: no check of which part per item.
                old_mentions.for_each(|e| touched.add(e));
                old_quotes.for_each(|e| touched.add(e));
                // The analysis' mentions before the cut stay; the run's
                // are added after them, moved once.
                // (From the top, a new vector: its size is exact.)
                self.fresh = if m_cut > 0 { std::mem::take(&mut a.mentions) } else { Vec::new() };
                self.fresh.truncate(m_cut);
                self.fresh.resize(m_cut, Mention { range: 0..0, entity: 0, kind: MentionKind::Name });
                // Exact sizes, so that the state kept between edits has no
                // spare capacity.
                let rest = &paras[k..];
                let new_mentions = rest.iter().map(|p| p.analysis.names_len() + p.analysis.sources_len()).sum();
                self.fresh.reserve_exact(new_mentions);
                if k == 0 {
                    self.marks.reserve_exact(rest.len());
                    self.mentions.reserve_exact(new_mentions);
                    self.sources.reserve_exact(rest.iter().map(|p| p.analysis.sources_len()).sum());
                }
                k
            }
        };
        self.walk(text, paras, from..n);
        if walked.is_some() {
            // Grown chunk by chunk: no spare capacity kept (`fresh` becomes
            // the analysis' mentions).
            self.marks.shrink_to_fit();
            self.mentions.shrink_to_fit();
            self.sources.shrink_to_fit();
            self.fresh.shrink_to_fit();
        }
        // The quotation walk from `r`: paragraph `k - 1` may take a sign-off
        // from paragraph `k`.
        let r = k.saturating_sub(1);
        // A first analysis whose quotation walk went ahead carries on
        // where it stopped.
        let ahead = self.quote_walked.take().filter(|(q, _)| walked.is_some() && *q <= n && self.marks2.len() == *q);
        let resumed = ahead.is_some();
        let (q_from, mut state) = match ahead {
            Some(x) => x,
            None => {
                let state = self.rewind_marks2(r);
                // The walk appends to the analysis' own list of quotations,
                // cut back to where it starts (no second list of the run's
                // quotations): those of paragraph `r - 1`, which the chain
                // fix redoes, get back the attributions the walk gave them.
                let q_new = state.quotes as usize;
                let q_cut = if r == 0 { 0 } else { self.marks2.get(r - 1).map_or(0, |m| m.quotes as usize) };
                for (q, at) in a.quotes.iter_mut().zip(&self.attrs).take(q_new).skip(q_cut) {
                    q.attribution = at.clone();
                }
                a.quotes.truncate(q_new);
                self.quotes = std::mem::take(&mut a.quotes);
                self.attrs.truncate(q_new);
                if r == 0 {
                    let total = paras.iter().map(|p| p.analysis.quotes_len()).sum();
                    self.quotes.reserve_exact(total);
                    self.attrs.reserve_exact(total);
                    self.marks2.reserve_exact(n);
                }
                (r, state)
            }
        };
        self.quote_walk(paras, q_from..n, &mut state);
        if resumed {
            // Grown chunk by chunk: no spare capacity kept.
            self.marks2.shrink_to_fit();
            self.carries.shrink_to_fit();
            self.quotes.shrink_to_fit();
            self.attrs.shrink_to_fit();
        }
        // Mention cut: final ids below it are unchanged (a paragraph's
        // mentions are reordered only among themselves).
        let m_cut = self.marks.get(k).map_or(self.mentions.len(), |m| m.mentions as usize);
        let e_cut = self.marks.get(k).map_or(self.entities.len(), |m| m.entities as usize);
        // Quotation cut: the chain fix may change the last quotation of the
        // paragraph before `r`.
        let q_cut = if r == 0 { 0 } else { self.marks2[r - 1].quotes as usize };
        // Every quotation, the run's appended: back to the analysis.
        a.quotes = std::mem::take(&mut self.quotes);
        let sorted = self.order_mentions(k, m_cut);
        let fresh = std::mem::take(&mut self.fresh);
        let strays = self.update(text, paras, a, Cuts { r, m_cut, e_cut, q_cut }, (fresh, touched), &sorted, strays);
        if k == 0 {
            // A full run: keep no spare capacity (the next edit grows these
            // vectors once).
            self.undo.shrink_to_fit();
            self.saved.shrink_to_fit();
            self.strings.shrink_to_fit();
        }
        self.valid = n;
        strays
    }

    /// Document order of the mentions of paragraphs `k..`: a paragraph's
    /// block sorted by (start, end), stably (usually already in order).
    /// Returns the blocks (pass id ranges) that were out of order.
    fn order_mentions(&mut self, k: usize, m_cut: usize) -> Vec<std::ops::Range<usize>> {
        let mut sorted = Vec::new();
        // Below `m_cut` the blocks stay; from there a block in order keeps
        // its ids (the maps are the identity there), and the blocks out of
        // order are sorted and kept.
        self.reorder.truncate(m_cut);
        let fresh = &self.fresh;
        let key = |m: &Mention| (m.range.start, m.range.end);
        let mut block: Vec<Id> = Vec::new();
        for p in k..self.marks.len() {
            let lo = self.marks[p].mentions as usize;
            let hi = self.marks.get(p + 1).map_or(self.mentions.len(), |m| m.mentions as usize);
            let Some(ms) = fresh.get(lo..hi) else { continue };
            if !ms.windows(2).all(|w| key(&w[0]) <= key(&w[1])) {
                block.clear();
                block.extend(id(lo)..id(hi));
                block.sort_by_key(|&i| key(&fresh[i as usize]));
                self.reorder.push(id(lo), &block);
                sorted.push(lo..hi);
            }
        }
        sorted
    }

    /// Bring the analysis `a` up to date: mentions from `m_cut`, entities
    /// from `e_cut` (and every earlier entity the changed part mentions),
    /// quotations from `q_cut`, paragraphs from `r`.
    /// `fresh`: the mentions before `m_cut`, then the run's in pass order;
    /// `touched`: the earlier entities the old changed part mentions;
    /// `sorted`: the paragraph blocks among them that are out of document
    /// order.
    #[allow(clippy::too_many_arguments)] // the run's parts, each used once
    fn update(
        &self,
        text: &dyn TextSource,
        paras: &[Para],
        a: &mut Analysis,
        cuts: Cuts,
        (fresh, mut touched): (Vec<Mention>, Touched),
        sorted: &[std::ops::Range<usize>],
        mut strays: Vec<(usize, char)>,
    ) -> Vec<(usize, char)> {
        let Cuts { r, m_cut, e_cut, q_cut } = cuts;
        let remap = |m: Id| self.reorder.remap(m);
        // Earlier entities the new changed part mentions.
        let new_mentions = fresh.get(m_cut..).unwrap_or(&[]).iter().map(|m| m.entity);
        let new_quotes = self.attrs.get(q_cut..).unwrap_or(&[]).iter().filter_map(|at| at.as_ref().map(|x| x.entity));
        new_mentions.for_each(|e| touched.add(e));
        new_quotes.for_each(|e| touched.add(e));
        let touched = touched.list;
        // Mentions: the run's were pushed after the kept ones, in pass
        // order; the out-of-order blocks are sorted in place: a stable sort
        // by the same key as `order`, so the same arrangement.
        a.mentions = fresh;
        for b in sorted {
            if let Some(block) = a.mentions.get_mut(b.clone()) {
                block.sort_by_key(|m| (m.range.start, m.range.end));
            }
        }
        // Entities: earlier ones the change mentions are cut back and
        // refreshed; later ones are rebuilt, reusing the old allocations.
        let intro = |eb: &EntityBuild| remap(if eb.introduction != NONE { eb.introduction } else { eb.first });
        let set_str = |to: &mut String, from: &str| {
            if to != from {
                to.clear();
                to.push_str(from);
            }
        };
        let set_opt = |to: &mut Option<String>, from: Option<&str>| match (to.as_mut(), from) {
            (Some(t), Some(f)) => set_str(t, f),
            (_, f) => *to = f.map(str::to_string),
        };
        // Bring entity `x` to `eb`, keeping its mentions below `m_keep`
        // and quotations below `q_keep`.
        let refresh = |x: &mut Entity, eb: &EntityBuild, m_keep: Id, q_keep: Id| {
            let cut = x.mentions.partition_point(|&m| m < m_keep);
            x.mentions.truncate(cut);
            let cut = x.quotes.partition_point(|&q| q < q_keep);
            x.quotes.truncate(cut);
            set_str(&mut x.name, self.str(eb.name));
            set_opt(&mut x.description, eb.description.map(|d| self.str(d)));
            x.kind = eb.kind;
            x.introduction = intro(eb);
        };
        for &e in &touched {
            if let Some(x) = a.entities.get_mut(e as usize) {
                refresh(x, &self.entities[e as usize], id(m_cut), id(q_cut));
            }
        }
        a.entities.truncate(self.entities.len());
        for (e, eb) in self.entities.iter().enumerate().skip(e_cut) {
            if e == a.entities.len() {
                a.entities.push(Entity {
                    name: String::new(),
                    description: None,
                    kind: eb.kind,
                    introduction: 0,
                    mentions: Vec::new(),
                    quotes: Vec::new(),
                });
            }
            if let Some(x) = a.entities.get_mut(e) {
                refresh(x, eb, 0, 0);
            }
        }
        // Exact capacities: these lists stay until the entity changes.
        let mut count = vec![0usize; a.entities.len()];
        for m in &a.mentions[m_cut..] {
            if let Some(c) = count.get_mut(m.entity as usize) {
                *c += 1;
            }
        }
        for (x, &c) in a.entities.iter_mut().zip(&count) {
            if c > 0 {
                x.mentions.reserve_exact(c);
            }
        }
        for (f, m) in a.mentions.iter().enumerate().skip(m_cut) {
            if let Some(x) = a.entities.get_mut(m.entity as usize) {
                x.mentions.push(id(f));
            }
        }
        // Quotations: the chain fix, then the nearest mention, then final
        // mention ids.
        // (`a.quotes` from `q_cut` on are as the walk made them: see `run`.)
        // A piece whose speaker came only by continuation takes the speaker
        // named by a cue in a later piece of the same quotation (each piece
        // continues at most one earlier piece, so pairs are independent).
        // The walk's attributions are read from `attrs`, as the fix changes
        // those in the analysis.
        let own_cue = |i: usize| {
            self.attrs.get(i).and_then(Option::as_ref).is_some_and(|a| !matches!(a.method, Method::Continuation { .. }))
        };
        for i in q_cut..a.quotes.len() {
            if let Some(prev) = a.quotes[i].continues.map(|p| p as usize).filter(|&p| p >= q_cut) {
                if !own_cue(prev) && own_cue(i) {
                    if let Some(Some(x)) = self.attrs.get(i).cloned() {
                        a.quotes[prev].attribution = Some(Attribution { method: Method::Continuation { of: id(i) }, ..x });
                    }
                }
            }
        }
        for q in a.quotes[q_cut..].iter_mut() {
            let Some(at) = &mut q.attribution else { continue };
            if let Method::Continuation { .. } = at.method {
                // The latest mention of the speaker before the quotation
                // (by start, then pass order), if later than the one used.
                if let Some(list) = a.entities.get(at.entity as usize).map(|x| &x.mentions) {
                    let end = list.partition_point(|&f| a.mentions[f as usize].range.start < q.range.start);
                    if end > 0 {
                        let start = a.mentions[list[end - 1] as usize].range.start;
                        let best = list[..end]
                            .iter()
                            .rev()
                            .take_while(|&&f| a.mentions[f as usize].range.start == start)
                            .map(|&f| self.reorder.order(f))
                            .max();
                        if let Some(m) = best {
                            let start = |m: Id| a.mentions[remap(m) as usize].range.start;
                            if start(m) > start(at.mention) {
                                at.mention = m;
                            }
                        }
                    }
                }
            }
            at.mention = remap(at.mention);
            if let Method::Pronoun { antecedent } = &mut at.method {
                *antecedent = remap(*antecedent);
            }
        }
        count.iter_mut().for_each(|c| *c = 0);
        for q in &a.quotes[q_cut..] {
            if let Some(c) = q.attribution.as_ref().and_then(|at| count.get_mut(at.entity as usize)) {
                *c += 1;
            }
        }
        for (x, &c) in a.entities.iter_mut().zip(&count) {
            if c > 0 {
                x.quotes.reserve_exact(c);
            }
        }
        for (qid, q) in a.quotes.iter().enumerate().skip(q_cut) {
            if let Some(at) = &q.attribution {
                if let Some(x) = a.entities.get_mut(at.entity as usize) {
                    x.quotes.push(id(qid));
                }
            }
        }
        // Paragraphs, stray closers and findings.
        a.paragraphs.truncate(r);
        a.paragraphs.extend(paras[r..].iter().map(|p| offsets(p.start..p.start + p.analysis.len())));
        // Stray closers: the previous run's before paragraph `r` (no edit
        // since came before it), then those of paragraphs `r..` (reading
        // every paragraph's block for them cost a cache miss a paragraph).
        let kept = paras.get(r).filter(|_| r > 0).map_or(0, |p| strays.partition_point(|&(o, _)| o < p.start));
        strays.truncate(kept);
        strays.extend(paras[r.min(paras.len())..]
            .iter()
            .filter(|p| p.analysis.strays_len() > 0)
            .flat_map(|p| {
                let v = p.analysis.view();
                (0..v.strays_len()).map(move |i| {
                    let (o, c) = v.stray(i);
                    (p.start + o, c)
                })
            }));
        // Findings: those of the paragraphs before `r - 1`, where the
        // quotation walk reran (quotations below `q_cut`, stray closers
        // before `cut`), did not change; the rules run on the rest. With no
        // quotation before it, everything is rerun.
        let cut = if q_cut == 0 { 0 } else { paras.get(r.saturating_sub(1)).map_or(usize::MAX, |p| p.start) };
        a.findings.retain(|f| match f.quote {
            Some(q) => (q as usize) < q_cut,
            None => (f.range.start as usize) < cut,
        });
        let first_stray = strays.partition_point(|&(o, _)| o < cut);
        let mut findings = std::mem::take(&mut a.findings);
        rules::run_from(text, a, &strays[first_stray..], id(q_cut), &mut findings);
        a.findings = findings;
        strays
    }
}

impl Pass {
    /// Heap bytes held, by part (for the memory figures of the README).
    #[doc(hidden)]
    pub(super) fn heap_bytes(&self) -> Vec<(&'static str, usize)> {
        use std::mem::size_of;
        let t = |k: &KeyTable| k.entries.capacity() * size_of::<KeyEntry>() + k.heads.capacity() * size_of::<Id>();
        vec![
            ("strings", self.strings.capacity()),
            ("entities", self.entities.capacity() * size_of::<EntityBuild>()),
            ("tables", t(&self.by_full) + t(&self.by_last) + t(&self.by_first) + t(&self.by_nominal)),
            ("mentions", self.mentions.capacity() * size_of::<PassMention>()),
            ("undo", self.undo.capacity() * size_of::<PackedUndo>() + self.saved.capacity() * size_of::<(Id, EntityBuild)>()),
            (
                "marks",
                self.marks.capacity() * size_of::<Mark>()
                    + self.marks2.capacity() * size_of::<SavedMark2>()
                    + self.carries.capacity() * size_of::<Attribution>(),
            ),
            ("sources", self.sources.capacity() * size_of::<(Id, Id)>()),
            ("quotes", self.quotes.capacity() * size_of::<Quote>() + self.attrs.capacity() * size_of::<Option<Attribution>>()),
            ("order", self.reorder.heap_bytes()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every undo entry comes back from its 13 packed bytes as it went in.
    #[test]
    fn undo_entries_pack_into_13_bytes() {
        assert_eq!(std::mem::size_of::<PackedUndo>(), 13);
        assert_eq!(std::mem::size_of::<SavedMark2>(), 16);
        let tables = [Table::Full, Table::Last, Table::First, Table::Nominal];
        let mut all = vec![Undo::Entity, Undo::Touch(u32::MAX, 7, u32::MAX - 1), Undo::Touch(0, NONE, 0)];
        for t in tables {
            all.push(Undo::Set(t, u32::MAX, 3));
            all.push(Undo::NewKey(t));
        }
        for u in all {
            assert_eq!(PackedUndo::from(u).get(), u);
        }
    }

    /// [`Reorder`] keeps the blocks out of order only, and its two maps
    /// are inverse permutations: the identity outside the blocks.
    #[test]
    fn reorder_maps_only_the_blocks_out_of_order() {
        let mut r = Reorder::default();
        r.push(3, &[5, 3, 4]);
        r.push(10, &[11, 10]);
        let order: Vec<Id> = (0..14).map(|f| r.order(f)).collect();
        assert_eq!(order, [0, 1, 2, 5, 3, 4, 6, 7, 8, 9, 11, 10, 12, 13]);
        for f in 0..14 {
            assert_eq!(r.remap(r.order(f)), f);
        }
        // Cut at the paragraph boundary 10: the second block goes.
        r.truncate(10);
        assert_eq!((r.order(10), r.order(11), r.order(3)), (10, 11, 5));
        assert_eq!((r.blocks.len(), r.order.len(), r.remap.len()), (1, 3, 3));
        assert_eq!(r.inside, [0b111000]);
        // A block past the first 64 ids, then a cut inside that word.
        r.push(70, &[71, 70]);
        assert_eq!((r.order(70), r.remap(71), r.order(69)), (71, 70, 69));
        r.truncate(65);
        assert_eq!((r.order(70), r.inside.len(), r.inside[1]), (70, 2, 0));
        // A cut past the last word leaves the bits below it.
        let mut r = Reorder::default();
        r.push(40, &[42, 40, 41]);
        r.truncate(130);
        assert_eq!((r.order(40), r.remap(40)), (42, 41));
        r.truncate(0);
        assert_eq!((r.order(3), r.remap(5)), (3, 5));
        assert!(r.blocks.is_empty() && r.order.is_empty());
    }

    /// The list as the straightforward definition has it: move `e` to the
    /// end, or append it, dropping the oldest of a full list.
    fn model_touch(r: &mut Vec<Id>, e: Id) {
        if let Some(i) = r.iter().position(|&x| x == e) {
            r.remove(i);
        } else if r.len() == RECENT {
            r.remove(0);
        }
        r.push(e);
    }

    #[test]
    fn recent_moves_an_entity_to_the_end_and_drops_the_oldest() {
        let mut r = Recent::default();
        for e in 0..RECENT as Id {
            r.touch(e);
        }
        r.touch(3);
        r.touch(100);
        let newest_first: Vec<Id> = r.newest_first().collect();
        assert_eq!(newest_first[..3], [100, 3, 15]);
        assert_eq!(newest_first.len(), RECENT);
        // 0 was the oldest: dropped; 1 is now the oldest.
        assert_eq!(newest_first.last(), Some(&1));
        assert!(!newest_first.contains(&0));
    }

    proptest::proptest! {
        #[test]
        fn key_table_finds_what_a_list_finds(ops in proptest::collection::vec((0u64..40, 0u8..6), 0..400)) {
            // Keys `k0`..`k5`, with hashes that collide in every way: equal
            // hashes with different texts, equal buckets, growth.
            let mut strings = String::new();
            let mut t = KeyTable::default();
            let mut model: Vec<(u64, String)> = Vec::new();
            for (n, &(h, k)) in ops.iter().enumerate() {
                let text = format!("k{k}");
                let hash = h.wrapping_mul(if h % 3 == 0 { 1 << 20 } else { 1 });
                let found = t.find(&strings, KeyRef { hash, text: &text });
                let want = model.iter().position(|(mh, mt)| *mh == hash && *mt == text);
                proptest::prop_assert_eq!(found.map(|i| i as usize), want);
                if n % 5 == 4 {
                    t.pop();
                    model.pop();
                } else if want.is_none() {
                    let start = id(strings.len());
                    strings.push_str(&text);
                    let i = t.push(hash, Str { start, len: id(text.len()) }, id(n));
                    proptest::prop_assert_eq!(i as usize, model.len());
                    model.push((hash, text));
                }
                proptest::prop_assert_eq!(t.entries.len(), model.len());
            }
            for (i, (hash, text)) in model.iter().enumerate() {
                proptest::prop_assert_eq!(t.find(&strings, KeyRef { hash: *hash, text }), Some(id(i)));
            }
        }

        #[test]
        fn recent_equals_the_model(touches in proptest::collection::vec(0u32..200, 0..300)) {
            // Ids past 64 share buckets of the counts.
            let (mut r, mut model) = (Recent::default(), Vec::new());
            for &e in &touches {
                r.touch(e);
                model_touch(&mut model, e);
                let got: Vec<Id> = r.newest_first().collect();
                let want: Vec<Id> = model.iter().rev().copied().collect();
                proptest::prop_assert_eq!(got, want);
            }
            // Rebuilt from the mentions, the list is the same.
            let mentions: Vec<PassMention> = touches.iter().map(|&e| PassMention { entity: e, kind: MentionKind::Name }).collect();
            let mut rebuilt = Recent::default();
            rebuilt.rebuild(&mentions);
            proptest::prop_assert_eq!(rebuilt.newest_first().collect::<Vec<_>>(), r.newest_first().collect::<Vec<_>>());
        }
    }
}
