// The "Brain Tumor" sidebar (issue 15), driven in code-server's workbench with the packaged VSIX: the welcome view of
// an empty Runs view, Cancel Training hidden while nothing trains (palette and view), a trained run listed with its
// status and actions, the training status bar item during a run, Cancel and Resume from the Runs view, and
// screenshots of the three views in dark and light themes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO, RESULTS } from '../tools/codeServer.mjs';
import { makeTestWorkspace } from '../tools/testWorkspace.mjs';
import * as actions from '../tools/workbenchActions.mjs';
import * as session from '../tools/workbenchSession.mjs';

const WORK = path.join(RESULTS, 'ui-sidebar');
const SHOTS = path.join(RESULTS, 'screenshots');
const WORKSPACE = path.join(WORK, 'workspace');
const RUNS = path.join(WORKSPACE, '.brain-tumor', 'runs');

let cs;
let ctx;
let page;

/** A pane of the Brain Tumor container by its title. */
const pane = (title) => page.locator('.part.sidebar .pane').filter({ has: page.locator('.pane-header .title', { hasText: new RegExp(`^${title}$`, 'i') }) });
const rows = (title) => pane(title).locator('.monaco-list-row');
const runRow = () => rows('Runs').first();
const metadata = (runDir) => JSON.parse(fs.readFileSync(path.join(runDir, 'metadata.json'), 'utf8'));
const runDirs = () => (fs.existsSync(RUNS) ? fs.readdirSync(RUNS).map((d) => path.join(RUNS, d)).sort() : []);
/** The Runs view's name of a run (extension/views/treeItemViews.ts runLabel): its id without the year. */
const shortName = (runId) => runId.replace(/^\d{4}-(\d\d-\d\d)_(\d\d)-(\d\d)-(\d\d)-/, '$1 $2:$3:$4 ');
const trainingItem = () => page.locator('.statusbar-item', { hasText: /Epoch \d+\/\d+|Training: / });

async function showSidebar() {
  const icon = page.locator('.activitybar .action-item a[aria-label^="Brain Tumor"]').first();
  await icon.waitFor({ timeout: 60000 });
  for (let i = 0; i < 6; i++) {
    if (await pane('Runs').isVisible()) return;
    // After a reload the container can be active while its views are still being drawn: a click then would close
    // it again (the icon toggles), so click only while it is not the active one.
    const active = await icon.evaluate((e) => e.closest('.action-item')?.classList.contains('checked') ?? false);
    if (!active) await icon.click();
    if (await pane('Runs').waitFor({ timeout: 5000 }).then(() => true, () => false)) return;
  }
  await pane('Runs').waitFor({ timeout: 30000 });
}

/** The palette's rows for `text` (the palette is closed again). */
async function paletteMatches(text) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.fill(`>${text}`);
  await page.waitForTimeout(800);
  const found = await page.locator('.quick-input-list .monaco-list-row', { hasText: text.replace(/^.*?: /, '') }).count();
  await page.keyboard.press('Escape');
  return found;
}

/** Right-click the Explorer's `folder`, Train Model, keep the offered model, `epochs` epochs. */
async function trainFromExplorer(folder, epochs) {
  await actions.runCommand(page, 'View: Show Explorer');
  const menu = await actions.explorerMenu(page, folder);
  await actions.clickMenuItem(page, menu, 'Train Model');
  await page.locator('.quick-input-widget', { hasText: 'Train Model (2/3)' }).waitFor({ timeout: 30000 });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget', { hasText: 'Train Model (3/3)' }).waitFor({ timeout: 30000 });
  await page.locator('.quick-input-widget .quick-input-box input').fill(String(epochs));
  await page.keyboard.press('Enter');
}

/** The context menu of a tree row; returns its item names. */
async function rowMenu(row) {
  await actions.closeMenu(page);
  await row.click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu');
  await menu.waitFor({ timeout: 10000 });
  return { menu, items: (await menu.getByRole('menuitem').allInnerTexts()).map((t) => t.trim().split('\n')[0]) };
}

const reloadWithTheme = (theme, workbenchClass) => session.reloadWithTheme(page, WORK, theme, workbenchClass);

async function shootSidebar(name) {
  await page.mouse.move(600, 400);
  await page.waitForTimeout(600);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  await page.locator('.part.sidebar').screenshot({ path: path.join(SHOTS, `${name}-views.png`) });
}

describe('Brain Tumor sidebar', { timeout: 900000 }, () => {
  before(async () => {
    ({ cs, ctx, page } = await session.openWorkbench({
      work: WORK, workspace: WORKSPACE, settings: { 'workbench.colorTheme': 'Default Dark Modern' },
      makeWorkspace: () => makeTestWorkspace(WORKSPACE, { datasetName: 'mri-dataset', trainingSet: 10 }),
    }));
    await actions.startBackend(page);
  });

  after(async () => {
    if (page) await page.screenshot({ path: path.join(SHOTS, 'sidebar-last-state.png') }).catch(() => {});
    await ctx?.close().catch(() => {});
    cs?.stop();
  });

  it('shows the welcome view with no runs, and hides Cancel Training while nothing trains', async () => {
    await showSidebar();
    const welcome = pane('Runs').locator('.welcome-view-content');
    await welcome.waitFor({ timeout: 30000 });
    assert.match(await welcome.innerText(), /No training runs yet/);
    assert.equal(await welcome.locator('.monaco-button', { hasText: 'Train Model' }).count(), 1);
    await pane('Datasets').locator('.welcome-view-content', { hasText: 'No dataset folders used yet' }).waitFor({ timeout: 30000 });
    assert.match(await rows('Models').first().innerText(), /Bundled model/);
    assert.match(await rows('Models').first().innerText(), /active/);
    await shootSidebar('sidebar-empty-dark');
    assert.equal(await paletteMatches('Brain Tumor: Cancel Training'), 0, 'Cancel Training is not in the palette while nothing trains');
    assert.equal(await paletteMatches('Brain Tumor: Resume Training'), 0, 'nothing to resume');
    assert.ok(await paletteMatches('Brain Tumor: Train Model') >= 1, 'the control: the palette finds a command that can act');
    await pane('Runs').hover();
    assert.equal(await pane('Runs').locator('.pane-header .action-label[aria-label^="Cancel Training"]').count(), 0, 'no Cancel in the Runs view');
    assert.equal(await pane('Runs').locator('.pane-header .action-label[aria-label^="Train Model"]').count(), 1, 'the control: the view has its Train action');
  });

  it('lists a trained run with its status, accuracies and actions', async () => {
    await trainFromExplorer('train-set', 2);
    await showSidebar();
    const row = runRow();
    await row.waitFor({ timeout: 60000 });
    await row.locator('.label-description', { hasText: /completed|stopped early/ }).waitFor({ timeout: 240000 });
    // The run's Testing accuracy appears once the evaluation at the end is written.
    await row.locator('.label-description', { hasText: /test \d+\.\d%/ }).waitFor({ timeout: 120000 });
    const [runDir] = runDirs();
    const m = metadata(runDir);
    const desc = await row.locator('.label-description').innerText();
    assert.ok(desc.includes(`val ${(m.bestValAcc * 100).toFixed(1)}%`), `${desc} shows the best validation accuracy ${m.bestValAcc}`);
    assert.ok(desc.includes(`test ${(m.evaluation.official.accuracy * 100).toFixed(1)}%`), `${desc} shows the Testing accuracy`);
    assert.equal(await row.locator('.label-name').innerText(), shortName(m.runId));
    assert.equal(shortName(m.runId), `${m.runId.slice(5, 10)} ${m.runId.slice(11, 13)}:${m.runId.slice(14, 16)}:${m.runId.slice(17, 19)} resnet`);
    assert.equal(await row.locator('.codicon-pass').count(), 1, 'a completed run has the pass icon');
    const { items } = await rowMenu(row);
    for (const name of ['Show Training', 'Show Metrics', 'Evaluate Model', 'Use for Classification', 'Export Model', 'Reveal in Explorer', 'Delete Run']) {
      assert.ok(items.includes(name), `the run's menu has ${name}: ${items.join(', ')}`);
    }
    assert.ok(!items.includes('Resume Training') && !items.includes('Cancel Training'), `a completed run offers neither Resume nor Cancel: ${items.join(', ')}`);
    await actions.closeMenu(page);
    // The Models view lists the run's model; the Datasets view the folder it trained on.
    await rows('Models').filter({ hasText: shortName(m.runId) }).first().waitFor({ timeout: 30000 });
    await rows('Datasets').filter({ hasText: 'train-set' }).first().waitFor({ timeout: 30000 });
    // Show Metrics (inline) acts on the clicked run: the Metrics panel shows its saved evaluation, no quick pick.
    await actions.runCommand(page, 'View: Close All Editors');
    await row.hover();
    await row.locator('.action-label[aria-label^="Show Metrics"]').click();
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await frame.locator('#metric-official-accuracy').waitFor({ timeout: 60000 });
    assert.ok((await frame.locator('#metric-official-accuracy').innerText()).startsWith((m.evaluation.official.accuracy * 100).toFixed(1)));
    assert.equal(await page.locator('.quick-input-widget').isVisible(), false, 'no picker: the item was the argument');
    await actions.runCommand(page, 'View: Close All Editors');
  });

  it('Export Model from a run writes a model folder the Models view lists; Use for Classification and Reveal in Explorer act on it', async () => {
    await showSidebar();
    const [runDir] = runDirs();
    const row = rows('Runs').filter({ hasText: shortName(metadata(runDir).runId) }).first();
    const { menu } = await rowMenu(row);
    await actions.clickMenuItem(page, menu, 'Export Model');
    await page.locator('.quick-input-widget', { hasText: 'weights' }).waitFor({ timeout: 30000 });
    await page.keyboard.press('Enter'); // uint8, the first offered
    const target = path.join(WORKSPACE, 'exported-model');
    await actions.answerSaveDialog(page, 'Export the model to a new folder', target);
    const done = page.locator('.notification-toast', { hasText: 'model exported to' }).first();
    await done.waitFor({ timeout: 120000 });
    const exported = metadata(target).exported;
    assert.equal(exported?.quantization, 'uint8', 'the weights chosen in the pick');
    assert.equal(exported?.from, path.basename(runDir), 'the run it came from');
    assert.ok(fs.existsSync(path.join(target, 'model.json')));
    await done.locator('.monaco-button', { hasText: 'Use for Classification' }).click();
    const model = rows('Models').filter({ hasText: 'exported-model' }).first();
    await model.locator('.label-description', { hasText: /^active/ }).waitFor({ timeout: 30000 });
    assert.doesNotMatch(await rows('Models').filter({ hasText: 'Bundled model' }).first().innerText(), /active/, 'one active model');
    await shootSidebar('sidebar-exported-dark');

    // Reveal in Explorer: the Explorer shows with the model's folder selected.
    const { menu: modelMenu, items } = await rowMenu(model);
    assert.ok(items.includes('Reveal in Explorer') && items.includes('Show Metrics'), items.join(', '));
    await actions.clickMenuItem(page, modelMenu, 'Reveal in Explorer');
    const selected = page.locator('.explorer-folders-view .monaco-list-row.selected', { hasText: 'exported-model' });
    await selected.first().waitFor({ timeout: 30000 });
  });

  it('Show Dataset fills in the Datasets view\'s counts, and Evaluate on it scores the active model on its Testing split', async () => {
    await actions.runCommand(page, 'View: Close All Editors');
    await actions.runCommand(page, 'View: Show Explorer');
    const menu = await actions.explorerMenu(page, 'train-set');
    await actions.clickMenuItem(page, menu, 'Show Dataset');
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await frame.locator('#count-Training-glioma').waitFor({ timeout: 60000 });
    await showSidebar();
    const dataset = rows('Datasets').filter({ hasText: 'train-set' }).first();
    await dataset.locator('.label-description', { hasText: 'Training 40, Testing 12' }).waitFor({ timeout: 30000 });
    await actions.runCommand(page, 'View: Close All Editors');
    await showSidebar();
    const { menu: dsMenu } = await rowMenu(dataset);
    await actions.clickMenuItem(page, dsMenu, 'Evaluate Active Model on This Dataset');
    await frame.locator('#metric-official-accuracy').waitFor({ timeout: 180000 });
    assert.match(await frame.locator('#metric-official-accuracy').innerText(), /^\d+\.\d%/);
    // The active model (the export of the previous test) was scored. An exported folder is read-only to the
    // product (server/eval/evaluationStore.ts): the report goes to the workspace's evaluations folder.
    const kept = path.join(WORKSPACE, '.brain-tumor', 'cache', 'evaluations');
    const reports = () => (fs.existsSync(kept) ? fs.readdirSync(kept, { recursive: true }).map(String).filter((f) => f.endsWith('.json')) : []);
    for (let i = 0; i < 50 && reports().length === 0; i++) await page.waitForTimeout(200);
    assert.equal(reports().length, 1, `one evaluation kept: ${reports().join(', ')}`);
    const saved = JSON.parse(fs.readFileSync(path.join(kept, reports()[0]), 'utf8'));
    assert.equal(saved.modelDir, path.join(WORKSPACE, 'exported-model'));
    assert.equal(saved.dataRoot, path.join(WORKSPACE, 'train-set'));
    assert.equal(saved.splits.find((x) => x.key === 'official').count, 12, 'the 12 Testing images of train-set');
    assert.equal(fs.existsSync(path.join(WORKSPACE, 'exported-model', 'evaluation.json')), false, 'nothing written into the exported folder');
    await actions.runCommand(page, 'View: Close All Editors');
  });

  it('shows training progress in the status bar, cancels from the view and resumes the cancelled run from the view', async () => {
    await trainFromExplorer('train-set', 40);
    await showSidebar();
    const item = trainingItem().first();
    await item.waitFor({ timeout: 120000 });
    await page.locator('.statusbar-item', { hasText: /Epoch \d+\/40/ }).first().waitFor({ timeout: 180000 });
    assert.match(await page.locator('.statusbar-item', { hasText: /Epoch \d+\/40/ }).first().innerText(), /Epoch \d+\/40(, ETA \d+:\d\d)?/);
    const live = rows('Runs').filter({ has: page.locator('.codicon-sync') }).first();
    await live.waitFor({ timeout: 30000 });
    await page.screenshot({ path: path.join(SHOTS, 'sidebar-training-dark.png') });
    assert.ok(await paletteMatches('Brain Tumor: Cancel Training') >= 1, 'Cancel Training is in the palette while a run goes');
    // Let one epoch finish so that the run has a checkpoint to resume from.
    const runDir = runDirs().find((d) => metadata(d).config.epochs === 40);
    for (let i = 0; i < 600 && !fs.existsSync(path.join(runDir, 'checkpoint', 'state.json')); i++) await page.waitForTimeout(500);
    await live.hover();
    await live.locator('.action-label[aria-label^="Cancel Training"]').click();
    const cancelled = rows('Runs').filter({ hasText: /cancelled \d+\/40/ }).first();
    await cancelled.waitFor({ timeout: 120000 });
    await trainingItem().first().waitFor({ state: 'detached', timeout: 30000 });
    assert.equal(metadata(runDir).status, 'cancelled');
    const doneBefore = JSON.parse(fs.readFileSync(path.join(runDir, 'history.json'), 'utf8')).length;
    assert.ok(doneBefore >= 1);
    assert.equal(await paletteMatches('Brain Tumor: Cancel Training'), 0, 'Cancel Training is gone again');
    await page.screenshot({ path: path.join(SHOTS, 'sidebar-cancelled-dark.png') });

    const { menu, items } = await rowMenu(cancelled);
    assert.ok(items.includes('Resume Training'), `the cancelled run offers Resume: ${items.join(', ')}`);
    await page.screenshot({ path: path.join(SHOTS, 'sidebar-run-menu-dark.png') });
    await actions.clickMenuItem(page, menu, 'Resume Training');
    // The same run goes on (no picker asked which): it trains again and finishes more epochs than it had.
    await page.locator('.statusbar-item', { hasText: /Epoch \d+\/40/ }).first().waitFor({ timeout: 120000 });
    for (let i = 0; i < 600 && JSON.parse(fs.readFileSync(path.join(runDir, 'history.json'), 'utf8')).length <= doneBefore; i++) await page.waitForTimeout(500);
    assert.ok(JSON.parse(fs.readFileSync(path.join(runDir, 'history.json'), 'utf8')).length > doneBefore, 'the resumed run finished another epoch');
    assert.equal(runDirs().length, 2, 'resumed in its own folder, no new run');
    await rows('Runs').filter({ has: page.locator('.codicon-sync') }).first().waitFor({ timeout: 30000 });
    await actions.runCommand(page, 'Brain Tumor: Cancel Training');
    await rows('Runs').filter({ hasText: /cancelled \d+\/40/ }).first().waitFor({ timeout: 120000 });
    await trainingItem().first().waitFor({ state: 'detached', timeout: 30000 });
  });

  it('Show Metrics works for the bundled model too: its saved evaluation, from the Models view', async () => {
    await actions.runCommand(page, 'View: Close All Editors');
    await showSidebar();
    const bundled = rows('Models').filter({ hasText: 'Bundled model' }).first();
    await bundled.hover();
    await bundled.locator('.action-label[aria-label^="Show Metrics"]').click();
    const saved = JSON.parse(fs.readFileSync(path.join(REPO, 'models', 'brain-tumor-cnn', 'evaluation.json'), 'utf8'));
    const official = saved.splits.find((x) => x.key === 'official');
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await frame.locator('#metric-official-accuracy').waitFor({ timeout: 60000 });
    assert.ok((await frame.locator('#metric-official-accuracy').innerText()).startsWith((official.accuracy * 100).toFixed(1)));
    assert.equal(await page.locator('.quick-input-widget').isVisible(), false, 'no picker');
    await actions.runCommand(page, 'View: Close All Editors');
  });

  it('draws the three views readably in dark and light themes', async () => {
    await actions.runCommand(page, 'View: Close All Editors');
    await showSidebar();
    await rows('Datasets').first().waitFor({ timeout: 30000 });
    await shootSidebar('sidebar-dark');
    await reloadWithTheme('Default Light Modern', 'vs');
    await showSidebar();
    await rows('Runs').nth(1).waitFor({ timeout: 60000 });
    await rows('Datasets').first().waitFor({ timeout: 30000 });
    const colour = await runRow().locator('.label-description').evaluate((e) => globalThis.getComputedStyle(e).color);
    const lightness = colour.match(/\d+/g).slice(0, 3).map(Number).reduce((a, b) => a + b) / 3;
    assert.ok(lightness < 160, `descriptions are dark on the light theme: ${colour}`);
    await shootSidebar('sidebar-light');
  });

  it('the Explorer context-menu entries follow the brainTumor.explorerContextMenu setting', async () => {
    const menuItems = async () => {
      await actions.runCommand(page, 'View: Show Explorer');
      const menu = await actions.explorerMenu(page, 'train-set');
      const names = (await menu.getByRole('menuitem').allInnerTexts()).map((t) => t.trim().split('\n')[0]);
      await actions.closeMenu(page);
      return names;
    };
    assert.ok((await menuItems()).includes('Train Model'), 'on by default');
    await session.reloadWithSettings(page, WORK, { 'brainTumor.explorerContextMenu': false }, 'monaco-workbench');
    await actions.startBackend(page);
    const names = await menuItems();
    assert.ok(!names.includes('Train Model') && !names.includes('Show Dataset') && !names.includes('Classify Image'), names.join(', '));
    assert.ok(names.includes('Copy Path'), `the control: the menu itself is there: ${names.join(', ')}`);
  });

  it('Delete Run asks first (a modal), then deletes the folder and the row', async () => {
    await showSidebar();
    const [completed] = runDirs().filter((d) => metadata(d).status === 'completed');
    const row = rows('Runs').filter({ hasText: shortName(path.basename(completed)) }).first();
    let { menu } = await rowMenu(row);
    await actions.clickMenuItem(page, menu, 'Delete Run');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 10000 });
    assert.match(await dialog.innerText(), /cannot be undone/);
    await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
    await page.waitForTimeout(500);
    assert.ok(fs.existsSync(completed), 'Cancel keeps the run');
    ({ menu } = await rowMenu(row));
    await actions.clickMenuItem(page, menu, 'Delete Run');
    await dialog.locator('.monaco-button', { hasText: /^Delete$/ }).click();
    for (let i = 0; i < 60 && fs.existsSync(completed); i++) await page.waitForTimeout(250);
    assert.equal(fs.existsSync(completed), false, 'the run folder is gone');
    await row.waitFor({ state: 'detached', timeout: 30000 });
    assert.equal(await rows('Runs').count(), 1, 'the other run stays');
  });
});
