/**
 * Which voxel axis to slice along and how to lay each slice out, from the voxel-to-patient matrix (RAS+: x to the
 * patient's Right, y Anterior, z Superior; DICOM's LPS is converted before it comes here).
 *
 * Each voxel axis is matched to the patient axis it is closest to (the largest direction cosine, greedily, so an
 * oblique acquisition goes to its nearest plane). Slices are then shown in the radiological convention
 * (docs/dicom-nifti.md, "Orientation"):
 *   axial:    index 0 = most inferior; image left = patient right, image top = anterior;
 *   coronal:  index 0 = most posterior; image left = patient right, image top = superior;
 *   sagittal: index 0 = patient's right-most; image left = anterior, image top = superior.
 */
import type { SliceOrientation } from '../../protocol';

/** A direction along a patient axis: axis 0 = x (R), 1 = y (A), 2 = z (S); sign +1 toward R/A/S, -1 toward L/P/I. */
interface Direction { world: 0 | 1 | 2; sign: 1 | -1 }

/** For each orientation: the direction slice indexes grow, image columns grow (left to right), image rows grow (top down). */
const LAYOUT: Record<SliceOrientation, { slice: Direction; col: Direction; row: Direction }> = {
  axial: { slice: { world: 2, sign: 1 }, col: { world: 0, sign: -1 }, row: { world: 1, sign: -1 } },
  coronal: { slice: { world: 1, sign: 1 }, col: { world: 0, sign: -1 }, row: { world: 2, sign: -1 } },
  sagittal: { slice: { world: 0, sign: -1 }, col: { world: 1, sign: -1 }, row: { world: 2, sign: -1 } },
};

/** One voxel axis walked in one direction: `step` +1 from index 0 up, -1 from the last index down. */
export interface AxisWalk { axis: 0 | 1 | 2; step: 1 | -1; size: number; spacing: number }

export interface SliceAxes {
  slice: AxisWalk;
  col: AxisWalk;
  row: AxisWalk;
  /** The patient axis and sign of the slice direction, for the slice position in mm. */
  sliceWorld: Direction;
}

/** The voxel axis nearest each patient axis, with the sign of the match (greedy on the largest |cosine|). */
export function matchAxes(affine: number[][]): { worldOf: (0 | 1 | 2)[]; signOf: (1 | -1)[] } {
  const cos = [0, 1, 2].map((w) => [0, 1, 2].map((a) => {
    const norm = Math.hypot(affine[0]![a]!, affine[1]![a]!, affine[2]![a]!) || 1;
    return affine[w]![a]! / norm;
  }));
  const worldOf: (0 | 1 | 2)[] = [0, 1, 2];
  const signOf: (1 | -1)[] = [1, 1, 1];
  const freeW = new Set([0, 1, 2]);
  const freeA = new Set([0, 1, 2]);
  while (freeA.size) {
    let best = { w: -1, a: -1, v: -1 };
    for (const w of freeW) for (const a of freeA) if (Math.abs(cos[w]![a]!) > best.v) best = { w, a, v: Math.abs(cos[w]![a]!) };
    worldOf[best.a] = best.w as 0 | 1 | 2;
    signOf[best.a] = cos[best.w]![best.a]! < 0 ? -1 : 1;
    freeW.delete(best.w);
    freeA.delete(best.a);
  }
  return { worldOf, signOf };
}

/** The walks over a voxel grid of `dims` that give slices of `orientation` in the documented layout. */
export function sliceAxes(affine: number[][], dims: readonly [number, number, number], orientation: SliceOrientation): SliceAxes {
  const { worldOf, signOf } = matchAxes(affine);
  const walk = (d: Direction): AxisWalk => {
    const axis = worldOf.indexOf(d.world) as 0 | 1 | 2;
    const spacing = Math.hypot(affine[0]![axis]!, affine[1]![axis]!, affine[2]![axis]!) || 1;
    return { axis, step: signOf[axis] === d.sign ? 1 : -1, size: dims[axis], spacing };
  };
  const l = LAYOUT[orientation];
  return { slice: walk(l.slice), col: walk(l.col), row: walk(l.row), sliceWorld: l.slice };
}

/** The voxel index along a walk's axis of its n-th position. */
export const along = (w: AxisWalk, n: number): number => (w.step === 1 ? n : w.size - 1 - n);

/**
 * The position of slice `n` in mm along the direction indexes grow (+S axial, +A coronal, +L sagittal): the
 * patient coordinate of the slice's centre voxel, signed so that it grows with the index.
 */
export function slicePosition(affine: number[][], axes: SliceAxes, n: number): number {
  const v = [0, 0, 0];
  v[axes.slice.axis] = along(axes.slice, n);
  v[axes.col.axis] = (axes.col.size - 1) / 2;
  v[axes.row.axis] = (axes.row.size - 1) / 2;
  const row = affine[axes.sliceWorld.world]!;
  const world = row[0]! * v[0]! + row[1]! * v[1]! + row[2]! * v[2]! + row[3]!;
  return Math.round(axes.sliceWorld.sign * world * 100) / 100;
}
