/**
 * `brain-tumor export --model RUN_DIR --out DIR [--quantize uint8|float16|none]`: a run's model copied into a
 * self-contained folder (what ships in models/), its weights optionally quantized (uint8 by default).
 */
import * as path from 'node:path';
import { resolvePreference } from '../engine/chooseBackend';
import { startEngine } from '../engine/startEngine';
import { exportModel, QUANTIZATIONS } from '../infer/exportModel';
import type { WeightQuantization } from '../model/modelFiles';
import { EXIT, UsageError } from './exitCodes';
import type { Flags } from './flags';

export async function exportCommand(flags: Flags): Promise<number> {
  if (!flags.model || !flags.out) throw new UsageError('export needs --model RUN_DIR and --out DIR');
  const quantization = (flags.quantize ?? 'uint8') as WeightQuantization;
  if (!QUANTIZATIONS.includes(quantization)) throw new UsageError(`--quantize must be one of ${QUANTIZATIONS.join(', ')}, got "${flags.quantize}"`);
  // tfjs loads the model only to hand its weights back: the plain CPU engine on one thread is enough.
  await startEngine({ preference: resolvePreference({ flag: 'cpu' }), threads: 1 });
  const r = await exportModel(path.resolve(flags.model), path.resolve(flags.out), quantization);
  process.stdout.write(`Exported ${flags.model} to ${r.outDir}: weights ${(r.weightBytes / 2 ** 20).toFixed(2)} MB (${r.quantization}); ` +
    `files ${r.files.join(', ')}.\nEvaluate the export (and record it there): brain-tumor evaluate --model "${r.outDir}" --data DATASET --into-model\n`);
  return EXIT.ok;
}
