/** The Classification panel's extension side: message and saved-state validation, result updates, thumbnail roots. */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  inlineThumbnail, isClassifyItem, isClassifyResult, itemsByPath, MAX_INLINE_THUMBNAIL_BYTES, parseClassificationViewState, parseFromClassificationView, replaceItem,
  rootsCovered, thumbnailPlan, thumbnailRoots,
} from '../../extension/panels/classificationMessages';
import { makeClassified, makeFailed, makeHeatmap, makeResult } from '../fixtures/classifyResult';

const A = '/scans/glioma/a.jpg', B = '/scans/other/b.png', C = '/scans/c.txt';
const known = new Set([A, B, C]);

describe('Classification panel messages', () => {
  it('accepts the messages the page sends, about the result\'s own images', () => {
    assert.deepEqual(parseFromClassificationView({ type: 'ready' }, known), { type: 'ready' });
    assert.deepEqual(parseFromClassificationView({ type: 'open', path: A }, known), { type: 'open', path: A });
    assert.deepEqual(parseFromClassificationView({ type: 'explain', path: B, extra: 1 }, known), { type: 'explain', path: B });
    assert.deepEqual(parseFromClassificationView({ type: 'exportCsv', paths: [B, A, B] }, known), { type: 'exportCsv', paths: [B, A] });
  });

  it('refuses paths that are not among the result\'s items', () => {
    for (const p of ['/etc/passwd', '/scans/glioma/../glioma/a.jpg', `${A}\0`, A.toUpperCase(), '', 'a.jpg']) {
      assert.equal(parseFromClassificationView({ type: 'open', path: p }, known), undefined, p);
      assert.equal(parseFromClassificationView({ type: 'explain', path: p }, known), undefined, p);
      assert.equal(parseFromClassificationView({ type: 'exportCsv', paths: [A, p] }, known), undefined, p);
    }
  });

  it('rejects non-objects, unknown types and malformed messages', () => {
    for (const bad of [null, undefined, 42, 'ready', [], [{ type: 'ready' }], {}, { type: 'nope' }, { type: 'READY' }, { type: 'open' },
      { type: 'open', path: 7 }, { type: 'open', path: { toString: () => A } }, { type: 'exportCsv' }, { type: 'exportCsv', paths: A },
      { type: 'exportCsv', paths: [] }, { type: 'exportCsv', paths: [A, 3] }]) {
      assert.equal(parseFromClassificationView(bad, known), undefined, JSON.stringify(bad) ?? typeof bad);
    }
  });
});

describe('Classification saved state', () => {
  const result = makeResult([makeClassified(A, 0, 0.9, { heatmap: makeHeatmap(0.4, 0.5), input: 'data:image/png;base64,AAAA' }),
    makeClassified(B, 3, 0.6), makeFailed(C)]);

  it('restores a result with its view settings, and falls back to defaults for bad settings', () => {
    const saved = JSON.parse(JSON.stringify({ result, selected: B, sort: { key: 'confidence', dir: 'desc' }, filterClass: 'pituitary',
      filterUncertain: 'uncertain', heatmap: { show: false, opacity: 0.3 } })) as unknown;
    const s = parseClassificationViewState(saved);
    assert.ok(s?.result);
    assert.equal(s.result.items.length, 3);
    assert.deepEqual([s.selected, s.sort, s.filterClass, s.filterUncertain, s.heatmap],
      [B, { key: 'confidence', dir: 'desc' }, 'pituitary', 'uncertain', { show: false, opacity: 0.3 }]);
    const odd = parseClassificationViewState({ result, selected: '/elsewhere.jpg', sort: { key: 'path', dir: 'up' }, filterClass: '<b>',
      filterUncertain: 'maybe', heatmap: { show: 'yes', opacity: 7 } });
    assert.deepEqual([odd?.selected, odd?.sort, odd?.filterClass, odd?.filterUncertain, odd?.heatmap],
      [null, { key: 'name', dir: 'asc' }, 'all', 'all', { show: true, opacity: 1 }]);
  });

  it('restores nothing without a usable result', () => {
    for (const bad of [undefined, null, {}, { result: null }, { result: { items: [] } }, { result: { ...result, items: 'x' } },
      { result: { ...result, model: { ...result.model, classes: [] } } }]) {
      assert.equal(parseClassificationViewState(bad), undefined, JSON.stringify(bad));
    }
  });

  it('recognises items, and refuses remote inputs and heat maps of the wrong size', () => {
    assert.equal(isClassifyResult(result), true);
    assert.equal(isClassifyItem(result.items[2]), true);
    const good = makeClassified(A, 0, 0.9);
    assert.equal(isClassifyItem({ ...good, input: 'https://example.com/x.png' }), false);
    assert.equal(isClassifyItem({ ...good, input: 'javascript:alert(1)' }), false);
    assert.equal(isClassifyItem({ ...good, heatmap: { ...makeHeatmap(0.5, 0.5), width: 3 } }), false);
    assert.equal(isClassifyItem({ ...good, probabilities: ['0.5'] }), false);
    assert.equal(isClassifyItem({ ok: false, path: C }), false);
  });

});

describe('Classification panel helpers', () => {
  it('finds items in the order asked, and replaces one keeping its path', () => {
    const result = makeResult([makeClassified(A, 0, 0.9), makeClassified(B, 1, 0.8), makeFailed(C)]);
    assert.deepEqual(itemsByPath(result, [C, A, '/nope']).map((i) => i.path), [C, A]);
    const explained = makeClassified('/other/name.jpg', 1, 0.8, { heatmap: makeHeatmap(0.5, 0.5) });
    const next = replaceItem(result, B, explained);
    assert.notEqual(next, result);
    assert.equal(next.items[1]!.path, B);
    assert.ok(next.items[1]!.ok && next.items[1]!.heatmap);
    assert.equal(result.items[1]!.ok && result.items[1]!.heatmap, null, 'the old result is left alone');
    assert.equal(replaceItem(result, '/nope', explained), result);
  });

  it('lets thumbnails load from the images\' common folder, or their own folders when that would be too wide', () => {
    const home = '/home/ann';
    assert.deepEqual(thumbnailRoots([], path.posix, home), []);
    assert.deepEqual(thumbnailRoots(['/data/brain/Testing/glioma/a.jpg'], path.posix, home), ['/data/brain/Testing/glioma']);
    assert.deepEqual(thumbnailRoots(['/data/brain/Testing/glioma/a.jpg', '/data/brain/Testing/notumor/b.jpg', '/data/brain/c.jpg'], path.posix, home),
      ['/data/brain']);
    assert.deepEqual(thumbnailRoots(['/data/a.jpg', '/tmp/b.jpg'], path.posix, home), ['/data', '/tmp'], 'not the file-system root');
    assert.deepEqual(thumbnailRoots(['/home/ann/scans/a.jpg', '/home/ann/Downloads/b.jpg'], path.posix, home),
      ['/home/ann/scans', '/home/ann/Downloads'], 'not the home folder');
    assert.deepEqual(thumbnailRoots(['/home/ann/scans/x/a.jpg', '/home/ann/scans/y/b.jpg'], path.posix, home), ['/home/ann/scans']);
    assert.deepEqual(thumbnailRoots(['C:\\scans\\a.jpg', 'D:\\scans\\b.jpg'], path.win32, 'C:\\Users\\ann'), ['C:\\scans', 'D:\\scans']);
    assert.deepEqual(thumbnailRoots(['C:\\data\\x\\a.jpg', 'c:\\data\\y\\b.jpg'], path.win32, 'C:\\Users\\ann').length, 1);
  });

  it('never opens the file-system root or the home folder to the page, even for one image: those are sent inline', () => {
    const home = '/home/ann';
    assert.deepEqual(thumbnailRoots(['/a.jpg'], path.posix, home), [], 'a single image at /');
    assert.deepEqual(thumbnailRoots(['/home/ann/a.jpg'], path.posix, home), [], 'a single image in the home folder');
    assert.deepEqual(thumbnailRoots(['/home/a.jpg'], path.posix, home), [], 'an ancestor of the home folder');
    assert.deepEqual(thumbnailPlan(['/home/ann/a.jpg', '/home/ann/scans/b.jpg', '/c.png'], path.posix, home),
      { roots: ['/home/ann/scans'], inline: ['/home/ann/a.jpg', '/c.png'] });
    assert.deepEqual(thumbnailRoots(['C:\\a.jpg'], path.win32, 'C:\\Users\\ann'), []);
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47]);
    assert.equal(inlineThumbnail('/home/ann/a.PNG', png), 'data:image/png;base64,iVBORw==');
    assert.equal(inlineThumbnail('/home/ann/a.tif', png), undefined, 'a type the page cannot show');
    assert.equal(inlineThumbnail('/home/ann/big.jpg', new Uint8Array(MAX_INLINE_THUMBNAIL_BYTES + 1)), undefined, 'too large');
  });

  it('keeps the resource roots when the new images lie inside them', () => {
    assert.equal(rootsCovered(['/data/brain/Testing'], ['/data/brain'], path.posix), true);
    assert.equal(rootsCovered(['/data/brain'], ['/data/brain'], path.posix), true);
    assert.equal(rootsCovered(['/data/brain2'], ['/data/brain'], path.posix), false);
    assert.equal(rootsCovered(['/data'], ['/data/brain'], path.posix), false);
    assert.equal(rootsCovered([], [], path.posix), true);
  });
});
