/**
 * What `brain-tumor classify` prints and writes: a plain table for people, and Grad-CAM overlays (the model's
 * input with the heat map over it) for --explain. JSON and CSV come from the protocol's result as it is.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import type { ClassifiedImage, ClassifyResult } from '../protocol';
import { heatmapToRgba, upsampleHeatmap } from '../infer/gradCam';
import { percent } from './numberText';

export function formatModelLine(r: ClassifyResult): string {
  const m = r.model;
  const ev = m.evaluation?.official ? `, Testing accuracy ${percent(m.evaluation.official.accuracy)} official` +
    (m.evaluation.deduplicated ? ` / ${percent(m.evaluation.deduplicated.accuracy)} deduplicated` : '') : ', not evaluated';
  return `Model: ${m.bundled ? 'bundled ' : ''}${m.architecture} (${m.runId ?? path.basename(m.modelDir)})${ev}; backend ${r.backend}`;
}

/** One line per image: name, predicted class, confidence, and UNCERTAIN with the reasons when it is. */
export function formatClassifyResult(r: ClassifyResult, cwd = process.cwd()): string {
  const rows = r.items.map((it) => {
    const name = path.relative(cwd, it.path) || it.path;
    if (!it.ok) return `${name}  ERROR  ${it.error}`;
    const probs = r.model.classes.map((c, i) => `${c} ${percent(it.probabilities[i]!)}`).join(', ');
    return `${name}  ${it.predicted}  ${percent(it.confidence)}${it.uncertain ? `  UNCERTAIN: needs expert review (${it.uncertainReasons.join('; ')})` : ''}\n    ${probs}`;
  });
  const ok = r.items.filter((i): i is ClassifiedImage => i.ok);
  const counts = r.model.classes.map((c) => `${c} ${ok.filter((i) => i.predicted === c).length}`).join(', ');
  return [
    formatModelLine(r),
    ...rows,
    `${ok.length} classified (${counts}); ${ok.filter((i) => i.uncertain).length} uncertain; ${r.items.length - ok.length} failed; ` +
      `${r.timing.imgPerSec} img/s`,
    'Research use only, not for clinical diagnosis.',
  ].join('\n');
}

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
