//! End-to-end tests of the writer workflow in the `sayso` binary: Markdown
//! articles (prose only, exact offsets, `<!-- sayso off -->`) and
//! `sayso.toml` settings (severities, extra cues, exclude, bad files).
//!
//! Articles are written for the tests, with fictional names.

use std::process::Output;

use serde_json::{json, Value};
use tempfile::TempDir;

mod cli_support;
use cli_support::{json_lines, sayso, sayso_with_stdin, stderr, stdout, write};

/// Byte offset of the first `needle` in `text`.
fn at(text: &str, needle: &str) -> usize {
    text.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"))
}

/// A Markdown article with front matter, a headline, a blockquote, code, a
/// link, and a silenced region.
const ARTICLE_MD: &str = "---\n\
title: \"Harbour: ‘We rebuild’\"\n\
---\n\
# ‘We rebuild,’ says harbour chief\n\
\n\
> “The pier will reopen in May,” said Dana Whitlock, the harbour chief.\n\
\n\
The [plan](https://example.org/\"plan\" \"The 'plan'\") says `\"depth\": 4`.\n\
\n\
```\n\
print(\"not a quotation\")\n\
```\n\
\n\
<!-- sayso off -->\n\
“A line from the archive nobody said.”\n\
<!-- sayso on -->\n";

#[test]
fn markdown_quotes_are_prose_only_with_exact_offsets() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "story.md", ARTICLE_MD);
    let o = sayso(dir.path(), &["quotes", "--json", "story.md"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines = json_lines(&o);
    let quotes = lines[0]["quotes"].as_array().unwrap();
    let texts: Vec<&str> = quotes.iter().map(|q| q["text"].as_str().unwrap()).collect();
    assert_eq!(
        texts,
        [
            "‘We rebuild,’",
            "“The pier will reopen in May,”",
            "“A line from the archive nobody said.”",
        ]
    );
    // Offsets point at the real marks in the file.
    let pier = at(ARTICLE_MD, "“The pier");
    assert_eq!(quotes[1]["start"], json!(pier));
    assert_eq!(
        quotes[1]["end"],
        json!(pier + "“The pier will reopen in May,”".len())
    );
    assert_eq!(quotes[1]["speaker"]["name"], json!("Dana Whitlock"));
    let mention = at(ARTICLE_MD, "Dana Whitlock");
    assert_eq!(
        quotes[1]["speaker"]["mention"],
        json!({"start": mention, "end": mention + "Dana Whitlock".len()})
    );
    assert_eq!(
        quotes[0]["start"],
        json!(at(ARTICLE_MD, "‘We rebuild,’ says"))
    );
}

#[test]
fn markdown_check_silences_the_off_region() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "story.md", ARTICLE_MD);
    let o = sayso(dir.path(), &["check", "--json", "story.md"]);
    // Only the headline's quotation (no speaker in the headline: a hint);
    // nothing from the silenced archive line.
    let head = at(ARTICLE_MD, "‘We rebuild,’ says");
    assert_eq!(
        json_lines(&o),
        [json!({"path": "story.md", "diagnostics": [{
            "start": head,
            "end": head + "‘We rebuild,’".len(),
            "severity": "hint",
            "code": "unattributed-quote",
            "message": "scare quote: no speaker, the marks only set the words apart",
        }]})]
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The same text as plain text reports the archive line.
    write(dir.path(), "story.txt", ARTICLE_MD);
    let o = sayso(dir.path(), &["check", "--json", "story.txt"]);
    assert_eq!(o.status.code(), Some(1));
    let diags = json_lines(&o)[0]["diagnostics"].as_array().unwrap().clone();
    assert!(
        diags
            .iter()
            .any(|d| d["start"] == json!(at(ARTICLE_MD, "“A line"))),
        "{diags:?}"
    );
}

#[test]
fn format_flag_reads_standard_input_as_markdown() {
    let dir = TempDir::new().unwrap();
    let text = "Text with `\"code\"` only.\n";
    let run = |format: &str| {
        let o = sayso_with_stdin(dir.path(), &["quotes", "--json", "--format", format, "-"], text);
        json_lines(&o)[0]["quotes"].as_array().unwrap().len()
    };
    assert_eq!(run("markdown"), 0);
    assert_eq!(run("text"), 1);
}

const LOOSE: &str = "The harbour reopened on Tuesday.\n\n\
“Nobody expected the water to rise this fast, or to stay this long.”\n";

const GRUMBLED: &str = "“The ferry is late again,” Dana Whitlock harrumphed.\n";

/// `path:line:col: severity: … [code]` lines of a human `check`.
fn check_lines(o: &Output) -> Vec<String> {
    stdout(o).lines().map(str::to_string).collect()
}

#[test]
fn sayso_toml_sets_severities_cues_and_excludes() {
    let dir = TempDir::new().unwrap();
    let root = dir.path();
    write(
        root,
        "desk/sayso.toml",
        "exclude = [\"drafts/**\"]\n\n[cues]\nextra = [\"harrumphed\"]\n\n[rules]\nunattributed-quote = \"info\"\n",
    );
    write(root, "desk/loose.md", LOOSE);
    write(root, "desk/grumbled.txt", GRUMBLED);
    write(root, "desk/drafts/wip.md", LOOSE);
    // Outside desk/: the defaults.
    write(root, "other/loose.md", LOOSE);

    let o = sayso(root, &["check", "desk", "other"]);
    assert_eq!(
        check_lines(&o),
        [
            "desk/loose.md:3:1: info: no speaker found for this quotation: add who said it (e.g. `, NAME said`) [unattributed-quote]",
            "other/loose.md:3:1: warning: no speaker found for this quotation: add who said it (e.g. `, NAME said`) [unattributed-quote]",
        ]
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "the warning in other/ fails the check"
    );
    assert!(stderr(&o).contains("in 3 files"), "{}", stderr(&o));

    // The extra cue finds the speaker.
    let o = sayso(root, &["quotes", "--json", "desk/grumbled.txt"]);
    assert_eq!(
        json_lines(&o)[0]["quotes"][0]["speaker"]["name"],
        json!("Dana Whitlock")
    );
    // Without the settings it does not.
    write(root, "other/grumbled.txt", GRUMBLED);
    let o = sayso(root, &["quotes", "--json", "other/grumbled.txt"]);
    assert_eq!(json_lines(&o)[0]["quotes"][0]["speaker"], Value::Null);

    // A file named on the command line is checked even when excluded.
    let o = sayso(root, &["check", "desk/drafts/wip.md"]);
    assert_eq!(check_lines(&o).len(), 1);
    assert_eq!(o.status.code(), Some(0), "only an info");

    // --config applies one file to everything.
    let o = sayso(
        root,
        &["check", "--config", "desk/sayso.toml", "other/loose.md"],
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(check_lines(&o)[0].contains(": info: "));
}

#[test]
fn a_bad_sayso_toml_names_the_file_and_key_and_exits_2() {
    let dir = TempDir::new().unwrap();
    let root = dir.path();
    write(
        root,
        "desk/sayso.toml",
        "[rules]\nunattributed-quote = \"off\"\nunatributed-quote = \"off\"\n",
    );
    write(root, "desk/a.md", LOOSE);
    write(root, "desk/b.md", LOOSE);
    let o = sayso(root, &["check", "desk"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    // Reported once, with file, line, column and key.
    assert_eq!(
        err.matches("desk/sayso.toml:3:1: unknown key `unatributed-quote` in [rules]")
            .count(),
        1,
        "{err}"
    );
    assert!(err.contains("checked with the default settings"), "{err}");
    // Both files are still checked, with the defaults (warnings).
    assert_eq!(check_lines(&o).len(), 2);
    assert!(check_lines(&o)[0].contains(": warning: "));

    // A bad --config stops the run before any file.
    let o = sayso(root, &["check", "--config", "desk/sayso.toml", "desk/a.md"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("unknown key `unatributed-quote`"));
    let o = sayso(root, &["check", "--config", "nowhere.toml", "desk/a.md"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o).trim(),
        "sayso: nowhere.toml: cannot read: no such file or directory"
    );
}
