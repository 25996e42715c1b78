//! The connection: LSP frames in, JSON-RPC messages to the service, its
//! answers and the server's own requests out.
//!
//! [`serve_connection`] does what tower-lsp-server's `Server` does, with
//! the same concurrency (messages are read and handed to the service one at
//! a time, in order; up to [`MAX_CONCURRENCY`] handler futures run at once;
//! `exit` stops the reading), but with its own framing, and:
//!
//! - **Reading never stops for the handlers.** The framework stops reading
//!   when 100 handlers wait for a place; here the queue is unbounded, so
//!   the client's answer to a request of the server's is always read, even
//!   while a handler waits for it behind a burst of messages.
//!
//! - **Answers leave in request order.** The framework writes each answer
//!   as soon as its handler finishes (`buffer_unordered`), so a quick hover
//!   could overtake a slow one sent before it; LSP asks for responses "in
//!   roughly the same order as the requests", and an editor firing hovers
//!   while the writer types expects them in order. Here the handler futures
//!   still run concurrently (and `$/cancelRequest` still gets through), but
//!   their answers are taken in order (`buffered`).
//! - **Each frame has a buffer of its own**, decoded and freed before the
//!   next is read, and each outgoing message is written from a buffer of its
//!   own. The framework's `FramedRead`/`FramedWrite` keep one `BytesMut`
//!   each for the connection's life, grown to the largest message seen: a
//!   19 MB `didOpen` left 19 MB resident for good.
//! - **A malformed message does not end the connection.** `FramedRead`
//!   ends the stream after its first decoding error (tokio issue #3976), so
//!   one bad body would stop the server. Here:
//!   - a body that is a JSON-RPC request, notification or response is
//!     decoded with the framework's own `Request`/`Response` types (so it
//!     reads exactly what the framework would; a body that is both is taken
//!     as a response, as the framework does);
//!   - a body that is not JSON (`-32700` Parse error) or is JSON but not a
//!     JSON-RPC message (`-32600` Invalid Request) is logged and answered
//!     by the loop itself with that error and `"id": null` (JSON-RPC 2.0
//!     §5), in its turn with the other answers; the service never sees it
//!     (two such stand-in requests pending at once would share the id
//!     `null`, and the framework would refuse the second as a duplicate);
//!   - header garbage (no or bad `Content-Length`, stray text) is logged
//!     and skipped up to the next `Content-Length` header.
//!
//! Only `Content-Length` is read from the headers; `Content-Type` is ignored.

use std::fmt::Display;
use std::time::Duration;

use futures::channel::{mpsc, oneshot};
use futures::future::Either;
use futures::{future, stream, SinkExt, StreamExt, TryFutureExt};
use serde::Serialize;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Id, Request, Response};
use tower_lsp_server::ClientSocket;
use tower_service::Service;
use tracing::{debug, error, warn};

/// How many handler futures run at once (the framework's default).
pub const MAX_CONCURRENCY: usize = 4;


/// How long the handlers still running when `exit` arrives may take to
/// finish before they are dropped (a stuck handler does not keep the
/// server alive).
pub const EXIT_GRACE: Duration = Duration::from_secs(1);

/// Longest header line kept in full; longer garbage is skipped.
const MAX_HEADER_LINE: usize = 8 * 1024;

/// Largest body buffer allocated up front from the `Content-Length` (64
/// MiB); a longer body grows its buffer as it arrives, so a false length
/// cannot make the server allocate more than it receives.
const MAX_BODY_RESERVE: usize = 64 << 20;

/// Room kept in front of an outgoing body for its header:
/// `Content-Length: ` (16 bytes), up to 20 digits, `\r\n\r\n` (4).
const HEADER_ROOM: usize = 40;

/// A message from the client.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// A request or notification.
    Request(Request),
    /// A response to a request the server sent.
    Response(Response),
    /// A malformed message: the error response to send back (`"id": null`,
    /// code `-32700` Parse error or `-32600` Invalid Request).
    Malformed(Response),
}

/// A message to the client.
#[derive(Serialize)]
#[serde(untagged)]
enum Outgoing {
    Response(Response),
    Request(Request),
}

/// Serve the connection: read messages from `input`, hand requests and
/// notifications to `service` (in order; up to [`MAX_CONCURRENCY`] of its
/// futures run at once, their answers written in call order), responses to
/// `socket` (answers to the server's own requests), and write the service's
/// answers and the server's requests and notifications to `output`.
///
/// Ends when `input` ends, once every answer is written (or `output`
/// fails), or after `exit`: reading stops, the handlers already started
/// finish (for at most [`EXIT_GRACE`]; the rest are dropped) and their
/// answers are written, and only then is `exit` handed to the service, which
/// would cancel the running handlers (a `shutdown` sent in the same write
/// as `exit` would be answered `-32800` Canceled, and the process would exit
/// with 1 instead of 0).
pub async fn serve_connection<I, O, S>(
    input: I,
    mut output: O,
    mut service: S,
    socket: ClientSocket,
) where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
    S: Service<Request, Response = Option<Response>>,
    S::Error: Display,
{
    let (client_requests, mut client_responses) = socket.split();
    let (client_requests, client_abort) = stream::abortable(client_requests);
    let (mut responses_tx, responses_rx) = mpsc::channel::<Response>(0);
    // Unbounded: reading must never wait for a place among the handlers.
    // A handler may be waiting for the client's answer to one of the
    // server's own requests (`workspace/configuration` from `initialized`,
    // `client/registerCapability`); with answers taken in order, nothing
    // after it finishes until that answer is read, and a bounded queue (the
    // framework's holds 100) stopped the reading for good once an editor
    // had queued more messages than that before its answer (a writer
    // typing). The queued handlers are small (the parsed messages).
    let (tasks_tx, tasks_rx) = mpsc::unbounded();

    // Fires when `exit` is read.
    let (exiting_tx, exiting_rx) = oneshot::channel::<()>();

    let answers = tasks_rx
        .buffered(MAX_CONCURRENCY)
        .filter_map(future::ready)
        .map(Ok)
        .forward(responses_tx.clone());
    let run_tasks = async {
        let deadline = async {
            match exiting_rx.await {
                Ok(()) => tokio::time::sleep(EXIT_GRACE).await,
                Err(_) => future::pending().await,
            }
        };
        tokio::select! {
            _ = answers => {}
            () = deadline => warn!("exit: handlers still running after {EXIT_GRACE:?} dropped"),
        }
        // The server's own messages are written up to here, so that those
        // sent by the last handlers go out too.
        client_abort.abort();
    };

    let write_output = async {
        let mut outgoing = stream::select(
            responses_rx.map(Outgoing::Response),
            client_requests.map(Outgoing::Request),
        );
        while let Some(message) = outgoing.next().await {
            if let Err(e) = write_message(&mut output, &message).await {
                error!("writing to the client failed: {e}");
                break;
            }
        }
    };

    let read_input = async {
        let mut reader = BufReader::new(input);
        let mut exit = None;
        loop {
            let body = match read_frame(&mut reader).await {
                Ok(Some(body)) => body,
                Ok(None) => break,
                Err(e) => {
                    warn!("reading the client's input failed: {e}");
                    break;
                }
            };
            // The body's buffer is freed here, before the message is handled.
            match decode(body) {
                Incoming::Request(request) => {
                    if let Err(e) = future::poll_fn(|cx| service.poll_ready(cx)).await {
                        error!("the server cannot take messages any more: {e}");
                        break;
                    }
                    // The server must exit right after `exit` (some clients
                    // do not close its input), but hands it to the service
                    // only after the answers to the messages before it.
                    if request.method() == "exit" {
                        exit = Some(request);
                        let _ = exiting_tx.send(());
                        break;
                    }
                    let task = service.call(request).unwrap_or_else(|e| {
                        error!("{e}");
                        None
                    });
                    if tasks_tx.unbounded_send(Either::Left(task)).is_err() {
                        break;
                    }
                }
                Incoming::Response(response) => {
                    if let Err(e) = client_responses.send(response).await {
                        error!("{e}");
                        break;
                    }
                }
                // Answered in its turn, after the requests read before it.
                Incoming::Malformed(error) => {
                    let task = future::ready(Some(error));
                    if tasks_tx.unbounded_send(Either::Right(task)).is_err() {
                        break;
                    }
                }
            }
        }
        debug!("end of client input");
        tasks_tx.close_channel();
        responses_tx.disconnect();
        exit
    };

    let ((), (), exit) = tokio::join!(run_tasks, write_output, read_input);
    if let Some(exit) = exit {
        // A notification: no answer to write.
        let handled = match future::poll_fn(|cx| service.poll_ready(cx)).await {
            Ok(()) => service.call(exit).await.map(drop),
            Err(e) => Err(e),
        };
        if let Err(e) = handled {
            error!("exit: {e}");
        }
    }
}

/// Write one message, framed, from a buffer of its own, and flush.
async fn write_message<O: AsyncWrite + Unpin>(
    output: &mut O,
    message: &Outgoing,
) -> std::io::Result<()> {
    let mut buf = vec![0; HEADER_ROOM];
    serde_json::to_writer(&mut buf, message)?;
    let header = format!("Content-Length: {}\r\n\r\n", buf.len() - HEADER_ROOM);
    let start = HEADER_ROOM - header.len();
    buf[start..HEADER_ROOM].copy_from_slice(header.as_bytes());
    output.write_all(&buf[start..]).await?;
    output.flush().await
}

/// Decode one frame's body (see the module docs): a request, notification
/// or response, or for a malformed body (logged here) the error response
/// that answers it. Consumes the body, so its buffer is freed as soon as
/// the message is read from it.
pub fn decode(body: Vec<u8>) -> Incoming {
    let request = serde_json::from_slice::<Request>(&body);
    // The framework tries a response first; only a body with an id and a
    // `result` or `error` member can be both.
    let maybe_response = match &request {
        Ok(r) => {
            r.id().is_some()
                && (memchr::memmem::find(&body, b"\"result\"").is_some()
                    || memchr::memmem::find(&body, b"\"error\"").is_some())
        }
        Err(_) => true,
    };
    if maybe_response {
        if let Ok(response) = serde_json::from_slice::<Response>(&body) {
            return Incoming::Response(response);
        }
    }
    if let Ok(request) = request {
        return Incoming::Request(request);
    }
    let (code, message) = match serde_json::from_slice::<serde::de::IgnoredAny>(&body) {
        Err(e) => (-32700, format!("Parse error: {e}")),
        Ok(_) => (
            -32600,
            "Invalid Request: not a JSON-RPC 2.0 request, notification or response".to_string(),
        ),
    };
    warn!(
        code,
        "malformed message from the client ({} bytes): {message}",
        body.len()
    );
    Incoming::Malformed(Response::from_error(
        Id::Null,
        Error {
            code: ErrorCode::from(code),
            message: message.into(),
            data: None,
        },
    ))
}

/// Read one frame's body. `Ok(None)` at the end of input. Header garbage is
/// logged and skipped up to the next `Content-Length` header.
async fn read_frame<R: AsyncRead + Unpin>(
    r: &mut BufReader<R>,
) -> std::io::Result<Option<Vec<u8>>> {
    let mut length: Option<usize> = None;
    // Inside garbage: ignore everything up to a Content-Length header.
    let mut skipping = false;
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = (&mut *r)
            .take(MAX_HEADER_LINE as u64)
            .read_until(b'\n', &mut line)
            .await?;
        if n == 0 {
            if length.is_some() || skipping {
                warn!("client input ended inside a message header");
            }
            return Ok(None);
        }
        if n == MAX_HEADER_LINE && line.last() != Some(&b'\n') {
            if !skipping {
                warn!("skipping a header line longer than {MAX_HEADER_LINE} bytes");
            }
            skipping = true;
            length = None;
            continue;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            match length {
                Some(len) => return read_body(r, len).await,
                None => continue, // A blank line outside a header: harmless.
            }
        }
        // A Content-Length header, even after garbage on the same line (a
        // body longer than announced runs into the next header).
        if let Some(at) = text.to_ascii_lowercase().find("content-length:") {
            if at > 0 {
                warn!("skipping {at} bytes of garbage before a header");
            }
            let value = text[at + "content-length:".len()..].trim();
            match value.parse::<usize>() {
                Ok(len) => {
                    length = Some(len);
                    skipping = false;
                }
                Err(_) => {
                    warn!(
                        "invalid Content-Length {:?}; skipping to the next message",
                        truncate(value)
                    );
                    length = None;
                    skipping = true;
                }
            }
        } else if !skipping && is_header(text) {
            // Another header (Content-Type): ignored.
        } else if !skipping {
            warn!(
                "skipping unexpected text in the client's input: {:?}",
                truncate(text)
            );
            skipping = true;
            length = None;
        }
    }
}

/// `Name: value` with a token name.
fn is_header(text: &str) -> bool {
    text.split_once(':').is_some_and(|(name, _)| {
        !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    })
}

/// Read a body of `len` bytes into a buffer of exactly that size (up to
/// [`MAX_BODY_RESERVE`] allocated up front, more as it arrives).
async fn read_body<R: AsyncRead + Unpin>(
    r: &mut BufReader<R>,
    len: usize,
) -> std::io::Result<Option<Vec<u8>>> {
    let mut body = Vec::with_capacity(len.min(MAX_BODY_RESERVE));
    while body.len() < len {
        let want = len - body.len();
        if body.len() == body.capacity() {
            body.reserve_exact(want.min(MAX_BODY_RESERVE));
        }
        if (&mut *r).take(want as u64).read_buf(&mut body).await? == 0 {
            warn!(
                "client input ended inside a message body ({} of {len} bytes)",
                body.len()
            );
            return Ok(None);
        }
    }
    Ok(Some(body))
}

fn truncate(s: &str) -> String {
    s.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// Read and decode every message of `input`, as JSON values.
    async fn frames(input: &[u8]) -> Vec<Value> {
        let mut reader = BufReader::new(input);
        let mut out = Vec::new();
        while let Some(body) = read_frame(&mut reader).await.unwrap() {
            out.push(match decode(body) {
                Incoming::Request(r) => serde_json::to_value(r).unwrap(),
                Incoming::Response(r) | Incoming::Malformed(r) => serde_json::to_value(r).unwrap(),
            });
        }
        out
    }

    const PING: &str = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;

    fn ping() -> Value {
        serde_json::from_str(PING).unwrap()
    }

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[tokio::test]
    async fn valid_messages_pass_unchanged() {
        let input = format!(
            "{}Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n{}{}",
            framed(PING),
            framed(r#"{"jsonrpc":"2.0","id":3,"result":null}"#),
            framed(r#"{"jsonrpc":"2.0","id":"a","method":"shutdown"}"#)
        );
        let got = frames(input.as_bytes()).await;
        assert_eq!(
            got,
            vec![
                ping(),
                json!({"jsonrpc": "2.0", "id": 3, "result": null}),
                json!({"jsonrpc": "2.0", "id": "a", "method": "shutdown"}),
            ]
        );
    }

    #[tokio::test]
    async fn a_body_that_is_both_is_a_response_as_in_the_framework() {
        let both = r#"{"jsonrpc":"2.0","id":4,"method":"x","result":1}"#;
        let input = framed(both);
        let mut reader = BufReader::new(input.as_bytes());
        let body = read_frame(&mut reader).await.unwrap().unwrap();
        assert!(matches!(decode(body), Incoming::Response(r) if r.result() == Some(&json!(1))));
    }

    #[tokio::test]
    async fn bad_bodies_become_their_error_answers_and_reading_goes_on() {
        let input = format!(
            "{}{}{}{}{}",
            framed("{not json"),
            framed("[1, 2, 3]"),
            framed(r#"{"jsonrpc":"1.0","id":1,"method":"x"}"#),
            framed(""),
            framed(PING)
        );
        let got = frames(input.as_bytes()).await;
        assert_eq!(got.len(), 5);
        let codes: Vec<i64> = got[..4]
            .iter()
            .map(|v| {
                assert_eq!(v["jsonrpc"], "2.0");
                assert!(v.get("id").is_some_and(Value::is_null), "{v}");
                assert!(
                    v.get("result").is_none() && v.get("method").is_none(),
                    "{v}"
                );
                v["error"]["code"].as_i64().unwrap()
            })
            .collect();
        assert_eq!(codes, vec![-32700, -32600, -32600, -32700]);
        assert_eq!(
            got[0]["error"]["message"],
            "Parse error: key must be a string at line 1 column 2"
        );
        assert_eq!(got[4], ping());
    }

    #[tokio::test]
    async fn header_garbage_is_skipped() {
        let input = format!(
            "hello there\r\nContent-Length: banana\r\n\r\n{{}}\r\n\r\n{}xx{}",
            framed(PING),
            framed(PING)
        );
        assert_eq!(frames(input.as_bytes()).await, vec![ping(), ping()]);
    }

    #[tokio::test]
    async fn truncated_input_ends_cleanly() {
        assert!(frames(b"Content-Length: 100\r\n\r\n{\"jsonrpc\"")
            .await
            .is_empty());
        assert!(frames(b"Content-Length: 10").await.is_empty());
        assert!(frames(b"").await.is_empty());
        // A length far beyond the input: no allocation of that size, just
        // the end of input.
        assert!(frames(b"Content-Length: 99999999999999\r\n\r\n{}")
            .await
            .is_empty());
    }

    #[tokio::test]
    async fn a_long_body_arrives_whole() {
        // Much longer than the buffered reader's buffer: read in pieces.
        let text = "é".repeat(300_000);
        let body = json!({"jsonrpc": "2.0", "method": "x", "params": {"text": text}}).to_string();
        let input = format!("{}{}", framed(&body), framed(PING));
        let got = frames(input.as_bytes()).await;
        assert_eq!(got.len(), 2);
        assert_eq!(got[0]["params"]["text"].as_str(), Some(text.as_str()));
        assert_eq!(got[1], ping());
    }

    /// A server with one request, `test/hang`, that never finishes.
    struct Stuck;

    impl tower_lsp_server::LanguageServer for Stuck {
        async fn initialize(
            &self,
            _: tower_lsp_server::ls_types::InitializeParams,
        ) -> tower_lsp_server::jsonrpc::Result<tower_lsp_server::ls_types::InitializeResult>
        {
            Ok(Default::default())
        }
        async fn shutdown(&self) -> tower_lsp_server::jsonrpc::Result<()> {
            Ok(())
        }
    }

    impl Stuck {
        async fn hang(&self) -> tower_lsp_server::jsonrpc::Result<()> {
            future::pending().await
        }
    }

    #[tokio::test]
    async fn a_stuck_handler_does_not_keep_the_connection_open_after_exit() {
        let (service, socket) = tower_lsp_server::LspService::build(|_| Stuck)
            .custom_method("test/hang", Stuck::hang)
            .finish();
        let (client, server) = tokio::io::duplex(1 << 16);
        let (server_read, server_write) = tokio::io::split(server);
        let serving = tokio::spawn(serve_connection(server_read, server_write, service, socket));
        let (client_read, mut client_write) = tokio::io::split(client);
        let mut client_read = BufReader::new(client_read);
        let initialize =
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#;
        client_write
            .write_all(framed(initialize).as_bytes())
            .await
            .unwrap();
        let answer = read_frame(&mut client_read).await.unwrap().unwrap();
        assert!(matches!(decode(answer), Incoming::Response(r) if r.id() == &Id::Number(1)));
        let input = [
            r#"{"jsonrpc":"2.0","id":2,"method":"test/hang"}"#,
            r#"{"jsonrpc":"2.0","id":3,"method":"shutdown"}"#,
            r#"{"jsonrpc":"2.0","method":"exit"}"#,
        ]
        .map(framed)
        .concat();
        client_write.write_all(input.as_bytes()).await.unwrap();
        // The input stays open: only `exit` ends the connection. (The
        // timeout only turns a hang into a failure.)
        let mut output = Vec::new();
        tokio::time::timeout(Duration::from_secs(30), async {
            serving.await.unwrap();
            client_read.read_to_end(&mut output).await.unwrap();
        })
        .await
        .expect("the connection ended after exit");
        // The stuck answer and the one after it (answers leave in order)
        // were dropped.
        assert_eq!(frames(&output).await, Vec::<Value>::new());
        drop(client_write);
    }

    #[tokio::test]
    async fn outgoing_messages_are_framed_with_their_length() {
        let mut out = Vec::new();
        let response = Response::from_ok(Id::Number(7), json!({"text": "“é😀”"}));
        write_message(&mut out, &Outgoing::Response(response))
            .await
            .unwrap();
        let request = Request::build("window/logMessage")
            .params(json!({"m": 1}))
            .finish();
        write_message(&mut out, &Outgoing::Request(request))
            .await
            .unwrap();
        let got = frames(&out).await;
        assert_eq!(
            got,
            vec![
                json!({"jsonrpc": "2.0", "id": 7, "result": {"text": "“é😀”"}}),
                json!({"jsonrpc": "2.0", "method": "window/logMessage", "params": {"m": 1}}),
            ]
        );
        // The header is exactly `Content-Length: N\r\n\r\n`.
        let text = String::from_utf8(out).unwrap();
        let body_len =
            text[1..].find("Content-Length").unwrap() + 1 - text.find("\r\n\r\n").unwrap() - 4;
        assert!(
            text.starts_with(&format!("Content-Length: {body_len}\r\n\r\n{{")),
            "{text}"
        );
    }
}
