/**
 * Training progress as text for the CLI: a one-line progress bar redrawn in place on a terminal, plain lines
 * (one per epoch, plus loading milestones) when stderr is a file or a pipe, and the closing summary.
 */
import * as l10n from '@vscode/l10n';
import type { EpochStats, TrainEnd, TrainEpochEvent, TrainProgress } from '../protocol';
import { decimal, percent } from './numberText';
import { exponential, formatDuration } from '../numberFormat';

export function formatEpoch(e: EpochStats, epochs: number, best: boolean): string {
  const line = l10n.t('epoch {0}/{1}  loss {2}  acc {3}  val_loss {4}  val_acc {5}  lr {6}  {7} s', String(e.epoch + 1), String(epochs), decimal(e.loss, 4),
    percent(e.acc), decimal(e.valLoss, 4), percent(e.valAcc), exponential(e.lr, 2), decimal(e.ms / 1000, 1));
  return best ? `${line}  ${l10n.t('* best')}` : line;
}

export function progressBar(p: TrainProgress, width: number): string {
  if (p.phase === 'loading') {
    return p.loaded ? l10n.t('loading images {0}/{1}', String(p.loaded.done), String(p.loaded.total)) : l10n.t('scanning the dataset...');
  }
  if (p.phase === 'evaluating') return l10n.t('evaluating on Testing {0}/{1}', String(p.loaded?.done ?? 0), String(p.loaded?.total ?? 0));
  const frac = p.batches ? p.batch / p.batches : 0;
  const head = `${l10n.t('epoch {0}/{1}', String(p.epoch + 1), String(p.epochs))} `;
  const tail = ` ${l10n.t('{0}/{1} loss {2} acc {3} {4} img/s ETA {5}', String(p.batch), String(p.batches), decimal(p.loss, 3), percent(p.acc), decimal(p.imgPerSec, 1),
    formatDuration(p.etaSec))}`;
  const barWidth = Math.max(10, Math.min(40, width - head.length - tail.length - 3));
  const filled = Math.round(frac * barWidth);
  return `${head}[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]${tail}`;
}

export class TrainProgressPrinter {
  private drawn = false;
  private lastLoadingLine = -1;
  private epochs = 0;

  /** columns > 0: a terminal of that width (redraw in place); 0: plain lines. */
  constructor(private readonly columns: number, private readonly write: (text: string) => void) {}

  progress(p: TrainProgress): void {
    this.epochs = p.epochs;
    if (this.columns > 0) {
      this.write(`\r${progressBar(p, this.columns).slice(0, this.columns - 1)}\x1b[K`);
      this.drawn = true;
    } else if (p.phase === 'loading' && p.loaded) {
      // Plain output: a line at every quarter of the loading, not one per image.
      const quarter = Math.floor((p.loaded.done / Math.max(1, p.loaded.total)) * 4);
      if (quarter !== this.lastLoadingLine) {
        this.lastLoadingLine = quarter;
        this.write(`${l10n.t('loading images {0}/{1}', String(p.loaded.done), String(p.loaded.total))}\n`);
      }
    }
  }

  epoch(e: TrainEpochEvent): void {
    this.line(formatEpoch(e.stats, this.epochs || e.stats.epoch + 1, e.improved));
  }

  line(text: string): void {
    this.finish();
    this.write(text + '\n');
  }

  finish(): void {
    if (this.drawn) this.write('\r\x1b[K');
    this.drawn = false;
  }
}

/** `resume`: what the run folder says now (a damaged checkpoint makes a stopped run not resumable). */
export function formatTrainEnd(end: TrainEnd, history: readonly EpochStats[], resume?: { resumable: boolean; problem?: string }): string {
  const best = end.bestEpoch >= 0 ? history[end.bestEpoch] : undefined;
  const outcome = (): string => {
    switch (end.outcome) {
      case 'failed': return l10n.t('Training failed: {0}', end.message);
      case 'completed': return l10n.t('Training completed: {0}', end.message);
      case 'early-stopped': return l10n.t('Training early-stopped: {0}', end.message);
      case 'cancelled': return l10n.t('Training cancelled: {0}', end.message);
      default: return `Training ${String(end.outcome)}: ${end.message}`;
    }
  };
  const lines = [outcome()];
  if (best) {
    lines.push(l10n.t('Best epoch {0}: val_loss {1}, val_acc {2} (model.json in the run folder)', String(best.epoch + 1), decimal(best.valLoss, 4), percent(best.valAcc)));
  }
  const ev = end.evaluation;
  if (ev?.error) lines.push(l10n.t('Evaluation on Testing failed: {0}', ev.error));
  for (const [name, h] of [['official', ev?.official], ['deduplicated', ev?.deduplicated]] as const) {
    if (!h) continue;
    const figures = [String(h.count), percent(h.accuracy), decimal(h.macroF1, 3), decimal(h.ece, 3)] as const;
    lines.push(name === 'official' ? l10n.t('Testing (official, {0} images): accuracy {1}, macro F1 {2}, ECE {3}', ...figures)
      : l10n.t('Testing (deduplicated, {0} images): accuracy {1}, macro F1 {2}, ECE {3}', ...figures));
  }
  lines.push(l10n.t('Run folder: {0}', end.runDir));
  if (end.outcome === 'cancelled' || end.outcome === 'failed') {
    if (resume && !resume.resumable) lines.push(resume.problem ? l10n.t('Not resumable: {0}. Start a new run.', resume.problem) : l10n.t('Not resumable. Start a new run.'));
    else if (history.length) lines.push(l10n.t('Resume with: {0}', `brain-tumor train --resume ${JSON.stringify(end.runDir)}`));
  }
  return lines.join('\n');
}
