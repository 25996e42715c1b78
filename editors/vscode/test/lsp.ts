// A small LSP client for the end-to-end tests: it spawns the real `sayso lsp`
// binary and talks to it through `vscode-languageserver-protocol` over the
// process's stdio, the library VS Code's own client is built on. It
// advertises what VS Code advertises where it matters: UTF-16 positions only,
// versioned diagnostics, Markdown hovers, hierarchical symbols.

import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import {
  type ClientCapabilities,
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  type InitializeResult,
  InitializeRequest,
  InitializedNotification,
  LogMessageNotification,
  type Position,
  type ProtocolConnection,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
  type Range,
  RegistrationRequest,
  ShutdownRequest,
  ShowMessageNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type TextDocumentContentChangeEvent,
  UnregistrationRequest,
  WorkDoneProgressCreateRequest,
} from "vscode-languageserver-protocol/node";

/** Root of the Sayso repository (this file runs from editors/vscode/out/test). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..", "..");

/** The server binary: $SAYSO_BIN, else target/debug/sayso of this repository. */
export function serverBinary(): string {
  const fromEnv = process.env.SAYSO_BIN;
  const bin = fromEnv ? path.resolve(fromEnv) : path.join(REPO_ROOT, "target", "debug", "sayso");
  if (!existsSync(bin)) {
    throw new Error(`sayso binary not found at ${bin}: run \`cargo build\` in ${REPO_ROOT} or set SAYSO_BIN`);
  }
  return bin;
}

export function readFixture(relative: string): { uri: string; text: string } {
  const file = path.join(REPO_ROOT, relative);
  return { uri: pathToFileURL(file).href, text: readFileSync(file, "utf8") };
}

/** LSP position (UTF-16 code units, as JavaScript strings count) of a string index. */
export function positionAt(text: string, index: number): Position {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < index; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: index - lineStart };
}

/**
 * String index of the first occurrence of `needle` at or after `from`, where
 * a space in `needle` also matches a no-break space (the seed article has
 * NBSPs between many words); -1 when absent.
 */
export function indexOfLoose(text: string, needle: string, from = 0): number {
  const pattern = needle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/ /g, "[ \u00a0]");
  const re = new RegExp(pattern, "g");
  re.lastIndex = from;
  const m = re.exec(text);
  return m ? m.index : -1;
}

/** UTF-16 range of the first occurrence of `needle` (after `from`; spaces match NBSPs); throws when absent. */
export function rangeOf(text: string, needle: string, from = 0): Range {
  const i = indexOfLoose(text, needle, from);
  if (i < 0) {
    throw new Error(`fixture does not contain ${JSON.stringify(needle)}`);
  }
  return { start: positionAt(text, i), end: positionAt(text, i + needle.length) };
}

/** The capabilities VS Code's client sends, reduced to what these tests use. */
export const VSCODE_LIKE_CAPABILITIES: ClientCapabilities = {
  general: { positionEncodings: ["utf-16"] },
  workspace: {
    configuration: true,
    didChangeConfiguration: { dynamicRegistration: true },
    workspaceFolders: true,
  },
  textDocument: {
    synchronization: { dynamicRegistration: true, didSave: true, willSave: true, willSaveWaitUntil: true },
    hover: { dynamicRegistration: true, contentFormat: ["markdown", "plaintext"] },
    definition: { dynamicRegistration: true, linkSupport: true },
    declaration: { dynamicRegistration: true, linkSupport: true },
    references: { dynamicRegistration: true },
    documentSymbol: { dynamicRegistration: true, hierarchicalDocumentSymbolSupport: true },
    inlayHint: { dynamicRegistration: true },
    publishDiagnostics: {
      relatedInformation: true,
      versionSupport: true,
      tagSupport: { valueSet: [1, 2] },
      codeDescriptionSupport: true,
      dataSupport: true,
    },
  },
  window: { workDoneProgress: true, showMessage: {} },
};

type Waiter = { predicate: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void };

/** One running `sayso lsp` and a connection to it. */
export class Session {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly connection: ProtocolConnection;
  /** Everything the server wrote to stderr (its logs), shown when a test fails. */
  stderr = "";
  /** Every publishDiagnostics received, in order. */
  readonly published: PublishDiagnosticsParams[] = [];
  /** window/logMessage and window/showMessage texts. */
  readonly messages: string[] = [];
  /** What the server asked for with workspace/configuration (answered with `settings`). */
  readonly configurationRequests: unknown[] = [];
  /** The answer to workspace/configuration for section "sayso" (or no section). */
  settings: unknown = null;
  private waiters: Waiter[] = [];
  private exited: Promise<number | null>;

  constructor(bin = serverBinary()) {
    this.proc = spawn(bin, ["lsp"], { stdio: "pipe", env: { ...process.env, RUST_BACKTRACE: "1" } });
    this.proc.stderr.setEncoding("utf8");
    this.proc.stderr.on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => this.proc.on("exit", (code) => resolve(code)));
    this.connection = createProtocolConnection(
      new StreamMessageReader(this.proc.stdout),
      new StreamMessageWriter(this.proc.stdin),
    );
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.published.push(params);
      this.waiters = this.waiters.filter((w) => {
        if (w.predicate(params)) {
          w.resolve(params);
          return false;
        }
        return true;
      });
    });
    this.connection.onNotification(LogMessageNotification.type, (p) => {
      this.messages.push(p.message);
    });
    this.connection.onNotification(ShowMessageNotification.type, (p) => {
      this.messages.push(p.message);
    });
    this.connection.onRequest(ConfigurationRequest.type, (params) => {
      this.configurationRequests.push(params);
      return params.items.map((item) => (item.section === undefined || item.section === "sayso" ? this.settings : null));
    });
    this.connection.onRequest(RegistrationRequest.type, () => undefined);
    this.connection.onRequest(UnregistrationRequest.type, () => undefined);
    this.connection.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
    this.connection.listen();
  }

  async initialize(initializationOptions?: unknown): Promise<InitializeResult> {
    const result = await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      clientInfo: { name: "sayso-vscode-protocol-test", version: "0.1.0" },
      rootUri: pathToFileURL(REPO_ROOT).href,
      workspaceFolders: [{ uri: pathToFileURL(REPO_ROOT).href, name: "sayso" }],
      capabilities: VSCODE_LIKE_CAPABILITIES,
      initializationOptions,
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
    return result;
  }

  open(uri: string, text: string, languageId = "plaintext", version = 1): Promise<void> {
    return this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version, text },
    });
  }

  change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): Promise<void> {
    return this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges,
    });
  }

  close(uri: string): Promise<void> {
    return this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  configure(settings: unknown): Promise<void> {
    this.settings = settings;
    return this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings });
  }

  /**
   * Resolves with the first publishDiagnostics for `uri` (already received
   * or still to come) that satisfies `predicate`; rejects after `ms`.
   */
  diagnostics(
    uri: string,
    predicate: (p: PublishDiagnosticsParams) => boolean = () => true,
    ms = 15000,
    since = 0,
  ): Promise<PublishDiagnosticsParams> {
    const match = (p: PublishDiagnosticsParams) => p.uri === uri && predicate(p);
    const already = this.published.slice(since).find(match);
    if (already) {
      return Promise.resolve(already);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        const seen = this.published.filter((p) => p.uri === uri).map((p) => ({ version: p.version, diagnostics: p.diagnostics }));
        reject(
          new Error(
            `no matching publishDiagnostics for ${uri} within ${ms} ms; received: ${JSON.stringify(seen)}\n` +
              `server stderr:\n${this.stderr.slice(-4000)}`,
          ),
        );
      }, ms);
      const done = (p: PublishDiagnosticsParams) => {
        clearTimeout(timer);
        resolve(p);
      };
      this.waiters.push({ predicate: match, resolve: done });
    });
  }

  /** Polite shutdown; resolves with the process's exit code. */
  async shutdown(ms = 10000): Promise<number | null> {
    const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), ms).unref());
    const shut = await Promise.race([this.connection.sendRequest(ShutdownRequest.type).then(() => "ok" as const), timeout]);
    if (shut === "timeout") {
      this.proc.kill();
      this.connection.dispose();
      throw new Error(`shutdown got no answer within ${ms} ms`);
    }
    await this.connection.sendNotification(ExitNotification.type);
    const code = await Promise.race([this.exited, timeout]);
    this.connection.dispose();
    if (code === "timeout") {
      this.proc.kill();
      throw new Error(`server did not exit within ${ms} ms of the exit notification`);
    }
    return code;
  }

  /** Last resort in `after` hooks: kill the process if it is still running. */
  kill(): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill();
    }
    this.connection.dispose();
  }
}
