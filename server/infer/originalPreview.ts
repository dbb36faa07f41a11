/**
 * The original image for display beside the model input, with the heat map drawn back onto it: EXIF orientation
 * applied and transparency on black (as preprocessing sees it), scaled down only when its longer side exceeds
 * ORIGINAL_PREVIEW_MAX_SIDE, so that a message to the panel stays bounded.
 */
import * as fs from 'node:fs';
import sharp from 'sharp';
import { ORIGINAL_PREVIEW_MAX_SIDE } from '../protocol';
import { prepareDicomInput } from '../data/dicom/dicomInput';
import { sharpInput } from '../data/preprocess';

/** Up to this many pixels the preview is a lossless PNG (MRI slices are 512 x 512 or smaller); above, a JPEG. */
const LOSSLESS_PIXELS = 512 * 512;

/**
 * A data: URL of the file's image at its own resolution (or at most ORIGINAL_PREVIEW_MAX_SIDE on its longer side),
 * or null when it cannot be read now (it was decoded a moment ago: the classification stands without the picture).
 */
export async function originalPreview(file: string): Promise<string | null> {
  try {
    return await previewOf(fs.readFileSync(file));
  } catch {
    return null;
  }
}

async function previewOf(bytes: Buffer): Promise<string> {
  const max = ORIGINAL_PREVIEW_MAX_SIDE;
  await prepareDicomInput(bytes); // DICOM: the windowed first frame that was classified
  const img = sharpInput(bytes).rotate().flatten({ background: '#000000' })
    .resize(max, max, { fit: 'inside', withoutEnlargement: true });
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  const raw = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  const lossless = info.width * info.height <= LOSSLESS_PIXELS;
  const out = lossless ? await raw.png({ compressionLevel: 6 }).toBuffer() : await raw.jpeg({ quality: 90 }).toBuffer();
  return `data:image/${lossless ? 'png' : 'jpeg'};base64,${out.toString('base64')}`;
}

/** The model input (size x size x channels 8-bit pixels) as a PNG data URL. */
export async function inputPng(pixels: Uint8Array, size: number, channels: 1 | 3): Promise<string> {
  const png = await sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), { raw: { width: size, height: size, channels } })
    .png({ compressionLevel: 6 }).toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}
