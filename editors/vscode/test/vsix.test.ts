// Checks the packaged extension (`npm run package`): what is inside the .vsix.
// Path: $SAYSO_VSIX, else sayso-<version>.vsix next to package.json.

import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { inflateRawSync } from "node:zlib";

const root = path.join(__dirname, "..", "..");
const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
const vsix = process.env.SAYSO_VSIX ?? path.join(root, `${manifest.name}-${manifest.version}.vsix`);

/** Reads a zip's central directory: name → contents (stored or deflated entries). */
function readZip(file: string): Map<string, Buffer> {
  const buf = readFileSync(file);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, "not a zip file");
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(at), 0x02014b50, "central directory entry");
    const method = buf.readUInt16LE(at + 10);
    const compressed = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString("utf8", at + 46, at + 46 + nameLen);
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataStart, dataStart + compressed);
    entries.set(name, method === 8 ? inflateRawSync(raw) : raw);
    at += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

test("the .vsix holds the bundle, manifest and README, and nothing else of the source tree", { skip: !process.env.SAYSO_VSIX && !existsSync(vsix) && `no ${vsix}: run npm run package` }, () => {
  const entries = readZip(vsix);
  const names = [...entries.keys()].sort();
  assert.deepEqual(names, [
    "[Content_Types].xml",
    "extension.vsixmanifest",
    "extension/changelog.md",
    "extension/dist/extension.js",
    "extension/package.json",
    "extension/readme.md",
  ]);
  const packaged = JSON.parse(entries.get("extension/package.json")!.toString("utf8"));
  assert.equal(packaged.main, "./dist/extension.js");
  assert.equal(packaged.version, manifest.version);
  const bundle = entries.get("extension/dist/extension.js")!.toString("utf8");
  // Bundled: the language client is inside, only Node built-ins and `vscode` are required.
  const required = new Set([...bundle.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));
  const builtins = new Set(["vscode", "child_process", "crypto", "fs", "net", "os", "path", "readline", "util", "node:fs", "node:os", "node:path"]);
  assert.deepEqual([...required].filter((r) => !builtins.has(r)), [], "modules the bundle still requires");
  assert.match(bundle, /sayso\.server\.path|server\.path/);
  assert.ok(bundle.length < 1_000_000, `bundle is ${bundle.length} bytes`);
  const xml = entries.get("extension.vsixmanifest")!.toString("utf8");
  assert.match(xml, /<Identity [^>]*Id="sayso"[^>]*Publisher="sayso"/);
  assert.match(xml, /Microsoft\.VisualStudio\.Code\.Engine" Value="\^1\.91\.0"/);
});
