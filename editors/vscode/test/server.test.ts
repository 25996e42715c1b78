// End-to-end: the real `sayso lsp` binary driven over stdio by the protocol
// library VS Code's client uses, advertising UTF-16 positions only as VS Code
// does. Binary: $SAYSO_BIN, else target/debug/sayso (run `cargo build`).

import { strict as assert } from "node:assert";
import { after, before, describe, test } from "node:test";
import {
  DefinitionRequest,
  type Diagnostic,
  DiagnosticSeverity,
  type DocumentSymbol,
  DocumentSymbolRequest,
  type Hover,
  HoverRequest,
  InlayHintRequest,
  type InitializeResult,
  type Location,
  type LocationLink,
  type Range,
  ReferencesRequest,
  TextDocumentSyncKind,
} from "vscode-languageserver-protocol/node";
import { indexOfLoose, positionAt, rangeOf, readFixture, Session } from "./lsp";

const RULE_CODES = ["unattributed-quote", "unclosed-quote", "mismatched-quote"];

function hoverText(hover: Hover | null): string {
  if (!hover) {
    return "";
  }
  const parts = Array.isArray(hover.contents) ? hover.contents : [hover.contents];
  return parts.map((p) => (typeof p === "string" ? p : p.value)).join("\n");
}

function targets(result: Location | Location[] | LocationLink[] | null): { uri: string; range: Range }[] {
  if (!result) {
    return [];
  }
  const list = Array.isArray(result) ? result : [result];
  return list.map((l) => ("targetUri" in l ? { uri: l.targetUri, range: l.targetSelectionRange } : l));
}

/**
 * Position `offset` UTF-16 units into `needle`. Tests put it on a common
 * word of the quotation: on a name inside a quotation (`America`), the server
 * answers for that mention instead.
 */
function inside(text: string, needle: string, offset: number) {
  const i = indexOfLoose(text, needle);
  assert.ok(i >= 0, `fixture lacks ${JSON.stringify(needle)}`);
  return positionAt(text, i + offset);
}

function summary(diags: Diagnostic[]): string {
  return JSON.stringify(diags.map((d) => ({ code: d.code, severity: d.severity, range: d.range, message: d.message })));
}

const seed = readFixture("seeds/000_4183c379b24c5a5d.txt");


/**
 * A paragraph appended to the seed: an astral character (two UTF-16 code
 * units, four UTF-8 bytes) before a quotation with no speaker, so a server
 * that counted bytes or code points would report the wrong columns.
 */
const UNATTRIBUTED = "\n\nThe mood 😐 at City Hall was grim. “Nobody here expected the vote to go this way.”\n";
const UNATTRIBUTED_QUOTE = "“Nobody here expected the vote to go this way.”";

describe("sayso lsp over the VS Code protocol client, on the seed article", () => {
  let s: Session;
  let init: InitializeResult;
  let text = seed.text;
  let version = 1;

  before(async () => {
    s = new Session();
    init = await s.initialize();
    await s.open(seed.uri, seed.text);
  });

  after(() => s?.kill());

  test("initialize: UTF-16 positions, incremental sync, the promised providers", () => {
    const caps = init.capabilities;
    assert.ok(
      caps.positionEncoding === undefined || caps.positionEncoding === "utf-16",
      `client offered only utf-16, server chose ${caps.positionEncoding}`,
    );
    const sync = caps.textDocumentSync;
    const change = typeof sync === "number" ? sync : sync?.change;
    assert.equal(change, TextDocumentSyncKind.Incremental);
    assert.ok(caps.hoverProvider, "hoverProvider");
    assert.ok(caps.definitionProvider, "definitionProvider");
    assert.ok(caps.referencesProvider, "referencesProvider");
    assert.ok(caps.documentSymbolProvider, "documentSymbolProvider");
    assert.ok(caps.inlayHintProvider, "inlayHintProvider");
  });

  test("diagnostics arrive for version 1, all from sayso with known codes, none unattributed", async () => {
    const p = await s.diagnostics(seed.uri, (p) => p.version === 1 || p.version === undefined);
    assert.equal(p.version, 1, "diagnostics carry the document version");
    for (const d of p.diagnostics) {
      assert.equal(d.source, "sayso");
      assert.ok(RULE_CODES.includes(String(d.code)), `unknown code ${d.code}`);
    }
    const unattributed = p.diagnostics.filter((d) => d.code === "unattributed-quote");
    assert.deepEqual(unattributed, [], `every quotation in the seed has a speaker: ${summary(unattributed)}`);
  });

  test("hover on the Bolton quotation names John Bolton and the cue", async () => {
    const hover = await s.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: seed.uri },
      position: inside(text, "“The West made a major mistake", 10),
    });
    const md = hoverText(hover);
    assert.match(md, /John Bolton/);
    assert.match(md, /wrote/);
    if (hover && !Array.isArray(hover.contents) && typeof hover.contents === "object" && "kind" in hover.contents) {
      assert.equal(hover.contents.kind, "markdown");
    }
  });

  test("hover on the continuation after `Bolton wrote.` and on the quote-only paragraph names John Bolton", async () => {
    for (const [needle, offset] of [
      ["“Today, we may be on the verge", 12],
      ["“America should assert", 10],
    ] as const) {
      const hover = await s.connection.sendRequest(HoverRequest.type, {
        textDocument: { uri: seed.uri },
        position: inside(text, needle, offset),
      });
      assert.match(hoverText(hover), /John Bolton/, `hover on ${needle}`);
    }
  });

  test("hover on a Kremlin quotation names the Kremlin", async () => {
    const hover = await s.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: seed.uri },
      position: inside(text, "“It was agreed to maintain contact", 5),
    });
    assert.match(hoverText(hover), /Kremlin/);
  });

  test("definition from a Bolton quotation lands on his introduction, `John Bolton`", async () => {
    const result = await s.connection.sendRequest(DefinitionRequest.type, {
      textDocument: { uri: seed.uri },
      position: inside(text, "“The West made a major mistake", 10),
    });
    const found = targets(result);
    assert.equal(found.length, 1, JSON.stringify(result));
    assert.equal(found[0].uri, seed.uri);
    assert.deepEqual(found[0].range, rangeOf(text, "John Bolton"));
  });

  test("references from `Bolton wrote` include his three quotations", async () => {
    const result = await s.connection.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: seed.uri },
      position: inside(text, "Bolton wrote", 1),
      context: { includeDeclaration: true },
    });
    const ranges = (result ?? []).map((l) => l.range);
    for (const needle of ["“The West made", "“Today, we may", "“America should"]) {
      const start = rangeOf(text, needle).start;
      assert.ok(
        ranges.some((r) => r.start.line === start.line && r.start.character === start.character),
        `no reference at the quotation starting ${needle}: ${JSON.stringify(ranges)}`,
      );
    }
  });

  test("document symbols: speakers with their quotations as children", async () => {
    const result = (await s.connection.sendRequest(DocumentSymbolRequest.type, {
      textDocument: { uri: seed.uri },
    })) as DocumentSymbol[] | null;
    assert.ok(result && result.length > 0, "no symbols");
    const bolton = result.find((sym) => /John Bolton/.test(sym.name));
    assert.ok(bolton, `no John Bolton symbol in ${JSON.stringify(result.map((x) => x.name))}`);
    assert.ok((bolton.children ?? []).length >= 3, `John Bolton has ${bolton.children?.length ?? 0} quotation children`);
  });

  test("inlay hint `— John Bolton` after the quote-only paragraph that carries on his quotation", async () => {
    const hints = await s.connection.sendRequest(InlayHintRequest.type, {
      textDocument: { uri: seed.uri },
      range: { start: { line: 0, character: 0 }, end: positionAt(text, text.length) },
    });
    const start = indexOfLoose(text, "“America should assert");
    const end = text.indexOf("”", start) + 1;
    const labels = (hints ?? []).map((h) => ({
      position: h.position,
      label: typeof h.label === "string" ? h.label : h.label.map((p) => p.value).join(""),
    }));
    const at = labels.filter((h) => h.position.line === positionAt(text, end).line);
    assert.deepEqual(at, [{ position: positionAt(text, end), label: "— John Bolton" }], JSON.stringify(labels));
  });

  test("an incremental edit adding an unattributed quotation after an emoji gets a warning at the right UTF-16 range", async () => {
    const end = positionAt(text, text.length);
    version += 1;
    text += UNATTRIBUTED;
    await s.change(seed.uri, version, [{ range: { start: end, end }, text: UNATTRIBUTED }]);
    const p = await s.diagnostics(seed.uri, (p) => p.version === version);
    const unattributed = p.diagnostics.filter((d) => d.code === "unattributed-quote");
    assert.equal(unattributed.length, 1, summary(p.diagnostics));
    assert.deepEqual(unattributed[0].range, rangeOf(text, UNATTRIBUTED_QUOTE));
    assert.equal(unattributed[0].severity, DiagnosticSeverity.Warning);
    assert.equal(unattributed[0].source, "sayso");

    const hover = await s.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: seed.uri },
      position: inside(text, UNATTRIBUTED_QUOTE, 5),
    });
    assert.match(hoverText(hover), /unattributed|no speaker|not attributed/i);
  });

  test(
    "rule levels pushed with workspace/didChangeConfiguration apply at once",
    async () => {
      const mark = s.published.length;
      await s.configure({ rules: { "unattributed-quote": "error", "unclosed-quote": "error", "mismatched-quote": "warning" } });
      const asError = await s.diagnostics(
        seed.uri,
        (p) => p.diagnostics.some((d) => d.code === "unattributed-quote" && d.severity === DiagnosticSeverity.Error),
        15000,
        mark,
      );
      assert.equal(asError.version, version, "republished for the same document version");

      const mark2 = s.published.length;
      await s.configure({ rules: { "unattributed-quote": "off", "unclosed-quote": "error", "mismatched-quote": "warning" } });
      const silenced = await s.diagnostics(seed.uri, (p) => !p.diagnostics.some((d) => d.code === "unattributed-quote"), 15000, mark2);
      assert.equal(silenced.version, version);

      const mark3 = s.published.length;
      await s.configure({ rules: { "unattributed-quote": "warning", "unclosed-quote": "error", "mismatched-quote": "warning" } });
      await s.diagnostics(
        seed.uri,
        (p) => p.diagnostics.some((d) => d.code === "unattributed-quote" && d.severity === DiagnosticSeverity.Warning),
        15000,
        mark3,
      );
    },
  );

  test("deleting the unattributed quotation clears the warning", async () => {
    const start = text.indexOf(UNATTRIBUTED);
    const range = { start: positionAt(text, start), end: positionAt(text, start + UNATTRIBUTED.length) };
    version += 1;
    text = text.slice(0, start) + text.slice(start + UNATTRIBUTED.length);
    await s.change(seed.uri, version, [{ range, text: "" }]);
    const p = await s.diagnostics(seed.uri, (p) => p.version === version);
    assert.deepEqual(p.diagnostics.filter((d) => d.code === "unattributed-quote"), []);
  });

  test("closing the document clears its diagnostics", async () => {
    const mark = s.published.length;
    await s.close(seed.uri);
    const p = await s.diagnostics(seed.uri, () => true, 15000, mark);
    assert.deepEqual(p.diagnostics, []);
  });

  test("shutdown and exit end the process with status 0", async () => {
    assert.equal(await s.shutdown(), 0);
  });
});

describe("rule levels from initializationOptions", () => {
  let s: Session;
  after(() => s?.kill());

  test(
    "`unattributed-quote: off` at start-up silences the rule from the first publish",
    async () => {
      s = new Session();
      await s.initialize({ rules: { "unattributed-quote": "off", "unclosed-quote": "error", "mismatched-quote": "warning" } });
      const text = seed.text + UNATTRIBUTED;
      await s.open(seed.uri, text);
      const p = await s.diagnostics(seed.uri, (p) => p.version === 1);
      const unattributed = p.diagnostics.filter((d) => d.code === "unattributed-quote");
      assert.deepEqual(unattributed, [], summary(p.diagnostics));

      // The rule does fire on this text: turn it back on, as a hint (other rules left out keep their defaults).
      const mark = s.published.length;
      await s.configure({ rules: { "unattributed-quote": "hint" } });
      const hinted = await s.diagnostics(seed.uri, (p) => p.diagnostics.some((d) => d.code === "unattributed-quote"), 15000, mark);
      const d = hinted.diagnostics.find((d) => d.code === "unattributed-quote");
      assert.equal(d?.severity, DiagnosticSeverity.Hint);
      assert.equal(await s.shutdown(), 0);
    },
  );
});
