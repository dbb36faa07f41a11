/**
 * Classification through the real extension and backend, with the bundled model: Classify Image on generated
 * images (one, several, a folder) returns four probabilities summing to 1 and opens the Classification panel;
 * Select Model switches to another model folder and refuses a broken one with an error naming the problem.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClassifiedImage, ClassifyResult } from '../../server/protocol';
import { api, tabsOnceOpen } from './extensionApi';

const WORKSPACE = process.env.BRAIN_TUMOR_TEST_WORKSPACE ?? '';

function checkItem(it: ClassifiedImage): void {
  assert.equal(it.probabilities.length, 4);
  assert.ok(Math.abs(it.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-4, `probabilities sum to 1: ${it.probabilities.join(', ')}`);
  assert.ok(['glioma', 'meningioma', 'notumor', 'pituitary'].includes(it.predicted));
  assert.equal(it.confidence, Math.max(...it.probabilities));
}

describe('Classification in VS Code', () => {
  const bundled = path.resolve(__dirname, '../../../models/brain-tumor-cnn');

  it('Classify Image on two selected images returns four probabilities summing to 1 and opens the Classification panel', async () => {
    const a = await api();
    assert.equal(a.activeModelDir(), undefined, 'the bundled model is active by default');
    const one = vscode.Uri.file(path.join(WORKSPACE, 'scan.png'));
    const two = vscode.Uri.file(path.join(WORKSPACE, 'scans', 'slice-001.jpg'));
    const result = await vscode.commands.executeCommand<ClassifyResult>('brainTumor.classifyImage', one, [one, two]);
    assert.ok(result, 'the command returns the result');
    assert.equal(result.items.length, 2);
    for (const it of result.items) {
      assert.ok(it.ok, JSON.stringify(it));
      checkItem(it);
      assert.ok(it.heatmap && it.heatmap.values.length === it.heatmap.width * it.heatmap.height, 'small selections come with heat maps');
      assert.match(it.input ?? '', /^data:image\/png;base64,/);
    }
    assert.equal(result.model.bundled, true);
    assert.equal(result.model.modelDir, bundled);
    assert.ok(result.model.evaluation?.official, 'the bundled model carries its Testing figures');
    const tabs = await tabsOnceOpen('Classification');
    assert.ok(tabs.some((l) => l.startsWith('Classification')), `a Classification tab is open: ${tabs.join(', ')}`);
    const status = await a.status();
    assert.equal(status.activeModel, bundled, 'the backend reports the model it used');
  });

  it('Classify Image from the palette classifies the image open in the active editor', async () => {
    const image = vscode.Uri.file(path.join(WORKSPACE, 'scans', 'slice-001.jpg'));
    await vscode.commands.executeCommand('vscode.open', image);
    for (let i = 0; i < 50 && !(vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputCustom); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const result = await vscode.commands.executeCommand<ClassifyResult>('brainTumor.classifyImage');
    assert.ok(result, 'the command returns the result');
    assert.deepEqual(result.items.map((i) => i.path), [image.fsPath]);
    assert.ok(result.items[0]!.ok);
    checkItem(result.items[0] as ClassifiedImage);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('classifies a folder recursively, listing a non-image file named like an image as an error', async () => {
    const folder = path.join(WORKSPACE, 'classify-folder');
    fs.mkdirSync(path.join(folder, 'inner'), { recursive: true });
    fs.copyFileSync(path.join(WORKSPACE, 'scan.png'), path.join(folder, 'a.png'));
    fs.copyFileSync(path.join(WORKSPACE, 'scans', 'slice-001.jpg'), path.join(folder, 'inner', 'b.jpg'));
    fs.writeFileSync(path.join(folder, 'inner', 'broken.png'), 'this is text, not a PNG');
    const result = await vscode.commands.executeCommand<ClassifyResult>('brainTumor.classifyImage', vscode.Uri.file(folder));
    assert.deepEqual(result.items.map((i) => path.relative(folder, i.path)), ['a.png', 'inner/b.jpg', 'inner/broken.png']);
    const [a, b, broken] = result.items;
    assert.ok(a!.ok && b!.ok);
    checkItem(a as ClassifiedImage);
    assert.equal(a!.heatmap, null, 'folders are classified without heat maps (explained on demand)');
    assert.equal(broken!.ok, false);
    assert.match((broken as { error: string }).error, /Cannot classify broken\.png/);
  });

  it('Select Model switches to another model folder, and refuses a broken one without changing the active model', async () => {
    const a = await api();
    const copy = path.join(WORKSPACE, 'models-copy', 'mine');
    fs.cpSync(bundled, copy, { recursive: true });
    await vscode.commands.executeCommand('brainTumor.selectModel', vscode.Uri.file(copy));
    assert.equal(a.activeModelDir(), copy);
    const r = await a.classify({ paths: [path.join(WORKSPACE, 'scan.png')] });
    assert.equal(r.model.modelDir, copy);
    assert.equal(r.model.bundled, false);

    const broken = path.join(WORKSPACE, 'models-copy', 'broken');
    fs.cpSync(bundled, broken, { recursive: true });
    fs.writeFileSync(path.join(broken, 'weights.bin'), Buffer.alloc(10));
    await vscode.commands.executeCommand('brainTumor.selectModel', vscode.Uri.file(broken));
    assert.equal(a.activeModelDir(), copy, 'a model that fails to load does not become active');
    await assert.rejects(a.classify({ paths: [path.join(WORKSPACE, 'scan.png')], modelDir: broken }),
      (e: { message: string }) => /weights in .*broken are corrupt/.test(e.message));

    // Back to the bundled model for whatever runs next.
    await vscode.commands.executeCommand('brainTumor.selectModel', vscode.Uri.file(bundled));
    assert.equal(a.activeModelDir(), undefined);
  });
});
