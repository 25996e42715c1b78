//! Settings in the language server: `sayso.toml` at the workspace root and
//! the editor's settings, merged and cached.
//!
//! - The file is read at `initialize`, and again when the client reports it
//!   changed (`workspace/didChangeWatchedFiles`, or `didSave` of the file
//!   open in the editor). Never on an edit of an article.
//! - The editor's settings come from `initializationOptions` and
//!   `workspace/didChangeConfiguration` (bare or under `"sayso"`; see
//!   [`Settings::from_json`]). When a client sends no settings there, the
//!   server asks once with `workspace/configuration` (section `sayso`).
//! - The file wins over the editor for each rule it sets; word lists are
//!   merged ([`Settings::over`]).
//! - Bad settings never stop the server: it keeps the last good ones and
//!   says why (see [`super::backend`]).

use std::path::{Path, PathBuf};

use serde_json::Value;
use tower_lsp_server::ls_types::Uri;

use crate::settings::{EditorSettings, Settings, SettingsError, FILE_NAME};

/// What reloading the settings file found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileLoad {
    /// No workspace root, or no `sayso.toml` in it: the file's settings are
    /// the defaults.
    Missing,
    /// Read and parsed.
    Good,
    /// Unusable; the last good file settings stay in force.
    Bad(SettingsError),
}

/// The server's settings state.
#[derive(Debug, Default)]
pub struct Config {
    root: Option<PathBuf>,
    /// Last good settings of `sayso.toml`.
    file: Settings,
    /// Last good editor settings.
    editor: Settings,
    /// Whether the editor sent any settings yet.
    editor_seen: bool,
}

impl Config {
    /// Settings for a workspace rooted at `root` (none for a single file
    /// opened without a workspace).
    pub fn new(root: Option<PathBuf>) -> Config {
        Config {
            root,
            ..Config::default()
        }
    }

    /// The workspace root of an `initialize` request: the first workspace
    /// folder, else the (deprecated) `rootUri`, when it is a `file:` URI.
    pub fn root_of(folders: Option<&[Uri]>, root_uri: Option<&Uri>) -> Option<PathBuf> {
        folders
            .and_then(|f| f.first())
            .or(root_uri)
            .filter(|u| u.scheme().as_str().eq_ignore_ascii_case("file"))
            .and_then(|u| u.to_file_path().map(|p| p.into_owned()))
    }

    /// The settings file's path, when there is a workspace root.
    pub fn file_path(&self) -> Option<PathBuf> {
        self.root.as_ref().map(|r| r.join(FILE_NAME))
    }

    /// Whether `uri` names the settings file.
    pub fn is_settings_file(&self, uri: &Uri) -> bool {
        match (self.file_path(), uri.to_file_path()) {
            (Some(p), Some(u)) => same_path(&p, &u),
            _ => false,
        }
    }

    /// Read `sayso.toml` again. On an error the last good settings stay.
    pub fn reload_file(&mut self) -> FileLoad {
        let Some(path) = self.file_path() else {
            return FileLoad::Missing;
        };
        if !path.exists() {
            self.file = Settings::default();
            return FileLoad::Missing;
        }
        match Settings::load(&path) {
            Ok(s) => {
                self.file = s;
                FileLoad::Good
            }
            Err(e) => FileLoad::Bad(e),
        }
    }

    /// Take the editor's settings (JSON): what is usable replaces the
    /// previous editor settings; returns what was left out (one line each).
    ///
    /// # Errors
    /// Not an object ([`Settings::from_json`]): the last good editor
    /// settings stay.
    pub fn set_editor(&mut self, value: &Value) -> Result<EditorSettings, SettingsError> {
        let e = Settings::from_json(value)?;
        self.editor = e.settings.clone();
        self.editor_seen = true;
        Ok(e)
    }

    /// Whether the editor has sent settings (so they need not be asked for).
    pub fn has_editor_settings(&self) -> bool {
        self.editor_seen
    }

    /// The settings in force: the file's over the editor's.
    pub fn effective(&self) -> Settings {
        self.file.over(&self.editor)
    }
}

/// Whether two paths name the same file (compared after resolving links
/// when both exist, else as written).
fn same_path(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// Whether a JSON value carries no settings (`null`, `{}`, or `{"sayso":
/// null}`): some clients send that and expect the server to ask.
pub fn is_empty_settings(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => {
            m.is_empty() || (m.len() == 1 && m.get("sayso").is_some_and(Value::is_null))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Level;
    use serde_json::json;

    #[test]
    fn file_over_editor_and_last_good_kept() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let mut c = Config::new(Some(root.clone()));
        assert_eq!(c.reload_file(), FileLoad::Missing);
        c.set_editor(&json!({"sayso": {"rules": {"unattributed-quote": "hint", "unclosed-quote": "warning"}}}))
            .unwrap();
        std::fs::write(
            root.join(FILE_NAME),
            "[rules]\nunattributed-quote = \"off\"\n",
        )
        .unwrap();
        assert_eq!(c.reload_file(), FileLoad::Good);
        let s = c.effective();
        assert_eq!(s.rules.unattributed_quote, Some(Level::Off));
        assert_eq!(s.rules.unclosed_quote, Some(Level::Warning));

        // A bad file: an error naming the key, the last good file kept.
        std::fs::write(root.join(FILE_NAME), "[rules]\nunattributed = \"off\"\n").unwrap();
        match c.reload_file() {
            FileLoad::Bad(e) => assert_eq!(e.key.as_deref(), Some("unattributed")),
            other => panic!("{other:?}"),
        }
        assert_eq!(c.effective().rules.unattributed_quote, Some(Level::Off));

        // Editor settings that are not an object: the last good ones stay.
        assert!(c.set_editor(&json!(["warning"])).is_err());
        assert_eq!(c.effective().rules.unclosed_quote, Some(Level::Warning));
        // A bad entry is left out, the rest applies.
        let e = c
            .set_editor(&json!({"rules": {"unclosed-quote": "loud", "unattributed-quote": "hint"}}))
            .unwrap();
        assert_eq!(e.problems.len(), 1);
        assert_eq!(c.effective().rules.unclosed_quote, None);

        // The file removed: its settings go.
        std::fs::remove_file(root.join(FILE_NAME)).unwrap();
        assert_eq!(c.reload_file(), FileLoad::Missing);
        assert_eq!(c.effective().rules.unattributed_quote, Some(Level::Hint));
    }

    #[test]
    fn roots_and_settings_file_uris() {
        let a: Uri = "file:///work/news".parse().unwrap();
        let b: Uri = "file:///work/other".parse().unwrap();
        let web: Uri = "https://x.org/news".parse().unwrap();
        assert_eq!(
            Config::root_of(Some(&[a.clone(), b]), None),
            Some(PathBuf::from("/work/news"))
        );
        assert_eq!(
            Config::root_of(None, Some(&a)),
            Some(PathBuf::from("/work/news"))
        );
        assert_eq!(
            Config::root_of(Some(&[]), Some(&a)),
            Some(PathBuf::from("/work/news"))
        );
        assert_eq!(Config::root_of(None, Some(&web)), None);
        let c = Config::new(Some(PathBuf::from("/work/news")));
        assert!(c.is_settings_file(&"file:///work/news/sayso.toml".parse().unwrap()));
        assert!(!c.is_settings_file(&"file:///work/news/desk/sayso.toml".parse().unwrap()));
        assert!(!Config::new(None).is_settings_file(&"file:///sayso.toml".parse().unwrap()));
    }

    #[test]
    fn empty_settings() {
        assert!(is_empty_settings(&json!(null)));
        assert!(is_empty_settings(&json!({})));
        assert!(is_empty_settings(&json!({"sayso": null})));
        assert!(!is_empty_settings(&json!({"sayso": {}})));
        assert!(!is_empty_settings(&json!({"rules": {}})));
    }
}
