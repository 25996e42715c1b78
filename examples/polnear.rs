//! PolNeAR evaluation of Sayso's quote attribution, in Rust, no Python needed.
//!
//! ```text
//! cargo run --release --example polnear -- ../shared/corpora/polnear/dev
//! cargo run --release --example polnear -- DIR --min-f1 0.88 --min-precision 0.90 --min-recall 0.95
//! ```
//!
//! Reads the brat annotations of one split exactly as
//! `../shared/tools/polnear.py` does (see `polnear/brat.rs`), runs the
//! analysis core in-process on every article's text, scores the quotations
//! that `sayso quotes --json` would print (the same records, from
//! `sayso::cli::report::quote_records`) with the Python scorer's metrics
//! (`polnear/score.rs`), and prints the same JSON to stdout, byte for byte.
//!
//! Floors: `--min-f1` (attr_f1), `--min-precision` (attr_precision),
//! `--min-recall` (detect_recall, the detection recall floor); exit status 1
//! when a figure is below its floor, 2 when the corpus cannot be read.
//! `--explain` lists every missed or wrong attribution on stderr.

#[path = "polnear/brat.rs"]
mod brat;
#[path = "polnear/score.rs"]
mod score;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use rayon::prelude::*;
use sayso::cli::lines::LineIndex;

use brat::Article;
use score::{Misses, SysQuote};

/// Score Sayso's quote attribution on a PolNeAR split (metrics of polnear.py).
#[derive(Debug, Parser)]
struct Args {
    /// The split directory, holding `text/` and `attributions/`.
    split_dir: PathBuf,
    /// Fail (exit 1) when attr_f1 is below this.
    #[arg(long, value_name = "X")]
    min_f1: Option<f64>,
    /// Fail (exit 1) when attr_precision is below this.
    #[arg(long, value_name = "X")]
    min_precision: Option<f64>,
    /// Fail (exit 1) when detect_recall (detection recall) is below this.
    #[arg(long, value_name = "X", alias = "min-detect-recall")]
    min_recall: Option<f64>,
    /// List missed and wrong attributions on stderr.
    #[arg(long)]
    explain: bool,
    /// Score the JSON lines of FILE (the output of `sayso quotes --json`, or
    /// of any system printing that shape) instead of running the core.
    #[arg(long, value_name = "FILE")]
    from_json: Option<PathBuf>,
}

/// Quotations from a JSON lines file, matched to articles by absolute path
/// (as polnear.py's `run_system` does); an article without a line has none.
fn quotes_from_json(
    file: &std::path::Path,
    arts: &[Article],
) -> Result<Vec<Vec<SysQuote>>, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let abs = |p: &std::path::Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut by_path = std::collections::HashMap::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let err = |e: String| format!("{}:{}: {e}", file.display(), n + 1);
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| err(e.to_string()))?;
        let path = v["path"]
            .as_str()
            .ok_or_else(|| err("no \"path\"".into()))?;
        let num = |q: &serde_json::Value, k: &str| q[k].as_u64().map(|x| x as usize);
        let mut quotes = Vec::new();
        for q in v["quotes"]
            .as_array()
            .ok_or_else(|| err("no \"quotes\" array".into()))?
        {
            let span = (num(q, "start"), num(q, "end"));
            let (Some(s), Some(e)) = span else {
                return Err(err(format!("bad quote {q}")));
            };
            let m = &q["speaker"]["mention"];
            let mention = match (num(m, "start"), num(m, "end")) {
                (Some(a), Some(b)) => Some((a, b)),
                _ => None,
            };
            quotes.push(SysQuote {
                span: (s, e),
                mention,
            });
        }
        by_path.insert(abs(std::path::Path::new(path)), quotes);
    }
    Ok(arts
        .iter()
        .map(|a| by_path.get(&abs(&a.path)).cloned().unwrap_or_default())
        .collect())
}

/// The quotations `sayso quotes --json` prints for `text`, as the scorer reads them.
fn system_quotes(text: &str) -> Vec<SysQuote> {
    let analysis = sayso::analysis::analyze(text);
    sayso::cli::report::quote_records(text, &analysis)
        .into_iter()
        .map(|q| SysQuote {
            span: (q.start, q.end),
            mention: q.speaker.map(|s| (s.mention.start, s.mention.end)),
        })
        .collect()
}

/// One line of context: the text of `span`, whitespace collapsed, cut at 100 chars.
fn show(text: &str, span: (usize, usize)) -> String {
    let s: String = text
        .get(span.0..span.1)
        .unwrap_or("?")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if s.chars().count() > 100 {
        s.chars().take(99).collect::<String>() + "…"
    } else {
        s
    }
}

/// Every missed or wrong attribution, as `path:line:col: …` lines sorted by
/// position within each article (gold offsets index the translated text,
/// which is the raw text when the file has no `\r`).
fn explain(arts: &[Article], raw: &[String], system: &[Vec<SysQuote>], misses: &[Misses]) {
    for (((art, raw), quotes), m) in arts.iter().zip(raw).zip(system).zip(misses) {
        let path = art.path.display();
        let gold_index = LineIndex::new(&art.text);
        let raw_index = LineIndex::new(raw);
        let mut lines: Vec<(usize, String)> = Vec::new();
        for &(gi, detected) in &m.missed {
            let g = &art.gold[gi];
            let what = if detected {
                "misattributed"
            } else {
                "not detected"
            };
            let content: Vec<String> = g.content.iter().map(|&c| show(&art.text, c)).collect();
            let source: Vec<String> = g.source.iter().map(|&s| show(&art.text, s)).collect();
            let at = g.content.first().map_or(0, |c| c.0);
            let text = format!(
                "{path}:{}: gold {what}: [{}] said {}",
                gold_index.line_col(at),
                source.join(" … "),
                content.join(" … ")
            );
            lines.push((at, text));
        }
        for &qi in &m.wrong {
            let q = &quotes[qi];
            let speaker = q.mention.map(|s| show(raw, s)).unwrap_or_default();
            let at = raw_index.line_col(q.span.0);
            lines.push((
                q.span.0,
                format!(
                    "{path}:{at}: wrong speaker [{speaker}] for {}",
                    show(raw, q.span)
                ),
            ));
        }
        for &qi in &m.false_unattributed {
            let q = &quotes[qi];
            let at = raw_index.line_col(q.span.0);
            lines.push((
                q.span.0,
                format!("{path}:{at}: no speaker found for {}", show(raw, q.span)),
            ));
        }
        lines.sort_by_key(|(at, _)| *at);
        for (_, line) in lines {
            eprintln!("{line}");
        }
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let arts = match brat::load_split(&args.split_dir) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("polnear: {e}");
            return ExitCode::from(2);
        }
    };
    // The system reads the file as `sayso quotes` does: raw bytes, no
    // newline translation (the scorer's gold offsets are on translated text,
    // exactly as in polnear.py).
    let raw: Result<Vec<String>, String> = arts
        .par_iter()
        .map(|a| std::fs::read_to_string(&a.path).map_err(|e| format!("{}: {e}", a.path.display())))
        .collect();
    let raw = match raw {
        Ok(r) => r,
        Err(e) => {
            eprintln!("polnear: {e}");
            return ExitCode::from(2);
        }
    };
    let system: Vec<Vec<SysQuote>> = match &args.from_json {
        None => raw.par_iter().map(|t| system_quotes(t)).collect(),
        Some(file) => match quotes_from_json(file, &arts) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("polnear: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let mut misses = Vec::new();
    let scores = score::score(&arts, &system, Some(&mut misses));
    if args.explain {
        explain(&arts, &raw, &system, &misses);
    }
    println!("{}", score::to_python_json(&scores));

    let mut failed = false;
    for (name, value, floor) in [
        ("attr_f1", scores.attr_f1, args.min_f1),
        ("attr_precision", scores.attr_precision, args.min_precision),
        ("detect_recall", scores.detect_recall, args.min_recall),
    ] {
        if let Some(floor) = floor {
            if value < floor {
                eprintln!("polnear: {name} {value:.4} is below the floor {floor}");
                failed = true;
            } else {
                eprintln!("polnear: {name} {value:.4} ≥ {floor}");
            }
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
