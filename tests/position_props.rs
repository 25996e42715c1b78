//! LSP position conversion as properties (issue 6): on any text built from
//! line breaks of every style (`\n`, `\r\n`, lone `\r`), characters LSP does
//! not count as breaks (U+2028, U+2029, NEL, VT, FF), astral characters,
//! combining marks and no-break spaces:
//! - every char boundary round-trips through UTF-8 and UTF-16 positions
//!   (the boundary between `\r` and `\n` has no LSP spelling and maps to
//!   the end of the line's content);
//! - positions agree with an independent count (lines split at `\n`,
//!   `\r\n`, `\r` only; UTF-16 units or bytes since the line start), and the
//!   UTF-32 column (chars since the line start) is consistent with both;
//! - any position, however far past a line or the text, converts to a char
//!   boundary inside the text without a panic.
//!
//! The server offers UTF-8 and UTF-16 (`general.positionEncodings`); UTF-32
//! is checked as the char count those two must agree with.

mod common;

use common::lsp_position;
use proptest::prelude::*;
use ropey::Rope;
use sayso::server::position::{to_offset_checked, to_position, Encoding};
use tower_lsp_server::ls_types::Position;

const PIECES: &[&str] = &[
    "a", "b", " ", "\n", "\r\n", "\r", "\r\r\n", "\n\r", "\u{2028}", "\u{2029}", "\u{85}", "\u{b}",
    "\u{c}", "😀", "𝄞", "e\u{301}", "\u{a0}", "“", "”", "’", "é", "中", "\u{feff}", "\t",
];

fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![6 => proptest::sample::select(PIECES).prop_map(str::to_string), 1 => any::<char>().prop_map(String::from)],
        0..60,
    )
    .prop_map(|v| v.concat())
}

/// Chars from the start of `offset`'s line to `offset` (UTF-32 column).
fn utf32_column(text: &str, offset: usize) -> usize {
    let line_start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    text[line_start..offset].chars().count()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn every_boundary_round_trips(text in text()) {
        let rope = Rope::from_str(&text);
        for (b, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            let between_cr_lf = b > 0 && text.as_bytes()[b - 1] == b'\r' && text.as_bytes().get(b) == Some(&b'\n');
            for (enc, utf8) in [(Encoding::Utf8, true), (Encoding::Utf16, false)] {
                let p = to_position(&rope, b, enc);
                let back = to_offset_checked(&rope, p, enc);
                if between_cr_lf {
                    prop_assert_eq!(back.byte, b - 1);
                    continue;
                }
                prop_assert_eq!(back.byte, b, "{:?} @{} {:?} -> {:?}", text, b, enc, p);
                prop_assert!(!back.clamped);
                let (line, col) = lsp_position(&text, b, utf8);
                prop_assert_eq!((p.line, p.character), (line, col), "{:?} @{}", text, b);
            }
            if !between_cr_lf {
                // UTF-32: chars since the line start, consistent with the
                // UTF-16 column (astral chars count 2 there, 1 here).
                let line_start = text[..b].rfind(['\n', '\r']).map_or(0, |i| i + 1);
                let astral = text[line_start..b].chars().filter(|c| c.len_utf16() == 2).count();
                let p16 = to_position(&rope, b, Encoding::Utf16);
                prop_assert_eq!(p16.character as usize, utf32_column(&text, b) + astral);
            }
        }
    }

    #[test]
    fn any_position_lands_on_a_boundary(text in text(), line in 0u32..100, character in prop_oneof![0u32..100, Just(u32::MAX)]) {
        let rope = Rope::from_str(&text);
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            let o = to_offset_checked(&rope, Position { line, character }, enc);
            prop_assert!(o.byte <= text.len() && text.is_char_boundary(o.byte));
        }
    }
}
