//! End-to-end tests of the writer workflow in `sayso lsp`: Markdown
//! documents, settings (`sayso.toml`, `initializationOptions`,
//! `didChangeConfiguration`, `workspace/configuration`), and code actions
//! applied as a client would.
//!
//! Articles are written for the tests, with fictional names.

mod common;

use std::path::Path;

use common::{frame, lsp_range, Client};
use serde_json::{json, Value};
use tempfile::TempDir;

/// `initialize` with a workspace root, options and client capabilities,
/// then `initialized`. Answers nothing the server asks (see
/// [`answer_server_requests`]).
fn start(c: &mut Client, root: Option<&Path>, options: Value, capabilities: Value) -> Value {
    let root_uri = root.map(|r| format!("file://{}", r.display()));
    let result = c.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": root_uri,
            "initializationOptions": options,
            "capabilities": capabilities,
        }),
    );
    c.notify("initialized", json!({}));
    result
}

fn open(c: &mut Client, uri: &str, language: &str, version: i32, text: &str) {
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": language, "version": version, "text": text}}),
    );
}

/// `(code, severity, text under the range)` of each diagnostic.
fn summary(text: &str, diags: &[Value]) -> Vec<(String, u64, String)> {
    diags
        .iter()
        .map(|d| {
            let r = &d["range"];
            let s = offset(text, &r["start"]);
            let e = offset(text, &r["end"]);
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["severity"].as_u64().unwrap_or(0),
                text[s..e].to_string(),
            )
        })
        .collect()
}

/// Byte offset of an LSP position (UTF-16 columns, `\n` line ends).
fn offset(text: &str, pos: &Value) -> usize {
    let line = pos["line"].as_u64().unwrap() as usize;
    let character = pos["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, ch) in text[start..].char_indices() {
        if units >= character || ch == '\n' {
            return start + i;
        }
        units += ch.len_utf16();
    }
    text.len()
}

/// Apply the text edits of a code action to `text` (edits of one
/// document, `changes` or `documentChanges` form).
fn apply_action(text: &str, action: &Value) -> String {
    let edit = &action["edit"];
    let edits: Vec<Value> = if let Some(changes) = edit["changes"].as_object() {
        changes.values().next().unwrap().as_array().unwrap().clone()
    } else {
        edit["documentChanges"][0]["edits"]
            .as_array()
            .unwrap()
            .clone()
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"]),
                offset(text, &e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (s, e, t) in spans {
        out.replace_range(s..e, &t);
    }
    out
}

fn code_actions(c: &mut Client, uri: &str, text: &str, at: &str, diags: &[Value]) -> Vec<Value> {
    let s = text.find(at).unwrap();
    let result = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": lsp_range(text, s..s, false),
            "context": {"diagnostics": diags},
        }),
    );
    result.as_array().cloned().unwrap_or_default()
}

fn titles(actions: &[Value]) -> Vec<String> {
    actions
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_string())
        .collect()
}

const MD: &str = "---\n\
title: \"Ferry: 'maybe'\"\n\
---\n\
# Harbour reopens\n\
\n\
> “The pier will reopen in May,” said Dana Pell, the harbour chief.\n\
\n\
Run `say \"hello\"` to test.\n\
\n\
<!-- sayso off -->\n\
“An old line nobody said.”\n\
<!-- sayso on -->\n\
\n\
“A new line nobody said.”\n";

#[test]
fn markdown_documents_analyse_prose_only_and_silence_off_regions() {
    let mut c = Client::in_memory();
    start(&mut c, None, Value::Null, json!({}));
    let uri = "file:///news/story.md";
    open(&mut c, uri, "markdown", 1, MD);
    let diags = c.diagnostics(uri, 1);
    assert_eq!(
        summary(MD, &diags),
        [(
            "unattributed-quote".to_string(),
            2,
            "“A new line nobody said.”".to_string()
        )]
    );
    // A quotation in the silenced region still has a hover.
    let (line, ch) = common::lsp_position(MD, MD.find("An old").unwrap(), false);
    let hover = c.hover(uri, line, ch).expect("hover in a silenced region");
    assert!(hover.contains("No reporting cue"), "{hover}");
    assert!(
        hover.contains("silenced here (`<!-- sayso off -->`)"),
        "{hover}"
    );
    // The blockquote's quotation is attributed.
    let (line, ch) = common::lsp_position(MD, MD.find("The pier").unwrap(), false);
    let hover = c.hover(uri, line, ch).unwrap();
    assert!(hover.contains("Dana Pell"), "{hover}");

    // An edit that closes the off region's scope: delete `<!-- sayso on -->`
    // and the new line is silenced too; an edit adding code adds nothing.
    let on = MD.find("<!-- sayso on -->").unwrap();
    c.change(
        uri,
        2,
        json!([{"range": lsp_range(MD, on..on + "<!-- sayso on -->".len(), false), "text": ""}]),
    );
    assert_eq!(c.diagnostics(uri, 2), Vec::<Value>::new());
    // The same text as plain text reports the front matter, code and both
    // loose lines.
    let plain = "file:///news/story.txt";
    open(&mut c, plain, "plaintext", 1, MD);
    let n = c.diagnostics(plain, 1).len();
    assert!(n >= 3, "{n}");
}

#[test]
fn markdown_by_uri_and_edits_keep_offsets_exact() {
    let mut c = Client::in_memory();
    start(&mut c, None, Value::Null, json!({}));
    // No languageId markdown, but a .md URI.
    let uri = "file:///news/b.md";
    let text = "Intro with `code`.\n\n“A line nobody said.”\n";
    open(&mut c, uri, "plaintext", 1, text);
    assert_eq!(
        summary(text, &c.diagnostics(uri, 1))[0].2,
        "“A line nobody said.”"
    );
    // Insert an emoji and a code span before the quotation.
    let at = text.find("Intro").unwrap();
    c.change(
        uri,
        2,
        json!([{"range": lsp_range(text, at..at, false), "text": "😀 `x` "}]),
    );
    let text2 = format!("😀 `x` {text}");
    let d = c.diagnostics(uri, 2);
    assert_eq!(summary(&text2, &d)[0].2, "“A line nobody said.”");
}

#[test]
fn settings_file_severities_and_bad_file_reporting() {
    let dir = TempDir::new().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("sayso.toml"),
        "[rules]\nunattributed-quote = \"error\"\n[cues]\nextra = [\"harrumphed\"]\n",
    )
    .unwrap();
    let mut c = Client::in_memory();
    start(
        &mut c,
        Some(root),
        Value::Null,
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
    );
    // The server asks the editor to watch sayso.toml.
    let reg = c.wait_for("registerCapability", |v| {
        v["method"] == "client/registerCapability"
    });
    let r = &reg["params"]["registrations"][0];
    assert_eq!(r["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(
        r["registerOptions"],
        json!({"watchers": [{"globPattern": "**/sayso.toml"}]})
    );
    let reply = json!({"jsonrpc": "2.0", "id": reg["id"], "result": null});
    c.send_raw(&frame(&serde_json::to_vec(&reply).unwrap()));
    let uri = format!("file://{}/a.txt", root.display());
    let text = "“The ferry is late again,” Dana Pell harrumphed.\n\n“A line nobody said.”\n";
    open(&mut c, &uri, "plaintext", 1, text);
    let d = c.diagnostics(&uri, 1);
    // The extra cue attributes the first quotation; the second, a
    // quote-only paragraph, carries that speaker on: nothing to report.
    assert_eq!(summary(text, &d), Vec::<(String, u64, String)>::new());
    let text_b = "The harbour reopened.\n\n“A line nobody said at all.”\n";
    let uri_b = format!("file://{}/b.txt", root.display());
    open(&mut c, &uri_b, "plaintext", 1, text_b);
    assert_eq!(
        summary(text_b, &c.diagnostics(&uri_b, 1)),
        [(
            "unattributed-quote".to_string(),
            1,
            "“A line nobody said at all.”".to_string()
        )]
    );

    // A bad edit of the file: a message, a diagnostic on sayso.toml naming
    // the key, and the last good settings stay.
    std::fs::write(root.join("sayso.toml"), "[rules]\nunattributed = \"off\"\n").unwrap();
    let toml_uri = format!("file://{}/sayso.toml", root.display());
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": toml_uri, "type": 2}]}),
    );
    let msg = c.wait_for("showMessage", |v| v["method"] == "window/showMessage");
    let m = msg["params"]["message"].as_str().unwrap();
    assert!(
        m.contains("sayso.toml:2:1: unknown key `unattributed` in [rules]"),
        "{m}"
    );
    assert!(m.contains("last good"), "{m}");
    let pd = c.wait_for("sayso.toml diagnostics", |v| {
        v["method"] == "textDocument/publishDiagnostics" && v["params"]["uri"] == toml_uri
    });
    let diag = &pd["params"]["diagnostics"][0];
    assert_eq!(diag["range"]["start"], json!({"line": 1, "character": 0}));
    assert_eq!(diag["range"]["end"], json!({"line": 1, "character": 12}));
    assert!(diag["message"]
        .as_str()
        .unwrap()
        .starts_with("unknown key `unattributed`"));
    // Still an error in b.txt: the last good settings.
    c.change(&uri_b, 2, json!([{"text": text_b}]));
    assert_eq!(summary(text_b, &c.diagnostics(&uri_b, 2))[0].1, 1);

    // Fixed: the file's diagnostic is cleared, the new severity applies.
    std::fs::write(
        root.join("sayso.toml"),
        "[rules]\nunattributed-quote = \"hint\"\n",
    )
    .unwrap();
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": toml_uri}}),
    );
    let pd = c.wait_for("sayso.toml cleared", |v| {
        v["method"] == "textDocument/publishDiagnostics" && v["params"]["uri"] == toml_uri
    });
    assert_eq!(pd["params"]["diagnostics"], json!([]));
    let d = c.wait_for("b.txt republished", |v| {
        v["method"] == "textDocument/publishDiagnostics"
            && v["params"]["uri"] == uri_b
            && v["params"]["diagnostics"][0]["severity"] == 4
    });
    assert_eq!(d["params"]["version"], 2);
}

#[test]
fn a_bad_settings_file_at_start_is_reported_and_the_server_serves() {
    let dir = TempDir::new().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("sayso.toml"),
        "exclude = [\"x\"]\n[titles]\nextras = []\n",
    )
    .unwrap();
    let mut c = Client::process("warn");
    start(&mut c, Some(root), Value::Null, json!({}));
    let msg = c.wait_for("showMessage", |v| v["method"] == "window/showMessage");
    let m = msg["params"]["message"].as_str().unwrap();
    assert!(m.contains("unknown key `extras` in [titles]"), "{m}");
    let uri = format!("file://{}/a.txt", root.display());
    let text = "The harbour reopened.\n\n“A line nobody said at all.”\n";
    open(&mut c, &uri, "plaintext", 1, text);
    assert_eq!(
        summary(text, &c.diagnostics(&uri, 1))[0].1,
        2,
        "defaults: a warning"
    );
    assert!(
        c.stderr().contains("unknown key `extras`"),
        "{}",
        c.stderr()
    );
}

#[test]
fn editor_settings_initialization_options_and_did_change_configuration() {
    let mut c = Client::in_memory();
    start(
        &mut c,
        None,
        json!({"rules": {"unattributed-quote": "hint", "unclosed-quote": "warning"}}),
        json!({}),
    );
    let uri = "file:///news/a.txt";
    let text = "The harbour reopened.\n\n“A line nobody said at all.”\n\nShe said: “Open\n";
    open(&mut c, uri, "plaintext", 1, text);
    let d = summary(text, &c.diagnostics(uri, 1));
    let sev: Vec<u64> = d.iter().map(|d| d.1).collect();
    assert_eq!(sev, [4, 2], "{d:?}");

    // Nested under "sayso", as VS Code sends it.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"sayso": {"rules": {"unattributed-quote": "off"}}}}),
    );
    let d = c.wait_for("republished", |v| {
        v["method"] == "textDocument/publishDiagnostics" && v["params"]["uri"] == uri
    });
    let codes: Vec<&str> = d["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["unclosed-quote"]);
    assert_eq!(
        d["params"]["diagnostics"][0]["severity"], 1,
        "the default again"
    );

    // A bad value: a message; that entry is left out (the rule's default),
    // the others apply.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"sayso": {"rules": {"unattributed-quote": "loud", "unclosed-quote": "hint"}}}}),
    );
    let msg = c.wait_for("showMessage", |v| v["method"] == "window/showMessage");
    assert_eq!(
        msg["params"]["message"],
        "Sayso: editor settings: rules.unattributed-quote: `loud` is not a severity \
         (use `error`, `warning`, `info`, `hint` or `off`). That entry is left out; the rest applies."
    );
    let d = c.wait_for("republished", |v| {
        v["method"] == "textDocument/publishDiagnostics" && v["params"]["uri"] == uri
    });
    let d = summary(text, d["params"]["diagnostics"].as_array().unwrap());
    let got: Vec<(&str, u64)> = d.iter().map(|d| (d.0.as_str(), d.1)).collect();
    assert_eq!(got, [("unattributed-quote", 2), ("unclosed-quote", 4)]);
}

#[test]
fn settings_are_pulled_once_when_the_client_offers_configuration() {
    let mut c = Client::in_memory();
    start(
        &mut c,
        None,
        Value::Null,
        json!({"workspace": {"configuration": true}}),
    );
    let req = c.wait_for("workspace/configuration", |v| {
        v["method"] == "workspace/configuration"
    });
    assert_eq!(req["params"]["items"], json!([{"section": "sayso"}]));
    let reply = json!({"jsonrpc": "2.0", "id": req["id"], "result": [{"rules": {"unattributed-quote": "error"}}]});
    c.send_raw(&frame(&serde_json::to_vec(&reply).unwrap()));
    let uri = "file:///news/a.txt";
    let text = "The harbour reopened.\n\n“A line nobody said at all.”\n";
    // Edits never ask again: several versions, then check no other request.
    open(&mut c, uri, "plaintext", 1, text);
    for v in 2..5 {
        c.change(uri, v, json!([{"text": text}]));
    }
    let d = c.wait_for("severity error", |v| {
        v["method"] == "textDocument/publishDiagnostics"
            && v["params"]["version"] == 4
            && v["params"]["diagnostics"][0]["severity"] == 1
    });
    assert_eq!(d["params"]["uri"], uri);
    // No second request for settings: the first message that is either a
    // settings request or the answer to a later request is the answer.
    let id = c.send_request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let first = c.wait_for("settings request or answer", |v| {
        v["method"] == "workspace/configuration" || v["id"] == json!(id)
    });
    assert_eq!(first["id"], json!(id), "asked for settings again: {first}");
}

#[test]
fn code_actions_fix_quotations() {
    let mut c = Client::in_memory();
    start(
        &mut c,
        None,
        Value::Null,
        json!({"workspace": {"workspaceEdit": {"documentChanges": true}}}),
    );
    let uri = "file:///news/a.md";
    let text = "“We are ready,” said Dana Pell.\n\n\
The council met on Tuesday.\n\n\
\"Nobody saw it coming.\"\n\n\
Pell said: “The ferries will run every hour. Tickets go on sale Monday\n";
    open(&mut c, uri, "markdown", 1, text);
    let diags = c.diagnostics(uri, 1);
    assert_eq!(
        summary(text, &diags)
            .iter()
            .map(|d| d.0.as_str())
            .collect::<Vec<_>>(),
        ["unattributed-quote", "unclosed-quote"]
    );

    let actions = code_actions(&mut c, uri, text, "Nobody", &diags);
    assert_eq!(
        titles(&actions),
        [
            "Attribute to Pell: `, Pell said.`",
            "Silence Sayso for this quotation (<!-- sayso off --> … <!-- sayso on -->)",
            "Use typographic quotation marks (“ ” ‘ ’) in this quotation",
            "Use typographic quotation marks and apostrophes in the whole document",
        ]
    );
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["isPreferred"], true);
    assert_eq!(actions[0]["diagnostics"][0]["code"], "unattributed-quote");
    assert_eq!(
        actions[0]["edit"]["documentChanges"][0]["textDocument"]["version"],
        1
    );
    let nobody = "\"Nobody saw it coming.\"";
    let after = |i: usize| apply_action(text, &actions[i]);
    assert_eq!(
        after(0),
        text.replace(nobody, "\"Nobody saw it coming,\" Pell said.")
    );
    assert_eq!(
        after(1),
        text.replace(
            nobody,
            &format!("<!-- sayso off -->\n{nobody}<!-- sayso on -->")
        )
    );
    assert_eq!(after(2), text.replace(nobody, "“Nobody saw it coming.”"));

    // Apply the attribution as an editor would: the warning goes.
    let fixed = after(0);
    c.change(uri, 2, json!([{"text": fixed}]));
    let diags2 = c.diagnostics(uri, 2);
    let codes: Vec<String> = summary(&fixed, &diags2).into_iter().map(|d| d.0).collect();
    assert_eq!(codes, ["unclosed-quote"]);

    let actions = code_actions(&mut c, uri, &fixed, "The ferries", &diags2);
    assert_eq!(
        titles(&actions)[..2],
        [
            "Close the quotation with ” at the end of its sentence",
            "Close the quotation with ” at the end of the paragraph",
        ]
    );
    assert_eq!(
        apply_action(&fixed, &actions[0]),
        fixed.replace("every hour.", "every hour.”")
    );

    // Outside any quotation: nothing.
    let none = code_actions(&mut c, uri, &fixed, "council", &[]);
    assert_eq!(none, Vec::<Value>::new());
}
