/**
 * The CLI's text: `brain-tumor evaluate` (tumour vs no tumour per split, external sets, perturbations; an evaluation
 * saved by an older version) and `brain-tumor scan` (the coarse "tumour, type unknown" column only when a dataset has
 * such files).
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClassCount, DatasetLabel, EvaluationReport, ScanReport, SplitSummary } from '../../server/protocol';
import { formatEvaluation } from '../../server/cli/evaluationText';
import { formatScan } from '../../server/cli/scanText';
import { makeEvaluationReport } from '../fixtures/evaluationReport';

const lineWith = (text: string, start: string) => text.split('\n').find((l) => l.trimStart().startsWith(start)) ?? '';

describe('formatEvaluation', () => {
  const text = formatEvaluation(makeEvaluationReport());

  it('gives tumour vs no tumour for each split', () => {
    assert.match(text, /Tumour vs no tumour \(confident = 70% or more\):/);
    assert.match(lineWith(text, 'sensitivity '), /98\.5%\s+97\.8%$/);
    assert.match(lineWith(text, 'confident misses '), /8 of 906 \(0\.9%\)\s+7 of 546 \(1\.3%\)$/);
    assert.match(lineWith(text, 'confident false alarms '), /2 of 405 \(0\.5%\)\s+2 of 337 \(0\.6%\)$/);
  });

  it('gives each external set: sensitivity, specificity, confident misses, near copies', () => {
    assert.match(text, /^ {2}br35h-tumour \(\/home\/user\/data\/br35h-tumour\): 859 images \(0 fine, 859 coarse\)$/m);
    assert.match(text, /^ {4}sensitivity 12\.8%, specificity -, confident misses 717 of 859 \(83\.5%\), confident false alarms 0 of 0$/m);
    assert.match(text, /^ {4}near copies of training images: 3; without them sensitivity 12\.7% on 856 images$/m);
    assert.match(text, /^ {4}called: glioma 31, meningioma 52, notumor 749, pituitary 27$/m);
    assert.match(text, /learn to recognise/);
  });

  it('gives a perturbation table with accuracy and drop, large drops marked', () => {
    assert.match(text, /Robustness under perturbations \(clean: 96\.19% official, 95\.24% deduplicated; 1311 images, seed 42\):/);
    const low = lineWith(text, 'contrast-low');
    assert.match(low, /^ {2}contrast-low\s+84\.39%\s+11\.8 !\s+82\.26%\s+13\.0 !\s+92\.1%\s+36 of 906 \(4\.0%\)$/);
    assert.match(lineWith(text, 'upscale'), /95\.99%\s+0\.2 {3}/);
    assert.doesNotMatch(lineWith(text, 'upscale'), /!/);
    assert.match(text, /! = more than 5 points/);
  });

  it('leaves the new parts out for an evaluation saved by an older version', () => {
    const r: Partial<EvaluationReport> & Pick<EvaluationReport, 'splits'> = makeEvaluationReport();
    delete r.external;
    delete r.perturbations;
    delete r.perturbationBaseline;
    for (const s of r.splits) delete s.detection;
    const old = formatEvaluation(r as EvaluationReport);
    assert.doesNotMatch(old, /Tumour vs no tumour|External sets|Robustness|undefined|NaN/);
    assert.match(old, /accuracy\s+94\.97%\s+92\.78%/);
  });
});

function scan(withCoarse: boolean): ScanReport {
  const c = (files: number, usable = files): ClassCount => ({ files, usable, bytes: files * 1000 });
  const split = (name: SplitSummary['split'], n: number, coarse: number): SplitSummary => ({
    split: name, classes: { glioma: c(n), meningioma: c(n), notumor: c(n, n - 1), pituitary: c(n), tumour: c(coarse) }, files: 4 * n + coarse, usable: 4 * n + coarse - 1,
  });
  const leaked: Record<DatasetLabel, number> = { glioma: 1, meningioma: 0, notumor: 0, pituitary: 0, tumour: withCoarse ? 2 : 0 };
  return {
    root: '/data/mixed', layout: 'splits', splits: [split('Training', 10, withCoarse ? 7 : 0), split('Testing', 3, withCoarse ? 4 : 0)],
    classFolders: [{ rel: 'Training/glioma', label: 'glioma' }, ...(withCoarse ? [{ rel: 'Training/yes', label: 'tumour' as const }] : [])],
    totals: { files: 50, usable: 48, bytes: 50_000 }, sizes: [{ width: 512, height: 512, count: 50 }], distinctSizes: 1, nonSquare: 0,
    widthHistogram: [{ label: '512', count: 50 }], modes: { L: 50 }, formats: { jpeg: 50 }, problems: [], ignored: [], exactDuplicates: [],
    nearDuplicates: [], nearThreshold: 5, leaks: [], testing: { files: 16, deduplicated: 13, leakedByClass: leaked }, samples: [],
    timing: { ms: 1200, inspected: 50, fromCache: 0 },
  };
}

describe('formatScan', () => {
  it('adds the "tumour (type unknown)" column when the dataset has coarse files', () => {
    const text = formatScan(scan(true));
    const [head, training, testing] = text.split('\n').slice(1, 4);
    assert.match(head!, /glioma\s+meningioma\s+notumor\s+pituitary\s+tumour \(type unknown\)\s+total$/);
    assert.match(training!, /^Training\s+10\s+10\s+9\/10\s+10\s+7\s+47$/);
    assert.match(testing!, /^Testing\s+3\s+3\s+2\/3\s+3\s+4\s+16$/);
    // The coarse count sits under its own header.
    assert.equal(training!.indexOf(' 7 ') + 2, head!.indexOf('tumour (type unknown)') + 'tumour (type unknown)'.length);
    assert.match(text, /Class folders: Training\/glioma, Training\/yes -> tumour/);
    assert.match(text, /glioma 1, meningioma 0, notumor 0, pituitary 0, tumour \(type unknown\) 2\)/);
  });

  it('keeps the four classes alone when there is none', () => {
    const text = formatScan(scan(false));
    assert.doesNotMatch(text, /type unknown/);
    assert.match(text.split('\n')[1]!, /pituitary\s+total$/);
  });
});
