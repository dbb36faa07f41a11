/**
 * The evaluation that closes a training run: Testing split of the run's first source, official and deduplicated,
 * saved beside the run, headline figures returned for the end event. A failure is reported, never fails the run.
 */
import * as path from 'node:path';
import type * as P from '../protocol';
import { defaultCacheDir } from '../data/cacheDir';
import type { DatasetStore } from '../data/datasetStore';
import { evaluateModel, NoTestingSplitError } from './evaluate';
import { saveEvaluation } from './evaluationStore';
import { splitLabel } from './validationText';
import { inEnglish } from '../language';

export interface AfterTrainingContext {
  datasets: DatasetStore;
  cacheDir: () => string | null;
  engine: () => Promise<P.BackendInfo>;
  log(message: string): void;
}

/** The training service's `evaluateFinished`, bound to the server's or the CLI's datasets, cache and engine. */
export function evaluateAfterTraining(ctx: AfterTrainingContext) {
  return (runDir: string, dataRoot: string, onProgress: (done: number, total: number) => void) => evaluateRun(ctx, runDir, dataRoot, onProgress);
}

async function evaluateRun(ctx: AfterTrainingContext, runDir: string, dataRoot: string,
  onProgress: (done: number, total: number) => void): Promise<P.TrainEnd['evaluation']> {
  try {
    const scan = ctx.datasets.get(dataRoot);
    if (scan && !scan.files.some((f) => f.split === 'Testing')) return null;
    const report = await evaluateModel(runDir, {
      datasets: ctx.datasets, cacheDir: ctx.cacheDir(), backend: await ctx.engine(),
      onProgress: (p) => onProgress(p.done, p.total),
    });
    const saved = saveEvaluation(runDir, report, path.join(ctx.cacheDir() ?? defaultCacheDir(), 'evaluations'));
    if (!saved.inModelFolder) ctx.log(`Evaluation kept in ${saved.file} (${saved.reason ?? 'not a run folder'}).`);
    const head = (key: P.SplitScores['key']): P.HeadlineScores | null => {
      const s = report.splits.find((x) => x.key === key);
      return s ? { accuracy: s.accuracy, macroF1: s.macro.f1, ece: s.ece, count: s.count } : null;
    };
    // A log line: English, whatever the language of the report's words.
    ctx.log(`Evaluated ${runDir} on Testing: ${report.splits.map((s) => `${inEnglish(() => splitLabel(s.key))} accuracy ${(s.accuracy * 100).toFixed(2)}% ` +
      `(macro F1 ${s.macro.f1.toFixed(3)}, ECE ${s.ece.toFixed(3)}, ${s.count} images)`).join('; ')}.`);
    return { official: head('official'), deduplicated: head('deduplicated') };
  } catch (e) {
    if (e instanceof NoTestingSplitError) return null;
    ctx.log(`Evaluation after training failed: ${(e as Error).message}`);
    return { official: null, deduplicated: null, error: (e as Error).message };
  }
}
