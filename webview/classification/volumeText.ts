/**
 * What the Classification panel says about a volume: its header (format, orientation, slice count and the few
 * descriptive DICOM/NIfTI attributes the backend sends; never anything that identifies a patient), the summary in
 * plain words, and "slice 37 of 155". Slices are numbered from 1 for people; ClassifiedSlice.index counts from 0.
 * Pure (no DOM): unit-tested.
 */
import * as l10n from '@vscode/l10n';
import type { SliceOrientation, VolumeInfo, VolumeResult } from '../../server/protocol';
import { int } from '../displayFormat';
import { classLabel } from './format';

/** The slice number people read for a protocol index (which counts from 0). */
export const sliceNumber = (index: number): number => index + 1;

/** "slice 37 of 155". */
export function sliceOfText(index: number, sliceCount: number): string {
  return l10n.t('slice {0} of {1}', int(sliceNumber(index)), int(sliceCount));
}

export function formatText(format: VolumeInfo['format']): string {
  switch (format) {
    case 'nifti': return l10n.t('NIfTI volume');
    case 'dicom-series': return l10n.t('DICOM series');
    case 'dicom-multiframe': return l10n.t('Multi-frame DICOM');
    default: return String(format);
  }
}

export function orientationText(o: SliceOrientation): string {
  switch (o) {
    case 'axial': return l10n.t('axial slices');
    case 'coronal': return l10n.t('coronal slices');
    case 'sagittal': return l10n.t('sagittal slices');
    default: return String(o);
  }
}

/**
 * The header's facts, in reading order: format, orientation, slice count, then modality, series description and
 * sequence when the file has them. Only these descriptive attributes: the protocol carries nothing else of DICOM.
 */
export function volumeFacts(info: VolumeInfo): { label: string; value: string }[] {
  const facts = [
    { label: l10n.t('Format'), value: formatText(info.format) },
    { label: l10n.t('Orientation'), value: orientationText(info.orientation) },
    { label: l10n.t('Slices'), value: int(info.sliceCount) },
  ];
  if (info.modality) facts.push({ label: l10n.t('Modality'), value: info.modality });
  if (info.seriesDescription) facts.push({ label: l10n.t('Series description'), value: info.seriesDescription });
  if (info.sequence) facts.push({ label: l10n.t('Sequence'), value: info.sequence });
  return facts;
}

/** "slice 40" or "slices 40 to 78" (numbers from 1). */
export function sliceRangeText(range: readonly [number, number]): string {
  const [a, b] = range;
  return a === b ? l10n.t('slice {0}', int(sliceNumber(a))) : l10n.t('slices {0} to {1}', int(sliceNumber(a)), int(sliceNumber(b)));
}

/**
 * The volume's verdict in one or two sentences: the most likely class with its slice range, and how many of the
 * classified slices show a tumour; or that none does.
 */
export function summarySentences(v: VolumeResult): string[] {
  const s = v.summary;
  const classified = v.slices.length;
  const tumour = s.tumourSlices.length;
  const of = classified === v.info.sliceCount
    ? l10n.t('{0} slices classified', int(classified))
    : l10n.t('{0} of {1} slices classified', int(classified), int(v.info.sliceCount));
  if (s.predicted === 'notumor' || !s.sliceRange) {
    return [tumour === 0
      ? l10n.t('No slice shows a tumour: most likely {0} ({1}).', classLabel(s.predicted), of)
      : l10n.t('Most likely {0}, although {1} slices look like a tumour ({2}).', classLabel(s.predicted), int(tumour), of)];
  }
  return [
    l10n.t('Most likely {0}, in {1}.', classLabel(s.predicted), sliceRangeText(s.sliceRange)),
    tumour === 1 ? l10n.t('1 slice shows a tumour ({0}).', of) : l10n.t('{0} slices show a tumour ({1}).', int(tumour), of),
  ];
}

/** The position of the slice with protocol index `index` in `slices` (the nearest one when it was not classified). */
export function slicePosition(slices: readonly { index: number }[], index: number): number {
  let best = 0;
  slices.forEach((s, k) => { if (Math.abs(s.index - index) < Math.abs(slices[best]!.index - index)) best = k; });
  return best;
}

/** A volume's line in a batch row, short: "NIfTI volume, 155 slices: Glioma in slices 40 to 78". */
export function volumeRowText(v: VolumeResult): string {
  const s = v.summary;
  return s.predicted === 'notumor' || !s.sliceRange
    ? l10n.t('{0}, {1} slices: no tumour found', formatText(v.info.format), int(v.info.sliceCount))
    : l10n.t('{0}, {1} slices: {2} in {3}', formatText(v.info.format), int(v.info.sliceCount), classLabel(s.predicted), sliceRangeText(s.sliceRange));
}
