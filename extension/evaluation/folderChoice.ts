/**
 * Folder lists remembered per workspace for the multi-select quick picks of Evaluate Model (external sets) and
 * Train Model (dataset folders): which folders were ever chosen, and which were chosen last time (pre-selected next
 * time). Also the validation of the commands' argument objects and the progress text of an evaluation. No vscode
 * import: unit-tested.
 */
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import type { EvaluateProgress } from '../../server/protocol';

/** Folders the picker offers, most recently added first, and the ones chosen last time. */
export interface FolderChoice { known: string[]; chosen: string[] }

/** Most folders a list remembers. */
export const MAX_REMEMBERED = 20;

const isFolderList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string' && path.isAbsolute(x));

/** A stored value read back (anything: workspace state is JSON someone may have edited), keeping the folders that exist. */
export function readFolderChoice(v: unknown, exists: (dir: string) => boolean): FolderChoice {
  const o = typeof v === 'object' && v !== null ? v as { known?: unknown; chosen?: unknown } : {};
  const known = unique(isFolderList(o.known) ? o.known : []).filter(exists);
  const chosen = unique(isFolderList(o.chosen) ? o.chosen : []).filter((d) => known.includes(d));
  return { known, chosen };
}

/** After a pick: the chosen folders (in the order offered, added ones last) lead the known list; the list is capped. */
export function recordChoice(prev: FolderChoice, chosen: string[], added: string[] = []): FolderChoice {
  const all = unique([...chosen, ...added]);
  return { known: unique([...added, ...prev.known, ...all]).slice(0, MAX_REMEMBERED), chosen: all };
}

/** `prev` without `dir` (the picker's "forget" button). */
export function forgetFolder(prev: FolderChoice, dir: string): FolderChoice {
  return { known: prev.known.filter((d) => d !== dir), chosen: prev.chosen.filter((d) => d !== dir) };
}

function unique(list: string[]): string[] {
  return [...new Set(list.map((d) => path.resolve(d)))];
}

/** Evaluate Model's argument object: `{ modelDir, dataRoot?, external?, perturb?, tta? }` (no prompts then). */
export interface EvaluateArg { modelDir: string; dataRoot?: string; external?: string[]; perturb?: boolean; tta?: boolean }

/** The argument object if `arg` is one (a wrong field makes it an error, not a silent default), else undefined. */
export function parseEvaluateArg(arg: unknown): EvaluateArg | undefined {
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return undefined;
  const o = arg as Record<string, unknown>;
  if (typeof o.modelDir !== 'string') return undefined;
  if (o.external !== undefined && !isFolderList(o.external)) throw new Error(l10n.t('"external" must be a list of absolute folder paths.'));
  if (o.dataRoot !== undefined && !(typeof o.dataRoot === 'string' && path.isAbsolute(o.dataRoot))) throw new Error(l10n.t('"dataRoot" must be an absolute folder path.'));
  for (const k of ['perturb', 'tta'] as const) if (o[k] !== undefined && typeof o[k] !== 'boolean') throw new Error(l10n.t('"{0}" must be true or false.', k));
  return {
    modelDir: o.modelDir, ...(typeof o.dataRoot === 'string' ? { dataRoot: o.dataRoot } : {}), ...(o.external ? { external: o.external } : {}),
    ...(typeof o.perturb === 'boolean' ? { perturb: o.perturb } : {}), ...(typeof o.tta === 'boolean' ? { tta: o.tta } : {}),
  };
}

/** The dataset folders of Train Model's argument object: `dataRoots` (several) or `dataRoot` (one); undefined for neither. */
export function dataRootsOf(o: { dataRoot?: unknown; dataRoots?: unknown }): string[] | undefined {
  if (o.dataRoots !== undefined) {
    if (!Array.isArray(o.dataRoots) || !o.dataRoots.length || !o.dataRoots.every((d) => typeof d === 'string' && d.length > 0)) {
      throw new Error(l10n.t('"dataRoots" must be a non-empty list of dataset folders.'));
    }
    return o.dataRoots as string[];
  }
  return typeof o.dataRoot === 'string' ? [o.dataRoot] : undefined;
}

/** One folder travels as `dataRoot` (as before), several as `dataRoots`. */
export function dataRootParams(roots: string[]): { dataRoot: string } | { dataRoots: string[] } {
  return roots.length === 1 ? { dataRoot: roots[0]! } : { dataRoots: roots };
}

/** The progress notification's text for an evaluation step. */
export function evaluateProgressText(p: EvaluateProgress): string {
  const step = (() => {
    switch (p.phase) {
      case 'loading': return l10n.t('loading Testing images');
      case 'calibrating': return l10n.t('fitting temperature on validation');
      case 'external': return p.detail ? l10n.t('external set {0}', p.detail) : l10n.t('external set');
      case 'perturbing': return l10n.t('Testing under {0}', p.detail ?? l10n.t('perturbations'));
      default: return l10n.t('predicting');
    }
  })();
  // The count is the same in every language: "3/10" after the step.
  return p.total ? `${step} ${p.done}/${p.total}` : step;
}
