//! The language server (`sayso lsp`): LSP over stdio on top of
//! [`crate::analysis`]. LSP types live in this module and nowhere else.
//!
//! - [`position`]: the one converter between LSP positions (UTF-16 or
//!   UTF-8 code units) and the core's UTF-8 byte offsets;
//! - [`documents`]: open documents (rope, version, analysis worker,
//!   `Arc` snapshots);
//! - [`backend`]: the `LanguageServer` handlers;
//! - [`transport`]: the connection (framing that survives malformed
//!   messages and keeps no buffer of the largest message; answers in
//!   request order);
//! - [`hover`], [`navigation`], [`outline`], [`diagnostics`],
//!   [`code_actions`]: the features, as plain functions of a
//!   [`documents::Snapshot`];
//! - [`rope_text`]: the rope as the core reads it (no second copy);
//! - [`memory`]: freed memory back to the system after a big document;
//! - [`config`]: settings (`sayso.toml`, the editor's), cached.
//!
//! Entry points: [`run_stdio`] for the binary, [`serve`] for any byte
//! streams (tests use an in-memory duplex pipe).

pub mod backend;
pub mod code_actions;
pub mod config;
pub mod diagnostics;
pub mod documents;
pub mod hover;
pub mod memory;
pub mod navigation;
pub mod outline;
pub mod position;
pub mod rope_text;
pub mod transport;

#[cfg(test)]
mod tests;

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::Context as _;
use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::LspService;
use tracing_subscriber::EnvFilter;

use self::backend::Backend;

/// Environment variable with the log filter (`tracing_subscriber`
/// `EnvFilter` syntax: `debug`, `sayso=debug,tower_lsp_server=info`, …),
/// used when `--log-level` is not given.
pub const LOG_ENV: &str = "SAYSO_LOG";

/// Log filter when neither `--log-level` nor [`LOG_ENV`] is set.
pub const DEFAULT_LOG: &str = "warn";

/// Serve LSP on `input`/`output` until the client sends `exit` or closes
/// `input`. Returns whether the client sent `shutdown` first (LSP: the
/// process then exits with 0, else 1). Must run inside a tokio runtime.
pub async fn serve<I, O>(input: I, output: O) -> bool
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin,
{
    let shutdown = Arc::new(AtomicBool::new(false));
    let flag = shutdown.clone();
    let (service, socket) = LspService::new(move |client| Backend::new(client, flag));
    transport::serve_connection(input, output, service, socket).await;
    shutdown.load(Ordering::SeqCst)
}

/// Run the language server on stdin/stdout (`sayso lsp`).
///
/// Logs go to stderr through `tracing`, filtered by `log_level` (e.g.
/// `"info"`, `"sayso=debug"`), else by the [`LOG_ENV`] variable, else
/// [`DEFAULT_LOG`]. stdout carries only LSP messages.
///
/// Returns exit code 0 when the client sent `shutdown` before `exit` (or
/// before closing stdin), 1 otherwise, as the LSP specification says.
///
/// # Errors
/// An invalid log filter, or a tokio runtime that cannot start.
pub fn run_stdio(log_level: Option<String>) -> anyhow::Result<ExitCode> {
    let filter = match log_level {
        Some(level) => {
            EnvFilter::try_new(&level).with_context(|| format!("invalid --log-level {level:?}"))?
        }
        None => match std::env::var(LOG_ENV) {
            Ok(v) if !v.trim().is_empty() => {
                EnvFilter::try_new(&v).with_context(|| format!("invalid {LOG_ENV}={v:?}"))?
            }
            _ => EnvFilter::new(DEFAULT_LOG),
        },
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("sayso-lsp")
        .build()
        .context("cannot start the async runtime")?;
    let clean = runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // Do not wait for the blocking stdin reader or a running analysis.
    runtime.shutdown_background();
    tracing::info!(clean, "exiting");
    Ok(if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
