/**
 * DICOM at the one decode seam (preprocess.ts sharpInput). sharpInput is synchronous and the WASM decoders start
 * asynchronously, so every async caller first awaits prepareDicomInput(bytes): for DICOM bytes it reads the file
 * and windows its first frame into 8-bit pixels, kept for exactly that Buffer (a WeakMap: it goes with the
 * Buffer); for any other bytes it returns at once, so JPEG and PNG paths pay one comparison.
 *
 * A multi-frame file enters here as its frame 0: a volume's slices are read through readDicom by the volume code.
 */
import { MAX_PIXELS } from '../preprocess';
import { DICOM_HEAD_BYTES, isDicomBytes } from './detectDicom';
import { readDicom, type DicomFrame8 } from './readDicom';

const prepared = new WeakMap<Uint8Array, DicomFrame8>();
const frameCounts = new WeakMap<Uint8Array, number>();

/**
 * Reads a DICOM file's first frame ahead of sharpInput; no-op for other bytes (and for bytes read already).
 * Returns the file's number of frames (a dataset scan counts a multi-frame file by them), undefined when not DICOM.
 */
export async function prepareDicomInput(bytes: Uint8Array, maxPixels: number | false = MAX_PIXELS): Promise<number | undefined> {
  if (prepared.has(bytes)) return frameCounts.get(bytes);
  if (!isDicomBytes(bytes.subarray(0, DICOM_HEAD_BYTES))) return undefined;
  const image = await readDicom(bytes, { maxPixels: maxPixels === false ? Number.MAX_SAFE_INTEGER : maxPixels });
  prepared.set(bytes, image.frame8(0));
  frameCounts.set(bytes, image.info.frames);
  return image.info.frames;
}

/** The prepared frame of DICOM bytes; undefined for other bytes. DICOM bytes that were not prepared are a bug. */
export function preparedDicomFrame(bytes: Uint8Array): DicomFrame8 | undefined {
  const frame = prepared.get(bytes);
  if (frame || !isDicomBytes(bytes.subarray(0, DICOM_HEAD_BYTES))) return frame;
  throw new Error('DICOM bytes reached sharpInput before prepareDicomInput() read them');
}
