//! LSP position conversion on any text: every char boundary round-trips
//! through UTF-8 and UTF-16 positions (a boundary between `\r` and `\n`
//! maps to the end of the line's content), and any position converts to a
//! char boundary inside the text without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ropey::Rope;
use sayso::server::position::{to_offset, to_offset_checked, to_position, Encoding};
use tower_lsp_server::ls_types::Position;

fn pos(line: u32, character: u32) -> Position {
    Position { line, character }
}

fuzz_target!(|input: (&str, Vec<(u32, u32)>)| {
    let (text, probes) = input;
    let rope = Rope::from_str(text);
    for (b, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            let p = to_position(&rope, b, enc);
            let back = to_offset_checked(&rope, p, enc);
            if b > 0 && text.as_bytes()[b - 1] == b'\r' && text.as_bytes().get(b) == Some(&b'\n') {
                assert_eq!(back.byte, b - 1);
            } else {
                assert_eq!(back.byte, b, "{text:?} @{b} {enc:?} -> {p:?}");
                assert!(!back.clamped);
            }
        }
    }
    for (line, character) in probes.into_iter().take(64) {
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            let o = to_offset(&rope, pos(line, character), enc);
            assert!(o <= text.len() && text.is_char_boundary(o));
        }
    }
});
