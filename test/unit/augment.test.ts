import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../server/data/splitDataset';
import { augmentInto, DEFAULT_AUGMENT, NO_AUGMENT } from '../../server/train/augment';

const SIZE = 16;
/** A bright 4 x 4 block near the left edge, on black. */
function image(): Uint8Array {
  const px = new Uint8Array(SIZE * SIZE);
  for (let y = 6; y < 10; y++) for (let x = 1; x < 5; x++) px[y * SIZE + x] = 255;
  return px;
}

describe('augmentInto', () => {
  it('with no augmentation only scales to 0..1', () => {
    const out = new Float32Array(SIZE * SIZE);
    augmentInto(image(), SIZE, 1, NO_AUGMENT, Math.random, out, 0);
    assert.deepEqual(Array.from(out), Array.from(image(), (v) => v / 255));
  });

  it('flips left-right', () => {
    const out = new Float32Array(SIZE * SIZE);
    augmentInto(image(), SIZE, 1, { ...NO_AUGMENT, flip: true }, () => 0.1, out, 0); // 0.1 < 0.5: flip
    assert.equal(out[7 * SIZE + 2], 0);
    assert.equal(out[7 * SIZE + (SIZE - 1 - 2)], 1);
  });

  it('is reproducible from a seed, stays in 0..1, and writes at the offset', () => {
    const a = new Float32Array(SIZE * SIZE * 2), b = new Float32Array(SIZE * SIZE * 2);
    augmentInto(image(), SIZE, 1, DEFAULT_AUGMENT, seededRandom(5), a, SIZE * SIZE);
    augmentInto(image(), SIZE, 1, DEFAULT_AUGMENT, seededRandom(5), b, SIZE * SIZE);
    assert.deepEqual(a, b);
    assert.ok(a.subarray(0, SIZE * SIZE).every((v) => v === 0), 'nothing written before the offset');
    assert.ok(a.every((v) => v >= 0 && v <= 1));
    const c = new Float32Array(SIZE * SIZE * 2);
    augmentInto(image(), SIZE, 1, DEFAULT_AUGMENT, seededRandom(6), c, SIZE * SIZE);
    assert.notDeepEqual(a, c);
  });

  it('moves the content with a shift, keeping its brightness', () => {
    const out = new Float32Array(SIZE * SIZE);
    // rand() = 1 - tiny for every draw: flip off (>= 0.5), shift +max in x and y, others at their +max too.
    const cfg = { ...NO_AUGMENT, shift: 0.25 };
    augmentInto(image(), SIZE, 1, cfg, () => 0.999999, out, 0);
    const sum = out.reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(sum - 16) < 0.5, `the block keeps its mass: ${sum}`);
    assert.ok(out[(7 + 4) * SIZE + (2 + 4)]! > 0.9, 'the block moved 4 pixels right and down');
  });
});
