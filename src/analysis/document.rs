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
use std::ops::Range;
use std::sync::Arc;

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
    analysis: Arc<ParaAnalysis>,
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
}

fn is_line_break(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

/// Split `text` into paragraph ranges, offset by `base`.
fn split_paragraphs(text: &str, base: usize, out: &mut Vec<Range<usize>>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut cur: Option<(usize, usize)> = None;
    while i < bytes.len() {
        let line_start = i;
        while i < bytes.len() && !is_line_break(bytes[i]) {
            i += 1;
        }
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

impl Document {
    /// A document over `text`.
    pub fn new(text: &str, options: Options) -> Self {
        let lexicon = Arc::new(Lexicon::new(&options));
        let mut doc = Document { text: text.to_string(), options, lexicon, paras: Vec::new(), analysis: None };
        doc.reanalyze_all();
        doc
    }

    fn reanalyze_all(&mut self) {
        let mut ranges = Vec::new();
        split_paragraphs(&self.text, 0, &mut ranges);
        self.paras = ranges
            .into_iter()
            .map(|r| Para { start: r.start, analysis: Arc::new(analyze_paragraph(&self.text[r], &self.lexicon)) })
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
        for r in ranges {
            let reuse = self.paras[first_old..last_old].iter().find(|p| {
                let old = p.start..end_of(p);
                (old.end < s && old == r)
                    || (old.start > e && r.start > new_after && (old.start as isize + delta) as usize == r.start && p.analysis.len == r.len())
            });
            let analysis = match reuse {
                Some(p) => p.analysis.clone(),
                None => Arc::new(analyze_paragraph(&self.text[r.clone()], &self.lexicon)),
            };
            fresh.push(Para { start: r.start, analysis });
        }
        let tail: Vec<Para> = self.paras.drain(last_old..).collect();
        self.paras.truncate(first_old);
        self.paras.extend(fresh);
        self.paras.extend(tail.into_iter().map(|mut p| {
            p.start = (p.start as isize + delta) as usize;
            p
        }));
        self.analysis = None;
    }

    /// Replace the whole text.
    pub fn set_text(&mut self, text: &str) {
        self.text = text.to_string();
        self.reanalyze_all();
    }

    /// Change the options; everything is reanalysed.
    pub fn set_options(&mut self, options: Options) {
        if options != self.options {
            self.lexicon = Arc::new(Lexicon::new(&options));
            self.options = options;
            self.reanalyze_all();
        }
    }

    /// The analysis of the current text (cached until the next edit).
    pub fn analysis(&mut self) -> Arc<Analysis> {
        if let Some(a) = &self.analysis {
            return a.clone();
        }
        let a = Arc::new(document_pass(&self.text, &self.paras));
        self.analysis = Some(a.clone());
        a
    }
}

// ---------------------------------------------------------------------------
// The document-level pass.

struct EntityBuild {
    /// Evidence that this is a person (a title, a known first name, two or
    /// more name words, or speaking in a frame): only such entities are
    /// antecedents of `he` and `she`.
    person_evidence: bool,
    name: String,
    description: Option<String>,
    kind: EntityKind,
    gender: Gender,
    full: bool,
    introduction: Option<MentionId>,
    first: MentionId,
    last_mention: MentionId,
    /// The latest mention that is not a pronoun: what a pronoun's
    /// antecedent is shown as.
    last_named: MentionId,
    mentions: Vec<MentionId>,
    quotes: Vec<QuoteId>,
}

#[derive(Default)]
struct Coref {
    entities: Vec<EntityBuild>,
    by_full: HashMap<String, usize>,
    by_last: HashMap<String, usize>,
    by_first: HashMap<String, usize>,
    by_nominal: HashMap<String, usize>,
    /// Recently mentioned entities, newest last (bounded).
    recent: Vec<usize>,
    mentions: Vec<Mention>,
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

impl Coref {
    fn new_entity(&mut self, name: String, kind: EntityKind, gender: Gender, full: bool, mention: MentionId) -> usize {
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
            mentions: Vec::new(),
            quotes: Vec::new(),
        });
        self.entities.len() - 1
    }

    fn touch(&mut self, e: usize, m: MentionId) {
        self.entities[e].mentions.push(m);
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
    fn name(&mut self, text: &str, base: usize, n: &NameRun, speaks: bool) -> (usize, MentionId) {
        let range = base + n.range.start..base + n.range.end;
        let mut full_text = collapse_ws(&text[range.clone()]);
        if n.org && n.with_the {
            full_text.insert_str(0, "the ");
        }
        let last = text[base + n.last.start..base + n.last.end].to_string();
        let first = text[base + n.first.start..base + n.first.end].to_string();
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
                eb.name = full_text.clone();
                eb.full = true;
                eb.introduction = Some(m);
                self.by_full.insert(full_text.clone(), e);
                e
            } else {
                let e = self.new_entity(full_text.clone(), kind, n.gender, true, m);
                self.by_full.insert(full_text.clone(), e);
                e
            }
        } else if n.words >= 2 {
            match self.by_full.get(&full_text) {
                Some(&e) => e,
                None => {
                    let e = self.new_entity(full_text.clone(), kind, n.gender, true, m);
                    self.by_full.insert(full_text.clone(), e);
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
                    let e = self.new_entity(full_text.clone(), kind, n.gender, false, m);
                    self.by_full.insert(full_text.clone(), e);
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
        if n.org && n.with_the && eb.name == full_text.trim_start_matches("the ") {
            eb.name = full_text.clone();
        }
        if n.person && eb.kind != EntityKind::Organization {
            eb.kind = EntityKind::Person;
        }
        if !n.org && (n.person || n.words >= 2 || speaks) {
            eb.person_evidence = true;
        }
        if eb.description.is_none() {
            if let Some(d) = &n.description {
                eb.description = Some(collapse_ws(&text[base + d.start..base + d.end]));
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

/// Paragraph-local facts resolved to document ids.
struct ParaIds {
    /// source index → (mention id, antecedent mention for pronouns).
    sources: Vec<(MentionId, Option<MentionId>)>,
}

fn document_pass(text: &str, paras: &[Para]) -> Analysis {
    let mut co = Coref::default();
    let mut ids: Vec<ParaIds> = Vec::with_capacity(paras.len());
    // Pass 1: mentions and entities, in text order within each paragraph.
    for p in paras {
        let pa = &p.analysis;
        let base = p.start;
        let mut names = vec![usize::MAX; pa.names.len()];
        let mut sources = vec![(usize::MAX, None); pa.sources.len()];
        // Events: names and non-name sources, by position.
        // Sorted by end, so that a name inside a nominal (`the Kremlin
        // statement`) is resolved before the nominal.
        let mut events: Vec<(usize, bool, usize)> = Vec::with_capacity(pa.names.len() + pa.sources.len());
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
        let mut speaking = vec![false; pa.names.len()];
        for s in &pa.sources {
            if let SourceKind::Name(n) = s.kind {
                if let Some(x) = speaking.get_mut(n) {
                    *x = true;
                }
            }
        }
        for (_, is_source, i) in events {
            if !is_source {
                let speaks = speaking[i];
                let (_, m) = co.name(text, base, &pa.names[i], speaks);
                names[i] = m;
                continue;
            }
            let s = &pa.sources[i];
            let range = base + s.range.start..base + s.range.end;
            let m = co.mentions.len();
            match &s.kind {
                SourceKind::Pronoun(pc, antecedent) => {
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
                            let name = collapse_ws(&text[range.clone()]).to_lowercase();
                            let key = format!("pronoun:{name}");
                            let e = match co.by_nominal.get(&key) {
                                Some(&e) => e,
                                None => {
                                    let e = co.new_entity(name, EntityKind::Anonymous, Gender::Unknown, false, m);
                                    co.by_nominal.insert(key, e);
                                    e
                                }
                            };
                            (e, None)
                        }
                    };
                    co.mentions.push(Mention { range, entity: e, kind: MentionKind::Pronoun });
                    co.entities[e].mentions.push(m);
                    co.entities[e].last_mention = m;
                    sources[i] = (m, ante);
                }
                SourceKind::Nominal { key, definite, owner } => {
                    let owner_entity = owner
                        .filter(|&o| names.get(o).is_some_and(|&x| x != usize::MAX))
                        .map(|o| co.mentions[names[o]].entity)
                        .filter(|_| s.range.end > 0);
                    let phrase = collapse_ws(&text[range.clone()]);
                    let e = if let (Some(oe), true) = (owner_entity, is_document_head(key)) {
                        oe
                    } else {
                        let mut phrase = phrase.clone();
                        let has_preposition = phrase.split_whitespace().any(|w| matches!(w, "of" | "on" | "in" | "for" | "at" | "from" | "with"));
                        if is_document_head(key) && phrase.split_whitespace().count() >= 3 && !has_preposition {
                            // `the ministry statement` speaks for the ministry.
                            if let Some(cut) = phrase.rfind(' ') {
                                phrase.truncate(cut);
                            }
                        }
                        let lowered = phrase.to_lowercase();
                        let nkey = lowered.split_once(' ').map_or(key.as_str(), |x| x.1).to_string();
                        let nkey = format!("nominal:{nkey}");
                        match co.by_nominal.get(&nkey).filter(|_| *definite) {
                            Some(&e) => e,
                            None => {
                                let mut name = phrase.clone();
                                if let Some(first) = name.get(..1) {
                                    if first == "T" || first == "A" || first == "O" {
                                        let lower_first = first.to_lowercase();
                                        name.replace_range(..1, &lower_first);
                                    }
                                }
                                let kind = if *definite { EntityKind::Organization } else { EntityKind::Anonymous };
                                let e = co.new_entity(name, kind, Gender::Unknown, false, m);
                                co.by_nominal.insert(nkey, e);
                                e
                            }
                        }
                    };
                    co.mentions.push(Mention { range, entity: e, kind: MentionKind::Nominal });
                    co.touch(e, m);
                    sources[i] = (m, None);
                }
                SourceKind::Name(_) => {}
            }
        }
        for (i, s) in pa.sources.iter().enumerate() {
            if let SourceKind::Name(n) = s.kind {
                sources[i] = (names[n], None);
            }
            if let Some(d) = &s.description {
                let e = co.mentions.get(sources[i].0).map(|m| m.entity);
                if let Some(e) = e {
                    if co.entities[e].description.is_none() {
                        co.entities[e].description = Some(collapse_ws(&text[base + d.start..base + d.end]));
                    }
                }
            }
        }
        ids.push(ParaIds { sources });
    }
    // Mentions must be in document order: within a paragraph they were
    // pushed in order, and paragraphs are in order.

    // Pass 2: quotations and attributions.
    let mut quotes: Vec<Quote> = Vec::new();
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
                let (m, ante) = ids[pi].sources[la.source];
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
                    let (m, _) = ids[pi + 1].sources[s];
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
                let (m, ante) = ids[pi].sources[*s];
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
        let mut last_of: HashMap<usize, MentionId> = HashMap::new();
        let mut order: Vec<MentionId> = (0..co.mentions.len()).collect();
        order.sort_by_key(|&i| co.mentions[i].range.start);
        let mut mi = 0;
        for q in quotes.iter_mut() {
            while mi < order.len() && co.mentions[order[mi]].range.start < q.range.start {
                let m = order[mi];
                last_of.insert(co.mentions[m].entity, m);
                mi += 1;
            }
            if let Some(a) = &mut q.attribution {
                if let Method::Continuation { .. } = a.method {
                    if let Some(&m) = last_of.get(&a.entity) {
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
        let mut idx: Vec<MentionId> = (0..co.mentions.len()).collect();
        idx.sort_by_key(|&i| (co.mentions[i].range.start, co.mentions[i].range.end));
        idx
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
        for m in e.mentions.iter_mut() {
            *m = remap[*m];
        }
        e.mentions.sort_unstable();
        e.first = remap[e.first];
        e.introduction = e.introduction.map(|m| remap[m]);
    }
    for (qid, q) in quotes.iter().enumerate() {
        if let Some(a) = &q.attribution {
            co.entities[a.entity].quotes.push(qid);
        }
    }
    let entities: Vec<Entity> = co
        .entities
        .into_iter()
        .map(|e| Entity {
            name: e.name,
            description: e.description,
            kind: e.kind,
            introduction: e.introduction.unwrap_or(e.first),
            mentions: e.mentions,
            quotes: e.quotes,
        })
        .collect();
    let mut analysis = Analysis { quotes, mentions, entities, findings: Vec::new(), paragraphs };
    let strays: Vec<(usize, char)> = paras
        .iter()
        .flat_map(|p| p.analysis.stray_closers.iter().map(move |&(o, c)| (p.start + o, c)))
        .collect();
    analysis.findings = rules::run(text, &analysis, &strays);
    analysis
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
