//! Keeping one file's analysis failure from ending the whole run.
//!
//! The core must never panic on input; if it does anyway, [`catch`] turns
//! the panic into an error message (`panicked at FILE:LINE:COL: MESSAGE`,
//! one line, at most [`MAX_MESSAGE`] characters) for the file's
//! `sayso: PATH: internal error …` line on stderr. While [`catch`] runs, the
//! panic hook installed by [`install`] records the message instead of
//! printing it with a backtrace; panics elsewhere are printed as usual.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

/// Most characters of a panic message kept (the core's messages can quote
/// a whole paragraph).
pub const MAX_MESSAGE: usize = 160;

thread_local! {
    /// Inside [`catch`] on this thread.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    /// The message of the last panic caught on this thread.
    static CAUGHT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Install the panic hook that records panics inside [`catch`] (once per
/// process; the previous hook still prints every other panic).
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(Cell::get) {
                previous(info);
                return;
            }
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("a panic without a message");
            let text = match info.location() {
                Some(l) => format!(
                    "panicked at {}:{}:{}: {message}",
                    l.file(),
                    l.line(),
                    l.column()
                ),
                None => format!("panicked: {message}"),
            };
            CAUGHT.with(|c| *c.borrow_mut() = Some(one_line(&text)));
        }));
    });
}

/// `text` on one line (whitespace runs as one space), cut at
/// [`MAX_MESSAGE`] characters with `…`.
fn one_line(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= MAX_MESSAGE {
        return flat;
    }
    let mut cut: String = flat.chars().take(MAX_MESSAGE).collect();
    cut.push('…');
    cut
}

/// Run `f`; a panic becomes `Err` with its one-line message (the message is
/// recorded only when [`install`] ran; else it is printed by the default
/// hook and the error says so).
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let was = GUARDED.with(|g| g.replace(true));
    CAUGHT.with(|c| c.borrow_mut().take());
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(was));
    result.map_err(|_| {
        CAUGHT
            .with(|c| c.borrow_mut().take())
            .unwrap_or_else(|| "panicked".to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_one_short_line() {
        install();
        assert_eq!(catch(|| 41 + 1), Ok(42));
        let long = "x ".repeat(200);
        let err = catch(|| -> u8 { panic!("end byte index 12\nis not a char boundary {long}") })
            .unwrap_err();
        assert!(err.starts_with("panicked at src/cli/guard.rs:"), "{err}");
        assert!(
            err.contains(": end byte index 12 is not a char boundary x x"),
            "{err}"
        );
        assert!(!err.contains('\n'));
        assert_eq!(err.chars().count(), MAX_MESSAGE + 1);
        assert!(err.ends_with('…'));
        // Nested and later calls still work, and the guard is lifted.
        assert_eq!(
            catch(|| catch(|| -> () { panic!("inner") }).unwrap_err())
                .unwrap()
                .split(": ")
                .last(),
            Some("inner")
        );
        assert!(!GUARDED.with(Cell::get));
    }
}
