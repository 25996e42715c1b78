//! Input framing that survives a misbehaving client.
//!
//! tower-lsp-server reads its input through `tokio_util`'s `FramedRead`,
//! which ends the stream after the first decoding error (tokio issue
//! #3976): one malformed JSON body would make the server stop reading and
//! exit. [`sanitize`] therefore reads the client's `Content-Length` frames
//! first and hands the framework only frames it can decode:
//!
//! - a body that is a JSON-RPC request, notification or response passes
//!   unchanged (checked with the framework's own `Request`/`Response`
//!   types, so the check matches its decoder exactly);
//! - a body that is not JSON (`-32700` Parse error) or is JSON but not a
//!   JSON-RPC message (`-32600` Invalid Request) is replaced by a request
//!   with `"id": null` to [`MALFORMED_METHOD`], which the server answers with
//!   that error and `"id": null`, as JSON-RPC 2.0 §5 asks;
//! - header garbage (no or bad `Content-Length`, stray text) is logged and
//!   skipped up to the next `Content-Length` header.
//!
//! Only `Content-Length` is read from the headers; `Content-Type` is ignored.

use serde::Deserialize;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream};
use tower_lsp_server::jsonrpc::{Request, Response};
use tracing::{debug, warn};

/// Method of the stand-in request for a malformed message.
pub const MALFORMED_METHOD: &str = "sayso/malformedMessage";

/// Parameters of the stand-in request for a malformed message.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Malformed {
    /// JSON-RPC error code to answer with (`-32700` or `-32600`).
    pub code: i64,
    /// What was wrong, for the error message.
    pub message: String,
}

/// Longest header line kept in full; longer garbage is skipped.
const MAX_HEADER_LINE: usize = 8 * 1024;

/// Read LSP frames from `input` and return a stream of frames the framework
/// can decode (see the module docs). Spawns one task on the current tokio
/// runtime; it ends at the end of `input`, which then ends the returned
/// stream.
pub fn sanitize<R>(input: R) -> DuplexStream
where
    R: AsyncRead + Unpin + Send + 'static,
{
    let (mut to_server, from_client) = tokio::io::duplex(64 * 1024);
    tokio::spawn(async move {
        let mut reader = BufReader::new(input);
        loop {
            let body = match read_frame(&mut reader).await {
                Ok(Some(body)) => body,
                Ok(None) => break,
                Err(e) => {
                    warn!("reading the client's input failed: {e}");
                    break;
                }
            };
            let body = check(body);
            let header = format!("Content-Length: {}\r\n\r\n", body.len());
            if to_server.write_all(header.as_bytes()).await.is_err()
                || to_server.write_all(&body).await.is_err()
            {
                break; // The server stopped reading (exit).
            }
        }
        debug!("end of client input");
        let _ = to_server.shutdown().await;
    });
    from_client
}

/// The body unchanged if the framework can decode it, else a stand-in
/// request that makes the server answer with the right error.
pub fn check(body: Vec<u8>) -> Vec<u8> {
    if serde_json::from_slice::<Request>(&body).is_ok()
        || serde_json::from_slice::<Response>(&body).is_ok()
    {
        return body;
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
    let stand_in = json!({
        "jsonrpc": "2.0",
        "id": null,
        "method": MALFORMED_METHOD,
        "params": Malformed { code, message },
    });
    serde_json::to_vec(&stand_in).unwrap_or_default()
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

/// Read a body of `len` bytes, without trusting `len` for the allocation.
async fn read_body<R: AsyncRead + Unpin>(
    r: &mut BufReader<R>,
    len: usize,
) -> std::io::Result<Option<Vec<u8>>> {
    let mut body = Vec::with_capacity(len.min(1 << 20));
    let got = (&mut *r).take(len as u64).read_to_end(&mut body).await?;
    if got < len {
        warn!("client input ended inside a message body ({got} of {len} bytes)");
        return Ok(None);
    }
    Ok(Some(body))
}

fn truncate(s: &str) -> String {
    s.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Run `input` through [`sanitize`] and return the bodies that come out.
    async fn frames(input: &'static [u8]) -> Vec<String> {
        let mut out = sanitize(input);
        let mut all = Vec::new();
        out.read_to_end(&mut all).await.unwrap();
        let mut bodies = Vec::new();
        let mut rest = &all[..];
        while !rest.is_empty() {
            let text = std::str::from_utf8(rest).unwrap();
            let header_end = text.find("\r\n\r\n").unwrap();
            let len: usize = text["Content-Length: ".len()..header_end].parse().unwrap();
            let start = header_end + 4;
            bodies.push(text[start..start + len].to_string());
            rest = &rest[start + len..];
        }
        bodies
    }

    const PING: &str = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[tokio::test]
    async fn valid_messages_pass_unchanged() {
        let input = format!(
            "{}Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n{}",
            framed(PING),
            framed(r#"{"jsonrpc":"2.0","id":3,"result":null}"#)
        );
        let input: &'static [u8] = Box::leak(input.into_bytes().into_boxed_slice());
        assert_eq!(
            frames(input).await,
            vec![
                PING.to_string(),
                r#"{"jsonrpc":"2.0","id":3,"result":null}"#.to_string()
            ]
        );
    }

    #[tokio::test]
    async fn bad_bodies_become_error_requests_and_reading_goes_on() {
        let input = format!(
            "{}{}{}{}",
            framed("{not json"),
            framed("[1, 2, 3]"),
            framed(r#"{"jsonrpc":"1.0","id":1,"method":"x"}"#),
            framed(PING)
        );
        let input: &'static [u8] = Box::leak(input.into_bytes().into_boxed_slice());
        let got = frames(input).await;
        assert_eq!(got.len(), 4);
        let codes: Vec<i64> = got[..3]
            .iter()
            .map(|b| {
                let v: serde_json::Value = serde_json::from_str(b).unwrap();
                assert_eq!(v["method"], MALFORMED_METHOD);
                assert!(v["id"].is_null());
                v["params"]["code"].as_i64().unwrap()
            })
            .collect();
        assert_eq!(codes, vec![-32700, -32600, -32600]);
        assert_eq!(got[3], PING);
    }

    #[tokio::test]
    async fn header_garbage_is_skipped() {
        let input = format!(
            "hello there\r\nContent-Length: banana\r\n\r\n{{}}\r\n\r\n{}xx{}",
            framed(PING),
            framed(PING)
        );
        let input: &'static [u8] = Box::leak(input.into_bytes().into_boxed_slice());
        assert_eq!(
            frames(input).await,
            vec![PING.to_string(), PING.to_string()]
        );
    }

    #[tokio::test]
    async fn truncated_input_ends_cleanly() {
        assert!(frames(b"Content-Length: 100\r\n\r\n{\"jsonrpc\"")
            .await
            .is_empty());
        assert!(frames(b"Content-Length: 10").await.is_empty());
        assert!(frames(b"").await.is_empty());
    }
}
