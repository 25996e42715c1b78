//! Diagnostic rules (stub).
/// Codes of all rules.
pub const RULES: &[&str] = &["unattributed-quote", "unclosed-quote", "mismatched-quote"];
