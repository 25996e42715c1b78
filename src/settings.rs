//! Settings: a desk's style in `sayso.toml`, or the editor's configuration.
//!
//! ```toml
//! # sayso.toml
//! exclude = ["drafts/**", "*.notes.md"]   # files the CLI skips when walking
//!
//! [cues]
//! extra = ["opined", "went on to say"]    # extra reporting verbs or phrases
//!
//! [titles]
//! extra = ["Councillor", "Imam"]          # extra honorifics and titles
//!
//! [rules]                                 # severity per rule, or "off"
//! unattributed-quote = "warning"
//! unclosed-quote = "error"
//! mismatched-quote = "info"
//! ```
//!
//! - The command line uses the nearest `sayso.toml` found by walking up from
//!   each file's directory ([`find_file`]); the language server reads the
//!   one at the workspace root. A missing file means the defaults.
//! - Every key is optional; an unknown key (at the top level, in a table, or
//!   a rule code) is an error that names the key and the file
//!   ([`SettingsError`]), as is a severity that is not one of `error`,
//!   `warning`, `info`, `hint`, `off`.
//! - Editors send the same settings as JSON ([`Settings::from_json`]),
//!   bare or nested under `"sayso"`.
//!
//! Severities: a rule's setting is the severity of its findings. A finding
//! the rule itself rates below the rule's default (a one- or two-word scare
//! quote is only a hint for `unattributed-quote`) is never raised by the
//! setting, only lowered: `unattributed-quote = "error"` leaves scare quotes
//! as hints, `"info"` makes warnings infos. `"off"` drops the rule's
//! findings.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::de::{self, Deserializer};
use serde::Deserialize;

use crate::analysis::{Finding, Options, Severity, RULES};

/// The name of the settings file.
pub const FILE_NAME: &str = "sayso.toml";

/// The severity a setting gives a rule, or `Off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// Report as an error (`check` exits with status 1).
    Error,
    /// Report as a warning (`check` exits with status 1).
    Warning,
    /// Report as information.
    Info,
    /// Report as a hint (editors show it faintly).
    Hint,
    /// Do not report.
    Off,
}

impl Level {
    /// Every accepted spelling, canonical names first.
    pub const NAMES: &'static [&'static str] = &["error", "warning", "info", "hint", "off"];

    /// Parse a setting value: `error`, `warning` (or `warn`), `info` (or
    /// `information`), `hint`, `off`; ASCII case-insensitive.
    pub fn parse(s: &str) -> Option<Level> {
        Some(match s.to_ascii_lowercase().as_str() {
            "error" => Level::Error,
            "warning" | "warn" => Level::Warning,
            "info" | "information" => Level::Info,
            "hint" => Level::Hint,
            "off" => Level::Off,
            _ => return None,
        })
    }

    /// The severity, `None` for `Off`.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Error => Some(Severity::Error),
            Level::Warning => Some(Severity::Warning),
            Level::Info => Some(Severity::Info),
            Level::Hint => Some(Severity::Hint),
            Level::Off => None,
        }
    }
}

impl<'de> Deserialize<'de> for Level {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Level::parse(&s).ok_or_else(|| {
            de::Error::custom(format!(
                "`{s}` is not a severity: use one of `error`, `warning`, `info`, `hint`, `off`"
            ))
        })
    }
}

/// Severity per rule, by the core's stable rule codes. `None`: the rule's
/// default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Rules {
    /// `unattributed-quote`: a quotation with no speaker (default warning;
    /// hint for a scare quote).
    pub unattributed_quote: Option<Level>,
    /// `unclosed-quote`: an opening mark never closed (default error).
    pub unclosed_quote: Option<Level>,
    /// `mismatched-quote`: a quotation closed by a mark of another style, or
    /// a closing mark with no opening mark (default warning).
    pub mismatched_quote: Option<Level>,
}

impl Rules {
    /// The setting of the rule with stable code `code`, if set.
    pub fn level(&self, code: &str) -> Option<Level> {
        match code {
            "unattributed-quote" => self.unattributed_quote,
            "unclosed-quote" => self.unclosed_quote,
            "mismatched-quote" => self.mismatched_quote,
            _ => None,
        }
    }

    /// Set the rule with stable code `code`; false for an unknown code.
    pub fn set(&mut self, code: &str, level: Level) -> bool {
        let slot = match code {
            "unattributed-quote" => &mut self.unattributed_quote,
            "unclosed-quote" => &mut self.unclosed_quote,
            "mismatched-quote" => &mut self.mismatched_quote,
            _ => return false,
        };
        *slot = Some(level);
        true
    }

    /// `self`'s settings, falling back to `base`'s where `self` has none.
    fn or(&self, base: &Rules) -> Rules {
        Rules {
            unattributed_quote: self.unattributed_quote.or(base.unattributed_quote),
            unclosed_quote: self.unclosed_quote.or(base.unclosed_quote),
            mismatched_quote: self.mismatched_quote.or(base.mismatched_quote),
        }
    }
}

/// Settings in force for a document or a directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// Extra reporting verbs or phrases (`[cues] extra`), for
    /// [`Options::extra_cues`].
    pub extra_cues: Vec<String>,
    /// Extra honorifics and titles (`[titles] extra`), for
    /// [`Options::extra_titles`].
    pub extra_titles: Vec<String>,
    /// Severity per rule (`[rules]`).
    pub rules: Rules,
    /// Glob patterns of files the command line skips when walking a
    /// directory (`exclude`), relative to the settings file's directory.
    pub exclude: Vec<String>,
}

/// Settings sent by an editor, as read by [`Settings::from_json`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditorSettings {
    /// What could be used.
    pub settings: Settings,
    /// Top-level keys that are not Sayso's (the editor's own, such as
    /// `trace` or `server`), ignored.
    pub foreign: Vec<String>,
    /// Entries left out, one line each (`rules.unclosed-quote: `loud` is
    /// not a severity …`).
    pub problems: Vec<String>,
}

/// `[cues]` and `[titles]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Words {
    #[serde(default)]
    extra: Vec<String>,
}

/// The file's shape.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    cues: Words,
    #[serde(default)]
    titles: Words,
    #[serde(default)]
    rules: Rules,
    #[serde(default)]
    exclude: Vec<String>,
}

/// Why settings could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError {
    /// Where the settings came from: the file's path, or `editor settings`.
    pub origin: String,
    /// Byte range in the file the error is about, when known.
    pub span: Option<Range<usize>>,
    /// 1-based line and column (in characters) of `span.start`.
    pub line_col: Option<(usize, usize)>,
    /// The offending key, for an unknown key.
    pub key: Option<String>,
    /// What is wrong, in one line.
    pub message: String,
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.origin)?;
        if let Some((l, c)) = self.line_col {
            write!(f, ":{l}:{c}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for SettingsError {}

/// 1-based line and character column of byte `at` in `text`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The `[table]` whose key sits at byte `at`, as written (`[rules]`), or
/// `None` at the top level (headers on the line of `at` do not count).
fn table_at(text: &str, at: usize) -> Option<String> {
    let before = text.get(..at.min(text.len()))?;
    let before = &before[..before.rfind('\n').unwrap_or(0)];
    before
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| match l.find(']') {
            Some(i) => l[..=i].to_string(),
            None => l.to_string(),
        })
}

/// The key named in a serde "unknown field `x`, expected …" message.
fn unknown_key(message: &str) -> Option<(String, &str)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, rest) = rest.split_once('`')?;
    Some((key.to_string(), rest.trim_start_matches(',').trim()))
}

impl Settings {
    /// Parse the text of a `sayso.toml`; `origin` (its path) names it in
    /// errors.
    ///
    /// # Errors
    /// TOML syntax errors, unknown keys (`unknown key `x` in [rules]`),
    /// values of the wrong type, bad severities, empty words, invalid globs:
    /// each with the file, line and column.
    pub fn from_toml(text: &str, origin: &str) -> Result<Settings, SettingsError> {
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let span = e.span();
            let at = span.as_ref().map(|s| s.start);
            let table = at.and_then(|a| table_at(text, a));
            let (key, message) = match unknown_key(e.message()) {
                Some((key, expected)) => {
                    let place = table.map_or("at the top level".to_string(), |t| format!("in {t}"));
                    let expected = expected.replace("expected one of", "known keys:");
                    let expected = expected.replace("expected ", "known key: ");
                    let m = format!("unknown key `{key}` {place} ({expected})");
                    (Some(key), m)
                }
                None => {
                    let m = e.message().trim().to_string();
                    let m = match table {
                        Some(t) if !m.contains(&t) => format!("in {t}: {m}"),
                        _ => m,
                    };
                    (None, m)
                }
            };
            SettingsError {
                origin: origin.to_string(),
                line_col: at.map(|a| line_col(text, a)),
                span,
                key,
                message,
            }
        })?;
        Settings::from_raw(raw).map_err(|message| SettingsError {
            origin: origin.to_string(),
            span: None,
            line_col: None,
            key: None,
            message,
        })
    }

    /// Settings sent by an editor (`initializationOptions`, the `settings`
    /// of `workspace/didChangeConfiguration`, the answer to
    /// `workspace/configuration`) as JSON: the same keys as `sayso.toml`,
    /// either bare (`{"rules": {…}}`) or nested under `"sayso"`. `cues` and
    /// `titles` may also be plain arrays of words. `null` means "not set".
    ///
    /// Editors are read leniently, entry by entry: a top-level key that is
    /// not Sayso's (an editor's own `trace`, `server`, …) is ignored
    /// quietly ([`EditorSettings::foreign`]); an unknown rule, a bad
    /// severity or a value of the wrong type is left out and described in
    /// [`EditorSettings::problems`], and the rest applies.
    ///
    /// # Errors
    /// The value (or its `sayso` member) is not an object: nothing usable.
    pub fn from_json(value: &serde_json::Value) -> Result<EditorSettings, SettingsError> {
        use serde_json::Value;
        let fail = |message: String| SettingsError {
            origin: "editor settings".to_string(),
            span: None,
            line_col: None,
            key: None,
            message,
        };
        let value = match value {
            Value::Object(m) => match m.get("sayso") {
                Some(inner @ Value::Object(_)) => inner,
                Some(Value::Null) | None => value,
                Some(other) => {
                    return Err(fail(format!("`sayso` should be an object, not {other}")))
                }
            },
            Value::Null => return Ok(EditorSettings::default()),
            other => return Err(fail(format!("settings should be an object, not {other}"))),
        };
        let Value::Object(map) = value else {
            return Ok(EditorSettings::default());
        };
        let mut out = EditorSettings::default();
        for (key, v) in map {
            match (key.as_str(), v) {
                (_, Value::Null) => {}
                ("rules", Value::Object(rules)) => {
                    for (code, level) in rules {
                        let parsed = match level {
                            Value::Null => continue,
                            Value::String(l) => Level::parse(l).ok_or_else(|| {
                                format!(
                                    "rules.{code}: `{l}` is not a severity \
                                     (use `error`, `warning`, `info`, `hint` or `off`)"
                                )
                            }),
                            other => Err(format!("rules.{code}: expected a severity, not {other}")),
                        };
                        match parsed {
                            Ok(l) if out.settings.rules.set(code, l) => {}
                            Ok(_) => out.problems.push(format!(
                                "rules: unknown rule `{code}` (known rules: {})",
                                RULES
                                    .iter()
                                    .map(|r| format!("`{}`", r.code()))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )),
                            Err(m) => out.problems.push(m),
                        }
                    }
                }
                ("cues" | "titles" | "exclude", _) => {
                    let words = match (key.as_str(), v) {
                        (_, Value::Array(a)) => a.as_slice(),
                        ("cues" | "titles", Value::Object(o)) => {
                            for k in o.keys().filter(|k| *k != "extra") {
                                out.problems
                                    .push(format!("{key}: unknown key `{k}` (known key: `extra`)"));
                            }
                            match o.get("extra") {
                                Some(Value::Array(a)) => a.as_slice(),
                                None | Some(Value::Null) => &[],
                                Some(other) => {
                                    out.problems.push(format!(
                                        "{key}.extra: expected a list of words, not {other}"
                                    ));
                                    &[]
                                }
                            }
                        }
                        (_, other) => {
                            out.problems
                                .push(format!("{key}: expected a list, not {other}"));
                            &[]
                        }
                    };
                    for w in words {
                        match w.as_str().map(str::trim) {
                            Some("") | None => out
                                .problems
                                .push(format!("{key}: `{w}` is not a word or pattern")),
                            Some(w) if key == "exclude" => match patterns(w) {
                                Ok(_) => out.settings.exclude.push(w.to_string()),
                                Err(e) => out.problems.push(format!("exclude: {e}")),
                            },
                            Some(w) if key == "cues" => out.settings.extra_cues.push(w.to_string()),
                            Some(w) => out.settings.extra_titles.push(w.to_string()),
                        }
                    }
                }
                // An empty Lua table reaches JSON as `[]` (Neovim).
                ("rules", Value::Array(a)) if a.is_empty() => {}
                ("rules", other) => out
                    .problems
                    .push(format!("rules: expected an object, not {other}")),
                _ => out.foreign.push(key.clone()),
            }
        }
        Ok(out)
    }

    fn from_raw(raw: Raw) -> Result<Settings, String> {
        for (table, words) in [("cues", &raw.cues.extra), ("titles", &raw.titles.extra)] {
            if words.iter().any(|w| w.trim().is_empty()) {
                return Err(format!("in [{table}]: `extra` has an empty entry"));
            }
        }
        for pattern in &raw.exclude {
            patterns(pattern).map_err(|e| format!("in `exclude`: {e}"))?;
        }
        Ok(Settings {
            extra_cues: raw
                .cues
                .extra
                .iter()
                .map(|w| w.trim().to_string())
                .collect(),
            extra_titles: raw
                .titles
                .extra
                .iter()
                .map(|w| w.trim().to_string())
                .collect(),
            rules: raw.rules,
            exclude: raw.exclude,
        })
    }

    /// Read and parse a settings file.
    ///
    /// # Errors
    /// The file cannot be read or is not UTF-8 (message with the reason), or
    /// [`Settings::from_toml`] fails.
    pub fn load(path: &Path) -> Result<Settings, SettingsError> {
        let origin = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| SettingsError {
            origin: origin.clone(),
            span: None,
            line_col: None,
            key: None,
            message: format!("cannot read: {}", crate::cli::inputs::io_reason(&e)),
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let valid = std::str::from_utf8(&e.as_bytes()[..at]).unwrap_or_default();
            SettingsError {
                origin: origin.clone(),
                span: Some(at..at + 1),
                line_col: Some(line_col(valid, at)),
                key: None,
                message: "not valid UTF-8: save the file as UTF-8".to_string(),
            }
        })?;
        Settings::from_toml(&text, &origin)
    }

    /// `self` over `base`: rules set in `self` win, the others come from
    /// `base`; word lists and exclude patterns are merged (`base`'s first,
    /// no duplicates).
    pub fn over(&self, base: &Settings) -> Settings {
        fn union(a: &[String], b: &[String]) -> Vec<String> {
            let mut out: Vec<String> = Vec::with_capacity(a.len() + b.len());
            for w in a.iter().chain(b) {
                if !out.contains(w) {
                    out.push(w.clone());
                }
            }
            out
        }
        Settings {
            extra_cues: union(&base.extra_cues, &self.extra_cues),
            extra_titles: union(&base.extra_titles, &self.extra_titles),
            rules: self.rules.or(&base.rules),
            exclude: union(&base.exclude, &self.exclude),
        }
    }

    /// The core's options: the extra cues and titles.
    pub fn options(&self) -> Options {
        Options {
            extra_cues: self.extra_cues.clone(),
            extra_titles: self.extra_titles.clone(),
        }
    }

    /// The severity a finding gets under these settings, `None` when its
    /// rule is off (see the module docs for scare-quote hints).
    pub fn severity(&self, finding: &Finding) -> Option<Severity> {
        let Some(level) = self.rules.level(finding.code) else {
            return Some(finding.severity);
        };
        let set = level.severity()?;
        let default = RULES
            .iter()
            .find(|r| r.code() == finding.code)
            .map_or(finding.severity, |r| r.severity());
        // `Severity` orders Error < Warning < Info < Hint: `max` is the
        // milder of the two.
        Some(if finding.severity == default {
            set
        } else {
            finding.severity.max(set)
        })
    }

    /// Apply the rule severities to `findings`: change severities, drop
    /// findings of rules that are off.
    pub fn apply(&self, findings: &mut Vec<Finding>) {
        findings.retain_mut(|f| match self.severity(f) {
            Some(s) => {
                f.severity = s;
                true
            }
            None => false,
        });
    }
}

/// The globs one `exclude` pattern stands for, gitignore-style: a pattern
/// without `/` matches a name at any depth; a leading `/` anchors it at the
/// settings file's directory; a pattern also matches everything under a
/// directory it matches.
fn patterns(pattern: &str) -> Result<Vec<Glob>, String> {
    let p = pattern.trim();
    if p.is_empty() {
        return Err("empty pattern".to_string());
    }
    let p = p.trim_end_matches('/');
    let (anchored, p) = match p.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (p.contains('/'), p),
    };
    let mut globs = vec![p.to_string(), format!("{p}/**")];
    if !anchored {
        globs.push(format!("**/{p}"));
        globs.push(format!("**/{p}/**"));
    }
    globs
        .iter()
        .map(|g| {
            globset::GlobBuilder::new(g)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("bad pattern `{pattern}`: {}", e.kind()))
        })
        .collect()
}

/// Compiled `exclude` patterns of one settings file.
#[derive(Debug, Clone)]
pub struct Exclude {
    base: PathBuf,
    set: GlobSet,
}

impl Exclude {
    /// The `exclude` patterns of `settings`, relative to `base` (the
    /// directory of the settings file).
    ///
    /// # Errors
    /// An invalid pattern (already rejected by parsing, so only for
    /// hand-made settings).
    pub fn new(base: &Path, settings: &Settings) -> Result<Exclude, String> {
        let mut b = GlobSetBuilder::new();
        for p in &settings.exclude {
            for g in patterns(p)? {
                b.add(g);
            }
        }
        let set = b.build().map_err(|e| e.to_string())?;
        Ok(Exclude {
            base: base.to_path_buf(),
            set,
        })
    }

    /// Whether `path` is excluded. `path` and the base directory must be
    /// written alike (both absolute, as [`std::path::absolute`] gives); a
    /// path outside the base directory is never excluded.
    pub fn matches(&self, path: &Path) -> bool {
        if self.set.is_empty() {
            return false;
        }
        match path.strip_prefix(&self.base) {
            Ok(rel) if !rel.as_os_str().is_empty() => self.set.is_match(rel),
            _ => false,
        }
    }
}

/// The nearest `sayso.toml` in `dir` or one of its ancestors (`dir` is
/// made absolute first, so a relative `dir` still reaches the root).
pub fn find_file(dir: &Path) -> Option<PathBuf> {
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    dir.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: &str = "desk/sayso.toml";

    #[test]
    fn full_file() {
        let text = r#"
exclude = ["drafts/**", "*.notes.md"]

[cues]
extra = ["opined", " went on to say "]

[titles]
extra = ["Councillor"]

[rules]
unattributed-quote = "error"
unclosed-quote = "WARN"
mismatched-quote = "off"
"#;
        let s = Settings::from_toml(text, ORIGIN).unwrap();
        assert_eq!(s.extra_cues, ["opined", "went on to say"]);
        assert_eq!(s.extra_titles, ["Councillor"]);
        assert_eq!(s.exclude, ["drafts/**", "*.notes.md"]);
        assert_eq!(
            s.rules,
            Rules {
                unattributed_quote: Some(Level::Error),
                unclosed_quote: Some(Level::Warning),
                mismatched_quote: Some(Level::Off),
            }
        );
        assert_eq!(s.options().extra_cues, ["opined", "went on to say"]);
        assert_eq!(
            Settings::from_toml("", ORIGIN).unwrap(),
            Settings::default()
        );
    }

    /// `(file text, error as displayed, key)`.
    const BAD: &[(&str, &str, Option<&str>)] = &[
        (
            "[rules]\nunattributed-quote = \"warning\"\nunatributed-quote = \"off\"\n",
            "desk/sayso.toml:3:1: unknown key `unatributed-quote` in [rules] (known keys: `unattributed-quote`, `unclosed-quote`, `mismatched-quote`)",
            Some("unatributed-quote"),
        ),
        (
            "exclude = []\ncue = [\"opined\"]\n",
            "desk/sayso.toml:2:1: unknown key `cue` at the top level (known keys: `cues`, `titles`, `rules`, `exclude`)",
            Some("cue"),
        ),
        (
            "[cues]\nextras = [\"opined\"]\n",
            "desk/sayso.toml:2:1: unknown key `extras` in [cues] (known key: `extra`)",
            Some("extras"),
        ),
        (
            "[rules]\nunclosed-quote = \"fatal\"\n",
            "desk/sayso.toml:2:18: in [rules]: `fatal` is not a severity: use one of `error`, `warning`, `info`, `hint`, `off`",
            None,
        ),
        (
            "[cues]\nextra = \"opined\"\n",
            "desk/sayso.toml:2:9: in [cues]: invalid type: string \"opined\", expected a sequence",
            None,
        ),
        (
            "[titles]\nextra = [\"Imam\", \" \"]\n",
            "desk/sayso.toml: in [titles]: `extra` has an empty entry",
            None,
        ),
        (
            "exclude = [\"drafts/[\"]\n",
            "desk/sayso.toml: in `exclude`: bad pattern `drafts/[`: unclosed character class; missing ']'",
            None,
        ),
        (
            "[rules\nx = 1\n",
            "desk/sayso.toml:1:7: unclosed table, expected `]`",
            None,
        ),
    ];

    #[test]
    fn bad_files_name_the_file_key_and_place() {
        let mut wrong = Vec::new();
        for (text, want, key) in BAD {
            let e = Settings::from_toml(text, ORIGIN).unwrap_err();
            if e.to_string() != *want || e.key.as_deref() != *key {
                wrong.push(format!(
                    "{text:?}\n  got  {:?} key {:?}\n  want {want:?} key {key:?}",
                    e.to_string(),
                    e.key
                ));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn every_core_rule_can_be_set() {
        for rule in RULES {
            let text = format!("[rules]\n{} = \"hint\"\n", rule.code());
            let s = Settings::from_toml(&text, ORIGIN).unwrap();
            assert_eq!(
                s.rules.level(rule.code()),
                Some(Level::Hint),
                "{}",
                rule.code()
            );
        }
    }

    #[test]
    fn editor_json_bare_and_nested() {
        use serde_json::json;
        let want = Settings {
            extra_cues: vec!["opined".into()],
            extra_titles: vec!["Imam".into()],
            rules: Rules {
                unattributed_quote: Some(Level::Hint),
                ..Rules::default()
            },
            exclude: vec![],
        };
        // As VS Code answers `workspace/configuration`: its own keys too.
        let bare = json!({
            "rules": { "unattributed-quote": "hint", "unclosed-quote": null },
            "cues": ["opined"],
            "titles": { "extra": ["Imam"] },
            "trace": { "server": "verbose" },
            "server": { "path": "sayso" }
        });
        let e = Settings::from_json(&bare).unwrap();
        assert_eq!(e.settings, want);
        assert_eq!(e.foreign, ["server", "trace"]);
        assert_eq!(e.problems, Vec::<String>::new());
        let nested = json!({ "sayso": bare });
        assert_eq!(Settings::from_json(&nested).unwrap().settings, want);
        assert_eq!(
            Settings::from_json(&json!(null)).unwrap(),
            EditorSettings::default()
        );
        assert_eq!(
            Settings::from_json(&json!({})).unwrap(),
            EditorSettings::default()
        );
        // Neovim's empty table.
        assert_eq!(
            Settings::from_json(&json!({"rules": []})).unwrap(),
            EditorSettings::default()
        );

        // Bad entries are left out and described; the rest applies.
        let e = Settings::from_json(&json!({
            "rules": {"unatributed-quote": "off", "unclosed-quote": "loud", "mismatched-quote": "off"},
            "cues": {"extras": ["x"], "extra": ["mused", 3]},
            "exclude": ["drafts/[", "notes/**"],
            "titles": "Imam",
        }))
        .unwrap();
        assert_eq!(
            e.settings,
            Settings {
                extra_cues: vec!["mused".into()],
                rules: Rules {
                    mismatched_quote: Some(Level::Off),
                    ..Rules::default()
                },
                exclude: vec!["notes/**".into()],
                ..Settings::default()
            }
        );
        assert_eq!(
            e.problems,
            [
                "cues: unknown key `extras` (known key: `extra`)",
                "cues: `3` is not a word or pattern",
                "exclude: bad pattern `drafts/[`: unclosed character class; missing ']'",
                "rules: unknown rule `unatributed-quote` (known rules: `unattributed-quote`, `unclosed-quote`, `mismatched-quote`)",
                "rules.unclosed-quote: `loud` is not a severity (use `error`, `warning`, `info`, `hint` or `off`)",
                "titles: expected a list, not \"Imam\"",
            ]
        );
        let e = Settings::from_json(&json!("warning")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "editor settings: settings should be an object, not \"warning\""
        );
    }

    fn finding(code: &'static str, severity: Severity) -> Finding {
        Finding {
            range: 0..1,
            severity,
            code,
            message: String::new(),
            quote: None,
        }
    }

    #[test]
    fn severity_mapping() {
        use Severity::*;
        // (setting, finding's code and severity, result)
        let cases: &[(&str, &'static str, Severity, Option<Severity>)] = &[
            ("", "unattributed-quote", Warning, Some(Warning)),
            (
                "unattributed-quote = \"error\"",
                "unattributed-quote",
                Warning,
                Some(Error),
            ),
            // A scare-quote hint is not raised…
            (
                "unattributed-quote = \"error\"",
                "unattributed-quote",
                Hint,
                Some(Hint),
            ),
            // …but an "off" rule drops it too.
            (
                "unattributed-quote = \"off\"",
                "unattributed-quote",
                Hint,
                None,
            ),
            (
                "unattributed-quote = \"info\"",
                "unattributed-quote",
                Warning,
                Some(Info),
            ),
            (
                "unattributed-quote = \"info\"",
                "unattributed-quote",
                Hint,
                Some(Hint),
            ),
            (
                "unclosed-quote = \"warning\"",
                "unclosed-quote",
                Error,
                Some(Warning),
            ),
            (
                "unclosed-quote = \"hint\"",
                "mismatched-quote",
                Warning,
                Some(Warning),
            ),
            (
                "mismatched-quote = \"off\"",
                "mismatched-quote",
                Warning,
                None,
            ),
        ];
        for &(setting, code, sev, want) in cases {
            let s = Settings::from_toml(&format!("[rules]\n{setting}\n"), ORIGIN).unwrap();
            assert_eq!(
                s.severity(&finding(code, sev)),
                want,
                "{setting} on {code} {sev:?}"
            );
        }
        let s = Settings::from_toml(
            "[rules]\nmismatched-quote = \"off\"\nunclosed-quote = \"info\"\n",
            ORIGIN,
        )
        .unwrap();
        let mut fs = vec![
            finding("mismatched-quote", Warning),
            finding("unclosed-quote", Error),
        ];
        s.apply(&mut fs);
        assert_eq!(fs, [finding("unclosed-quote", Info)]);
    }

    #[test]
    fn file_settings_over_editor_settings() {
        let file = Settings::from_toml(
            "[rules]\nunattributed-quote = \"off\"\n[cues]\nextra = [\"opined\"]\n",
            ORIGIN,
        )
        .unwrap();
        let editor = Settings::from_json(&serde_json::json!({
            "rules": {"unattributed-quote": "warning", "unclosed-quote": "hint"},
            "cues": ["mused", "opined"]
        }))
        .unwrap()
        .settings;
        let s = file.over(&editor);
        assert_eq!(s.rules.unattributed_quote, Some(Level::Off));
        assert_eq!(s.rules.unclosed_quote, Some(Level::Hint));
        assert_eq!(s.rules.mismatched_quote, None);
        assert_eq!(s.extra_cues, ["mused", "opined"]);
    }

    #[test]
    fn exclude_patterns_like_gitignore() {
        let base = Path::new("/news");
        let s = Settings {
            exclude: vec![
                "drafts/**".into(),
                "*.notes.md".into(),
                "/archive".into(),
                "tmp/".into(),
            ],
            ..Settings::default()
        };
        let ex = Exclude::new(base, &s).unwrap();
        let cases = [
            ("/news/drafts/a.md", true),
            ("/news/drafts/deep/b.md", true),
            ("/news/desk/drafts/c.md", false),
            ("/news/x.notes.md", true),
            ("/news/desk/y.notes.md", true),
            ("/news/archive/2019/old.md", true),
            ("/news/desk/archive/new.md", false),
            ("/news/tmp/t.txt", true),
            ("/news/desk/tmp/t.txt", true),
            ("/news/story.md", false),
            ("/elsewhere/drafts/a.md", false),
        ];
        for (path, want) in cases {
            assert_eq!(ex.matches(Path::new(path)), want, "{path}");
        }
    }

    #[test]
    fn finds_the_nearest_file() {
        let dir = tempfile::tempdir().unwrap();
        let outer = dir.path().join(FILE_NAME);
        let inner_dir = dir.path().join("a/b");
        std::fs::create_dir_all(&inner_dir).unwrap();
        std::fs::create_dir_all(dir.path().join("c/d")).unwrap();
        std::fs::write(&outer, "").unwrap();
        std::fs::write(dir.path().join("a").join(FILE_NAME), "").unwrap();
        assert_eq!(
            find_file(&inner_dir),
            Some(dir.path().join("a").join(FILE_NAME))
        );
        assert_eq!(find_file(&dir.path().join("c/d")), Some(outer));
    }

    #[test]
    fn load_reports_unreadable_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE_NAME);
        let e = Settings::load(&p).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("{}: cannot read: no such file or directory", p.display())
        );
        std::fs::write(&p, b"[cues]\nextra = [\"caf\xe9\"]\n").unwrap();
        let e = Settings::load(&p).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{}:2:14: not valid UTF-8: save the file as UTF-8",
                p.display()
            )
        );
    }
}
