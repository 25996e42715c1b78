// Builds the extension bundle (dist/extension.js) and, with --tests, the test
// files (out/test/*.js). `vscode` is provided by VS Code at run time; the test
// bundles keep node_modules external so they load the installed packages.
import * as esbuild from "esbuild";
import { readdirSync } from "node:fs";

const production = process.argv.includes("--production");
const tests = process.argv.includes("--tests");

await esbuild.build({
  entryPoints: ["src/extension.ts"],
  outfile: "dist/extension.js",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  external: ["vscode"],
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: "warning",
});

if (tests) {
  await esbuild.build({
    entryPoints: readdirSync("test")
      .filter((f) => f.endsWith(".ts"))
      .map((f) => `test/${f}`),
    outdir: "out/test",
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    packages: "external",
    sourcemap: "inline",
    logLevel: "warning",
  });
}
