// Workspace trust (issue 13, item 6), in code-server with trust ON: a folder opened in Restricted Mode gets nothing
// written into it by the extension, whatever the user runs (Train Model from the Explorer, Show Training); once
// the user trusts it, the backend starts and the workspace's .brain-tumor/ appears (the control that shows the
// check can fail). Installs the package the UI test files share (test/tools/workbenchSession.mjs).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RESULTS } from '../tools/codeServer.mjs';
import { makeTestWorkspace } from '../tools/testWorkspace.mjs';
import { clickMenuItem, closeMenu, explorerMenu, runCommand } from '../tools/workbenchActions.mjs';
import { openWorkbench } from '../tools/workbenchSession.mjs';

const WORK = path.join(RESULTS, 'ui-trust');
const WORKSPACE = path.join(WORK, 'untrusted');
const SHOTS = path.join(RESULTS, 'screenshots');
const written = () => fs.existsSync(path.join(WORKSPACE, '.brain-tumor'));

let cs;
let ctx;
let page;

describe('workspace trust', { timeout: 300000 }, () => {
  before(async () => {
    // Trust on, and no start-up question: the folder opens in Restricted Mode, as after "Don't Trust".
    ({ cs, ctx, page } = await openWorkbench({
      work: WORK, workspace: WORKSPACE, trust: true,
      settings: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.untrustedFiles': 'open' },
      makeWorkspace: () => makeTestWorkspace(WORKSPACE, { datasetName: 'mri-dataset' }),
    }));
  });

  after(async () => {
    if (page) await page.screenshot({ path: path.join(SHOTS, 'trust-last-state.png') }).catch(() => {});
    await ctx?.close().catch(() => {});
    cs?.stop();
  });

  it('writes nothing into an untrusted workspace, then works once it is trusted', async () => {
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 60000 });
    // The extension is not active yet (it activates on first use): its menus are there all the same, and the
    // first one activates it. Train Model from the Explorer stops at once, saying why and offering to manage
    // trust (no prompts first).
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'mri-dataset' }).first().waitFor({ timeout: 60000 });
    // A menu opened before the workbench has read the extension's manifest lacks its items: close it and ask again.
    let menu;
    for (let i = 0; i < 30; i++) {
      menu = await explorerMenu(page, 'mri-dataset');
      if (await menu.getByRole('menuitem', { name: 'Train Model' }).count()) break;
      await closeMenu(page);
      await page.waitForTimeout(2000);
    }
    await clickMenuItem(page, menu, 'Train Model');
    const refusal = page.locator('.notification-toast', { hasText: 'Train Model needs a trusted workspace' });
    await refusal.first().waitFor({ timeout: 30000 });
    // Now active, its status item says the backend waits for trust.
    await page.locator('.statusbar-item', { hasText: 'Brain Tumor' }).first().waitFor({ timeout: 60000 });
    assert.equal(await refusal.first().locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).count(), 1);
    assert.equal(await page.locator('.quick-input-widget', { hasText: 'Train Model' }).isVisible(), false, 'no prompts in Restricted Mode');
    await runCommand(page, 'Brain Tumor: Show Training');
    await page.waitForTimeout(3000);
    await page.screenshot({ path: path.join(SHOTS, 'trust-restricted.png') });
    assert.equal(written(), false, 'no .brain-tumor/ in an untrusted workspace');

    // The control: trust the folder; the backend starts and the workspace's .brain-tumor/ appears.
    await runCommand(page, 'Workspaces: Manage Workspace Trust');
    const trust = page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first();
    await trust.waitFor({ timeout: 30000 });
    await trust.click();
    for (let i = 0; i < 120 && !written(); i++) await page.waitForTimeout(500);
    assert.equal(written(), true, 'trusted: the backend started and .brain-tumor/ was made');
    assert.ok(fs.existsSync(path.join(WORKSPACE, '.brain-tumor', '.gitignore')));
  });
});
