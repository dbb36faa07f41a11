/**
 * Looks at the Metrics panel as a user would, without VS Code or a backend: the stand-in page (previewPage.ts)
 * loads the real dist/webview/metrics.js and common.css under the panel's CSP and answers `ready` with a fixture
 * report, in light and dark themes; headless Chromium saves screenshots of the whole page and of the tumour vs no
 * tumour, external validation and robustness sections. Variants: the fixture report (one coarse external set,
 * perturbations), two more external sets (a finely labelled one, a long name), and an evaluation saved by an older
 * version (no external, perturbations or detection fields), which must still render.
 *
 *   node esbuild.js
 *   npx esbuild test/tools/metricsPreview.ts --bundle --platform=node --external:playwright-core \
 *     --outfile=out/tools/metricsPreview.js && node out/tools/metricsPreview.js [outDir]
 *
 * The UI suite runs it into test-results/screenshots/. Prints the page's console errors and CSP violations and the
 * checks that failed; exits non-zero when there are any.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import type { EvaluationReport, ExternalScores } from '../../server/protocol';
import { FIXTURE_EXTERNAL, makeEvaluationReport, makeHistory } from '../fixtures/evaluationReport';
import { previewPageHtml, type PreviewTheme } from './previewPage';

const REPO = path.resolve(__dirname, '..', '..');
const OUT = path.resolve(process.argv[2] ?? path.join(REPO, 'test-results', 'screenshots'));
const WORK = path.join(REPO, 'out', 'tools', 'metrics-preview');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

type Variant = 'full' | 'many' | 'old';

/** A finely labelled external set (four classes, some notumor), and one with a long folder name. */
function moreExternal(): ExternalScores[] {
  const fineSplit = makeEvaluationReport({ accuracyShift: -0.21 }).splits[0]!;
  const fine: ExternalScores = {
    ...FIXTURE_EXTERNAL(), root: '/home/user/data/figshare-cheng-2017', name: 'figshare-cheng-2017', labels: { fine: 612, coarse: 0 },
    count: 612, tumour: 412, notumor: 200, sensitivity: 0.881, specificity: 0.62, auc: 0.871,
    confidentMisses: { count: 21, of: 412, rate: 21 / 412 }, confidentFalseAlarms: { count: 48, of: 200, rate: 0.24 },
    predicted: { glioma: 140, meningioma: 151, notumor: 173, pituitary: 148 }, fine: fineSplit, nearCopies: 0, deduplicated: null,
    confidentMissFiles: ['meningioma/1187.png'], skipped: [{ rel: 'glioma/broken.png', message: 'corrupt PNG' }],
  };
  const long: ExternalScores = {
    ...FIXTURE_EXTERNAL(), root: '/mnt/shared/hospital-b/exports/2026-11/axial-t1-contrast-enhanced-tumour-unknown',
    name: 'axial-t1-contrast-enhanced-tumour-unknown', count: 40, tumour: 40, labels: { fine: 0, coarse: 40 }, sensitivity: 0.55,
    confidentMisses: { count: 9, of: 40, rate: 0.225 }, predicted: { glioma: 10, meningioma: 8, notumor: 18, pituitary: 4 }, nearCopies: 0, deduplicated: null,
    confidentMissFiles: [],
  };
  return [fine, long];
}

function report(v: Variant): EvaluationReport {
  const r = makeEvaluationReport();
  if (v === 'many') r.external.push(...moreExternal());
  if (v === 'old') {
    const old = r as Partial<EvaluationReport>;
    delete old.external;
    delete old.perturbations;
    delete old.perturbationBaseline;
    delete old.trainingSources;
    for (const s of r.splits) delete s.detection;
  }
  return r;
}

async function check(page: Page, v: Variant, problems: string[]): Promise<void> {
  const fail = (m: string) => problems.push(`${v}: ${m}`);
  const cells = await page.$$eval('[data-testid="external-sensitivity"]', (tds) => tds.map((td) => [(td as HTMLElement).dataset.external, td.textContent]));
  const posted = await page.evaluate(() => (window as unknown as { __posted: { type: string; external?: unknown[] }[] }).__posted);
  const rendered = posted.filter((m) => m.type === 'rendered').at(-1);
  if (v === 'old') {
    if (cells.length) fail('external rows in an old report');
    if (!(await page.$('#external-hint'))) fail('no hint on adding external folders');
    if (await page.$('#robustness, #detection')) fail('robustness or detection tables in an old report');
    if (!(await page.$('#metric-official-accuracy'))) fail('the headline is missing');
    if (rendered?.external?.length !== 0) fail(`rendered message: ${JSON.stringify(rendered)}`);
    return;
  }
  if (cells[0]?.[0] !== 'br35h-tumour' || cells[0]?.[1] !== '12.8%') fail(`external sensitivity cell: ${JSON.stringify(cells)}`);
  if (JSON.stringify(rendered?.external?.[0]) !== JSON.stringify({ name: 'br35h-tumour', sensitivity: '12.8%' })) fail(`rendered message: ${JSON.stringify(rendered)}`);
  const text = async (sel: string) => (await page.textContent(sel))?.trim();
  if (await text('#external-0-confident-misses') !== '717 of 859 (83.5%)') fail(`confident misses: ${await text('#external-0-confident-misses')}`);
  if (await text('#external-0-specificity') !== '–') fail('specificity of a tumour-only set is not –');
  if (await text('#detection-official-sensitivity') !== '98.5%') fail(`detection sensitivity: ${await text('#detection-official-sensitivity')}`);
  if (!(await page.$('#perturbation-contrast-low-drop.large-drop'))) fail('contrast-low (11.8 points) is not marked as a large drop');
  if (await page.$('#perturbation-upscale-drop.large-drop')) fail('upscale (0.2 points) is marked as a large drop');
  if (v === 'many' && await text('#external-1-accuracy') === '–') fail('the finely labelled set has no 4-class accuracy');
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(REPO, 'dist', 'webview', 'metrics.js'))) throw new Error('Build first: node esbuild.js');
  fs.mkdirSync(WORK, { recursive: true });
  fs.mkdirSync(OUT, { recursive: true });
  const fixtureFile = path.join(WORK, 'fixture.js');
  const variants: Variant[] = ['full', 'many', 'old'];
  fs.writeFileSync(fixtureFile, `window.__fixture = ${JSON.stringify({ reports: Object.fromEntries(variants.map((v) => [v, report(v)])), history: makeHistory() })};`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  const problems: string[] = [];
  try {
    for (const theme of ['light', 'dark'] as PreviewTheme[]) {
      const file = path.join(WORK, `${theme}.html`);
      fs.writeFileSync(file, previewPageHtml({ repo: REPO, theme, panel: 'metrics', title: 'Metrics preview', fixtureFile, answer: `
      if (m.type === 'ready') send({ type: 'report', report: window.__fixture.reports[window.__which], thumbs: {}, compare: null,
        history: window.__fixture.history }, 0);` }));
      for (const v of variants) {
        const width = v === 'many' ? 900 : 1280;
        const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme: theme });
        page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${theme} ${v}: ${m.text()}`); });
        page.on('pageerror', (e) => problems.push(`${theme} ${v}: ${e.message}`));
        await page.addInitScript((w) => {
          (window as unknown as Record<string, unknown>).__which = w;
          document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP: ${e.violatedDirective} ${e.blockedURI}`));
        }, v);
        await page.goto(`file://${file}`);
        await page.waitForSelector('#headline');
        await page.waitForTimeout(300);
        await check(page, v, problems);
        const name = (part: string) => path.join(OUT, `metrics-preview-${v}-${part}-${theme}.png`);
        await page.screenshot({ path: name('page'), fullPage: true });
        for (const [id, part] of [['#detection-section', 'detection'], ['#external-section', 'external'], ['#robustness-section', 'robustness']] as const) {
          const section = await page.$(id);
          if (section) await section.screenshot({ path: name(part) });
        }
        console.log(`  ${theme} ${v}: metrics-preview-${v}-*-${theme}.png`);
        await page.close();
      }
    }
  } finally {
    await browser.close();
  }
  for (const p of problems) console.error(`problem: ${p}`);
  if (problems.length) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
