/**
 * The extension's own logic, kept free of the `vscode` module so it runs
 * (and is unit-tested) under plain Node: reading the `sayso.*` settings,
 * turning them into the server's command line and the settings payload the
 * server receives, and finding the server binary.
 *
 * Wire shape of the settings sent to `sayso lsp` (as `initializationOptions`
 * and as `workspace/didChangeConfiguration` `params.settings`):
 *
 * ```json
 * { "rules": { "unattributed-quote": "warning", "unclosed-quote": "error", "mismatched-quote": "warning" } }
 * ```
 *
 * Every rule the extension knows is always present, so a value set back to
 * its default reaches the server too. Rule codes the user wrote in
 * settings.json that the extension does not know yet are passed through when
 * their level is valid, so a newer server's rules can be configured before
 * the extension learns their names.
 */

import * as path from "node:path";

/** The stable codes of Sayso's diagnostic rules (the `code` of each diagnostic). */
export const RULE_CODES = ["unattributed-quote", "unclosed-quote", "mismatched-quote"] as const;
export type RuleCode = (typeof RULE_CODES)[number];

/** What a rule can be set to: an LSP severity, or `off` to silence it. */
export const RULE_LEVELS = ["error", "warning", "info", "hint", "off"] as const;
export type RuleLevel = (typeof RULE_LEVELS)[number];

/**
 * Defaults shown in the settings UI; they equal the severities the core gives
 * each finding (src/analysis/rules), so an untouched setup behaves the same in
 * every editor.
 */
export const DEFAULT_RULES: Readonly<Record<RuleCode, RuleLevel>> = {
  "unattributed-quote": "warning",
  "unclosed-quote": "error",
  "mismatched-quote": "warning",
};

export const TRACE_LEVELS = ["off", "messages", "verbose"] as const;
export type TraceLevel = (typeof TRACE_LEVELS)[number];

/** `sayso.server.logLevel`: `default` passes nothing (the server then uses $SAYSO_LOG, else `warn`). */
export const LOG_LEVELS = ["default", "error", "warn", "info", "debug", "trace"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The `sayso.*` settings after validation. */
export interface SaysoSettings {
  /** `sayso.server.path`: a command name looked up on PATH, or a path to the binary. */
  serverPath: string;
  /** `sayso.server.logLevel`: the server's stderr log filter, shown in the "Sayso" output channel. */
  logLevel: LogLevel;
  /** `sayso.trace.server`: protocol tracing into the "Sayso" output channel. */
  trace: TraceLevel;
  /** `sayso.rules.<code>`: one level per rule code. */
  rules: Record<string, RuleLevel>;
}

/** The settings object the server receives; see the module comment. */
export interface ServerSettings {
  rules: Record<string, RuleLevel>;
}

/** Reads one setting below `sayso.` (e.g. `"server.path"`, `"rules"`); `undefined` when unset. */
export type SettingGetter = (key: string) => unknown;

/** Validated settings plus one message per value that was rejected (and replaced by its default). */
export interface ReadResult {
  settings: SaysoSettings;
  problems: string[];
}

function isRuleLevel(value: unknown): value is RuleLevel {
  return typeof value === "string" && (RULE_LEVELS as readonly string[]).includes(value);
}

/**
 * Reads and validates the `sayso.*` settings. Never throws: a bad value is
 * replaced by its default and described in `problems`, so a typo in
 * settings.json costs one rule's setting, not the whole server.
 */
export function readSettings(get: SettingGetter): ReadResult {
  const problems: string[] = [];

  let serverPath = "sayso";
  const rawPath = get("server.path");
  if (typeof rawPath === "string") {
    serverPath = rawPath.trim() || "sayso";
  } else if (rawPath !== undefined && rawPath !== null) {
    problems.push(`sayso.server.path must be a string; using "sayso".`);
  }

  let logLevel: LogLevel = "default";
  const rawLog = get("server.logLevel");
  if (typeof rawLog === "string" && (LOG_LEVELS as readonly string[]).includes(rawLog)) {
    logLevel = rawLog as LogLevel;
  } else if (rawLog !== undefined && rawLog !== null) {
    problems.push(`sayso.server.logLevel must be one of ${LOG_LEVELS.join(", ")}; using "default".`);
  }

  let trace: TraceLevel = "off";
  const rawTrace = get("trace.server");
  if (typeof rawTrace === "string" && (TRACE_LEVELS as readonly string[]).includes(rawTrace)) {
    trace = rawTrace as TraceLevel;
  } else if (rawTrace !== undefined && rawTrace !== null) {
    problems.push(`sayso.trace.server must be one of ${TRACE_LEVELS.join(", ")}; using "off".`);
  }

  const rules: Record<string, RuleLevel> = { ...DEFAULT_RULES };
  const rawRules = get("rules");
  if (rawRules !== undefined && rawRules !== null) {
    if (typeof rawRules !== "object" || Array.isArray(rawRules)) {
      problems.push(`sayso.rules must be an object of rule code to level; using the defaults.`);
    } else {
      for (const [code, level] of Object.entries(rawRules as Record<string, unknown>)) {
        if (isRuleLevel(level)) {
          rules[code] = level;
        } else {
          const fallback = (DEFAULT_RULES as Record<string, RuleLevel>)[code];
          problems.push(
            `sayso.rules.${code} must be one of ${RULE_LEVELS.join(", ")}, not ${JSON.stringify(level)}; ` +
              (fallback ? `using "${fallback}".` : "ignoring it."),
          );
        }
      }
    }
  }

  return { settings: { serverPath, logLevel, trace, rules }, problems };
}

/** The payload for `initializationOptions` and `workspace/didChangeConfiguration`. */
export function serverSettings(settings: SaysoSettings): ServerSettings {
  return { rules: { ...settings.rules } };
}

/** Where relative server paths are resolved and what `~` means. */
export interface PathContext {
  /** File-system path of the first workspace folder, if any. */
  workspaceFolder?: string;
  /** The user's home directory. */
  homeDir: string;
  /** `process.platform`. */
  platform: NodeJS.Platform;
}

/** How to start the server. `command` is either a bare name (looked up on PATH) or an absolute path. */
export interface ServerCommand {
  command: string;
  args: string[];
}

/** True for a bare command name such as `sayso`, as opposed to a path. */
export function isBareCommand(command: string, platform: NodeJS.Platform): boolean {
  const separators = platform === "win32" ? /[\\/]/ : /\//;
  return !separators.test(command);
}

/**
 * Turns `sayso.server.path` (and `sayso.server.logLevel`) into the command
 * that starts `sayso lsp [--log-level LEVEL]`:
 * `${workspaceFolder}` and a leading `~` are expanded, a relative path is
 * resolved against the first workspace folder (or the home directory when
 * there is none), and a bare name is kept for a PATH lookup.
 */
export function serverCommand(serverPath: string, ctx: PathContext, logLevel: LogLevel = "default"): ServerCommand {
  const p = ctx.platform === "win32" ? path.win32 : path.posix;
  let command = serverPath.trim() || "sayso";
  if (command.includes("${workspaceFolder}")) {
    command = command.split("${workspaceFolder}").join(ctx.workspaceFolder ?? ctx.homeDir);
  }
  if (command === "~" || command.startsWith("~/") || (ctx.platform === "win32" && command.startsWith("~\\"))) {
    command = p.join(ctx.homeDir, command.slice(1));
  }
  if (!isBareCommand(command, ctx.platform) && !p.isAbsolute(command)) {
    command = p.resolve(ctx.workspaceFolder ?? ctx.homeDir, command);
  }
  return { command, args: logLevel === "default" ? ["lsp"] : ["lsp", "--log-level", logLevel] };
}

/**
 * Finds a bare command on PATH the way a shell would (first match wins; on
 * Windows each PATHEXT extension is tried). Returns the full path, or
 * `undefined` when nothing executable is found. `isExecutable` is injected so
 * the search is testable without touching the disk.
 */
export function findOnPath(
  command: string,
  env: { PATH?: string; Path?: string; PATHEXT?: string },
  platform: NodeJS.Platform,
  isExecutable: (file: string) => boolean,
): string | undefined {
  const p = platform === "win32" ? path.win32 : path.posix;
  const pathVar = env.PATH ?? env.Path ?? "";
  const dirs = pathVar.split(platform === "win32" ? ";" : ":").filter((d) => d !== "");
  const exts =
    platform === "win32"
      ? ["", ...(env.PATHEXT ?? ".COM;.EXE;.BAT;.CMD").split(";").filter((e) => e !== "")]
      : [""];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = p.join(dir, command + ext);
      if (isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/**
 * The message shown when the server binary cannot be found, naming what was
 * looked for and how to fix it.
 */
export function missingServerMessage(serverPath: string, command: ServerCommand, bare: boolean): string {
  const where = bare
    ? `"${command.command}" was not found on PATH`
    : `"${command.command}" does not exist or is not executable`;
  return (
    `Sayso: cannot start the language server: ${where}` +
    (serverPath !== command.command ? ` (from sayso.server.path "${serverPath}")` : "") +
    `. Install it with \`cargo install --locked --path .\` in the Sayso repository, or set sayso.server.path to the binary.`
  );
}

/** What a configuration change means for a running client. */
export type ChangeAction = "restart" | "notify" | "none";

/**
 * Decides what to do on a configuration change: a new server path or log
 * level restarts the server; new rule levels are pushed with
 * `workspace/didChangeConfiguration`; trace changes are handled by the
 * language client itself.
 */
export function actionForChange(affects: (section: string) => boolean): ChangeAction {
  if (affects("sayso.server")) {
    return "restart";
  }
  if (affects("sayso.rules")) {
    return "notify";
  }
  return "none";
}

/** Document selector entries: plain-text and Markdown documents on disk and unsaved ones. */
export const DOCUMENT_SELECTOR: ReadonlyArray<{ scheme: string; language: string }> = [
  { scheme: "file", language: "plaintext" },
  { scheme: "untitled", language: "plaintext" },
  { scheme: "file", language: "markdown" },
  { scheme: "untitled", language: "markdown" },
];
