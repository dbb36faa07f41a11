/**
 * Classifies a volume (NIfTI file, DICOM series folder, multi-frame DICOM) as ONE item: every slice along the
 * chosen orientation goes through the same preprocessing policy as a JPEG (preprocessRawWithStats) and through
 * the model in batches; the item's top-level fields describe the key slice, `volume` has every slice and the
 * summary (summarizeSlices). Cancel is checked between batches; progress counts slices.
 */
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import sharp from 'sharp';
import { CancelledError } from '../cancelled';
import type * as P from '../protocol';
import { preprocessRawWithStats, type RawImage } from '../data/preprocess';
import { openVolume, type VolumeSource } from '../data/volume/findVolumes';
import type { Volume } from '../data/volume/gridVolume';
import { VolumeError } from '../data/volume/volumeLimits';
import { yieldToEventLoop } from '../engine/yieldToEventLoop';
import type { LoadedModel } from './modelStore';
import { inputPng } from './originalPreview';
import { explainInput, predictBatch, type ModelInput } from './predictBatch';
import { isEmptySlice, summarizeSlices } from './volumeSummary';

export interface VolumeClassifyOptions {
  explain: boolean;
  withInput: boolean;
  threshold: number;
  tta?: boolean;
  orientation: P.SliceOrientation;
  batch: number;
  isCancelled?: () => boolean;
  /** Called when the volume is open (its slice count) and after each batch (slices done in this volume). */
  onSlices?: (done: number, total: number) => void;
}

function failure(src: VolumeSource, e: unknown): P.FailedImage {
  const name = path.basename(src.path);
  if (e instanceof VolumeError) {
    const kind: P.ProblemKind = e.kind === 'too-large' ? 'too-large' : e.kind === 'unsupported' ? 'unsupported' : 'corrupt';
    return { ok: false, path: src.path, kind, error: l10n.t('Cannot classify the volume {0}: {1}', name, e.message) };
  }
  const code = (e as NodeJS.ErrnoException).code;
  return { ok: false, path: src.path, kind: code ? 'unreadable' : 'corrupt', error: l10n.t('Cannot classify the volume {0}: {1}', name, code ?? (e as Error).message) };
}

interface Prepared extends ModelInput { image: RawImage; geometry: P.InputGeometry }

async function prepare(volume: Volume, from: number, to: number, loaded: LoadedModel): Promise<Prepared[]> {
  const out: Prepared[] = [];
  for (let i = from; i < to; i++) {
    const image = volume.slice(i);
    out.push({ image, ...(await preprocessRawWithStats(image, loaded.policy)) });
  }
  return out;
}

/** A slice's 8-bit image as a PNG data URL (the "original" of a slice, for display). */
async function slicePng(img: RawImage): Promise<string> {
  const png = await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), { raw: { width: img.width, height: img.height, channels: img.channels } })
    .png({ compressionLevel: 6 }).toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

export async function classifyVolume(src: VolumeSource, loaded: LoadedModel, opts: VolumeClassifyOptions): Promise<P.ClassifiedImage | P.FailedImage> {
  let volume: Volume;
  try {
    volume = await openVolume(src, opts.orientation);
  } catch (e) {
    return failure(src, e);
  }
  const n = volume.sliceCount;
  opts.onSlices?.(0, n);
  const slices: P.ClassifiedSlice[] = [];
  const distributions: P.DistributionCheck[] = [];
  let next = prepare(volume, 0, Math.min(n, opts.batch), loaded);
  for (let start = 0; start < n; start += opts.batch) {
    const chunk = await next;
    const end = Math.min(n, start + opts.batch);
    // The next batch is preprocessed (sharp, on libuv's threads) while this one goes through the model.
    next = end < n ? prepare(volume, end, Math.min(n, end + opts.batch), loaded) : Promise.resolve([]);
    if (opts.isCancelled?.()) {
      await next;
      throw new CancelledError('Classification');
    }
    const verdicts = predictBatch(chunk, loaded, opts);
    for (let j = 0; j < chunk.length; j++) {
      const index = start + j;
      const v = verdicts[j]!;
      const d = chunk[j]!;
      slices.push({
        index, position: volume.position(index), predicted: v.predicted, probabilities: v.probabilities, confidence: v.confidence,
        uncertain: v.uncertain, uncertainReasons: v.uncertainReasons,
        heatmap: opts.explain ? explainInput(d.pixels, loaded, v.predicted) : null,
        input: opts.withInput ? await inputPng(d.pixels, loaded.policy.size, loaded.policy.channels) : null,
        empty: isEmptySlice(v.distribution),
      });
      distributions.push(v.distribution);
    }
    opts.onSlices?.(end, n);
    await yieldToEventLoop();
  }
  const summary = summarizeSlices(slices, distributions);
  const key = slices[summary.keySlice]!;
  // The key slice's image and geometry are made again (one slice, cheap) rather than kept for every slice.
  const kd = (await prepare(volume, key.index, key.index + 1, loaded))[0]!;
  return {
    ok: true, path: src.path, predicted: key.predicted, probabilities: key.probabilities, confidence: key.confidence,
    uncertain: key.uncertain, uncertainReasons: key.uncertainReasons, distribution: distributions[key.index]!, heatmap: key.heatmap, input: key.input,
    width: kd.image.width, height: kd.image.height,
    original: { geometry: kd.geometry, image: opts.withInput ? await slicePng(kd.image) : null },
    volume: { info: volume.info, summary, slices },
  };
}
