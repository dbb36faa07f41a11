// Workbench actions the UI tests share, done the way a user would (palette, Explorer context menus), each retried
// where the workbench is known to drop an input while it lays out.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { RESULTS } from './codeServer.mjs';

/** Runs a command from the palette (F1) by its title. */
export async function runCommand(page, title) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  for (let i = 0; ; i++) {
    // The palette can be closed by a late focus change (a context menu closing, a panel opening): retry.
    await page.keyboard.press('F1');
    try {
      await input.fill(`>${title}`, { timeout: 3000 });
      break;
    } catch (e) {
      if (i === 4) throw e;
      await page.keyboard.press('Escape');
    }
  }
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title.replace(/^.*?: /, '') }).first().waitFor();
  await page.keyboard.press('Enter');
}

export async function explorerMenu(page, name) {
  await closeMenu(page); // a menu left open by an earlier step would swallow the right-click
  // So would a hover left by the last right-click (the mouse is still on that row): move away and let it go.
  await page.mouse.move(2, 2);
  await page.locator('.context-view .hover-contents').waitFor({ state: 'detached', timeout: 5000 }).catch(() => {});
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ timeout: 30000 });
  await row.click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu');
  await menu.waitFor({ timeout: 10000 });
  return menu;
}

/** Clicks a context-menu item and makes sure the click took (an item clicked while the menu still lays out is lost). */
export async function clickMenuItem(page, menu, name) {
  const item = menu.getByRole('menuitem', { name });
  for (let i = 0; i < 3; i++) {
    await item.click({ timeout: 10000 });
    try {
      await page.locator('.context-view .monaco-menu').waitFor({ state: 'detached', timeout: 5000 });
      return;
    } catch { /* still open: the click was lost, try again */ }
  }
  throw new Error(`clicking "${name}" in the context menu did nothing`);
}

export async function closeMenu(page) {
  if (!(await page.locator('.context-view .monaco-menu').count())) return;
  await page.keyboard.press('Escape');
  await page.locator('.context-view .monaco-menu').waitFor({ state: 'detached', timeout: 5000 }).catch(() => {});
}

/**
 * The backend starts on first use (docs/activation.md), so a test that needs it makes that use: "Show Backend
 * Status" from the palette, retried while the palette does not list the extension's commands yet (a palette
 * opened before the workbench read the manifest keeps its empty list), then waits for the engine in the status bar.
 */
export async function startBackend(page) {
  for (let i = 0; ; i++) {
    try {
      await runCommand(page, 'Brain Tumor: Show Backend Status');
      break;
    } catch (e) {
      if (i === 5) throw e;
      await page.keyboard.press('Escape');
    }
  }
  await runCommand(page, 'View: Close All Editors');
  await page.locator('.statusbar-item', { hasText: /wasm|gpu|node|cpu/ }).filter({ has: page.locator('.codicon-pulse') }).first().waitFor({ timeout: 90000 });
}

/**
 * Answers code-server's save dialog titled `title` (a quick input with the path in its box) with `target`, and
 * asserts that the file or folder was written.
 */
export async function answerSaveDialog(page, title, target) {
  const widget = page.locator('.quick-input-widget', { hasText: title });
  await widget.waitFor({ timeout: 30000 });
  const input = widget.locator('.quick-input-box input');
  for (let i = 0; i < 50 && !((await input.inputValue().catch(() => '')).startsWith('/')); i++) await page.waitForTimeout(200);
  // The dialog fills in its default path a moment after it opens: fill again until the box keeps ours.
  for (let i = 0; i < 10; i++) {
    await input.fill(target);
    await page.waitForTimeout(400);
    if (await input.inputValue().catch(() => '') === target) break;
  }
  for (let i = 0; i < 10 && await widget.isVisible() && !fs.existsSync(target); i++) {
    await input.press('Enter').catch(() => {});
    await page.waitForTimeout(500);
  }
  for (let i = 0; i < 50 && !fs.existsSync(target); i++) await page.waitForTimeout(200);
  if (!fs.existsSync(target)) await page.screenshot({ path: path.join(RESULTS, 'screenshots', 'save-dialog-failed.png') });
  assert.ok(fs.existsSync(target), `the save dialog wrote ${target}`);
  await widget.waitFor({ state: 'hidden', timeout: 10000 });
}
