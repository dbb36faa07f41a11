// A UI test's session: a fresh test workspace, the packaged VSIX installed into a new code-server, headless
// Chromium on its workbench; and a window reload with another colour theme. Shared by the UI test files.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  ensureTools, freePort, installExtension, launchBrowser, prepareDataDir, REPO, RESULTS, startCodeServer,
} from './codeServer.mjs';
import { runCommand } from './workbenchActions.mjs';

/**
 * Empties `work`, writes the workspace (`makeWorkspace()`), packages the extension into `vsix` (the real package,
 * through vscode:prepublish), and opens `workspace` in code-server (user settings `settings`) in Chromium.
 */
export async function openWorkbench({ work, workspace, vsix, makeWorkspace, settings }) {
  ensureTools();
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(path.join(RESULTS, 'screenshots'), { recursive: true });
  await makeWorkspace();
  execFileSync(path.join(REPO, 'node_modules/.bin/vsce'), ['package', '--allow-missing-repository', '--out', vsix],
    { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  const port = await freePort();
  const dataDir = path.join(work, 'data');
  prepareDataDir(dataDir, port, settings);
  installExtension(dataDir, vsix);
  const env = { ...process.env };
  delete env.BRAIN_TUMOR_BACKEND;
  delete env.BRAIN_TUMOR_THREADS;
  const cs = await startCodeServer({ port, dataDir, folder: workspace, env });
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
