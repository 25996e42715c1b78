//! Byte offset → 1-based line and column, for compiler-style output.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r` (the same three breaks as LSP, so
//! `path:line:col` agrees with what an editor shows). Columns count Unicode
//! scalar values (`char`s) from the start of the line, 1-based; a byte order
//! mark at the start of the file is not counted (editors do not show it).
//!
//! Lookups are cheap whatever the shape of the text: the line is found by
//! binary search, and the column from a table of `char` counts taken every
//! 512 bytes, so a 5 MB line with 100,000 quotations stays linear.

/// Bytes between two entries of the `char`-count table.
const STEP: usize = 512;

/// Line starts and a sparse `char`-count table over one text.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of the start of every line; `line_starts[0] == 0`.
    line_starts: Vec<usize>,
    /// `chars_before[k]`: number of `char`s in `text[..k * STEP]` (counting
    /// lead bytes, so it is defined even off a `char` boundary).
    chars_before: Vec<usize>,
}

/// A 1-based line and column (column in `char`s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in Unicode scalar values.
    pub col: usize,
}

impl std::fmt::Display for LineCol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

fn is_lead_byte(b: u8) -> bool {
    (b as i8) >= -0x40 // not 0b10xx_xxxx
}

impl<'a> LineIndex<'a> {
    /// Index `text` (one pass over its bytes).
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut i = 0;
        while let Some(j) = memchr::memchr2(b'\n', b'\r', &bytes[i..]) {
            let at = i + j;
            let next = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                at + 2
            } else {
                at + 1
            };
            line_starts.push(next);
            i = next;
        }
        let mut chars_before = Vec::with_capacity(bytes.len() / STEP + 1);
        let mut count = 0;
        for chunk in bytes.chunks(STEP) {
            chars_before.push(count);
            count += chunk.iter().filter(|&&b| is_lead_byte(b)).count();
        }
        chars_before.push(count);
        LineIndex {
            text,
            line_starts,
            chars_before,
        }
    }

    /// Number of `char`s that start before byte `offset` (clamped to the text).
    fn chars_to(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let k = offset / STEP;
        let from = k * STEP;
        self.chars_before[k]
            + self.text.as_bytes()[from..offset]
                .iter()
                .filter(|&&b| is_lead_byte(b))
                .count()
    }

    /// Line and column of byte `offset`. An offset past the end is clamped
    /// to the end; an offset inside a `\r\n` pair counts as the line's end.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let mut start = self.line_starts[line];
        if line == 0 && self.text.starts_with('\u{FEFF}') {
            start = offset.min('\u{FEFF}'.len_utf8());
        }
        LineCol {
            line: line + 1,
            col: self.chars_to(offset) - self.chars_to(start) + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lc(text: &str, offset: usize) -> (usize, usize) {
        let p = LineIndex::new(text).line_col(offset);
        (p.line, p.col)
    }

    #[test]
    fn lines_break_at_lf_crlf_and_cr() {
        let text = "ab\ncd\r\nef\rgh";
        assert_eq!(lc(text, 0), (1, 1));
        assert_eq!(lc(text, 2), (1, 3));
        assert_eq!(lc(text, 3), (2, 1));
        assert_eq!(lc(text, 7), (3, 1));
        assert_eq!(lc(text, 10), (4, 1));
        assert_eq!(lc(text, 12), (4, 3));
    }

    #[test]
    fn columns_count_chars_not_bytes() {
        // “ is 3 bytes, the astral 𝄞 is 4 bytes, both one column.
        let text = "x\n“𝄞” said";
        assert_eq!(lc(text, 2 + 3), (2, 2));
        assert_eq!(lc(text, 2 + 3 + 4), (2, 3));
        assert_eq!(lc(text, 2 + 3 + 4 + 3 + 1), (2, 5));
    }

    #[test]
    fn unicode_line_separators_are_not_breaks() {
        // U+2028 and NEL are not LSP line breaks.
        let text = "a\u{2028}b\u{85}c";
        assert_eq!(lc(text, text.len()), (1, 6));
    }

    #[test]
    fn a_byte_order_mark_takes_no_column() {
        let text = "\u{FEFF}“Hi,” she said.\n“Bye.”";
        assert_eq!(lc(text, 0), (1, 1));
        assert_eq!(lc(text, 3), (1, 1));
        assert_eq!(lc(text, 3 + 3), (1, 2));
        assert_eq!(lc(text, text.find('\n').unwrap() + 1), (2, 1));
        // Only at the start of the file.
        assert_eq!(lc("a\u{FEFF}b", 4), (1, 3));
    }

    #[test]
    fn offsets_past_the_end_are_clamped() {
        assert_eq!(lc("abc\n", 99), (2, 1));
        assert_eq!(lc("", 5), (1, 1));
    }

    #[test]
    fn long_lines_cross_the_table_steps() {
        let text = "é".repeat(5000) + "\n" + &"€".repeat(3000);
        assert_eq!(lc(&text, 2 * 4999), (1, 5000));
        let second = 2 * 5000 + 1;
        assert_eq!(lc(&text, second + 3 * 2999), (2, 3000));
        assert_eq!(lc(&text, text.len()), (2, 3001));
    }
}
