/**
 * Limits on volumes (NIfTI files, DICOM series, multi-frame DICOM), checked from the header before any voxel is
 * allocated, so that a huge or hostile file (a gzip bomb, a header claiming 10^12 voxels) costs nothing.
 */

/** At most this many slices of one volume are classified; a volume with more along the chosen axis is refused. */
export const MAX_VOLUME_SLICES = 512;
/** At most this many bytes of voxel data (uncompressed, the first 3-D volume only) are read. */
export const MAX_VOLUME_BYTES = 1024 ** 3;
/** At most this many voxels: the working copy is one float32 per voxel (1 GiB at this limit). */
export const MAX_VOLUME_VOXELS = 256 * 1024 ** 2;
/** One slice at most this many pixels (the same order as the image limit of preprocessing). */
export const MAX_SLICE_PIXELS = 64_000_000;

/** A volume that cannot be read, with a sentence the user can act on; `kind` maps to the protocol's ProblemKind. */
export class VolumeError extends Error {
  constructor(message: string, readonly kind: 'too-large' | 'corrupt' | 'unsupported') {
    super(message);
  }
}
