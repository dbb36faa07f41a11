// UI tests: the packaged VSIX installed into code-server (the real VS Code workbench), driven in headless
// Chromium by Playwright the way a user would. Screenshots go to test-results/screenshots/ (git-ignored).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO, RESULTS } from '../tools/codeServer.mjs';
import { makeTestWorkspace } from '../tools/testWorkspace.mjs';
import * as actions from '../tools/workbenchActions.mjs';
import * as session from '../tools/workbenchSession.mjs';

const WORK = path.join(RESULTS, 'ui');
const SHOTS = path.join(RESULTS, 'screenshots');
const WORKSPACE = path.join(WORK, 'workspace');
const STATUS_TITLE = 'Brain Tumor: Show Backend Status';

let cs;
let ctx;
let page;
const runCommand = (title) => actions.runCommand(page, title);
const explorerMenu = (name) => actions.explorerMenu(page, name);
const clickMenuItem = (menu, name) => actions.clickMenuItem(page, menu, name);
const closeMenu = () => actions.closeMenu(page);

/** Reloads the window with another colour theme (test/tools/workbenchSession.mjs). */
const reloadWithTheme = (theme, workbenchClass) => session.reloadWithTheme(page, WORK, theme, workbenchClass);

/** Mean of the r, g, b channels of a CSS colour: 0 black, 255 white. */
const lightness = (css) => {
  const rgb = css.match(/\d+/g);
  return rgb ? rgb.slice(0, 3).map(Number).reduce((a, b) => a + b) / 3 : NaN; // NaN: not an rgb() colour (yet)
};

const statusFrame = () => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');

/** Right-click a dataset folder, Train Model, keep the first model offered (remembered or default), set the epochs. */
async function trainFromExplorer(folder, epochs) {
  const menu = await explorerMenu(folder);
  await clickMenuItem(menu, 'Train Model');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await page.locator('.quick-input-widget', { hasText: 'Train Model (2/3)' }).waitFor({ timeout: 30000 });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget', { hasText: 'Train Model (3/3)' }).waitFor({ timeout: 30000 });
  await input.fill(String(epochs));
  await page.keyboard.press('Enter');
}

/**
 * In Evaluate Model's external-set picker: tick "Add folder...", accept, and give `folder` in the folder dialog
 * (code-server's simple dialog: the path with a slash goes into the folder, Enter then takes it).
 */
async function addExternalFolder(folder) {
  const widget = page.locator('.quick-input-widget');
  await page.locator('.quick-input-widget', { hasText: 'external sets' }).waitFor({ timeout: 30000 });
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Add folder' }).first().click();
  await widget.locator('.monaco-button', { hasText: /^OK$/ }).first().click();
  const input = widget.locator('.quick-input-box input');
  // The dialog opens with a folder path in its box.
  for (let i = 0; i < 50 && !((await input.inputValue().catch(() => '')).startsWith('/')); i++) await page.waitForTimeout(200);
  await input.fill(`${folder}/`);
  for (let i = 0; i < 6 && await widget.isVisible(); i++) {
    await page.waitForTimeout(800);
    await input.press('Enter').catch(() => {});
  }
  assert.equal(await widget.isVisible(), false, 'the folder dialog took the folder');
}

/** The Metrics panel's preview with the fixture report (external sets, robustness, an old report) in light and dark: test/tools/metricsPreview.ts. */
function metricsPreview() {
  const out = path.join(REPO, 'out', 'tools', 'metricsPreview.js');
  execFileSync(path.join(REPO, 'node_modules/.bin/esbuild'), ['test/tools/metricsPreview.ts', '--bundle', '--platform=node', '--external:playwright-core',
    `--outfile=${out}`, '--log-level=warning'], { cwd: REPO, stdio: 'inherit' });
  return execFileSync(process.execPath, [out, SHOTS], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

describe('workbench UI with the packaged extension', { timeout: 600000 }, () => {
  before(async () => {
    ({ cs, ctx, page } = await session.openWorkbench({
      work: WORK, workspace: WORKSPACE, settings: { 'workbench.colorTheme': 'Default Dark Modern' },
      makeWorkspace: () => makeTestWorkspace(WORKSPACE, { datasetName: 'mri-dataset', trainingSet: 10 }),
    }));
  });

  after(async () => {
    if (page) await page.screenshot({ path: path.join(SHOTS, 'last-state.png') }).catch(() => {});
    await ctx?.close().catch(() => {});
    cs?.stop();
  });

  it('shows the running engine in the status bar', async () => {
    // The backend starts on first use (docs/activation.md): a command is that use. Nothing waits for an activation
    // at startup any more, and a palette opened before the workbench has read the extension's manifest lists none
    // of its commands (and keeps that list while open): close it and ask again.
    for (let i = 0; ; i++) {
      try {
        await runCommand(STATUS_TITLE);
        break;
      } catch (e) {
        if (i === 5) throw e;
        await page.keyboard.press('Escape');
      }
    }
    await runCommand('View: Close All Editors');
    const item = page.locator('.statusbar-item', { hasText: /wasm|gpu|node|cpu/ }).filter({ has: page.locator('.codicon-pulse') });
    await item.first().waitFor({ timeout: 90000 });
    assert.match((await item.first().innerText()).trim(), /^(wasm|gpu|node|cpu)( ×\d+)?$/);
  });

  it('Show Backend Status from the command palette shows the backend inside the webview', async () => {
    await runCommand(STATUS_TITLE);
    const kind = statusFrame().locator('#backend-kind');
    await kind.waitFor({ timeout: 60000 });
    await statusFrame().locator('#backend-engine').waitFor({ timeout: 60000 });
    const name = (await kind.textContent())?.trim();
    assert.ok(['wasm', 'gpu', 'node', 'cpu'].includes(name), `backend name in the panel: ${name}`);
    const engine = await statusFrame().locator('#backend-engine').textContent();
    assert.match(engine, /\d+ threads?/);
    assert.equal((await statusFrame().locator('#backend-state').textContent())?.trim(), 'running');
    const rows = await statusFrame().locator('#attempts tbody tr').count();
    assert.ok(rows >= 1, 'the engines tried are listed');
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SHOTS, 'backend-status-dark.png') });
  });

  it('survives a window reload and is readable in a light theme too', async () => {
    const colours = () => statusFrame().locator('h1').evaluate((h) => [
      globalThis.getComputedStyle(h.ownerDocument.body).backgroundColor, globalThis.getComputedStyle(h).color]);
    const [darkBg, darkFg] = await colours();
    assert.ok(lightness(darkBg) < 80 && lightness(darkFg) > 160, `dark theme: ${darkBg} / ${darkFg}`);
    await reloadWithTheme('Default Light Modern', 'vs');
    // The panel comes back by itself (its serializer), and asks the backend again.
    await statusFrame().locator('#backend-engine').waitFor({ timeout: 60000 });
    assert.match(await statusFrame().locator('#backend-kind').textContent(), /^(wasm|gpu|node|cpu)$/);
    // The restored page gets the new theme's colours a moment after its content, and while the webview swaps its
    // frame a read can even come back empty (a CI run once read fg ""): wait for both, then judge.
    let [bg, fg] = await colours();
    for (let i = 0; i < 50 && !(lightness(bg) > 180 && lightness(fg) < 100); i++) {
      await page.waitForTimeout(200);
      [bg, fg] = await colours().catch(() => ['', '']);
    }
    assert.ok(lightness(bg) > 180, `light background in the panel, got ${bg}`);
    assert.ok(lightness(fg) < 100, `dark text in the panel, got ${fg}`);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SHOTS, 'backend-status-light.png') });
    await reloadWithTheme('Default Dark Modern', 'vs-dark');
  });

  it('restarts the backend from the panel button, and a crashed backend comes back with one notice only', async () => {
    const pidInPanel = async () => Number(/pid (\d+)/.exec(await statusFrame().locator('#backend-versions').textContent())?.[1]);
    await runCommand(STATUS_TITLE);
    await statusFrame().locator('#backend-versions').waitFor({ timeout: 60000 });
    const first = await pidInPanel();
    assert.ok(first > 0);
    await statusFrame().locator('#restart').click();
    const waitForNewPid = async (old) => {
      for (let i = 0; i < 150; i++) {
        const now = await pidInPanel().catch(() => NaN);
        if (now > 0 && now !== old) return now;
        await page.waitForTimeout(200);
      }
      throw new Error(`the panel still shows pid ${old}`);
    };
    const second = await waitForNewPid(first);

    // Kill the backend twice: it is restarted each time, and the user hears of it once.
    process.kill(second, 'SIGKILL');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'backend stopped unexpectedly' });
    await toast.first().waitFor({ timeout: 30000 });
    await page.screenshot({ path: path.join(SHOTS, 'backend-crash-notice.png') });
    const third = await waitForNewPid(second);
    process.kill(third, 'SIGKILL');
    await waitForNewPid(third);
    await runCommand('Notifications: Show Notifications');
    const items = page.locator('.notifications-center .notification-list-item', { hasText: 'backend stopped unexpectedly' });
    await items.first().waitFor({ timeout: 10000 });
    assert.equal(await items.count(), 1, 'one notice for two crashes');
    await runCommand('Notifications: Clear All Notifications');
    assert.equal((await statusFrame().locator('#backend-state').textContent())?.trim(), 'running');
  });

  it('Show Dataset from the Explorer shows counts and thumbnails, and the panel survives a reload in a light theme', async () => {
    await runCommand('View: Close All Editors');
    await runCommand('View: Hide Panel'); // the crash notice's log would leave little room for the panel
    await page.locator('.statusbar-item .codicon-pulse').first().waitFor({ timeout: 90000 }); // the extension is up
    const menu = await explorerMenu('mri-dataset');
    await clickMenuItem(menu, 'Show Dataset');
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const cell = frame.locator('#count-Training-glioma');
    await cell.waitFor({ timeout: 60000 });
    assert.equal((await cell.textContent())?.trim(), '3');
    assert.equal((await frame.locator('#count-Testing-total').textContent())?.trim(), '8');
    const thumbs = frame.locator('button.thumb img');
    await thumbs.first().waitFor();
    assert.ok(await thumbs.count() >= 4, 'sample thumbnails per class');
    // Thumbnails load lazily: scrolled into view (the Output panel may leave them below the fold), the element
    // still comes before its picture, so wait for the load (a picture the CSP blocks never loads).
    await thumbs.first().scrollIntoViewIfNeeded();
    const loaded = await thumbs.first().evaluate((img) => img.complete && img.naturalWidth > 0 ? true
      : new Promise((resolve) => { img.addEventListener('load', () => resolve(img.naturalWidth > 0)); img.addEventListener('error', () => resolve(false)); setTimeout(() => resolve(false), 15000); }));
    const why = loaded ? '' : await thumbs.first().evaluate((img) => `src ${img.src}: complete ${img.complete}, width ${img.naturalWidth}`);
    if (!loaded) await page.screenshot({ path: path.join(SHOTS, 'dataset-thumbnail-failed.png') });
    assert.ok(loaded, `a thumbnail loaded through the CSP (${why})`);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SHOTS, 'dataset-dark.png') });
    await frame.locator('#problems, #dataset-summary').first().scrollIntoViewIfNeeded();

    await reloadWithTheme('Default Light Modern', 'vs');
    const again = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame').locator('#count-Training-glioma');
    await again.waitFor({ timeout: 60000 });
    assert.equal((await again.textContent())?.trim(), '3');
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(SHOTS, 'dataset-light.png') });
    await reloadWithTheme('Default Dark Modern', 'vs-dark');
  });

  it('Train Model from the Explorer trains with live curves, and the Training panel comes back after a reload', async () => {
    await runCommand('View: Close All Editors');
    // The extension is up: its status item shows the engine, or, after a reload, "Brain Tumor" (the backend waits
    // for a first use: Train Model is that use).
    await page.locator('.statusbar-item .codicon-pulse').or(page.locator('.statusbar-item', { hasText: 'Brain Tumor' })).first().waitFor({ timeout: 90000 });
    await trainFromExplorer('train-set', 2);
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    // The panel opens at the start and fills in as epochs end; the second epoch's row and the end come live.
    const cell = frame.locator('#epoch-2-valAcc');
    await cell.waitFor({ timeout: 180000 });
    await frame.locator('#run-end').waitFor({ timeout: 60000 });
    assert.match((await frame.locator('#run-status').textContent()) ?? '', /Completed|Stopped early/);
    // The finished run was evaluated on the generated Testing split (12 images) at once.
    await frame.locator('#run-test').waitFor({ timeout: 60000 });
    assert.match((await frame.locator('#run-test').textContent()) ?? '', /Testing accuracy \d+\.\d% on the official split \(12 images\)/);
    const runs = path.join(WORKSPACE, '.brain-tumor', 'runs');
    const [runId] = fs.readdirSync(runs);
    const history = JSON.parse(fs.readFileSync(path.join(runs, runId, 'history.json'), 'utf8'));
    assert.equal(history.length, 2);
    assert.equal((await cell.textContent())?.trim(), `${(history[1].valAcc * 100).toFixed(1)}%`, 'the panel shows the run folder\'s figure');
    assert.ok(await frame.locator('#chart-loss').evaluate((c) => c.width > 100 && c.height > 100), 'the loss chart is drawn');
    assert.match((await frame.locator('#run-backend').textContent()) ?? '', /(wasm|gpu|node|cpu), \d+ threads?/);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SHOTS, 'training-dark.png') });

    await reloadWithTheme('Default Light Modern', 'vs');
    const again = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame').locator('#epoch-2-valAcc');
    await again.waitFor({ timeout: 60000 });
    assert.equal((await again.textContent())?.trim(), `${(history[1].valAcc * 100).toFixed(1)}%`);
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(SHOTS, 'training-light.png') });
    await reloadWithTheme('Default Dark Modern', 'vs-dark');
  });

  it('a run goes on after a window reload mid-run, and Cancel in the panel stops it with Resume offered', async () => {
    await runCommand('View: Close All Editors');
    await trainFromExplorer('train-set', 40);
    let frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await frame.locator('#epoch-1-valAcc').waitFor({ timeout: 180000 });

    await reloadWithTheme('Default Dark Modern', 'vs-dark');
    frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    // The panel comes back with the epochs from the run folder; the run resumes by itself and goes on.
    await frame.locator('#epoch-1-valAcc').waitFor({ timeout: 90000 });
    const cancel = frame.locator('#cancel');
    await cancel.waitFor({ timeout: 120000 });
    const next = await frame.locator('table.history tbody tr').count();
    await frame.locator(`#epoch-${next + 1}-valAcc`).waitFor({ timeout: 120000 });
    await frame.locator('#run-progress').waitFor({ timeout: 60000 });
    await page.screenshot({ path: path.join(SHOTS, 'training-live-dark.png') });
    await cancel.click();
    await frame.locator('#run-status', { hasText: 'Cancelled' }).waitFor({ timeout: 120000 });
    await frame.locator('#resume').waitFor({ timeout: 10000 });
    assert.match((await frame.locator('#run-end').textContent()) ?? '', /Cancelled after \d+ finished epoch/);
    await page.screenshot({ path: path.join(SHOTS, 'training-cancelled-dark.png') });
  });

  it('Evaluate Model with an external folder shows the confusion matrix and the external row, in dark and light themes', async () => {
    await runCommand('View: Close All Editors');
    await runCommand('Brain Tumor: Evaluate Model');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'completed' }).first();
    await row.waitFor({ timeout: 30000 });
    await row.click();
    const external = path.join(WORKSPACE, 'external-set');
    await addExternalFolder(external);
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const cell = frame.locator('#cm-official-glioma-glioma');
    await cell.waitFor({ timeout: 180000 });
    const runs = path.join(WORKSPACE, '.brain-tumor', 'runs');
    const runDir = fs.readdirSync(runs).map((d) => path.join(runs, d)).find((d) => JSON.parse(fs.readFileSync(path.join(d, 'metadata.json'), 'utf8')).status === 'completed');
    const report = JSON.parse(fs.readFileSync(path.join(runDir, 'evaluation.json'), 'utf8'));
    const official = report.splits.find((s) => s.key === 'official');
    assert.equal(((await cell.textContent()) ?? '').trim().split(/\s+/)[0], String(official.confusion[0][0]), 'the cell shows the saved count');
    const acc = ((await frame.locator('#metric-official-accuracy').textContent()) ?? '').trim();
    assert.ok(acc.startsWith((official.accuracy * 100).toFixed(1)), `accuracy cell "${acc}" vs ${official.accuracy}`);
    await frame.locator('#metric-deduplicated-accuracy').waitFor();
    // The external set's row: its sensitivity cell shows the saved figure.
    assert.equal(report.external.length, 1, 'one external set was scored');
    assert.equal(report.external[0].root, external);
    const sensitivity = frame.locator('[data-testid="external-sensitivity"][data-external="external-set"]');
    await sensitivity.waitFor({ timeout: 30000 });
    assert.equal(((await sensitivity.textContent()) ?? '').trim(), `${(report.external[0].sensitivity * 100).toFixed(1)}%`);
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(SHOTS, 'metrics-dark.png') });
    await frame.locator('#external-section').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SHOTS, 'metrics-external-dark.png') });
    await reloadWithTheme('Default Light Modern', 'vs');
    const again = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame').locator('#cm-official-glioma-glioma');
    await again.waitFor({ timeout: 60000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(SHOTS, 'metrics-light.png') });
    const restored = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await restored.locator('#external-section').scrollIntoViewIfNeeded();
    assert.equal(((await restored.locator('[data-testid="external-sensitivity"][data-external="external-set"]').textContent()) ?? '').trim(),
      `${(report.external[0].sensitivity * 100).toFixed(1)}%`, 'the external row comes back after a reload');
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SHOTS, 'metrics-external-light.png') });
    await reloadWithTheme('Default Dark Modern', 'vs-dark');
  });

  it('the Metrics panel with external sets and robustness, and an old report, render under the CSP in light and dark (preview)', () => {
    const log = metricsPreview();
    assert.match(log, /light full/);
    assert.match(log, /dark old/);
    for (const f of ['metrics-preview-full-external-light.png', 'metrics-preview-full-robustness-dark.png', 'metrics-preview-old-page-light.png']) {
      assert.ok(fs.existsSync(path.join(SHOTS, f)), f);
    }
  });

  it('offers Classify Image in the Explorer context menu of an image and a folder, not of a text file', async () => {
    let menu = await explorerMenu('scan.png');
    await menu.getByRole('menuitem', { name: 'Classify Image' }).waitFor({ timeout: 10000 });
    await page.screenshot({ path: path.join(SHOTS, 'explorer-context-image.png') });
    await closeMenu();

    menu = await explorerMenu('scans');
    await menu.getByRole('menuitem', { name: 'Classify Image' }).waitFor({ timeout: 10000 });
    await closeMenu();

    menu = await explorerMenu('notes.txt');
    await menu.getByRole('menuitem', { name: 'Copy Path' }).first().waitFor({ timeout: 10000 });
    assert.equal(await menu.getByRole('menuitem', { name: 'Classify Image' }).count(), 0);
    await closeMenu();
  });

  it('Classify Image on an image in the Explorer shows the predicted class, the heat map and the disclaimer', async () => {
    await runCommand('View: Close All Editors');
    // What the bundled model says about this image, from the CLI: the panel must show the same class.
    const expected = JSON.parse(execFileSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'classify', path.join(WORKSPACE, 'scan.png'), '--json'],
      { encoding: 'utf8' })).items[0];
    const menu = await explorerMenu('scan.png');
    await clickMenuItem(menu, 'Classify Image');
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const predicted = frame.locator('#predicted');
    await predicted.waitFor({ timeout: 90000 });
    assert.equal((await predicted.textContent())?.trim(), expected.predicted);
    assert.match((await frame.locator('#disclaimer').textContent()) ?? '', /Research use only, not for clinical diagnosis/);
    for (const c of ['glioma', 'meningioma', 'notumor', 'pituitary']) await frame.locator(`#prob-${c}`).waitFor();
    assert.equal(await frame.locator('#uncertain-banner').count(), expected.uncertain ? 1 : 0, 'the uncertain state matches the result');
    await frame.locator('#heatmap-toggle').waitFor();
    assert.match((await frame.locator('#model-info').textContent()) ?? '', /bundled/i);
    // The status bar names the model used.
    await page.locator('.statusbar-item', { hasText: 'bundled' }).first().waitFor({ timeout: 30000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(SHOTS, 'classify-single-dark.png') });
    await reloadWithTheme('Default Light Modern', 'vs');
    const again = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame').locator('#predicted');
    await again.waitFor({ timeout: 60000 });
    assert.equal((await again.textContent())?.trim(), expected.predicted, 'the panel comes back after a reload');
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(SHOTS, 'classify-single-light.png') });
    await reloadWithTheme('Default Dark Modern', 'vs-dark');
  });

  it('Classify Image on a folder shows a sortable, filterable batch table', async () => {
    await runCommand('View: Close All Editors');
    const menu = await explorerMenu('mri-dataset');
    await clickMenuItem(menu, 'Classify Image');
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const rows = frame.locator('#batch-table tr[data-path]');
    await rows.first().waitFor({ timeout: 90000 });
    assert.equal(await rows.count(), 20, 'every image of the dataset folder, recursively');
    await frame.locator('#filter-class').selectOption('glioma');
    const shown = await frame.locator('#batch-table tr[data-path]:visible').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-predicted')));
    assert.ok(shown.every((c) => c === 'glioma'), `filtered to glioma: ${shown.join(', ')}`);
    await frame.locator('#filter-class').selectOption('all');
    await frame.locator('#disclaimer').waitFor();
    const thumb = frame.locator('#batch-table tr[data-path] td.thumb-cell img').first();
    await thumb.waitFor();
    await page.waitForFunction(() => true);
    for (let i = 0; i < 50 && !(await thumb.evaluate((img) => img.complete && img.naturalWidth > 0)); i++) await page.waitForTimeout(200);
    assert.ok(await thumb.evaluate((img) => img.complete && img.naturalWidth > 0), 'a thumbnail loaded through the CSP');
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SHOTS, 'classify-batch-dark.png') });
    // Opening a row explains it on demand: its heat map and probabilities appear in the detail pane.
    await rows.first().click();
    await frame.locator('#detail #predicted').waitFor({ timeout: 60000 });
    assert.equal((await frame.locator('#detail #predicted').textContent())?.trim(), await rows.first().getAttribute('data-predicted'));
    await frame.locator('#detail #heatmap-toggle').waitFor({ timeout: 60000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(SHOTS, 'classify-batch-detail-dark.png') });
  });
});
