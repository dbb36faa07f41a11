// The product in Turkish (issue 16), in code-server with the packaged VSIX and the display language set to
// Turkish. No Turkish language pack can be downloaded here, and without one VS Code keeps English and tells
// extensions `vscode.env.language === 'en'`; a stand-in pack (test/tools/languagePackStub.mjs) declares Turkish and
// translates nothing of VS Code, so the workbench's own words stay English while the extension gets the language,
// its package.nls.tr.json and l10n/bundle.l10n.tr.json: the palette shows its Turkish titles, and a classification
// panel shows Turkish words and numbers ("%96,2"). Screenshots: test-results/screenshots/turkish-*.png.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO, RESULTS } from '../tools/codeServer.mjs';
import { languagePackStub, registerLanguagePack } from '../tools/languagePackStub.mjs';
import { makeTestWorkspace } from '../tools/testWorkspace.mjs';
import * as actions from '../tools/workbenchActions.mjs';
import { openWorkbench, reloadWithTheme } from '../tools/workbenchSession.mjs';

const WORK = path.join(RESULTS, 'ui-turkish');
const WORKSPACE = path.join(WORK, 'workspace');
const PACK = path.join(RESULTS, 'language-pack-tr');
const SHOTS = path.join(RESULTS, 'screenshots');
const TR = JSON.parse(fs.readFileSync(path.join(REPO, 'package.nls.tr.json'), 'utf8'));
/** The classes in the words of l10n/GLOSSARY.md. */
const CLASS_TR = { glioma: 'glioma', meningioma: 'meningioma', pituitary: 'hipofiz tümörü', notumor: 'tümör yok' };

let cs;
let ctx;
let page;
const frame = () => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');

describe('the product in Turkish', { timeout: 420000 }, () => {
  before(async () => {
    const vsix = languagePackStub(PACK, 'tr', 'Türkçe');
    ({ cs, ctx, page } = await openWorkbench({
      work: WORK, workspace: WORKSPACE, settings: { 'workbench.colorTheme': 'Default Dark Modern' },
      makeWorkspace: () => makeTestWorkspace(WORKSPACE, { datasetName: 'mri-dataset' }),
      extraArgs: ['--locale', 'tr'], alsoInstall: [vsix], beforeStart: (dataDir) => registerLanguagePack(dataDir, PACK, 'tr', 'Türkçe'),
    }));
  });

  after(async () => {
    if (page) await page.screenshot({ path: path.join(SHOTS, 'turkish-last-state.png') }).catch(() => {});
    await ctx?.close().catch(() => {});
    cs?.stop();
  });

  it('the palette lists the commands by their Turkish titles', async () => {
    const title = `${TR['command.category']}: ${TR['command.showBackendStatus.title']}`;
    assert.equal(title, 'Beyin Tümörü: Arka Uç Durumunu Göster');
    const rows = page.locator('.quick-input-list .monaco-list-row');
    // The palette reads the extension's manifest a moment after the window opens: ask again until it lists it.
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget .quick-input-box input').fill(`>${TR['command.category']}`);
      await page.waitForTimeout(800);
      if (await rows.filter({ hasText: title }).count()) break;
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1000);
    }
    const texts = await rows.allInnerTexts();
    assert.ok(texts.some((t) => t.startsWith(title)), `Turkish titles in the palette: ${texts.join(' | ')}`);
    assert.ok(texts.every((t) => t.startsWith(`${TR['command.category']}: `)), 'every command of the category in Turkish');
    await page.screenshot({ path: path.join(SHOTS, 'turkish-palette-dark.png') });
    await page.keyboard.press('Enter');
    await frame().locator('#backend-kind').waitFor({ timeout: 90000 });
    assert.equal(await frame().locator('html').getAttribute('lang'), 'tr');
    assert.match(await frame().locator('h1').innerText(), /Arka uç/i);
  });

  it('Classify Image (Görüntüyü Sınıflandır) shows Turkish words and Turkish numbers', async () => {
    await actions.runCommand(page, 'View: Close All Editors');
    const expected = JSON.parse(execFileSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'classify', path.join(WORKSPACE, 'scan.png'), '--json'],
      { encoding: 'utf8' })).items[0];
    const menu = await actions.explorerMenu(page, 'scan.png');
    await actions.clickMenuItem(page, menu, TR['command.classifyImage.title']);
    const f = frame();
    await f.locator('#predicted').waitFor({ timeout: 90000 });
    assert.equal((await f.locator('#predicted').textContent())?.trim().toLocaleLowerCase('tr'), CLASS_TR[expected.predicted]);
    assert.match(await f.locator('#disclaimer').innerText(), /Araştırma amaçlıdır, klinik tanı için değildir/);
    // Every probability in Turkish form: the percent sign first, a decimal comma.
    for (const c of Object.keys(CLASS_TR)) {
      const row = f.locator(`#prob-${c}`);
      await row.waitFor();
      assert.match(await row.innerText(), /%\d{1,3},\d/, `${c}: ${await row.innerText()}`);
    }
    assert.ok((await f.locator('body').innerText()).includes('Hipofiz tümörü') || (await f.locator('body').innerText()).includes('hipofiz tümörü'));
    assert.doesNotMatch(await f.locator('body').innerText(), /Research use only|Confidence|Heat map/, 'no English left in the panel');
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(SHOTS, 'turkish-classify-dark.png') });
    await reloadWithTheme(page, WORK, 'Default Light Modern', 'vs');
    await frame().locator('#predicted').waitFor({ timeout: 60000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(SHOTS, 'turkish-classify-light.png') });
  });
});
