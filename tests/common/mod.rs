//! A small synchronous LSP client for the end-to-end tests: JSON-RPC over
//! the real `sayso lsp` process's stdio, or over an in-memory duplex pipe
//! to [`sayso::server::serve`] running on a tokio runtime.
//!
//! A reader thread parses every message the server sends into a channel;
//! the client keeps notifications it has not been asked for yet, so tests
//! can send many messages without waiting and collect answers afterwards.

#![allow(dead_code)] // Each test file uses a different part.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub mod resident;

/// How long any single wait may take before the test fails (not a speed
/// assertion: only a guard against hanging forever).
pub const PATIENCE: Duration = Duration::from_secs(60);

/// Path of the seed article.
pub const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/seeds/000_4183c379b24c5a5d.txt"
);

/// A message the server sent, or the end of its output.
enum Incoming {
    Message(Value),
    Closed,
}

/// Read one `Content-Length`-framed message.
fn read_message(r: &mut impl BufRead) -> std::io::Result<Option<Value>> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            length = v.trim().parse::<usize>().ok();
        }
    }
    let length = length.ok_or_else(|| std::io::Error::other("missing Content-Length"))?;
    let mut body = vec![0; length];
    r.read_exact(&mut body)?;
    serde_json::from_slice(&body)
        .map(Some)
        .map_err(std::io::Error::other)
}

/// Frame a JSON value as an LSP message.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// The LSP client.
pub struct Client {
    writer: Box<dyn Write + Send>,
    incoming: Receiver<Incoming>,
    /// Messages received but not consumed yet.
    backlog: VecDeque<Value>,
    next_id: i64,
    child: Option<Child>,
    stderr: Arc<Mutex<String>>,
    closed: bool,
}

fn spawn_reader(reader: impl Read + Send + 'static) -> Receiver<Incoming> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut r = BufReader::new(reader);
        loop {
            match read_message(&mut r) {
                Ok(Some(v)) => {
                    if tx.send(Incoming::Message(v)).is_err() {
                        return;
                    }
                }
                Ok(None) | Err(_) => {
                    let _ = tx.send(Incoming::Closed);
                    return;
                }
            }
        }
    });
    rx
}

impl Client {
    /// Start the real binary (`sayso lsp`), logging at `log_level`.
    pub fn process(log_level: &str) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sayso"))
            .args(["lsp", "--log-level", log_level])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start sayso lsp");
        let stdout = child.stdout.take().unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut stderr_pipe = child.stderr.take().unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr_pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Client {
            writer: Box::new(stdin),
            incoming: spawn_reader(stdout),
            backlog: VecDeque::new(),
            next_id: 1,
            child: Some(child),
            stderr,
            closed: false,
        }
    }

    /// Start a server in this process over an in-memory duplex pipe.
    pub fn in_memory() -> Client {
        let rt = runtime();
        let (client_end, server_end) = tokio::io::duplex(1 << 16);
        let (server_read, server_write) = tokio::io::split(server_end);
        rt.spawn(async move {
            sayso::server::serve(server_read, server_write).await;
        });
        let (client_read, client_write) = tokio::io::split(client_end);
        let handle = rt.handle().clone();
        Client {
            writer: Box::new(SyncIo(handle.clone(), client_write)),
            incoming: spawn_reader(SyncIo(handle, client_read)),
            backlog: VecDeque::new(),
            next_id: 1,
            child: None,
            stderr: Arc::new(Mutex::new(String::new())),
            closed: false,
        }
    }

    /// Write raw bytes to the server.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write to server");
        self.writer.flush().expect("flush to server");
    }

    fn send(&mut self, v: &Value) {
        let body = serde_json::to_vec(v).unwrap();
        self.send_raw(&frame(&body));
    }

    /// Send a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Send a request without waiting; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    fn recv(&mut self, deadline: Instant) -> Option<Value> {
        if self.closed {
            return None;
        }
        match self
            .incoming
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            Ok(Incoming::Message(v)) => Some(v),
            Ok(Incoming::Closed) | Err(RecvTimeoutError::Disconnected) => {
                self.closed = true;
                None
            }
            Err(RecvTimeoutError::Timeout) => panic!(
                "server did not answer within {PATIENCE:?}; stderr:\n{}",
                self.stderr()
            ),
        }
    }

    /// Wait for the first message matching `pred` (keeping the others).
    pub fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(i).unwrap();
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            match self.recv(deadline) {
                Some(v) if pred(&v) => return v,
                Some(v) => self.backlog.push_back(v),
                None => panic!(
                    "server closed its output while waiting for {what}; stderr:\n{}",
                    self.stderr()
                ),
            }
        }
    }

    /// The whole response (result or error) to request `id`.
    pub fn response(&mut self, id: i64) -> Value {
        self.wait_for(&format!("response {id}"), |v| {
            v.get("id") == Some(&json!(id)) && v.get("method").is_none()
        })
    }

    /// Send a request and return its `result`, failing on an error.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        let r = self.response(id);
        assert!(r.get("error").is_none(), "{method} failed: {r}");
        r["result"].clone()
    }

    /// `initialize` (offering `encodings`, e.g. `["utf-16"]`) + `initialized`.
    /// Returns the `initialize` result.
    pub fn initialize(&mut self, encodings: &[&str]) -> Value {
        let result = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": null,
                "capabilities": {"general": {"positionEncodings": encodings}},
            }),
        );
        self.notify("initialized", json!({}));
        result
    }

    /// `textDocument/didOpen`.
    pub fn open(&mut self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "plaintext", "version": version, "text": text}}),
        );
    }

    /// `textDocument/didChange` with the given content changes.
    pub fn change(&mut self, uri: &str, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    /// The `publishDiagnostics` for `uri` at `version` (waiting for it).
    pub fn diagnostics(&mut self, uri: &str, version: i32) -> Vec<Value> {
        let v = self.wait_for(&format!("diagnostics of {uri} v{version}"), |v| {
            v["method"] == "textDocument/publishDiagnostics"
                && v["params"]["uri"] == uri
                && v["params"]["version"] == json!(version)
        });
        v["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// A `textDocument/<method>` request at a position.
    pub fn at(&mut self, method: &str, uri: &str, line: u32, character: u32) -> Value {
        self.request(
            &format!("textDocument/{method}"),
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        )
    }

    /// Hover markdown at a position (`None` for a null result).
    pub fn hover(&mut self, uri: &str, line: u32, character: u32) -> Option<String> {
        let r = self.at("hover", uri, line, character);
        r.get("contents")
            .map(|c| c["value"].as_str().unwrap_or_default().to_string())
    }

    /// `shutdown` then `exit`.
    pub fn shutdown_and_exit(&mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
    }

    /// Close our end of stdin (process) so the server sees end of input.
    pub fn close_input(&mut self) {
        self.writer = Box::new(std::io::sink());
        if let Some(child) = self.child.as_mut() {
            drop(child.stdin.take());
        }
    }

    /// Wait for the process to exit (panics after [`PATIENCE`]).
    pub fn wait_exit(&mut self) -> ExitStatus {
        let child = self.child.as_mut().expect("a process client");
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The server process's id (process clients only).
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("a process client").id()
    }

    /// What the process wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Wait until stderr contains `needle`.
    pub fn wait_stderr(&self, needle: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let s = self.stderr();
            if s.contains(needle) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "stderr never contained {needle:?}:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            if child.try_wait().ok().flatten().is_none() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

/// A runtime shared by in-memory servers of one test binary.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

/// Blocking `Read`/`Write` over an async half, for the reader thread and
/// the writer (never called from inside the runtime).
struct SyncIo<T>(tokio::runtime::Handle, T);

impl<T: tokio::io::AsyncRead + Unpin> Read for SyncIo<T> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use tokio::io::AsyncReadExt;
        let SyncIo(h, r) = self;
        h.block_on(r.read(buf))
    }
}

impl<T: tokio::io::AsyncWrite + Unpin> Write for SyncIo<T> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        use tokio::io::AsyncWriteExt;
        let SyncIo(h, w) = self;
        h.block_on(w.write(buf))
    }
    fn flush(&mut self) -> std::io::Result<()> {
        use tokio::io::AsyncWriteExt;
        let SyncIo(h, w) = self;
        h.block_on(w.flush())
    }
}

/// LSP position of byte `offset` in `text`, computed independently of the
/// server (lines end at `\n`, `\r\n` or `\r`; `utf8` picks the unit).
pub fn lsp_position(text: &str, offset: usize, utf8: bool) -> (u32, u32) {
    let before = &text[..offset];
    let mut line = 0u32;
    let mut line_start = 0usize;
    let bytes = before.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                line += 1;
                i += 2;
                line_start = i;
                continue;
            }
            b'\r' | b'\n' => {
                line += 1;
                line_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let col_text = &before[line_start..];
    let col = if utf8 {
        col_text.len()
    } else {
        col_text.encode_utf16().count()
    };
    (line, col as u32)
}

/// Byte range of the `n`th occurrence of `needle` in `text`, where a space
/// in `needle` also matches a no-break space (news copy is full of them).
pub fn find(text: &str, needle: &str, n: usize) -> std::ops::Range<usize> {
    let matches_at = |start: usize| -> Option<usize> {
        let mut t = text[start..].char_indices();
        for nc in needle.chars() {
            let (_, tc) = t.next()?;
            if !(tc == nc || (nc == ' ' && tc == '\u{a0}')) {
                return None;
            }
        }
        Some(t.next().map_or(text.len(), |(i, _)| start + i))
    };
    text.char_indices()
        .filter_map(|(i, _)| matches_at(i).map(|end| i..end))
        .nth(n)
        .unwrap_or_else(|| panic!("{needle:?} #{n} not in text"))
}

/// LSP range JSON of a byte range.
pub fn lsp_range(text: &str, range: std::ops::Range<usize>, utf8: bool) -> Value {
    let (sl, sc) = lsp_position(text, range.start, utf8);
    let (el, ec) = lsp_position(text, range.end, utf8);
    json!({"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}})
}
