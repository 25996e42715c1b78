//! The command line: `sayso quotes`, `sayso check` (and `sayso lsp`).
//!
//! ```text
//! sayso quotes [--json] PATH...   every quotation and its speaker
//! sayso check  [--json] PATH...   findings: unattributed, unclosed, mismatched quotes
//! sayso lsp [--log-level LEVEL]   the language server over stdio
//! ```
//!
//! Paths are files (any extension), directories (walked for `.txt`, `.md`,
//! `.markdown`, `.gitignore` and the `exclude` setting respected; see
//! [`inputs`]) or `-` for standard input. Files are analysed in parallel
//! (rayon) and printed in input order, one batch at a time so memory stays
//! bounded; see [`report`] for what is printed.
//!
//! `.md`/`.markdown` files are read as Markdown (only their prose is
//! analysed; see [`crate::markdown`]), others as plain text (`--format`
//! overrides). Each file is checked with the settings of the nearest
//! `sayso.toml` above it, or of `--config FILE` (see [`config`]).
//!
//! Exit status (as compilers and linters do):
//! - `check`: 0 no warning or error, 1 some warning or error, 2 some input
//!   or settings file could not be read (or a usage error);
//! - `quotes`: 0, or 2 when some input or settings file could not be read
//!   (or a usage error).
//!
//! Unreadable inputs (missing, permission denied, not UTF-8, binary, symlink
//! loop) are reported on stderr as `sayso: PATH: REASON`; every other file is
//! still processed and printed. So is a file whose analysis panics (a core
//! bug): `sayso: PATH: internal error: …`, exit status 2.

pub mod config;
mod guard;
pub mod inputs;
pub mod lines;
pub mod report;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::analysis::{Analysis, Severity};
use crate::article::{self, Format};
use crate::settings::Settings;
use config::Config;
use inputs::{InputError, Item, Source};

/// Who said each quotation in a news article.
#[derive(Debug, Parser)]
#[command(
    name = "sayso",
    version,
    about,
    long_about = None,
    after_help = "Texts are UTF-8. A text of 4 GiB − 1 bytes or more is not analysed: it gets one \
                  `text-too-long` error instead of its quotations (offsets are 32-bit)."
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every quotation with its speaker and how the speaker was found.
    ///
    /// Exit status: 0, or 2 when an input or a settings file could not be
    /// read.
    Quotes(FileArgs),
    /// Report unattributed, unclosed and mismatched quotations.
    ///
    /// Exit status: 0 when clean, 1 with any warning or error, 2 when an
    /// input or a settings file could not be read.
    Check(FileArgs),
    /// Run the language server over stdin/stdout.
    ///
    /// Exit status: 0 after a `shutdown` request, 1 when the client exits or
    /// closes stdin without one, 2 for a bad `--log-level`.
    Lsp {
        /// Log filter for stderr (`error`, `warn`, `info`, `debug`, `trace`,
        /// or directives such as `sayso=debug`); default: the `SAYSO_LOG`
        /// environment variable, else `warn`.
        #[arg(long, value_name = "FILTER")]
        log_level: Option<String>,
        /// Talk LSP over stdio: the only transport, accepted because VS
        /// Code's language client passes it.
        #[arg(long)]
        stdio: bool,
    },
}

/// Arguments shared by `quotes` and `check`.
#[derive(Debug, Args)]
pub struct FileArgs {
    /// Print one JSON object per file per line (UTF-8 byte offsets,
    /// half-open ranges that include the quotation marks).
    #[arg(long)]
    pub json: bool,
    /// Files, or directories to walk for .txt/.md/.markdown files
    /// (.gitignore and the `exclude` setting respected); `-` reads
    /// standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Use this settings file for every input instead of the nearest
    /// `sayso.toml` above each file.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// How the inputs are written: `auto` (Markdown for .md/.markdown,
    /// else plain text; standard input is plain text), `text` or
    /// `markdown`.
    #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
    pub format: FormatArg,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// By file extension.
    Auto,
    /// Plain text.
    Text,
    /// Markdown.
    Markdown,
}

impl FormatArg {
    /// The format of one input.
    fn of(self, source: &Source) -> Format {
        match (self, source) {
            (FormatArg::Text, _) => Format::Text,
            (FormatArg::Markdown, _) => Format::Markdown,
            (FormatArg::Auto, Source::File(p)) => Format::of_path(&p.to_string_lossy()),
            (FormatArg::Auto, Source::Stdin) => Format::Text,
        }
    }
}

/// Which of the two file commands runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `sayso quotes`.
    Quotes,
    /// `sayso check`.
    Check,
}

/// Run a parsed command line; returns the process exit status.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Quotes(args) => ExitCode::from(run_files(Mode::Quotes, &args)),
        Command::Check(args) => ExitCode::from(run_files(Mode::Check, &args)),
        Command::Lsp {
            log_level,
            stdio: _,
        } => match crate::server::run_stdio(log_level) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("sayso lsp: {e:#}");
                ExitCode::from(2)
            }
        },
    }
}

/// What processing one input produced, kept until its turn to be printed.
#[derive(Debug, Default)]
struct Outcome {
    /// Text for stdout.
    out: String,
    /// The input could not be read (or a non-fatal walk warning).
    error: Option<InputError>,
    /// The analysis of a readable input failed (a panic in the core,
    /// which must not happen): why, for stderr.
    crashed: Option<String>,
    /// Files analysed (0 or 1).
    files: usize,
    quotes: usize,
    attributed: usize,
    errors: usize,
    warnings: usize,
    others: usize,
}

/// How a text is analysed: [`article::analyze`] (tests pass another).
type AnalyzeFn = dyn Fn(&str, Format, &Settings) -> Analysis + Sync;

fn process(
    mode: Mode,
    args: &FileArgs,
    item: &Item,
    settings: &Settings,
    analyze: &AnalyzeFn,
) -> Outcome {
    let json = args.json;
    let source = match item {
        Item::Error(e) => {
            return Outcome {
                error: Some(e.clone()),
                ..Outcome::default()
            }
        }
        Item::Source(source, _) => source,
    };
    let text = match inputs::read(source) {
        Ok(t) => t,
        Err(e) => {
            return Outcome {
                error: Some(e),
                ..Outcome::default()
            }
        }
    };
    let path = source.display();
    // A panic of the core loses this file only; the run goes on.
    let format = args.format.of(source);
    let analysis = match guard::catch(|| analyze(&text, format, settings)) {
        Ok(a) => a,
        Err(why) => {
            return Outcome {
                crashed: Some(format!(
                    "{path}: internal error: the analysis failed ({why}); \
                     the file was skipped — please report this bug with the file"
                )),
                ..Outcome::default()
            }
        }
    };
    let mut o = Outcome {
        files: 1,
        ..Outcome::default()
    };
    o.quotes = analysis.quotes.len();
    o.attributed = analysis
        .quotes
        .iter()
        .filter(|q| q.attribution.is_some())
        .count();
    for f in &analysis.findings {
        match f.severity {
            Severity::Error => o.errors += 1,
            Severity::Warning => o.warnings += 1,
            Severity::Info | Severity::Hint => o.others += 1,
        }
    }
    o.out = match (mode, json) {
        (Mode::Quotes, true) => report::quotes_json(&path, &text, &analysis),
        (Mode::Quotes, false) => report::quotes_human(&path, &text, &analysis),
        (Mode::Check, true) => report::check_json(&path, &analysis),
        (Mode::Check, false) => report::check_human(&path, &text, &analysis),
    };
    o
}

/// Split the inputs into batches: at most `max_items` each, and no more
/// than `max_bytes` of file content unless one file alone is larger.
fn batches(items: &[Item], max_items: usize, max_bytes: u64) -> Vec<&[Item]> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0u64);
    for (i, item) in items.iter().enumerate() {
        let size = match item {
            Item::Source(_, n) => *n,
            Item::Error(_) => 0,
        };
        if i > start && (i - start >= max_items || bytes + size > max_bytes) {
            out.push(&items[start..i]);
            start = i;
            bytes = 0;
        }
        bytes += size;
    }
    if start < items.len() {
        out.push(&items[start..]);
    }
    out
}

/// Total size of file content held at once (across a batch), about.
const BATCH_BYTES: u64 = 64 << 20;
/// The progress bar appears only once a run has taken this long.
const PROGRESS_DELAY: Duration = Duration::from_millis(700);

/// A progress bar on stderr that shows itself only for long runs on a
/// terminal, never with `--json` or when stderr is piped.
struct Progress {
    bar: ProgressBar,
    enabled: bool,
    shown: AtomicBool,
    started: Instant,
}

impl Progress {
    fn new(total: usize, enabled: bool) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} [{elapsed}] {bar:30} {pos}/{len} files {wide_msg}",
        ) {
            bar.set_style(style);
        }
        Progress {
            bar,
            enabled,
            shown: AtomicBool::new(false),
            started: Instant::now(),
        }
    }

    /// Count one file done; show the bar once the run is long enough.
    fn inc(&self) {
        self.bar.inc(1);
        if self.enabled
            && self.started.elapsed() >= PROGRESS_DELAY
            && self
                .shown
                .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
}

/// Run `quotes` or `check`; returns the exit status.
pub fn run_files(mode: Mode, args: &FileArgs) -> u8 {
    run_files_with(mode, args, &article::analyze)
}

/// [`run_files`] with another analysis function (tests).
fn run_files_with(mode: Mode, args: &FileArgs, analyze: &AnalyzeFn) -> u8 {
    guard::install();
    let config = match &args.config {
        Some(path) => match Config::fixed(path) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("sayso: {e}");
                return 2;
            }
        },
        None => Config::discover(),
    };
    let items = inputs::collect_with(&args.paths, &|p| config.excluded(p));
    let settings: Vec<_> = items
        .iter()
        .map(|item| match item {
            Item::Source(source, _) => config.for_source(source),
            Item::Error(_) => Default::default(),
        })
        .collect();
    let bad_settings = config.take_errors();
    for e in &bad_settings {
        eprintln!("sayso: {e}; the files it governs are checked with the default settings");
    }
    let show_progress = !args.json && io::stderr().is_terminal() && items.len() > 1;
    let progress = Progress::new(items.len(), show_progress);
    let max_items = (rayon::current_num_threads() * 8).max(16);

    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut total = Outcome::default();
    let mut unreadable = 0usize;
    let mut failed = 0usize;

    let mut done = 0;
    for batch in batches(&items, max_items, BATCH_BYTES) {
        let batch_settings = &settings[done..done + batch.len()];
        done += batch.len();
        let outcomes: Vec<Outcome> = batch
            .par_iter()
            .zip(batch_settings)
            .map(|(item, settings)| {
                let o = process(mode, args, item, settings, analyze);
                progress.inc();
                o
            })
            .collect();
        let write_result = progress.bar.suspend(|| -> io::Result<()> {
            for o in &outcomes {
                if let Some(e) = &o.error {
                    // Keep stdout and stderr in order on a shared terminal.
                    out.flush()?;
                    if e.fatal {
                        unreadable += 1;
                        eprintln!("sayso: {e}");
                    } else {
                        eprintln!("sayso: warning: {e}");
                    }
                }
                if let Some(why) = &o.crashed {
                    out.flush()?;
                    failed += 1;
                    eprintln!("sayso: {why}");
                }
                out.write_all(o.out.as_bytes())?;
            }
            out.flush()
        });
        if let Err(e) = write_result {
            progress.bar.finish_and_clear();
            if e.kind() == io::ErrorKind::BrokenPipe {
                // `sayso quotes … | head`: the reader has seen enough.
                return 0;
            }
            eprintln!("sayso: writing output: {}", inputs::io_reason(&e));
            return 2;
        }
        for o in outcomes {
            total.files += o.files;
            total.quotes += o.quotes;
            total.attributed += o.attributed;
            total.errors += o.errors;
            total.warnings += o.warnings;
            total.others += o.others;
        }
    }
    progress.bar.finish_and_clear();

    if !args.json {
        let mut line = summary(mode, &total, unreadable);
        if failed > 0 {
            line += &format!(
                "; {} could not be analysed (internal error)",
                plural(failed, "input", "inputs")
            );
        }
        if !bad_settings.is_empty() {
            line += &format!(
                "; {} could not be used",
                plural(bad_settings.len(), "settings file", "settings files")
            );
        }
        eprintln!("sayso: {line}");
    }
    match mode {
        _ if unreadable + failed > 0 || !bad_settings.is_empty() => 2,
        Mode::Check if total.errors + total.warnings > 0 => 1,
        _ => 0,
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One line for stderr at the end of a human-readable run.
fn summary(mode: Mode, t: &Outcome, unreadable: usize) -> String {
    let mut s = match mode {
        Mode::Quotes => format!(
            "{}, {} with a speaker, in {}",
            plural(t.quotes, "quotation", "quotations"),
            t.attributed,
            plural(t.files, "file", "files")
        ),
        Mode::Check => {
            let mut s = format!(
                "{}, {}",
                plural(t.errors, "error", "errors"),
                plural(t.warnings, "warning", "warnings")
            );
            if t.others > 0 {
                s += &format!(", {}", plural(t.others, "note or hint", "notes or hints"));
            }
            s + &format!(" in {}", plural(t.files, "file", "files"))
        }
    };
    if unreadable > 0 {
        s += &format!(
            "; {} could not be read",
            plural(unreadable, "input", "inputs")
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use inputs::Source;

    fn file(n: u64) -> Item {
        Item::Source(Source::File(PathBuf::from("x")), n)
    }

    #[test]
    fn batches_bound_items_and_bytes() {
        let items: Vec<Item> = (0..10).map(|_| file(10)).collect();
        let sizes: Vec<usize> = batches(&items, 4, 1000).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, [4, 4, 2]);
        let sizes: Vec<usize> = batches(&items, 100, 25).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, [2, 2, 2, 2, 2]);
        // A file larger than the byte budget gets a batch of its own.
        let items = vec![file(1), file(500), file(1)];
        let sizes: Vec<usize> = batches(&items, 100, 100).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, [1, 1, 1]);
        assert!(batches(&[], 4, 10).is_empty());
    }

    #[test]
    fn a_panic_in_the_analysis_loses_only_that_file() {
        guard::install();
        let dir = tempfile::tempdir().unwrap();
        let (bad, good) = (dir.path().join("bad.txt"), dir.path().join("good.txt"));
        std::fs::write(&bad, "“Boom,” said Ana Lenk.").unwrap();
        std::fs::write(&good, "“Fine,” said Ana Lenk.").unwrap();
        let analyze = |text: &str, format: Format, settings: &Settings| {
            if text.contains("Boom") {
                panic!("the core broke on {text:?}");
            }
            article::analyze(text, format, settings)
        };
        let args = FileArgs {
            json: true,
            paths: vec![],
            config: None,
            format: FormatArg::Auto,
        };
        let item = |p: &std::path::Path| Item::Source(Source::File(p.to_path_buf()), 0);
        let settings = Settings::default();
        let o = process(Mode::Quotes, &args, &item(&bad), &settings, &analyze);
        let why = o.crashed.expect("reported");
        assert!(
            why.starts_with(&format!(
                "{}: internal error: the analysis failed (panicked at src/cli.rs:",
                bad.display()
            )),
            "{why}"
        );
        assert!(
            why.contains(": the core broke on \"“Boom,” said Ana Lenk.\")"),
            "{why}"
        );
        assert_eq!((o.files, o.out.as_str()), (0, ""));
        let o = process(Mode::Quotes, &args, &item(&good), &settings, &analyze);
        assert_eq!(o.crashed, None);
        assert_eq!((o.files, o.quotes, o.attributed), (1, 1, 1));
        assert!(o.out.contains(r#""name":"Ana Lenk""#), "{}", o.out);
    }

    #[test]
    fn summaries() {
        let t = Outcome {
            files: 2,
            quotes: 3,
            attributed: 1,
            warnings: 1,
            others: 2,
            ..Outcome::default()
        };
        assert_eq!(
            summary(Mode::Quotes, &t, 0),
            "3 quotations, 1 with a speaker, in 2 files"
        );
        assert_eq!(
            summary(Mode::Check, &t, 1),
            "0 errors, 1 warning, 2 notes or hints in 2 files; 1 input could not be read"
        );
    }
}
