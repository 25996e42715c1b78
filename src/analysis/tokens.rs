//! A small tokenizer for one paragraph: words, punctuation, and each
//! top-level quotation as a single token. Every Unicode white space (NBSP,
//! thin space, …) separates tokens like a space.

use std::ops::Range;

use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// Kind of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Letters, digits and word-internal `'’-.&` (`O'Connor`, `al-Assad`,
    /// `U.S.`, `Mr.`).
    Word,
    /// One punctuation character outside quotations.
    Punct(char),
    /// A whole top-level quotation (index into the paragraph's quotes).
    Quote(usize),
    /// A line break inside the paragraph.
    Newline,
}

/// One token: its kind and bytes (paragraph-relative).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: Kind,
    pub range: Range<usize>,
}

/// Abbreviations that keep their final period inside the word.
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Maj", "Capt",
    "Adm", "Sgt", "Cpl", "Pvt", "Rev", "Jr", "Sr", "St", "Mt", "Ft", "Inc", "Corp", "Co", "Ltd",
    "No", "vs", "Vol", "Jan", "Feb", "Mar", "Apr", "Aug", "Sept", "Sep", "Oct", "Nov", "Dec",
    "Pres", "Supt", "Sec", "Atty", "Hon", "Dept", "Gens", "Reps", "Sens", "Mx", "a.m", "p.m",
];

/// Is `c` part of a word: a letter or digit, a combining mark (a word
/// spelled with decomposed accents, `Jose\u{301}` as macOS saves `José`,
/// or a vowel sign of an Indic script, stays one word: Unicode general
/// category M, UAX #29's `Extend`), a zero-width joiner or non-joiner or a
/// word joiner (U+200C, U+200D, U+2060: they join, never break), a soft
/// hyphen (U+00AD), or one of `_@#$%` (handles, hashtags, amounts).
fn is_word_char(c: char) -> bool {
    // General Punctuation (curly quotes, dashes, spaces) holds no letter,
    // digit or mark: spare the Unicode table search for the most common
    // non-ASCII characters of news text.
    if ('\u{2000}'..='\u{206F}').contains(&c) {
        return matches!(c, '\u{200C}' | '\u{200D}' | '\u{2060}');
    }
    c.is_alphanumeric()
        || c == '_'
        || c == '@'
        || c == '#'
        || c == '$'
        || c == '%'
        || c == '\u{AD}'
        || (!c.is_ascii() && c.general_category_group() == GeneralCategoryGroup::Mark)
}

/// Is `c` skipped between tokens, as a space is: white space, a control
/// character, or an invisible format character that is not a joiner (zero
/// width space U+200B, byte order mark U+FEFF, the bidirectional marks,
/// embeddings and isolates U+200E–U+200F, U+202A–U+202E, U+2066–U+2069),
/// which a writer cannot see and so cannot mean as punctuation. The soft
/// hyphen (U+00AD) is not skipped: it is a word character (it joins).
fn is_skipped(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Class of an ASCII byte, for the fast path of [`tokenize`] (the same
/// answers as the `char` tests: `is_word_char`, `is_whitespace`,
/// `is_control`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ascii {
    Word,
    /// White space or a control character other than `\n`: skipped.
    Skip,
    Newline,
    Punct,
    /// A byte of a non-ASCII character: decode it.
    Multibyte,
}

const fn ascii_class(b: u8) -> Ascii {
    match b {
        b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'@' | b'#' | b'$' | b'%' => Ascii::Word,
        b'\n' => Ascii::Newline,
        0..=0x1f | 0x7f | b' ' => Ascii::Skip,
        _ => Ascii::Punct,
    }
}

static ASCII_CLASS: [Ascii; 128] = {
    let mut t = [Ascii::Punct; 128];
    let mut i = 0;
    while i < 128 {
        t[i] = ascii_class(i as u8);
        i += 1;
    }
    t
};

/// [`ASCII_CLASS`] over every byte value: one load classifies a byte.
static BYTE_CLASS: [Ascii; 256] = {
    let mut t = [Ascii::Multibyte; 256];
    let mut i = 0;
    while i < 128 {
        t[i] = ascii_class(i as u8);
        i += 1;
    }
    t
};

/// Is the character starting at byte `j` of `text` (and before `limit`) a
/// word character?
fn word_char_at(text: &str, j: usize, limit: usize) -> bool {
    if j >= limit {
        return false;
    }
    let b = text.as_bytes()[j];
    if b < 0x80 {
        return ASCII_CLASS[b as usize] == Ascii::Word;
    }
    text[j..].chars().next().is_some_and(is_word_char)
}

/// The character starting at byte `i` of `text` (a char boundary before the
/// end).
fn char_at(text: &str, i: usize) -> char {
    text[i..].chars().next().unwrap_or('\0')
}

/// End of the word whose first character ends at byte `j`: words run over
/// word characters and over the word-internal joiners `'’-.&‑` between two
/// word characters (`O'Connor`, `don’t`, `al-Assad`, `U.S`, `AT&T`), and
/// stop at `limit`. Also says whether every character taken after `j` is
/// ASCII.
#[inline]
fn word_end(text: &str, mut j: usize, limit: usize) -> (usize, bool) {
    let bytes = text.as_bytes();
    let mut ascii = true;
    loop {
        // The common case: a run of ASCII word bytes.
        j += bytes[j..limit].iter().position(|&b| BYTE_CLASS[b as usize] != Ascii::Word).unwrap_or(limit - j);
        if j >= limit {
            return (j, ascii);
        }
        let b = bytes[j];
        let len = if b < 0x80 {
            if !matches!(b, b'\'' | b'-' | b'.' | b'&') {
                return (j, ascii);
            }
            1
        } else {
            let d = char_at(text, j);
            if is_word_char(d) {
                j += d.len_utf8();
                ascii = false;
                continue;
            }
            if !matches!(d, '’' | '\u{2011}') {
                return (j, ascii);
            }
            d.len_utf8()
        };
        // A joiner: part of the word only before another word character.
        if !word_char_at(text, j + len, limit) {
            return (j, ascii);
        }
        ascii &= len == 1;
        j += len;
    }
}

/// Does the word `w`, followed by a period, keep that period (`Mr.`, `F.`,
/// `U.S.`, `R-Ky.`)?
///
/// Most words before a period end a sentence (`said.`, `year.`): they are
/// turned down by their length and first byte before the list is searched.
fn keeps_period(w: &str) -> bool {
    let b = w.as_bytes();
    let Some(&first) = b.first() else { return false };
    // An initial (one upper-case character, at most 4 bytes) or a listed
    // abbreviation.
    if b.len() <= ABBREVIATION_MAX_LEN {
        let mut chars = w.chars();
        if matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase()) {
            return true;
        }
        if ABBREVIATION_FIRST[first as usize] && ABBREVIATIONS.contains(&w) {
            return true;
        }
    }
    // `R-Ky.`, `D-N.Y.`: party and state tags.
    let party = b.len() <= 10 && matches!(first, b'R' | b'D' | b'I') && b.get(1) == Some(&b'-');
    // `.` is ASCII: no byte of a multi-byte character equals it. A plain
    // loop: words are short, and `contains` calls `memchr` (100
    // instructions a call to set up).
    #[allow(clippy::manual_contains)] // `contains` calls `memchr`: see above
    let period = b.iter().any(|&x| x == b'.');
    party || period
}

/// Longest entry of [`ABBREVIATIONS`] in bytes, and of a one-character
/// initial (a pre-filter).
const ABBREVIATION_MAX_LEN: usize = 4;

/// Is this byte the first byte of an entry of [`ABBREVIATIONS`]? (A
/// pre-filter: one load turns down most words.)
static ABBREVIATION_FIRST: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < ABBREVIATIONS.len() {
        t[ABBREVIATIONS[i].as_bytes()[0] as usize] = true;
        i += 1;
    }
    t
};

/// [`tokenize_into`] a new vector.
#[cfg(test)]
pub(crate) fn tokenize(text: &str, quotes: &[Range<usize>]) -> Vec<Token> {
    let mut out = Vec::new();
    tokenize_into(text, quotes, &mut out);
    out
}

/// Tokenize `text` (one paragraph) into `out` (cleared first, to reuse its
/// allocation); `quotes` are the top-level quotation
/// ranges, sorted and disjoint.
pub(crate) fn tokenize_into(text: &str, quotes: &[Range<usize>], out: &mut Vec<Token>) {
    tokenize_with(text, quotes, out, &mut Vec::new(), (), |_, _| ());
}

/// [`tokenize_into`], and into `facts` (cleared first) one value per
/// token: `word(w, ascii)` for a word token `w` (`ascii`: all its bytes
/// are ASCII), `other` for any other token. The tokenizer has just read
/// the word, so the caller's look-up finds its bytes in cache and need not
/// test them for ASCII again.
///
/// One pass over the bytes, a segment between two quotations at a time:
/// ASCII is classified by table (runs of word bytes in a tight loop),
/// other characters are decoded once.
#[inline]
pub(crate) fn tokenize_with<F: Clone>(
    text: &str,
    quotes: &[Range<usize>],
    out_ref: &mut Vec<Token>,
    facts_ref: &mut Vec<F>,
    other: F,
    mut word: impl FnMut(&str, bool) -> F,
) {
    // Filled as locals (their lengths stay in registers), handed back at
    // the end.
    let (mut out_buf, mut facts_buf) = (std::mem::take(out_ref), std::mem::take(facts_ref));
    let (out, facts) = (&mut out_buf, &mut facts_buf);
    out.clear();
    facts.clear();
    out.reserve(text.len() / 5 + 1);
    facts.reserve(text.len() / 5 + 1);
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut qi = 0;
    while i < text.len() {
        if qi < quotes.len() && quotes[qi].start <= i {
            let end = quotes[qi].end.max(i + 1);
            out.push(Token { kind: Kind::Quote(qi), range: quotes[qi].start..end });
            facts.push(other.clone());
            i = end;
            qi += 1;
            while i < text.len() && !text.is_char_boundary(i) {
                i += 1;
            }
            continue;
        }
        // The segment up to the next quotation: no token crosses `limit`
        // (a char boundary), so the quotation test waits until it ends.
        let limit = if qi < quotes.len() { quotes[qi].start } else { text.len() };
        while i < limit {
            let b = bytes[i];
            let c = match BYTE_CLASS[b as usize] {
                Ascii::Skip => {
                    i += 1;
                    continue;
                }
                Ascii::Newline => {
                    out.push(Token { kind: Kind::Newline, range: i..i + 1 });
                    facts.push(other.clone());
                    i += 1;
                    continue;
                }
                Ascii::Punct => {
                    out.push(Token { kind: Kind::Punct(b as char), range: i..i + 1 });
                    facts.push(other.clone());
                    i += 1;
                    continue;
                }
                Ascii::Word => b as char,
                Ascii::Multibyte => {
                    let c = char_at(text, i);
                    if is_skipped(c) {
                        i += c.len_utf8();
                        continue;
                    }
                    if !is_word_char(c) {
                        out.push(Token { kind: Kind::Punct(c), range: i..i + c.len_utf8() });
                        facts.push(other.clone());
                        i += c.len_utf8();
                        continue;
                    }
                    c
                }
            };
            let start = i;
            let (mut j, ascii) = word_end(text, i + c.len_utf8(), limit);
            // Keep the period of abbreviations, initials and U.S.-style words.
            if j < limit && bytes[j] == b'.' && keeps_period(&text[start..j]) {
                j += 1;
            }
            out.push(Token { kind: Kind::Word, range: start..j });
            facts.push(word(&text[start..j], ascii && c.is_ascii()));
            i = j;
        }
    }
    *out_ref = out_buf;
    *facts_ref = facts_buf;
}

/// [`collapse_into`] new vectors, `None` where it gives `false`.
#[cfg(test)]
pub(crate) fn collapse(text: &str, all: &[Token], quotes: &[Range<usize>]) -> Option<(Vec<Token>, Vec<usize>)> {
    let (mut out, mut from) = (Vec::new(), Vec::new());
    collapse_into(text, all, quotes, &mut out, &mut from).then_some((out, from))
}

/// The stream [`tokenize_into`] gives for `quotes`, derived from `all`, the
/// stream of the same `text` with no quotation collapsed: the tokens of
/// `all` between the quotations, each quotation one token. Into `out`
/// (cleared first), and into `from` for each token the index of the token
/// of `all` it is (`usize::MAX` for a quotation).
///
/// `false` when the two tokenizations could differ: a token of `all`
/// crosses an edge of a quotation, or the quotations overlap. The caller
/// then tokenizes anew (the buffers hold a part of the stream). Otherwise
/// `out` equals what the tokenizer gives for `quotes`: it stops every word
/// at the next quotation and restarts after it, and from any position
/// outside a token it reads the same tokens as the uncollapsed one.
pub(crate) fn collapse_into(text: &str, all: &[Token], quotes: &[Range<usize>], out: &mut Vec<Token>, from: &mut Vec<usize>) -> bool {
    out.clear();
    from.clear();
    out.reserve(all.len());
    from.reserve(all.len());
    let mut k = 0;
    let mut pos = 0;
    for (qi, q) in quotes.iter().enumerate() {
        if q.start < pos || q.start >= text.len() {
            return false;
        }
        while k < all.len() && all[k].range.start < q.start {
            if all[k].range.end > q.start {
                return false;
            }
            out.push(all[k].clone());
            from.push(k);
            k += 1;
        }
        let mut end = q.end.max(q.start + 1);
        while end < text.len() && !text.is_char_boundary(end) {
            end += 1;
        }
        out.push(Token { kind: Kind::Quote(qi), range: q.start..q.end.max(q.start + 1) });
        from.push(usize::MAX);
        while k < all.len() && all[k].range.start < end {
            if all[k].range.end > end {
                return false;
            }
            k += 1;
        }
        pos = end;
    }
    out.extend_from_slice(&all[k..]);
    from.extend(k..all.len());
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text, &[]).iter().map(|t| &text[t.range.clone()]).collect()
    }

    /// The tokenizer as it was before the word-run fast path: the oracle
    /// the faster [`tokenize`] must agree with.
    fn reference(text: &str, quotes: &[Range<usize>]) -> Vec<Token> {
        let mut out = Vec::with_capacity(text.len() / 5 + 1);
        let bytes = text.as_bytes();
        let mut i = 0;
        let mut qi = 0;
        while i < text.len() {
            if qi < quotes.len() && quotes[qi].start <= i {
                let end = quotes[qi].end.max(i + 1);
                out.push(Token { kind: Kind::Quote(qi), range: quotes[qi].start..end });
                i = end;
                qi += 1;
                while i < text.len() && !text.is_char_boundary(i) {
                    i += 1;
                }
                continue;
            }
            let limit = if qi < quotes.len() { quotes[qi].start } else { text.len() };
            let b = bytes[i];
            let (c, word) = if b < 0x80 {
                match ASCII_CLASS[b as usize] {
                    Ascii::Newline => {
                        out.push(Token { kind: Kind::Newline, range: i..i + 1 });
                        i += 1;
                        continue;
                    }
                    Ascii::Skip => {
                        i += 1;
                        continue;
                    }
                    Ascii::Word => (b as char, true),
                    Ascii::Punct => (b as char, false),
                    Ascii::Multibyte => unreachable!("ASCII_CLASS holds ASCII only"),
                }
            } else {
                let c = match text[i..].chars().next() {
                    Some(c) => c,
                    None => break,
                };
                if is_skipped(c) {
                    i += c.len_utf8();
                    continue;
                }
                (c, is_word_char(c))
            };
            if word {
                let start = i;
                let mut j = i + c.len_utf8();
                while j < limit {
                    let b = bytes[j];
                    let d = if b < 0x80 {
                        if ASCII_CLASS[b as usize] == Ascii::Word {
                            j += 1;
                            continue;
                        }
                        b as char
                    } else {
                        match text[j..].chars().next() {
                            Some(d) => d,
                            None => break,
                        }
                    };
                    if b >= 0x80 && is_word_char(d) {
                        j += d.len_utf8();
                        continue;
                    }
                    // Word-internal joiners: O'Connor, don’t, al-Assad, U.S., AT&T.
                    if matches!(d, '\'' | '’' | '-' | '.' | '&' | '\u{2011}') && word_char_at(text, j + d.len_utf8(), limit) {
                        j += d.len_utf8();
                        continue;
                    }
                    break;
                }
                // Keep the period of abbreviations, initials and U.S.-style words.
                if j < limit && bytes[j] == b'.' {
                    let w = &text[start..j];
                    let initial = w.chars().count() == 1 && w.chars().all(char::is_uppercase);
                    // `R-Ky.`, `D-N.Y.`: party and state tags.
                    let party = w.len() <= 10 && w.starts_with(['R', 'D', 'I']) && w.get(1..2) == Some("-");
                    if initial || party || w.contains('.') || ABBREVIATIONS.contains(&w) {
                        j += 1;
                    }
                }
                out.push(Token { kind: Kind::Word, range: start..j });
                i = j;
                continue;
            }
            out.push(Token { kind: Kind::Punct(c), range: i..i + c.len_utf8() });
            i += c.len_utf8();
        }
        out
    }

    #[test]
    fn general_punctuation_holds_no_word_character() {
        for c in '\u{2000}'..='\u{206F}' {
            assert!(!c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn abbreviation_prefilter_covers_the_list() {
        assert_eq!(ABBREVIATIONS.iter().map(|a| a.len()).max(), Some(ABBREVIATION_MAX_LEN));
        assert!(ABBREVIATIONS.iter().all(|a| ABBREVIATION_FIRST[a.as_bytes()[0] as usize]));
    }

    /// [`keeps_period`] with its pre-filters equals the plain definition.
    #[test]
    fn keeps_period_agrees_with_its_definition() {
        let plain = |w: &str| {
            let initial = w.chars().count() == 1 && w.chars().all(char::is_uppercase);
            let party = w.len() <= 10 && w.starts_with(['R', 'D', 'I']) && w.get(1..2) == Some("-");
            initial || party || w.contains('.') || ABBREVIATIONS.contains(&w)
        };
        let mut words: Vec<String> = ABBREVIATIONS.iter().map(|a| a.to_string()).collect();
        words.extend(ABBREVIATIONS.iter().map(|a| a.to_lowercase()));
        words.extend(ABBREVIATIONS.iter().map(|a| a.to_uppercase()));
        words.extend(ABBREVIATIONS.iter().map(|a| format!("{a}x")));
        for w in [
            "", "F", "f", "É", "é", "Ǆ", "ǅ", "中", "said", "year", "Mrs", "Mrss", "R-Ky", "D-N.Y", "I-Vt", "R-", "R-Kentucky",
            "R-Kentuckyy", "Rx-y", "U.S", "a.m", "p.m", "vs", "Vs", "No", "no", "St", "Sept", "Septe", "X", "XY",
        ] {
            words.push(w.to_string());
        }
        for w in &words {
            assert_eq!(keeps_period(w), plain(w), "{w:?}");
        }
    }

    proptest::proptest! {
        /// The fast tokenizer equals the reference on text made of the
        /// characters the rules care about, with and without the
        /// paragraph's quotations collapsed.
        #[test]
        fn agrees_with_the_reference(chars in proptest::collection::vec(proptest::sample::select(vec![
            'a', 'Z', '7', '_', '@', '#', ' ', ' ', '\n', '\t', '\u{a0}', '\u{2009}', '\u{1}', '\'', '’', '‘', '-',
            '\u{2011}', '.', '&', ',', '"', '“', '”', '—', 'é', 'Ü', 'ß', '中', '😀', 'R', 'D', 'M', 'r', 'I',
        ]), 0..60)) {
            let text: String = chars.into_iter().collect();
            let quotes: Vec<Range<usize>> = crate::analysis::marks::scan(&text).quotes.iter().map(|q| q.range.clone()).collect();
            proptest::prop_assert_eq!(tokenize(&text, &quotes), reference(&text, &quotes));
            proptest::prop_assert_eq!(tokenize(&text, &[]), reference(&text, &[]));
            // Each word's value is computed from the word and a right
            // ASCII flag; other tokens get `other`.
            let (mut toks, mut vals) = (Vec::new(), Vec::new());
            tokenize_with(&text, &quotes, &mut toks, &mut vals, None, |w, ascii| Some((w.to_string(), ascii)));
            proptest::prop_assert_eq!(&toks, &tokenize(&text, &quotes));
            let expected: Vec<Option<(String, bool)>> = toks.iter().map(|t| match t.kind {
                Kind::Word => Some((text[t.range.clone()].to_string(), text[t.range.clone()].is_ascii())),
                _ => None,
            }).collect();
            proptest::prop_assert_eq!(vals, expected);
            // The collapsed stream derived from the uncollapsed one, when
            // it can be, is the tokenizer's.
            let all = tokenize(&text, &[]);
            if let Some((toks, from)) = collapse(&text, &all, &quotes) {
                proptest::prop_assert_eq!(&toks, &tokenize(&text, &quotes));
                for (t, &k) in toks.iter().zip(&from) {
                    match t.kind {
                        Kind::Quote(_) => proptest::prop_assert_eq!(k, usize::MAX),
                        _ => proptest::prop_assert_eq!(&all[k], t),
                    }
                }
            }
        }
    }

    #[test]
    fn words_keep_internal_marks_and_abbreviations() {
        assert_eq!(
            words("Mr. O'Connor met\u{a0}al-Assad in the U.S. today."),
            vec!["Mr.", "O'Connor", "met", "al-Assad", "in", "the", "U.S.", "today", "."]
        );
        assert_eq!(words("John F. Kennedy, Trump’s"), vec!["John", "F.", "Kennedy", ",", "Trump’s"]);
    }

    /// Decomposed accents (combining marks), joiners and Indic vowel signs
    /// stay inside their word; a zero-width space still separates words.
    #[test]
    fn combining_marks_and_joiners_continue_a_word() {
        assert_eq!(
            words("Jose\u{301} Garci\u{301}a said"),
            vec!["Jose\u{301}", "Garci\u{301}a", "said"]
        );
        assert_eq!(words("Ana\u{2060}Ruiz and Ana\u{200b}Ruiz"), vec!["Ana\u{2060}Ruiz", "and", "Ana", "Ruiz"]);
        assert_eq!(words("मोदी ने कहा"), vec!["मोदी", "ने", "कहा"]);
        assert_eq!(words("\u{200f}Gar\u{ad}cia\u{feff}"), vec!["Gar\u{ad}cia"]);
        assert_eq!(words("می\u{200c}خواهم"), vec!["می\u{200c}خواهم"]);
    }

    #[test]
    #[allow(clippy::single_range_in_vec_init)] // one quotation's range
    fn collapse_gives_up_when_a_word_crosses_a_quotation_edge() {
        let t = "a “b c” d";
        let q = [2..11];
        let all = tokenize(t, &[]);
        assert_eq!(collapse(t, &all, &q).map(|c| c.0), Some(tokenize(t, &q)));
        // A closing mark inside a word of the uncollapsed stream.
        let t = "x 'abc'#def";
        let q = [2..7];
        assert!(collapse(t, &tokenize(t, &[]), &q).is_none());
    }

    #[test]
    fn quotes_are_single_tokens() {
        let t = "“Hi,” he said.";
        let quotes = std::iter::once(0..10).collect::<Vec<_>>();
        let toks = tokenize(t, &quotes);
        assert_eq!(toks[0].kind, Kind::Quote(0));
        assert_eq!(&t[toks[1].range.clone()], "he");
    }
}
