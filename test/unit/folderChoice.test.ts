/** The remembered folder lists of Evaluate Model and Train Model, their argument objects, and the evaluation's progress text. */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  dataRootParams, dataRootsOf, evaluateProgressText, forgetFolder, MAX_REMEMBERED, parseEvaluateArg, readFolderChoice, recordChoice,
} from '../../extension/evaluation/folderChoice';

const all = () => true;

describe('remembered folder choices', () => {
  it('reads back what was stored, keeping folders that exist and chosen ones that are known', () => {
    const c = readFolderChoice({ known: ['/a', '/b', '/gone', '/a'], chosen: ['/b', '/gone', '/never-known'] }, (d) => d !== '/gone');
    assert.deepEqual(c, { known: ['/a', '/b'], chosen: ['/b'] });
  });

  it('treats junk as nothing remembered', () => {
    for (const junk of [undefined, null, 7, 'x', [], { known: 'x' }, { known: [1, 2] }, { known: ['relative/path'] }]) {
      assert.deepEqual(readFolderChoice(junk, all), { known: [], chosen: [] }, JSON.stringify(junk));
    }
  });

  it('remembers a choice: chosen and added folders lead the list, and are ticked next time', () => {
    const prev = { known: ['/a', '/b', '/c'], chosen: ['/a'] };
    const next = recordChoice(prev, ['/c'], ['/new1', '/new2']);
    assert.deepEqual(next.chosen, ['/c', '/new1', '/new2']);
    assert.deepEqual(next.known, ['/new1', '/new2', '/a', '/b', '/c']);
    assert.deepEqual(recordChoice(prev, []), { known: ['/a', '/b', '/c'], chosen: [] }, 'choosing none is remembered too');
    const many = recordChoice({ known: [], chosen: [] }, [], Array.from({ length: 30 }, (_, i) => `/d${i}`));
    assert.equal(many.known.length, MAX_REMEMBERED);
  });

  it('forgets a folder', () => {
    assert.deepEqual(forgetFolder({ known: ['/a', '/b'], chosen: ['/a', '/b'] }, '/a'), { known: ['/b'], chosen: ['/b'] });
  });
});

describe('Evaluate Model argument object', () => {
  it('takes modelDir with optional external folders, perturb and tta', () => {
    assert.deepEqual(parseEvaluateArg({ modelDir: '/runs/r1' }), { modelDir: '/runs/r1' });
    assert.deepEqual(parseEvaluateArg({ modelDir: '/runs/r1', external: ['/data/ext'], perturb: true, tta: false, other: 1 }),
      { modelDir: '/runs/r1', external: ['/data/ext'], perturb: true, tta: false });
    // The sidebar's "Evaluate on this dataset": another dataset's Testing split.
    assert.deepEqual(parseEvaluateArg({ modelDir: '/m', dataRoot: '/data/kaggle', external: [] }), { modelDir: '/m', dataRoot: '/data/kaggle', external: [] });
  });

  it('is not an argument object without modelDir (a string or a Uri goes the other way)', () => {
    for (const v of [undefined, null, '/runs/r1', [], { tta: true }]) assert.equal(parseEvaluateArg(v), undefined);
  });

  it('refuses wrong fields rather than guessing', () => {
    assert.throws(() => parseEvaluateArg({ modelDir: '/r', external: '/data/ext' }), /list of absolute folder paths/);
    assert.throws(() => parseEvaluateArg({ modelDir: '/r', external: ['relative'] }), /absolute/);
    assert.throws(() => parseEvaluateArg({ modelDir: '/r', perturb: 'yes' }), /"perturb" must be true or false/);
    assert.throws(() => parseEvaluateArg({ modelDir: '/r', dataRoot: 'relative' }), /"dataRoot" must be an absolute folder path/);
  });
});

describe('Train Model dataset folders', () => {
  it('reads dataRoots or dataRoot, and sends one folder as dataRoot and several as dataRoots', () => {
    assert.deepEqual(dataRootsOf({ dataRoot: '/d' }), ['/d']);
    assert.deepEqual(dataRootsOf({ dataRoots: ['/d', '/e'], dataRoot: '/x' }), ['/d', '/e']);
    assert.equal(dataRootsOf({}), undefined);
    assert.throws(() => dataRootsOf({ dataRoots: [] }), /non-empty list/);
    assert.throws(() => dataRootsOf({ dataRoots: '/d' }), /non-empty list/);
    assert.deepEqual(dataRootParams(['/d']), { dataRoot: '/d' });
    assert.deepEqual(dataRootParams(['/d', '/e']), { dataRoots: ['/d', '/e'] });
  });
});

describe('evaluateProgressText', () => {
  const p = (phase: 'loading' | 'predicting' | 'calibrating' | 'external' | 'perturbing', detail?: string) =>
    evaluateProgressText({ phase, done: 3, total: 10, ...(detail ? { detail } : {}) });
  it('names each phase, the external set and the perturbation', () => {
    assert.equal(p('loading'), 'loading Testing images 3/10');
    assert.equal(p('predicting'), 'predicting 3/10');
    assert.equal(p('calibrating'), 'fitting temperature on validation 3/10');
    assert.equal(p('external', 'br35h-tumour'), 'external set br35h-tumour 3/10');
    assert.equal(p('perturbing', 'contrast-low'), 'Testing under contrast-low 3/10');
    assert.equal(p('perturbing'), 'Testing under perturbations 3/10');
  });
});
