//! The rope as the core reads it: [`TextSource`] for [`Rope`], so that the
//! core's [`DocumentState`](crate::analysis::DocumentState) reads an open
//! document from the rope the server keeps, and the text is not held a
//! second time (a 19 MB document: 19 MB less).
//!
//! Offsets are UTF-8 byte offsets, as everywhere in the core. Ropey keeps
//! its text in chunks of at most about 1 KiB, each of whole characters
//! (ropey 1.6 docs, "Chunks"): a range inside one chunk is borrowed, a
//! longer one copied.

use std::ops::Range;

use ropey::Rope;

use crate::analysis::TextSource;

/// Is `offset` a `char` boundary of `rope` (its length included)? False
/// past the end.
fn is_boundary(rope: &Rope, offset: usize) -> bool {
    rope.get_chunk_at_byte(offset)
        .is_some_and(|(chunk, at, _, _)| chunk.is_char_boundary(offset - at))
}

impl TextSource for Rope {
    fn len(&self) -> usize {
        self.len_bytes()
    }

    fn read<'s>(&'s self, range: Range<usize>, buf: &'s mut String) -> &'s str {
        buf.clear();
        if range.start > range.end || range.end > self.len_bytes() {
            return "";
        }
        // One descent of the tree per chunk the range touches (a paragraph
        // spans one or two as a rule): no iterator set up, and the ends'
        // `char` boundaries are checked in the chunks found.
        let mut at = range.start;
        while let Some((chunk, chunk_at, _, _)) = self.get_chunk_at_byte(at) {
            let to = (range.end - chunk_at).min(chunk.len());
            let Some(piece) = chunk.get(at - chunk_at..to) else {
                break;
            };
            if at == range.start && chunk_at + to == range.end {
                // Inside one chunk: borrowed.
                return piece;
            }
            if chunk_at + to <= at {
                // No progress (a chunk that ends at `at`): not expected of
                // ropey, but never loop on it.
                break;
            }
            if buf.is_empty() {
                buf.reserve(range.len());
            }
            buf.push_str(piece);
            at = chunk_at + to;
            if at >= range.end {
                return buf;
            }
        }
        // Not on `char` boundaries.
        buf.clear();
        buf
    }

    fn pieces(&self, range: Range<usize>, f: &mut dyn FnMut(&str)) {
        if range.start >= range.end
            || range.end > self.len_bytes()
            || !is_boundary(self, range.start)
            || !is_boundary(self, range.end)
        {
            return;
        }
        // (`range.start < len`: in bounds for `chunks_at_byte`.)
        let (chunks, mut at, _, _) = self.chunks_at_byte(range.start);
        for chunk in chunks {
            if at >= range.end {
                break;
            }
            let from = range.start.saturating_sub(at);
            let to = (range.end - at).min(chunk.len());
            match chunk.get(from..to) {
                Some(piece) => f(piece),
                None => return,
            }
            at += chunk.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze, DocumentState, Options};

    /// A text of many chunks, with multi-byte characters and `\r\n`
    /// throughout.
    fn long_text() -> String {
        let para = "“Café 😀 au lait,” said Ann\u{a0}Lee.\r\n\r\nLee wrote: “Nothing.”\r\n\r\n";
        para.repeat(200)
    }

    #[test]
    fn reads_as_the_string_does() {
        let text = long_text();
        let rope = Rope::from_str(&text);
        assert!(rope.chunks().count() > 10);
        let mut buf = String::new();
        // Every range from a few starts (inside and across chunks), and
        // bad ranges: inside a character, reversed, past the end.
        for s in (0..text.len()).step_by(97).chain([1, text.len()]) {
            for e in [s, s + 1, s + 3, s + 700, s + 3000, text.len(), text.len() + 1, s.saturating_sub(1)] {
                let want = text.get(s..e).unwrap_or("");
                assert_eq!(rope.read(s..e, &mut buf), want, "{s}..{e}");
                let mut got = String::new();
                rope.pieces(s..e, &mut |p| got.push_str(p));
                assert_eq!(got, want, "{s}..{e}");
            }
        }
    }

    #[test]
    fn a_state_over_the_rope_equals_a_fresh_analysis_after_edits() {
        let text = long_text();
        let mut rope = Rope::from_str(&text);
        let mut state = DocumentState::new(&rope, Options::default());
        assert_eq!(*state.analysis(&rope), analyze(&text));
        let mut text = text;
        for (at, old, new) in [(40, 0, "x"), (5000, 30, ""), (9000, 0, "“Ann\u{a0}Lee,” he said.\r\n\r\n")] {
            let at = (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            let end = (at..).find(|&i| text.is_char_boundary(i) && i >= at + old).unwrap_or(text.len());
            text.replace_range(at..end, new);
            let (cs, ce) = (rope.byte_to_char(at), rope.byte_to_char(end));
            rope.remove(cs..ce);
            rope.insert(cs, new);
            state.edit(&rope, at..end, new.len());
            assert_eq!(*state.analysis(&rope), analyze(&text));
        }
    }
}
