//! End-to-end tests of `sayso lsp`: the real binary over stdio, JSON-RPC.
//!
//! Expectations on the seed article come from the issue (#3) and from
//! reading the article, not from the core's output.

mod common;

use common::{find, lsp_position, lsp_range, Client, SEED};
use serde_json::{json, Value};

const URI: &str = "file:///tmp/seed.txt";

fn seed() -> String {
    std::fs::read_to_string(SEED).expect("seed article")
}

fn open_seed(utf8: bool) -> (Client, String) {
    let mut c = Client::process("info");
    let init = c.initialize(if utf8 { &["utf-8", "utf-16"] } else { &["utf-16"] });
    assert_eq!(init["capabilities"]["positionEncoding"], if utf8 { "utf-8" } else { "utf-16" });
    let text = seed();
    c.open(URI, 1, &text);
    (c, text)
}

/// Each quotation of the seed article (a unique snippet from just after its
/// opening mark) and who said it, as a reader of the article understands it.
/// "Russian government" and "Kremlin" are the same speaker in this article;
/// either name is accepted for the readout's quotations.
const SPEAKERS: &[(&str, &[&str])] = &[
    ("non-interference.”", &["Kremlin"]),
    ("once again congratulated", &["Russian government", "Kremlin"]),
    ("wished him success", &["Russian government", "Kremlin"]),
    ("During the conversation", &["Kremlin"]),
    ("They emphasized", &["Kremlin"]),
    ("Both leaders noted", &["Kremlin"]),
    ("both spoke of the need", &["Kremlin"]),
    ("we end up fighting Russia", &["Donald Trump"]),
    ("It was agreed", &["Kremlin"]),
    ("The West made a major mistake", &["John Bolton"]),
    ("Today, we may be", &["John Bolton"]),
    ("America should assert", &["John Bolton"]),
];

/// The heading line of a hover: the speaker's name in bold.
fn heading(markdown: &str) -> &str {
    markdown.lines().next().unwrap_or_default()
}

#[test]
fn seed_article_hover_on_every_quotation_names_its_speaker() {
    let (mut c, text) = open_seed(false);
    let diagnostics = c.diagnostics(URI, 1);
    let unattributed: Vec<&Value> = diagnostics.iter().filter(|d| d["code"] == "unattributed-quote").collect();
    assert!(unattributed.is_empty(), "unexpected unattributed warnings: {unattributed:#?}");
    for d in &diagnostics {
        assert_eq!(d["source"], "sayso");
    }

    // Every opening curly mark in the body is one of the listed quotations.
    let openings: Vec<usize> = text.match_indices('“').map(|(i, _)| i).collect();
    assert_eq!(openings.len(), SPEAKERS.len());
    for (&(snippet, names), &open) in SPEAKERS.iter().zip(&openings) {
        assert_eq!(find(&text, snippet, 0).start, open + '“'.len_utf8(), "table order: {snippet}");
        // On the opening and on the closing mark (inside the content a
        // name, like `America`, would answer for itself).
        let close = open + text[open..].find('”').expect("closing mark");
        for offset in [open, close] {
            let (line, col) = lsp_position(&text, offset, false);
            let hover = c.hover(URI, line, col).unwrap_or_else(|| panic!("no hover on “{snippet}"));
            let head = heading(&hover);
            assert!(names.iter().any(|n| head.contains(n)), "“{snippet}: expected one of {names:?}, got:\n{hover}");
            assert!(!hover.contains("Unattributed"), "{hover}");
        }
    }

    // The headline's single-quoted words: the headline says the Kremlin
    // says them; a scare-quote reading is also defensible, but never an
    // unattributed warning (checked above).
    for word in ["'Active'", "'Non-Interference,'"] {
        let (line, col) = lsp_position(&text, find(&text, word, 0).start + 1, false);
        let hover = c.hover(URI, line, col).unwrap_or_else(|| panic!("no hover on {word}"));
        assert!(heading(&hover).contains("Kremlin") || hover.contains("Scare quote"), "{word}:\n{hover}");
    }
    c.shutdown_and_exit();
    assert_eq!(c.wait_exit().code(), Some(0));
}

/// Where go-to-definition must land for each starting point, per the issue.
fn definition_cases(text: &str) -> Vec<(&'static str, usize, std::ops::Range<usize>)> {
    let bolton = {
        let r = find(text, "former UN Ambassador John Bolton", 0);
        r.end - "John Bolton".len()..r.end
    };
    let putin = find(text, "Vladimir Putin", 0);
    let trump = find(text, "Donald Trump", 0);
    vec![
        ("`Bolton` in `Bolton wrote`", find(text, "Bolton wrote", 0).start + 2, bolton.clone()),
        ("`wrote` in `Bolton wrote`", find(text, "Bolton wrote", 0).start + "Bolton w".len(), bolton.clone()),
        // On a word of the quotation that is not itself a name.
        ("a Bolton quotation", find(text, "The West made", 0).start + "The West ma".len(), bolton.clone()),
        ("the opening mark of the last Bolton quotation", find(text, "America should", 0).start - '“'.len_utf8(), bolton.clone()),
        ("`Mr. Putin`", find(text, "Mr. Putin", 0).start + "Mr. P".len(), putin.clone()),
        ("`Trump said`", find(text, "Trump said", 0).start + 1, trump.clone()),
        ("the introduction itself", putin.start + 2, putin),
    ]
}

#[test]
fn seed_article_definition_lands_on_the_introduction() {
    for utf8 in [false, true] {
        let (mut c, text) = open_seed(utf8);
        c.diagnostics(URI, 1);
        for (what, offset, target) in definition_cases(&text) {
            let (line, col) = lsp_position(&text, offset, utf8);
            let got = c.at("definition", URI, line, col);
            let expected = json!({"uri": URI, "range": lsp_range(&text, target, utf8)});
            assert_eq!(got, expected, "definition from {what} (utf8: {utf8})");
        }
        c.shutdown_and_exit();
    }
}

#[test]
fn seed_article_declaration_references_symbols_and_inlay_hints() {
    let (mut c, text) = open_seed(false);
    c.diagnostics(URI, 1);

    // Declaration of a Bolton quotation: `Bolton` and `wrote` after it.
    let (line, col) = lsp_position(&text, find(&text, "The West", 0).start, false);
    let got = c.at("declaration", URI, line, col);
    let bolton_wrote = find(&text, "Bolton wrote", 0);
    let expected = json!([
        {"uri": URI, "range": lsp_range(&text, bolton_wrote.start..bolton_wrote.start + 6, false)},
        {"uri": URI, "range": lsp_range(&text, bolton_wrote.end - 5..bolton_wrote.end, false)},
    ]);
    assert_eq!(got, expected);

    // References of Bolton include his three quotations and `Bolton wrote`.
    let (line, col) = lsp_position(&text, bolton_wrote.start, false);
    let refs = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": col}, "context": {"includeDeclaration": true}}),
    );
    let refs = refs.as_array().expect("references");
    for snippet in ["The West made", "Today, we may", "America should"] {
        let start = lsp_position(&text, find(&text, snippet, 0).start - '“'.len_utf8(), false);
        assert!(
            refs.iter().any(|r| r["range"]["start"] == json!({"line": start.0, "character": start.1})),
            "no reference at “{snippet}: {refs:#?}"
        );
    }
    let intro = text.find("John Bolton").unwrap();
    let intro_range = lsp_range(&text, intro..intro + "John Bolton".len(), false);
    assert!(refs.iter().any(|r| r["range"] == intro_range));

    // Outline: Bolton with his three quotations as children.
    let symbols = c.request("textDocument/documentSymbol", json!({"textDocument": {"uri": URI}}));
    let symbols = symbols.as_array().expect("symbols");
    let bolton = symbols.iter().find(|s| s["name"] == "John Bolton").expect("John Bolton symbol");
    assert_eq!(bolton["selectionRange"], intro_range);
    let children = bolton["children"].as_array().unwrap();
    assert_eq!(children.len(), 3, "{children:#?}");
    assert!(children[0]["name"].as_str().unwrap().starts_with("“The West made a major mistake"));
    // Only speakers: Putin is mentioned but never quoted; Ukraine neither.
    let names: Vec<&str> = symbols.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"Donald Trump"), "{names:?}");
    assert!(names.iter().any(|n| n.contains("Kremlin")), "{names:?}");
    assert!(!names.contains(&"Vladimir Putin") && !names.contains(&"Ukraine"), "{names:?}");

    // Inlay hints: `— John Bolton` after the two continuations, none after
    // the quotation followed by `Bolton wrote`.
    let end = lsp_position(&text, text.len(), false);
    let hints = c.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": end.0, "character": end.1}}}),
    );
    let hints = hints.as_array().expect("hints");
    let bolton_hints: Vec<&Value> = hints.iter().filter(|h| h["label"] == "— John Bolton").collect();
    let after = |snippet: &str| {
        let start = find(&text, snippet, 0).start;
        let close = start + text[start..].find('”').unwrap() + '”'.len_utf8();
        let (l, c) = lsp_position(&text, close, false);
        json!({"line": l, "character": c})
    };
    let positions: Vec<&Value> = bolton_hints.iter().map(|h| &h["position"]).collect();
    assert_eq!(positions, vec![&after("Today, we may"), &after("America should")]);
    c.shutdown_and_exit();
}

#[test]
fn misbehaving_client_gets_errors_or_log_lines_and_the_server_keeps_serving() {
    let mut c = Client::process("warn");
    // A request before `initialize`: ServerNotInitialized.
    let id = c.send_request("textDocument/hover", json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}}));
    assert_eq!(c.response(id)["error"]["code"], -32002);
    c.initialize(&["utf-16"]);
    let text = "“We erred,” Bolton said.\n";
    c.open(URI, 1, text);
    c.diagnostics(URI, 1);

    // A malformed JSON body: a parse error with a null id.
    c.send_raw(&common::frame(b"{\"jsonrpc\": \"2.0\", \"id\": 99, \"method\": "));
    let err = c.wait_for("parse error", |v| v.get("error").is_some() && v["id"].is_null());
    assert_eq!(err["error"]["code"], -32700);
    // Valid JSON that is not a JSON-RPC message: an error too.
    c.send_raw(&common::frame(b"[1, 2, 3]"));
    let err = c.wait_for("invalid request", |v| v.get("error").is_some() && v["id"].is_null());
    assert!(err["error"]["code"] == -32600 || err["error"]["code"] == -32700, "{err}");

    // Unknown request: MethodNotFound. Unknown notification: ignored.
    let id = c.send_request("sayso/doesNotExist", json!({}));
    assert_eq!(c.response(id)["error"]["code"], -32601);
    c.notify("sayso/unknownNotification", json!({"x": 1}));
    // Cancelling finished work: nothing happens.
    c.notify("$/cancelRequest", json!({"id": id}));

    // A change for a document never opened: a log line.
    c.change("file:///never-opened.txt", 2, json!([{"text": "x"}]));
    c.wait_stderr("never-opened.txt");
    assert!(c.stderr().contains("not open"), "{}", c.stderr());
    // Requests on it: InvalidParams.
    let id = c.send_request("textDocument/hover", json!({"textDocument": {"uri": "file:///never-opened.txt"}, "position": {"line": 0, "character": 0}}));
    assert_eq!(c.response(id)["error"]["code"], -32602);

    // A version going backwards: dropped with a log line; text unchanged.
    c.change(URI, 0, json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}}, "text": ""}]));
    c.wait_stderr("not newer");
    // Same version again: dropped too.
    c.change(URI, 1, json!([{"text": "replaced"}]));

    // Hover far past the end: a null result, not an error.
    assert_eq!(c.at("hover", URI, 1000, 1000), Value::Null);
    assert_eq!(c.at("hover", URI, 0, 100_000), Value::Null);

    // Out-of-bounds and reversed ranges are clamped / swapped (logged), and
    // the text is what a careful reading of them gives.
    c.change(
        URI,
        5,
        json!([
            {"range": {"start": {"line": 40, "character": 0}, "end": {"line": 50, "character": 9}}, "text": "“It was wrong,” he added.\n"},
            {"range": {"start": {"line": 0, "character": 9}, "end": {"line": 0, "character": 3}}, "text": "r"},
        ]),
    );
    c.wait_stderr("clamped");
    let expected = "“Wer,” Bolton said.\n“It was wrong,” he added.\n";
    c.open("file:///fresh.txt", 1, expected);
    let d5 = c.diagnostics(URI, 5);
    let fresh = c.diagnostics("file:///fresh.txt", 1);
    assert_eq!(d5, fresh);
    let symbols = |c: &mut Client, uri: &str| {
        let s = c.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
        serde_json::to_string(&s).unwrap()
    };
    assert_eq!(symbols(&mut c, URI), symbols(&mut c, "file:///fresh.txt"));
    for (line, col) in [(0, 0), (0, 2), (0, 8), (1, 0), (1, 3), (1, 17)] {
        let a = c.at("hover", URI, line, col);
        let b = c.at("hover", "file:///fresh.txt", line, col);
        assert_eq!(a, b, "hover at {line}:{col}");
    }
    let (l, col) = lsp_position(expected, expected.find("Bolton").unwrap(), false);
    let h = c.hover(URI, l, col).expect("hover on Bolton after the edits");
    assert!(h.contains("Bolton"), "{h}");

    // Close clears diagnostics; closing again is logged.
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": URI}}));
    let cleared = c.wait_for("cleared diagnostics", |v| {
        v["method"] == "textDocument/publishDiagnostics" && v["params"]["uri"] == URI && v["params"]["diagnostics"] == json!([])
    });
    assert!(cleared["params"].get("version").is_none_or(|v| v.is_null()));
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": URI}}));
    c.wait_stderr("didClose for a document that is not open");

    // Still serving.
    assert!(c.request("textDocument/documentSymbol", json!({"textDocument": {"uri": "file:///fresh.txt"}})).is_array());
    c.shutdown_and_exit();
    assert_eq!(c.wait_exit().code(), Some(0));
    // stdout carried only LSP: the reader parsed every frame, and the
    // logs went to stderr.
    assert!(c.stderr().contains("WARN"));
}

/// The next answer (a message without a method), in arrival order.
fn next_answer(c: &mut Client) -> Value {
    c.wait_for("an answer", |v| v.get("method").is_none())
}

#[test]
fn malformed_bodies_in_one_write_each_get_their_own_error_in_turn() {
    // QA: the second of two bad bodies in one write was answered with the
    // framework's generic -32600 "Invalid request" (a second pending request
    // with `"id": null`) instead of its own -32700.
    let mut c = Client::process("warn");
    c.initialize(&["utf-16"]);
    let symbols = |id: i64| {
        common::frame(json!({"jsonrpc": "2.0", "id": id, "method": "workspace/symbol", "params": {"query": ""}}).to_string().as_bytes())
    };
    let mut write = symbols(50);
    write.extend(common::frame(b"{not json"));
    write.extend(common::frame(b"{also not json"));
    write.extend(common::frame(b"[1, 2, 3]"));
    write.extend(common::frame(b"{not json either"));
    write.extend(symbols(51));
    c.send_raw(&write);

    assert_eq!(next_answer(&mut c)["id"], 50);
    let mut codes = Vec::new();
    for _ in 0..4 {
        let err = next_answer(&mut c);
        assert!(err.get("id").is_some_and(Value::is_null), "{err}");
        assert!(err.get("result").is_none(), "{err}");
        let message = err["error"]["message"].as_str().unwrap().to_string();
        codes.push((err["error"]["code"].as_i64().unwrap(), message));
    }
    for (i, (code, message)) in codes.iter().enumerate() {
        let (want, start) = if i == 2 { (-32600, "Invalid Request: not a JSON-RPC") } else { (-32700, "Parse error: ") };
        assert_eq!(*code, want, "bad body #{i}: {message}");
        assert!(message.starts_with(start), "bad body #{i}: {message}");
    }
    assert_eq!(next_answer(&mut c)["id"], 51);
    // Each one logged.
    let log = c.wait_stderr("malformed message");
    assert_eq!(log.matches("malformed message from the client").count(), 4, "{log}");
    c.shutdown_and_exit();
    assert_eq!(c.wait_exit().code(), Some(0));
}

#[test]
fn shutdown_and_exit_in_one_write_answer_shutdown_and_exit_0() {
    // QA: a client that does not wait for the shutdown answer before `exit`
    // got -32800 Canceled for `shutdown` and exit status 1.
    for _ in 0..3 {
        let mut c = Client::process("warn");
        c.initialize(&["utf-16"]);
        let mut write = common::frame(br#"{"jsonrpc":"2.0","id":7,"method":"shutdown"}"#);
        write.extend(common::frame(br#"{"jsonrpc":"2.0","method":"exit"}"#));
        c.send_raw(&write);
        let answer = c.response(7);
        assert_eq!(answer, json!({"jsonrpc": "2.0", "id": 7, "result": null}));
        assert_eq!(c.wait_exit().code(), Some(0), "{}", c.stderr());
    }
}

#[test]
fn requests_after_shutdown_are_refused_and_exit_code_follows_the_spec() {
    // shutdown, then exit: 0.
    let mut c = Client::process("warn");
    c.initialize(&["utf-16"]);
    c.request("shutdown", Value::Null);
    let id = c.send_request("textDocument/hover", json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}}));
    assert_eq!(c.response(id)["error"]["code"], -32600);
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit().code(), Some(0));

    // exit without shutdown: 1.
    let mut c = Client::process("warn");
    c.initialize(&["utf-16"]);
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit().code(), Some(1));

    // stdin closed without shutdown: the server exits, with 1.
    let mut c = Client::process("warn");
    c.initialize(&["utf-16"]);
    c.open(URI, 1, &seed());
    c.diagnostics(URI, 1);
    c.close_input();
    assert_eq!(c.wait_exit().code(), Some(1));

    // stdin closed after shutdown: 0.
    let mut c = Client::process("warn");
    c.initialize(&["utf-16"]);
    c.request("shutdown", Value::Null);
    c.close_input();
    assert_eq!(c.wait_exit().code(), Some(0));
}

#[test]
fn a_burst_of_changes_and_hovers_is_answered_correctly() {
    let mut c = Client::process("warn");
    c.initialize(&["utf-16"]);
    let base = "“We erred,” Bolton said.\n\n";
    c.open(URI, 1, base);
    // 300 changes (each appends one char at the end), 200 hovers in between,
    // none waited for.
    let mut text = base.to_string();
    let mut hover_ids = Vec::new();
    let alphabet = ['a', '“', '😀', '\u{a0}', '”', ' ', '\n'];
    for i in 0..300 {
        let ch = alphabet[i % alphabet.len()];
        let (l, col) = lsp_position(&text, text.len(), false);
        let pos = json!({"line": l, "character": col});
        c.change(URI, 2 + i as i32, json!([{"range": {"start": pos, "end": pos}, "text": ch.to_string()}]));
        text.push(ch);
        if i % 3 != 2 {
            hover_ids.push(c.send_request("textDocument/hover", json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 2}})));
        }
    }
    assert_eq!(hover_ids.len(), 200);
    for id in hover_ids {
        let r = c.response(id);
        assert!(r.get("error").is_none(), "{r}");
        let value = r["result"]["contents"]["value"].as_str().unwrap_or_default();
        assert!(value.contains("Bolton"), "hover {id}: {r}");
    }
    let last = c.diagnostics(URI, 301);
    c.open("file:///fresh.txt", 1, &text);
    assert_eq!(last, c.diagnostics("file:///fresh.txt", 1));
    c.shutdown_and_exit();
    assert_eq!(c.wait_exit().code(), Some(0));
}
