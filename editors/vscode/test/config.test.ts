// Unit tests of the extension's own logic (src/config.ts) and of the
// manifest it ships with. Runs under plain Node: no `vscode` module needed.

import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import {
  actionForChange,
  DEFAULT_RULES,
  DOCUMENT_SELECTOR,
  findOnPath,
  isBareCommand,
  LOG_LEVELS,
  missingServerMessage,
  readSettings,
  RULE_CODES,
  RULE_LEVELS,
  serverCommand,
  serverSettings,
} from "../src/config";

/** A getter over a flat map of `sayso.`-relative keys, as VS Code's `get` would answer. */
function getter(values: Record<string, unknown>) {
  return (key: string) => values[key];
}

describe("readSettings", () => {
  test("defaults when nothing is set", () => {
    const { settings, problems } = readSettings(getter({}));
    assert.deepEqual(settings, {
      serverPath: "sayso",
      logLevel: "default",
      trace: "off",
      rules: {
        "unattributed-quote": "warning",
        "unclosed-quote": "error",
        "mismatched-quote": "warning",
      },
    });
    assert.deepEqual(problems, []);
  });

  test("takes the user's values", () => {
    const { settings, problems } = readSettings(
      getter({
        "server.path": "  /opt/sayso/bin/sayso ",
        "trace.server": "verbose",
        "server.logLevel": "debug",
        rules: { "unattributed-quote": "error", "mismatched-quote": "off" },
      }),
    );
    assert.equal(settings.serverPath, "/opt/sayso/bin/sayso");
    assert.equal(settings.trace, "verbose");
    assert.equal(settings.logLevel, "debug");
    assert.deepEqual(settings.rules, {
      "unattributed-quote": "error",
      "unclosed-quote": "error",
      "mismatched-quote": "off",
    });
    assert.deepEqual(problems, []);
  });

  test("a bad rule level falls back to the default and is reported", () => {
    const { settings, problems } = readSettings(getter({ rules: { "unclosed-quote": "loud", "unattributed-quote": 3 } }));
    assert.equal(settings.rules["unclosed-quote"], "error");
    assert.equal(settings.rules["unattributed-quote"], "warning");
    assert.equal(problems.length, 2);
    assert.match(problems[0], /^sayso\.rules\.unclosed-quote must be one of error, warning, info, hint, off, not "loud"; using "error"\.$/);
    assert.match(problems[1], /sayso\.rules\.unattributed-quote .* not 3;/);
  });

  test("unknown rule codes with valid levels pass through; with bad levels they are dropped", () => {
    const { settings, problems } = readSettings(getter({ rules: { "future-rule": "hint", "other-rule": "purple" } }));
    assert.equal(settings.rules["future-rule"], "hint");
    assert.equal("other-rule" in settings.rules, false);
    assert.deepEqual(problems, ['sayso.rules.other-rule must be one of error, warning, info, hint, off, not "purple"; ignoring it.']);
  });

  test("wrong types for path, trace and rules are reported, not thrown", () => {
    const { settings, problems } = readSettings(
      getter({ "server.path": 42, "server.logLevel": "chatty", "trace.server": "loud", rules: ["off"] }),
    );
    assert.equal(settings.serverPath, "sayso");
    assert.equal(settings.logLevel, "default");
    assert.equal(settings.trace, "off");
    assert.deepEqual(settings.rules, DEFAULT_RULES);
    assert.deepEqual(problems, [
      'sayso.server.path must be a string; using "sayso".',
      'sayso.server.logLevel must be one of default, error, warn, info, debug, trace; using "default".',
      'sayso.trace.server must be one of off, messages, verbose; using "off".',
      "sayso.rules must be an object of rule code to level; using the defaults.",
    ]);
  });

  test("an empty server path means the default", () => {
    const { settings, problems } = readSettings(getter({ "server.path": "   " }));
    assert.equal(settings.serverPath, "sayso");
    assert.deepEqual(problems, []);
  });
});

describe("serverSettings (the payload the server receives)", () => {
  test("has exactly the documented shape, with every known rule", () => {
    const { settings } = readSettings(getter({ rules: { "unattributed-quote": "info" } }));
    assert.deepEqual(serverSettings(settings), {
      rules: { "unattributed-quote": "info", "unclosed-quote": "error", "mismatched-quote": "warning" },
    });
  });

  test("is a copy: changing it does not change the settings", () => {
    const { settings } = readSettings(getter({}));
    const payload = serverSettings(settings);
    payload.rules["unattributed-quote"] = "off";
    assert.equal(settings.rules["unattributed-quote"], "warning");
  });

  test("survives a JSON round trip unchanged (it goes over JSON-RPC)", () => {
    const { settings } = readSettings(getter({ rules: { "mismatched-quote": "hint", "future-rule": "error" } }));
    const payload = serverSettings(settings);
    assert.deepEqual(JSON.parse(JSON.stringify(payload)), payload);
  });
});

describe("serverCommand", () => {
  const posix = { workspaceFolder: "/home/ana/articles", homeDir: "/home/ana", platform: "linux" as const };

  test("a bare name stays bare for the PATH lookup, with the lsp subcommand", () => {
    assert.deepEqual(serverCommand("sayso", posix), { command: "sayso", args: ["lsp"] });
  });

  test("a log level other than default adds --log-level", () => {
    assert.deepEqual(serverCommand("sayso", posix, "debug").args, ["lsp", "--log-level", "debug"]);
    assert.deepEqual(serverCommand("sayso", posix, "default").args, ["lsp"]);
  });

  test("absolute paths are kept", () => {
    assert.equal(serverCommand("/usr/local/bin/sayso", posix).command, "/usr/local/bin/sayso");
  });

  test("~ expands to the home directory", () => {
    assert.equal(serverCommand("~/.cargo/bin/sayso", posix).command, "/home/ana/.cargo/bin/sayso");
  });

  test("relative paths resolve against the first workspace folder", () => {
    assert.equal(serverCommand("./target/debug/sayso", posix).command, "/home/ana/articles/target/debug/sayso");
    assert.equal(serverCommand("../sayso/target/release/sayso", posix).command, "/home/ana/sayso/target/release/sayso");
  });

  test("relative paths resolve against home when no folder is open", () => {
    assert.equal(
      serverCommand("bin/sayso", { homeDir: "/home/ana", platform: "linux" }).command,
      "/home/ana/bin/sayso",
    );
  });

  test("${workspaceFolder} is substituted", () => {
    assert.equal(serverCommand("${workspaceFolder}/target/debug/sayso", posix).command, "/home/ana/articles/target/debug/sayso");
  });

  test("Windows paths", () => {
    const win = { workspaceFolder: "C:\\Users\\ana\\articles", homeDir: "C:\\Users\\ana", platform: "win32" as const };
    assert.equal(serverCommand("sayso", win).command, "sayso");
    assert.equal(serverCommand("target\\debug\\sayso.exe", win).command, "C:\\Users\\ana\\articles\\target\\debug\\sayso.exe");
    assert.equal(serverCommand("~\\bin\\sayso.exe", win).command, "C:\\Users\\ana\\bin\\sayso.exe");
    assert.equal(serverCommand("D:\\tools\\sayso.exe", win).command, "D:\\tools\\sayso.exe");
  });

  test("isBareCommand", () => {
    assert.equal(isBareCommand("sayso", "linux"), true);
    assert.equal(isBareCommand("./sayso", "linux"), false);
    assert.equal(isBareCommand("bin\\sayso", "linux"), true, "a backslash is an ordinary character on POSIX");
    assert.equal(isBareCommand("bin\\sayso", "win32"), false);
  });
});

describe("findOnPath", () => {
  test("first executable match on PATH wins", () => {
    const present = new Set(["/usr/bin/sayso", "/home/ana/.cargo/bin/sayso"]);
    const found = findOnPath("sayso", { PATH: "/bin:/home/ana/.cargo/bin:/usr/bin" }, "linux", (f) => present.has(f));
    assert.equal(found, "/home/ana/.cargo/bin/sayso");
  });

  test("nothing found gives undefined, also with an empty or missing PATH", () => {
    assert.equal(findOnPath("sayso", { PATH: "/bin:/usr/bin" }, "linux", () => false), undefined);
    assert.equal(findOnPath("sayso", {}, "linux", () => true), undefined);
    assert.equal(findOnPath("sayso", { PATH: "::" }, "linux", () => true), undefined);
  });

  test("Windows tries PATHEXT extensions and reads Path", () => {
    const present = new Set(["C:\\Users\\ana\\.cargo\\bin\\sayso.EXE"]);
    const found = findOnPath(
      "sayso",
      { Path: "C:\\Windows;C:\\Users\\ana\\.cargo\\bin", PATHEXT: ".COM;.EXE" },
      "win32",
      (f) => present.has(f),
    );
    assert.equal(found, "C:\\Users\\ana\\.cargo\\bin\\sayso.EXE");
  });
});

test("missingServerMessage names the command and the setting", () => {
  const cmd = serverCommand("~/bin/sayso", { homeDir: "/home/ana", platform: "linux" });
  assert.equal(
    missingServerMessage("~/bin/sayso", cmd, false),
    'Sayso: cannot start the language server: "/home/ana/bin/sayso" does not exist or is not executable ' +
      '(from sayso.server.path "~/bin/sayso"). Install it with `cargo install --locked --path .` in the Sayso repository, ' +
      "or set sayso.server.path to the binary.",
  );
  assert.match(missingServerMessage("sayso", { command: "sayso", args: ["lsp"] }, true), /"sayso" was not found on PATH\. Install/);
});

test("actionForChange: path restarts, rules notify, other settings do nothing", () => {
  const affects = (changed: string[]) => (section: string) =>
    changed.some((c) => c === section || c.startsWith(section + ".") || section.startsWith(c + "."));
  assert.equal(actionForChange(affects(["sayso.server.path"])), "restart");
  assert.equal(actionForChange(affects(["sayso.server.logLevel"])), "restart");
  assert.equal(actionForChange(affects(["sayso.server.path", "sayso.rules.unclosed-quote"])), "restart");
  assert.equal(actionForChange(affects(["sayso.rules.unclosed-quote"])), "notify");
  assert.equal(actionForChange(affects(["sayso.trace.server"])), "none");
  assert.equal(actionForChange(affects(["editor.fontSize"])), "none");
});

describe("package.json agrees with the code", () => {
  const manifest = JSON.parse(readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"));
  const props = manifest.contributes.configuration.properties;

  test("one setting per rule, with the levels and defaults of config.ts", () => {
    const ruleKeys = Object.keys(props).filter((k) => k.startsWith("sayso.rules."));
    assert.deepEqual(ruleKeys.sort(), RULE_CODES.map((c) => `sayso.rules.${c}`).sort());
    for (const code of RULE_CODES) {
      assert.deepEqual(props[`sayso.rules.${code}`].enum, [...RULE_LEVELS]);
      assert.equal(props[`sayso.rules.${code}`].default, DEFAULT_RULES[code]);
    }
  });

  test("server path and trace settings", () => {
    assert.equal(props["sayso.server.path"].default, "sayso");
    assert.deepEqual(props["sayso.server.logLevel"].enum, [...LOG_LEVELS]);
    assert.equal(props["sayso.server.logLevel"].default, "default");
    assert.deepEqual(props["sayso.trace.server"].enum, ["off", "messages", "verbose"]);
    assert.deepEqual(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations, ["sayso.server.path"]);
  });

  test("activates on plain text and Markdown, the languages the client serves", () => {
    assert.deepEqual(manifest.activationEvents, ["onLanguage:plaintext", "onLanguage:markdown"]);
    assert.deepEqual([...new Set(DOCUMENT_SELECTOR.map((s) => s.language))], ["plaintext", "markdown"]);
  });

  test("commands are declared", () => {
    assert.deepEqual(
      manifest.contributes.commands.map((c: { command: string }) => c.command),
      ["sayso.restartServer", "sayso.showOutput"],
    );
  });

  test("the language client is the stable release the extension was built for", () => {
    assert.match(manifest.dependencies["vscode-languageclient"], /^\d+\.\d+\.\d+$/, "pinned, no pre-release");
    assert.equal(manifest.main, "./dist/extension.js");
  });
});
