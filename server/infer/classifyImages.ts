/**
 * Classifies images with a loaded model: the one decode + preprocess path of training (the policy comes from
 * the model's metadata), batches through the model, temperature scaling, the uncertainty verdict with its
 * reasons, and optionally a Grad-CAM heat map and the model input as a PNG for display.
 */
import * as l10n from '@vscode/l10n';
import { CancelledError } from '../cancelled';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as P from '../protocol';
import { MAX_CLASSIFY_IMAGES, type ImageStats } from '../protocol';
import { forEachLimit } from '../data/forEachLimit';
import { DICOM_EXTENSIONS, fileIsDicom } from '../data/dicom/detectDicom';
import { prepareDicomInput } from '../data/dicom/dicomInput';
import { headerSize } from '../data/headerSize';
import { jpegOrientation } from '../data/inputGeometry';
import { classifyDecodeError, ImageDecodeError, MAX_PIXELS, preprocessWithStats, sharpInput } from '../data/preprocess';
import { yieldToEventLoop } from '../engine/yieldToEventLoop';
import type { LoadedModel } from './modelStore';
import { explainInput, predictBatch } from './predictBatch';
import { classifyVolume } from './classifyVolume';
import { findVolumes } from '../data/volume/findVolumes';
import { isNiftiPath } from '../data/volume/niftiVolume';
import { inputPng, originalPreview } from './originalPreview';

/**
 * Image files a folder contributes (by name, plus files without an extension that are DICOM by content; a file
 * given by name is tried whatever it is called).
 */
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.bmp', '.webp', '.tif', '.tiff', '.gif', ...DICOM_EXTENSIONS];
/** Files larger than this are refused unread (an MRI slice is well under 10 MB). */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

/** Re-exported: the check lives with the model step (predictBatch.ts), callers and tests import it from here. */
export { judgeDistribution, OOD_LIMITS } from './predictBatch';

export const BATCH = 32;

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
  /** How volumes are sliced (default axial). */
  orientation?: P.SliceOrientation;
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
      else if (e.isFile() && (IMAGE_EXTENSIONS.includes(path.extname(e.name).toLowerCase()) || isNiftiPath(e.name)
        || (!path.extname(e.name) && fileIsDicom(abs)))) files.push(abs);
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

export async function classifyImages(paths: readonly string[], loaded: LoadedModel, opts: ClassifyOptions): Promise<Omit<P.ClassifyResult, 'model'>> {
  const t0 = performance.now();
  const { files: listed, missing, unreadable } = expandPaths(paths, MAX_CLASSIFY_IMAGES, opts.listDir);
  if (!listed.length && !missing.length && !unreadable.length) {
    throw new ClassifyError(l10n.t('No images found in {0}: classification reads {1} files (folders are searched recursively; hidden entries are skipped).',
      paths.join(', '), IMAGE_EXTENSIONS.join(' ')));
  }
  const items: P.ClassifyItem[] = [
    ...missing.map((p): P.FailedImage => ({ ok: false, path: p, kind: 'missing', error: l10n.t('{0} does not exist (moved or deleted?).', p) })),
    ...unreadable.map((u): P.FailedImage => ({ ok: false, path: u.path, kind: 'unreadable', error: u.error })),
  ];
  // Volumes (NIfTI, DICOM series folders, multi-frame DICOM) are one item each; progress counts their slices.
  const { images: files, volumes, refused } = await findVolumes(listed);
  items.push(...refused.map((r): P.FailedImage => ({ ok: false, path: r.path, kind: 'unsupported', error: r.error })));
  let total = files.length + volumes.length;
  let slicesDone = 0;
  for (const src of volumes) {
    let counted = 1;
    items.push(await classifyVolume(src, loaded, { ...opts, orientation: opts.orientation ?? 'axial', batch: BATCH,
      onSlices: (done, n) => {
        if (done === 0) { total += n - counted; counted = n; }
        opts.onProgress?.(slicesDone + done, total);
      } }));
    slicesDone += counted;
  }
  let classified = slicesDone;
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
      const verdicts = predictBatch(good.map((i) => decoded[i] as Decoded), loaded, opts);
      good.forEach((i, j) => {
        const d = decoded[i] as Decoded;
        results.set(i, { ok: true, path: chunk[i]!, ...verdicts[j]!, heatmap: null, input: null, width: d.width, height: d.height,
          ...(d.geometry ? { original: { geometry: d.geometry, image: null } } : {}) });
      });
      if (opts.explain || opts.withInput) {
        for (const [i, item] of results) {
          const d = decoded[i] as Decoded;
          if (opts.explain) item.heatmap = explainInput(d.pixels, loaded, item.predicted);
          if (opts.withInput) {
            item.input = await inputPng(d.pixels, loaded.policy.size, loaded.policy.channels);
            // Read again: a batch does not keep every file's bytes for the few items that show their original.
            if (item.original) item.original.image = await originalPreview(item.path);
          }
        }
      }
    }
    chunk.forEach((_, i) => items.push(results.get(i) ?? (decoded[i] as P.FailedImage)));
    classified += chunk.length;
    opts.onProgress?.(classified, total);
    await yieldToEventLoop(); // a cancel and other requests get through between batches
  }
  const ms = performance.now() - t0;
  return { items, threshold: opts.threshold, tta: opts.tta === true, backend: opts.backend,
    timing: { ms: Math.round(ms), images: classified, imgPerSec: Math.round((classified / Math.max(ms, 1e-3)) * 1000 * 10) / 10 } };
}
