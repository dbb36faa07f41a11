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
  it('keeps the language and the message bundle of the extension host (l10n)', () => {
    const { log, warnings } = collect();
    const bundle = { 'Scan cancelled.': 'Tarama iptal edildi.', 'tumour/A label': { message: 'tümör', comment: ['A label'] } };
    assert.deepEqual(parseInitOptions({ l10n: { language: 'tr', bundle } }, log), { l10n: { language: 'tr', bundle } });
    assert.deepEqual(parseInitOptions({ l10n: { language: 'pt-br' } }, log), { l10n: { language: 'pt-br' } });
    assert.deepEqual(warnings, []);
  });
  it('drops a malformed l10n option, or the entries of a bundle that are not messages, with a warning', () => {
    const { log, warnings } = collect();
    assert.deepEqual(parseInitOptions({ l10n: 'tr' }, log), {});
    assert.deepEqual(parseInitOptions({ l10n: { language: 'tr"; x', bundle: {} } }, log), {});
    assert.deepEqual(parseInitOptions({ l10n: { language: 'x'.repeat(40) } }, log), {});
    assert.deepEqual(parseInitOptions({ l10n: { language: 'tr', bundle: ['a'] } }, log), { l10n: { language: 'tr' } });
    assert.deepEqual(parseInitOptions({ l10n: { language: 'tr', bundle: { a: 'b', n: 1, o: { message: 'm' }, p: { message: 'm', comment: [2] } } } }, log),
      { l10n: { language: 'tr', bundle: { a: 'b' } } });
    assert.equal(warnings.length, 5);
    assert.match(warnings[4]!, /3 entries ignored/);
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
