/**
 * `brain-tumor holdout --data DIR --out DIR [--fraction F]`: a second source split into a part to train on and a
 * part kept for external validation only (server/data/externalHoldout.ts says how, and why by file name).
 */
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import { DEFAULT_NEAR_THRESHOLD, scanDataset } from '../data/scanDataset';
import { planHoldout, writeHoldout } from '../data/externalHoldout';
import { percentOf } from '../numberFormat';
import { EXIT, UsageError } from './exitCodes';
import { cacheDirFrom, type Flags } from './flags';

export async function holdoutCommand(flags: Flags): Promise<number> {
  const dir = flags.data?.[0];
  if (!dir || (flags.data?.length ?? 0) > 1 || !flags.out) throw new UsageError(l10n.t('holdout needs one --data DIR and --out DIR'));
  const fraction = flags.fraction === undefined ? 0.25 : Number(flags.fraction);
  if (!(fraction > 0 && fraction < 1)) throw new UsageError(l10n.t('{0} must be a number between {1} and {2}, got "{3}"', '--fraction', '0', '1', String(flags.fraction)));
  const scan = await scanDataset(dir, { cacheDir: cacheDirFrom(flags), nearThreshold: DEFAULT_NEAR_THRESHOLD });
  const plan = planHoldout(scan, fraction, DEFAULT_NEAR_THRESHOLD);
  const outDir = path.resolve(flags.out);
  const { linked, copied } = writeHoldout(path.resolve(dir), plan, outDir);
  process.stdout.write(l10n.t('{0}: train {1} images, holdout {2} (sha256 of the file name in the top {3}), {4} left out of training as near copies of held-out images; {5} hard links, {6} copies. The list: holdout.json.',
    outDir, String(plan.train.length), String(plan.holdout.length), percentOf(Math.round(fraction * 100)), String(plan.dropped.length), String(linked), String(copied)) + '\n');
  return EXIT.ok;
}
