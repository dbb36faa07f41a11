/**
 * The extension in a real VS Code extension host, talking to a real backend process.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ScanReport, StatusResult } from '../../server/protocol';
import { api, EXTENSION_ID } from './extensionApi';


/** Polls until `fn` returns without throwing (the backend restarts asynchronously). */
async function eventually<T>(fn: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const t0 = Date.now();
  let last: unknown;
  while (Date.now() - t0 < timeoutMs) {
    try {
      return await fn();
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw last instanceof Error ? last : new Error(String(last));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True when a native tfjs package loads here (never on the CI machines, where it cannot install). */
function nativeAvailable(): boolean {
  for (const p of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      require.resolve(p);
      return true;
    } catch { /* not installed */ }
  }
  return false;
}

describe('Brain Tumor Detection in VS Code', () => {
  let first: StatusResult;

  it('activates and exports its API', async () => {
    const a = await api();
    assert.equal(typeof a.status, 'function');
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID)?.isActive);
  });

  it('gets status from a real backend process', async () => {
    const a = await api();
    first = await eventually(() => a.status(), 60_000);
    assert.equal(a.backendState(), 'running');
    assert.notEqual(first.pid, process.pid, 'the backend must be its own process');
    assert.ok(isAlive(first.pid));
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { version: string };
    assert.equal(first.serverVersion, pkg.version);
    assert.match(first.tfjsVersion, /^4\.22\./);
    assert.ok(first.backend.threads >= 1);
    assert.ok(first.backend.reason.length > 10, 'the backend says why it was chosen');
    assert.equal(first.backend.requested, 'auto');
    if (!nativeAvailable()) {
      assert.equal(first.backend.kind, 'wasm');
      assert.equal(first.backend.simd, true);
      const failed = first.backend.attempts.filter((x) => !x.ok).map((x) => x.kind);
      assert.deepEqual(failed, ['gpu', 'node'], 'gpu and node were tried first, and their reasons kept');
    }
    // The extension loads the active model (the bundled one) as soon as the backend runs, for the status bar.
    const loaded = await eventually(async () => {
      const st = await a.status();
      assert.ok(st.activeModel, 'the active model is loaded at start');
      return st;
    }, 60_000);
    assert.ok(loaded.numTensors > 0, 'its weights are the only tensors');
    assert.equal((await a.status()).numTensors, loaded.numTensors, 'and nothing grows at idle');
  });

  it('restarts the backend on command and answers again from a new process', async () => {
    const a = await api();
    await vscode.commands.executeCommand('brainTumor.restartBackend');
    const again = await eventually(() => a.status());
    assert.notEqual(again.pid, first.pid, 'a new backend process');
    assert.equal(again.backend.kind, first.backend.kind);
    assert.ok(again.uptimeMs < first.uptimeMs + 60_000);
    await eventually(() => Promise.resolve(assert.equal(isAlive(first.pid), false, 'the old backend process exited')));
    first = again;
  });

  it('brings a crashed backend back by itself', async () => {
    const a = await api();
    const before = await a.status();
    process.kill(before.pid, 'SIGKILL');
    const after = await eventually(async () => {
      const s = await a.status();
      assert.notEqual(s.pid, before.pid);
      return s;
    });
    assert.equal(a.backendState(), 'running');
    assert.equal(after.backend.kind, before.backend.kind);
  });

  it('honours the brainTumor.backend setting after a restart', async () => {
    const a = await api();
    const cfg = vscode.workspace.getConfiguration('brainTumor');
    await cfg.update('backend', 'cpu', vscode.ConfigurationTarget.Workspace);
    try {
      await a.restartBackend();
      const s = await eventually(() => a.status());
      assert.equal(s.backend.kind, 'cpu');
      assert.equal(s.backend.requestedBy, 'setting');
    } finally {
      await cfg.update('backend', undefined, vscode.ConfigurationTarget.Workspace);
      await a.restartBackend();
    }
    const back = await eventually(() => a.status());
    assert.equal(back.backend.requested, 'auto');
  });

  it('registers every command of the product', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    for (const c of ['trainModel', 'classifyImage', 'showDataset', 'showTraining', 'evaluateModel', 'selectModel',
      'showBackendStatus', 'restartBackend', 'openLogs']) {
      assert.ok(all.has(`brainTumor.${c}`), `command brainTumor.${c}`);
    }
  });

  it('offers Classify Image in the Explorer context menu of image files and folders, not of other files', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: { menus: Record<string, { command: string; when: string }[]> };
    };
    const item = pkg.contributes.menus['explorer/context']?.find((m) => m.command === 'brainTumor.classifyImage');
    assert.ok(item, 'explorer/context has Classify Image');
    // The when clause's regex, evaluated the way VS Code does on resourceExtname.
    const m = /resourceExtname =~ \/(.+)\/(\w*)/.exec(item.when);
    assert.ok(m && item.when.includes('explorerResourceIsFolder'));
    const re = new RegExp(m[1]!.replace(/\\\\/g, '\\'), m[2]);
    for (const ext of ['.jpg', '.jpeg', '.png', '.bmp', '.webp', '.tif', '.tiff', '.JPG', '.PNG']) assert.ok(re.test(ext), ext);
    for (const ext of ['.txt', '.json', '.jpgx', '.svg', '.gif']) assert.ok(!re.test(ext), ext);
  });

  it('opens the Backend Status panel', async () => {
    await vscode.commands.executeCommand('brainTumor.showBackendStatus');
    const tab = await eventually(() => {
      const t = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((x) => x.label === 'Brain Tumor: Backend Status');
      assert.ok(t, 'a Backend Status tab');
      return Promise.resolve(t);
    });
    assert.ok(tab.input instanceof vscode.TabInputWebview);
    assert.match(tab.input.viewType, /brainTumor\.backendStatus$/);
    // A second call reveals the same panel instead of opening another.
    await vscode.commands.executeCommand('brainTumor.showBackendStatus');
    const count = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((x) => x.label === 'Brain Tumor: Backend Status').length;
    assert.equal(count, 1);
  });

  it('scans a dataset through the backend and shows it in the Dataset panel', async () => {
    const root = path.join(process.env.BRAIN_TUMOR_TEST_WORKSPACE!, 'dataset');
    const report = await vscode.commands.executeCommand<ScanReport | undefined>('brainTumor.showDataset', vscode.Uri.file(root));
    assert.ok(report, 'Show Dataset returns the report');
    assert.equal(report.totals.files, 21);
    const training = report.splits.find((s) => s.split === 'Training')!;
    // The four classes, and no file with the coarse "tumour, type unknown" label.
    assert.deepEqual(Object.fromEntries(Object.entries(training.classes).map(([label, c]) => [label, c.files])),
      { glioma: 3, meningioma: 3, notumor: 3, pituitary: 3, tumour: 0 });
    assert.deepEqual(report.leaks.map((l) => [l.testFile, l.exact]), [['Testing/glioma/leaked.png', true]]);
    assert.equal(report.testing?.deduplicated, 8);
    const tab = await eventually(() => {
      const t = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((x) => x.label === 'Dataset: dataset');
      assert.ok(t, 'a Dataset tab');
      return Promise.resolve(t);
    });
    assert.ok(tab.input instanceof vscode.TabInputWebview && /brainTumor\.dataset$/.test(tab.input.viewType));
    // The cache went to the workspace's .brain-tumor/, which git is told to ignore.
    const ws = process.env.BRAIN_TUMOR_TEST_WORKSPACE!;
    assert.ok(fs.readdirSync(path.join(ws, '.brain-tumor', 'cache', 'scans')).length >= 1);
    assert.equal(fs.readFileSync(path.join(ws, '.brain-tumor', '.gitignore'), 'utf8').trim(), '*');
  });

  it('gives a clear error for a folder that is not a dataset', async () => {
    const a = await api();
    await assert.rejects(a.scanDataset(path.join(process.env.BRAIN_TUMOR_TEST_WORKSPACE!, 'scans')),
      /No dataset layout found .*Accepted class names/);
  });

  it('opens its log channel', async () => {
    await vscode.commands.executeCommand('brainTumor.openLogs');
  });
});
