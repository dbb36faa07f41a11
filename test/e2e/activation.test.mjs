// Lazy start and the walkthrough (issue 15, items 1 and 2), in code-server with the packaged VSIX. In a workspace
// that has nothing to do with brain MRI the extension does not activate and no backend process runs; the first
// command starts it. Measures the backend's memory (what an unrelated window no longer pays) and the extension's
// activation time (its own log line) into test-results/activation.json, for docs/activation.md.
// The walkthrough opens from the Welcome page's list, and its GPU step completes when its command runs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RESULTS } from '../tools/codeServer.mjs';
import { runCommand } from '../tools/workbenchActions.mjs';
import { openWorkbench } from '../tools/workbenchSession.mjs';

const WORK = path.join(RESULTS, 'ui-activation');
const WORKSPACE = path.join(WORK, 'unrelated');
const DATA = path.join(WORK, 'data');
const SHOTS = path.join(RESULTS, 'screenshots');
const WALKTHROUGH = 'Get Started with Brain Tumor Detection';

let cs;
let ctx;
let page;

/** Backend processes of this code-server's copy of the extension: pid and resident memory (KiB). */
function backendProcesses() {
  const ext = path.join(DATA, 'ext');
  const found = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!cmd.some((a) => a.startsWith(ext) && a.endsWith(path.join('dist', 'server.js')))) continue;
      const rss = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      found.push({ pid: Number(pid), rssKiB: rss });
    } catch { /* the process ended while we looked */ }
  }
  return found;
}

/** Every log file code-server wrote for this data folder, as text. */
function logTexts() {
  const logs = path.join(DATA, 'user', 'logs');
  if (!fs.existsSync(logs)) return [];
  return fs.readdirSync(logs, { recursive: true }).map(String).filter((f) => f.endsWith('.log')).map((f) => fs.readFileSync(path.join(logs, f), 'utf8'));
}

const stamp = (line) => Date.parse(line.slice(0, 23).replace(' ', 'T'));

/**
 * The extension's activation: its own "Activated in N ms" line (the activate() function), and the time from the
 * extension host's "_doActivateExtension" line to that line (loading the bundle too). Undefined: not activated.
 */
function activation() {
  const texts = logTexts();
  const own = texts.flatMap((t) => t.split('\n')).find((l) => /Activated in [\d.]+ ms/.test(l));
  if (!own) return undefined;
  const host = texts.flatMap((t) => t.split('\n')).find((l) => l.includes('_doActivateExtension brain-tumor-tools.brain-tumor-detection'));
  return { activateMs: Number(/Activated in ([\d.]+) ms/.exec(own)[1]), hostToActivatedMs: host ? stamp(own) - stamp(host) : undefined,
    activationEvent: host ? /activationEvent: '([^']+)'/.exec(host)?.[1] : undefined };
}

/** Help: Welcome, then this extension's walkthrough from its list (a few are listed, the rest behind "More..."). */
async function openWalkthrough() {
  await runCommand(page, 'Help: Welcome');
  const entry = page.locator('.getting-started-category', { hasText: WALKTHROUGH }).first();
  try {
    await entry.waitFor({ timeout: 10000 });
  } catch {
    await page.locator('.getting-started .button-link', { hasText: /More/ }).first().click({ timeout: 10000 });
    await entry.waitFor({ timeout: 30000 });
  }
  await entry.click();
}

const walkthroughStep = (title) => page.locator('.getting-started-step', { hasText: title }).first();

describe('lazy start and the walkthrough', { timeout: 420000 }, () => {
  before(async () => {
    ({ cs, ctx, page } = await openWorkbench({
      work: WORK, workspace: WORKSPACE, settings: { 'workbench.colorTheme': 'Default Dark Modern' },
      makeWorkspace: () => {
        fs.mkdirSync(WORKSPACE, { recursive: true });
        fs.writeFileSync(path.join(WORKSPACE, 'README.md'), '# An unrelated project\n');
        fs.writeFileSync(path.join(WORKSPACE, 'index.js'), 'console.log("hello");\n');
      },
    }));
  });

  after(async () => {
    if (page) await page.screenshot({ path: path.join(SHOTS, 'activation-last-state.png') }).catch(() => {});
    await ctx?.close().catch(() => {});
    cs?.stop();
  });

  it('starts no backend in an unrelated workspace until a command runs, then starts it', async () => {
    // The Explorer is up and every startup activation has had its chance (onStartupFinished fires within seconds).
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'index.js' }).first().waitFor({ timeout: 60000 });
    await page.waitForTimeout(10000);
    assert.deepEqual(backendProcesses(), [], 'no backend process before any command');
    assert.equal(await page.locator('.statusbar-item', { hasText: 'Brain Tumor' }).count(), 0, 'the extension is not even active');
    assert.equal(activation(), undefined, 'no activation logged');

    await runCommand(page, 'Brain Tumor: Show Backend Status');
    let procs = [];
    for (let i = 0; i < 120 && procs.length === 0; i++) {
      await page.waitForTimeout(500);
      procs = backendProcesses();
    }
    assert.equal(procs.length, 1, 'the command started one backend process');
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await frame.locator('#backend-engine').waitFor({ timeout: 90000 });
    assert.equal((await frame.locator('#backend-state').textContent())?.trim(), 'running');
    await page.locator('.statusbar-item .codicon-pulse').first().waitFor({ timeout: 30000 });
    await page.waitForTimeout(2000); // let the engine's first allocations settle
    const [backend] = backendProcesses();
    const act = activation();
    assert.ok(act && act.activateMs > 0, `activation logged (${JSON.stringify(act)})`);
    assert.equal(act.activationEvent, 'onCommand:brainTumor.showBackendStatus', 'activated by the command');
    const figures = { ...act, backendPid: backend.pid, backendRssMiB: Math.round(backend.rssKiB / 1024),
      engine: (await frame.locator('#backend-kind').textContent())?.trim(), measuredAt: new Date().toISOString() };
    fs.writeFileSync(path.join(RESULTS, 'activation.json'), JSON.stringify(figures, null, 2));
    console.log(`activation: ${JSON.stringify(figures)}`);
    await runCommand(page, 'View: Close All Editors');
  });

  it('opens the walkthrough from the Welcome page, and a step completes when its command runs', async () => {
    await openWalkthrough();
    const gpu = walkthroughStep('Set up a GPU');
    await gpu.waitFor({ timeout: 30000 });
    for (const title of ['Classify an image', 'Look at a dataset', 'Train a model', 'Evaluate it', 'Select it']) {
      assert.equal(await walkthroughStep(title).count(), 1, `step "${title}"`);
    }
    const done = async (step) => (await step.locator('[role=checkbox]').first().getAttribute('aria-checked')) === 'true';
    const select = walkthroughStep('Select it for classification');
    assert.equal(await done(select), false, 'Select Model has not run yet');
    await select.click();
    await page.waitForTimeout(1000);
    await page.screenshot({ path: path.join(SHOTS, 'walkthrough-dark.png') });
    // The step's own button runs Select Model; its completion event checks the step.
    await page.locator('.getting-started-step.expanded .monaco-button', { hasText: 'Select Model' }).first().click();
    await page.locator('.quick-input-widget').waitFor({ timeout: 30000 });
    await page.keyboard.press('Escape');
    for (let i = 0; i < 50 && !(await done(select)); i++) await page.waitForTimeout(200);
    assert.equal(await done(select), true, 'the step is checked once its command ran');
    assert.equal(await done(walkthroughStep('Train a model')), false, 'a step whose command did not run stays open');
    // From the palette too (the walkthrough listens once it has been opened): Show Backend Status checks the GPU step.
    assert.equal(await done(gpu), false, 'the GPU step is open');
    await runCommand(page, 'Brain Tumor: Show Backend Status');
    await page.locator('.tab', { hasText: 'Backend Status' }).first().waitFor({ timeout: 30000 });
    await page.locator('.tab', { hasText: 'Walkthrough' }).first().click();
    for (let i = 0; i < 50 && !(await done(gpu)); i++) await page.waitForTimeout(200);
    assert.equal(await done(gpu), true, 'the GPU step is checked once Show Backend Status ran');
    // Readable in a light theme too: the theme set in the settings, and the window reloaded with no editor open.
    // The first command made .brain-tumor/ here: the reloaded window activates the extension for it
    // (workspaceContains), and still starts no backend.
    assert.ok(fs.existsSync(path.join(WORKSPACE, '.brain-tumor')));
    await runCommand(page, 'View: Close All Editors');
    const settings = path.join(DATA, 'user', 'User', 'settings.json');
    fs.writeFileSync(settings, JSON.stringify({ ...JSON.parse(fs.readFileSync(settings, 'utf8')), 'workbench.colorTheme': 'Default Light Modern' }, null, 2));
    const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 60000 });
    await runCommand(page, 'Developer: Reload Window');
    await navigated;
    await page.locator('.monaco-workbench.vs').waitFor({ timeout: 60000 });
    await page.locator('.statusbar-item', { hasText: 'Brain Tumor' }).first().waitFor({ timeout: 60000 });
    const events = logTexts().join('\n').match(/_doActivateExtension brain-tumor-tools\.brain-tumor-detection, startup: \w+, activationEvent: '[^']+'/g);
    assert.ok(events.some((e) => e.includes("activationEvent: 'workspaceContains:")), `the reloaded window activated it for .brain-tumor/: ${events.join('; ')}`);
    for (let i = 0; i < 20 && backendProcesses().length; i++) await page.waitForTimeout(500); // the old window's backend ends
    await page.waitForTimeout(5000);
    assert.deepEqual(backendProcesses(), [], 'activated, and still no backend until a command needs it');
    assert.equal(await page.locator('.statusbar-item', { hasText: 'Brain Tumor' }).locator('.codicon-circle-large-outline').count(), 1, 'the status bar says: not running yet');
    await openWalkthrough();
    await gpu.waitFor({ timeout: 30000 });
    assert.equal(await done(select), true, 'the progress survives the reload');
    await walkthroughStep('Look at a dataset').click();
    await page.waitForTimeout(1500);
    await page.screenshot({ path: path.join(SHOTS, 'walkthrough-light.png') });
  });
});
