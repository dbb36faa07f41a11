// UI test: Classify Image from the Explorer's context menu on a DICOM file and on a NIfTI volume (.nii.gz), both
// written by the test (test/tools/volumeFiles.mjs). The .dcm shows its class; the volume shows its summary, the
// slice slider and chart, and moving the slider changes "slice N of M" and the probabilities shown. The packaged
// VSIX in code-server, driven by Playwright; screenshots in test-results/screenshots/ (dark and light).
// Needs the DICOM and volume backends (issue 17): run it on a branch that has them merged.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RESULTS } from '../tools/codeServer.mjs';
import { makeTestWorkspace } from '../tools/testWorkspace.mjs';
import { writeDicom, writeNiftiGz } from '../tools/volumeFiles.mjs';
import * as actions from '../tools/workbenchActions.mjs';
import { openWorkbench, reloadWithTheme as reloadSession } from '../tools/workbenchSession.mjs';

const WORK = path.join(RESULTS, 'ui-volumes');
const SHOTS = path.join(RESULTS, 'screenshots');
const WORKSPACE = path.join(WORK, 'workspace');
const DCM = 'scan-t1.dcm';
const NII = 'brain-t1c.nii.gz';
const SLICES = 8;

let cs;
let ctx;
let page;
const frame = () => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
const text = async (locator) => (await locator.textContent())?.trim() ?? '';

describe('Classification panel: DICOM files and NIfTI volumes from the Explorer', { timeout: 600000 }, () => {
  before(async () => {
    ({ cs, ctx, page } = await openWorkbench({
      work: WORK, workspace: WORKSPACE, settings: { 'workbench.colorTheme': 'Default Dark Modern' },
      makeWorkspace: async () => {
        await makeTestWorkspace(WORKSPACE, { datasetName: 'mri-dataset' });
        writeDicom(path.join(WORKSPACE, DCM));
        writeNiftiGz(path.join(WORKSPACE, NII), 128, SLICES);
        // A volume inside a class folder: the Dataset panel counts it by its slices.
        writeNiftiGz(path.join(WORKSPACE, 'mri-dataset', 'Training', 'glioma', 'volume-1.nii.gz'), 128, SLICES);
      },
    }));
    await actions.startBackend(page);
  });

  after(async () => {
    if (page) await page.screenshot({ path: path.join(SHOTS, 'volumes-last-state.png') }).catch(() => {});
    await ctx?.close().catch(() => {});
    cs?.stop();
  });

  it('classifies a .dcm file from its context menu', async () => {
    const menu = await actions.explorerMenu(page, DCM);
    await actions.clickMenuItem(page, menu, 'Classify Image');
    const f = frame();
    await f.locator('#predicted').waitFor({ timeout: 90000 });
    assert.match(await text(f.locator('#predicted')), /^(glioma|meningioma|notumor|pituitary)$/);
    assert.equal(await f.locator('#slice-slider').count(), 0, 'a single-frame DICOM is an image, not a volume');
    assert.match(await text(f.locator('#disclaimer')), /not for clinical diagnosis/);
    await page.screenshot({ path: path.join(SHOTS, 'volumes-dcm-dark.png') });
  });

  it('classifies a .nii.gz volume: summary, slider and chart, and the slider changes the slice shown', async () => {
    const menu = await actions.explorerMenu(page, NII);
    await actions.clickMenuItem(page, menu, 'Classify Image');
    const f = frame();
    const slider = f.locator('#slice-slider');
    await slider.waitFor({ timeout: 120000 });
    assert.match(await text(f.locator('#volume-predicted')), /\S/);
    assert.match(await text(f.locator('#volume-facts')), /NIfTI volume/);
    assert.match(await text(f.locator('#volume-facts')), new RegExp(`Slices\\s*${SLICES}`));
    assert.equal(await f.locator('#slice-chart path.area').count(), 4, 'one area per class');
    assert.equal(await slider.getAttribute('max'), String(SLICES - 1));
    const label = f.locator('#slice-label');
    assert.match(await text(label), new RegExp(`^slice \\d+ of ${SLICES}$`));
    const seen = new Set();
    for (const at of [0, SLICES - 1, Math.floor(SLICES / 2)]) {
      await slider.fill(String(at));
      await slider.dispatchEvent('change');
      assert.equal(await text(label), `slice ${at + 1} of ${SLICES}`);
      seen.add(await text(f.locator('#probabilities')));
    }
    assert.ok(seen.size > 1, 'the probabilities shown change with the slice');
    await slider.focus();
    await page.keyboard.press('ArrowLeft');
    assert.equal(await text(label), `slice ${Math.floor(SLICES / 2)} of ${SLICES}`);
    await f.locator('#heatmap-canvas').waitFor({ timeout: 30000 });
    await page.screenshot({ path: path.join(SHOTS, 'volumes-nii-dark.png') });
    await reloadSession(page, WORK, 'Default Light Modern', 'vs');
    await frame().locator('#slice-slider').waitFor({ timeout: 60000 });
    assert.equal(await text(frame().locator('#slice-label')), `slice ${Math.floor(SLICES / 2)} of ${SLICES}`, 'the slice survives a reload');
    await page.screenshot({ path: path.join(SHOTS, 'volumes-nii-light.png') });
  });

  it('Show Dataset counts a NIfTI volume in a class folder by its slices', async () => {
    await actions.runCommand(page, 'View: Close All Editors');
    await actions.runCommand(page, 'View: Show Explorer');
    const menu = await actions.explorerMenu(page, 'mri-dataset');
    await actions.clickMenuItem(page, menu, 'Show Dataset');
    const f = frame();
    await f.locator('#volumes-table').waitFor({ timeout: 90000 });
    const row = (await f.locator('#volumes-table tbody tr').last().locator('td').allTextContents()).map((c) => c.trim()).join(' ');
    // Training, Glioma, 1 volume, 8 slices, the middle third selected (slices 2 to 4 of 0..7: 3).
    assert.match(row, new RegExp(`^Training glioma 1 ${SLICES} 3$`, "i"), row);
    assert.match(await text(f.locator('#volumes-note')), /counted but not yet used for training/);
    await page.screenshot({ path: path.join(SHOTS, 'volumes-dataset-light.png') });
  });
});
