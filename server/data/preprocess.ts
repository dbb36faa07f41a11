/**
 * The one decode + preprocess path, used by scanning, training, evaluation and classification alike, so that a
 * model sees at inference exactly what it saw in training. The policy is recorded in each model's metadata.
 *
 * Policy (in this order, all in one sharp pipeline):
 *  1. decode any format sharp reads (JPEG, PNG, WebP, TIFF, GIF; BMP through a small fallback decoder; DICOM as its
 *     first frame, windowed to 8 bits by dicom/), refusing images over `maxPixels` before decoding them (bombs);
 *  2. apply the EXIF orientation; flatten transparency onto black; convert to greyscale as Rec. 601 luma of the
 *     sRGB values (or keep/repeat to 3 channels for RGB models);
 *  3. policy version 2 only: the intensity step (`intensity`, intensity.ts): `equalize-head` equalises the head's
 *     histogram (background to 0), so a monotone change of contrast, gamma or brightness does not reach the model
 *     nor move the crop;
 *  4. crop the dark border around the head: rows and columns whose pixels all stay at or below `cropThreshold`
 *     are removed (judged on an intermediate image of at most 2 x size on its longer side; skipped when the
 *     image is uniformly dark, where nothing would be left);
 *  5. pad to a square with black (centred), keeping the aspect ratio, and resize to `size` x `size` (area
 *     average when shrinking, bilinear when enlarging); classification records this geometry in pixels of the
 *     original (inputGeometry.ts) to draw heat maps back on it;
 *  6. output 8-bit pixels; the model input is pixel / 255 (`normalize: 'unit'`).
 *
 * decodeImage + preprocessDecoded are the same path cut open after step 2 at full resolution, so that the
 * robustness perturbations (eval/perturb.ts) act on decoded pixels and everything after them is unchanged.
 */
import * as l10n from '@vscode/l10n';
import { INTENSITY_STEPS, type ImageStats, type InputGeometry, type IntensityStep } from '../protocol';
import * as crypto from 'node:crypto';
import sharp, { type OutputInfo, type Sharp } from 'sharp';
import { decodeBmp } from './bmp';
import { prepareDicomInput, preparedDicomFrame } from './dicom/dicomInput';
import { inputGeometry, type SourceSize } from './inputGeometry';
import { normalizeIntensityBytes } from './intensity';
import { cropPadResize } from './resample';

export interface PreprocessPolicy {
  /**
   * Bumped when the meaning of any field changes: old caches and models then stop matching. 1: steps 1-2 and 4-6;
   * 2: the same plus the intensity step (3). Version 1 policies are still read, and give exactly what they gave.
   */
  version: 1 | 2;
  size: number;
  channels: 1 | 3;
  /** 0..255; null = no border crop. */
  cropThreshold: number | null;
  pad: 'square-black';
  /** sharp's kernel for the decode-time reduction to the working size (at most 2 x size). */
  kernel: 'lanczos3' | 'cubic' | 'linear' | 'nearest';
  normalize: 'unit';
  /** Version 2 only (absent in version 1, which means none): the intensity step. */
  intensity?: IntensityStep;
}

export const DEFAULT_POLICY: PreprocessPolicy = {
  version: 1, size: 128, channels: 1, cropThreshold: 12, pad: 'square-black', kernel: 'linear', normalize: 'unit',
};

/** The background level of the intensity step when a policy has no border crop (cropThreshold null). */
const BACKGROUND_LEVEL = 12;

/** The policy for `size` and `channels` with the given intensity step: version 1 for none (as every older model), else 2. */
export function policyFor(size: number, channels: 1 | 3, intensity: IntensityStep): PreprocessPolicy {
  const base: PreprocessPolicy = { ...DEFAULT_POLICY, size, channels };
  return intensity === 'none' ? base : { ...base, version: 2, intensity };
}

const intensityThreshold = (p: PreprocessPolicy) => p.cropThreshold ?? BACKGROUND_LEVEL;

/** Images above this many pixels are refused before decoding (a 30000 x 30000 header is 900 MP). */
export const MAX_PIXELS = 64_000_000;

export function validatePolicy(p: unknown): PreprocessPolicy {
  const o = (p ?? {}) as Partial<PreprocessPolicy>;
  const bad = (message: string): never => { throw new Error(message); };
  if (o.version !== 1 && o.version !== 2) bad(l10n.t('Invalid preprocessing policy: version {0} (this backend knows versions 1 and 2)', String(o.version)));
  if (!Number.isInteger(o.size) || o.size! < 8 || o.size! > 1024) bad(l10n.t('Invalid preprocessing policy: size {0} (8..1024)', String(o.size)));
  if (o.channels !== 1 && o.channels !== 3) bad(l10n.t('Invalid preprocessing policy: channels {0} (1 or 3)', String(o.channels)));
  if (o.cropThreshold !== null && (!Number.isInteger(o.cropThreshold) || o.cropThreshold! < 0 || o.cropThreshold! > 255)) {
    bad(l10n.t('Invalid preprocessing policy: {0} {1}', 'cropThreshold', String(o.cropThreshold)));
  }
  if (o.pad !== 'square-black') bad(l10n.t('Invalid preprocessing policy: {0} {1}', 'pad', String(o.pad)));
  if (!['lanczos3', 'cubic', 'linear', 'nearest'].includes(o.kernel as string)) bad(l10n.t('Invalid preprocessing policy: {0} {1}', 'kernel', String(o.kernel)));
  if (o.normalize !== 'unit') bad(l10n.t('Invalid preprocessing policy: {0} {1}', 'normalize', String(o.normalize)));
  // Version 1 has no intensity step (a field there would be ignored, so it is refused); version 2 names its step.
  if (o.version === 1 ? o.intensity !== undefined : !INTENSITY_STEPS.includes(o.intensity as IntensityStep)) {
    bad(l10n.t('Invalid preprocessing policy: {0} {1}', 'intensity', String(o.intensity)));
  }
  return o as PreprocessPolicy;
}

/** A short, stable key of a policy: names its cache folder. */
export function policyKey(p: PreprocessPolicy): string {
  // Version 1's key is what it always was, so its caches stay valid.
  const fields: unknown[] = [p.version, p.size, p.channels, p.cropThreshold, p.pad, p.kernel, p.normalize];
  if (p.version !== 1) fields.push(p.intensity);
  const canonical = JSON.stringify(fields);
  return `v${p.version}-${p.size}px-${p.channels}ch-` + crypto.createHash('sha256').update(canonical).digest('hex').slice(0, 10);
}

export class ImageDecodeError extends Error {
  constructor(message: string, readonly kind: 'too-large' | 'corrupt' | 'unsupported') {
    super(message);
  }
}

/**
 * sharp's constructor input for these bytes: BMP goes through the fallback decoder (libvips has no BMP loader), and
 * DICOM enters as the windowed 8-bit frame that `await prepareDicomInput(bytes)` read (required first for DICOM).
 */
export function sharpInput(bytes: Buffer, maxPixels: number | false = MAX_PIXELS): Sharp {
  const dicom = preparedDicomFrame(bytes);
  if (dicom) return sharp(dicom.data, { raw: { width: dicom.width, height: dicom.height, channels: dicom.channels } });
  if (bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d) {
    const bmp = decodeBmp(bytes, maxPixels === false ? Number.MAX_SAFE_INTEGER : maxPixels);
    return sharp(bmp.data, { raw: { width: bmp.width, height: bmp.height, channels: bmp.channels } });
  }
  return sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' });
}

/** The decoder's own words without the names of the libraries inside it ("VipsJpeg: ...", "sharp: ..."). */
const plainWords = (msg: string) => msg.split('\n')[0]!.replace(/\b(Vips\w*|vips\w*|sharp|libvips)\s*:\s*/g, '').trim();

/**
 * A cut-off file says so by its missing end marker; libvips' own words for it differ with how far it got (and
 * are often just "Unknown error"), so this is what the user reads, the same from every decode path.
 */
function cutOff(bytes: Uint8Array | undefined): string | undefined {
  if (!bytes || bytes.length < 4) return undefined;
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && !(bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9)) {
    return l10n.t('corrupt or truncated image: the JPEG file ends before its end-of-image marker (cut off)');
  }
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).lastIndexOf('IEND', undefined, 'latin1') < 0) {
    return l10n.t('corrupt or truncated image: the PNG file has no IEND chunk (cut off)');
  }
  return undefined;
}

/**
 * Turns the image decoder's and the BMP reader's errors into a verdict with a reason a user can act on, worded the
 * same whichever path decoded the file (scan, training, classification); `bytes` lets it name a cut-off file.
 */
export function classifyDecodeError(e: unknown, bytes?: Uint8Array): ImageDecodeError {
  if (e instanceof ImageDecodeError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  if (/pixel limit|exceeds.*limit|too large/i.test(msg)) {
    return new ImageDecodeError(l10n.t('image too large: {0} (limit {1} megapixels)', plainWords(msg), String(MAX_PIXELS / 1e6)), 'too-large');
  }
  if (/unsupported image format/i.test(msg)) return new ImageDecodeError(l10n.t('not an image the image decoder can read (JPEG, PNG, WebP, TIFF, BMP, DICOM)'), 'unsupported');
  return new ImageDecodeError(cutOff(bytes) ?? l10n.t('corrupt or truncated image: the image decoder says "{0}"', plainWords(msg)), 'corrupt');
}

/** Decodes and preprocesses one image to `size*size*channels` 8-bit pixels. */
export async function preprocessImage(bytes: Buffer, policy: PreprocessPolicy = DEFAULT_POLICY): Promise<Uint8Array> {
  return (await preprocessWithStats(bytes, policy)).pixels;
}

/**
 * preprocessImage, plus the decoded image's statistics for the out-of-distribution check and, given the size and
 * EXIF orientation of the file (`source`), the geometry applied: where the model input lies in the original.
 */
export async function preprocessWithStats(bytes: Buffer, policy: PreprocessPolicy = DEFAULT_POLICY, source?: SourceSize):
  Promise<{ pixels: Uint8Array; stats: ImageStats; geometry: InputGeometry | null }> {
  try {
    await prepareDicomInput(bytes);
    return await runPipeline(bytes, policy, source);
  } catch (e) {
    throw classifyDecodeError(e, bytes);
  }
}

/** The statistics of ImageStats on a decoded working image (1-4 channels; alpha ignored). */
export function imageStats(data: Uint8Array, width: number, height: number, channels: number): ImageStats {
  const colour = channels >= 3;
  let spread = 0;
  if (colour) {
    for (let i = 0; i < width * height; i++) {
      const o = i * channels;
      const r = data[o]!, g = data[o + 1]!, b = data[o + 2]!;
      spread += Math.max(r, g, b) - Math.min(r, g, b);
    }
  }
  const fx = Math.max(1, Math.round(width * 0.05));
  const fy = Math.max(1, Math.round(height * 0.05));
  let frame = 0, dark = 0;
  for (let y = 0; y < height; y++) {
    const inRows = y < fy || y >= height - fy;
    for (let x = 0; x < width; x++) {
      if (!inRows && x >= fx && x < width - fx) continue;
      const o = (y * width + x) * channels;
      let v = data[o]!;
      if (colour) v = Math.max(v, data[o + 1]!, data[o + 2]!);
      frame++;
      if (v <= 24) dark++;
    }
  }
  let content = 0, white = 0, sum = 0, sumSq = 0, rough = 0, prev = 0;
  for (let i = 0; i < width * height; i++) {
    const o = i * channels;
    const v = colour ? Math.max(data[o]!, data[o + 1]!, data[o + 2]!) : data[o]!;
    if (v > 24) content++;
    if (v >= 230) white++;
    sum += v;
    sumSq += v * v;
    if (i % width !== 0) rough += Math.abs(v - prev);
    prev = v;
  }
  const n = width * height || 1;
  const mean = sum / n;
  return { colourfulness: colour ? spread / n : 0, darkBorder: frame ? dark / frame : 0, content: content / n, white: white / n,
    spread: Math.sqrt(Math.max(0, sumSq / n - mean * mean)), roughness: rough / Math.max(1, (width - 1) * height) };
}

/**
 * The bounding box of the rows and columns holding at least `minCount` pixels brighter than `threshold` in any
 * channel (1: any such pixel), or null when there are none (a uniform dark image: nothing to crop to).
 */
export function brightBox(data: Uint8Array, width: number, height: number, channels: number, threshold: number, minCount = 1):
  { left: number; top: number; width: number; height: number } | null {
  const rows = new Int32Array(height), cols = new Int32Array(width);
  for (let y = 0; y < height; y++) {
    const row = y * width * channels;
    for (let x = 0; x < width; x++) {
      const o = row + x * channels;
      let v = data[o]!;
      for (let c = 1; c < channels; c++) v = Math.max(v, data[o + c]!);
      if (v > threshold) { rows[y]!++; cols[x]!++; }
    }
  }
  const first = (a: Int32Array) => a.findIndex((c) => c >= minCount);
  const last = (a: Int32Array) => {
    for (let i = a.length - 1; i >= 0; i--) if (a[i]! >= minCount) return i;
    return -1;
  };
  const minX = first(cols), minY = first(rows);
  if (minX < 0 || minY < 0) return null;
  const maxX = last(cols), maxY = last(rows);
  return { left: minX, top: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}

/**
 * Decodes straight to a working image of at most 2 x size on its longer side (JPEG shrink-on-load makes this
 * fast; libvips' own trim works at full resolution and was 4x slower), finds the border there, then crops,
 * pads and resizes in JS (resample.ts).
 */
async function runPipeline(bytes: Buffer, p: PreprocessPolicy, source?: SourceSize): Promise<{ pixels: Uint8Array; stats: ImageStats; geometry: InputGeometry | null }> {
  // libvips' greyscale conversion goes through linear light and cost 30% of the whole decode; the channels are
  // mapped in JS on the small working image instead (toChannels). Only 4-channel output (CMYK) takes libvips'.
  let { data, info } = await toWorkingSize(decodeStart(bytes, null), p);
  if (info.channels === 4) ({ data, info } = await toWorkingSize(decodeStart(bytes, p.channels === 1 ? 'b-w' : 'srgb'), p));
  const { pixels, box } = finishWorking(data, info.width, info.height, info.channels, p);
  const geometry = source ? inputGeometry(source, info.width, info.height, box, p.size) : null;
  return { pixels, stats: imageStats(data, info.width, info.height, info.channels), geometry };
}

/** Steps 1-2 up to the colour conversion, as a pipeline not yet run: decode, EXIF orientation, flatten. */
function decodeStart(bytes: Buffer, colourspace: 'b-w' | 'srgb' | null): Sharp {
  let img = sharpInput(bytes).rotate();
  // JPEG has no alpha channel: skipping the no-op flatten saves a pipeline stage on most MRI files.
  if (!(bytes[0] === 0xff && bytes[1] === 0xd8)) img = img.flatten({ background: '#000000' });
  return colourspace ? img.toColourspace(colourspace) : img;
}

/** Runs a pipeline down to the working image: at most 2 x size on its longer side, never enlarged. */
function toWorkingSize(img: Sharp, p: PreprocessPolicy): Promise<{ data: Buffer; info: OutputInfo }> {
  const workSide = p.size * 2;
  return img.resize(workSide, workSide, { fit: 'inside', withoutEnlargement: true, kernel: p.kernel }).raw().toBuffer({ resolveWithObject: true });
}

/** Steps 2 (channels) to 5 on the working image: the policy's channels, intensity step, border crop, pad and resize. */
function finishWorking(data: Uint8Array, width: number, height: number, channels: number, p: PreprocessPolicy):
  { pixels: Uint8Array; box: ReturnType<typeof brightBox> } {
  let px = toChannels(data, channels, p.channels);
  // A copy first: toChannels may hand back `data` itself, whose statistics (imageStats) must be those as decoded.
  if (p.intensity && p.intensity !== 'none') px = normalizeIntensityBytes(px === data ? px.slice() : px, p.intensity, intensityThreshold(p));
  // Version 2 crops to the rows and columns with a few head pixels (HEAD_LINE_SHARE), not one: a noisy background
  // then cannot widen the box to the whole image (version 1 keeps its single-pixel rule).
  const minCount = p.version === 1 ? 1 : Math.max(2, Math.round(HEAD_LINE_SHARE * Math.min(width, height)));
  const box = p.cropThreshold === null ? null : brightBox(px, width, height, p.channels, p.cropThreshold, minCount);
  return { pixels: cropPadResize(px, width, height, p.channels, box, p.size), box };
}

/** Version 2's crop: a row or column belongs to the head when this share of its length is head (1% of 256 px: 3). */
const HEAD_LINE_SHARE = 0.01;

/** A decoded image at full resolution, 8-bit, interleaved: what the robustness perturbations work on. */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  /** 1 when the image is grey (stored as grey, or as RGB with equal channels), else 3 (sRGB). */
  channels: 1 | 3;
}

/**
 * Steps 1-2 of the policy at full resolution, without the working-size reduction: decode (BMP and the pixel
 * limit as in preprocessImage), EXIF orientation, transparency onto black, alpha dropped, CMYK to sRGB.
 * preprocessDecoded(decodeImage(bytes)) then gives exactly preprocessImage(bytes), except where the latter lets
 * libvips decode a JPEG or WebP straight at a reduced scale (shrink-on-load): that rounds differently, and a
 * working pixel that crosses cropThreshold moves the crop box (measured in test/unit/perturb.test.ts).
 */
export async function decodeImage(bytes: Buffer): Promise<RawImage> {
  try {
    await prepareDicomInput(bytes);
    let { data, info } = await decodeStart(bytes, null).raw().toBuffer({ resolveWithObject: true });
    if (info.channels === 4) ({ data, info } = await decodeStart(bytes, 'srgb').raw().toBuffer({ resolveWithObject: true }));
    const { width, height, channels } = info;
    const px = new Uint8Array(data.buffer, data.byteOffset, data.length);
    if (channels === 1) return { data: px, width, height, channels: 1 };
    // Grey slices are often stored as RGB: one channel then does a third of the work in every perturbation, and
    // changes nothing downstream (Rec. 601 luma of equal channels is that value; resizing works per channel).
    const grey = channels < 3 || isGrey(px, channels);
    return { data: pickChannels(px, channels, grey ? 1 : 3), width, height, channels: grey ? 1 : 3 };
  } catch (e) {
    throw classifyDecodeError(e, bytes);
  }
}

/** Steps 2-5 of the policy on a decoded image: the same working-size reduction and the same JS steps as preprocessImage. */
export async function preprocessDecoded(img: RawImage, policy: PreprocessPolicy = DEFAULT_POLICY): Promise<Uint8Array> {
  return (await preprocessRawWithStats(img, policy)).pixels;
}

/**
 * preprocessDecoded with the statistics and geometry of preprocessWithStats: the path of images that are not
 * files (a volume's slices), so that they meet exactly the policy a JPEG meets.
 */
export async function preprocessRawWithStats(img: RawImage, policy: PreprocessPolicy = DEFAULT_POLICY):
  Promise<{ pixels: Uint8Array; stats: ImageStats; geometry: InputGeometry }> {
  // The pixels are in memory already (decodeImage enforced MAX_PIXELS on the file); a perturbation may enlarge them.
  const input = sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels }, limitInputPixels: false });
  const { data, info } = await toWorkingSize(input, policy);
  const { pixels, box } = finishWorking(data, info.width, info.height, info.channels, policy);
  const geometry = inputGeometry({ width: img.width, height: img.height, orientation: 1 }, info.width, info.height, box, policy.size);
  return { pixels, stats: imageStats(data, info.width, info.height, info.channels), geometry };
}

function isGrey(data: Uint8Array, channels: number): boolean {
  for (let o = 0; o < data.length; o += channels) {
    if (data[o] !== data[o + 1] || data[o] !== data[o + 2]) return false;
  }
  return true;
}

/** The first `keep` channels of each pixel (grey of grey + alpha; RGB of the rare leftover 4th channel). */
function pickChannels(data: Uint8Array, channels: number, keep: 1 | 3): Uint8Array {
  const n = data.length / channels;
  const out = new Uint8Array(n * keep);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < keep; c++) out[i * keep + c] = data[i * channels + c]!;
  }
  return out;
}

/**
 * 1 or 3 channels from what sharp decoded: grey is kept (or repeated for RGB); RGB becomes Rec. 601 luma
 * (0.299 R + 0.587 G + 0.114 B, so a grey image stored as RGB keeps its exact values); grey + alpha keeps grey.
 */
export function toChannels(data: Uint8Array, from: number, to: 1 | 3): Uint8Array {
  if (from === to) return data;
  const n = data.length / from;
  const out = new Uint8Array(n * to);
  for (let i = 0; i < n; i++) {
    const o = i * from;
    if (to === 1) {
      out[i] = from >= 3 ? Math.round(0.299 * data[o]! + 0.587 * data[o + 1]! + 0.114 * data[o + 2]!) : data[o]!;
    } else {
      const v = data[o]!;
      out[i * 3] = v;
      out[i * 3 + 1] = from >= 3 ? data[o + 1]! : v;
      out[i * 3 + 2] = from >= 3 ? data[o + 2]! : v;
    }
  }
  return out;
}
