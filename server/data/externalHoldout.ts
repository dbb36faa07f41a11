/**
 * Splitting a second source into a part to train on and a part kept for external validation only, reproducibly:
 * a file belongs to the held-out part when the first 8 hex digits of sha256(file name) fall in the top `fraction`
 * of their range. The name alone decides, so the same file lands on the same side on every machine, whatever else
 * the folder holds.
 *
 * Near copies (dHash within the scan's threshold) would make the held-out part leak into training: a file of the
 * training part with a near copy in the held-out part is left out of both (listed in `dropped`). The held-out part
 * stays exactly the name-hash quarter, so its figures are comparable between recipes.
 *
 * The parts are written as folders of hard links (copies where the file system refuses links), laid out like the
 * source (class folders), so `train --data OUT/train` and `evaluate --external OUT/holdout` read them as they are.
 */
import * as l10n from '@vscode/l10n';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ScanResult } from './scanDataset';
import { hamming, parseHash } from './dhash';

export interface HoldoutPlan {
  train: string[];
  holdout: string[];
  /** Training-part files with a near copy in the held-out part: in neither. */
  dropped: { rel: string; copyOf: string; distance: number }[];
}

/** Whether a file name falls in the held-out part. */
export function heldOut(fileName: string, fraction: number): boolean {
  const h = parseInt(createHash('sha256').update(path.basename(fileName)).digest('hex').slice(0, 8), 16);
  return h / 0x1_0000_0000 >= 1 - fraction;
}

/** The split of a scanned source's readable images (relative paths). */
export function planHoldout(scan: ScanResult, fraction: number, nearThreshold: number): HoldoutPlan {
  const files = scan.files.filter((f) => f.inspection.info);
  const out = files.filter((f) => heldOut(f.rel, fraction));
  const inn = files.filter((f) => !heldOut(f.rel, fraction));
  const outHashes = out.map((f) => parseHash(f.inspection.info!.dhash));
  const dropped: HoldoutPlan['dropped'] = [];
  const train: string[] = [];
  for (const f of inn) {
    const h = parseHash(f.inspection.info!.dhash);
    let best = -1, bestD = nearThreshold + 1;
    outHashes.forEach((o, i) => {
      const d = hamming(h, o, bestD - 1);
      if (d < bestD) { bestD = d; best = i; }
    });
    if (best >= 0) dropped.push({ rel: f.rel, copyOf: out[best]!.rel, distance: bestD });
    else train.push(f.rel);
  }
  return { train: train.sort(), holdout: out.map((f) => f.rel).sort(), dropped };
}

export class HoldoutError extends Error {}

/** Writes OUT/train and OUT/holdout (refusing a non-empty OUT: nothing of the user's is overwritten). */
export function writeHoldout(root: string, plan: HoldoutPlan, outDir: string): { linked: number; copied: number } {
  if (fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0) {
    throw new HoldoutError(l10n.t('{0} is not empty; give a new folder (nothing there was changed).', outDir));
  }
  let linked = 0, copied = 0;
  const place = (rel: string, part: string) => {
    const dest = path.join(outDir, part, rel);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    try { fs.linkSync(path.join(root, rel), dest); linked++; } catch { fs.copyFileSync(path.join(root, rel), dest); copied++; }
  };
  for (const rel of plan.train) place(rel, 'train');
  for (const rel of plan.holdout) place(rel, 'holdout');
  fs.writeFileSync(path.join(outDir, 'holdout.json'), JSON.stringify({ source: root, ...plan }, null, 1));
  return { linked, copied };
}
