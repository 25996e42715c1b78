//! Reading PolNeAR's brat standoff files exactly as
//! `../shared/tools/polnear.py` (`load_ann`, `load_split`) does.
//!
//! - One annotation file per article: the first in sorted (code point) order
//!   of `attributions/`, the article being the file name without its
//!   `_<4 hex>.ann` annotator suffix.
//! - Files are read as Python's text mode reads them: UTF-8, with `\r\n` and
//!   a lone `\r` turned into `\n` (universal newlines).
//! - Offsets in the `.ann` files are code points into that text; they are
//!   turned into UTF-8 byte offsets.
//! - Only *quoted* attributions are kept: those whose Content text contains
//!   one of `"“”«»„` (single marks do not count, as in the Python scorer).

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The quotation marks that make an attribution "quoted" (`QUOTE_CHARS`).
pub const QUOTE_CHARS: &[char] = &['"', '“', '”', '«', '»', '„'];

/// A half-open byte range.
pub type Span = (usize, usize);

/// One gold attribution whose Content holds a quotation mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gold {
    /// Content spans (UTF-8 bytes of the translated text).
    pub content: Vec<Span>,
    /// Source spans; empty for `Attribution-no-source` or a missing Source.
    pub source: Vec<Span>,
}

/// One article of a split.
#[derive(Debug, Clone)]
pub struct Article {
    /// `SPLIT/text/BASE.txt`, joined as Python's `os.path.join` does.
    pub path: PathBuf,
    /// The article's quoted attributions.
    pub gold: Vec<Gold>,
    /// The text as Python reads it (newlines translated).
    pub text: String,
}

/// An attribution as `load_ann` returns it: code-point spans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnAttribution {
    /// Content spans, code points, each `[start, end]` as written.
    pub content: Vec<Vec<i64>>,
    /// Source spans, code points.
    pub source: Vec<Vec<i64>>,
}

/// Python's universal-newline translation: `\r\n` and `\r` become `\n`.
pub fn universal_newlines(s: String) -> String {
    if !s.contains('\r') {
        return s;
    }
    s.replace("\r\n", "\n").replace('\r', "\n")
}

fn read_text(path: &Path) -> Result<String, String> {
    let bytes = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let s = String::from_utf8(bytes).map_err(|e| format!("{}: not UTF-8: {e}", path.display()))?;
    Ok(universal_newlines(s))
}

/// `re.fullmatch(r'X\d+', s)`.
fn is_id(s: &str, prefix: char) -> bool {
    s.strip_prefix(prefix)
        .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
}

/// `load_ann`: the attributions of one `.ann` text, in `E` line order.
///
/// A `T` line is `T<n>\t<Type> <start> <end>[;<start> <end>...]\t<text>`; an
/// `E` line is `E<n>\tKey:Value Key:Value ...`. Later definitions of a `T`
/// id or of a key in one `E` line win, as with Python dicts. An attribution
/// without a known Content is dropped; an unknown or missing Source gives no
/// source spans.
pub fn parse_ann(ann: &str) -> Result<Vec<AnnAttribution>, String> {
    let mut t: HashMap<&str, Vec<Vec<i64>>> = HashMap::new();
    let mut events: Vec<HashMap<&str, &str>> = Vec::new();
    for (n, line) in ann.split('\n').enumerate() {
        let parts: Vec<&str> = line.split('\t').collect();
        if parts[0].is_empty() {
            continue;
        }
        if is_id(parts[0], 'T') && parts.len() > 1 {
            let (_typ, rng) = parts[1]
                .split_once(' ')
                .ok_or_else(|| format!("line {}: no span in {:?}", n + 1, parts[1]))?;
            let mut spans = Vec::new();
            for s in rng.split(';') {
                let span: Result<Vec<i64>, _> =
                    s.split_whitespace().map(str::parse::<i64>).collect();
                spans.push(span.map_err(|e| format!("line {}: bad offset in {s:?}: {e}", n + 1))?);
            }
            t.insert(parts[0], spans);
        } else if is_id(parts[0], 'E') && parts.len() > 1 {
            let mut args = HashMap::new();
            for a in parts[1].split(' ') {
                if let Some((k, v)) = a.split_once(':') {
                    args.insert(k, v);
                }
            }
            events.push(args);
        }
    }
    let mut out = Vec::new();
    for e in events {
        let Some(content) = e
            .get("Content")
            .filter(|c| !c.is_empty())
            .and_then(|c| t.get(c))
        else {
            continue;
        };
        let source = e
            .get("Source")
            .and_then(|s| t.get(s))
            .cloned()
            .unwrap_or_default();
        out.push(AnnAttribution {
            content: content.clone(),
            source,
        });
    }
    Ok(out)
}

/// `char_to_byte`: `table[i]` is the byte offset of code point `i`, and
/// `table[len]` the text's length in bytes.
pub fn char_to_byte(text: &str) -> Vec<usize> {
    let mut table = Vec::with_capacity(text.len() + 1);
    table.extend(text.char_indices().map(|(b, _)| b));
    table.push(text.len());
    table
}

/// One `[start, end]` span (Python unpacks `for s, e in spans`).
fn pair(span: &[i64], what: &str) -> Result<(i64, i64), String> {
    match span {
        [s, e] if *s >= 0 && *e >= 0 => Ok((*s, *e)),
        _ => Err(format!(
            "{what} span {span:?} is not `start end` with non-negative offsets"
        )),
    }
}

/// `b[s]`, `b[e]`: byte offsets of a code-point span (an error where
/// Python's list index would raise).
fn to_bytes(b: &[usize], (s, e): (i64, i64), what: &str) -> Result<Span, String> {
    match (b.get(s as usize), b.get(e as usize)) {
        (Some(&s), Some(&e)) => Ok((s, e)),
        _ => Err(format!(
            "{what} span {s} {e} lies outside the text ({} code points)",
            b.len() - 1
        )),
    }
}

/// Keep the quoted attributions of one article and convert them to bytes.
pub fn quoted_gold(text: &str, attributions: &[AnnAttribution]) -> Result<Vec<Gold>, String> {
    let b = char_to_byte(text);
    let chars = b.len() - 1;
    let mut gold = Vec::new();
    for a in attributions {
        let spans = a
            .content
            .iter()
            .map(|s| pair(s, "Content"))
            .collect::<Result<Vec<_>, _>>()?;
        // Python's text[s:e]: clamped to the text, empty when s >= e.
        let mut ctext = String::new();
        for &(s, e) in &spans {
            let (s, e) = ((s as usize).min(chars), (e as usize).min(chars));
            if s < e {
                ctext.push_str(&text[b[s]..b[e]]);
            }
        }
        if !ctext.contains(QUOTE_CHARS) {
            continue;
        }
        let content = spans
            .iter()
            .map(|&p| to_bytes(&b, p, "Content"))
            .collect::<Result<Vec<_>, _>>()?;
        let source = a
            .source
            .iter()
            .map(|s| pair(s, "Source").and_then(|p| to_bytes(&b, p, "Source")))
            .collect::<Result<Vec<_>, _>>()?;
        gold.push(Gold { content, source });
    }
    Ok(gold)
}

/// The article name of an annotation file: `re.sub(r'_[0-9a-f]{4}\.ann$', '', f)`.
pub fn article_base(file_name: &str) -> &str {
    if let Some(stem) = file_name.strip_suffix(".ann") {
        if let Some((base, tag)) = stem.rsplit_once('_') {
            if tag.len() == 4 && tag.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
                return base;
            }
        }
    }
    file_name
}

/// `load_split`: every article of `split_dir` with its quoted attributions.
pub fn load_split(split_dir: &Path) -> Result<Vec<Article>, String> {
    let dir = split_dir.join("attributions");
    let mut names = Vec::new();
    for entry in fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let name = entry
            .file_name()
            .into_string()
            .map_err(|n| format!("{n:?}: file name is not UTF-8"))?;
        names.push(name);
    }
    // Python sorts str by code point; UTF-8 byte order is the same order.
    names.sort();
    let mut seen = HashSet::new();
    let mut arts = Vec::new();
    for f in &names {
        let base = article_base(f);
        if !seen.insert(base.to_string()) {
            continue;
        }
        let path = split_dir.join("text").join(format!("{base}.txt"));
        let text = read_text(&path)?;
        let ann_path = dir.join(f);
        let ann = read_text(&ann_path)?;
        let attributions = parse_ann(&ann).map_err(|e| format!("{}: {e}", ann_path.display()))?;
        let gold = quoted_gold(&text, &attributions)
            .map_err(|e| format!("{}: {e}", ann_path.display()))?;
        arts.push(Article { path, gold, text });
    }
    Ok(arts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotator_suffix_is_removed_only_when_it_is_four_hex_digits() {
        assert_eq!(
            article_base("cnn_2016-10-01_abc_ef2d.ann"),
            "cnn_2016-10-01_abc"
        );
        assert_eq!(article_base("cnn_abc_EF2D.ann"), "cnn_abc_EF2D.ann");
        assert_eq!(article_base("cnn_abc_ef2.ann"), "cnn_abc_ef2.ann");
        assert_eq!(article_base("README"), "README");
    }

    #[test]
    fn ann_lines_are_parsed_like_load_ann() {
        let ann = "T1\tSource 0 4\tDana\n\
                   T2\tCue 5 9\tsaid\n\
                   T3\tContent 10 14;20 25\tx\n\
                   T9\tAttribution 5 9\tsaid\n\
                   E1\tAttribution:T9 Content:T3 Cue:T2 Source:T1\n\
                   E2\tAttribution-no-source:T9 Content:T3 Cue:T2\n\
                   E3\tAttribution:T9 Content:T77 Source:T1\n\
                   E4\tAttribution:T9 Content:T3 Source:T42\n\
                   #1\tAnnotatorNotes T1\tnote\n";
        let got = parse_ann(ann).unwrap();
        let content = vec![vec![10, 14], vec![20, 25]];
        assert_eq!(
            got,
            [
                AnnAttribution {
                    content: content.clone(),
                    source: vec![vec![0, 4]]
                },
                AnnAttribution {
                    content: content.clone(),
                    source: vec![]
                },
                AnnAttribution {
                    content,
                    source: vec![]
                },
            ]
        );
    }

    #[test]
    fn code_points_become_bytes_and_only_double_quoted_content_counts() {
        // “ is 3 bytes; é is 2.
        let text = "Zoé said “hi” and 'bye'.";
        let a = |c: (i64, i64), s: (i64, i64)| AnnAttribution {
            content: vec![vec![c.0, c.1]],
            source: vec![vec![s.0, s.1]],
        };
        let gold = quoted_gold(text, &[a((9, 13), (0, 3)), a((18, 23), (0, 3))]).unwrap();
        let start = text.find('“').unwrap();
        assert_eq!(
            gold,
            [Gold {
                content: vec![(start, start + 8)],
                source: vec![(0, 4)]
            }]
        );
        assert_eq!(&text[start..start + 8], "“hi”");
        assert!(quoted_gold(text, &[a((9, 99), (0, 3))]).is_err());
    }

    #[test]
    fn newlines_are_translated_like_python_text_mode() {
        assert_eq!(universal_newlines("a\r\nb\rc\n".to_string()), "a\nb\nc\n");
        let table = char_to_byte("a“b");
        assert_eq!(table, [0, 1, 4, 5]);
    }
}
