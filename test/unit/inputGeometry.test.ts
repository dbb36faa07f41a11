/**
 * The geometry preprocessing records (crop, pad, square in pixels of the original) and its mapping back from
 * heat-map cells to the original: hand-computed cases, then real preprocessing of generated images whose content
 * sits at known places.
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { inputGeometry, jpegOrientation } from '../../server/data/inputGeometry';
import { DEFAULT_POLICY, preprocessWithStats } from '../../server/data/preprocess';
import type { Heatmap, InputGeometry } from '../../server/protocol';
import { heatmapPixelsOnOriginal, originalOverlaySize } from '../../webview/classification/heatmap';
import { heatCellToOriginal, isUsableGeometry, originalToHeatGrid } from '../../webview/classification/originalMapping';
import { stateToSave } from '../../webview/classification/savedState';
import { isClassifyItem } from '../../extension/panels/classificationMessages';
import { makeClassified, makeHeatmap, makeResult } from '../fixtures/classifyResult';

/** Original 400 x 300; the head 200 x 100 at (100, 50), off-centre; padded 50 above and below to a 200 square. */
const WIDE: InputGeometry = {
  width: 400, height: 300, orientation: 1, inputSize: 128,
  crop: { left: 100, top: 50, width: 200, height: 100 },
  pad: { left: 0, top: 50, right: 0, bottom: 50 },
  square: { left: 100, top: 0, width: 200, height: 200 },
};
/** Original 300 x 500; the head 100 x 300 at (20, 100), near the left edge: padded 100 left (mostly outside the image) and right. */
const TALL: InputGeometry = {
  width: 300, height: 500, orientation: 1, inputSize: 64,
  crop: { left: 20, top: 100, width: 100, height: 300 },
  pad: { left: 100, top: 0, right: 100, bottom: 0 },
  square: { left: -80, top: 100, width: 300, height: 300 },
};

describe('heat-map cells on the original', () => {
  it('a wide crop padded above and below: cells in the padding map to nothing, the rest to 50 px squares of the crop', () => {
    // 4 x 4 cells over a 200 px square: 50 px each, the square's top at y = 0.
    assert.equal(heatCellToOriginal(WIDE, 4, 4, 0, 0), null, 'row 0 is all padding (y 0..50)');
    assert.equal(heatCellToOriginal(WIDE, 4, 4, 2, 3), null, 'row 3 is all padding (y 150..200)');
    assert.deepEqual(heatCellToOriginal(WIDE, 4, 4, 1, 1), { left: 150, top: 50, width: 50, height: 50 });
    assert.deepEqual(heatCellToOriginal(WIDE, 4, 4, 3, 2), { left: 250, top: 100, width: 50, height: 50 });
    // 3 x 3 cells: 66.7 px, the middle row straddles both paddings and is clipped to the crop.
    const mid = heatCellToOriginal(WIDE, 3, 3, 0, 1)!;
    assert.equal(mid.left, 100);
    assert.ok(Math.abs(mid.width - 200 / 3) < 1e-9);
    assert.ok(Math.abs(mid.top - 200 / 3) < 1e-9 && Math.abs(mid.top + mid.height - 400 / 3) < 1e-9);
    const top = heatCellToOriginal(WIDE, 3, 3, 2, 0)!;
    assert.deepEqual([top.top, Math.round((top.top + top.height) * 1e9) / 1e9], [50, Math.round((200 / 3) * 1e9) / 1e9], 'clipped at the crop top');
  });

  it('a tall crop near the left edge, padded left and right: the padding is not image even where the original has pixels', () => {
    // 3 x 3 cells over a 300 px square starting at x = -80: columns -80..20, 20..120, 120..220.
    assert.equal(heatCellToOriginal(TALL, 3, 3, 0, 1), null, 'left padding, outside the image');
    assert.equal(heatCellToOriginal(TALL, 3, 3, 2, 1), null, 'right padding: x 120..220 exists in the original but was cropped away');
    assert.deepEqual(heatCellToOriginal(TALL, 3, 3, 1, 0), { left: 20, top: 100, width: 100, height: 100 });
    assert.deepEqual(heatCellToOriginal(TALL, 3, 3, 1, 2), { left: 20, top: 300, width: 100, height: 100 });
  });

  it('maps original points to heat-grid coordinates (cell centres at whole numbers), nothing outside the crop', () => {
    assert.deepEqual(originalToHeatGrid(WIDE, 4, 4, 200, 100), { gx: 1.5, gy: 1.5 }, 'the square centre is between cells 1 and 2');
    assert.deepEqual(originalToHeatGrid(WIDE, 4, 4, 125, 75), { gx: 0, gy: 1 }, 'the centre of cell (0, 1)');
    assert.equal(originalToHeatGrid(WIDE, 4, 4, 50, 100), null, 'left of the crop');
    assert.equal(originalToHeatGrid(WIDE, 4, 4, 200, 20), null, 'above the crop');
    assert.deepEqual(originalToHeatGrid(TALL, 3, 3, 70, 250), { gx: 1, gy: 1 }, 'centre of the tall crop: the middle cell');
    assert.equal(originalToHeatGrid(TALL, 3, 3, 150, 250), null, 'right of the crop');
    assert.ok(isUsableGeometry(WIDE) && isUsableGeometry(TALL));
    assert.equal(isUsableGeometry({ ...WIDE, crop: { ...WIDE.crop, width: 900 } }), false, 'a crop beyond the original');
    assert.equal(isUsableGeometry({ ...WIDE, square: { ...WIDE.square, width: Number.NaN } }), false);
  });

  it('draws the heat map over the whole original: strong at the mapped peak, transparent outside the crop', () => {
    // Peak in cell (3, 2) of a 4 x 4 map: original x 250..300, y 100..150.
    const values = Array.from({ length: 16 }, (_, i) => (i === 2 * 4 + 3 ? 1 : 0));
    const h: Heatmap = { width: 4, height: 4, values, targetClass: 'glioma', layer: 'conv' };
    const { width, height } = originalOverlaySize(WIDE);
    assert.deepEqual([width, height], [400, 300], 'the overlay has the original size');
    const px = heatmapPixelsOnOriginal(h, WIDE, width, height);
    const alpha = (x: number, y: number) => px[(y * width + x) * 4 + 3]!;
    assert.ok(alpha(275, 125) > 200, `opaque at the peak (${alpha(275, 125)})`);
    assert.equal(alpha(125, 75), 0, 'a cell without evidence');
    assert.equal(alpha(275, 30), 0, 'above the crop (padding in the input)');
    assert.equal(alpha(350, 125), 0, 'right of the crop');
    assert.deepEqual(originalOverlaySize({ ...WIDE, width: 4000, height: 3000 }), { width: 1024, height: 768 }, 'a large original is drawn at most 1024 px');
  });
});

describe('the geometry preprocessing records', () => {
  it('scales the crop found on the working image back to the original, per axis, with the padding of cropPadResize', () => {
    // 1000 x 500 stored, working image 256 x 128 (3.90625 original px per working px), head 100 x 80 at (64, 16).
    const g = inputGeometry({ width: 1000, height: 500, orientation: 1 }, 256, 128, { left: 64, top: 16, width: 100, height: 80 }, 128);
    assert.deepEqual(g, {
      width: 1000, height: 500, orientation: 1, inputSize: 128,
      crop: { left: 250, top: 62.5, width: 390.625, height: 312.5 },
      pad: { left: 0, top: 39.063, right: 0, bottom: 39.063 },
      square: { left: 250, top: 23.438, width: 390.625, height: 390.625 },
    });
    // An odd difference: 101 x 100 pads 0 above and 1 below (cropPadResize floors the top/left share).
    const odd = inputGeometry({ width: 200, height: 200, orientation: 1 }, 200, 200, { left: 10, top: 20, width: 101, height: 100 }, 64);
    assert.deepEqual(odd.pad, { left: 0, top: 0, right: 0, bottom: 1 });
    // A quarter turn (EXIF 6): stored 500 x 1000, shown 1000 x 500; no crop: the whole image, padded to a square.
    const turned = inputGeometry({ width: 500, height: 1000, orientation: 6 }, 256, 128, null, 128);
    assert.deepEqual([turned.width, turned.height, turned.orientation], [1000, 500, 6]);
    assert.deepEqual(turned.crop, { left: 0, top: 0, width: 1000, height: 500 });
    assert.deepEqual(turned.square, { left: 0, top: -250, width: 1000, height: 1000 });
  });

  const shape = (w: number, h: number, body: string) =>
    sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="#000"/>${body}</svg>`)).png().toBuffer();
  const near = (actual: number, expected: number, tol: number, what: string) => assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual}, expected ${expected} ± ${tol}`);
  const policy = { ...DEFAULT_POLICY, size: 64 };

  it('a wide image with an off-centre head: crop where the head is, padded above and below', async () => {
    // 400 x 200; head 120 x 60 at (240, 100). Working image 128 x 64 (3.125 px per working px): within one working pixel.
    const bytes = await shape(400, 200, '<rect x="240" y="100" width="120" height="60" fill="#888"/>');
    const { geometry: g } = await preprocessWithStats(bytes, policy, { width: 400, height: 200, orientation: 1 });
    assert.ok(g);
    assert.deepEqual([g.width, g.height, g.inputSize], [400, 200, 64]);
    const tol = 3.2;
    near(g.crop.left, 240, tol, 'crop left'); near(g.crop.top, 100, tol, 'crop top');
    near(g.crop.width, 120, 2 * tol, 'crop width'); near(g.crop.height, 60, 2 * tol, 'crop height');
    near(g.pad.top, 30, tol, 'pad top'); near(g.pad.bottom, 30, tol, 'pad bottom');
    assert.deepEqual([g.pad.left, g.pad.right], [0, 0]);
    near(g.square.left, 240, tol, 'square left'); near(g.square.top, 70, tol, 'square top');
    near(g.square.width, 120, 2 * tol, 'square side');
  });

  it('a tall image with the head at its left edge: the padding reaches outside the image; the input\'s bright spot maps back onto the spot', async () => {
    // 200 x 400; head 40 x 100 at (0, 250) with a white 10 x 10 spot at (20, 300).
    const bytes = await shape(200, 400, '<rect x="0" y="250" width="40" height="100" fill="#666"/><rect x="20" y="300" width="10" height="10" fill="#fff"/>');
    const { pixels, geometry: g } = await preprocessWithStats(bytes, policy, { width: 200, height: 400, orientation: 1 });
    assert.ok(g);
    const tol = 3.2;
    near(g.crop.left, 0, tol, 'crop left'); near(g.crop.top, 250, tol, 'crop top');
    near(g.pad.left, 30, tol, 'pad left'); near(g.pad.right, 30, tol, 'pad right');
    assert.ok(g.square.left < -20, `the square starts left of the image (${g.square.left})`);
    // The brightest input pixel, mapped back through resize, pad and crop, lands on the white spot.
    let best = 0;
    for (let i = 1; i < pixels.length; i++) if (pixels[i]! > pixels[best]!) best = i;
    const u = (best % 64) + 0.5, v = Math.floor(best / 64) + 0.5;
    const x = g.square.left + (u * g.square.width) / 64, y = g.square.top + (v * g.square.height) / 64;
    near(x, 25, 6, 'spot x'); near(y, 305, 6, 'spot y');
  });

  it('reads the EXIF orientation of a JPEG, and records the turned size', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="80" height="40"><rect width="80" height="40" fill="#444"/><rect width="20" height="40" fill="#fff"/></svg>');
    const tagged = await sharp(svg).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    assert.equal(jpegOrientation(tagged), 6);
    assert.equal(jpegOrientation(await sharp(svg).jpeg().toBuffer()), 1, 'no EXIF');
    assert.equal(jpegOrientation(await sharp(svg).png().toBuffer()), 1, 'not a JPEG');
    assert.equal(jpegOrientation(tagged.subarray(0, 30)), 1, 'cut off inside the EXIF segment');
    const { geometry: g } = await preprocessWithStats(tagged, { ...policy, cropThreshold: null }, { width: 80, height: 40, orientation: 6 });
    assert.deepEqual([g!.width, g!.height, g!.orientation], [40, 80, 6]);
    assert.deepEqual(g!.crop, { left: 0, top: 0, width: 40, height: 80 });
    assert.deepEqual(g!.square, { left: -20, top: 0, width: 80, height: 80 });
  });
});

describe('the panel with originals', () => {
  const picture = 'data:image/png;base64,' + 'A'.repeat(1000);
  const withOriginal = (p: string) => makeClassified(p, 0, 0.9, { input: picture, heatmap: makeHeatmap(0.5, 0.5), original: { geometry: WIDE, image: picture } });

  it('accepts an item with an original (or without: older backends), refuses a malformed one', () => {
    assert.ok(isClassifyItem(withOriginal('/s/a.png')));
    assert.ok(isClassifyItem(makeClassified('/s/b.png', 0, 0.9)), 'no original field at all');
    assert.ok(isClassifyItem({ ...withOriginal('/s/c.png'), original: { geometry: WIDE, image: null } }));
    assert.equal(isClassifyItem({ ...withOriginal('/s/d.png'), original: { geometry: WIDE, image: 'https://example.com/x.png' } }), false, 'only inline images');
    assert.equal(isClassifyItem({ ...withOriginal('/s/e.png'), original: { geometry: { ...WIDE, crop: null }, image: picture } }), false);
    assert.equal(isClassifyItem({ ...withOriginal('/s/f.png'), original: 'x' }), false);
  });

  it('drops the originals (picture and geometry: explain brings both back) from a large saved state, like the inputs', () => {
    const items = Array.from({ length: 10 }, (_, i) => withOriginal(`/s/${i}.png`));
    const state = { result: makeResult(items), selected: null, sort: { key: 'name' as const, dir: 'asc' as const }, filterClass: 'all',
      filterUncertain: 'all' as const, heatmap: { show: true, opacity: 0.5 } };
    assert.equal(stateToSave(state, 30_000), state, 'small: saved as is (20 pictures of 1 kB)');
    const trimmed = stateToSave(state, 15_000, 2).result!.items;
    const first = trimmed[0]!, late = trimmed[5]!;
    assert.ok(first.ok && first.original?.image === picture);
    assert.ok(late.ok && late.input === null && late.heatmap === null && late.original === undefined);
    // Thousands of rows without pictures still count their geometry, and lose it past the budget.
    const many = Array.from({ length: 100 }, (_, i) => makeClassified(`/m/${i}.png`, 0, 0.9, { original: { geometry: WIDE, image: null } }));
    const lean = stateToSave({ ...state, result: makeResult(many) }, 20_000, 10).result!.items;
    assert.deepEqual(lean.map((i) => (i.ok && i.original ? 1 : 0) as number).reduce((a, b) => a + b, 0), 10);
  });
});
