/**
 * `brain-tumor evaluate --model DIR`: score a model on the Testing split, official and deduplicated (or on its
 * run's Validation files), plus external sets and perturbations when asked; optionally an HTML report.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultCacheDir } from '../data/cacheDir';
import { DatasetStore } from '../data/datasetStore';
import { evaluateModel } from '../eval/evaluate';
import { saveEvaluation } from '../eval/evaluationStore';
import { renderReportHtml, type ReportRunInfo } from '../eval/reportHtml';
import { readHistory } from '../train/runFolder';
import { readMetadata } from '../model/metadata';
import { formatEvaluation } from './evaluationText';
import { EXIT, UsageError } from './exitCodes';
import { cacheDirFrom, checkBackendFlag, thresholdFrom, type Flags } from './flags';
import { engineFromFlags, runJob } from './jobSetup';

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
  if (!flags.model) throw new UsageError('evaluate needs --model RUN_DIR');
  const modelDir = path.resolve(flags.model);
  const split = flags.split ?? 'Testing';
  if (split !== 'Testing' && split !== 'Validation') throw new UsageError(`--split must be Testing or Validation, got "${split}"`);
  if ((flags.data?.length ?? 0) > 1) throw new UsageError('evaluate scores one dataset\'s Testing split: give one --data (other sources go in --external)');
  const threshold = thresholdFrom(flags);
  const external = (flags.external ?? []).map((d) => path.resolve(d));
  for (const d of external) if (!fs.existsSync(d)) throw new UsageError(`--external ${d}: no such folder`);
  const backend = await engineFromFlags(flags);
  const cacheDir = cacheDirFrom(flags);
  return runJob(async ({ isCancelled, tty }) => {
    const report = await evaluateModel(modelDir, {
      datasets: new DatasetStore(), cacheDir, backend, tta: !!flags.tta, calibrate: !flags['no-calibrate'], intoModelFolder: !!flags['into-model'], split, isCancelled,
      ...(flags.data?.length ? { dataRoot: path.resolve(flags.data[0]!) } : {}), external, perturb: !!flags.perturb, threshold,
      onProgress: (p) => { if (tty) process.stderr.write(`\r${p.phase}${p.detail ? ` ${p.detail}` : ''} ${p.done}/${p.total}\x1b[K`); },
    });
    if (tty) process.stderr.write('\r\x1b[K');
    if (split === 'Testing') { // the Testing scores are kept: in a run folder, or beside the cache for a shipped model
      const saved = saveEvaluation(modelDir, report, path.join(path.resolve(flags.cache ?? defaultCacheDir()), 'evaluations'), { intoModelFolder: !!flags['into-model'] });
      if (!saved.inModelFolder) process.stderr.write(`Evaluation kept in ${saved.file} (${saved.reason ?? `${modelDir} is a shipped or exported model, left as it is`}).\n`);
    }
    if (flags.report) {
      const file = path.resolve(flags.report);
      fs.writeFileSync(file, renderReportHtml(report, reportRunOf(modelDir)));
      fs.writeFileSync(file.replace(/\.html?$/i, '') + '.json', JSON.stringify(report, null, 1) + '\n');
      process.stderr.write(`Report: ${file}\n`);
    }
    process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : formatEvaluation(report) + '\n');
    return EXIT.ok;
  });
}
