/**
 * The Classification panel's volume view, its pure parts: the per-slice chart's geometry, the summary's words, the
 * checks of volume results and saved slices the extension makes, the saved state's size, and the menus that offer
 * Classify Image on DICOM and NIfTI files.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { isClassifyItem, isVolumeResult, parseClassificationViewState } from '../../extension/panels/classificationMessages';
import type { ClassifiedImage, VolumeResult } from '../../server/protocol';
import { stateToSave } from '../../webview/classification/savedState';
import { probabilityY, SLICE_CHART_BOX, sliceChartGeometry, slicePositionAt, sliceX } from '../../webview/classification/sliceChart';
import { slicePosition, sliceOfText, summarySentences, volumeFacts, volumeRowText } from '../../webview/classification/volumeText';
import { makeClassified, makeHeatmap, makeResult, makeVolumeItem } from '../fixtures/classifyResult';

const volumeOf = (i: ClassifiedImage): VolumeResult => i.volume!;
/** The numbers of an SVG path "M x y L x y ... Z" as [x, y] pairs. */
const points = (d: string) => [...d.matchAll(/(-?[\d.]+) (-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);

describe('Volume view: slice chart geometry', () => {
  const box = SLICE_CHART_BOX;
  it('stacks the classes of every slice from the bottom of the plot to its top', () => {
    const probs = [[0.1, 0.2, 0.6, 0.1], [0.7, 0.1, 0.1, 0.1], [0.25, 0.25, 0.25, 0.25]];
    const g = sliceChartGeometry(probs, 4, [10, 11, 12]);
    assert.equal(g.areas.length, 4);
    assert.deepEqual(g.xs, [box.left, (box.left + box.width - box.right) / 2, box.width - box.right]);
    const first = points(g.areas[0]!.d), last = points(g.areas[3]!.d);
    // The first class's top edge at slice 2 is its probability; its bottom edge is the plot's bottom.
    assert.equal(first[1]![1], Number(probabilityY(0.7).toFixed(1)));
    assert.equal(first[3]![1], Number(probabilityY(0).toFixed(1)));
    // The last class's top edge is the plot's top (100%) at every slice.
    for (const [, y] of last.slice(0, 3)) assert.equal(y, Number(probabilityY(1).toFixed(1)));
    assert.equal(probabilityY(1), box.top);
    assert.equal(probabilityY(0), box.height - box.bottom);
  });

  it('scales a column that does not sum to 1, and counts bad values as 0', () => {
    const g = sliceChartGeometry([[2, 2, Number.NaN, -1], [1, 0, 0, 0]], 4, [0, 1]);
    const second = points(g.areas[1]!.d); // meningioma: from 50% to 100% at the first slice
    assert.equal(second[0]![1], Number(probabilityY(1).toFixed(1)));
    assert.equal(second.at(-1)![1], Number(probabilityY(0.5).toFixed(1)));
  });

  it('draws one slice as a band across the plot, and labels slice numbers from 1', () => {
    const g = sliceChartGeometry([[1, 0, 0, 0]], 4, [36]);
    assert.deepEqual(g.xs, [sliceX(0, 1)]);
    assert.deepEqual(points(g.areas[0]!.d).map(([x]) => x).slice(0, 2), [box.left, box.width - box.right]);
    const many = sliceChartGeometry(Array.from({ length: 155 }, () => [0.25, 0.25, 0.25, 0.25]), 4, Array.from({ length: 155 }, (_, i) => i));
    assert.deepEqual(many.xTicks.map((t) => t.label), [50, 100, 150]);
    assert.ok(Math.abs(many.xTicks[0]!.x - sliceX(49, 155)) < 1e-9, 'tick 50 sits at index 49');
    assert.deepEqual(sliceChartGeometry([], 4, []).areas, []);
  });

  it('finds the slice nearest to a pointer', () => {
    const xs = [44, 100, 200, 300];
    assert.deepEqual([0, 71, 73, 260, 1000].map((x) => slicePositionAt(x, xs)), [0, 0, 1, 3, 3]);
    assert.equal(slicePositionAt(10, []), -1);
  });
});

describe('Volume view: words', () => {
  const tumour = makeVolumeItem('/v/brain.nii.gz', 155);
  it('says which class, where and how many slices, counting slices from 1', () => {
    const v = volumeOf(tumour);
    const [a, b] = v.summary.sliceRange!;
    assert.deepEqual(summarySentences(v), [`Most likely Glioma, in slices ${a + 1} to ${b + 1}.`,
      `${v.summary.tumourSlices.length} slices show a tumour (155 slices classified).`]);
    assert.equal(sliceOfText(36, 155), 'slice 37 of 155');
    assert.equal(volumeRowText(v), `NIfTI volume, 155 slices: Glioma in slices ${a + 1} to ${b + 1}`);
  });

  it('says when no slice shows a tumour, and when only some slices were classified', () => {
    const v = volumeOf(tumour);
    const none: VolumeResult = { ...v, slices: v.slices.slice(0, 40), summary: { tumourSlices: [], predicted: 'notumor', sliceRange: null, keySlice: 3 } };
    assert.deepEqual(summarySentences(none), ['No slice shows a tumour: most likely No tumor (40 of 155 slices classified).']);
    assert.equal(volumeRowText(none), 'NIfTI volume, 155 slices: no tumour found');
    const one: VolumeResult = { ...v, summary: { tumourSlices: [80], predicted: 'glioma', sliceRange: [80, 80], keySlice: 80 } };
    assert.deepEqual(summarySentences(one), ['Most likely Glioma, in slice 81.', '1 slice shows a tumour (155 slices classified).']);
  });

  it('heads the volume with format, orientation, slice count and only the descriptive attributes present', () => {
    const v = volumeOf(makeVolumeItem('/v/s', 24, 0, 23, undefined, { format: 'dicom-series', orientation: 'coronal', modality: 'MR', seriesDescription: null, sequence: 'FLAIR' }));
    assert.deepEqual(volumeFacts(v.info), [{ label: 'Format', value: 'DICOM series' }, { label: 'Orientation', value: 'coronal slices' },
      { label: 'Slices', value: '24' }, { label: 'Modality', value: 'MR' }, { label: 'Sequence', value: 'FLAIR' }]);
  });

  it('opens the saved slice, or the nearest classified one', () => {
    const slices = [{ index: 50 }, { index: 52 }, { index: 54 }];
    assert.deepEqual([50, 52, 53, 0, 999].map((i) => slicePosition(slices, i)), [0, 1, 1, 0, 2]);
  });
});

describe('Volume view: what the extension accepts', () => {
  const item = makeVolumeItem('/v/brain.nii.gz', 30, 5, 24, (i) => ({ input: 'data:image/png;base64,AAAA', heatmap: makeHeatmap(0.5, 0.5 + i / 100) }));
  const v = volumeOf(item);
  const withVolume = (volume: unknown) => ({ ...item, volume });

  it('accepts a well-formed volume and refuses broken ones', () => {
    assert.ok(isVolumeResult(v));
    assert.ok(isClassifyItem(item));
    const bad: [string, unknown][] = [
      ['a script as a slice input', { ...v, slices: v.slices.map((s, k) => (k === 3 ? { ...s, input: 'javascript:alert(1)' } : s)) }],
      ['a key slice it does not have', { ...v, summary: { ...v.summary, keySlice: 2 } }],
      ['a tumour slice it does not have', { ...v, summary: { ...v.summary, tumourSlices: [99] } }],
      ['slices out of order', { ...v, slices: [...v.slices].reverse() }],
      ['a slice past the volume', { ...v, info: { ...v.info, sliceCount: 10 } }],
      ['an unknown orientation', { ...v, info: { ...v.info, orientation: 'oblique' } }],
      ['an unknown format', { ...v, info: { ...v.info, format: 'analyze' } }],
      ['a reversed range', { ...v, summary: { ...v.summary, sliceRange: [20, 10] } }],
      ['a broken heat map', { ...v, slices: v.slices.map((s) => ({ ...s, heatmap: { ...s.heatmap, values: [1] } })) }],
      ['no slices array', { ...v, slices: null }],
    ];
    for (const [why, b] of bad) {
      assert.equal(isVolumeResult(b), false, why);
      assert.equal(isClassifyItem(withVolume(b)), false, why);
    }
  });

  it('restores the saved slice of a volume only when that volume has it', () => {
    const result = makeResult([item, makeClassified('/v/a.jpg', 0, 0.9)]);
    const state = (slices: unknown) => parseClassificationViewState(JSON.parse(JSON.stringify({ result, selected: null, slices })) as unknown);
    assert.deepEqual(state({ '/v/brain.nii.gz': 12 })?.slices, { '/v/brain.nii.gz': 12 });
    assert.deepEqual(state({ '/v/brain.nii.gz': 2, '/v/a.jpg': 0, '/elsewhere': 1 })?.slices, {});
    assert.deepEqual(state('12')?.slices, {});
  });

  it('saves a large result without most slice pictures, keeping the slices and their verdicts', () => {
    const big = makeResult([makeClassified('/v/a.jpg', 0, 0.9), withVolume(v) as ClassifiedImage]);
    const saved = stateToSave({ result: big, selected: null, sort: { key: 'name', dir: 'asc' }, filterClass: 'all', filterUncertain: 'all',
      heatmap: { show: true, opacity: 0.5 } }, 100, 1);
    const lean = saved.result!.items[1] as ClassifiedImage;
    assert.equal(lean.volume!.slices.length, v.slices.length);
    assert.ok(lean.volume!.slices.every((s) => s.input === null && s.heatmap === null));
    assert.deepEqual(lean.volume!.slices.map((s) => s.predicted), v.slices.map((s) => s.predicted));
  });
});

describe('Menus: Classify Image on DICOM and NIfTI files', () => {
  type Menu = { command: string; when: string };
  const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as { contributes: { menus: Record<string, Menu[]> } };
  /** A when clause of `||`-joined `resourceExtname =~ /re/` and `resourceFilename =~ /re/` tests, as VS Code evaluates it on a file. */
  function offered(when: string, file: string): boolean {
    const ext = path.extname(file), name = path.basename(file);
    const tests = [...when.matchAll(/(resourceExtname|resourceFilename) =~ \/(.+?)\/(\w*)(?=\s*(\|\||\)|$))/g)];
    assert.ok(tests.length >= 2, when);
    return tests.some((m) => new RegExp(m[2]!, m[3]).test(m[1] === 'resourceExtname' ? ext : name));
  }
  for (const menu of ['explorer/context', 'editor/title/context']) {
    it(`${menu} offers it on .dcm, .dicom, .nii and .nii.gz files, as on images, and not on other files`, () => {
      const item = pkg.contributes.menus[menu]!.find((m) => m.command === 'brainTumor.classifyImage')!;
      for (const f of ['a.dcm', 'b.DCM', 'c.dicom', 'brain.nii', 'brain.nii.gz', 'BRAIN.NII.GZ', 'x.jpg', 'y.png', 'z.tiff']) assert.ok(offered(item.when, f), f);
      for (const f of ['a.gz', 'a.tar.gz', 'nii.txt', 'a.niigz', 'a.dcm.txt', 'notes.md', 'a.svg']) assert.ok(!offered(item.when, f), f);
    });
  }
  it('offers it on folders in the Explorer (a DICOM series folder is one volume)', () => {
    const item = pkg.contributes.menus['explorer/context']!.find((m) => m.command === 'brainTumor.classifyImage')!;
    assert.match(item.when, /explorerResourceIsFolder \|\|/);
  });
});
