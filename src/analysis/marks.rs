//! Quotation marks: telling quotation marks from apostrophes, and pairing
//! opening and closing marks inside one paragraph.
//!
//! Rules (after the Chicago Manual of Style 6.9–6.11 and 6.115–6.117, and
//! the "flanking" rules CommonMark uses for smart punctuation):
//! - a mark between two letters or digits is an apostrophe (`don’t`,
//!   `O'Connor`); one before a year or a known elision is an apostrophe
//!   (`’90s`, `’n’`, `’em`);
//! - a straight mark that opens a word (after space or opening punctuation)
//!   opens, one that ends a word (before space or punctuation) closes;
//! - a single closing-looking mark closes only when a single quotation is
//!   open (otherwise it is a plural possessive: `the drivers’ union`);
//! - quotations nest: a single-quoted phrase inside a double-quoted one (or
//!   the British reverse) is an inner quotation, not an end of the outer one.
//!
//! Positions are byte offsets into the paragraph text.

use std::ops::Range;

/// The two families of quotation marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    Double,
    Single,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Open(Family),
    Close(Family),
    /// Closes a quotation of this family if one is open, else apostrophe.
    CloseIfOpen(Family),
    /// Straight mark with no clear side: closes if open, else opens.
    Either(Family),
    Apostrophe,
}

/// One top-level quotation found in a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawQuote {
    /// From the opening mark to after the closing mark (or to the end of the
    /// content, whitespace trimmed, when not closed here).
    pub range: Range<usize>,
    pub content: Range<usize>,
    pub open: char,
    pub close: Option<char>,
    /// Closed by a mark of another style (`“…"`).
    pub mismatched: bool,
    /// Given up inside the paragraph (a new quotation of the same family
    /// opened mid-line): certainly unclosed.
    pub broken: bool,
    /// Ended at a line break because the next line reopens (the
    /// multi-paragraph convention inside one block).
    pub line_piece: bool,
}

/// Marks found in one paragraph ([`scan`]; the analysis uses
/// [`scan_into`] with its own vectors).
#[cfg(test)]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Marks {
    pub quotes: Vec<RawQuote>,
    /// Closing double marks with no opening mark: `(byte offset, mark)`.
    pub stray_closers: Vec<(usize, char)>,
}

pub(crate) fn family(c: char) -> Option<Family> {
    match c {
        '"' | '“' | '”' | '„' | '«' | '»' | '‟' => Some(Family::Double),
        '\'' | '‘' | '’' | '‚' | '‹' | '›' | '‛' => Some(Family::Single),
        _ => None,
    }
}

/// Is `c` any quotation-mark character?
pub(crate) fn is_mark(c: char) -> bool {
    family(c).is_some()
}

fn opening_punct(c: char) -> bool {
    matches!(c, '(' | '[' | '{' | '<' | '—' | '–' | '-' | '/' | '“' | '‘' | '«' | '„' | '‚' | ':' | '\u{2026}')
}

fn closing_punct(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '}' | '>' | '—' | '–' | '-' | '/' | '…'
            | '”' | '’' | '»' | '"' | '\'' | '*' | '_'
    )
}

const ELISIONS: &[&str] = &["n", "em", "til", "tis", "twas", "cause", "bout", "round", "nuff", "cos", "ol", "s"];

/// The word that starts at `rest` (letters only), lower-cased, if short.
fn elision_after(rest: &str) -> bool {
    let word: String = rest.chars().take_while(|c| c.is_alphabetic()).take(6).collect();
    if word.is_empty() {
        return false;
    }
    let after = rest[word.len()..].chars().next();
    let lower = word.to_lowercase();
    ELISIONS.contains(&lower.as_str())
        && (lower != "n" || matches!(after, Some('\'' | '’')))
        && (lower != "s" || after.is_none_or(|c| !c.is_alphanumeric()))
}

fn year_after(rest: &str) -> bool {
    let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
    digits == 2 && rest[2..].chars().next().is_none_or(|c| !c.is_alphanumeric() || c == 's')
}

fn classify(prev: Option<char>, c: char, text: &str, i: usize) -> Role {
    let rest = &text[i + c.len_utf8()..];
    let next = rest.chars().next();
    let prev_alnum = prev.is_some_and(|p| p.is_alphanumeric());
    let next_alnum = next.is_some_and(|n| n.is_alphanumeric());
    let left_ok = prev.is_none_or(|p| p.is_whitespace() || opening_punct(p));
    let right_ok = next.is_none_or(|n| n.is_whitespace() || closing_punct(n));
    match c {
        '“' | '„' | '«' | '‟' => Role::Open(Family::Double),
        // A right mark opening a word at the start of a paragraph or after
        // a space is a typo for a left mark (`”Fortunately, …`).
        '”' if prev.is_none_or(char::is_whitespace) && next_alnum => Role::Open(Family::Double),
        '”' | '»' => Role::Close(Family::Double),
        '"' => {
            if left_ok && !right_ok {
                Role::Open(Family::Double)
            } else if right_ok && !left_ok {
                Role::Close(Family::Double)
            } else {
                Role::Either(Family::Double)
            }
        }
        '‘' | '‚' | '‛' => {
            if year_after(rest) || (prev_alnum && next_alnum) {
                Role::Apostrophe
            } else {
                Role::Open(Family::Single)
            }
        }
        '’' | '\'' => {
            if (prev_alnum && next_alnum) || (left_ok && (year_after(rest) || elision_after(rest))) {
                Role::Apostrophe
            } else if left_ok && !right_ok {
                if c == '’' { Role::Apostrophe } else { Role::Open(Family::Single) }
            } else if !left_ok {
                Role::CloseIfOpen(Family::Single)
            } else {
                Role::Apostrophe
            }
        }
        '‹' => Role::Open(Family::Single),
        '›' => Role::CloseIfOpen(Family::Single),
        _ => Role::Apostrophe,
    }
}

/// Do `open` and `close` belong to one style? (`“”`, `„“`, `„”`, `«»`,
/// `""`, `‘’`, `‚‘`, `‚’`, `''`, `‹›`, and the Scandinavian `»«`, `””`.)
pub(crate) fn styles_match(open: char, close: char) -> bool {
    matches!(
        (open, close),
        ('“', '”') | ('„', '“') | ('„', '”') | ('«', '»') | ('»', '«') | ('"', '"') | ('‟', '”')
            | ('‘', '’') | ('‚', '‘') | ('‚', '’') | ('\'', '\'') | ('‹', '›') | ('‛', '’')
            | ('”', '”')
    )
}

struct OpenMark {
    family: Family,
    ch: char,
    pos: usize,
}

/// The stack of open marks, with the counts the scanner asks about kept up
/// to date, so that every question is O(1) and a paragraph of 100,000
/// nested marks stays linear.
#[derive(Default)]
struct Stack {
    marks: Vec<OpenMark>,
    /// Stack indices of the open marks of each family, in order.
    by_family: [Vec<usize>; 2],
    /// Open `„` and `‚` marks.
    low9: [usize; 2],
}

fn fidx(f: Family) -> usize {
    if f == Family::Double { 0 } else { 1 }
}

impl Stack {
    fn len(&self) -> usize {
        self.marks.len()
    }
    /// Empty, keeping the allocations.
    fn clear(&mut self) {
        self.marks.clear();
        for v in &mut self.by_family {
            v.clear();
        }
        self.low9 = [0; 2];
    }
    fn last(&self) -> Option<&OpenMark> {
        self.marks.last()
    }
    fn first(&self) -> Option<&OpenMark> {
        self.marks.first()
    }
    fn push(&mut self, m: OpenMark) {
        self.by_family[fidx(m.family)].push(self.marks.len());
        match m.ch {
            '„' => self.low9[0] += 1,
            '‚' => self.low9[1] += 1,
            _ => {}
        }
        self.marks.push(m);
    }
    fn pop(&mut self) -> Option<OpenMark> {
        let m = self.marks.pop()?;
        self.by_family[fidx(m.family)].pop();
        match m.ch {
            '„' => self.low9[0] -= 1,
            '‚' => self.low9[1] -= 1,
            _ => {}
        }
        Some(m)
    }
    fn truncate(&mut self, k: usize) {
        while self.marks.len() > k {
            self.pop();
        }
    }
    /// Index of the innermost open mark of family `f`.
    fn innermost(&self, f: Family) -> Option<usize> {
        self.by_family[fidx(f)].last().copied()
    }
    fn has_family(&self, f: Family) -> bool {
        !self.by_family[fidx(f)].is_empty()
    }
}

/// Answers "does the mark at `pos` start its line (only white space before
/// it, after a line break that is not the paragraph's first byte)?" for
/// increasing `pos`, looking at every byte at most twice in all.
struct LineStart {
    /// Bytes before this were searched for `\n`.
    searched: usize,
    /// The last `\n` found.
    nl: Option<usize>,
    /// Bytes from `nl + 1` up to this were checked to be white space.
    ws_upto: usize,
    /// A non-space character was found after `nl`.
    non_space: bool,
}

impl LineStart {
    fn new() -> Self {
        LineStart { searched: 0, nl: None, ws_upto: 0, non_space: false }
    }
    fn at(&mut self, text: &str, pos: usize) -> bool {
        if pos > self.searched {
            if let Some(k) = memchr::memrchr(b'\n', &text.as_bytes()[self.searched..pos]) {
                let nl = self.searched + k;
                self.nl = Some(nl);
                self.ws_upto = nl + 1;
                self.non_space = false;
            }
            self.searched = pos;
        }
        let Some(nl) = self.nl else { return false };
        if !self.non_space && self.ws_upto < pos {
            for (k, c) in text[self.ws_upto..pos].char_indices() {
                if !c.is_whitespace() {
                    self.non_space = true;
                    self.ws_upto += k;
                    break;
                }
            }
            if !self.non_space {
                self.ws_upto = pos;
            }
        }
        !self.non_space && nl > 0
    }
}

fn trimmed_end(text: &str, end: usize, floor: usize) -> usize {
    floor + text[floor..end].trim_end().len()
}

/// Typographic left and right marks not yet scanned, per family: lets the
/// scanner ask in O(1) whether enough right marks remain to close a nested
/// quotation.
struct Remaining {
    open: [usize; 2],
    close: [usize; 2],
    /// Straight double marks `"`.
    straight: usize,
}

impl Remaining {
    fn count(&mut self, c: char, add: usize) {
        match c {
            '“' => self.open[0] += add,
            '”' => self.close[0] += add,
            '‘' => self.open[1] += add,
            '’' => self.close[1] += add,
            '"' => self.straight += add,
            _ => {}
        }
    }
    fn passed(&mut self, c: char) {
        match c {
            '“' => self.open[0] -= 1,
            '”' => self.close[0] -= 1,
            '‘' => self.open[1] -= 1,
            '’' => self.close[1] -= 1,
            '"' => self.straight -= 1,
            _ => {}
        }
    }
    /// Right marks after the current one.
    fn closers(&self, f: Family) -> usize {
        self.close[fidx(f)]
    }
    /// Left marks from the current one on (it included).
    fn openers(&self, f: Family) -> usize {
        self.open[fidx(f)] + 1
    }
}

/// Every quotation-mark character of `text`: `(byte offset, mark)`, in
/// order, into `out` (cleared first). Marks are `"`, `'`, or start with the
/// lead bytes `0xC2` (`«»`) and `0xE2` (`“”„‟‘’‚‛‹›`), so only those bytes
/// are decoded.
fn mark_positions(text: &str, out: &mut Vec<(usize, char)>) {
    let bytes = text.as_bytes();
    out.clear();
    let decode = |i: usize| text[i..].chars().next().filter(|&c| family(c).is_some());
    // `«»` (lead byte 0xC2) are rare: merge their few positions in.
    let mut low = memchr::memchr_iter(0xC2, bytes).filter_map(|i| decode(i).map(|c| (i, c))).peekable();
    for i in memchr::memchr3_iter(b'"', b'\'', 0xE2, bytes) {
        let c = match bytes[i] {
            0xE2 => match decode(i) {
                Some(c) => c,
                None => continue,
            },
            b => b as char,
        };
        while let Some(&l) = low.peek().filter(|l| l.0 < i) {
            out.push(l);
            low.next();
        }
        out.push((i, c));
    }
    out.extend(low);
}

/// A quotation opened by `open` and given up at byte `until` (its content
/// ends there, trailing white space trimmed).
fn left_open(text: &str, open: &OpenMark, until: usize, broken: bool, line_piece: bool) -> RawQuote {
    let floor = open.pos + open.ch.len_utf8();
    let end = trimmed_end(text, until, floor);
    RawQuote { range: open.pos..end, content: floor..end, open: open.ch, close: None, mismatched: false, broken, line_piece }
}

/// Find the top-level quotations of one paragraph.
///
/// Linear in the paragraph's length whatever its marks: each mark is
/// classified in O(1) (its neighbours and a bounded look-ahead), and the
/// stack of open marks answers in O(1) (see `Stack`).
#[cfg(test)]
pub(crate) fn scan(text: &str) -> Marks {
    let mut out = Marks::default();
    scan_into(text, &mut out.quotes, &mut out.stray_closers, &mut ScanBuffers::default());
    out
}

/// The working buffers of [`scan_into`], which a caller may keep from one
/// paragraph to the next to spare their allocations. What they hold
/// between two scans does not matter: each scan clears them first.
#[derive(Default)]
pub(crate) struct ScanBuffers {
    positions: Vec<(usize, char)>,
    stack: Stack,
}

impl ScanBuffers {
    /// The largest number of marks, open or found, among the buffers'
    /// capacities (a caller releases big buffers rather than keep them).
    pub(crate) fn capacity(&self) -> usize {
        self.positions.capacity().max(self.stack.marks.capacity())
    }
}

/// [`scan`] into `quotes` and `stray_closers` (the fields of [`Marks`],
/// cleared first), with the working buffers `bufs`.
pub(crate) fn scan_into(text: &str, quotes: &mut Vec<RawQuote>, stray_closers: &mut Vec<(usize, char)>, bufs: &mut ScanBuffers) {
    quotes.clear();
    stray_closers.clear();
    let ScanBuffers { positions, stack } = bufs;
    stack.clear();
    mark_positions(text, positions);
    let mut remaining = Remaining { open: [0; 2], close: [0; 2], straight: 0 };
    for &(_, c) in positions.iter() {
        remaining.count(c, 1);
    }
    let mut line_start = LineStart::new();
    for &(i, c) in positions.iter() {
        // The character before the mark (marks included).
        let prev = text[..i].chars().next_back();
        remaining.passed(c);
        // `„…“`: a left double mark closes an open low-9 mark.
        let mut role = classify(prev, c, text, i);
        if c == '“' && stack.low9[0] > 0 {
            role = Role::Close(Family::Double);
        }
        if c == '‘' && stack.low9[1] > 0 {
            role = Role::Close(Family::Single);
        }
        if c == '»' && stack.len() == 0 && prev.is_none_or(char::is_whitespace) {
            role = Role::Open(Family::Double);
        }
        let role = match role {
            Role::Either(f) => {
                if stack.has_family(f) {
                    Role::Close(f)
                } else {
                    Role::Open(f)
                }
            }
            r => r,
        };
        match role {
            Role::Open(f) => {
                if let Some(top) = stack.last() {
                    // A typographic left mark inside an open quotation of
                    // the same family mid-line is a nested quotation
                    // (`“… he calls “hell” than …”`).
                    // Only when enough right marks follow to close both.
                    let nested_same = top.family == f
                        && c != '"'
                        && c != '\''
                        && !line_start.at(text, i)
                        && remaining.closers(f) > remaining.openers(f);
                    // A straight mark opening mid-line inside a quotation
                    // opened by a typographic mark is a nested quotation in
                    // straight marks (`“We call it a "win" today.”`, as
                    // pasted text mixes them), when a straight mark follows
                    // to close it and a right mark to close the outer one.
                    let nested_straight = top.family == Family::Double
                        && c == '"'
                        && top.ch == '“'
                        && !line_start.at(text, i)
                        && remaining.straight > 0
                        && remaining.closers(f) >= remaining.openers(f);
                    if nested_same || nested_straight {
                        stack.push(OpenMark { family: f, ch: c, pos: i });
                        continue;
                    }
                    if top.family == f && stack.len() == 1 {
                        let old = stack.pop().expect("non-empty");
                        if f == Family::Double {
                            let line_piece = line_start.at(text, i);
                            quotes.push(left_open(text, &old, i, !line_piece, line_piece));
                        }
                    } else if top.family == f && stack.len() > 1 {
                        // Same family nested inside an inner quotation: the
                        // inner one was really closed by nothing; drop it.
                        stack.pop();
                    }
                }
                stack.push(OpenMark { family: f, ch: c, pos: i });
            }
            Role::Close(f) | Role::CloseIfOpen(f) => {
                if let Some(k) = stack.innermost(f) {
                    let open = &stack.marks[k];
                    if k == 0 {
                        let floor = open.pos + open.ch.len_utf8();
                        quotes.push(RawQuote {
                            range: open.pos..i + c.len_utf8(),
                            content: floor..i,
                            open: open.ch,
                            close: Some(c),
                            mismatched: !styles_match(open.ch, c),
                            broken: false,
                            line_piece: false,
                        });
                    }
                    stack.truncate(k);
                } else if matches!(role, Role::Close(Family::Double)) {
                    stray_closers.push((i, c));
                }
            }
            Role::Either(_) | Role::Apostrophe => {}
        }
    }
    if let Some(old) = stack.first() {
        // A straight single mark never closed was an apostrophe after all.
        if old.ch != '\'' {
            quotes.push(left_open(text, old, text.len(), false, false));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quotes(text: &str) -> Vec<&str> {
        scan(text).quotes.iter().map(|q| &text[q.range.clone()]).collect()
    }

    #[test]
    fn apostrophes_are_not_marks() {
        let t = "Trump’s aides don’t like the ’90s, rock ’n’ roll, the drivers’ union, O'Connor or I'll.";
        assert_eq!(quotes(t), Vec::<&str>::new());
        let t = "Rock 'n' roll in the '90s: the drivers' union.";
        assert_eq!(quotes(t), Vec::<&str>::new());
    }

    #[test]
    fn curly_and_straight_pairs() {
        assert_eq!(quotes("“One,” she said, “two.”"), vec!["“One,”", "“two.”"]);
        assert_eq!(quotes("\"One,\" she said, \"two.\""), vec!["\"One,\"", "\"two.\""]);
        assert_eq!(quotes("Putin, Trump Discuss 'Active' Partnership Based on 'Non-Interference,' Says Kremlin"), vec!["'Active'", "'Non-Interference,'"]);
        assert_eq!(quotes("«Oui», dit-il. „Ja“, sagte er. ‚ja‘"), vec!["«Oui»", "„Ja“", "‚ja‘"]);
    }

    #[test]
    fn nested_quotes_are_inner() {
        assert_eq!(quotes("“He said ‘don’t’ to me,” she said."), vec!["“He said ‘don’t’ to me,”"]);
        assert_eq!(quotes("‘He said “no” to me,’ she said."), vec!["‘He said “no” to me,’"]);
        assert_eq!(quotes("\"He called it 'fake' news,\" she said."), vec!["\"He called it 'fake' news,\""]);
    }

    /// A quotation in straight marks inside one in typographic marks (as
    /// pasted text mixes them) is nested, not the end of the outer one and
    /// a stray closer (QA: `unclosed-quote` on a correct sentence).
    #[test]
    fn straight_marks_nest_inside_typographic_ones() {
        let t = "He said, “We will call it a \"win\" today.” Then “\"Yes\" and “no”.”";
        let m = scan(t);
        let quotes: Vec<&str> = m.quotes.iter().map(|q| &t[q.range.clone()]).collect();
        assert_eq!(quotes, ["“We will call it a \"win\" today.”", "“\"Yes\" and “no”.”"]);
        assert!(m.quotes.iter().all(|q| !q.broken && !q.mismatched));
        assert!(m.stray_closers.is_empty());
        // No straight mark after it to close it: the outer quotation is
        // given up there, as before.
        let t = "“We call it a \"win today.”";
        assert!(scan(t).quotes[0].broken);
    }

    #[test]
    fn open_at_end_and_mismatch() {
        let m = scan("“First paragraph of a long quote.");
        assert_eq!(m.quotes.len(), 1);
        assert_eq!(m.quotes[0].close, None);
        let m = scan("“Mixed marks,\" she said.");
        assert!(m.quotes[0].mismatched);
        assert_eq!(quotes("“I’d rather live in what he calls “hell” than there.” ― Ana Ruiz"), vec!["“I’d rather live in what he calls “hell” than there.”"]);
        let m = scan("It ended.” Then");
        assert_eq!(m.stray_closers, vec![(9, '”')]);
    }
}
