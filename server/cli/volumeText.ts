/**
 * What `brain-tumor classify` prints under a volume's line: what the volume is, its summary, and a table of slices
 * (the tumour slices only, or every slice with --all-slices). JSON and CSV carry every slice.
 */
import * as l10n from '@vscode/l10n';
import type { ClassifiedSlice, VolumeResult } from '../protocol';
import { className } from '../data/classNames';
import { plain } from '../numberFormat';
import { percent } from './numberText';

const FORMAT_NAMES: Record<VolumeResult['info']['format'], string> = { 'nifti': 'NIfTI', 'dicom-series': 'DICOM series', 'dicom-multiframe': 'DICOM multi-frame' };

function sliceRow(s: ClassifiedSlice): string {
  const position = s.position === null ? '-' : `${plain(s.position)} mm`;
  const flags = [s.empty ? l10n.t('empty, not counted') : '', s.uncertain ? l10n.t('UNCERTAIN') : ''].filter(Boolean).join(', ');
  return `      ${String(s.index).padStart(4)}  ${position.padStart(10)}  ${className(s.predicted).padEnd(12)}  ${percent(s.confidence).padStart(6)}${flags ? `  (${flags})` : ''}`;
}

export function formatVolume(v: VolumeResult, allSlices: boolean): string {
  const { info, summary } = v;
  const [c, r, n] = info.dims;
  const spacing = info.spacing ? `, ${info.spacing.map((x) => plain(x)).join(' x ')} mm` : '';
  const lines = [
    '    ' + l10n.t('volume: {0}, {1} {2} slices of {3} x {4} px{5}; window: {6}', FORMAT_NAMES[info.format], String(n), info.orientation,
      String(c), String(r), spacing, info.window) + (info.sequence ? `; ${info.sequence}` : ''),
  ];
  const empty = v.slices.filter((s) => s.empty).length;
  lines.push('    ' + (summary.sliceRange
    ? l10n.t('summary: {0} in slices {1}-{2}; {3} tumour slices of {4} ({5} empty slices not counted); key slice {6}', className(summary.predicted),
      String(summary.sliceRange[0]), String(summary.sliceRange[1]), String(summary.tumourSlices.length), String(v.slices.length), String(empty), String(summary.keySlice))
    : l10n.t('summary: no tumour slice among {0} ({1} empty slices not counted); key slice {2}', String(v.slices.length), String(empty), String(summary.keySlice))));
  const tumour = new Set(summary.tumourSlices);
  const shown = allSlices ? v.slices : v.slices.filter((s) => tumour.has(s.index));
  if (shown.length) {
    lines.push('      ' + l10n.t('slice    position  class         confidence'));
    lines.push(...shown.map(sliceRow));
  }
  if (!allSlices && shown.length < v.slices.length) lines.push('      ' + l10n.t('({0} of {1} slices listed: the tumour slices; --all-slices lists every slice, --json and --csv have them all)', String(shown.length), String(v.slices.length)));
  return lines.join('\n');
}
