/**
 * VS Code entry point: starts `sayso lsp` for plain-text and Markdown
 * documents and keeps it in step with the `sayso.*` settings. Everything that
 * can be decided without VS Code lives in ./config.ts.
 */

import * as fs from "node:fs";
import * as os from "node:os";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";
import {
  actionForChange,
  DOCUMENT_SELECTOR,
  findOnPath,
  isBareCommand,
  missingServerMessage,
  readSettings,
  serverCommand,
  serverSettings,
  type ReadResult,
} from "./config";

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel | undefined;
/** Serialises start/stop so quick successive setting changes cannot race. */
let lifecycle: Promise<void> = Promise.resolve();

function currentSettings(): ReadResult {
  const config = vscode.workspace.getConfiguration("sayso");
  return readSettings((key) => config.get(key));
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, process.platform === "win32" ? fs.constants.F_OK : fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

async function reportProblems(problems: string[]): Promise<void> {
  for (const problem of problems) {
    output?.warn(problem);
  }
  if (problems.length > 0) {
    const choice = await vscode.window.showWarningMessage(
      `Sayso: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more, see the Sayso output)` : ""}`,
      "Open Settings",
    );
    if (choice === "Open Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "sayso");
    }
  }
}

async function startClient(): Promise<void> {
  const { settings, problems } = currentSettings();
  void reportProblems(problems);

  const cmd = serverCommand(
    settings.serverPath,
    {
      workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      homeDir: os.homedir(),
      platform: process.platform,
    },
    settings.logLevel,
  );
  const bare = isBareCommand(cmd.command, process.platform);
  const found = bare ? findOnPath(cmd.command, process.env, process.platform, isExecutable) : isExecutable(cmd.command);
  if (!found) {
    const message = missingServerMessage(settings.serverPath, cmd, bare);
    output?.error(message);
    void vscode.window.showErrorMessage(message, "Open Settings").then((choice) => {
      if (choice === "Open Settings") {
        void vscode.commands.executeCommand("workbench.action.openSettings", "sayso.server.path");
      }
    });
    return;
  }
  output?.info(`Starting ${cmd.command} ${cmd.args.join(" ")}`);

  const executable = { command: cmd.command, args: cmd.args, transport: TransportKind.stdio };
  const serverOptions: ServerOptions = { run: executable, debug: executable };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR.map((s) => ({ ...s })),
    outputChannel: output,
    // Re-read on every (re)start so a restart picks up the latest rule levels.
    initializationOptions: () => serverSettings(currentSettings().settings),
    markdown: { isTrusted: false, supportHtml: false },
  };

  // The id "sayso" makes the client honour `sayso.trace.server` by itself.
  client = new LanguageClient("sayso", "Sayso", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    output?.error(`The Sayso language server failed to start: ${String(err)}`);
    void vscode.window.showErrorMessage(`Sayso: the language server failed to start (${String(err)}). See the Sayso output.`);
  }
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    try {
      await running.stop();
    } catch (err) {
      output?.warn(`Stopping the Sayso language server: ${String(err)}`);
    }
  }
}

function restart(): Promise<void> {
  lifecycle = lifecycle.then(stopClient).then(startClient);
  return lifecycle;
}

async function pushSettings(): Promise<void> {
  const { settings, problems } = currentSettings();
  void reportProblems(problems);
  if (client?.isRunning()) {
    await client.sendNotification(DidChangeConfigurationNotification.type, { settings: serverSettings(settings) });
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("Sayso", { log: true });
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand("sayso.restartServer", () => restart()),
    vscode.commands.registerCommand("sayso.showOutput", () => output?.show()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      switch (actionForChange((section) => event.affectsConfiguration(section))) {
        case "restart":
          void restart();
          break;
        case "notify":
          lifecycle = lifecycle.then(pushSettings);
          break;
        case "none":
          break;
      }
    }),
  );
  lifecycle = lifecycle.then(startClient);
  await lifecycle;
}

export function deactivate(): Promise<void> {
  lifecycle = lifecycle.then(stopClient);
  return lifecycle;
}
