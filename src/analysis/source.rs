//! The text a [`DocumentState`](super::DocumentState) reads: kept by the
//! caller, in whatever pieces it stores it.
//!
//! The core needs a document's text for three things only: to find its
//! paragraphs, to analyse the paragraphs an edit touched, and to read the
//! key texts of names in the document pass. Each is a read of a short
//! range, or a scan in order. So the core need not own the text: the
//! language server keeps its document in a rope (and no second copy of
//! it; `../shared/DESIGN.md`, rule 1 keeps the rope type itself out of
//! the core), and [`Document`](super::Document) keeps it in a `String`.

use std::ops::Range;

/// A UTF-8 text read by byte offsets, stored in one piece or several.
///
/// Offsets are UTF-8 byte offsets into the whole text, ranges half-open.
/// Implementations must not panic: a range that is reversed, runs past
/// the end or does not lie on `char` boundaries reads as empty
/// ([`TextSource::read`]) or yields nothing ([`TextSource::pieces`]).
/// `Sync`, since a first analysis reads paragraphs on several threads.
pub trait TextSource: Sync {
    /// The length of the text in bytes.
    fn len(&self) -> usize;

    /// Is the text empty?
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes `range` as one string: borrowed from the text when it is
    /// stored in one piece there, else copied into `buf` (cleared first).
    /// Empty when `range` is not a range of `char` boundaries of the text.
    fn read<'s>(&'s self, range: Range<usize>, buf: &'s mut String) -> &'s str;

    /// Call `f` with the bytes `range` in consecutive pieces, in order,
    /// each of whole characters, together the range (nothing when `range`
    /// is not a range of `char` boundaries of the text). How the text is
    /// cut is the implementation's: a `\r\n` may be split between two
    /// pieces.
    fn pieces(&self, range: Range<usize>, f: &mut dyn FnMut(&str));

    /// A reader of ranges in document order ([`Sweep`]): a text in pieces
    /// can then read each range from where the last one was, rather than
    /// look up where it starts (the document pass reads every paragraph
    /// after an edit this way). The default reads each range on its own.
    fn sweep(&self) -> Box<dyn Sweep + '_> {
        Box::new(EachOnItsOwn { text: self, buf: String::new() })
    }
}

/// Reads ranges of a text in document order ([`TextSource::sweep`]).
pub trait Sweep {
    /// The bytes `range` as [`TextSource::read`] gives them (empty when it
    /// is not a range of `char` boundaries). Each range starts at or after
    /// the start of the one before; one that does not is still read right,
    /// only more slowly.
    fn read(&mut self, range: Range<usize>) -> &str;
}

/// [`TextSource::sweep`] by default: each range read on its own.
struct EachOnItsOwn<'a, T: ?Sized> {
    text: &'a T,
    buf: String,
}

impl<T: TextSource + ?Sized> Sweep for EachOnItsOwn<'_, T> {
    fn read(&mut self, range: Range<usize>) -> &str {
        self.text.read(range, &mut self.buf)
    }
}

/// The sweep of a text in one piece: slices of it.
struct Whole<'a>(&'a str);

impl Sweep for Whole<'_> {
    #[inline]
    fn read(&mut self, range: Range<usize>) -> &str {
        self.0.get(range).unwrap_or("")
    }
}

impl TextSource for str {
    fn len(&self) -> usize {
        str::len(self)
    }

    #[inline]
    fn read<'s>(&'s self, range: Range<usize>, _buf: &'s mut String) -> &'s str {
        self.get(range).unwrap_or("")
    }

    fn pieces(&self, range: Range<usize>, f: &mut dyn FnMut(&str)) {
        if let Some(s) = self.get(range) {
            f(s);
        }
    }

    fn sweep(&self) -> Box<dyn Sweep + '_> {
        Box::new(Whole(self))
    }
}

impl TextSource for String {
    fn len(&self) -> usize {
        self.as_str().len()
    }

    #[inline]
    fn read<'s>(&'s self, range: Range<usize>, buf: &'s mut String) -> &'s str {
        self.as_str().read(range, buf)
    }

    fn pieces(&self, range: Range<usize>, f: &mut dyn FnMut(&str)) {
        self.as_str().pieces(range, f);
    }

    fn sweep(&self) -> Box<dyn Sweep + '_> {
        Box::new(Whole(self))
    }
}

impl TextSource for &str {
    fn len(&self) -> usize {
        str::len(self)
    }

    #[inline]
    fn read<'s>(&'s self, range: Range<usize>, buf: &'s mut String) -> &'s str {
        (**self).read(range, buf)
    }

    fn pieces(&self, range: Range<usize>, f: &mut dyn FnMut(&str)) {
        (**self).pieces(range, f);
    }

    fn sweep(&self) -> Box<dyn Sweep + '_> {
        Box::new(Whole(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_string_reads_in_one_piece_and_bad_ranges_read_empty() {
        let text = String::from("“Ab,” she said.");
        let mut buf = String::new();
        assert_eq!(text.read(0..3, &mut buf), "“");
        assert_eq!(text.read(1..3, &mut buf), "");
        assert_eq!(text.read(Range { start: 5, end: 3 }, &mut buf), "");
        assert_eq!(text.read(0..99, &mut buf), "");
        assert!(buf.is_empty());
        let mut got = Vec::new();
        text.pieces(0..6, &mut |p| got.push(p.to_string()));
        text.pieces(1..6, &mut |p| got.push(p.to_string()));
        text.pieces(0..7, &mut |p| got.push(p.to_string()));
        assert_eq!(got, ["“Ab,"]);
        assert_eq!((TextSource::len(&text), TextSource::is_empty(&"")), (19, true));
    }
}
