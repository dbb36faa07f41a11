/**
 * Looks at the Classification panel's volume view as a user would, without VS Code or a backend: the real
 * dist/webview/classification.js under the panel's CSP (previewPage.ts) gets a fixture volume (generated slices,
 * made-up heat maps and probabilities), in light and dark themes; headless Chromium saves screenshots and checks that
 * the slider, the keyboard and a click on the chart change the slice shown, and that the page saves the slice.
 *
 *   node esbuild.js
 *   npx esbuild test/tools/volumePreview.ts --bundle --platform=node --external:sharp --external:playwright-core \
 *     --outfile=out/tools/volumePreview.js && node out/tools/volumePreview.js [outDir]
 *
 * Exits non-zero on a failed check, a console error or a CSP violation.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import sharp from 'sharp';
import type { ClassifyResult } from '../../server/protocol';
import { makeClassified, makeHeatmap, makeResult, makeVolumeItem } from '../fixtures/classifyResult';
import { sliceSvg } from '../fixtures/images';
import { previewPageHtml, type PreviewTheme } from './previewPage';

const REPO = path.resolve(__dirname, '..', '..');
const OUT = path.resolve(process.argv[2] ?? '/tmp/volume-panel-shots');
const WORK = path.join(OUT, 'page');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const COUNT = 60;

async function sliceInput(index: number): Promise<string> {
  const tumour = index >= Math.round(COUNT * 0.45) && index <= Math.round(COUNT * 0.7);
  const png = await sharp(sliceSvg(128, 128, tumour ? 'circle' : 'none', 7)).greyscale().png().toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

async function makeFixture(): Promise<{ single: ClassifyResult; batch: ClassifyResult }> {
  const inputs = await Promise.all(Array.from({ length: COUNT }, (_, i) => sliceInput(i)));
  const pictures = (i: number) => ({ input: inputs[i]!, heatmap: makeHeatmap(0.45 + 0.002 * i, 0.5, 8, i >= 27 && i <= 42 ? 'glioma' : 'notumor') });
  const volume = makeVolumeItem('/data/study/sub-01_T1c.nii.gz', COUNT, 0, COUNT - 1, pictures);
  const series = makeVolumeItem('/data/study/series-7', 24, 0, 23, () => ({ input: null, heatmap: null }),
    { format: 'dicom-series', modality: 'MR', seriesDescription: 'AX T2 FLAIR', sequence: 'FLAIR', window: 'DICOM window 600/1200' });
  return {
    single: makeResult([volume]),
    batch: makeResult([volume, series, makeClassified('/data/study/slice-12.jpg', 3, 0.93), makeClassified('/data/study/slice-13.dcm', 1, 0.61)]),
  };
}

const fail = (m: string) => { throw new Error(m); };
const text = (page: Page, sel: string) => page.$eval(sel, (e) => e.textContent ?? '');

/** The slider, keys and chart move the slice; the page keeps the slice it shows in its saved state. */
async function checkSlider(page: Page): Promise<void> {
  const start = await text(page, '#slice-label');
  if (!/^slice \d+ of 60$/.test(start)) fail(`slice label: ${start}`);
  const probsBefore = await text(page, '#probabilities');
  await page.fill('#slice-slider', '5');
  await page.$eval('#slice-slider', (s) => s.dispatchEvent(new Event('change')));
  if ((await text(page, '#slice-label')) !== 'slice 6 of 60') fail(`after slider: ${await text(page, '#slice-label')}`);
  if ((await text(page, '#probabilities')) === probsBefore) fail('the probabilities did not change with the slice');
  await page.focus('#slice-slider');
  await page.keyboard.press('ArrowRight');
  if ((await text(page, '#slice-label')) !== 'slice 7 of 60') fail(`after ArrowRight: ${await text(page, '#slice-label')}`);
  await page.keyboard.press('PageUp');
  if ((await text(page, '#slice-label')) !== 'slice 13 of 60') fail(`after PageUp: ${await text(page, '#slice-label')}`);
  const box = (await page.$('#slice-chart'))!;
  const b = (await box.boundingBox())!;
  // The plot spans 44..628 of 640 SVG units: its right end is the last slice.
  await page.mouse.click(b.x + (627 / 640) * b.width, b.y + b.height / 2);
  if ((await text(page, '#slice-label')) !== 'slice 60 of 60') fail(`after a chart click: ${await text(page, '#slice-label')}`);
  await page.keyboard.press('ArrowLeft');
  if ((await text(page, '#slice-label')) !== 'slice 59 of 60') fail(`after ArrowLeft on the chart: ${await text(page, '#slice-label')}`);
  const saved = await page.evaluate(() => (window as unknown as { __state: { slices?: Record<string, number> } }).__state.slices);
  if (saved?.['/data/study/sub-01_T1c.nii.gz'] !== 58) fail(`saved slice: ${JSON.stringify(saved)}`);
  if (!(await page.$('#heatmap-canvas'))) fail('no heat map on the slice');
  console.log('  checks passed (slider, arrows, Page Up, chart click, saved slice, heat map)');
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(REPO, 'dist', 'webview', 'classification.js'))) throw new Error('Build first: node esbuild.js');
  fs.mkdirSync(WORK, { recursive: true });
  const fixtureFile = path.join(WORK, 'fixture.js');
  fs.writeFileSync(fixtureFile, `window.__fixture = ${JSON.stringify(await makeFixture())};`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  const problems: string[] = [];
  try {
    for (const theme of ['light', 'dark'] as PreviewTheme[]) {
      const file = path.join(WORK, `${theme}.html`);
      fs.writeFileSync(file, previewPageHtml({ repo: REPO, theme, panel: 'classification', title: 'Volume preview', fixtureFile,
        answer: `if (m.type === 'ready') send({ type: 'result', result: window.__fixture[window.__which], thumbs: {} }, 0);` }));
      const open = async (which: 'single' | 'batch', width: number) => {
        const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme: theme });
        page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${theme} ${which}: ${m.text()}`); });
        page.on('pageerror', (e) => problems.push(`${theme} ${which}: ${e.message}`));
        await page.addInitScript((w) => {
          (window as unknown as Record<string, unknown>).__which = w;
          document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP: ${e.violatedDirective} ${e.blockedURI}`));
        }, which);
        await page.goto(`file://${file}`);
        await page.waitForSelector(which === 'batch' ? '#batch-table' : '#slice-slider');
        return page;
      };
      console.log(`${theme}:`);
      let page = await open('single', 1100);
      await page.screenshot({ path: path.join(OUT, `${theme}-volume.png`), fullPage: true });
      console.log(`  ${theme}-volume.png`);
      if (theme === 'light') await checkSlider(page);
      await page.close();
      page = await open('batch', 1280);
      await page.click('#batch-table tbody tr[data-path="/data/study/series-7"]');
      await page.waitForSelector('#slice-slider');
      await page.screenshot({ path: path.join(OUT, `${theme}-volume-batch.png`), fullPage: true });
      console.log(`  ${theme}-volume-batch.png`);
      await page.close();
    }
  } finally {
    await browser.close();
  }
  for (const p of problems) console.error(`page problem: ${p}`);
  if (problems.length) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
