/** The human-readable scan summary the CLI prints. */
import * as l10n from '@vscode/l10n';
import type { DatasetLabel, ScanReport } from '../protocol';
import { className, CLASSES } from '../data/classNames';
import { coarseLabelText } from '../eval/validationText';
import { fixed } from '../numberFormat';

const mib = (b: number) => `${fixed(b / 2 ** 20, 1)} MiB`;
const pad = (s: string | number, n: number) => String(s).padStart(n);

/** Whether any split has files with the coarse `tumour` label (reports of older versions have no such row). */
export function hasCoarse(r: ScanReport): boolean {
  return r.splits.some((s) => (s.classes.tumour?.files ?? 0) > 0);
}

export function formatScan(r: ScanReport, maxListed = 20): string {
  const out: string[] = [];
  out.push(r.layout === 'splits' ? l10n.t('Dataset {0} ({1})', r.root, r.splits.map((s) => `${s.split}/`).join(' + '))
    : l10n.t('Dataset {0} (class folders)', r.root));
  // The coarse label ("a tumour, type unknown") gets a column only when the dataset has such files.
  const labels: DatasetLabel[] = hasCoarse(r) ? [...CLASSES, 'tumour'] : [...CLASSES];
  const name = (c: DatasetLabel) => (c === 'tumour' ? coarseLabelText() : className(c));
  const width = (c: DatasetLabel) => (c === 'tumour' ? coarseLabelText().length + 2 : Math.max(12, name(c).length + 2));
  const total = l10n.t('total');
  const totalWidth = Math.max(9, total.length + 2);
  out.push(`${''.padEnd(12)}${labels.map((c) => pad(name(c), width(c))).join('')}${pad(total, totalWidth)}`);
  for (const s of r.splits) {
    const cell = (c: DatasetLabel) => {
      const n = s.classes[c] ?? { files: 0, usable: 0 };
      return n.usable === n.files ? `${n.files}` : `${n.usable}/${n.files}`;
    };
    out.push(`${s.split.padEnd(12)}${labels.map((c) => pad(cell(c), width(c))).join('')}${pad(s.files, totalWidth)}`);
  }
  const top = r.sizes[0];
  const [files, usable, bytes, distinct, nonSquare] = [String(r.totals.files), String(r.totals.usable), mib(r.totals.bytes), String(r.distinctSizes), String(r.nonSquare)];
  out.push(top ? l10n.t('Images: {0} ({1} usable), {2}; {3} distinct sizes, most common {4} ({5}); {6} not square', files, usable, bytes, distinct,
    `${top.width}x${top.height}`, String(top.count), nonSquare)
    : l10n.t('Images: {0} ({1} usable), {2}; {3} distinct sizes; {4} not square', files, usable, bytes, distinct, nonSquare));
  out.push(l10n.t('Widths: {0}', r.widthHistogram.map((b) => `${b.label}: ${b.count}`).join(', ')));
  out.push(l10n.t('Modes: {0}; formats by content: {1}', Object.entries(r.modes).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', '),
    Object.entries(r.formats).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')));
  out.push(l10n.t('Class folders: {0}', r.classFolders.map((c) => (c.rel.split('/').pop() === c.label ? c.rel : `${c.rel} -> ${c.label}`)).join(', ')));
  out.push(l10n.t('Problems: {0}', String(r.problems.length)));
  for (const p of r.problems.slice(0, maxListed)) out.push(`  ${p.kind.padEnd(19)} ${p.rel}: ${p.message}`);
  if (r.problems.length > maxListed) out.push(`  ${l10n.t('... {0} more (--json lists all)', String(r.problems.length - maxListed))}`);
  if (r.ignored.length) out.push(l10n.t('Ignored: {0} ({1})', String(r.ignored.length), `${r.ignored.slice(0, 5).map((i) => i.rel).join(', ')}${r.ignored.length > 5 ? ', ...' : ''}`));
  const cross = (g: { crossSplit: boolean }[]) => g.filter((x) => x.crossSplit).length;
  out.push(l10n.t('Exact duplicates: {0} groups of byte-identical files ({1} across splits)', String(r.exactDuplicates.length), String(cross(r.exactDuplicates))));
  out.push(l10n.t('Near duplicates: {0} more groups within {1} bits of 256-bit dHash ({2} across splits)', String(r.nearDuplicates.length), String(r.nearThreshold),
    String(cross(r.nearDuplicates))));
  if (r.testing) {
    const byClass = labels.map((c) => `${name(c)} ${r.testing!.leakedByClass[c] ?? 0}`).join(', ');
    out.push(l10n.t('Leaks Training -> Testing: {0} of {1} Testing files have a copy in Training ({2} byte-identical; {3})', String(r.leaks.length),
      String(r.testing.files), String(r.leaks.filter((l) => l.exact).length), byClass));
    out.push(l10n.t('Testing, deduplicated: {0} files', String(r.testing.deduplicated)));
  }
  if (r.volumes) out.push(r.volumes.note);
  out.push(l10n.t('Scanned in {0} s ({1} files inspected, {2} from cache)', fixed(r.timing.ms / 1000, 1), String(r.timing.inspected), String(r.timing.fromCache)));
  return out.join('\n');
}
