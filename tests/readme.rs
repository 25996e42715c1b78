//! The README's command-line examples are real output: each example line
//! must be a line the binary prints today (`…` lines stand for lines left
//! out). When the core's results change, refresh the README with them.

use std::path::Path;
use std::process::Output;

mod cli_support;
use cli_support::{sayso, stderr, stdout, write};

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// The body of the first ```` ```text ```` block after `marker`.
fn block_after(text: &str, marker: &str) -> Vec<String> {
    let at = text
        .find(marker)
        .unwrap_or_else(|| panic!("README has no {marker:?}"));
    let open = at + text[at..].find("```text\n").expect("a text block") + "```text\n".len();
    let close = open + text[open..].find("```").expect("closed");
    text[open..close].lines().map(str::to_string).collect()
}

/// The body of the ```` ```text ```` block whose first line is `first`.
fn block_starting(text: &str, first: &str) -> Vec<String> {
    let head = format!("```text\n{first}\n");
    let at = text
        .find(&head)
        .unwrap_or_else(|| panic!("README has no block starting {first:?}"));
    block_after(&text[at..], "```text")
}

/// Every README line that is not `…` or the `$ command` line is a line of
/// the command's stdout or stderr.
fn assert_lines_are_output(readme_lines: &[String], o: &Output) {
    let (out, err) = (stdout(o), stderr(o));
    let actual: Vec<&str> = out.lines().chain(err.lines()).collect();
    for line in readme_lines {
        if line == "…" || line.starts_with("$ ") {
            continue;
        }
        assert!(
            actual.contains(&line.as_str()),
            "README line not in today's output:\n  {line}\noutput:\n{out}{err}"
        );
    }
}

#[test]
fn the_set_up_example_is_the_seed_articles_output() {
    let text = readme();
    let lines = block_after(&text, "prints each quotation with its speaker:");
    assert!(lines.len() >= 5);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = sayso(root, &["quotes", "seeds/000_4183c379b24c5a5d.txt"]);
    assert_eq!(o.status.code(), Some(0));
    assert_lines_are_output(&lines, &o);
}

#[test]
fn the_harbour_examples_are_real_output() {
    let text = readme();
    let article = block_after(&text, "For an article in `drafts/harbour.md`:").join("\n") + "\n";
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "drafts/harbour.md", article);
    let quotes = block_starting(&text, "$ sayso quotes drafts/harbour.md");
    assert_eq!(quotes.len(), 7);
    let o = sayso(dir.path(), &["quotes", "drafts/harbour.md"]);
    assert_lines_are_output(&quotes, &o);
    let check = block_starting(&text, "$ sayso check drafts/");
    assert_eq!(check.len(), 4);
    let o = sayso(dir.path(), &["check", "drafts/"]);
    assert_eq!(o.status.code(), Some(1));
    assert_lines_are_output(&check, &o);
}
