/**
 * Looks at the Classification panel as a user would, without VS Code: a stand-in page loads the real
 * dist/webview/classification.js and common.css under the panel's CSP, with a fake acquireVsCodeApi that answers
 * `ready` with a result and `explain` with a heat map, in light and dark VS Code-like themes; headless Chromium
 * saves screenshots. Generated images only (never the dataset's).
 *
 *   node esbuild.js
 *   npx esbuild test/tools/classificationPreview.ts --bundle --platform=node --external:sharp --external:playwright-core \
 *     --outfile=out/tools/classificationPreview.js && node out/tools/classificationPreview.js [outDir]
 *
 * Prints the page's console errors and CSP violations; exits non-zero when there are any.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import sharp from 'sharp';
import type { ClassifiedImage, ClassifyItem, ClassifyResult } from '../../server/protocol';
import { makeClassified, makeFailed, makeHeatmap, makeResult, spread } from '../fixtures/classifyResult';
import { sliceSvg, type Shape } from '../fixtures/images';
import { previewPageHtml, type PreviewTheme } from './previewPage';

const REPO = path.resolve(__dirname, '..', '..');
const OUT = path.resolve(process.argv[2] ?? '/tmp/classify-panel-shots');
const WORK = path.join(OUT, 'page');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const INPUT = 128;

/** Where sliceSvg puts the lesion of a seed (its own formula), as fractions of the side. */
function lesionAt(seed: number): [number, number] {
  const r = (k: number) => ((Math.sin(seed * 12.9898 + k * 78.233) * 43758.5453) % 1 + 1) % 1;
  const cx = 0.4 + 0.2 * r(1), cy = 0.4 + 0.2 * r(2), rx = 0.26 + 0.14 * r(3), ry = 0.3 + 0.12 * r(4);
  return [cx + (r(5) - 0.5) * rx, cy + (r(6) - 0.5) * ry];
}

async function writeSlice(file: string, shape: Shape, seed: number): Promise<string> {
  await sharp(sliceSvg(512, 512, shape, seed)).blur(1.2).greyscale().jpeg({ quality: 85 }).toFile(file);
  const png = await sharp(file).resize(INPUT, INPUT).greyscale().png().toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

const SHAPES: Shape[] = ['circle', 'square', 'none', 'triangle'];

interface Fixture { single: ClassifyResult; ood: ClassifyResult; batch: ClassifyResult; big: ClassifyResult; explained: Record<string, ClassifiedImage> }

async function makeFixture(): Promise<Fixture> {
  const dir = path.join(WORK, 'images', 'Testing');
  fs.mkdirSync(dir, { recursive: true });
  const explained: Record<string, ClassifiedImage> = {};
  const items: ClassifyItem[] = [];
  for (let i = 0; i < 30; i++) {
    const cls = i % 4;
    const file = path.join(dir, `${['Te-gl', 'Te-me', 'Te-no', 'Te-pi'][cls]}_${String(i + 1).padStart(4, '0')}.jpg`);
    if (i % 11 === 7) {
      fs.writeFileSync(file, 'PK\x03\x04 not an image');
      items.push(makeFailed(file, i === 7 ? 'The file is not an image (it starts with "PK", a ZIP archive). Remove it from the folder.'
        : 'The JPEG is truncated after 4 kB: the download was probably cut off. Copy the file again.'));
      continue;
    }
    const input = await writeSlice(file, SHAPES[cls]!, i + 1);
    // Some mistakes and some low confidence, as a real batch has.
    const predicted = i % 9 === 4 ? (cls + 1) % 4 : cls;
    const confidence = [0.97, 0.88, 0.64, 0.99, 0.51, 0.93, 0.78, 0.69][i % 8]!;
    const [x, y] = lesionAt(i + 1);
    const full = makeClassified(file, predicted, confidence, {
      input, heatmap: makeHeatmap(predicted === 2 ? 0.5 : x, predicted === 2 ? 0.45 : y, 8, ['glioma', 'meningioma', 'notumor', 'pituitary'][predicted] as 'glioma'),
    });
    explained[file] = full;
    // The first rows come with their input (as a small batch asked withInput would); the others need `explain`.
    items.push(i < 10 ? { ...full, heatmap: null } : { ...full, heatmap: null, input: null });
  }
  const first = explained[(items[0] as ClassifiedImage).path]!;
  const single = makeResult([{ ...first, confidence: 0.8731, probabilities: [0.8731, ...spread(0, 0.8731).slice(1)] }], { backend: 'node' });
  const oodFile = path.join(WORK, 'images', 'holiday photo, beach.jpg');
  await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 40, g: 140, b: 220 } } }).jpeg().toFile(oodFile);
  const oodInput = `data:image/png;base64,${(await sharp(oodFile).resize(INPUT, INPUT).greyscale().png().toBuffer()).toString('base64')}`;
  const ood = makeResult([makeClassified(oodFile, 1, 0.58, {
    input: oodInput, heatmap: makeHeatmap(0.7, 0.3, 8, 'meningioma'), width: 640, height: 480, uncertain: true,
    uncertainReasons: ['Confidence 58.0% is below the 70% threshold.', 'The image does not look like a brain MRI slice.'],
    distribution: { outOfDistribution: true, colourfulness: 92.4, darkBorder: 0.02, content: 1, white: 0.4, spread: 33, roughness: 12.5, featureDistance: 3.1,
      reasons: ['It is in colour (MRI slices are grey).', 'Its border is not dark (MRI slices sit on a black background).',
        'Its features are 3.1 times farther from every class than 99% of validation images.'] },
  })], { model: { ...single.model, bundled: true, runId: null, temperature: null, evaluation: null, featureStats: false } });
  // 1000 rows (the 27 images again and again, under other names) for timing the table.
  const ok = items.filter((i): i is ClassifiedImage => i.ok);
  const big = makeResult(Array.from({ length: 1000 }, (_, k) => {
    const src = ok[k % ok.length]!;
    return { ...src, path: src.path.replace(/\.jpg$/, `-${k}.jpg`), input: null, heatmap: null };
  }));
  return { single, ood, batch: makeResult(items), big, explained };
}

function pageHtml(theme: PreviewTheme, fixtureFile: string): string {
  return previewPageHtml({ repo: REPO, theme, panel: 'classification', title: 'Classification preview', fixtureFile, answer: `
      if (m.type === 'ready') send({ type: 'result', result: window.__fixture[window.__which], thumbs: window.__fixture.thumbs }, 0);
      if (m.type === 'explain') send({ type: 'explained', path: m.path, item: window.__fixture.explained[m.path] || null,
        error: window.__fixture.explained[m.path] ? null : 'no such image' }, window.__explainDelay);` });
}

async function shoot(page: Page, name: string): Promise<void> {
  // Lazy thumbnails start loading when the full-page shot makes them visible: give them a moment.
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
  console.log(`  ${name}.png`);
}

/** What a user does besides looking: the messages the page sends for export, open and the heat-map controls. */
async function checkBatch(page: Page, batch: ClassifyResult): Promise<void> {
  const posted = () => page.evaluate(() => (window as unknown as { __posted: { type: string; paths?: string[]; path?: string }[] }).__posted);
  const shown = await page.$$eval('#batch-table tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset.path));
  await page.click('#export-csv');
  const exported = (await posted()).at(-1);
  if (exported?.type !== 'exportCsv' || JSON.stringify(exported.paths) !== JSON.stringify(shown)) throw new Error('export-csv: not the rows shown, in order');
  await page.click('#open-image');
  if ((await posted()).at(-1)?.type !== 'open') throw new Error('open-image sent no open message');
  await page.uncheck('#heatmap-toggle');
  if (!(await page.$eval('#heatmap-canvas', (c) => (c as HTMLCanvasElement).hidden))) throw new Error('heatmap-toggle does not hide the heat map');
  await page.check('#heatmap-toggle');
  await page.fill('#heatmap-opacity', '80');
  const opacity = await page.$eval('#heatmap-canvas', (c) => getComputedStyle(c).opacity);
  if (opacity !== '0.8') throw new Error(`heatmap-opacity: canvas opacity ${opacity}`);
  await page.selectOption('#filter-uncertain', 'all');
  await page.click('#batch-table th[data-sort="name"]');
  const names = await page.$$eval('#batch-table tbody tr td.name', (tds) => tds.map((t) => t.textContent));
  if (names.length !== batch.items.filter((i) => i.ok).length || names[0] !== 'Te-gl_0001.jpg') throw new Error(`sort by name: ${names.slice(0, 3).join(', ')}`);
  console.log(`  checks passed (export of ${shown.length} rows, open, heat-map toggle and opacity, sort)`);
}

/** Render and re-sort times of a 1000-row batch (the page must stay responsive). */
async function timeBigTable(page: Page): Promise<void> {
  const ms = await page.evaluate(async () => {
    // Each step includes the layout it causes (forced by measuring), as the next frame would pay it.
    const layout = () => document.body.getBoundingClientRect();
    const t0 = performance.now();
    const g = window as unknown as { __fixture: { big: unknown; thumbs: unknown } };
    window.postMessage({ type: 'result', result: g.__fixture.big, thumbs: g.__fixture.thumbs }, '*');
    await new Promise((r) => setTimeout(r, 0));
    layout();
    const t1 = performance.now();
    (document.querySelector('#batch-table th[data-sort="confidence"]') as HTMLElement).click();
    layout();
    const t2 = performance.now();
    (document.querySelector('#batch-table tbody tr:nth-child(500)') as HTMLElement).click();
    layout();
    const t3 = performance.now();
    return { render: t1 - t0, sort: t2 - t1, select: t3 - t2, rows: document.querySelectorAll('#batch-table tbody tr').length };
  });
  console.log(`  1000 rows: ${ms.rows} shown, render ${ms.render.toFixed(0)} ms, sort ${ms.sort.toFixed(0)} ms, open a row ${ms.select.toFixed(0)} ms`);
  await page.close();
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(REPO, 'dist', 'webview', 'classification.js'))) throw new Error('Build first: node esbuild.js');
  fs.mkdirSync(WORK, { recursive: true });
  const fx = await makeFixture();
  const fileUri = (p: string) => `file://${p.split(path.sep).map(encodeURIComponent).join('/')}`;
  const thumbs: Record<string, string> = {};
  for (const i of fx.batch.items) thumbs[i.path] = fileUri(i.path);
  for (const i of fx.big.items) thumbs[i.path] = fileUri(i.path.replace(/-\d+\.jpg$/, '.jpg'));
  const fixtureFile = path.join(WORK, 'fixture.js');
  fs.writeFileSync(fixtureFile, `window.__fixture = ${JSON.stringify({ ...fx, thumbs })};`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  const problems: string[] = [];
  try {
    for (const theme of ['light', 'dark'] as const) {
      const file = path.join(WORK, `${theme}.html`);
      fs.writeFileSync(file, pageHtml(theme, fixtureFile));
      const open = async (which: 'single' | 'ood' | 'batch' | 'big', width = 1280, explainDelay = 250) => {
        const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme: theme });
        page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${theme} ${which}: ${m.text()}`); });
        page.on('pageerror', (e) => problems.push(`${theme} ${which}: ${e.message}`));
        await page.addInitScript(([w, d]) => {
          const g = window as unknown as Record<string, unknown>;
          g.__which = w;
          g.__explainDelay = d;
          document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP: ${e.violatedDirective} ${e.blockedURI}`));
        }, [which, explainDelay] as const);
        await page.goto(`file://${file}`);
        await page.waitForSelector(which === 'batch' || which === 'big' ? '#batch-table' : '#predicted');
        return page;
      };
      console.log(`${theme}:`);
      let page = await open('single');
      await shoot(page, `${theme}-single`);
      await page.close();
      page = await open('ood', 1000);
      await shoot(page, `${theme}-single-ood`);
      await page.close();
      page = await open('batch');
      await page.click('#batch-table th[data-sort="confidence"]');
      await page.click('#batch-table tbody tr:nth-child(3)');
      await page.waitForSelector('#heatmap-canvas');
      await shoot(page, `${theme}-batch`);
      await page.selectOption('#filter-uncertain', 'uncertain');
      await page.click('#batch-table tbody tr:nth-child(1)');
      await page.waitForSelector('#heatmap-canvas');
      await shoot(page, `${theme}-batch-uncertain`);
      if (theme === 'light') await checkBatch(page, fx.batch);
      await page.close();
      if (theme === 'light') await timeBigTable(await open('big'));
      page = await open('batch', 760, 60_000);
      await page.focus('#batch-table tbody tr:nth-child(12)');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#heatmap-status');
      await page.screenshot({ path: path.join(OUT, `${theme}-batch-narrow.png`) });
      console.log(`  ${theme}-batch-narrow.png`);
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
