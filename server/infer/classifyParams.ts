/** Validation of `classify` and `loadModel` params: they come from another process and are checked before use. */
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import { DEFAULT_UNCERTAINTY_THRESHOLD, ErrorCodes, MAX_CLASSIFY_IMAGES, protocolError, SLICE_ORIENTATIONS, type ClassifyParams, type LoadModelParams, type SliceOrientation } from '../protocol';

const bad = (method: string, m: string) => protocolError(ErrorCodes.InvalidParams, `${method}: ${m}`);

function absolutePath(method: string, key: string, v: unknown): string {
  if (typeof v !== 'string' || !v || !path.isAbsolute(v) || v.includes('\0')) throw bad(method, l10n.t('"{0}" must be an absolute path, got {1}', key, String(JSON.stringify(v))));
  return path.normalize(v);
}

function object(method: string, raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw bad(method, l10n.t('expected an object'));
  return raw as Record<string, unknown>;
}

export function parseLoadModelParams(raw: unknown): LoadModelParams {
  const o = object('loadModel', raw);
  return o.modelDir === undefined ? {} : { modelDir: absolutePath('loadModel', 'modelDir', o.modelDir) };
}

/** Checked params with the defaults filled in. */
export type ParsedClassifyParams = Required<Omit<ClassifyParams, 'modelDir' | 'progressToken'>> & Pick<ClassifyParams, 'modelDir' | 'progressToken'>;

export function parseClassifyParams(raw: unknown): ParsedClassifyParams {
  const o = object('classify', raw);
  if (!Array.isArray(o.paths) || o.paths.length === 0) throw bad('classify', l10n.t('"{0}" must be a non-empty array of absolute paths', 'paths'));
  if (o.paths.length > MAX_CLASSIFY_IMAGES) throw bad('classify', l10n.t('at most {0} paths at once, got {1}', String(MAX_CLASSIFY_IMAGES), String(o.paths.length)));
  const paths = o.paths.map((p, i) => absolutePath('classify', `paths[${i}]`, p));
  for (const k of ['explain', 'withInput', 'tta'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') throw bad('classify', l10n.t('"{0}" must be true or false', k));
  }
  const threshold = o.threshold ?? DEFAULT_UNCERTAINTY_THRESHOLD;
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
    throw bad('classify', l10n.t('"{0}" must be a number from {1} to {2}, got {3}', 'threshold', '0', '1', String(JSON.stringify(o.threshold))));
  }
  const orientation = o.orientation ?? 'axial';
  if (!SLICE_ORIENTATIONS.includes(orientation as SliceOrientation)) {
    throw bad('classify', l10n.t('"{0}" must be one of {1}, got {2}', 'orientation', SLICE_ORIENTATIONS.join(', '), String(JSON.stringify(o.orientation))));
  }
  if (o.progressToken !== undefined && (typeof o.progressToken !== 'string' || o.progressToken.length > 200)) throw bad('classify', l10n.t('"{0}" must be a short string', 'progressToken'));
  return {
    paths, explain: o.explain === true, withInput: o.withInput === true, tta: o.tta === true, threshold, orientation: orientation as SliceOrientation,
    ...(o.modelDir !== undefined ? { modelDir: absolutePath('classify', 'modelDir', o.modelDir) } : {}),
    ...(typeof o.progressToken === 'string' ? { progressToken: o.progressToken } : {}),
  };
}
