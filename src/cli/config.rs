//! Which settings each input is checked with.
//!
//! By default every file uses the nearest `sayso.toml` found by walking up
//! from its directory (standard input: from the current directory); with
//! `--config FILE` every input uses that file and nothing is looked up.
//! Each settings file is read once per run. A settings file that cannot be
//! used (unreadable, bad TOML, unknown key) is reported once; the files it
//! governs are still checked, with the built-in defaults, and the run ends
//! with exit status 2.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::inputs::Source;
use crate::settings::{self, Exclude, Settings, SettingsError};

/// One settings file as loaded (or the defaults).
#[derive(Debug)]
pub struct Loaded {
    /// The settings (the defaults when the file was bad or missing).
    pub settings: Arc<Settings>,
    /// Its `exclude` patterns, relative to its directory.
    exclude: Option<Exclude>,
}

impl Loaded {
    fn defaults() -> Arc<Loaded> {
        Arc::new(Loaded {
            settings: Arc::new(Settings::default()),
            exclude: None,
        })
    }
}

/// Settings lookup for one run, cached.
#[derive(Debug, Default)]
pub struct Config {
    /// `--config FILE`, loaded.
    fixed: Option<Arc<Loaded>>,
    /// Directory (absolute) → its nearest settings file, if any.
    dirs: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// Settings file → loaded.
    files: Mutex<HashMap<PathBuf, Arc<Loaded>>>,
    /// Settings files that could not be used, in the order met.
    errors: Mutex<Vec<SettingsError>>,
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

impl Config {
    /// Discover `sayso.toml` files per input.
    pub fn discover() -> Config {
        Config::default()
    }

    /// Use the settings file `path` for every input.
    ///
    /// # Errors
    /// The file cannot be read or parsed.
    pub fn fixed(path: &Path) -> Result<Config, SettingsError> {
        let settings = Settings::load(path)?;
        let base = absolute(path.parent().unwrap_or(Path::new(".")));
        let exclude = Exclude::new(&base, &settings).ok();
        Ok(Config {
            fixed: Some(Arc::new(Loaded {
                settings: Arc::new(settings),
                exclude,
            })),
            ..Config::default()
        })
    }

    /// The settings file that governs directory `dir`.
    fn settings_file(&self, dir: &Path) -> Option<PathBuf> {
        let dir = absolute(dir);
        if let Ok(dirs) = self.dirs.lock() {
            if let Some(found) = dirs.get(&dir) {
                return found.clone();
            }
        }
        let found = settings::find_file(&dir);
        if let Ok(mut dirs) = self.dirs.lock() {
            dirs.insert(dir, found.clone());
        }
        found
    }

    /// The loaded settings for files in directory `dir`.
    pub fn for_dir(&self, dir: &Path) -> Arc<Loaded> {
        if let Some(fixed) = &self.fixed {
            return fixed.clone();
        }
        let Some(file) = self.settings_file(dir) else {
            return Loaded::defaults();
        };
        if let Ok(files) = self.files.lock() {
            if let Some(l) = files.get(&file) {
                return l.clone();
            }
        }
        // Name the file relative to the current directory when under it.
        let shown = std::env::current_dir()
            .ok()
            .and_then(|cwd| file.strip_prefix(cwd).ok().map(Path::to_path_buf))
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| file.clone());
        let loaded = match Settings::load(&shown) {
            Ok(settings) => {
                let base = file.parent().map(Path::to_path_buf).unwrap_or_default();
                Arc::new(Loaded {
                    exclude: Exclude::new(&base, &settings).ok(),
                    settings: Arc::new(settings),
                })
            }
            Err(e) => {
                if let Ok(mut errors) = self.errors.lock() {
                    errors.push(e);
                }
                Loaded::defaults()
            }
        };
        if let Ok(mut files) = self.files.lock() {
            files.insert(file, loaded.clone());
        }
        loaded
    }

    /// The settings an input is checked with.
    pub fn for_source(&self, source: &Source) -> Arc<Settings> {
        let dir = match source {
            Source::File(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
            Source::Stdin => PathBuf::new(),
        };
        let dir = if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir
        };
        self.for_dir(&dir).settings.clone()
    }

    /// Whether a file met while walking a directory is excluded by the
    /// `exclude` patterns of its settings.
    pub fn excluded(&self, path: &Path) -> bool {
        let dir = path.parent().unwrap_or(Path::new("."));
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let loaded = self.for_dir(dir);
        loaded
            .exclude
            .as_ref()
            .is_some_and(|ex| ex.matches(&absolute(path)))
    }

    /// The settings files that could not be used so far (each once), and
    /// forget them.
    pub fn take_errors(&self) -> Vec<SettingsError> {
        self.errors
            .lock()
            .map(|mut e| std::mem::take(&mut *e))
            .unwrap_or_default()
    }
}
