/**
 * `brain-tumor evaluate --model DIR`: score a model on the Testing split, official and deduplicated (or on its
 * run's Validation files), plus external sets and perturbations when asked; optionally an HTML report.
 */
import * as l10n from '@vscode/l10n';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultCacheDir } from '../data/cacheDir';
import { DatasetStore } from '../data/datasetStore';
import { evaluateModel } from '../eval/evaluate';
import { saveEvaluation, storedReport } from '../eval/evaluationStore';
import { renderReportHtml, type ReportRunInfo } from '../eval/reportHtml';
import { readHistory } from '../train/runFolder';
import { readMetadata } from '../model/metadata';
import type { EvaluateProgress } from '../protocol';
import { formatEvaluation } from './evaluationText';
import { EXIT, UsageError } from './exitCodes';
import { cacheDirFrom, checkBackendFlag, thresholdFrom, type Flags } from './flags';
import { engineFromFlags, runJob } from './jobSetup';

/** An evaluation phase as the progress line names it. */
function phaseText(phase: EvaluateProgress['phase']): string {
  switch (phase) {
    case 'loading': return l10n.t({ message: 'loading', comment: ['An evaluation\'s phase, on its progress line'] });
    case 'predicting': return l10n.t({ message: 'predicting', comment: ['An evaluation\'s phase, on its progress line'] });
    case 'calibrating': return l10n.t({ message: 'calibrating', comment: ['An evaluation\'s phase, on its progress line'] });
    case 'external': return l10n.t({ message: 'external', comment: ['An evaluation\'s phase, on its progress line: scoring an external set'] });
    case 'perturbing': return l10n.t({ message: 'perturbing', comment: ['An evaluation\'s phase, on its progress line'] });
    default: return String(phase);
  }
}

/** What the HTML report tells of the run behind a model: its settings, curves and data counts. */
function reportRunOf(modelDir: string): ReportRunInfo | null {
  try {
    const m = readMetadata(modelDir);
    return { config: m.config, history: readHistory(modelDir), bestEpoch: m.bestEpoch, dataset: { trainVal: m.dataset.counts } };
  } catch {
    return null;
  }
}

export async function evaluateCommand(flags: Flags): Promise<number> {
  checkBackendFlag(flags);
  if (!flags.model) throw new UsageError(l10n.t('evaluate needs --model RUN_DIR'));
  const modelDir = path.resolve(flags.model);
  const split = flags.split ?? 'Testing';
  if (split !== 'Testing' && split !== 'Validation') throw new UsageError(l10n.t('--split must be Testing or Validation, got "{0}"', split));
  if ((flags.data?.length ?? 0) > 1) throw new UsageError(l10n.t('evaluate scores one dataset\'s Testing split: give one --data (other sources go in --external)'));
  const threshold = thresholdFrom(flags);
  const external = (flags.external ?? []).map((d) => path.resolve(d));
  for (const d of external) if (!fs.existsSync(d)) throw new UsageError(l10n.t('--external {0}: no such folder', d));
  const backend = await engineFromFlags(flags);
  const cacheDir = cacheDirFrom(flags);
  return runJob(async ({ isCancelled, tty }) => {
    const report = await evaluateModel(modelDir, {
      datasets: new DatasetStore(), cacheDir, backend, tta: !!flags.tta, calibrate: !flags['no-calibrate'], intoModelFolder: !!flags['into-model'], split, isCancelled,
      ...(flags.data?.length ? { dataRoot: path.resolve(flags.data[0]!) } : {}), external, perturb: !!flags.perturb, threshold,
      onProgress: (p) => { if (tty) process.stderr.write(`\r${phaseText(p.phase)}${p.detail ? ` ${p.detail}` : ''} ${p.done}/${p.total}\x1b[K`); },
    });
    if (tty) process.stderr.write('\r\x1b[K');
    if (split === 'Testing') { // the Testing scores are kept: in a run folder, or beside the cache for a shipped model
      const saved = saveEvaluation(modelDir, report, path.join(path.resolve(flags.cache ?? defaultCacheDir()), 'evaluations'), { intoModelFolder: !!flags['into-model'] });
      if (!saved.inModelFolder) {
        process.stderr.write(l10n.t('Evaluation kept in {0} ({1}).', saved.file, saved.reason ?? l10n.t('{0} is a shipped or exported model, left as it is', modelDir)) + '\n');
      }
    }
    if (flags.report) {
      const file = path.resolve(flags.report);
      fs.writeFileSync(file, renderReportHtml(report, reportRunOf(modelDir)));
      // The JSON beside it is for machines: its words in English, as every saved evaluation (evaluationStore.ts).
      fs.writeFileSync(file.replace(/\.html?$/i, '') + '.json', JSON.stringify(storedReport(report), null, 1) + '\n');
      process.stderr.write(l10n.t('Report: {0}', file) + '\n');
    }
    process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : formatEvaluation(report) + '\n');
    return EXIT.ok;
  });
}
