// Compare Runs and chart export (issue 15), in code-server with the packaged VSIX: two tiny runs trained by the CLI
// on the generated dataset of the test workspace (one also scored on the external set) are compared from the
// palette; both runs' curves are drawn, the table sorts, and a chart is saved as PNG and SVG and the table as CSV
// through the save dialog; the panel comes back after a reload in a light theme. Screenshots in
// test-results/screenshots/compare-*.png.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO, RESULTS } from '../tools/codeServer.mjs';
import { makeTestWorkspace } from '../tools/testWorkspace.mjs';
import { answerSaveDialog, runCommand, startBackend } from '../tools/workbenchActions.mjs';
import { openWorkbench } from '../tools/workbenchSession.mjs';

const WORK = path.join(RESULTS, 'ui-compare');
const SHOTS = path.join(RESULTS, 'screenshots');
const WORKSPACE = path.join(WORK, 'workspace');
const RUNS = path.join(WORKSPACE, '.brain-tumor', 'runs');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let cs;
let ctx;
let page;
const frame = () => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');

/** A run trained by the CLI on the workspace's generated training set; returns its folder. */
function trainRun(args) {
  const out = execFileSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'train', '--data', path.join(WORKSPACE, 'train-set'), '--runs', RUNS,
    '--cache', path.join(WORK, 'cache'), '--model', 'compact', ...args], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return /Run folder: (.+)/.exec(out)[1].trim();
}

/** Mean of the r, g, b channels of a CSS colour: 0 black, 255 white. */
const lightness = (css) => css.match(/\d+/g).slice(0, 3).map(Number).reduce((a, b) => a + b) / 3;

let runA;
let runB;

describe('Compare Runs and chart export', { timeout: 600000 }, () => {
  before(async () => {
    ({ cs, ctx, page } = await openWorkbench({
      work: WORK, workspace: WORKSPACE, settings: { 'workbench.colorTheme': 'Default Dark Modern' },
      makeWorkspace: async () => {
        await makeTestWorkspace(WORKSPACE, { datasetName: 'mri-dataset', trainingSet: 6 });
        runA = trainRun(['--epochs', '2']);
        runB = trainRun(['--epochs', '3', '--seed', '7']);
        execFileSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'evaluate', '--model', runB, '--external', path.join(WORKSPACE, 'external-set'),
          '--cache', path.join(WORK, 'cache')], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
      },
    }));
  });

  after(async () => {
    if (page) await page.screenshot({ path: path.join(SHOTS, 'compare-last-state.png') }).catch(() => {});
    await ctx?.close().catch(() => {});
    cs?.stop();
  });

  it('Compare Runs from the palette draws both runs\' curves and lists them in a sortable table', async () => {
    await startBackend(page);
    await runCommand(page, 'Brain Tumor: Compare Runs');
    // The multi-select pick lists the runs folder's runs; the two newest are ticked.
    const idA = path.basename(runA), idB = path.basename(runB);
    const rows = page.locator('.quick-input-list .monaco-list-row');
    for (const id of [idA, idB]) await rows.filter({ hasText: id }).first().waitFor({ timeout: 60000 });
    assert.equal(await rows.count(), 2);
    assert.equal(await page.locator('.quick-input-list .monaco-list-row[aria-checked="true"]').count(), 2, 'both runs ticked');
    await page.screenshot({ path: path.join(SHOTS, 'compare-pick-dark.png') });
    await page.keyboard.press('Enter');

    const legend = frame().locator('#compare-legend li.legend-run');
    await legend.first().waitFor({ timeout: 60000 });
    assert.deepEqual((await legend.allTextContents()).map((t) => t.trim()).sort(), [idA, idB].sort());
    // Each chart drew a training and a validation series per run, in each run's colour.
    for (const id of ['compare-loss', 'compare-acc']) {
      const canvas = frame().locator(`#${id}`);
      await frame().locator(`#${id}[data-series]`).waitFor({ timeout: 30000 });
      const series = (await canvas.getAttribute('data-series')).split('\n').sort();
      assert.deepEqual(series, [`${idA} train`, `${idA} validation`, `${idB} train`, `${idB} validation`].sort(), id);
      const drawn = await canvas.evaluate((c) => {
        const css = globalThis.getComputedStyle(c.ownerDocument.body);
        const rgb = (name) => {
          const probe = c.ownerDocument.createElement('span');
          probe.style.color = css.getPropertyValue(name).trim();
          c.ownerDocument.body.append(probe);
          const v = globalThis.getComputedStyle(probe).color.match(/\d+/g).slice(0, 3).map(Number);
          probe.remove();
          return v;
        };
        const colours = [rgb('--vscode-charts-blue'), rgb('--vscode-charts-orange')];
        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const counts = colours.map(() => 0);
        for (let i = 0; i < px.length; i += 4) {
          // Theme colours may be translucent: a canvas keeps the colour with its alpha, so only the colour is compared.
          if (px[i + 3] < 40) continue;
          colours.forEach(([r, g, b], k) => { if (Math.abs(px[i] - r) + Math.abs(px[i + 1] - g) + Math.abs(px[i + 2] - b) < 40) counts[k]++; });
        }
        return counts;
      });
      assert.ok(drawn[0] > 50 && drawn[1] > 50, `${id}: pixels of each run's colour on the canvas: ${drawn}`);
    }

    // The table: the saved figures, and sorting by a column header.
    const history = (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'history.json'), 'utf8'));
    const meta = (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'metadata.json'), 'utf8'));
    for (const dir of [runA, runB]) {
      const id = path.basename(dir);
      const best = history(dir)[meta(dir).bestEpoch];
      assert.equal((await frame().locator(`#best-${id}`).textContent()).trim(), `${(best.valAcc * 100).toFixed(1)}%`);
    }
    const external = JSON.parse(fs.readFileSync(path.join(runB, 'evaluation.json'), 'utf8')).external[0];
    assert.match(await frame().locator(`#run-row-${idB} td.external`).textContent(), new RegExp(`external-set: ${(external.sensitivity * 100).toFixed(1)}%`));
    const order = async () => (await frame().locator('#compare-table tbody td.run-name').allTextContents()).map((t) => t.trim());
    await frame().locator('#sort-epochs').click();
    assert.equal(await frame().locator('#sort-epochs').evaluate((b) => b.parentElement.getAttribute('aria-sort')), 'descending');
    assert.deepEqual(await order(), [idB, idA], 'most epochs first');
    await frame().locator('#sort-epochs').click();
    assert.deepEqual(await order(), [idA, idB], 'and the other way');
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SHOTS, 'compare-dark.png') });
  });

  it('saves a chart as PNG and SVG and the table as CSV through the save dialog', async () => {
    const png = path.join(WORK, 'exported-loss.png');
    await frame().locator('#export-compare-loss-png').click();
    await answerSaveDialog(page, 'Save chart as PNG', png);
    const bytes = fs.readFileSync(png);
    assert.ok(bytes.subarray(0, 8).equals(PNG_SIGNATURE), 'a PNG file');
    const { default: sharp } = await import('sharp');
    const info = await sharp(bytes).metadata();
    assert.equal(info.format, 'png');
    assert.ok(info.width > 200 && info.height > 100, `${info.width} x ${info.height}`);
    fs.copyFileSync(png, path.join(SHOTS, 'compare-exported-loss.png'));

    const svg = path.join(WORK, 'exported-acc.svg');
    await frame().locator('#export-compare-acc-svg').click();
    await answerSaveDialog(page, 'Save chart as SVG', svg);
    const text = fs.readFileSync(svg, 'utf8');
    assert.ok(text.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
    for (const id of [runA, runB].map((d) => path.basename(d))) assert.ok(text.includes(`${id} validation`), `the SVG names ${id}`);
    await sharp(Buffer.from(text)).png().toFile(path.join(SHOTS, 'compare-exported-acc-svg.png'));

    const csv = path.join(WORK, 'runs.csv');
    await frame().locator('#export-csv').click();
    await answerSaveDialog(page, 'Export the runs as CSV', csv);
    const lines = fs.readFileSync(csv, 'utf8').split('\r\n');
    assert.match(lines[0], /^run,folder,status,model,settings,epochs/);
    // The table's order (sorted by epochs, ascending, in the test above).
    assert.deepEqual(lines.slice(1, 3).map((l) => l.split(',')[0]), [path.basename(runA), path.basename(runB)]);
  });

  it('the Metrics panel saves its confusion matrix (drawn from its SVG) as PNG', async () => {
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'Brain Tumor: Show Metrics');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(runB) }).first();
    await row.waitFor({ timeout: 30000 });
    await row.click();
    await frame().locator('#cm-official-glioma-glioma').waitFor({ timeout: 60000 });
    const png = path.join(WORK, 'confusion.png');
    await frame().locator('#export-confusion-official-png').click();
    await answerSaveDialog(page, 'Save chart as PNG', png);
    const { default: sharp } = await import('sharp');
    const info = await sharp(fs.readFileSync(png)).metadata();
    assert.equal(info.format, 'png');
    assert.ok(info.width > 400 && info.height > 400, `drawn at twice the SVG's size: ${info.width} x ${info.height}`);
    fs.copyFileSync(png, path.join(SHOTS, 'compare-exported-confusion.png'));
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SHOTS, 'compare-metrics-export-dark.png') });
    // Back to the comparison for the reload below.
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'Brain Tumor: Compare Runs');
    await page.locator('.quick-input-list .monaco-list-row[aria-checked="true"]').nth(1).waitFor({ timeout: 60000 });
    await page.keyboard.press('Enter');
    await frame().locator('#compare-legend li.legend-run').first().waitFor({ timeout: 60000 });
  });

  it('comes back after a reload, readable in a light theme', async () => {
    const file = path.join(WORK, 'data', 'user', 'User', 'settings.json');
    fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), 'workbench.colorTheme': 'Default Light Modern' }, null, 2));
    const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 60000 });
    await runCommand(page, 'Developer: Reload Window');
    await navigated;
    await page.locator('.monaco-workbench.vs').waitFor({ timeout: 60000 });
    await frame().locator('#compare-legend li.legend-run').first().waitFor({ timeout: 60000 });
    assert.equal(await frame().locator('#compare-legend li.legend-run').count(), 2);
    await frame().locator('#compare-loss[data-series]').waitFor({ timeout: 30000 });
    const [bg, fg] = await frame().locator('h1').evaluate((h) => [globalThis.getComputedStyle(h.ownerDocument.body).backgroundColor, globalThis.getComputedStyle(h).color]);
    assert.ok(lightness(bg) > 180 && lightness(fg) < 100, `light theme: ${bg} / ${fg}`);
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(SHOTS, 'compare-light.png') });
  });
});
