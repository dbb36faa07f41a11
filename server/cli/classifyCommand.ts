/**
 * `brain-tumor classify FILE|DIR...`: classify images with the bundled or a chosen model; one line per image, JSON
 * or CSV on stdout, and with --explain the Grad-CAM overlays as PNG files.
 */
import * as l10n from '@vscode/l10n';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import type { ClassifyResult } from '../protocol';
import { classifyImages } from '../infer/classifyImages';
import { heatmapToRgba, upsampleHeatmap } from '../infer/gradCam';
import { ModelStore } from '../infer/modelStore';
import { toCsv } from '../infer/resultsCsv';
import { formatClassifyResult } from './classifyText';
import { EXIT, UsageError } from './exitCodes';
import { checkBackendFlag, orientationFrom, thresholdFrom, type Flags } from './flags';
import { engineFromFlags, runJob } from './jobSetup';

/** The model input enlarged to `side` px with the heat map over it, as PNG; one file per explained image. */
export async function writeExplanations(r: ClassifyResult, outDir: string, side = 384, opacity = 0.45): Promise<string[]> {
  fs.mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const used = new Set<string>();
  for (const it of r.items) {
    if (!it.ok || !it.heatmap || !it.input) continue;
    const base = Buffer.from(it.input.slice(it.input.indexOf(',') + 1), 'base64');
    const heat = upsampleHeatmap(Float32Array.from(it.heatmap.values), it.heatmap.width, it.heatmap.height, side, side);
    const rgba = heatmapToRgba(heat, opacity);
    let name = `${path.parse(it.path).name}.${it.predicted}.gradcam.png`;
    for (let n = 2; used.has(name); n++) name = `${path.parse(it.path).name}-${n}.${it.predicted}.gradcam.png`;
    used.add(name);
    const file = path.join(outDir, name);
    await sharp(base).resize(side, side, { kernel: 'cubic' }).toColourspace('srgb')
      .composite([{ input: Buffer.from(rgba.buffer), raw: { width: side, height: side, channels: 4 } }])
      .png().toFile(file);
    written.push(file);
  }
  return written;
}

export async function classifyCommand(flags: Flags, args: readonly string[]): Promise<number> {
  checkBackendFlag(flags);
  if (!args.length) throw new UsageError(l10n.t('classify needs image files or folders: brain-tumor classify FILE|DIR...'));
  if (flags.json && flags.csv) throw new UsageError(l10n.t('choose one of --json and --csv'));
  const threshold = thresholdFrom(flags);
  const orientation = orientationFrom(flags);
  const backend = await engineFromFlags(flags);
  const store = new ModelStore();
  try {
    return await runJob(async ({ isCancelled, tty }) => {
      const loaded = await store.get(flags.model ? path.resolve(flags.model) : undefined);
      const explain = flags.explain !== undefined;
      const result = await classifyImages(args.map((a) => path.resolve(a)), loaded, {
        explain, withInput: explain, threshold, tta: !!flags.tta, backend: backend.kind, orientation, isCancelled,
        onProgress: (done, total) => { if (tty && total > 1) process.stderr.write(`\r${l10n.t('classifying {0}/{1}', String(done), String(total))}\x1b[K`); },
      });
      if (tty) process.stderr.write('\r\x1b[K');
      const full: ClassifyResult = { model: loaded.info, ...result };
      if (explain) {
        const files = await writeExplanations(full, path.resolve(flags.explain!));
        process.stderr.write(l10n.t('Grad-CAM overlays: {0} written to {1}', String(files.length), path.resolve(flags.explain!)) + '\n');
        // The overlays carry the pictures; the printed result stays small.
        for (const it of full.items) {
          if (!it.ok) continue;
          it.input = null;
          if (it.original) it.original.image = null;
          for (const s of it.volume?.slices ?? []) s.input = null;
        }
      }
      if (flags.json) process.stdout.write(JSON.stringify(full, null, 1) + '\n');
      else if (flags.csv) process.stdout.write(toCsv(full.items, full.model.classes));
      else process.stdout.write(formatClassifyResult(full, process.cwd(), { allSlices: !!flags['all-slices'] }) + '\n');
      // Exit 1 when nothing could be classified, so scripts notice; partial failures are listed but not fatal.
      return full.items.some((i) => i.ok) ? EXIT.ok : EXIT.failure;
    });
  } finally {
    store.dispose(); // after the job: a cancelled or failed run frees the model too
  }
}
