//! Which files to read, and reading them as UTF-8 text.
//!
//! A path on the command line is read as it is, whatever its extension. A
//! directory is walked with the `ignore` crate (as ripgrep does): `.gitignore`
//! (also outside a git repository), `.ignore` and git's exclude files are
//! respected, hidden files and directories are skipped, symbolic links are
//! followed (a loop is reported), and only `.txt`, `.md` and `.markdown`
//! files are taken, in file-name order, minus those the `exclude` setting
//! of their `sayso.toml` names ([`collect_with`]). `-` reads standard input.
//!
//! Nothing here stops at a bad input: each problem becomes an
//! [`InputError`] in the list, in input order, and the run goes on.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Extensions (compared ASCII case-insensitively) taken when walking.
pub const EXTENSIONS: &[&str] = &["txt", "md", "markdown"];

/// One thing to analyse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file, by its path as given or as found under a given directory.
    File(PathBuf),
    /// Standard input (`-` on the command line).
    Stdin,
}

impl Source {
    /// The name shown in output: the path as given (lossy for a non-UTF-8
    /// file name), or `<stdin>`.
    pub fn display(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::Stdin => "<stdin>".to_string(),
        }
    }
}

/// A path that could not be used, with the reason, for stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The path as given or found.
    pub path: String,
    /// Why it could not be read, in lower case (`no such file or directory`).
    pub reason: String,
    /// `false` for a problem that loses no input (a malformed `.gitignore`
    /// line): reported as a warning, without exit status 2.
    pub fatal: bool,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

/// One entry of the input list, in the order given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// Something to read and analyse, with its size in bytes when known
    /// (used to keep batches of work small in memory).
    Source(Source, u64),
    /// A path that could not be used.
    Error(InputError),
}

/// The reason of an I/O error, lower-cased and without the `(os error N)`
/// suffix: `no such file or directory`, `permission denied`,
/// `too many levels of symbolic links`.
pub fn io_reason(e: &io::Error) -> String {
    let mut s = e.to_string();
    // walkdir (inside `ignore`) wraps errors as "IO error for operation on PATH: REASON".
    if s.starts_with("IO error for operation on ") {
        if let Some(i) = s.rfind(": ") {
            s = s[i + 2..].to_string();
        }
    }
    if let Some(i) = s.find(" (os error ") {
        s.truncate(i);
    }
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        // Lower-case "No such file" but not an acronym ("IO", "UTF-8").
        (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() => {
            a.to_lowercase().chain(s[a.len_utf8()..].chars()).collect()
        }
        _ => s,
    }
}

fn has_wanted_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|w| w.eq_ignore_ascii_case(e)))
}

/// Turn a walk error of the `ignore` crate into an [`InputError`].
fn walk_error(root: &Path, err: ignore::Error) -> InputError {
    fn inner(
        err: &ignore::Error,
        path: &mut Option<PathBuf>,
        line: &mut Option<u64>,
    ) -> (String, bool) {
        match err {
            ignore::Error::WithPath { path: p, err } => {
                path.get_or_insert_with(|| p.clone());
                inner(err, path, line)
            }
            ignore::Error::WithDepth { err, .. } => inner(err, path, line),
            ignore::Error::WithLineNumber { line: l, err } => {
                *line = Some(*l);
                let (r, _) = inner(err, path, line);
                (r, false)
            }
            ignore::Error::Loop { ancestor, child } => {
                path.get_or_insert_with(|| child.clone());
                (
                    format!("symbolic link loop (leads back to {})", ancestor.display()),
                    true,
                )
            }
            ignore::Error::Io(e) => (io_reason(e), true),
            ignore::Error::Glob { glob, err } => {
                let g = glob.as_deref().unwrap_or("?");
                (format!("bad ignore pattern `{g}`: {err}"), false)
            }
            ignore::Error::Partial(errs) => {
                let parts: Vec<String> = errs.iter().map(|e| inner(e, path, line).0).collect();
                (parts.join("; "), false)
            }
            other => (other.to_string(), true),
        }
    }
    let (mut path, mut line) = (None, None);
    let (mut reason, mut fatal) = inner(&err, &mut path, &mut line);
    let path = path.unwrap_or_else(|| root.to_path_buf());
    let broken_link = err
        .io_error()
        .is_some_and(|e| e.kind() == io::ErrorKind::NotFound)
        && fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
    if broken_link {
        reason = "broken symbolic link (its target does not exist)".to_string();
        // Only an article is lost when the link has an article's name.
        fatal = has_wanted_extension(&path);
    }
    let mut path = path.display().to_string();
    if let Some(l) = line {
        path = format!("{path}:{l}");
    }
    InputError {
        path,
        reason,
        fatal,
    }
}

/// Expand the command-line paths into the ordered list of inputs.
///
/// Files given directly are taken whatever their extension; directories are
/// walked (see the module doc). Problems become [`Item::Error`] entries in
/// place; nothing is read yet.
pub fn collect(paths: &[PathBuf]) -> Vec<Item> {
    collect_with(paths, &|_| false)
}

/// [`collect`], leaving out the files met while walking a directory for
/// which `excluded` is true (the `exclude` setting). Files given directly
/// are always taken.
pub fn collect_with(paths: &[PathBuf], excluded: &dyn Fn(&Path) -> bool) -> Vec<Item> {
    let mut items = Vec::new();
    let mut stdin_taken = false;
    for path in paths {
        if path.as_os_str() == "-" {
            // Standard input can be read once: a second `-` would be an
            // empty "file".
            items.push(if stdin_taken {
                Item::Error(InputError {
                    path: "-".to_string(),
                    reason: "standard input is read once; this `-` is left out".to_string(),
                    fatal: false,
                })
            } else {
                Item::Source(Source::Stdin, 0)
            });
            stdin_taken = true;
            continue;
        }
        let meta = match fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                let reason = match fs::symlink_metadata(path) {
                    Ok(l) if l.file_type().is_symlink() && e.kind() == io::ErrorKind::NotFound => {
                        "broken symbolic link (its target does not exist)".to_string()
                    }
                    _ => io_reason(&e),
                };
                items.push(Item::Error(InputError {
                    path: path.display().to_string(),
                    reason,
                    fatal: true,
                }));
                continue;
            }
        };
        if !meta.is_dir() {
            items.push(Item::Source(Source::File(path.clone()), meta.len()));
            continue;
        }
        let walk = ignore::WalkBuilder::new(path)
            .standard_filters(true)
            .require_git(false)
            .follow_links(true)
            .sort_by_file_name(|a, b| a.cmp(b))
            .build();
        for entry in walk {
            match entry {
                Ok(entry) => {
                    if entry.depth() == 0 {
                        continue;
                    }
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    if is_file && has_wanted_extension(entry.path()) && !excluded(entry.path()) {
                        let len = entry.metadata().map(|m| m.len()).unwrap_or(0);
                        items.push(Item::Source(Source::File(entry.into_path()), len));
                    }
                }
                Err(err) => items.push(Item::Error(walk_error(path, err))),
            }
        }
    }
    items
}

/// Why a file's bytes are not UTF-8 text, or `None` when they are.
fn not_text_reason(bytes: &[u8]) -> Option<String> {
    binary_reason(bytes).or_else(|| not_utf8_reason(bytes))
}

/// Why bytes are binary or UTF-16 (a NUL byte, a UTF-16 byte order mark),
/// or `None`; true of a file as soon as it is true of its first bytes.
fn binary_reason(bytes: &[u8]) -> Option<String> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Some(
            "UTF-16 text; Sayso reads UTF-8 (convert it, e.g. `iconv -f UTF-16 -t UTF-8`)"
                .to_string(),
        );
    }
    if let Some(at) = memchr::memchr(0, bytes) {
        return Some(format!(
            "binary file (NUL byte at byte offset {at}), not text"
        ));
    }
    None
}

/// Why bytes are not valid UTF-8 (where the first bad byte is), or `None`.
fn not_utf8_reason(bytes: &[u8]) -> Option<String> {
    if let Err(e) = std::str::from_utf8(bytes) {
        let at = e.valid_up_to();
        let valid = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
        let line = valid.matches('\n').count() + 1;
        let col = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        return Some(format!(
            "not valid UTF-8 (byte 0x{:02X} at line {line}, column {col}, byte offset {at}); \
             save the file as UTF-8 (e.g. `iconv -f WINDOWS-1252 -t UTF-8`)",
            bytes[at]
        ));
    }
    None
}

/// Bytes read at a time by [`read_all`].
const READ_BLOCK: u64 = 256 * 1024;

/// Read all of `r` into memory (once), block by block, stopping at the first
/// sign that it is not text (a NUL byte, a UTF-16 byte order mark): then
/// `Ok(Err(reason))`. So `/dev/zero`, a device or a multi-gigabyte video
/// named `.txt` is refused after its first block instead of being read
/// whole (or forever). `capacity`: the expected size, for the first
/// allocation.
fn read_all(r: &mut dyn Read, capacity: u64) -> io::Result<Result<Vec<u8>, String>> {
    let mut buf = Vec::with_capacity(capacity.min(1 << 30) as usize);
    loop {
        let start = buf.len();
        let n = r.take(READ_BLOCK).read_to_end(&mut buf)?;
        if n == 0 {
            return Ok(Ok(buf));
        }
        let first = start < 2;
        if first || memchr::memchr(0, &buf[start..]).is_some() {
            if let Some(reason) = binary_reason(&buf) {
                return Ok(Err(reason));
            }
        }
    }
}

/// Read one input as UTF-8 text, holding it in memory once.
///
/// Errors (with the reason for stderr): the file cannot be opened or read,
/// is binary (a NUL byte), is UTF-16, or is not valid UTF-8. An empty file
/// is fine (empty text). Binary input is recognised without reading all of
/// it (see [`read_all`]).
pub fn read(source: &Source) -> Result<String, InputError> {
    let fail = |reason: String| InputError {
        path: source.display(),
        reason,
        fatal: true,
    };
    let read = match source {
        Source::File(p) => fs::File::open(p).and_then(|mut f| {
            let size = f.metadata().map(|m| m.len()).unwrap_or(0);
            read_all(&mut f, size)
        }),
        Source::Stdin => read_all(&mut io::stdin().lock(), 0),
    };
    let bytes = match read {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(reason)) => return Err(fail(reason)),
        Err(e) => return Err(fail(io_reason(&e))),
    };
    if let Some(reason) = not_text_reason(&bytes) {
        return Err(fail(reason));
    }
    // Checked just above: no copy, no second validation failure.
    String::from_utf8(bytes).map_err(|e| fail(format!("not valid UTF-8 ({e})")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_reasons_read_like_sentences() {
        let e = io::Error::from_raw_os_error(2);
        assert_eq!(io_reason(&e), "no such file or directory");
        let e = io::Error::from_raw_os_error(13);
        assert_eq!(io_reason(&e), "permission denied");
        let e = io::Error::other("IO error for operation on d/x.md: No such file or directory");
        assert_eq!(io_reason(&e), "no such file or directory");
        assert_eq!(
            io_reason(&io::Error::other("UTF-8 trouble")),
            "UTF-8 trouble"
        );
    }

    #[test]
    fn text_checks() {
        assert_eq!(not_text_reason("“Hi,” she said.".as_bytes()), None);
        assert_eq!(not_text_reason(b""), None);
        assert!(not_text_reason(b"ab\0cd")
            .unwrap()
            .starts_with("binary file (NUL byte at byte offset 2)"));
        assert!(not_text_reason(b"\xFF\xFEh\0i\0")
            .unwrap()
            .starts_with("UTF-16 text"));
        let r = not_text_reason(b"one\ncaf\xE9 two").unwrap();
        assert!(
            r.starts_with("not valid UTF-8 (byte 0xE9 at line 2, column 4, byte offset 7)"),
            "{r}"
        );
    }

    #[test]
    fn reading_stops_at_the_first_block_that_is_not_text() {
        // An endless stream of NULs (like /dev/zero): refused, not read whole.
        let mut zeros = io::repeat(0);
        let r = read_all(&mut zeros, 0).unwrap().unwrap_err();
        assert_eq!(r, "binary file (NUL byte at byte offset 0), not text");
        // Text, then NULs after two blocks: the offset is the first NUL's.
        let text = vec![b'a'; 2 * READ_BLOCK as usize + 5];
        let mut input = io::Read::chain(&text[..], io::repeat(0));
        let r = read_all(&mut input, 0).unwrap().unwrap_err();
        assert_eq!(
            r,
            format!(
                "binary file (NUL byte at byte offset {}), not text",
                text.len()
            )
        );
        // An endless UTF-16 stream.
        let mut utf16 = io::Read::chain(&[0xFF, 0xFE][..], io::repeat(b'a'));
        assert!(read_all(&mut utf16, 0)
            .unwrap()
            .unwrap_err()
            .starts_with("UTF-16 text"));
        // Text is read whole, across blocks.
        let long = "é“x” ".repeat(100_000);
        let got = read_all(&mut long.as_bytes(), 0).unwrap().unwrap();
        assert_eq!(got, long.as_bytes());
        assert_eq!(read_all(&mut &b""[..], 0).unwrap().unwrap(), b"");
    }

    #[test]
    fn extensions() {
        assert!(has_wanted_extension(Path::new("a/b.md")));
        assert!(has_wanted_extension(Path::new("B.TXT")));
        assert!(has_wanted_extension(Path::new("x.markdown")));
        assert!(!has_wanted_extension(Path::new("x.rs")));
        assert!(!has_wanted_extension(Path::new("md")));
    }
}
