/**
 * Classifies images with a loaded model: the one decode + preprocess path of training (the policy comes from
 * the model's metadata), batches through the model, temperature scaling, the uncertainty verdict with its
 * reasons, and optionally a Grad-CAM heat map and the model input as a PNG for display.
 */
import * as l10n from '@vscode/l10n';
import { CancelledError } from '../cancelled';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as P from '../protocol';
import { MAX_CLASSIFY_IMAGES, type ImageStats } from '../protocol';
import { CLASSES } from '../data/classNames';
import { forEachLimit } from '../data/forEachLimit';
import { DICOM_EXTENSIONS, fileIsDicom } from '../data/dicom/detectDicom';
import { prepareDicomInput } from '../data/dicom/dicomInput';
import { headerSize } from '../data/headerSize';
import { jpegOrientation } from '../data/inputGeometry';
import { classifyDecodeError, ImageDecodeError, MAX_PIXELS, preprocessWithStats, sharpInput } from '../data/preprocess';
import { applyTemperature, averageProbs } from '../model/calibration';
import { yieldToEventLoop } from '../engine/yieldToEventLoop';
import { featureDistance, predictFeatures } from '../model/featureStats';
import type { LoadedModel } from './modelStore';
import { inputPng, originalPreview } from './originalPreview';
import { fixed, pct, percentOf } from '../numberFormat';

/**
 * Image files a folder contributes (by name, plus files without an extension that are DICOM by content; a file
 * given by name is tried whatever it is called).
 */
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.bmp', '.webp', '.tif', '.tiff', '.gif', ...DICOM_EXTENSIONS];
/** Files larger than this are refused unread (an MRI slice is well under 10 MB). */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

/**
 * Out-of-distribution limits. Measured on the 1311 Kaggle Testing slices (preprocessing working images): colourfulness
 * at most 5.7; content (non-black share) at least 0.21; pure-white share at most 0.17; intensity spread at least 20.6;
 * roughness at most 23.2; feature distance 99.5th percentile 1.62, maximum 2.6. Each limit sits well outside that
 * range, so real slices pass; what fails them is plainly not an MRI slice. A dark border is reported but not judged:
 * 2% of real slices are cropped to the head. A smooth grey picture of something else can still pass: the check
 * catches the obvious, not everything (README, "How uncertainty is judged").
 */
export const OOD_LIMITS = { colourfulness: 20, minContent: 0.08, white: 0.35, minSpread: 8, roughness: 45, featureDistance: 2 } as const;

const BATCH = 32;

/** A request classification refuses (too many images, none found): the caller's to fix, not a failure. */
export class ClassifyError extends Error {}

export interface ClassifyOptions {
  explain: boolean;
  withInput: boolean;
  threshold: number;
  /** Average the probabilities of the image and its mirror image (the heat map and feature check use the image). */
  tta?: boolean;
  backend: P.BackendKind;
  isCancelled?: () => boolean;
  onProgress?: (done: number, total: number) => void;
  /** How folders are listed (tests inject failures). */
  listDir?: ListDir;
}

/** Lists a folder; a parameter so that tests can make one fail (as root, a permission error cannot be staged). */
export type ListDir = (dir: string) => fs.Dirent[];
const listDir: ListDir = (dir) => fs.readdirSync(dir, { withFileTypes: true });

/**
 * The images behind the given paths: files as given, folders walked recursively (hidden entries skipped), sorted.
 * A folder that cannot be read is listed in `unreadable` with the reason, and the rest is still walked.
 */
export function expandPaths(paths: readonly string[], limit: number, list: ListDir = listDir):
  { files: string[]; missing: string[]; unreadable: { path: string; error: string }[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const unreadable: { path: string; error: string }[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = list(dir).sort((a, b) => (a.name < b.name ? -1 : 1));
    } catch (e) {
      unreadable.push({ path: dir, error: l10n.t('The folder {0} cannot be read ({1}); its images were skipped. Check its permissions.',
        dir, (e as NodeJS.ErrnoException).code ?? (e as Error).message) });
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs);
      else if (e.isFile() && (IMAGE_EXTENSIONS.includes(path.extname(e.name).toLowerCase()) || (!path.extname(e.name) && fileIsDicom(abs)))) files.push(abs);
      if (files.length > limit) {
        throw new ClassifyError(l10n.t('The selection holds more than {0} images; classify at most {0} at once (pick a sub-folder, or use the CLI in chunks).', String(limit)));
      }
    }
  };
  for (const p of paths) {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      missing.push(p);
      continue;
    }
    if (st.isDirectory()) walk(p);
    else files.push(p);
  }
  if (files.length > limit) throw new ClassifyError(l10n.t('{0} images selected; classify at most {1} at once.', String(files.length), String(limit)));
  return { files: [...new Set(files)], missing, unreadable };
}

interface Decoded { pixels: Uint8Array; stats: ImageStats; width: number; height: number; geometry: P.InputGeometry | null }

async function decode(file: string, loaded: LoadedModel): Promise<Decoded> {
  const bytesOnDisk = fs.statSync(file).size;
  if (bytesOnDisk === 0) throw new ImageDecodeError(l10n.t('the file is empty'), 'corrupt');
  if (bytesOnDisk > MAX_FILE_BYTES) {
    throw new ImageDecodeError(l10n.t('the file is {0} MB; images over {1} MB are refused', String(Math.round(bytesOnDisk / 2 ** 20)), String(MAX_FILE_BYTES / 2 ** 20)), 'too-large');
  }
  const bytes = fs.readFileSync(file);
  const fromHeader = headerSize(bytes);
  let size = fromHeader && { ...fromHeader, orientation: jpegOrientation(bytes) };
  if (!size) {
    try {
      await prepareDicomInput(bytes); // DICOM: its first frame, windowed (data/dicom/dicomInput.ts)
      const meta = await sharpInput(bytes, MAX_PIXELS).metadata();
      size = { width: meta.width, height: meta.height, orientation: meta.orientation ?? 1 };
    } catch (e) {
      throw classifyDecodeError(e, bytes);
    }
  }
  const { pixels, stats, geometry } = await preprocessWithStats(bytes, loaded.policy, size);
  return { pixels, stats, width: size.width, height: size.height, geometry };
}

function failure(file: string, e: unknown): P.FailedImage {
  if (e instanceof ImageDecodeError) {
    const kind: P.ProblemKind = e.kind === 'too-large' ? 'too-large' : e.kind === 'unsupported' ? 'not-image' : 'corrupt';
    const name = path.basename(file);
    const error = kind === 'too-large' ? l10n.t('Cannot classify {0}: {1}. Downscale it first.', name, e.message)
      : kind === 'not-image' ? l10n.t('Cannot classify {0}: {1}. Classify JPEG, PNG, WebP, TIFF, GIF, BMP or DICOM images.', name, e.message)
        : l10n.t('Cannot classify {0}: {1}. Re-export or re-download the file.', name, e.message);
    return { ok: false, path: file, kind, error };
  }
  const code = (e as NodeJS.ErrnoException).code;
  return { ok: false, path: file, kind: 'unreadable', error: l10n.t('Cannot read {0}: {1}.', file, code ?? (e as Error).message) };
}

/** The out-of-distribution verdict of one image, with its reasons in words. */
export function judgeDistribution(stats: ImageStats, distance: number | null): P.DistributionCheck {
  const reasons: string[] = [];
  const L = OOD_LIMITS;
  if (stats.colourfulness > L.colourfulness) reasons.push(l10n.t('it is a colour image; MRI slices are greyscale'));
  if (stats.content < L.minContent) reasons.push(l10n.t('it is almost entirely black'));
  else if (stats.spread < L.minSpread) reasons.push(l10n.t('it is nearly uniform, with no anatomy to see'));
  if (stats.white > L.white) reasons.push(l10n.t('{0} of it is pure white (documents, screenshots, photos); MRI slices have almost none', percentOf(Math.round(stats.white * 100))));
  if (stats.roughness > L.roughness) reasons.push(l10n.t('it is grainy like noise or fine text; MRI anatomy is smooth'));
  if (distance !== null && distance > L.featureDistance) {
    reasons.push(l10n.t('the model\'s features for it lie {0}x farther from the training data than 99% of validation images', fixed(distance, 1)));
  }
  const r = (v: number) => Math.round(v * 1000) / 1000;
  return { outOfDistribution: reasons.length > 0, reasons, colourfulness: r(stats.colourfulness), darkBorder: r(stats.darkBorder),
    content: r(stats.content), white: r(stats.white), spread: r(stats.spread), roughness: r(stats.roughness), featureDistance: distance === null ? null : r(distance) };
}

export async function classifyImages(paths: readonly string[], loaded: LoadedModel, opts: ClassifyOptions): Promise<Omit<P.ClassifyResult, 'model'>> {
  const t0 = performance.now();
  const { files, missing, unreadable } = expandPaths(paths, MAX_CLASSIFY_IMAGES, opts.listDir);
  if (!files.length && !missing.length && !unreadable.length) {
    throw new ClassifyError(l10n.t('No images found in {0}: classification reads {1} files (folders are searched recursively; hidden entries are skipped).',
      paths.join(', '), IMAGE_EXTENSIONS.join(' ')));
  }
  const items: P.ClassifyItem[] = [
    ...missing.map((p): P.FailedImage => ({ ok: false, path: p, kind: 'missing', error: l10n.t('{0} does not exist (moved or deleted?).', p) })),
    ...unreadable.map((u): P.FailedImage => ({ ok: false, path: u.path, kind: 'unreadable', error: u.error })),
  ];
  const { size, channels } = loaded.policy;
  const per = size * size * channels;
  const k = CLASSES.length;
  let classified = 0;
  // Never rejects: a file that fails becomes a FailedImage.
  const decodeChunk = async (chunk: string[]): Promise<(Decoded | P.FailedImage)[]> => {
    const decoded = new Array<Decoded | P.FailedImage>(chunk.length);
    // Eight in flight keep libuv's four threads busy while the main thread crops and measures (measured: +10%).
    await forEachLimit(chunk, 8, async (file, i) => {
      try {
        decoded[i] = await decode(file, loaded);
      } catch (e) {
        decoded[i] = failure(file, e);
      }
    });
    return decoded;
  };
  // The next batch decodes (on libuv's threads) while this one goes through the model (on the engine's).
  let next = files.length ? decodeChunk(files.slice(0, BATCH)) : null;
  for (let start = 0; start < files.length; start += BATCH) {
    const chunk = files.slice(start, start + BATCH);
    const decoded = await next!;
    next = start + BATCH < files.length ? decodeChunk(files.slice(start + BATCH, start + 2 * BATCH)) : null;
    if (opts.isCancelled?.()) {
      await next; // let the read-ahead finish: nothing may outlive the request
      throw new CancelledError('Classification');
    }
    const good = chunk.map((_, i) => i).filter((i) => !('ok' in decoded[i]!));
    const results = new Map<number, P.ClassifiedImage>();
    if (good.length) {
      const batch = new Uint8Array(good.length * per);
      good.forEach((i, j) => batch.set((decoded[i] as Decoded).pixels, j * per));
      const x = tf.tidy(() => tf.div<tf.Tensor4D>(tf.tensor4d(batch, [good.length, size, size, channels], 'float32'), 255));
      let out: ReturnType<typeof predictFeatures>;
      let mirrored: Float32Array | null = null;
      try {
        out = predictFeatures(loaded.withFeatures, x);
        if (opts.tta) {
          const flipped = tf.reverse(x, 2);
          try { mirrored = predictFeatures(loaded.withFeatures, flipped).probs; } finally { flipped.dispose(); }
        }
      } finally {
        x.dispose();
      }
      const calibrated = (p: Float32Array) => (loaded.temperature ? applyTemperature(p, loaded.temperature, k, loaded.bias) : p);
      // Each view calibrated, then averaged: the same order as `evaluate --tta`, so its figures describe this.
      const probs = mirrored ? averageProbs(calibrated(out.probs), calibrated(mirrored)) : calibrated(out.probs);
      for (let j = 0; j < good.length; j++) {
        const i = good[j]!;
        const d = decoded[i] as Decoded;
        const row = Array.from(probs.subarray(j * k, (j + 1) * k), (v) => Math.round(v * 1e6) / 1e6);
        let best = 0;
        row.forEach((v, c) => { if (v > row[best]!) best = c; });
        const distance = loaded.featureStats ? featureDistance(loaded.featureStats, out.features.subarray(j * out.dims, (j + 1) * out.dims)) : null;
        const distribution = judgeDistribution(d.stats, distance);
        const reasons: string[] = [];
        if (row[best]! < opts.threshold) reasons.push(l10n.t('confidence {0} is below the {1} threshold', pct(row[best]!), pct(opts.threshold, 0)));
        if (distribution.outOfDistribution) {
          reasons.push(l10n.t('the image may not be a brain MRI slice like those the model was trained on: {0}', distribution.reasons.join('; ')));
        }
        results.set(i, {
          ok: true, path: chunk[i]!, predicted: CLASSES[best]!, probabilities: row, confidence: row[best]!, uncertain: reasons.length > 0,
          uncertainReasons: reasons, distribution, heatmap: null, input: null, width: d.width, height: d.height,
          ...(d.geometry ? { original: { geometry: d.geometry, image: null } } : {}),
        });
      }
      if (opts.explain || opts.withInput) {
        for (const [i, item] of results) {
          const d = decoded[i] as Decoded;
          if (opts.explain) {
            const xi = tf.tidy(() => tf.div<tf.Tensor4D>(tf.tensor4d(d.pixels, [1, size, size, channels], 'float32'), 255));
            try {
              const cam = loaded.gradCam().explain(xi, CLASSES.indexOf(item.predicted));
              item.heatmap = { width: cam.width, height: cam.height, values: Array.from(cam.values, (v) => Math.round(v * 1000) / 1000),
                targetClass: item.predicted, layer: cam.layer };
            } finally {
              xi.dispose();
            }
          }
          if (opts.withInput) {
            item.input = await inputPng(d.pixels, size, channels);
            // Read again: a batch does not keep every file's bytes for the few items that show their original.
            if (item.original) item.original.image = await originalPreview(item.path);
          }
        }
      }
    }
    chunk.forEach((_, i) => items.push(results.get(i) ?? (decoded[i] as P.FailedImage)));
    classified += chunk.length;
    opts.onProgress?.(classified, files.length);
    await yieldToEventLoop(); // a cancel and other requests get through between batches
  }
  const ms = performance.now() - t0;
  return { items, threshold: opts.threshold, tta: opts.tta === true, backend: opts.backend,
    timing: { ms: Math.round(ms), images: files.length, imgPerSec: Math.round((files.length / Math.max(ms, 1e-3)) * 1000 * 10) / 10 } };
}
