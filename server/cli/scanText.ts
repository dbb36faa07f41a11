/** The human-readable scan summary the CLI prints. */
import type { DatasetLabel, ScanReport } from '../protocol';
import { CLASSES } from '../data/classNames';
import { COARSE_LABEL_TEXT } from '../eval/validationText';

const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const pad = (s: string | number, n: number) => String(s).padStart(n);

/** Whether any split has files with the coarse `tumour` label (reports of older versions have no such row). */
export function hasCoarse(r: ScanReport): boolean {
  return r.splits.some((s) => (s.classes.tumour?.files ?? 0) > 0);
}

export function formatScan(r: ScanReport, maxListed = 20): string {
  const out: string[] = [];
  out.push(`Dataset ${r.root} (${r.layout === 'splits' ? r.splits.map((s) => `${s.split}/`).join(' + ') : 'class folders'})`);
  // The coarse label ("a tumour, type unknown") gets a column only when the dataset has such files.
  const labels: DatasetLabel[] = hasCoarse(r) ? [...CLASSES, 'tumour'] : [...CLASSES];
  const width = (c: DatasetLabel) => (c === 'tumour' ? COARSE_LABEL_TEXT.length + 2 : 12);
  out.push(`${''.padEnd(12)}${labels.map((c) => pad(c === 'tumour' ? COARSE_LABEL_TEXT : c, width(c))).join('')}${pad('total', 9)}`);
  for (const s of r.splits) {
    const cell = (c: DatasetLabel) => {
      const n = s.classes[c] ?? { files: 0, usable: 0 };
      return n.usable === n.files ? `${n.files}` : `${n.usable}/${n.files}`;
    };
    out.push(`${s.split.padEnd(12)}${labels.map((c) => pad(cell(c), width(c))).join('')}${pad(s.files, 9)}`);
  }
  const top = r.sizes[0];
  out.push(`Images: ${r.totals.files} (${r.totals.usable} usable), ${mib(r.totals.bytes)}; ${r.distinctSizes} distinct sizes` +
    `${top ? `, most common ${top.width}x${top.height} (${top.count})` : ''}; ${r.nonSquare} not square`);
  out.push(`Widths: ${r.widthHistogram.map((b) => `${b.label}: ${b.count}`).join(', ')}`);
  out.push(`Modes: ${Object.entries(r.modes).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}; ` +
    `formats by content: ${Object.entries(r.formats).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  out.push(`Class folders: ${r.classFolders.map((c) => (c.rel.split('/').pop() === c.label ? c.rel : `${c.rel} -> ${c.label}`)).join(', ')}`);
  out.push(`Problems: ${r.problems.length}`);
  for (const p of r.problems.slice(0, maxListed)) out.push(`  ${p.kind.padEnd(19)} ${p.rel}: ${p.message}`);
  if (r.problems.length > maxListed) out.push(`  ... ${r.problems.length - maxListed} more (--json lists all)`);
  if (r.ignored.length) out.push(`Ignored: ${r.ignored.length} (${r.ignored.slice(0, 5).map((i) => i.rel).join(', ')}${r.ignored.length > 5 ? ', ...' : ''})`);
  const cross = (g: { crossSplit: boolean }[]) => g.filter((x) => x.crossSplit).length;
  out.push(`Exact duplicates: ${r.exactDuplicates.length} groups of byte-identical files (${cross(r.exactDuplicates)} across splits)`);
  out.push(`Near duplicates: ${r.nearDuplicates.length} more groups within ${r.nearThreshold} bits of 256-bit dHash (${cross(r.nearDuplicates)} across splits)`);
  if (r.testing) {
    const byClass = labels.map((c) => `${c === 'tumour' ? COARSE_LABEL_TEXT : c} ${r.testing!.leakedByClass[c] ?? 0}`).join(', ');
    out.push(`Leaks Training -> Testing: ${r.leaks.length} of ${r.testing.files} Testing files have a copy in Training ` +
      `(${r.leaks.filter((l) => l.exact).length} byte-identical; ${byClass})`);
    out.push(`Testing, deduplicated: ${r.testing.deduplicated} files`);
  }
  out.push(`Scanned in ${(r.timing.ms / 1000).toFixed(1)} s (${r.timing.inspected} files inspected, ${r.timing.fromCache} from cache)`);
  return out.join('\n');
}
