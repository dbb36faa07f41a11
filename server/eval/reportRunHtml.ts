/**
 * The exported report's parts about the data and the training run: images per split and class, leakage and skipped
 * files, the training configuration and the loss and accuracy curves. The run's parts come from its folder
 * (ReportRunInfo) and may be missing: a report can be written for any model folder, then each part says so.
 */
import * as l10n from '@vscode/l10n';
import type { DatasetLabel, EpochStats, EvaluationReport, ScanReport, TrainConfig } from '../protocol';
import { int, isNum, pct, plain } from '../numberFormat';
import { esc, table } from './reportHtmlParts';
import { lineChart } from './reportSvg';
import { coarseLabelText } from './validationText';
import { className } from '../data/classNames';

export interface ReportRunInfo {
  config?: TrainConfig;
  history?: EpochStats[];
  /** Epoch (0-based) whose weights the model holds, marked on the curves. */
  bestEpoch?: number;
  dataset?: {
    /** Images per split and label, by split name (see datasetCountsFromScan); `tumour` is the coarse label. */
    counts?: Record<string, Partial<Record<DatasetLabel, number>>>;
    /** Images the run trained and validated on (RunSummary.counts). */
    trainVal?: { train: number; val: number };
  };
}

/** The per-split, per-class file counts of a dataset scan, in the shape ReportRunInfo.dataset.counts takes. */
export function datasetCountsFromScan(scan: ScanReport): Record<string, Partial<Record<DatasetLabel, number>>> {
  const out: Record<string, Partial<Record<DatasetLabel, number>>> = {};
  for (const s of scan.splits) {
    const row: Partial<Record<DatasetLabel, number>> = {};
    for (const [c, n] of Object.entries(s.classes) as [DatasetLabel, { usable: number }][]) row[c] = n.usable;
    out[s.split] = row;
  }
  return out;
}

/** Images per split and class as the scan found them (when known), the images scored, the near copies and the skipped files. */
export function datasetSection(r: EvaluationReport, run: ReportRunInfo | null): string {
  const out: string[] = [];
  const counts = run?.dataset?.counts;
  const classes = r.classes;
  if (counts && Object.keys(counts).length) {
    // The coarse label ("tumour, type unknown") gets a column only when the dataset has such images.
    const coarse = Object.values(counts).some((row) => (row.tumour ?? 0) > 0);
    const cols: DatasetLabel[] = coarse ? [...classes, 'tumour'] : classes;
    out.push(`<p>${l10n.t('Images per split and class, as found by the dataset scan:')}</p>`,
      table([l10n.t('Split'), ...cols.map((c) => esc(c === 'tumour' ? coarseLabelText() : className(c))), l10n.t('Total')],
      Object.entries(counts).map(([split, row]) => {
        const vals = cols.map((c) => row[c] ?? 0);
        return [esc(split), ...vals.map((v) => esc(int(v))), esc(int(vals.reduce((a, b) => a + b, 0)))];
      })));
  }
  const tv = run?.dataset?.trainVal;
  if (tv) out.push(`<p>${l10n.t('The run trained on {0} images and validated on {1} held-out Training images.', esc(int(tv.train)), esc(int(tv.val)))}</p>`);
  out.push(`<p>${l10n.t('Images scored, per split and true class:')}</p>`, table([l10n.t('Split'), ...classes.map((c) => esc(className(c))), l10n.t('Total')],
    r.splits.map((s) => [esc(s.label), ...classes.map((_, i) => esc(int(s.perClass[i]?.support))), esc(int(s.count))])));
  const official = r.splits.find((s) => s.key === 'official');
  const leaks = esc(int(r.leaks.count)), bits = esc(int(r.leaks.nearThreshold));
  const leakText = official
    ? (r.leaks.count === 1 ? l10n.t('<strong>{0} Testing image of {1} have a near copy in Training</strong> (within {2} bits of a 256-bit difference hash, byte-identical copies included). Scores on the official split are therefore optimistic; the deduplicated split leaves these images out.', leaks, esc(int(official.count)), bits)
      : l10n.t('<strong>{0} Testing images of {1} have a near copy in Training</strong> (within {2} bits of a 256-bit difference hash, byte-identical copies included). Scores on the official split are therefore optimistic; the deduplicated split leaves these images out.', leaks, esc(int(official.count)), bits))
    : (r.leaks.count === 1 ? l10n.t('<strong>{0} Testing image have a near copy in Training</strong> (within {1} bits of a 256-bit difference hash, byte-identical copies included). Scores on the official split are therefore optimistic; the deduplicated split leaves these images out.', leaks, bits)
      : l10n.t('<strong>{0} Testing images have a near copy in Training</strong> (within {1} bits of a 256-bit difference hash, byte-identical copies included). Scores on the official split are therefore optimistic; the deduplicated split leaves these images out.', leaks, bits));
  out.push(`<p class="callout warn">${leakText}</p>`);
  if (r.skipped.length) {
    const n = esc(int(r.skipped.length));
    out.push(`<p>${r.skipped.length === 1 ? l10n.t('{0} image was skipped because they could not be decoded:', n) : l10n.t('{0} images were skipped because they could not be decoded:', n)}</p>`,
      table([l10n.t('File'), l10n.t('Why')], r.skipped.slice(0, 50).map((x) => [`<code>${esc(x.rel)}</code>`, esc(x.message)]), 'grid', 9));
    if (r.skipped.length > 50) out.push(`<p class="muted">${l10n.t('… and {0} more.', esc(int(r.skipped.length - 50)))}</p>`);
  }
  return out.join('\n');
}

/** The run's training settings, or a note that they were not available. */
export function configSection(c: TrainConfig | undefined): string {
  if (!c) return `<p class="muted">${l10n.t('The run\'s configuration was not available when this report was written.')}</p>`;
  const a = c.augment;
  const yesNo = (v: boolean) => (v ? l10n.t('yes') : l10n.t('no'));
  const rows: [string, string][] = [
    [l10n.t('Architecture'), c.model], [l10n.t('Input'), c.channels === 1 ? l10n.t('{0} × {0} px, greyscale', String(c.inputSize)) : l10n.t('{0} × {0} px, RGB', String(c.inputSize))],
    [l10n.t('Epochs'), String(c.epochs)], [l10n.t('Batch size'), String(c.batchSize)], [l10n.t('Learning rate'), plain(c.learningRate)],
    [l10n.t('Validation fraction'), pct(c.valFraction, 0)], [l10n.t('Seed'), String(c.seed)],
    [l10n.t('Early stopping'), c.patience ? l10n.t('after {0} epochs without a better validation loss', String(c.patience)) : l10n.t('off')],
    [l10n.t('Class weights'), yesNo(c.classWeights)], [l10n.t('Label smoothing'), plain(c.labelSmoothing)],
    // Runs saved before the setting existed have no field: they used preprocessing policy 1.
    [l10n.t('Intensity normalisation'), c.intensity === 'equalize-head' ? l10n.t('head histogram equalisation (preprocessing policy 2)')
      : l10n.t('none (preprocessing policy 1)')],
    [l10n.t('Augmentation'), a ? l10n.t('flip {0}, rotate ±{1}°, zoom ±{2}, shift ±{3}, brightness ±{4}, contrast ±{5}',
      yesNo(a.flip), plain(a.rotateDeg), pct(a.zoom, 0), pct(a.shift, 0), plain(a.brightness), pct(a.contrast, 0)) : '–'],
  ];
  return `<table class="facts"><tbody>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</tbody></table>`;
}

/** Loss and accuracy per epoch, training and validation, with the epoch whose weights the model holds marked "best". */
export function curvesSection(h: EpochStats[] | undefined, bestEpoch: number | undefined): string {
  const hist = (h ?? []).filter((e) => isNum(e.epoch));
  if (!hist.length) return `<p class="muted">${l10n.t('No training history was available when this report was written.')}</p>`;
  const xs = hist.map((e) => e.epoch + 1);
  const xMax = Math.max(2, ...xs);
  const step = Math.max(1, Math.ceil(xMax / 8));
  const xTicks = [1];
  for (let t = step; t <= xMax; t += step) if (t > 1) xTicks.push(t);
  const losses = hist.flatMap((e) => [e.loss, e.valLoss]).filter(isNum);
  // A round top for the loss axis, and ticks at round steps (0.25, 0.5, 1, 2...).
  const rawMax = Math.max(0.1, ...losses) * 1.05;
  const lossStep = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10].find((st) => rawMax / st <= 6) ?? Math.ceil(rawMax / 6);
  const lossMax = Math.ceil(rawMax / lossStep) * lossStep;
  const lossTicks = Array.from({ length: Math.round(lossMax / lossStep) + 1 }, (_, i) => i * lossStep);
  const marker = isNum(bestEpoch) && bestEpoch >= 0 ? { x: bestEpoch + 1, label: l10n.t('best') } : undefined;
  const common = { x: [1, xMax] as [number, number], xTitle: l10n.t('epoch'), xTicks, marker };
  const training = l10n.t('training'), validation = l10n.t('validation');
  return '<div class="plots">' +
    lineChart({ ...common, title: l10n.t('Loss per epoch'), y: [0, lossMax], yTicks: lossTicks, yTitle: l10n.t('cross-entropy'), series: [
      { label: training, cls: 'c0', points: hist.map((e) => [e.epoch + 1, e.loss]) },
      { label: validation, cls: 'c1', dashed: true, points: hist.map((e) => [e.epoch + 1, e.valLoss]) }] }) +
    lineChart({ ...common, title: l10n.t('Accuracy per epoch'), y: [0, 1], yTitle: l10n.t('accuracy'), yPercent: true, series: [
      { label: training, cls: 'c0', points: hist.map((e) => [e.epoch + 1, e.acc]) },
      { label: validation, cls: 'c1', dashed: true, points: hist.map((e) => [e.epoch + 1, e.valAcc]) }] }) +
    '</div>';
}
