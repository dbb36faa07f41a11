/**
 * Decode benchmark: the whole Training split of the shared dataset through the one preprocessing path,
 * cold (empty pixel cache: read + decode + crop + pad + resize + write cache) and warm (from the cache).
 * Targets (issue 3): cold <= 20 s, cached <= 3 s on a 2-core machine.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadImages } from '../../server/data/loadImages';
import { DEFAULT_POLICY } from '../../server/data/preprocess';
import { scanDataset } from '../../server/data/scanDataset';

export async function run(args: { data: string }): Promise<unknown> {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-bench-decode-'));
  try {
    process.env.UV_THREADPOOL_SIZE ??= '8'; // as the backend's entry points do (server/threadPool.ts)
    const scan = await scanDataset(args.data, { cacheDir });
    const refs = scan.files.filter((f) => f.split === 'Training' && f.inspection.info).map((f) => ({ abs: f.abs, md5: f.inspection.md5 }));
    const cold = await loadImages(refs, DEFAULT_POLICY, { cacheDir });
    const warm = await loadImages(refs, DEFAULT_POLICY, { cacheDir });
    const same = Buffer.compare(Buffer.from(cold.pixels), Buffer.from(warm.pixels)) === 0;
    return {
      bench: 'decode', images: refs.length, policy: DEFAULT_POLICY,
      scanColdSeconds: +(scan.report.timing.ms / 1000).toFixed(2),
      coldSeconds: +(cold.ms / 1000).toFixed(2), coldImgPerSec: Math.round(refs.length / (cold.ms / 1000)),
      cachedSeconds: +(warm.ms / 1000).toFixed(2), cachedDecoded: warm.decoded,
      identicalFromCache: same, failed: cold.failed.length,
      targets: { coldSeconds: 20, cachedSeconds: 3 },
    };
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
}
