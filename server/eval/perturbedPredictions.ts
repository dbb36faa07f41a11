/**
 * Predictions on a file list under every robustness perturbation (perturb.ts), plus the clean baseline through
 * the same decode path. Each file is decoded once; its perturbed copies go through the one preprocessing path
 * (preprocessDecoded) and then to `predict`, one call per perturbation per chunk of files, so memory stays
 * bounded by the chunk and not by the number of files.
 */
import { throwIfCancelled } from '../cancelled';
import * as fs from 'node:fs';
import { CLASSES } from '../data/classNames';
import { forEachLimit } from '../data/forEachLimit';
import { decodeImage, preprocessDecoded, type PreprocessPolicy } from '../data/preprocess';
import { seededRandom } from '../data/splitDataset';
import type { PerturbationName } from '../protocol';
import { PERTURBATIONS, type Perturbation } from './perturb';

export interface PerturbedOptions {
  seed: number;
  /** Which perturbations (default: all, in the table's order). */
  names?: PerturbationName[];
  isCancelled?: () => boolean;
  /** `done` of `total` (file, variant) predictions; `name` is the variant just predicted ('clean' for the baseline). */
  onProgress?: (done: number, total: number, name: string) => void;
  /** Files decoded and perturbed at once (default 4: sharp works on libuv's four threads). */
  concurrency?: number;
  /** Files per chunk (default 64): a chunk's decoded images and all its variants' pixels are in memory at once. */
  chunkSize?: number;
}

export interface PerturbedPredictions {
  /** Probabilities, files x classes, rows in file order: no perturbation, the baseline drops are measured from. */
  clean: Float32Array;
  perturbed: Map<PerturbationName, Float32Array>;
  /** Files that failed to decode (or to perturb): their rows stay NaN in every array, so all are scored on one set. */
  failed: { abs: string; message: string }[];
}

/** murmur3's 32-bit finaliser: a bijection, so distinct inputs stay distinct at every step of the chain below. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The seed of one file's one perturbation. It depends on the file's index in the list and the perturbation's
 * index in PERTURBATIONS (not in `names`), never on chunking, concurrency or which other perturbations run.
 */
export function perturbationSeed(seed: number, fileIndex: number, perturbationIndex: number): number {
  return mix(mix(mix(seed >>> 0) ^ fileIndex) ^ perturbationIndex);
}

export async function predictPerturbed(
  files: readonly { abs: string }[],
  policy: PreprocessPolicy,
  predict: (pixels: Uint8Array, n: number) => Promise<Float32Array>,
  opts: PerturbedOptions,
): Promise<PerturbedPredictions> {
  const selected = selectPerturbations(opts.names);
  const k = CLASSES.length;
  const per = policy.size * policy.size * policy.channels;
  const chunkSize = Math.max(1, opts.chunkSize ?? 64);
  const n = files.length;
  const clean = new Float32Array(n * k).fill(NaN);
  const perturbed = new Map(selected.map(({ p }) => [p.name, new Float32Array(n * k).fill(NaN)] as const));
  const variants = [{ name: 'clean', probs: clean }, ...selected.map(({ p }) => ({ name: p.name, probs: perturbed.get(p.name)! }))];
  const failed: PerturbedPredictions['failed'] = [];
  const checkCancelled = () => throwIfCancelled(opts.isCancelled, 'Perturbed evaluation');
  const total = n * variants.length;
  let done = 0;

  for (let start = 0; start < n; start += chunkSize) {
    checkCancelled();
    const m = Math.min(chunkSize, n - start);
    const pixels = variants.map(() => new Uint8Array(m * per));
    const errors: (string | undefined)[] = new Array<string | undefined>(m);
    const slots = Array.from({ length: m }, (_, i) => i);
    await forEachLimit(slots, opts.concurrency ?? 4, async (slot) => {
      checkCancelled();
      const fileIndex = start + slot;
      let step = 'decode';
      try {
        // A synchronous read, as in loadImages: an async one would queue behind sharp's work on libuv's pool.
        const img = await decodeImage(fs.readFileSync(files[fileIndex]!.abs));
        pixels[0]!.set(await preprocessDecoded(img, policy), slot * per);
        for (let v = 0; v < selected.length; v++) {
          const { p, index } = selected[v]!;
          step = p.name;
          const rand = seededRandom(perturbationSeed(opts.seed, fileIndex, index));
          pixels[v + 1]!.set(await preprocessDecoded(await p.apply(img, 1, rand), policy), slot * per);
        }
      } catch (e) {
        errors[slot] = step === 'decode' ? (e as Error).message : `${step}: ${(e as Error).message}`;
      }
    });
    // Failures in file order, whatever order the decodes finished in.
    errors.forEach((message, slot) => { if (message !== undefined) failed.push({ abs: files[start + slot]!.abs, message }); });
    const good = slots.filter((slot) => errors[slot] === undefined);
    for (let v = 0; v < variants.length; v++) {
      checkCancelled();
      const { name, probs } = variants[v]!;
      if (good.length) {
        const out = await predict(packSlots(pixels[v]!, good, per, m), good.length);
        if (out.length !== good.length * k) throw new Error(`predict returned ${out.length} values for ${good.length} images x ${k} classes`);
        good.forEach((slot, row) => probs.set(out.subarray(row * k, (row + 1) * k), (start + slot) * k));
      }
      done += m;
      opts.onProgress?.(done, total, name);
    }
  }
  return { clean, perturbed, failed };
}

function selectPerturbations(names: readonly PerturbationName[] | undefined): { p: Perturbation; index: number }[] {
  const wanted = new Set(names ?? PERTURBATIONS.map((p) => p.name));
  for (const name of wanted) {
    if (!PERTURBATIONS.some((p) => p.name === name)) throw new Error(`Unknown perturbation: ${name}`);
  }
  return PERTURBATIONS.map((p, index) => ({ p, index })).filter(({ p }) => wanted.has(p.name));
}

/** The pixels of the slots that decoded, packed without gaps (all of them: the buffer itself). */
function packSlots(pixels: Uint8Array, good: readonly number[], per: number, m: number): Uint8Array {
  if (good.length === m) return pixels;
  const out = new Uint8Array(good.length * per);
  good.forEach((slot, i) => out.set(pixels.subarray(slot * per, (slot + 1) * per), i * per));
  return out;
}
