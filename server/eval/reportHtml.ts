/**
 * The exported evaluation report: ONE self-contained HTML file (inline <style>, hand-drawn inline SVG, no script, no
 * external resource of any kind) that opens in any browser and can be archived next to the model. It holds the
 * dataset summary, the training configuration and curves, the metrics of every split, tumour vs no tumour, the
 * external sets and the robustness under perturbations (reportValidationHtml.ts), confusion matrices, ROC curves,
 * reliability diagrams, the hardest images and a model card.
 *
 * Every string that comes from the report (class names, file paths, folder names) is escaped: a report is data read
 * from disk and a file name can hold anything.
 */
import type { DatasetLabel, EpochStats, EvaluationReport, ImageVerdict, ScanReport, SplitScores, TrainConfig } from '../protocol';
import { dec, int, isNum, pct } from '../numberFormat';
import { formatMetric, HEADLINE_METRICS, TTA_METRICS } from './figureRows';
import { externalSets, trainingSources } from './optionalParts';
import { esc, table } from './reportHtmlParts';
import { detectionSection, externalSection, modelCardFigures, robustnessSection, VALIDATION_STYLE } from './reportValidationHtml';
import { COARSE_LABEL_TEXT } from './validationText';

export { escapeHtml } from './reportHtmlParts';

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

// ---------------------------------------------------------------------------------------------
// Formatting: everything that reaches the page goes through esc() (reportHtmlParts.ts); numbers through pct/dec/int
// (../numberFormat.ts).

/** Coordinates in SVG: rounded, and never NaN (which would break the drawing). */
const xy = (v: number) => (Number.isFinite(v) ? (Math.round(v * 10) / 10).toString() : '0');

// ---------------------------------------------------------------------------------------------
// SVG drawings

interface Series { label: string; points: [number, number][]; cls: string; dashed?: boolean }

/** A line chart on linear axes with ticks, grid, axis titles and a legend below. */
function lineChart(o: { title: string; series: Series[]; x: [number, number]; y: [number, number]; xTitle: string; yTitle: string;
  yPercent?: boolean; xTicks?: number[]; yTicks?: number[]; marker?: { x: number; label: string }; square?: boolean }): string {
  const W = o.square ? 340 : 460, H = o.square ? 330 : 260, L = 56, R = 14, T = 14, B = 44;
  const pw = W - L - R, ph = H - T - B;
  const sx = (v: number) => L + ((v - o.x[0]) / (o.x[1] - o.x[0] || 1)) * pw;
  const sy = (v: number) => T + ph - ((v - o.y[0]) / (o.y[1] - o.y[0] || 1)) * ph;
  const yTicks = o.yTicks ?? [0, 0.25, 0.5, 0.75, 1].map((f) => o.y[0] + f * (o.y[1] - o.y[0]));
  const xTicks = o.xTicks ?? [0, 0.25, 0.5, 0.75, 1].map((f) => o.x[0] + f * (o.x[1] - o.x[0]));
  const fmtY = (v: number) => (o.yPercent ? `${Math.round(v * 100)}%` : Math.abs(v) < 10 ? v.toFixed(2) : v.toFixed(0));
  const fmtX = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2));
  const parts: string[] = [];
  for (const t of yTicks) {
    parts.push(`<line class="gridline" x1="${L}" x2="${W - R}" y1="${xy(sy(t))}" y2="${xy(sy(t))}"/>`,
      `<text class="tick" x="${L - 6}" y="${xy(sy(t) + 4)}" text-anchor="end">${esc(fmtY(t))}</text>`);
  }
  for (const t of xTicks) {
    parts.push(`<line class="gridline" x1="${xy(sx(t))}" x2="${xy(sx(t))}" y1="${T}" y2="${T + ph}"/>`,
      `<text class="tick" x="${xy(sx(t))}" y="${T + ph + 16}" text-anchor="middle">${esc(fmtX(t))}</text>`);
  }
  parts.push(`<rect class="frame" x="${L}" y="${T}" width="${pw}" height="${ph}"/>`);
  if (o.marker) {
    parts.push(`<line class="marker" x1="${xy(sx(o.marker.x))}" x2="${xy(sx(o.marker.x))}" y1="${T}" y2="${T + ph}"/>`,
      `<text class="tick" x="${xy(sx(o.marker.x))}" y="${T - 3}" text-anchor="middle">${esc(o.marker.label)}</text>`);
  }
  for (const s of o.series) {
    const pts = s.points.filter(([a, b]) => isNum(a) && isNum(b));
    if (!pts.length) continue;
    parts.push(`<polyline class="line ${s.cls}${s.dashed ? ' dashed' : ''}" points="${pts.map(([a, b]) => `${xy(sx(a))},${xy(sy(b))}`).join(' ')}"/>`);
  }
  parts.push(`<text class="axis-title" x="${L + pw / 2}" y="${H - 6}" text-anchor="middle">${esc(o.xTitle)}</text>`,
    `<text class="axis-title" transform="translate(14 ${T + ph / 2}) rotate(-90)" text-anchor="middle">${esc(o.yTitle)}</text>`);
  const legend = o.series.map((s) => `<span class="key"><span class="swatch ${s.cls}${s.dashed ? ' dashed' : ''}"></span>${esc(s.label)}</span>`).join(' ');
  return `<figure class="plot" style="width: ${W}px"><figcaption>${esc(o.title)}</figcaption>` +
    `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(o.title)}">${parts.join('')}</svg>` +
    `<div class="legend">${legend}</div></figure>`;
}

/** Rows = true class, columns = predicted; shade = share of the row; each cell shows the count and that share. */
function confusionSvg(s: SplitScores, classes: readonly string[]): string {
  const k = classes.length;
  const cell = k <= 4 ? 76 : 60, L = 118, T = 64, W = L + cell * k + 12, H = T + cell * k + 14;
  const parts: string[] = [
    `<text class="axis-title" x="${L + (cell * k) / 2}" y="16" text-anchor="middle">predicted class</text>`,
    `<text class="axis-title" transform="translate(14 ${T + (cell * k) / 2}) rotate(-90)" text-anchor="middle">true class</text>`,
  ];
  classes.forEach((c, j) => parts.push(`<text class="tick" x="${L + cell * j + cell / 2}" y="${T - 10}" text-anchor="middle">${esc(c)}</text>`));
  classes.forEach((c, i) => {
    const row = s.confusion[i] ?? [];
    const total = row.reduce((a, b) => a + (isNum(b) ? b : 0), 0);
    parts.push(`<text class="tick" x="${L - 8}" y="${T + cell * i + cell / 2 + 4}" text-anchor="end">${esc(c)}</text>`);
    for (let j = 0; j < k; j++) {
      const v = row[j];
      const n = isNum(v) ? v : 0;
      const share = total ? n / total : 0;
      const x = L + cell * j, y = T + cell * i;
      const strong = share >= 0.5;
      parts.push(`<rect class="cm-cell${i === j ? ' diag' : ''}" x="${x}" y="${y}" width="${cell}" height="${cell}" fill-opacity="${(0.06 + 0.86 * share).toFixed(3)}">` +
        `<title>true ${esc(c)}, predicted ${esc(classes[j])}: ${n} of ${total} (${pct(share)})</title></rect>`,
      `<text class="cm-count${strong ? ' on-dark' : ''}" x="${x + cell / 2}" y="${y + cell / 2}" text-anchor="middle">${esc(int(n))}</text>`,
      `<text class="cm-share${strong ? ' on-dark' : ''}" x="${x + cell / 2}" y="${y + cell / 2 + 17}" text-anchor="middle">${esc(pct(share))}</text>`);
    }
  });
  return `<figure class="plot" style="width: ${W}px"><figcaption>Confusion matrix (rows: true class; share of the row)</figcaption>` +
    `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="Confusion matrix, ${esc(s.label)}">${parts.join('')}</svg></figure>`;
}

/** Accuracy per confidence bin as bars, against the diagonal of perfect calibration. */
function reliabilitySvg(s: SplitScores): string {
  const W = 340, H = 330, L = 56, R = 14, T = 14, B = 44, pw = W - L - R, ph = H - T - B;
  const sx = (v: number) => L + v * pw, sy = (v: number) => T + ph - v * ph;
  const parts: string[] = [];
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line class="gridline" x1="${L}" x2="${W - R}" y1="${xy(sy(t))}" y2="${xy(sy(t))}"/>`,
      `<text class="tick" x="${L - 6}" y="${xy(sy(t) + 4)}" text-anchor="end">${Math.round(t * 100)}%</text>`,
      `<text class="tick" x="${xy(sx(t))}" y="${T + ph + 16}" text-anchor="middle">${Math.round(t * 100)}%</text>`);
  }
  for (const b of s.calibrationBins) {
    if (!isNum(b.accuracy) || !b.count) continue;
    const x0 = sx(b.lower), x1 = sx(b.upper);
    parts.push(`<rect class="bar" x="${xy(x0 + 1)}" y="${xy(sy(b.accuracy))}" width="${xy(Math.max(0, x1 - x0 - 2))}" height="${xy(ph - (sy(b.accuracy) - T))}">` +
      `<title>confidence ${pct(b.lower, 0)} to ${pct(b.upper, 0)}: ${int(b.count)} images, accuracy ${pct(b.accuracy)}, mean confidence ${pct(b.confidence)}</title></rect>`);
  }
  parts.push(`<rect class="frame" x="${L}" y="${T}" width="${pw}" height="${ph}"/>`,
    `<line class="line ideal dashed" x1="${sx(0)}" y1="${sy(0)}" x2="${sx(1)}" y2="${sy(1)}"/>`,
    `<text class="axis-title" x="${L + pw / 2}" y="${H - 6}" text-anchor="middle">confidence (top probability)</text>`,
    `<text class="axis-title" transform="translate(14 ${T + ph / 2}) rotate(-90)" text-anchor="middle">accuracy</text>`);
  return `<figure class="plot" style="width: ${W}px"><figcaption>Reliability diagram (ECE ${esc(dec(s.ece, 4))}, max ${esc(dec(s.maxCalibrationError, 3))})</figcaption>` +
    `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="Reliability diagram, ${esc(s.label)}">${parts.join('')}</svg>` +
    `<div class="legend"><span class="key"><span class="swatch barkey"></span>accuracy per bin</span> ` +
    `<span class="key"><span class="swatch ideal dashed"></span>perfect calibration</span></div></figure>`;
}

function rocSvg(s: SplitScores, classes: readonly string[]): string {
  const series: Series[] = classes.map((c, i) => {
    const r = s.roc[i];
    const auc = s.perClass[i]?.auc;
    return { label: `${c} (AUC ${dec(auc, 3)})`, cls: `c${i % 8}`, points: r ? r.fpr.map((f, j): [number, number] => [f, r.tpr[j] ?? NaN]) : [] };
  });
  series.push({ label: 'chance', cls: 'ideal', dashed: true, points: [[0, 0], [1, 1]] });
  return lineChart({ title: `ROC curves, each class against the rest (macro AUC ${dec(s.rocAucMacro, 3)})`, series, x: [0, 1], y: [0, 1],
    xTitle: 'false positive rate', yTitle: 'true positive rate', square: true });
}

// ---------------------------------------------------------------------------------------------
// Sections

const SPLIT_NOTE: Record<string, string> = {
  official: 'The whole Testing split, as published. Some of its images have a near copy in Training, so this number is optimistic.',
  deduplicated: 'Testing without the images that have a near copy in Training: the fairer estimate of accuracy on unseen scans.',
  validation: 'The validation images held out of Training during the run.',
};

function headline(r: EvaluationReport): string {
  const s = r.splits;
  const metrics = s.some((x) => x.tta) ? [...HEADLINE_METRICS, ...TTA_METRICS] : HEADLINE_METRICS;
  const rows = metrics.map((m) => [esc(m.reportLabel ?? m.label), ...s.map((x) => esc(formatMetric(m, m.get(x))))]);
  return table(['Metric', ...s.map((x) => esc(x.label))], rows, 'grid headline');
}

function factsSection(r: EvaluationReport): string {
  const b = r.backend;
  const cal = r.calibration;
  const rows: [string, string][] = [
    ['Model', `${esc(r.model.name)}, ${esc(int(r.model.inputSize))} px ${r.model.channels === 1 ? 'greyscale' : 'RGB'}, ${esc(int(r.model.params))} parameters`],
    ['Run', r.runId ? esc(r.runId) : '–'],
    ['Model folder', `<code>${esc(r.modelDir)}</code>`],
    ['Dataset folder', `<code>${esc(r.dataRoot)}</code>`],
    ['Evaluated', `${esc(r.createdAt)} in ${esc(dec(r.timing.ms / 1000, 1))} s (${esc(int(r.timing.images))} images, ${esc(dec(r.timing.imgPerSec, 1))} img/s)`],
    ['Backend', `${esc(b.kind)}, ${esc(int(b.threads))} thread${b.threads === 1 ? '' : 's'}${b.simd ? ', SIMD' : ''}`],
    ['Calibration', cal ? `temperature ${esc(dec(cal.temperature, 3))}${cal.bias ? ` and class biases ${r.classes.map((c, i) => `${esc(c)} ${esc(dec(cal.bias![i]!, 3))}`).join(', ')}` : ''} fitted on ${esc(int(cal.count))} validation images (NLL ${esc(dec(cal.nllBefore, 4))} → ${esc(dec(cal.nllAfter, 4))}); probabilities below are after scaling`
      : 'none (raw softmax probabilities)'],
    ['Test-time augmentation', r.tta ? 'yes: mean of each image and its mirror, reported in the TTA rows' : 'no'],
  ];
  return `<table class="facts"><tbody>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</tbody></table>`;
}

function datasetSection(r: EvaluationReport, run: ReportRunInfo | null): string {
  const out: string[] = [];
  const counts = run?.dataset?.counts;
  const classes = r.classes;
  if (counts && Object.keys(counts).length) {
    // The coarse label ("tumour, type unknown") gets a column only when the dataset has such images.
    const coarse = Object.values(counts).some((row) => (row.tumour ?? 0) > 0);
    const cols: DatasetLabel[] = coarse ? [...classes, 'tumour'] : classes;
    out.push('<p>Images per split and class, as found by the dataset scan:</p>', table(['Split', ...cols.map((c) => esc(c === 'tumour' ? COARSE_LABEL_TEXT : c)), 'Total'],
      Object.entries(counts).map(([split, row]) => {
        const vals = cols.map((c) => row[c] ?? 0);
        return [esc(split), ...vals.map((v) => esc(int(v))), esc(int(vals.reduce((a, b) => a + b, 0)))];
      })));
  }
  const tv = run?.dataset?.trainVal;
  if (tv) out.push(`<p>The run trained on ${esc(int(tv.train))} images and validated on ${esc(int(tv.val))} held-out Training images.</p>`);
  out.push('<p>Images scored, per split and true class:</p>', table(['Split', ...classes.map(esc), 'Total'],
    r.splits.map((s) => [esc(s.label), ...classes.map((_, i) => esc(int(s.perClass[i]?.support))), esc(int(s.count))])));
  const official = r.splits.find((s) => s.key === 'official');
  out.push(`<p class="callout warn"><strong>${esc(int(r.leaks.count))} Testing image${r.leaks.count === 1 ? '' : 's'}` +
    `${official ? ` of ${esc(int(official.count))}` : ''} have a near copy in Training</strong> (within ${esc(int(r.leaks.nearThreshold))} bits of a 256-bit ` +
    'difference hash, byte-identical copies included). Scores on the official split are therefore optimistic; the deduplicated split leaves these images out.</p>');
  if (r.skipped.length) {
    out.push(`<p>${esc(int(r.skipped.length))} image${r.skipped.length === 1 ? ' was' : 's were'} skipped because they could not be decoded:</p>`,
      table(['File', 'Why'], r.skipped.slice(0, 50).map((x) => [`<code>${esc(x.rel)}</code>`, esc(x.message)]), 'grid', 9));
    if (r.skipped.length > 50) out.push(`<p class="muted">… and ${esc(int(r.skipped.length - 50))} more.</p>`);
  }
  return out.join('\n');
}

function configSection(c: TrainConfig | undefined): string {
  if (!c) return '<p class="muted">The run\'s configuration was not available when this report was written.</p>';
  const a = c.augment;
  const rows: [string, string][] = [
    ['Architecture', c.model], ['Input', `${c.inputSize} × ${c.inputSize} px, ${c.channels === 1 ? 'greyscale' : 'RGB'}`],
    ['Epochs', String(c.epochs)], ['Batch size', String(c.batchSize)], ['Learning rate', String(c.learningRate)],
    ['Validation fraction', pct(c.valFraction, 0)], ['Seed', String(c.seed)],
    ['Early stopping', c.patience ? `after ${c.patience} epochs without a better validation loss` : 'off'],
    ['Class weights', c.classWeights ? 'yes' : 'no'], ['Label smoothing', String(c.labelSmoothing)],
    ['Augmentation', a ? `flip ${a.flip ? 'yes' : 'no'}, rotate ±${a.rotateDeg}°, zoom ±${pct(a.zoom, 0)}, shift ±${pct(a.shift, 0)}, ` +
      `brightness ±${a.brightness}, contrast ±${pct(a.contrast, 0)}` : '–'],
  ];
  return `<table class="facts"><tbody>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</tbody></table>`;
}

function curvesSection(h: EpochStats[] | undefined, bestEpoch: number | undefined): string {
  const hist = (h ?? []).filter((e) => isNum(e.epoch));
  if (!hist.length) return '<p class="muted">No training history was available when this report was written.</p>';
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
  const marker = isNum(bestEpoch) && bestEpoch >= 0 ? { x: bestEpoch + 1, label: 'best' } : undefined;
  const common = { x: [1, xMax] as [number, number], xTitle: 'epoch', xTicks, marker };
  return '<div class="plots">' +
    lineChart({ ...common, title: 'Loss per epoch', y: [0, lossMax], yTicks: lossTicks, yTitle: 'cross-entropy', series: [
      { label: 'training', cls: 'c0', points: hist.map((e) => [e.epoch + 1, e.loss]) },
      { label: 'validation', cls: 'c1', dashed: true, points: hist.map((e) => [e.epoch + 1, e.valLoss]) }] }) +
    lineChart({ ...common, title: 'Accuracy per epoch', y: [0, 1], yTitle: 'accuracy', yPercent: true, series: [
      { label: 'training', cls: 'c0', points: hist.map((e) => [e.epoch + 1, e.acc]) },
      { label: 'validation', cls: 'c1', dashed: true, points: hist.map((e) => [e.epoch + 1, e.valAcc]) }] }) +
    '</div>';
}

function splitSection(s: SplitScores, classes: readonly string[]): string {
  const perClass = table(['Class', 'Precision', 'Recall', 'F1', 'Support', 'Predicted', 'AUC'],
    classes.map((c, i) => {
      const p = s.perClass[i];
      return [esc(c), esc(pct(p?.precision)), esc(pct(p?.recall)), esc(pct(p?.f1)), esc(int(p?.support)), esc(int(p?.predicted)), esc(dec(p?.auc, 3))];
    }).concat([[
      'macro average', esc(pct(s.macro.precision)), esc(pct(s.macro.recall)), esc(pct(s.macro.f1)), esc(int(s.count)), '', esc(dec(s.rocAucMacro, 3)),
    ], ['weighted average', esc(pct(s.weighted.precision)), esc(pct(s.weighted.recall)), esc(pct(s.weighted.f1)), esc(int(s.count)), '', '']]),
    'grid per-class');
  return `<section class="split"><h2>${esc(s.label)}: ${esc(pct(s.accuracy))} accuracy on ${esc(int(s.count))} images</h2>` +
    `<p class="muted">${esc(Object.hasOwn(SPLIT_NOTE, s.key) ? SPLIT_NOTE[s.key] : '')}</p>${perClass}` +
    `<div class="plots">${confusionSvg(s, classes)}${rocSvg(s, classes)}${reliabilitySvg(s)}</div></section>`;
}

function verdictTable(list: ImageVerdict[], classes: readonly string[], limit = 40): string {
  if (!list.length) return '<p class="muted">None.</p>';
  const rows = list.slice(0, limit).map((v) => [
    `<code>${esc(v.rel)}</code>${v.inDeduplicated ? '' : ' <span class="tag">near copy in Training</span>'}`,
    esc(v.label), esc(v.predicted), ...classes.map((_, i) => esc(pct(v.probs[i]))),
  ]);
  return table(['File', 'True', 'Predicted', ...classes.map((c) => `p(${esc(c)})`)], rows, 'grid verdicts', 3) +
    (list.length > limit ? `<p class="muted">… and ${esc(int(list.length - limit))} more in the JSON report.</p>` : '');
}

function modelCard(r: EvaluationReport): string {
  const official = r.splits.find((s) => s.key === 'official');
  const dedup = r.splits.find((s) => s.key === 'deduplicated');
  return `<section class="model-card"><h2>Model card</h2>
<h3>Intended use</h3>
<p>Research and education: studying how image classifiers behave on brain MRI, comparing architectures and training settings, teaching evaluation
practice (leakage, calibration, per-class errors). <strong>Not for clinical use.</strong> This model must not be used to diagnose, triage, screen or
treat patients, nor to support any such decision. It is not a medical device and has not been validated, cleared or approved by any regulator.</p>
<h3>Model</h3>
<p>${esc(r.model.name)}: a convolutional network taking one ${esc(int(r.model.inputSize))} × ${esc(int(r.model.inputSize))} px
${r.model.channels === 1 ? 'greyscale' : 'RGB'} slice and returning a probability for each of ${esc(int(r.classes.length))} classes
(${r.classes.map(esc).join(', ')}); ${esc(int(r.model.params))} trainable parameters${r.calibration ? `; probabilities divided by a temperature of ${esc(dec(r.calibration.temperature, 3))} fitted on validation images` : ''}.</p>
<h3>Data</h3>
<p>Trained and tested on the Kaggle "Brain Tumor MRI Dataset" by Masoud Nickparvar (kaggle.com/datasets/masoudnickparvar/brain-tumor-mri-dataset),
which merges three earlier public collections: figshare (Cheng et al.), SARTAJ and Br35H. Images are 2-D slices in several planes
(axial, coronal, sagittal) and sequences, of varied sizes, exported as JPEG; patient identifiers, acquisition details and scanner metadata are not available.
${trainingSources(r).length > 1 ? `This model trained on ${esc(int(trainingSources(r).length))} dataset folders together: ${trainingSources(r).map((x) => `<code>${esc(x)}</code>`).join(', ')}.` : ''}</p>
<h3>Known leakage</h3>
<p>${esc(int(r.leaks.count))} Testing images have a byte-identical or near copy in Training (a perceptual hash within ${esc(int(r.leaks.nearThreshold))} bits),
partly because the merged sources overlap. A model can score these by memory, so the official Testing accuracy
(${esc(pct(official?.accuracy))}) overstates performance on unseen scans. That is why this report also scores the
<em>deduplicated</em> split (${esc(pct(dedup?.accuracy))} on ${esc(int(dedup?.count))} images), which leaves them out. Slices of the same patient may
still sit on both sides of the split undetected: there are no patient identifiers to check.</p>
${modelCardFigures(r)}
<h3>Limitations</h3>
<ul>
<li>One 2-D slice at a time: no volume, no other sequences, no clinical context, which a radiologist always has.</li>
<li>Four classes only (glioma, meningioma, pituitary tumour, no tumour). Other tumours, metastases, lesions, artefacts and post-operative changes
are forced into one of these four classes.</li>
<li>No tumour grading, no segmentation and no localisation: the output says nothing about where a tumour is, its size or its grade.</li>
<li>Distribution shift: the images come from a few sources; scanners, field strengths, protocols, populations and pre-processing elsewhere differ,
and accuracy on them is ${externalSets(r).length ? 'likely lower, as the external sets above show for the sources they come from' : 'unknown and likely lower'}.</li>
<li>Calibration: probabilities are calibrated (if at all) on validation images from the same sources. They are not trustworthy under distribution
shift, and a confident prediction can still be wrong (see the reliability diagrams and the misclassified images).</li>
<li>Class balance and the composition of the test set differ from any clinical population, so accuracy, precision and recall here do not transfer
to prevalence in practice.</li>
</ul>
</section>`;
}

const STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --panel: #f6f8fa; --border: #d1d9e0;
  --c0: #1f6feb; --c1: #d1600b; --c2: #1a7f37; --c3: #8250df; --c4: #bf3989; --c5: #0a7c86; --c6: #9a6700; --c7: #57606a;
  --heat: #1f6feb; --bar: #1f6feb; --warn: #9a6700; --warn-bg: #fff8c5; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --panel: #151b23; --border: #3d444d;
    --c0: #4493f8; --c1: #f0883e; --c2: #3fb950; --c3: #ab7df8; --c4: #db61a2; --c5: #39c5cf; --c6: #d29922; --c7: #9198a1;
    --heat: #4493f8; --bar: #4493f8; --warn: #d29922; --warn-bg: #2e2a1a; }
}
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); margin: 0; }
main { max-width: 1240px; margin: 0 auto; padding: 28px 32px 48px; }
h1 { font-size: 1.7em; margin: 0 0 4px; }
h2 { font-size: 1.25em; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--border); }
h3 { font-size: 1.02em; margin: 18px 0 4px; }
p, li { max-width: 980px; }
.muted { color: var(--muted); }
.banner { margin: 14px 0 20px; padding: 10px 14px; border: 2px solid var(--warn); background: var(--warn-bg); border-radius: 6px; font-weight: 600; }
.callout { border-left: 4px solid var(--warn); background: var(--panel); padding: 8px 14px; margin: 14px 0; }
code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--panel); padding: 1px 4px; border-radius: 3px; word-break: break-all; }
table { border-collapse: collapse; margin: 8px 0 12px; }
th, td { text-align: left; vertical-align: top; padding: 5px 14px 5px 0; }
table.grid th, table.grid td { border-bottom: 1px solid var(--border); padding: 6px 16px 6px 0; }
table.grid thead th { color: var(--muted); font-weight: 600; white-space: nowrap; }
table.grid tbody th { font-weight: 600; white-space: nowrap; }
table.facts th { color: var(--muted); font-weight: 600; white-space: nowrap; padding-right: 20px; }
table.headline td { font-size: 1.08em; }
table.verdicts { width: 100%; }
table.verdicts th { white-space: normal; }
table.verdicts tbody th { font-weight: 400; }
table.verdicts td:first-child, table.verdicts th:first-child { min-width: 16em; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
table.grid thead th.num { text-align: right; }
.tag { font-size: 0.8em; color: var(--warn); border: 1px solid var(--warn); border-radius: 8px; padding: 0 6px; white-space: nowrap; }
.plots { display: flex; flex-wrap: wrap; gap: 18px 24px; align-items: flex-start; }
figure.plot { margin: 10px 0; max-width: 100%; }
figure.plot figcaption { font-weight: 600; margin-bottom: 6px; }
svg { display: block; max-width: 100%; height: auto; overflow: visible; }
svg text { fill: var(--fg); font-family: system-ui, sans-serif; }
svg .tick { font-size: 12px; fill: var(--muted); }
svg .axis-title { font-size: 12px; fill: var(--muted); }
svg .gridline { stroke: var(--border); stroke-width: 1; }
svg .frame { fill: none; stroke: var(--border); }
svg .marker { stroke: var(--muted); stroke-dasharray: 2 3; }
svg .line { fill: none; stroke-width: 2.2; stroke-linejoin: round; }
svg .dashed, .swatch.dashed { stroke-dasharray: 6 4; }
svg .bar { fill: var(--bar); fill-opacity: 0.55; stroke: var(--bar); }
svg .cm-cell { fill: var(--heat); stroke: var(--bg); stroke-width: 2; }
svg .cm-count { font-size: 16px; font-weight: 600; }
svg .cm-share { font-size: 11.5px; }
svg .on-dark { fill: #ffffff; }
${[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `svg .line.c${i} { stroke: var(--c${i}); } .swatch.c${i} { border-color: var(--c${i}); }`).join('\n')}
svg .line.ideal { stroke: var(--muted); stroke-width: 1.4; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 0.88em; }
.key { white-space: nowrap; }
.swatch { display: inline-block; width: 22px; height: 0; border-top: 3px solid var(--muted); vertical-align: middle; margin-right: 6px; }
.swatch.dashed { border-top-style: dashed; }
.swatch.barkey { height: 10px; border: 1px solid var(--bar); background: var(--bar); opacity: 0.6; }
.swatch.ideal { border-color: var(--muted); }
footer { margin-top: 40px; color: var(--muted); font-size: 0.9em; }
@media print { .plots { break-inside: avoid; } h2 { break-after: avoid; } }
`;

/** The whole report as one HTML document. `run` adds the configuration, curves and dataset counts when known. */
export function renderReportHtml(report: EvaluationReport, run: ReportRunInfo | null): string {
  const r = report;
  const name = r.runId ?? r.model.name;
  const body = [
    `<header><h1>Evaluation report: ${esc(name)}</h1>`,
    `<p class="muted">${esc(r.model.name)} on <code>${esc(r.dataRoot)}</code> · ${esc(r.createdAt)} · backend ${esc(r.backend.kind)}</p>`,
    '<p class="banner">Research use only, not for clinical diagnosis.</p></header>',
    factsSection(r),
    '<h2>Headline metrics</h2>', headline(r),
    '<p class="muted">Accuracy and F1 in percent. ROC-AUC is one class against the rest, averaged over classes. ECE is the expected calibration error ' +
      '(15 equal-width confidence bins); NLL the mean negative log-likelihood of the true class. Lower is better for both.</p>',
    detectionSection(r), externalSection(r), robustnessSection(r),
    '<h2>Dataset</h2>', datasetSection(r, run),
    '<h2>Training configuration</h2>', configSection(run?.config),
    '<h2>Training curves</h2>', curvesSection(run?.history, run?.bestEpoch),
    ...r.splits.map((s) => splitSection(s, r.classes)),
    `<h2>Misclassified images (${esc(int(r.misclassified.length))})</h2>`, verdictTable(r.misclassified, r.classes),
    `<h2>Least confident predictions (${esc(int(r.leastConfident.length))})</h2>`, verdictTable(r.leastConfident, r.classes),
    modelCard(r),
    `<footer>Written by the Brain Tumor Detection extension from the evaluation of ${esc(r.createdAt)}. Research use only, not for clinical diagnosis.</footer>`,
  ].join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Evaluation report: ${esc(name)}</title>
<style>${STYLE}${VALIDATION_STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}
