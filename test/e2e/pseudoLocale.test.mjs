// No text bypasses localisation (issue 16): the packaged extension runs in VS Code's pseudo-language (qps-ploc),
// with bundles @vscode/l10n-dev generates from the English ones (every letter accented: "Ɓřȧȧīƞ Ŧŭŭḿǿǿř"). Any
// panel text left in plain English letters is a text that never went through l10n.t; the test lists them. What is
// data rather than words (paths, file names, run ids, identifiers such as class, engine, layer and perturbation
// names) is allowed.
// Screenshots: test-results/screenshots/pseudo-*.png.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO, RESULTS } from '../tools/codeServer.mjs';
import { languagePackStub, registerLanguagePack } from '../tools/languagePackStub.mjs';
import { makeTestWorkspace } from '../tools/testWorkspace.mjs';
import * as actions from '../tools/workbenchActions.mjs';
import { openWorkbench } from '../tools/workbenchSession.mjs';

const WORK = path.join(RESULTS, 'ui-pseudo');
const WORKSPACE = path.join(WORK, 'workspace');
const PACK = path.join(RESULTS, 'language-pack-qps-ploc');
const SHOTS = path.join(RESULTS, 'screenshots');
const LANG = 'qps-ploc';
const PSEUDO = JSON.parse(fs.readFileSync(path.join(REPO, 'package.nls.json'), 'utf8'));

/** Writes the pseudo bundles into the installed extension (never into the repository or the package). */
function installPseudoBundles(dataDir) {
  const [ext] = fs.readdirSync(path.join(dataDir, 'ext')).filter((d) => d.startsWith('brain-tumor-tools.brain-tumor-detection-'));
  const tmp = fs.mkdtempSync(path.join(WORK, 'pseudo-'));
  fs.copyFileSync(path.join(REPO, 'l10n', 'bundle.l10n.json'), path.join(tmp, 'bundle.l10n.json'));
  fs.copyFileSync(path.join(REPO, 'package.nls.json'), path.join(tmp, 'package.nls.json'));
  execFileSync(path.join(REPO, 'node_modules', '.bin', 'vscode-l10n-dev'), ['generate-pseudo', 'bundle.l10n.json', 'package.nls.json'],
    { cwd: tmp, stdio: ['ignore', 'ignore', 'inherit'] });
  fs.copyFileSync(path.join(tmp, `bundle.l10n.${LANG}.json`), path.join(dataDir, 'ext', ext, 'l10n', `bundle.l10n.${LANG}.json`));
  fs.copyFileSync(path.join(tmp, `package.nls.${LANG}.json`), path.join(dataDir, 'ext', ext, `package.nls.${LANG}.json`));
  Object.assign(PSEUDO, JSON.parse(fs.readFileSync(path.join(tmp, `package.nls.${LANG}.json`), 'utf8')));
}

/** Data, not words: allowed in plain letters. */
const DATA = [
  /\//, /\.(png|jpe?g|json|bin|svg)\b/i, /^(glioma|meningioma|notumor|pituitary|tumour|resnet|compact|seed-cnn|wasm|cpu|gpu|node)$/,
  /^(Training|Testing)$/, /^\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d-[\w-]+$/,
  // A lone lower-case token is an identifier: a folder's name (an external set), a perturbation's key
  // (contrast-low, darker, jpeg: the names `evaluate --perturb` and the reports use; the panel describes each in words).
  /^[a-z][a-z0-9_-]*$/, /Grad-CAM|re_lu_ReLU\d*|XNNPACK|WebAssembly|SIMD|tfjs|@tensorflow|CUDA|cuDNN|ECE|AUC|NLL|F1/, /^[A-Z]{2,6}$/,
];

/** Text nodes of the panel's page that hold an English word (four plain letters or more) and are not data. */
async function plainEnglish(frame) {
  const texts = await frame.locator('body').evaluate((body) => {
    const out = [];
    const walk = body.ownerDocument.createTreeWalker(body, 4 /* NodeFilter.SHOW_TEXT */);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest('script, style, code') || !el.getClientRects().length) continue;
      const t = n.textContent.trim();
      if (t) out.push(t);
    }
    for (const el of body.querySelectorAll('[title], [aria-label], [placeholder]')) {
      for (const a of ['title', 'aria-label', 'placeholder']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
    }
    return out;
  });
  return texts.filter((t) => /[A-Za-z]{4,}/.test(t) && !/[\u0100-\u024F\u1E00-\u1EFF]/.test(t))
    .filter((t) => !t.split(/[\s,;:()·]+/).filter((w) => /[A-Za-z]{4,}/.test(w)).every((w) => DATA.some((d) => d.test(w))));
}

let cs;
let ctx;
let page;
const frame = () => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');

describe('pseudo-localised: no text bypasses localisation', { timeout: 420000 }, () => {
  before(async () => {
    const vsix = languagePackStub(PACK, LANG, 'Pseudo');
    ({ cs, ctx, page } = await openWorkbench({
      work: WORK, workspace: WORKSPACE, settings: { 'workbench.colorTheme': 'Default Dark Modern' },
      makeWorkspace: () => makeTestWorkspace(WORKSPACE, { datasetName: 'mri-dataset', leak: true }),
      extraArgs: ['--locale', LANG], alsoInstall: [vsix],
      beforeStart: (dataDir) => { installPseudoBundles(dataDir); registerLanguagePack(dataDir, PACK, LANG, 'Pseudo'); },
    }));
  });

  after(async () => {
    if (page) await page.screenshot({ path: path.join(SHOTS, 'pseudo-last-state.png') }).catch(() => {});
    await ctx?.close().catch(() => {});
    cs?.stop();
  });

  /** Runs the command whose manifest title key is `key`, by its pseudo title (the palette lists it once it read the manifest). */
  async function runPseudoCommand(key) {
    const title = `${PSEUDO['command.category']}: ${PSEUDO[key]}`;
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget .quick-input-box input').fill(`>${title}`);
      await page.waitForTimeout(800);
      if (await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).count()) break;
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1000);
    }
    await page.keyboard.press('Enter');
  }

  const panels = [
    ['Backend Status', async () => {
      await runPseudoCommand('command.showBackendStatus.title');
      await frame().locator('#backend-engine').waitFor({ timeout: 90000 });
    }],
    ['Metrics', async () => {
      // The bundled model's saved evaluation: the first model offered.
      await runPseudoCommand('command.showMetrics.title');
      const bundled = page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.codicon-package') }).first();
      await bundled.waitFor({ timeout: 30000 });
      await bundled.click();
      await frame().locator('#metric-official-accuracy').waitFor({ timeout: 90000 });
    }],
    ['Classification', async () => {
      const menu = await actions.explorerMenu(page, 'scan.png');
      await actions.clickMenuItem(page, menu, PSEUDO['command.classifyImage.title']);
      await frame().locator('#predicted').waitFor({ timeout: 90000 });
    }],
    ['Dataset', async () => {
      const menu = await actions.explorerMenu(page, 'mri-dataset');
      await actions.clickMenuItem(page, menu, PSEUDO['command.showDataset.title']);
      await frame().locator('#count-Training-glioma').waitFor({ timeout: 90000 });
    }],
  ];
  for (const [name, open] of panels) {
    it(`the ${name} panel has no text in plain English`, async () => {
      await actions.runCommand(page, 'View: Close All Editors');
      await open();
      await page.waitForTimeout(1500);
      await page.screenshot({ path: path.join(SHOTS, `pseudo-${name.toLowerCase().replace(/\s+/g, '-')}.png`) });
      const left = await plainEnglish(frame());
      assert.deepEqual(left, [], `${name}: texts that bypass l10n.t`);
      assert.ok((await frame().locator('body').innerText()).match(/[\u0100-\u024F]/), 'the control: the panel is in the pseudo-language');
    });
  }
});
