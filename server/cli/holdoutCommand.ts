/**
 * `brain-tumor holdout --data DIR --out DIR [--fraction F]`: a second source split into a part to train on and a
 * part kept for external validation only (server/data/externalHoldout.ts says how, and why by file name).
 */
import * as path from 'node:path';
import { DEFAULT_NEAR_THRESHOLD, scanDataset } from '../data/scanDataset';
import { planHoldout, writeHoldout } from '../data/externalHoldout';
import { EXIT, UsageError } from './exitCodes';
import { cacheDirFrom, type Flags } from './flags';

export async function holdoutCommand(flags: Flags): Promise<number> {
  const dir = flags.data?.[0];
  if (!dir || (flags.data?.length ?? 0) > 1 || !flags.out) throw new UsageError('holdout needs one --data DIR and --out DIR');
  const fraction = flags.fraction === undefined ? 0.25 : Number(flags.fraction);
  if (!(fraction > 0 && fraction < 1)) throw new UsageError(`--fraction must be a number between 0 and 1, got "${flags.fraction}"`);
  const scan = await scanDataset(dir, { cacheDir: cacheDirFrom(flags), nearThreshold: DEFAULT_NEAR_THRESHOLD });
  const plan = planHoldout(scan, fraction, DEFAULT_NEAR_THRESHOLD);
  const outDir = path.resolve(flags.out);
  const { linked, copied } = writeHoldout(path.resolve(dir), plan, outDir);
  process.stdout.write(`${outDir}: train ${plan.train.length} images, holdout ${plan.holdout.length} ` +
    `(sha256 of the file name in the top ${Math.round(fraction * 100)}%), ${plan.dropped.length} left out of training as near copies of held-out images; ` +
    `${linked} hard links, ${copied} copies. The list: holdout.json.\n`);
  return EXIT.ok;
}
