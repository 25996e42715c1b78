//! Lexicons (stub).
/// Reporting verb lemmas.
pub const CUE_VERB_LEMMAS: &[&str] = &["say"];
/// Lexicon.
#[derive(Debug, Clone, Default)]
pub struct Lexicon;
