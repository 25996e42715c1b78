//! Sayso: who said each quotation in a news article.
//!
//! - [`analysis`]: the pure core (`&str` in, byte ranges out);
//! - [`article`]: a document's format, prose and reported findings;
//! - [`cli`]: the `check` and `quotes` subcommands;
//! - [`fixes`]: quick fixes as pure text edits (typographic marks, closing,
//!   attribution templates, silencing);
//! - [`markdown`]: the prose mask of Markdown articles and
//!   `<!-- sayso off -->` regions;
//! - [`settings`]: `sayso.toml` and editor settings;
//! - [`server`]: the language server (`sayso lsp`).
//!
//! See `README.md` for usage and `../shared/DESIGN.md` for the layering rules.

pub mod analysis;
pub mod article;
pub mod cli;
pub mod fixes;
pub mod markdown;
pub mod settings;
pub mod server;
