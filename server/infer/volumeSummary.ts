/**
 * What the slices of a volume say together (docs/dicom-nifti.md, "Volume summary"):
 *  - a slice is EMPTY when almost nothing in it is above black (the distribution check's content share under
 *    OOD_LIMITS.minContent: slices above the head or below the skull base, padding): it is classified and listed,
 *    but it never counts for the summary;
 *  - tumour slices: the non-empty slices whose most likely class is a tumour class and that are not uncertain;
 *  - the volume's class: the tumour class with the most tumour slices (ties: the larger summed confidence), else
 *    notumor; its slice range: the first and last tumour slice of that class (null for notumor);
 *  - the key slice, shown first: the most confident tumour slice of that class; for notumor the most confident
 *    non-empty notumor slice, else the most confident non-empty slice, else the middle slice.
 */
import type { ClassifiedSlice, DistributionCheck, TumorClassName, VolumeSummary } from '../protocol';
import { OOD_LIMITS } from './predictBatch';

export const isEmptySlice = (d: DistributionCheck): boolean => d.content < OOD_LIMITS.minContent;

/** `distributions[i]` belongs to `slices[i]`; slices are in index order from 0. */
export function summarizeSlices(slices: readonly ClassifiedSlice[], distributions: readonly DistributionCheck[]): VolumeSummary {
  const counted = slices.filter((s) => !isEmptySlice(distributions[s.index]!));
  const tumour = counted.filter((s) => s.predicted !== 'notumor' && !s.uncertain);
  const votes = new Map<TumorClassName, { n: number; conf: number }>();
  for (const s of tumour) {
    const v = votes.get(s.predicted) ?? { n: 0, conf: 0 };
    votes.set(s.predicted, { n: v.n + 1, conf: v.conf + s.confidence });
  }
  let predicted: TumorClassName = 'notumor';
  let best = { n: 0, conf: 0 };
  for (const [c, v] of votes) if (v.n > best.n || (v.n === best.n && v.conf > best.conf)) { predicted = c; best = v; }
  const mostConfident = (list: readonly ClassifiedSlice[]) => list.reduce<ClassifiedSlice | null>((a, s) => (!a || s.confidence > a.confidence ? s : a), null);
  if (predicted !== 'notumor') {
    const mine = tumour.filter((s) => s.predicted === predicted);
    return { tumourSlices: tumour.map((s) => s.index), predicted, sliceRange: [mine[0]!.index, mine[mine.length - 1]!.index], keySlice: mostConfident(mine)!.index };
  }
  const key = mostConfident(counted.filter((s) => s.predicted === 'notumor')) ?? mostConfident(counted);
  return { tumourSlices: [], predicted, sliceRange: null, keySlice: key ? key.index : Math.floor(slices.length / 2) };
}
