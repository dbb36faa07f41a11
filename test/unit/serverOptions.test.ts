import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseInitOptions, resolveThreads } from '../../server/backendServer';
import { restoreLegacyUtilHelpers } from '../../server/engine/nodeUtilShim';
import type { Logger } from '../../server/logger';

function collect(): { log: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const noop = () => undefined;
  return { warnings, log: { warn: (m) => warnings.push(m), error: noop, info: noop, log: noop } };
}

describe('parseInitOptions', () => {
  it('keeps valid options', () => {
    const { log, warnings } = collect();
    assert.deepEqual(parseInitOptions({ backend: 'wasm', threads: 2 }, log), { backend: 'wasm', threads: 2 });
    assert.deepEqual(warnings, []);
  });
  it('drops malformed options with a warning each', () => {
    const { log, warnings } = collect();
    assert.deepEqual(parseInitOptions({ backend: 'tpu', threads: -1 }, log), {});
    assert.deepEqual(parseInitOptions('wasm', log), {});
    assert.deepEqual(parseInitOptions({ threads: 1.5 }, log), {});
    assert.equal(warnings.length, 4);
  });
  it('accepts no options at all', () => {
    const { log } = collect();
    assert.deepEqual(parseInitOptions(undefined, log), {});
    assert.deepEqual(parseInitOptions(null, log), {});
  });
});

describe('resolveThreads', () => {
  it('prefers a valid environment value over the setting', () => {
    assert.equal(resolveThreads('3', 1), 3);
    assert.equal(resolveThreads('0', 4), 0);
    assert.equal(resolveThreads('many', 4), 4);
    assert.equal(resolveThreads('', 4), 4);
    assert.equal(resolveThreads(undefined, undefined), 0);
  });
});

describe('restoreLegacyUtilHelpers (tfjs-node on Node >= 23)', () => {
  it('adds the removed util.is* helpers with their old meaning', () => {
    const target: Record<string, unknown> = {};
    const added = restoreLegacyUtilHelpers(target);
    assert.ok(added.includes('isNullOrUndefined'));
    const isNullOrUndefined = target.isNullOrUndefined as (v: unknown) => boolean;
    assert.equal(isNullOrUndefined(null), true);
    assert.equal(isNullOrUndefined(undefined), true);
    assert.equal(isNullOrUndefined(0), false);
    assert.equal((target.isPrimitive as (v: unknown) => boolean)({}), false);
  });
  it('leaves existing functions alone', () => {
    const own = () => true;
    const target: Record<string, unknown> = { isArray: own };
    assert.ok(!restoreLegacyUtilHelpers(target).includes('isArray'));
    assert.equal(target.isArray, own);
  });
});
