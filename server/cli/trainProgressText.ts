/**
 * Training progress as text for the CLI: a one-line progress bar redrawn in place on a terminal, plain lines
 * (one per epoch, plus loading milestones) when stderr is a file or a pipe, and the closing summary.
 */
import type { EpochStats, TrainEnd, TrainEpochEvent, TrainProgress } from '../protocol';
import { percent } from './numberText';
import { formatDuration } from '../numberFormat';

export function formatEpoch(e: EpochStats, epochs: number, best: boolean): string {
  return `epoch ${e.epoch + 1}/${epochs}  loss ${e.loss.toFixed(4)}  acc ${percent(e.acc)}  val_loss ${e.valLoss.toFixed(4)}  ` +
    `val_acc ${percent(e.valAcc)}  lr ${e.lr.toExponential(2)}  ${(e.ms / 1000).toFixed(1)} s${best ? '  * best' : ''}`;
}

export function progressBar(p: TrainProgress, width: number): string {
  if (p.phase === 'loading') {
    return p.loaded ? `loading images ${p.loaded.done}/${p.loaded.total}` : 'scanning the dataset...';
  }
  if (p.phase === 'evaluating') return `evaluating on Testing ${p.loaded?.done ?? 0}/${p.loaded?.total ?? 0}`;
  const frac = p.batches ? p.batch / p.batches : 0;
  const head = `epoch ${p.epoch + 1}/${p.epochs} `;
  const tail = ` ${p.batch}/${p.batches} loss ${p.loss.toFixed(3)} acc ${percent(p.acc)} ${p.imgPerSec.toFixed(1)} img/s ETA ${formatDuration(p.etaSec)}`;
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
        this.write(`loading images ${p.loaded.done}/${p.loaded.total}\n`);
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
  const lines = [`${end.outcome === 'failed' ? 'Training failed' : `Training ${end.outcome}`}: ${end.message}`];
  if (best) {
    lines.push(`Best epoch ${best.epoch + 1}: val_loss ${best.valLoss.toFixed(4)}, val_acc ${percent(best.valAcc)} (model.json in the run folder)`);
  }
  const ev = end.evaluation;
  if (ev?.error) lines.push(`Evaluation on Testing failed: ${ev.error}`);
  for (const [name, h] of [['official', ev?.official], ['deduplicated', ev?.deduplicated]] as const) {
    if (h) lines.push(`Testing (${name}, ${h.count} images): accuracy ${percent(h.accuracy)}, macro F1 ${h.macroF1.toFixed(3)}, ECE ${h.ece.toFixed(3)}`);
  }
  lines.push(`Run folder: ${end.runDir}`);
  if (end.outcome === 'cancelled' || end.outcome === 'failed') {
    if (resume && !resume.resumable) lines.push(`Not resumable${resume.problem ? `: ${resume.problem}` : ''}. Start a new run.`);
    else if (history.length) lines.push(`Resume with: brain-tumor train --resume ${JSON.stringify(end.runDir)}`);
  }
  return lines.join('\n');
}
