// A UI test's session: a fresh test workspace, the packaged VSIX installed into a new code-server, headless
// Chromium on its workbench; and a window reload with another colour theme. Shared by the UI test files.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  ensureTools, freePort, installExtension, launchBrowser, prepareDataDir, REPO, RESULTS, startCodeServer,
} from './codeServer.mjs';
import { runCommand } from './workbenchActions.mjs';

/** The package every UI test file installs: built by the first of them, again only when a source changed since. */
export const VSIX = path.join(RESULTS, 'brain-tumor-detection.vsix');

/** What goes into the package (the bundles are built from the sources by vscode:prepublish). */
const PACKAGED_SOURCES = ['package.json', 'package-lock.json', '.vscodeignore', 'esbuild.js', 'README.md', 'CHANGELOG.md', 'LICENSE',
  'extension', 'server', 'webview', 'media', 'models'];

/** The newest modification time among the package's sources, in ms. */
function newestSource() {
  let newest = 0;
  const visit = (p) => {
    let st;
    try { st = fs.statSync(p); } catch { return; }
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) visit(path.join(p, e));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const s of PACKAGED_SOURCES) visit(path.join(REPO, s));
  return newest;
}

/** Packages the extension (the real package, through vscode:prepublish) unless `vsix` is newer than its sources. */
function ensurePackage(vsix) {
  if (fs.existsSync(vsix) && fs.statSync(vsix).mtimeMs > newestSource()) return;
  execFileSync(path.join(REPO, 'node_modules/.bin/vsce'), ['package', '--out', vsix], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * Empties `work`, writes the workspace (`makeWorkspace()`), packages the extension into VSIX if a source changed
 * since it was packaged, and opens `workspace` in code-server (user settings `settings`; workspace trust on with
 * `trust`; more code-server arguments in `extraArgs`; more VSIX files to install in `alsoInstall`; `beforeStart(dataDir)` last touches) in Chromium.
 */
export async function openWorkbench({ work, workspace, makeWorkspace, settings, trust = false, extraArgs = [], alsoInstall = [], beforeStart }) {
  ensureTools();
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(path.join(RESULTS, 'screenshots'), { recursive: true });
  await makeWorkspace();
  ensurePackage(VSIX);
  const port = await freePort();
  const dataDir = path.join(work, 'data');
  prepareDataDir(dataDir, port, settings);
  installExtension(dataDir, VSIX);
  for (const other of alsoInstall) installExtension(dataDir, other);
  beforeStart?.(dataDir);
  // The product's defaults: no engine or thread count forced from the test runner's environment.
  const env = { ...process.env };
  delete env.BRAIN_TUMOR_BACKEND;
  delete env.BRAIN_TUMOR_THREADS;
  const cs = await startCodeServer({ port, dataDir, folder: workspace, env, trust, extraArgs });
  const ctx = await launchBrowser(path.join(work, 'chromium'));
  const page = ctx.pages()[0] ?? await ctx.newPage();
  await page.goto(`${cs.url}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
  return { cs, ctx, page };
}

/**
 * Switches the colour theme in the user settings of the session in `work` and reloads the window with "Developer:
 * Reload Window", which saves the workbench's state (open editors, webview state) the way a real reload does.
 */
export async function reloadWithTheme(page, work, theme, workbenchClass) {
  await reloadWithSettings(page, work, { 'workbench.colorTheme': theme }, workbenchClass);
}

/** Adds `settings` to the user settings and reloads the window (the workbench reads the file again then). */
export async function reloadWithSettings(page, work, settings, workbenchClass) {
  const file = path.join(work, 'data', 'user', 'User', 'settings.json');
  fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), ...settings }, null, 2));
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 60000 });
  await runCommand(page, 'Developer: Reload Window');
  await navigated;
  await page.locator(`.monaco-workbench.${workbenchClass}`).waitFor({ timeout: 60000 });
}
