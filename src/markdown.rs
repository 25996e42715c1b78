//! Markdown articles: the *prose mask* the analysis core reads, and the
//! `<!-- sayso off -->` … `<!-- sayso on -->` regions.
//!
//! The core reads plain prose ([`crate::analysis`] knows no formats). For a
//! Markdown document, [`mask`] returns a text of **exactly the same byte
//! length** in which every byte of prose is unchanged and every other byte
//! is a space (line breaks `\n` and `\r` are kept, so lines and blank-line
//! paragraph breaks stay where they are). The core's byte offsets into the
//! mask are therefore byte offsets into the original file, and a quotation's
//! range points at its real marks.
//!
//! Prose (kept) is the text of paragraphs, headings (ATX and setext),
//! blockquotes, list items, table cells, footnote definitions, link text
//! and image alt text. Everything else is blanked:
//! - YAML (`---`) and TOML (`+++`) front matter;
//! - fenced and indented code blocks, inline code;
//! - HTML blocks, inline HTML and HTML comments;
//! - link and image destinations and titles, reference definitions
//!   (`[id]: url "title"`), autolinks (`<https://…>`, `<a@b.org>`),
//!   footnote references (`[^1]`), task-list markers;
//! - Markdown syntax: `#`, `>`, list markers, emphasis `*`/`_`, brackets,
//!   backslashes of escapes and hard breaks, table pipes and delimiter rows.
//!
//! An entity or numeric character reference (`&ldquo;`, `&#8221;`,
//! `&quot;`) becomes its character followed by spaces, so `&ldquo;Hi&rdquo;`
//! is a quotation whose range covers the two references.
//!
//! Parsing is CommonMark with the GitHub extensions tables, footnotes,
//! strikethrough and task lists (pulldown-cmark 0.13), plus YAML/TOML front
//! matter at the very start of the file.
//!
//! One known limit: a block that follows another without a blank line (a
//! heading directly followed by a paragraph) reaches the core as one
//! paragraph, because the mask cannot add bytes to make a blank line.

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag};

/// The prose mask of a Markdown document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Masked {
    /// The document with every non-prose character replaced by spaces of
    /// the same byte length (line breaks kept): `text.len()` equals the
    /// input's length and prose sits at the same byte offsets.
    pub text: String,
    /// Byte ranges (half-open, into the document) between a
    /// `<!-- sayso off -->` comment and the next `<!-- sayso on -->` (or the
    /// end of the document). Diagnostics starting inside are silenced;
    /// quotations there are still found.
    pub silenced: Vec<Range<usize>>,
}

/// Options of the Markdown parser: CommonMark plus GitHub's tables,
/// footnotes, strikethrough and task lists, and front matter.
fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
}

/// Whether a path names a Markdown file: extension `.md` or `.markdown`
/// (ASCII case-insensitive).
pub fn is_markdown_path(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => {
            ext.eq_ignore_ascii_case("md") || ext.eq_ignore_ascii_case("markdown")
        }
        _ => false,
    }
}

/// Build the prose mask of a Markdown document (see the module docs).
///
/// A byte order mark (U+FEFF) at the start is not prose: it becomes spaces,
/// and the document after it is parsed as if it started the file (so front
/// matter right after the mark is front matter).
///
/// Never fails and never panics: any text is valid Markdown.
pub fn mask(text: &str) -> Masked {
    if let Some(rest) = text.strip_prefix(BOM) {
        let inner = mask_from_start(rest);
        let shift = BOM.len_utf8();
        return Masked {
            text: " ".repeat(shift) + &inner.text,
            silenced: inner
                .silenced
                .into_iter()
                .map(|r| r.start + shift..r.end + shift)
                .collect(),
        };
    }
    mask_from_start(text)
}

/// The byte order mark, which some editors (Windows Notepad) put at the
/// start of UTF-8 files.
pub const BOM: char = '\u{FEFF}';

/// [`mask`] of a text without a byte order mark.
fn mask_from_start(text: &str) -> Masked {
    let mut out = blank(text);
    let mut html: Vec<Range<usize>> = Vec::new();
    // For each open tag, whether its text is hidden; and how many open
    // tags hide their text.
    let mut open: Vec<bool> = Vec::new();
    let mut hidden = 0usize;
    for (event, range) in Parser::new_ext(text, parser_options()).into_offset_iter() {
        let range = clamp(text, range);
        match event {
            Event::Start(tag) => {
                let h = hides(&tag);
                hidden += usize::from(h);
                open.push(h);
                if matches!(tag, Tag::HtmlBlock) {
                    html.push(range);
                }
            }
            Event::End(_) if open.pop() == Some(true) => {
                hidden = hidden.saturating_sub(1);
            }
            Event::Text(t) if hidden == 0 => keep(text, &mut out, range, &t),
            Event::InlineHtml(_) => html.push(range),
            _ => {}
        }
    }
    let text_out = String::from_utf8(out).unwrap_or_else(|e| {
        // Unreachable: only whole characters are replaced, by ASCII spaces
        // or by the parser's own decoded text. Stay safe regardless.
        String::from_utf8_lossy(e.as_bytes()).into_owned()
    });
    Masked {
        silenced: silenced_regions(text, &html),
        text: text_out,
    }
}

/// `text` with every byte but line breaks made a space.
fn blank(text: &str) -> Vec<u8> {
    text.bytes()
        .map(|b| if b == b'\n' || b == b'\r' { b } else { b' ' })
        .collect()
}

/// A parser range clamped to the text and to `char` boundaries.
fn clamp(text: &str, r: Range<usize>) -> Range<usize> {
    let mut s = r.start.min(text.len());
    let mut e = r.end.min(text.len()).max(s);
    while !text.is_char_boundary(s) {
        s -= 1;
    }
    while !text.is_char_boundary(e) {
        e += 1;
    }
    s..e
}

/// Tags whose text is not prose.
fn hides(tag: &Tag<'_>) -> bool {
    match tag {
        Tag::CodeBlock(_) | Tag::MetadataBlock(_) | Tag::HtmlBlock => true,
        Tag::Link { link_type, .. } => {
            matches!(link_type, LinkType::Autolink | LinkType::Email)
        }
        _ => false,
    }
}

/// Put the text of a prose `Text` event back into the mask.
fn keep(text: &str, out: &mut [u8], range: Range<usize>, decoded: &str) {
    let source = &text[range.clone()];
    if source == decoded {
        out[range.clone()].copy_from_slice(source.as_bytes());
    } else if decoded.len() <= source.len() && !source.contains(['\n', '\r']) {
        // A character reference (`&rdquo;`): its character, then spaces.
        out[range.start..range.start + decoded.len()].copy_from_slice(decoded.as_bytes());
    } else {
        // Some other rewrite by the parser: keep the source as prose.
        out[range.clone()].copy_from_slice(source.as_bytes());
    }
}

/// What an HTML comment says to Sayso.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Directive {
    Off,
    On,
}

/// The directive of a comment's inner text (`sayso off`, `sayso on`; case
/// and spacing are free), if any.
fn directive(inner: &str) -> Option<Directive> {
    let mut words = inner.split_whitespace();
    let (Some(name), Some(state), None) = (words.next(), words.next(), words.next()) else {
        return None;
    };
    if !name.eq_ignore_ascii_case("sayso") {
        return None;
    }
    if state.eq_ignore_ascii_case("off") {
        Some(Directive::Off)
    } else if state.eq_ignore_ascii_case("on") {
        Some(Directive::On)
    } else {
        None
    }
}

/// The silenced regions given by directive comments found in the HTML
/// ranges (HTML blocks and inline HTML), in document order.
fn silenced_regions(text: &str, html: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut directives: Vec<(Range<usize>, Directive)> = Vec::new();
    for r in html {
        let chunk = &text[r.clone()];
        let mut from = 0;
        while let Some(open) = chunk[from..].find("<!--") {
            let inner_start = from + open + 4;
            let Some(close) = chunk[inner_start..].find("-->") else {
                break;
            };
            let inner_end = inner_start + close;
            let end = inner_end + 3;
            if let Some(d) = directive(&chunk[inner_start..inner_end]) {
                directives.push((r.start + from + open..r.start + end, d));
            }
            from = end;
        }
    }
    directives.sort_by_key(|(r, _)| r.start);
    let mut regions = Vec::new();
    let mut off_since: Option<usize> = None;
    for (r, d) in directives {
        match (d, off_since) {
            (Directive::Off, None) => off_since = Some(r.end),
            (Directive::On, Some(s)) => {
                regions.push(s..r.start);
                off_since = None;
            }
            // `off` while off, `on` while on: nothing changes.
            _ => {}
        }
    }
    if let Some(s) = off_since {
        regions.push(s..text.len());
    }
    regions
}

/// Whether byte `offset` lies in one of the (sorted, disjoint) `silenced`
/// regions.
pub fn is_silenced(silenced: &[Range<usize>], offset: usize) -> bool {
    let i = silenced.partition_point(|r| r.end <= offset);
    silenced.get(i).is_some_and(|r| r.start <= offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_markdown_by_extension() {
        assert!(is_markdown_path("a/b/story.md"));
        assert!(is_markdown_path("STORY.MARKDOWN"));
        assert!(is_markdown_path("file:///home/x/draft.Md"));
        assert!(!is_markdown_path("story.txt"));
        assert!(!is_markdown_path(".md"));
        assert!(!is_markdown_path("md"));
        assert!(!is_markdown_path("notes.md/x.txt"));
    }

    #[test]
    fn prose_is_kept_in_place() {
        let text = "“We will go,” said Ana Ruiz.\n";
        assert_eq!(mask(text).text, text);
    }
}

#[cfg(test)]
mod mask_cases {
    use super::*;

    /// `(markdown, expected mask)`, spaces of the mask shown as `·`.
    const CASES: &[(&str, &str)] = &[
        // Headings: the markers go, the headline stays.
        (
            "# ‘Active’ talks, says Kremlin #\n",
            "··‘Active’·talks,·says·Kremlin··\n",
        ),
        ("Setext “head”\n====\n", "Setext·“head”\n····\n"),
        // Blockquotes: markers go, the quotation stays where it was.
        (
            "> “We are ready,” Ana Ruiz said.\n> More.\n",
            "··“We·are·ready,”·Ana·Ruiz·said.\n··More.\n",
        ),
        // Lists and emphasis markers.
        ("- “Go *now*,” she said.\n", "··“Go··now·,”·she·said.\n"),
        // Inline code, with a multi-byte character inside.
        (
            "He typed `say “hé”` twice.\n",
            "He·typed·················twice.\n",
        ),
        // Links: text is prose, destination and title are not.
        (
            "[“Yes,” he said](https://x.org/a \"T\") ok\n",
            "·“Yes,”·he·said·······················ok\n",
        ),
        // Images: alt text is prose.
        ("![A “sign”](i.png)\n", "··A·“sign”········\n"),
        // Autolinks and e-mail autolinks are not prose.
        (
            "See <https://x.org/'a'> or <a@b.org>.\n",
            "See·····················or··········.\n",
        ),
        // Inline HTML.
        (
            "A <span class=\"q\">“word”</span> here.\n",
            "A·················“word”········here.\n",
        ),
        // Escapes: the backslash goes, the mark stays.
        ("\\\"Hi,\\\" she said.\n", "·\"Hi,·\"·she·said.\n"),
        // Character references: the character, then spaces.
        ("&ldquo;Hi&rdquo; &amp; bye\n", "“····Hi”·····&·····bye\n"),
        // Hard breaks.
        ("one\\\ntwo  \nthree\n", "one·\ntwo··\nthree\n"),
        // Footnotes: the reference goes, the definition is prose.
        (
            "Text[^1].\n\n[^1]: “Note.”\n",
            "Text····.\n\n······“Note.”\n",
        ),
        // Task lists.
        ("- [x] “Done”\n", "······“Done”\n"),
        // Reference definitions.
        (
            "[a]: https://x.org \"Title\"\n",
            "··························\n",
        ),
        // Tables: cells are prose, pipes and the delimiter row are not.
        (
            "| “a” | b |\n|---|---|\n| c | d |\n",
            "··“a”···b··\n·········\n··c···d··\n",
        ),
        // YAML front matter, then the headline.
        (
            "---\ntitle: \"Ruiz: ‘No’\"\n---\n# ‘No’\n",
            "···\n·······················\n···\n··‘No’\n",
        ),
        // TOML front matter.
        (
            "+++\ntitle = \"x\"\n+++\nBody.\n",
            "···\n···········\n···\nBody.\n",
        ),
        // `---` later in the file is a thematic break, not front matter.
        ("Para.\n\n---\n\nMore.\n", "Para.\n\n···\n\nMore.\n"),
        // Fenced code keeps its lines, blank.
        (
            "Before.\n\n```text\n\"Code,\" it said.\n```\nAfter.\n",
            "Before.\n\n·······\n················\n···\nAfter.\n",
        ),
        // Indented code.
        ("Text.\n\n    \"x\" = 1\n", "Text.\n\n···········\n"),
        // HTML blocks, over several lines.
        (
            "<div class=\"a\">\n“Hi”\n</div>\n",
            "···············\n········\n······\n",
        ),
        // Inline code and inline HTML over a line break keep the break.
        (
            "a `b\nc` d <!-- e\nf --> g\n",
            "a···\n···d·······\n······g\n",
        ),
        // CRLF line ends are kept as they are.
        (
            "> “Hi,” he said.\r\n> Bye.\r\n",
            "··“Hi,”·he·said.\r\n··Bye.\r\n",
        ),
    ];

    #[test]
    fn a_byte_order_mark_is_blanked_and_front_matter_after_it_is_not_prose() {
        let text = "\u{FEFF}---\ntitle: \"Flood “defences” fail\"\n---\n\n“Hi,” said Ana.\n\n<!-- sayso off -->\n“x”\n";
        let m = mask(text);
        assert_eq!(m.text.len(), text.len());
        let quote = text.find("“Hi").unwrap();
        assert_eq!(m.text[..quote].trim(), "", "{:?}", m.text);
        assert!(
            m.text[quote..].starts_with("“Hi,” said Ana.\n\n    "),
            "{:?}",
            m.text
        );
        let off_end = text.find("-->").unwrap() + 3;
        assert_eq!(m.silenced, vec![off_end..text.len()]);
        assert_eq!(mask("\u{FEFF}").text, "   ");
    }

    #[test]
    fn silenced_regions_between_off_and_on() {
        let text =
            "A.\n\n<!-- sayso off -->\n“X.”\n\n<!-- Sayso  ON -->\nB <!--sayso off--> “Y.”\n";
        let m = mask(text);
        let off1 = text.find("<!-- sayso off -->").unwrap() + "<!-- sayso off -->".len();
        let on = text.find("<!-- Sayso  ON -->").unwrap();
        let off2 = text.find("<!--sayso off-->").unwrap() + "<!--sayso off-->".len();
        assert_eq!(m.silenced, vec![off1..on, off2..text.len()]);
        let x = text.find("“X").unwrap();
        let y = text.find("“Y").unwrap();
        assert!(is_silenced(&m.silenced, x));
        assert!(is_silenced(&m.silenced, y));
        assert!(!is_silenced(&m.silenced, 0));
        assert!(!is_silenced(&m.silenced, on));
        // The comments themselves are masked.
        assert!(!m.text.contains("sayso"));
    }

    #[test]
    fn directives_only_in_html() {
        // In code, in inline code, or with other words: not a directive.
        let text =
            "```\n<!-- sayso off -->\n```\n\n`<!-- sayso off -->` and <!-- sayso off please -->\n";
        assert_eq!(mask(text).silenced, Vec::<Range<usize>>::new());
        // `on` without `off`, and a repeated `off`, change nothing.
        let text = "<!-- sayso on -->\na\n<!-- sayso off -->\nb\n<!-- sayso off -->\nc\n<!-- sayso on -->\n";
        let m = mask(text);
        let s = text.find("<!-- sayso off -->").unwrap() + 18;
        let e = text.rfind("<!-- sayso on -->").unwrap();
        assert_eq!(m.silenced, vec![s..e]);
    }

    #[test]
    fn masks() {
        let mut wrong = Vec::new();
        for (md, want) in CASES {
            let m = mask(md);
            assert_eq!(m.text.len(), md.len(), "length of {md:?}");
            let got = m.text.replace(' ', "·");
            if got != *want {
                wrong.push(format!("{md:?}\n  got  {got:?}\n  want {want:?}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}

#[cfg(test)]
mod mask_props {
    use super::*;
    use proptest::prelude::*;

    /// Pieces that exercise the parser: Markdown syntax, marks, multi-byte
    /// and astral characters, character references, line breaks.
    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "# ",
            "> ",
            "- ",
            "1. ",
            "*",
            "_",
            "`",
            "```\n",
            "    ",
            "<!-- sayso off -->",
            "<!-- sayso on -->",
            "<div>",
            "</div>",
            "<http://a.b>",
            "[",
            "](u \"t\")",
            "![",
            "\\",
            "&ldquo;",
            "&#8221;",
            "&amp",
            "---\n",
            "+++\n",
            "|",
            "[^1]",
            "\n",
            "\r\n",
            "\n\n",
            "“",
            "”",
            "\"",
            "'",
            "’",
            "é",
            "😀",
            "\u{a0}",
            "word",
            " ",
            "said",
        ])
    }

    proptest! {
        #[test]
        fn mask_keeps_length_breaks_and_prose(pieces in prop::collection::vec(piece(), 0..40)) {
            let text: String = pieces.concat();
            let m = mask(&text);
            prop_assert_eq!(m.text.len(), text.len());
            let (a, b) = (text.as_bytes(), m.text.as_bytes());
            for i in 0..a.len() {
                // Line breaks stay; other bytes are kept or become spaces,
                // except inside a character reference (its character).
                if a[i] == b'\n' || a[i] == b'\r' {
                    prop_assert_eq!(b[i], a[i]);
                } else {
                    prop_assert!(b[i] != b'\n' && b[i] != b'\r');
                }
            }
            for r in &m.silenced {
                prop_assert!(r.start <= r.end && r.end <= text.len());
            }
            prop_assert!(m.silenced.windows(2).all(|w| w[0].end <= w[1].start));
        }
    }
}
