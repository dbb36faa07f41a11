/** Validation of `scanDataset` params: they come from another process and are checked before use. */
import * as path from 'node:path';
import { ErrorCodes, protocolError, type ScanDatasetParams } from '../protocol';
import { DEFAULT_NEAR_THRESHOLD } from './scanDataset';

export function parseScanParams(raw: unknown): Required<Omit<ScanDatasetParams, 'progressToken'>> & Pick<ScanDatasetParams, 'progressToken'> {
  const bad = (m: string) => protocolError(ErrorCodes.InvalidParams, `scanDataset: ${m}`);
  if (typeof raw !== 'object' || raw === null) throw bad('expected an object with "root"');
  const o = raw as Record<string, unknown>;
  if (typeof o.root !== 'string' || !o.root || !path.isAbsolute(o.root)) throw bad(`"root" must be an absolute folder path, got ${JSON.stringify(o.root)}`);
  const near = o.nearThreshold ?? DEFAULT_NEAR_THRESHOLD;
  if (typeof near !== 'number' || !Number.isInteger(near) || near < 0 || near > 64) throw bad(`"nearThreshold" must be an integer from 0 to 64, got ${JSON.stringify(o.nearThreshold)}`);
  if (o.progressToken !== undefined && (typeof o.progressToken !== 'string' || o.progressToken.length > 200)) throw bad('"progressToken" must be a short string');
  return { root: path.normalize(o.root), nearThreshold: near, ...(o.progressToken ? { progressToken: o.progressToken } : {}) };
}
