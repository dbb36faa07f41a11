#!/usr/bin/env node
// A stand-in "VS Code executable" for @vscode/test-electron's runTests({ vscodeExecutablePath }): it takes the
// desktop CLI flags test-electron passes and runs the suite in code-server + headless Chromium instead, because
// desktop VS Code cannot be downloaded on these machines.
import { runExtensionTests } from './runInCodeServer.mjs';

const dev = [];
const positional = [];
let tests;
let disableExtensions = false;
for (const a of process.argv.slice(2)) {
  const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
  if (!m) { positional.push(a); continue; }
  const [, k, v] = m;
  if (k === 'extensionDevelopmentPath') dev.push(v);
  else if (k === 'extensionTestsPath') tests = v;
  else if (k === 'disable-extensions') disableExtensions = true;
  // Other desktop flags (--no-sandbox, --disable-updates, --skip-welcome, --user-data-dir=...) do not apply.
}
if (!tests || !dev.length) {
  console.error('code-shim: need --extensionDevelopmentPath and --extensionTestsPath');
  process.exit(2);
}
process.exit(await runExtensionTests({ extensionDevelopmentPath: dev, extensionTestsPath: tests, folder: positional[0], disableExtensions }));
