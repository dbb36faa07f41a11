/** The Classification webview's pure parts: batch rows, heat-map pixels, the size of the saved state. */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { summarize, visibleRows } from '../../webview/classification/batchRows';
import { heatAlpha, heatmapPixels, viridis } from '../../webview/classification/heatmap';
import { stateToSave } from '../../webview/classification/savedState';
import type { ClassificationViewState } from '../../webview/protocol';
import { FIXTURE_CLASSES, makeClassified, makeFailed, makeHeatmap, makeResult } from '../fixtures/classifyResult';

describe('Classification view', () => {
  it('filters and sorts batch rows, failed images apart', () => {
    const items = [makeClassified('/s/img10.jpg', 1, 0.95), makeClassified('/s/img2.jpg', 0, 0.62), makeFailed('/s/bad.jpg'),
      makeClassified('/s/img1.jpg', 0, 0.99), makeClassified('/s/img3.jpg', 3, 0.5)];
    const prefs = (over: object) => ({ sort: { key: 'name' as const, dir: 'asc' as const }, filterClass: 'all', filterUncertain: 'all' as const,
      heatmap: { show: true, opacity: 0.5 }, ...over });
    const names = (over: object) => visibleRows(items, FIXTURE_CLASSES, prefs(over)).map((i) => path.posix.basename(i.path));
    assert.deepEqual(names({}), ['img1.jpg', 'img2.jpg', 'img3.jpg', 'img10.jpg'], 'numeric name order');
    assert.deepEqual(names({ sort: { key: 'name', dir: 'desc' } }), ['img10.jpg', 'img3.jpg', 'img2.jpg', 'img1.jpg']);
    assert.deepEqual(names({ sort: { key: 'confidence', dir: 'desc' } }), ['img1.jpg', 'img10.jpg', 'img2.jpg', 'img3.jpg']);
    assert.deepEqual(names({ sort: { key: 'predicted', dir: 'asc' } }), ['img1.jpg', 'img2.jpg', 'img10.jpg', 'img3.jpg']);
    assert.deepEqual(names({ sort: { key: 'uncertain', dir: 'desc' } }), ['img2.jpg', 'img3.jpg', 'img1.jpg', 'img10.jpg']);
    assert.deepEqual(names({ filterClass: 'glioma' }), ['img1.jpg', 'img2.jpg']);
    assert.deepEqual(names({ filterUncertain: 'uncertain' }), ['img2.jpg', 'img3.jpg']);
    assert.deepEqual(names({ filterUncertain: 'confident', filterClass: 'glioma' }), ['img1.jpg']);
    assert.deepEqual(summarize(items, FIXTURE_CLASSES),
      { images: 5, perClass: { glioma: 2, meningioma: 1, notumor: 0, pituitary: 1 }, uncertain: 2, failed: 1 });
  });

  it('upsamples heat maps smoothly onto viridis, fading weak evidence out', () => {
    assert.deepEqual(viridis(0), [0x44, 0x01, 0x54]);
    assert.deepEqual(viridis(1), [0xfd, 0xe7, 0x25]);
    assert.deepEqual(viridis(Number.NaN), viridis(0));
    assert.equal(heatAlpha(0), 0);
    assert.equal(heatAlpha(1), 1);
    const hm = { width: 2, height: 1, values: [0, 1], targetClass: 'glioma' as const, layer: 'conv' };
    const px = heatmapPixels(hm, 8);
    assert.equal(px.length, 8 * 8 * 4);
    const alphaAt = (x: number) => px[x * 4 + 3]!;
    assert.equal(alphaAt(0), 0, 'left edge: the weak cell, clamped');
    assert.equal(alphaAt(7), 255, 'right edge: the strong cell');
    for (let x = 1; x < 8; x++) assert.ok(alphaAt(x) >= alphaAt(x - 1), 'no step back between the cell centres');
    assert.ok([2, 3].every((x) => alphaAt(x) > 0 && alphaAt(x) < 255), 'a gradient, not two blocks');
    // Colours come from the interpolated value (x = 3 sits 3/8 of the way from the weak centre to the strong one).
    assert.deepEqual([...px.slice(3 * 4, 3 * 4 + 3)], viridis(0.375));
  });
  it('keeps the model inputs of the first items (and the open one) when they would make the state large', () => {
    const input = `data:image/png;base64,${'A'.repeat(1000)}`;
    const items = Array.from({ length: 120 }, (_, i) => makeClassified(`/s/${i}.jpg`, i % 4, 0.9, { input, heatmap: makeHeatmap(0.5, 0.5) }));
    const state: ClassificationViewState = { result: makeResult(items), selected: '/s/100.jpg', sort: { key: 'name', dir: 'asc' },
      filterClass: 'all', filterUncertain: 'all', heatmap: { show: true, opacity: 0.5 } };
    assert.equal(stateToSave(state, 200_000), state, 'small: saved as is');
    const trimmed = stateToSave(state, 50_000, 50);
    const kept = trimmed.result!.items.map((i) => (i.ok && i.input ? 1 : 0) as number).reduce((a, b) => a + b, 0);
    assert.equal(kept, 51);
    const open = trimmed.result!.items[100]!;
    assert.ok(open.ok && open.input && open.heatmap);
    const dropped = trimmed.result!.items[60]!;
    assert.ok(dropped.ok && dropped.input === null && dropped.heatmap === null);
    assert.ok(state.result!.items.every((i) => i.ok && i.input), 'the page keeps its own copy whole');
  });
});
