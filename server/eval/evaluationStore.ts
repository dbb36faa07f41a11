/**
 * Where an evaluation is kept. A run folder the product trained records its own (evaluation.json, and the headline
 * figures in metadata.json). A shipped or exported model folder (metadata `exported`: the bundled model, `export`
 * output) is read-only to the product: a git checkout must stay clean, an installed extension's folder may be
 * read-only, and a later evaluation (say without TTA) must not replace the figures it shipped with. Its evaluations
 * go to the evaluations folder (the workspace's .brain-tumor/cache/evaluations, or the CLI's cache), one file per
 * model and dataset, and reading a model's evaluation prefers the newest of those to the shipped one.
 * A run folder that cannot be written (read-only media) falls back to the same place: never a crash.
 *
 * The words inside a report (split names, perturbation descriptions) are stored in English and read back in the
 * reader's language (relabelReport), so a file on disk is the same whatever language wrote it.
 */
import * as l10n from '@vscode/l10n';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as P from '../protocol';
import { readMetadata, writeMetadata, type RunMetadata } from '../model/metadata';
import { writeJson } from '../model/folderFiles';
import { currentLanguage, inEnglish } from '../language';
import { asItIs, relabelReport } from './validationText';

/** The report as it is stored: its words in English (see the file comment). */
export function storedReport(report: P.EvaluationReport): P.EvaluationReport {
  return currentLanguage() === 'en' ? report : relabelReport(report, asItIs, inEnglish);
}

/** A stored report with its words in the reader's language. */
export function readerReport(report: P.EvaluationReport): P.EvaluationReport {
  return currentLanguage() === 'en' ? report : relabelReport(report, inEnglish, asItIs);
}

/** Whether the product may write into a model folder: only run folders it trained, never exported copies. */
export function ownsModelFolder(meta: Pick<RunMetadata, 'exported'>): boolean {
  return !meta.exported;
}

const sha = (parts: (string | Buffer)[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex').slice(0, 16);
};

/** A model's identity by content (model.json and its weight files), so a copied or moved folder keeps it. */
export function modelKey(modelDir: string): string {
  const topology = fs.readFileSync(path.join(modelDir, 'model.json'));
  const manifest = (JSON.parse(topology.toString('utf8')) as { weightsManifest?: { paths?: unknown }[] }).weightsManifest ?? [];
  const files = manifest.flatMap((g) => (Array.isArray(g.paths) ? g.paths.filter((p): p is string => typeof p === 'string') : []));
  return sha([topology, ...files.map((f) => fs.readFileSync(path.join(modelDir, path.basename(f))))]);
}

const datasetKey = (report: P.EvaluationReport) => sha([JSON.stringify([path.resolve(report.dataRoot), report.external.map((e) => path.resolve(e.root))])]);

export interface SavedEvaluation { file: string; inModelFolder: boolean; reason?: string }

const READ_ONLY_CODES = new Set(['EACCES', 'EPERM', 'EROFS']);

export interface SaveOptions {
  /** Record it in the model folder even when that is an exported copy: only on explicit request, when someone
   *  prepares a model to ship (CLI `evaluate --into-model`). */
  intoModelFolder?: boolean;
  /** Injectable so that tests can make a folder fail as read-only media would (tests run as root, where
   *  permissions do not stop a write). */
  write?: (file: string, value: unknown) => void;
}

/** Saves a Testing evaluation where it belongs (see the file comment). */
export function saveEvaluation(modelDir: string, report: P.EvaluationReport, evaluationsDir: string,
  { intoModelFolder = false, write = writeJson }: SaveOptions = {}): SavedEvaluation {
  const meta = readMetadata(modelDir);
  report = storedReport(report);
  const elsewhere = (reason?: string): SavedEvaluation => {
    const file = path.join(evaluationsDir, modelKey(modelDir), `${datasetKey(report)}.json`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeJson(file, report);
    return { file, inModelFolder: false, ...(reason ? { reason } : {}) };
  };
  if (!ownsModelFolder(meta) && !intoModelFolder) return elsewhere();
  const file = path.join(modelDir, 'evaluation.json');
  try {
    write(file, report);
    const head = (key: P.SplitScores['key']) => {
      const s = report.splits.find((x) => x.key === key);
      return s ? { accuracy: s.accuracy, macroF1: s.macro.f1, ece: s.ece, count: s.count } : null;
    };
    meta.evaluation = { official: head('official'), deduplicated: head('deduplicated'), at: report.createdAt };
    writeMetadata(modelDir, meta);
    return { file, inModelFolder: true };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!code || !READ_ONLY_CODES.has(code)) throw e;
    return elsewhere(l10n.t('{0} cannot be written ({1})', modelDir, code));
  }
}

function readReport(file: string): P.EvaluationReport | undefined {
  try {
    const r = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<P.EvaluationReport>;
    if (r.format !== 'brain-tumor-evaluation') return undefined;
    // Evaluations saved before external sets and perturbations existed read as having none.
    return readerReport({ ...r, trainingSources: r.trainingSources ?? [], external: r.external ?? [], perturbations: r.perturbations ?? null,
      perturbationBaseline: r.perturbationBaseline ?? null } as P.EvaluationReport);
  } catch {
    return undefined;
  }
}

/** A model's latest evaluation: the newest of those kept in the evaluations folder and the folder's own. */
export function readEvaluation(modelDir: string, evaluationsDir?: string): P.EvaluationReport | undefined {
  const candidates: string[] = [path.join(modelDir, 'evaluation.json')];
  if (evaluationsDir) {
    try {
      const dir = path.join(evaluationsDir, modelKey(modelDir));
      candidates.push(...fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => path.join(dir, f)));
    } catch {
      // None kept for this model (or no readable model.json): the folder's own, if any.
    }
  }
  const dated = candidates.flatMap((f) => { try { return [{ f, t: fs.statSync(f).mtimeMs }]; } catch { return []; } }).sort((a, b) => b.t - a.t);
  for (const { f } of dated) {
    const r = readReport(f);
    if (r) return r;
  }
  return undefined;
}
