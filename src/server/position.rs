//! The one place that converts between LSP positions and byte offsets.
//!
//! The analysis core speaks **UTF-8 byte offsets into the whole document**
//! (half-open ranges). LSP speaks `Position { line, character }` where `line`
//! is zero-based and `character` counts code units of the negotiated
//! *position encoding* (LSP 3.17 §"Position"): UTF-16 by default, UTF-8 when
//! the client offers `"utf-8"` in `general.positionEncodings` (see
//! [`Encoding::negotiate`]).
//!
//! Lines are separated by `\n`, `\r\n` or `\r`, exactly as LSP defines them.
//! Ropey agrees because `Cargo.toml` builds it without the `unicode_lines`
//! feature (which would also break lines at U+2028, U+2029, NEL, VT and FF)
//! and with `cr_lines` (so a lone `\r` and `\r\n` break lines); the tests
//! below pin that down.
//!
//! Every function here is total: out-of-range input is clamped, never
//! rejected and never a panic.
//! - A `character` past the end of its line means the end of the line's
//!   content (before its line break), as the LSP specification says.
//! - A `line` past the last line means the end of the document.
//! - A `character` inside a character (between the two UTF-16 units of a
//!   surrogate pair, or inside a multi-byte UTF-8 sequence) is rounded down
//!   to the start of that character.
//! - A byte offset inside a character is rounded down to its start, and one
//!   past the end is clamped to the end.

use std::ops::Range;

use ropey::{Rope, RopeSlice};
use tower_lsp_server::ls_types::{self, Position, PositionEncodingKind};

/// Position encoding negotiated with the client: what `Position::character`
/// counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// UTF-8 code units (bytes).
    Utf8,
    /// UTF-16 code units: the LSP default, and the only one VS Code accepts.
    #[default]
    Utf16,
}

impl Encoding {
    /// Pick UTF-8 when the client lists it in `general.positionEncodings`,
    /// else UTF-16 (the mandatory default, LSP 3.17).
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Self {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    /// The LSP name of this encoding, for `ServerCapabilities::position_encoding`.
    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }
}

/// A byte offset computed from an LSP position, and whether the position
/// had to be clamped (it pointed past its line's end, past the last line, or
/// inside a character).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offset {
    /// UTF-8 byte offset into the document, on a `char` boundary.
    pub byte: usize,
    /// True when the position was not exactly a character boundary of the
    /// document.
    pub clamped: bool,
}

/// Number of chars of the line break that ends `line` (0, 1 or 2).
fn line_break_chars(line: RopeSlice<'_>) -> usize {
    let n = line.len_chars();
    if n == 0 {
        return 0;
    }
    match line.char(n - 1) {
        '\n' if n >= 2 && line.char(n - 2) == '\r' => 2,
        '\n' | '\r' => 1,
        _ => 0,
    }
}

/// Convert an LSP position to a byte offset into `rope` (clamped; see the
/// module docs).
pub fn to_offset(rope: &Rope, pos: Position, enc: Encoding) -> usize {
    to_offset_checked(rope, pos, enc).byte
}

/// Like [`to_offset`], also telling whether the position was clamped.
pub fn to_offset_checked(rope: &Rope, pos: Position, enc: Encoding) -> Offset {
    let line = pos.line as usize;
    let col = pos.character as usize;
    let end = Offset {
        byte: rope.len_bytes(),
        clamped: true,
    };
    let Some(slice) = rope.get_line(line) else {
        return end;
    };
    let Ok(start_char) = rope.try_line_to_char(line) else {
        return end;
    };
    let end_char = start_char + slice.len_chars() - line_break_chars(slice);
    let char_idx = match enc {
        Encoding::Utf16 => {
            let start = rope.char_to_utf16_cu(start_char);
            let stop = rope.char_to_utf16_cu(end_char);
            let target = start.saturating_add(col).min(stop);
            let c = rope.utf16_cu_to_char(target);
            let exact = start.saturating_add(col) <= stop && rope.char_to_utf16_cu(c) == target;
            (c, exact)
        }
        Encoding::Utf8 => {
            let start = rope.char_to_byte(start_char);
            let stop = rope.char_to_byte(end_char);
            let target = start.saturating_add(col).min(stop);
            let c = rope.byte_to_char(target);
            let exact = start.saturating_add(col) <= stop && rope.char_to_byte(c) == target;
            (c, exact)
        }
    };
    Offset {
        byte: rope.char_to_byte(char_idx.0),
        clamped: !char_idx.1,
    }
}

/// Convert a byte offset into `rope` to an LSP position. An offset inside a
/// character counts as its start; one past the end is clamped to the end.
pub fn to_position(rope: &Rope, byte: usize, enc: Encoding) -> Position {
    let byte = byte.min(rope.len_bytes());
    let char_idx = rope.byte_to_char(byte);
    let line = rope.char_to_line(char_idx);
    let line_start = rope.line_to_char(line);
    let character = match enc {
        Encoding::Utf16 => rope.char_to_utf16_cu(char_idx) - rope.char_to_utf16_cu(line_start),
        Encoding::Utf8 => rope.char_to_byte(char_idx) - rope.char_to_byte(line_start),
    };
    Position {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        character: u32::try_from(character).unwrap_or(u32::MAX),
    }
}

/// Convert a byte range to an LSP range.
pub fn to_lsp_range(rope: &Rope, range: Range<usize>, enc: Encoding) -> ls_types::Range {
    ls_types::Range {
        start: to_position(rope, range.start, enc),
        end: to_position(rope, range.end, enc),
    }
}

/// Convert an LSP range to a byte range (each end clamped as in
/// [`to_offset`]). A reversed range is swapped; the flag tells whether the
/// range was reversed or either end clamped, for logging.
pub fn to_byte_range(rope: &Rope, range: ls_types::Range, enc: Encoding) -> (Range<usize>, bool) {
    let s = to_offset_checked(rope, range.start, enc);
    let e = to_offset_checked(rope, range.end, enc);
    let odd = s.clamped || e.clamped || s.byte > e.byte;
    (s.byte.min(e.byte)..s.byte.max(e.byte), odd)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    /// Every char boundary of `text` round-trips through both encodings.
    fn round_trips(text: &str) {
        let rope = Rope::from_str(text);
        for (b, _) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            for enc in [Encoding::Utf8, Encoding::Utf16] {
                let p = to_position(&rope, b, enc);
                let back = to_offset_checked(&rope, p, enc);
                // A position between `\r` and `\n` has no LSP spelling: it
                // maps to the end of the line's content.
                if b > 0
                    && text.as_bytes()[b - 1] == b'\r'
                    && text.as_bytes().get(b) == Some(&b'\n')
                {
                    assert_eq!(back.byte, b - 1, "{text:?} @{b} {enc:?}");
                } else {
                    assert_eq!(
                        back,
                        Offset {
                            byte: b,
                            clamped: false
                        },
                        "{text:?} @{b} {enc:?} -> {p:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn ascii_lines() {
        let rope = Rope::from_str("ab\ncd\n");
        assert_eq!(to_offset(&rope, pos(0, 0), Encoding::Utf16), 0);
        assert_eq!(to_offset(&rope, pos(1, 1), Encoding::Utf16), 4);
        assert_eq!(to_offset(&rope, pos(2, 0), Encoding::Utf16), 6);
        assert_eq!(to_position(&rope, 4, Encoding::Utf16), pos(1, 1));
        assert_eq!(to_position(&rope, 6, Encoding::Utf16), pos(2, 0));
        round_trips("ab\ncd\n");
    }

    #[test]
    fn astral_characters_count_two_utf16_units_four_bytes() {
        // 😀 U+1F600 and 𝄞 U+1D11E are outside the BMP.
        let text = "a😀b𝄞c";
        let rope = Rope::from_str(text);
        assert_eq!(to_position(&rope, 5, Encoding::Utf16), pos(0, 3)); // before b
        assert_eq!(to_position(&rope, 5, Encoding::Utf8), pos(0, 5));
        assert_eq!(to_offset(&rope, pos(0, 3), Encoding::Utf16), 5);
        assert_eq!(to_offset(&rope, pos(0, 6), Encoding::Utf16), 10); // before c
        assert_eq!(to_offset(&rope, pos(0, 10), Encoding::Utf8), 10);
        // Between the two halves of the surrogate pair: rounded down, flagged.
        assert_eq!(
            to_offset_checked(&rope, pos(0, 2), Encoding::Utf16),
            Offset {
                byte: 1,
                clamped: true
            }
        );
        // Inside the UTF-8 sequence of 😀: rounded down, flagged.
        assert_eq!(
            to_offset_checked(&rope, pos(0, 3), Encoding::Utf8),
            Offset {
                byte: 1,
                clamped: true
            }
        );
        round_trips(text);
    }

    #[test]
    fn curly_quotes_and_nbsp_are_one_utf16_unit_several_bytes() {
        // “ ” ’ are 3 bytes in UTF-8; NBSP U+00A0 is 2 bytes; all 1 UTF-16 unit.
        let text = "“It’s\u{a0}fine,” he said.";
        let rope = Rope::from_str(text);
        let he = text.find("he").unwrap();
        assert_eq!(he, 20);
        assert_eq!(to_position(&rope, he, Encoding::Utf16), pos(0, 13));
        assert_eq!(to_position(&rope, he, Encoding::Utf8), pos(0, 20));
        assert_eq!(to_offset(&rope, pos(0, 13), Encoding::Utf16), he);
        round_trips(text);
    }

    #[test]
    fn crlf_and_lone_cr_break_lines() {
        let text = "one\r\ntwo\rthree\nfour";
        let rope = Rope::from_str(text);
        assert_eq!(rope.len_lines(), 4);
        assert_eq!(to_offset(&rope, pos(1, 0), Encoding::Utf16), 5);
        assert_eq!(to_offset(&rope, pos(2, 0), Encoding::Utf16), 9);
        assert_eq!(to_offset(&rope, pos(3, 2), Encoding::Utf16), 17);
        // Past the end of "one" (before \r\n): clamped to the line's end.
        assert_eq!(
            to_offset_checked(&rope, pos(0, 4), Encoding::Utf16),
            Offset {
                byte: 3,
                clamped: true
            }
        );
        assert_eq!(
            to_offset_checked(&rope, pos(0, 99), Encoding::Utf8),
            Offset {
                byte: 3,
                clamped: true
            }
        );
        assert_eq!(to_position(&rope, 5, Encoding::Utf16), pos(1, 0));
        round_trips(text);
    }

    #[test]
    fn only_lsp_line_breaks_count() {
        // U+2028, U+2029, NEL U+0085, VT, FF are *not* line breaks in LSP.
        let text = "a\u{2028}b\u{2029}c\u{85}d\u{b}e\u{c}f\ng";
        let rope = Rope::from_str(text);
        assert_eq!(rope.len_lines(), 2);
        let g = text.find('g').unwrap();
        assert_eq!(to_position(&rope, g, Encoding::Utf16), pos(1, 0));
        let f = text.find('f').unwrap();
        assert_eq!(to_position(&rope, f, Encoding::Utf16), pos(0, 10));
        round_trips(text);
    }

    #[test]
    fn past_the_end_is_clamped_never_a_panic() {
        let text = "x😀\r\n";
        let rope = Rope::from_str(text);
        let end = text.len();
        assert_eq!(
            to_offset_checked(&rope, pos(7, 3), Encoding::Utf16),
            Offset {
                byte: end,
                clamped: true
            }
        );
        assert_eq!(
            to_offset(&rope, pos(u32::MAX, u32::MAX), Encoding::Utf16),
            end
        );
        assert_eq!(to_offset(&rope, pos(0, u32::MAX), Encoding::Utf8), 5);
        assert_eq!(to_offset(&rope, pos(1, u32::MAX), Encoding::Utf16), end);
        assert_eq!(to_position(&rope, usize::MAX, Encoding::Utf16), pos(1, 0));
        assert_eq!(to_position(&rope, 3, Encoding::Utf16), pos(0, 1)); // inside 😀
        let empty = Rope::new();
        assert_eq!(to_offset(&empty, pos(3, 3), Encoding::Utf16), 0);
        assert_eq!(to_position(&empty, 10, Encoding::Utf8), pos(0, 0));
    }

    #[test]
    fn reversed_ranges_are_swapped_and_flagged() {
        let rope = Rope::from_str("hello\nworld");
        let r = ls_types::Range {
            start: pos(1, 2),
            end: pos(0, 1),
        };
        assert_eq!(to_byte_range(&rope, r, Encoding::Utf16), (1..8, true));
        let ok = ls_types::Range {
            start: pos(0, 1),
            end: pos(1, 2),
        };
        assert_eq!(to_byte_range(&rope, ok, Encoding::Utf16), (1..8, false));
    }

    #[test]
    fn negotiation_prefers_utf8_when_offered() {
        use PositionEncodingKind as K;
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        assert_eq!(Encoding::negotiate(Some(&[K::UTF16])), Encoding::Utf16);
        assert_eq!(
            Encoding::negotiate(Some(&[K::UTF16, K::UTF8])),
            Encoding::Utf8
        );
        assert_eq!(Encoding::negotiate(Some(&[K::UTF32])), Encoding::Utf16);
    }

    #[test]
    fn edits_through_ropey_keep_crlf_as_one_break() {
        // Joining a `\r` and a `\n` by deleting what lies between them makes
        // one CRLF break, as a client would see it.
        let mut rope = Rope::from_str("a\rX\nb");
        assert_eq!(rope.len_lines(), 3);
        rope.remove(2..3);
        assert_eq!(rope.to_string(), "a\r\nb");
        assert_eq!(rope.len_lines(), 2);
        assert_eq!(to_offset(&rope, pos(1, 0), Encoding::Utf16), 3);
    }
}
