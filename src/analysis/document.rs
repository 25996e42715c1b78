//! Incremental document analysis (stub, being implemented).
use std::ops::Range;
use std::sync::Arc;

use super::{Analysis, Options};

/// An article kept for incremental reanalysis.
///
/// Holds the text, the per-paragraph results (cached) and the latest
/// document-level [`Analysis`]. An edit reanalyses only the paragraphs it
/// touches; [`Document::analysis`] reruns the document-level pass
/// (continuations, coreference, entities, findings) over cached results.
#[derive(Debug, Clone)]
pub struct Document {
    text: String,
    options: Options,
    analysis: Option<Arc<Analysis>>,
}

impl Document {
    /// A document over `text`.
    pub fn new(text: &str, options: Options) -> Self {
        Document { text: text.to_string(), options, analysis: None }
    }

    /// The current text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Replace the bytes `range` by `new_text`. The range is clamped to the
    /// text and widened to `char` boundaries; a reversed range is swapped.
    pub fn edit(&mut self, range: Range<usize>, new_text: &str) {
        let (mut s, mut e) = (range.start.min(range.end), range.start.max(range.end));
        s = s.min(self.text.len());
        e = e.min(self.text.len());
        while !self.text.is_char_boundary(s) { s -= 1; }
        while !self.text.is_char_boundary(e) { e += 1; }
        self.text.replace_range(s..e, new_text);
        self.analysis = None;
    }

    /// Replace the whole text.
    pub fn set_text(&mut self, text: &str) {
        self.text = text.to_string();
        self.analysis = None;
    }

    /// Change the options (reanalyses everything on next [`Self::analysis`]).
    pub fn set_options(&mut self, options: Options) {
        self.options = options;
        self.analysis = None;
    }

    /// The analysis of the current text, computed if outdated.
    pub fn analysis(&mut self) -> Arc<Analysis> {
        if let Some(a) = &self.analysis { return a.clone(); }
        let a = Arc::new(Analysis::default());
        self.analysis = Some(a.clone());
        a
    }
}
