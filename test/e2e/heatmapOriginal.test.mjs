// UI test: the Classification panel draws the Grad-CAM heat map back onto the original image (through resize, pad
// and crop), beside the model input, and the batch table is usable from the keyboard. The packaged VSIX in
// code-server, driven by Playwright; screenshots in test-results/screenshots/ (dark and light).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { REPO, RESULTS } from '../tools/codeServer.mjs';
import { makeTestWorkspace } from '../tools/testWorkspace.mjs';
import * as actions from '../tools/workbenchActions.mjs';
import { openWorkbench, reloadWithTheme as reloadSession } from '../tools/workbenchSession.mjs';

const WORK = path.join(RESULTS, 'ui-heatmap');
const SHOTS = path.join(RESULTS, 'screenshots');
const WORKSPACE = path.join(WORK, 'workspace');
/** A wide original (240 x 160) with the head off-centre: the crop, the padding above and below, the resize all matter. */
const WIDE = 'wide-scan.png';
const WIDE_SIZE = { width: 240, height: 160 };

let cs;
let ctx;
let page;
const frame = () => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');

const reloadWithTheme = (theme, workbenchClass) => reloadSession(page, WORK, theme, workbenchClass);

async function writeWideScan(file) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDE_SIZE.width}" height="${WIDE_SIZE.height}">` +
    `<rect width="${WIDE_SIZE.width}" height="${WIDE_SIZE.height}"/><ellipse cx="150" cy="88" rx="56" ry="44" fill="#777"/>` +
    '<circle cx="168" cy="76" r="11" fill="#eee"/></svg>';
  await sharp(Buffer.from(svg)).greyscale().png().toFile(file);
}

/**
 * Where the heat map's strongest cell inside the crop lies in the original, from the CLI's result for the same
 * image with the same bundled model: the cell's centre through the recorded square (resize and pad undone).
 */
function expectedPeak(file) {
  const out = fs.mkdtempSync(path.join(WORK, 'cli-'));
  const result = JSON.parse(execFileSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'classify', file, '--json', '--explain', out],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  const item = result.items[0];
  const { heatmap: h, original } = item;
  assert.ok(h && original, 'the CLI result has a heat map and the geometry');
  const g = original.geometry;
  let best = null;
  for (let cy = 0; cy < h.height; cy++) {
    for (let cx = 0; cx < h.width; cx++) {
      const x = g.square.left + ((cx + 0.5) * g.square.width) / h.width;
      const y = g.square.top + ((cy + 0.5) * g.square.height) / h.height;
      const inCrop = x > g.crop.left && x < g.crop.left + g.crop.width && y > g.crop.top && y < g.crop.top + g.crop.height;
      const v = h.values[cy * h.width + cx];
      if (inCrop && (!best || v > best.v)) best = { x, y, v };
    }
  }
  assert.ok(best && best.v > 0.3, `a clear peak inside the crop (${best?.v})`);
  return { ...best, geometry: g, predicted: item.predicted };
}

describe('Classification panel: heat map on the original, keyboard in the batch table', { timeout: 600000 }, () => {
  before(async () => {
    ({ cs, ctx, page } = await openWorkbench({
      work: WORK, workspace: WORKSPACE, settings: { 'workbench.colorTheme': 'Default Dark Modern' },
      makeWorkspace: async () => {
        await makeTestWorkspace(WORKSPACE, { datasetName: 'mri-dataset' });
        await writeWideScan(path.join(WORKSPACE, WIDE));
      },
    }));
    // The extension is up (its Explorer menu items need it) once the status bar shows the backend's engine.
    await actions.startBackend(page);
  });

  after(async () => {
    if (page) await page.screenshot({ path: path.join(SHOTS, 'heatmap-original-last-state.png') }).catch(() => {});
    await ctx?.close().catch(() => {});
    cs?.stop();
  });

  it('draws the mapped-back heat map over the original at its own size, beside the model input', async () => {
    const peak = expectedPeak(path.join(WORKSPACE, WIDE));
    const menu = await actions.explorerMenu(page, WIDE);
    await actions.clickMenuItem(page, menu, 'Classify Image');
    const f = frame();
    await f.locator('#predicted').waitFor({ timeout: 90000 });
    assert.equal((await f.locator('#predicted').textContent())?.trim(), peak.predicted);
    const original = f.locator('#original-image');
    await original.waitFor({ timeout: 30000 });
    for (let i = 0; i < 50 && !(await original.evaluate((img) => img.complete && img.naturalWidth > 0)); i++) await page.waitForTimeout(200);
    assert.deepEqual(await original.evaluate((img) => ({ width: img.naturalWidth, height: img.naturalHeight })), WIDE_SIZE,
      'the original arrives at its own resolution (through the CSP, as a data: URL)');
    await f.locator('#input-image').waitFor();
    await f.locator('#heatmap-canvas').waitFor();
    const overlay = f.locator('#original-heatmap');
    await overlay.waitFor();
    const drawn = await overlay.evaluate((c, p) => {
      const g = c.getContext('2d');
      const alpha = (x, y) => g.getImageData(Math.floor(x), Math.floor(y), 1, 1).data[3];
      return {
        width: c.width, height: c.height, atPeak: alpha(p.x, p.y),
        // Left of the crop (the dark border cut away) nothing is drawn; above the head, the input's padding.
        leftOfCrop: alpha(Math.max(0, p.geometry.crop.left - 8), p.y), corner: alpha(2, 2),
      };
    }, { x: peak.x, y: peak.y, geometry: peak.geometry });
    assert.deepEqual({ width: drawn.width, height: drawn.height }, WIDE_SIZE, 'the overlay canvas has the original\'s size');
    assert.ok(drawn.atPeak > 60, `the overlay is opaque where the Grad-CAM peak maps to (${JSON.stringify(drawn)}, peak ${JSON.stringify(peak)})`);
    assert.equal(drawn.leftOfCrop, 0, 'nothing drawn outside the crop');
    assert.equal(drawn.corner, 0);
    // The overlay lies exactly on the original picture.
    const [a, b] = [await original.boundingBox(), await overlay.boundingBox()];
    for (const k of ['x', 'y', 'width', 'height']) assert.ok(Math.abs(a[k] - b[k]) < 1.5, `overlay ${k} ${b[k]} vs picture ${a[k]}`);
    // One opacity control drives both overlays.
    await f.locator('#heatmap-opacity').fill('80');
    assert.deepEqual(await f.locator('canvas.heat').evaluateAll((cs) => cs.map((c) => c.style.opacity)), ['0.8', '0.8']);
    await f.locator('#heatmap-opacity').fill('55');
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(SHOTS, 'heatmap-original-dark.png') });
    await reloadWithTheme('Default Light Modern', 'vs');
    const again = frame().locator('#original-heatmap');
    await again.waitFor({ timeout: 60000 });
    assert.deepEqual(await again.evaluate((c) => ({ width: c.width, height: c.height })), WIDE_SIZE, 'restored after a reload');
    await page.waitForTimeout(600);
    await page.screenshot({ path: path.join(SHOTS, 'heatmap-original-light.png') });
    await reloadWithTheme('Default Dark Modern', 'vs-dark');
  });

  it('moves through batch rows with Up/Down and j/k, opens a row with Enter and closes it with Escape', async () => {
    await actions.runCommand(page, 'View: Close All Editors');
    const menu = await actions.explorerMenu(page, 'mri-dataset');
    await actions.clickMenuItem(page, menu, 'Classify Image');
    const f = frame();
    const rows = f.locator('#batch-table tbody tr[data-path]');
    await rows.first().waitFor({ timeout: 90000 });
    assert.equal(await f.locator('#batch-table').getAttribute('role'), 'grid');
    const paths = await rows.evaluateAll((trs) => trs.map((t) => t.dataset.path));
    const focused = () => f.locator(':root').evaluate((root) => root.ownerDocument.activeElement?.closest('tr')?.dataset.path ?? null);
    await rows.first().focus();
    assert.equal(await focused(), paths[0]);
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), paths[1], 'ArrowDown');
    await page.keyboard.press('j');
    assert.equal(await focused(), paths[2], 'j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    assert.equal(await focused(), paths[2], 'k');
    await page.keyboard.press('ArrowUp');
    assert.equal(await focused(), paths[1], 'ArrowUp');
    assert.equal(await f.locator('#batch-table tbody tr:focus-visible').count(), 1, 'the focused row shows its focus');
    await page.keyboard.press('Enter');
    const detail = f.locator('#detail #detail-view');
    await detail.waitFor({ timeout: 30000 });
    assert.equal(await detail.getAttribute('data-path'), paths[1], 'Enter opens the focused row');
    assert.equal(await rows.nth(1).getAttribute('aria-selected'), 'true');
    // The row's heat map arrives by `explain`, and is drawn on its original too.
    await f.locator('#detail #original-heatmap').waitFor({ timeout: 60000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(SHOTS, 'heatmap-original-batch-dark.png') });
    await rows.nth(1).focus();
    await page.keyboard.press('Escape');
    await f.locator('#detail.empty').waitFor({ state: 'attached', timeout: 10000 });
    assert.equal(await focused(), paths[1], 'Escape closes the detail and leaves the keyboard on the row');
    await page.keyboard.press('j');
    assert.equal(await focused(), paths[2], 'and the keys go on working');
  });
});
