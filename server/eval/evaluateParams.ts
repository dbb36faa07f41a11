/** Validation of `evaluate` params: they come from another process and are checked before use. */
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import { ErrorCodes, protocolError, type EvaluateParams } from '../protocol';

/** A sanity bound on the external sets of one request. */
export const MAX_EXTERNAL = 16;

export function parseEvaluateParams(raw: unknown): EvaluateParams {
  const bad = (m: string) => protocolError(ErrorCodes.InvalidParams, `evaluate: ${m}`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad(l10n.t('expected an object with "{0}"', 'modelDir'));
  const o = raw as Record<string, unknown>;
  const abs = (key: string): string | undefined => {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !path.isAbsolute(v) || v.includes('\0')) throw bad(l10n.t('"{0}" must be an absolute folder path, got {1}', key, String(JSON.stringify(v))));
    return path.normalize(v);
  };
  const modelDir = abs('modelDir');
  if (!modelDir) throw bad(l10n.t('"{0}" is required', 'modelDir'));
  for (const k of ['tta', 'calibrate'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') throw bad(l10n.t('"{0}" must be true or false', k));
  }
  if (o.progressToken !== undefined && (typeof o.progressToken !== 'string' || o.progressToken.length > 200)) throw bad(l10n.t('"{0}" must be a short string', 'progressToken'));
  if (o.split !== undefined && o.split !== 'Testing' && o.split !== 'Validation') {
    throw bad(l10n.t('"{0}" must be "Testing" or "Validation", got {1}', 'split', String(JSON.stringify(o.split))));
  }
  const dataRoot = abs('dataRoot');
  let external: string[] | undefined;
  if (o.external !== undefined) {
    if (!Array.isArray(o.external) || o.external.length > MAX_EXTERNAL) throw bad(l10n.t('"{0}" must be a list of at most {1} absolute folder paths', 'external', String(MAX_EXTERNAL)));
    external = o.external.map((v: unknown, i) => {
      if (typeof v !== 'string' || !path.isAbsolute(v) || v.includes('\0')) throw bad(l10n.t('"{0}" must be an absolute folder path, got {1}', `external[${i}]`, String(JSON.stringify(v))));
      return path.normalize(v);
    });
    if (new Set(external).size !== external.length) throw bad(l10n.t('"{0}" names a folder twice', 'external'));
  }
  if (o.perturb !== undefined && typeof o.perturb !== 'boolean') throw bad(l10n.t('"{0}" must be true or false', 'perturb'));
  if (o.threshold !== undefined && !(typeof o.threshold === 'number' && o.threshold >= 0 && o.threshold <= 1)) {
    throw bad(l10n.t('"{0}" must be a number from {1} to {2}, got {3}', 'threshold', '0', '1', String(JSON.stringify(o.threshold))));
  }
  return {
    modelDir, ...(dataRoot ? { dataRoot } : {}), ...(o.tta !== undefined ? { tta: o.tta as boolean } : {}),
    ...(o.calibrate !== undefined ? { calibrate: o.calibrate as boolean } : {}),
    ...(typeof o.progressToken === 'string' ? { progressToken: o.progressToken } : {}),
    ...(o.split !== undefined ? { split: o.split } : {}),
    ...(external ? { external } : {}), ...(o.perturb !== undefined ? { perturb: o.perturb } : {}),
    ...(o.threshold !== undefined ? { threshold: o.threshold } : {}),
  };
}
