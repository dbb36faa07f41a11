/**
 * `brain-tumor scan DIR`: check a dataset folder (counts, sizes, modes, bad files, duplicates, Training -> Testing
 * leaks). Inspections are cached, so a cancelled scan picks up where it stopped.
 */
import * as l10n from '@vscode/l10n';
import { DEFAULT_NEAR_THRESHOLD, scanDataset } from '../data/scanDataset';
import { EXIT, UsageError } from './exitCodes';
import { cacheDirFrom, type Flags } from './flags';
import { runJob } from './jobSetup';
import { formatScan } from './scanText';

export async function scanCommand(flags: Flags, args: readonly string[]): Promise<number> {
  const dir = args[0];
  if (!dir) throw new UsageError(l10n.t('scan needs a dataset folder: brain-tumor scan DIR'));
  const near = flags.near === undefined ? DEFAULT_NEAR_THRESHOLD : Number(flags.near);
  if (!Number.isInteger(near) || near < 0 || near > 64) throw new UsageError(l10n.t('{0} must be an integer from {1} to {2}, got "{3}"', '--near', '0', '64', String(flags.near)));
  const cacheDir = cacheDirFrom(flags);
  return runJob(async ({ isCancelled, tty }) => {
    const { report } = await scanDataset(dir, {
      cacheDir, nearThreshold: near, isCancelled,
      onProgress: (p) => {
        if (tty && p.phase === 'inspecting') process.stderr.write(`\r${l10n.t('inspecting {0}/{1}', String(p.done), String(p.total))}`);
        if (tty && p.phase === 'comparing') process.stderr.write(`\r${l10n.t('comparing hashes...')}      `);
      },
    });
    if (tty) process.stderr.write('\r\x1b[K');
    process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : formatScan(report) + '\n');
    return EXIT.ok;
  });
}
