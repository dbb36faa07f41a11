// One UI test session: the packaged VSIX installed into a fresh code-server, the workspace opened in headless
// Chromium; and the theme switch with a window reload that the UI tests use to shoot light and dark.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, installExtension, launchBrowser, prepareDataDir, REPO, startCodeServer } from './codeServer.mjs';
import { runCommand } from './workbenchActions.mjs';

/**
 * Packages the extension into `vsix` (the real package, as users get it: vscode:prepublish runs the production
 * build), installs it into `<work>/data`, starts code-server on `workspace` in the dark theme without a forced
 * engine or thread count, and opens the workbench. Returns { cs, ctx, page }; the caller stops them.
 */
export async function openPackagedWorkbench({ work, workspace, vsix }) {
  execFileSync(path.join(REPO, 'node_modules/.bin/vsce'), ['package', '--allow-missing-repository', '--out', vsix],
    { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  const port = await freePort();
  const dataDir = path.join(work, 'data');
  prepareDataDir(dataDir, port, { 'workbench.colorTheme': 'Default Dark Modern' });
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
  const file = path.join(work, 'data', 'user', 'User', 'settings.json');
  fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), 'workbench.colorTheme': theme }, null, 2));
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 60000 });
  await runCommand(page, 'Developer: Reload Window');
  await navigated;
  await page.locator(`.monaco-workbench.${workbenchClass}`).waitFor({ timeout: 60000 });
}
