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

use ropey::iter::Chunks;
use ropey::Rope;

use crate::analysis::{Sweep, TextSource};

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
        // Inside one chunk (most paragraphs): borrowed, after one descent
        // and no iterator set up.
        if let Some((chunk, start, _, _)) = self.get_chunk_at_byte(range.start) {
            if start <= range.start && range.start < range.end && range.end <= start + chunk.len() {
                return chunk.get(range.start - start..range.end - start).unwrap_or("");
            }
        }
        read_from(self, &mut None, range, buf)
    }

    fn sweep(&self) -> Box<dyn Sweep + '_> {
        Box::new(RopeSweep { rope: self, at: None, buf: String::new() })
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

/// A sweep over a rope ([`TextSource::sweep`]): where the last read
/// ended, so that the next read walks on through the chunks from there.
struct RopeSweep<'a> {
    rope: &'a Rope,
    /// A chunk, its start, and the chunks after it.
    at: Option<(&'a str, usize, Chunks<'a>)>,
    /// A range across chunks, copied.
    buf: String,
}

impl Sweep for RopeSweep<'_> {
    fn read(&mut self, range: Range<usize>) -> &str {
        read_from(self.rope, &mut self.at, range, &mut self.buf)
    }
}

/// The bytes `r` of `rope`, read from the chunk `at` (a chunk, its start,
/// and the chunks after it) when `r` starts there or up to [`SWEEP`] bytes
/// after it, else from a new descent of the tree; `at` is left at the
/// chunk where `r` ends. Borrowed when inside one chunk, else copied into
/// `buf`; empty when `r` is not a range of `char` boundaries of the rope.
fn read_from<'a: 'b, 'b>(
    rope: &'a Rope,
    at: &mut Option<(&'a str, usize, Chunks<'a>)>,
    r: Range<usize>,
    buf: &'b mut String,
) -> &'b str {
    if r.start >= r.end || r.end > rope.len_bytes() {
        return "";
    }
    let near = at
        .as_ref()
        .is_some_and(|(c, start, _)| *start <= r.start && r.start < start + c.len() + SWEEP);
    if !near {
        // (`r.start < len`: in bounds.)
        let (mut chunks, start, _, _) = rope.chunks_at_byte(r.start);
        let chunk = chunks.next().unwrap_or("");
        *at = Some((chunk, start, chunks));
    }
    let Some((chunk, start, chunks)) = at.as_mut() else {
        return "";
    };
    // On to the chunk that holds the start.
    while r.start >= *start + chunk.len() {
        let Some(next) = chunks.next() else { break };
        *start += chunk.len();
        *chunk = next;
    }
    if r.end <= *start + chunk.len() {
        let chunk: &'a str = chunk;
        return chunk.get(r.start - *start..r.end - *start).unwrap_or("");
    }
    // Across chunks: copied.
    buf.clear();
    let mut ok = match chunk.get(r.start.saturating_sub(*start)..) {
        Some(piece) if r.start >= *start => {
            buf.push_str(piece);
            true
        }
        _ => false,
    };
    while ok && *start + chunk.len() < r.end {
        let Some(next) = chunks.next() else {
            ok = false;
            break;
        };
        *start += chunk.len();
        *chunk = next;
        match chunk.get(..(r.end - *start).min(chunk.len())) {
            Some(piece) => buf.push_str(piece),
            None => ok = false,
        }
    }
    if !ok {
        buf.clear();
    }
    buf
}

/// How far ahead (bytes) [`RopeSweep`] walks the rope's chunks
/// in order rather than looking up a range's start from the root: 8 KiB,
/// about eight chunks, each step far cheaper than a descent.
const SWEEP: usize = 8 << 10;

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

    /// Sweeps over ordered ranges (near and far apart, inside a chunk and
    /// across several, empty, bad, one going back) read as the string does.
    #[test]
    fn a_sweep_reads_as_the_string_does() {
        let text = long_text().repeat(4);
        let rope = Rope::from_str(&text);
        for step in [1usize, 7, 90, 400, 1500, 9000, 20_000] {
            for width in [0usize, 1, 5, 300, 2500] {
                let ranges: Vec<Range<usize>> = (0..text.len())
                    .step_by(step + width)
                    .map(|s| s..(s + width).min(text.len() + 1))
                    .chain([text.len()..text.len(), Range { start: 3, end: 1 }, 2..600])
                    .collect();
                let mut sweep = rope.sweep();
                let got: Vec<String> = ranges.iter().map(|r| sweep.read(r.clone()).to_string()).collect();
                let want: Vec<String> = ranges.iter().map(|r| text.get(r.clone()).unwrap_or("").to_string()).collect();
                assert_eq!(got, want, "step {step} width {width}");
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
