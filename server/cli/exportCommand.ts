/**
 * `brain-tumor export --model RUN_DIR --out DIR [--quantize uint8|float16|none]`: a run's model copied into a
 * self-contained folder (what ships in models/), its weights optionally quantized (uint8 by default).
 */
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import { resolvePreference } from '../engine/chooseBackend';
import { startEngine } from '../engine/startEngine';
import { exportModel, QUANTIZATIONS } from '../infer/exportModel';
import type { WeightQuantization } from '../model/modelFiles';
import { fixed } from '../numberFormat';
import { EXIT, UsageError } from './exitCodes';
import type { Flags } from './flags';

export async function exportCommand(flags: Flags): Promise<number> {
  if (!flags.model || !flags.out) throw new UsageError(l10n.t('export needs --model RUN_DIR and --out DIR'));
  const quantization = (flags.quantize ?? 'uint8') as WeightQuantization;
  if (!QUANTIZATIONS.includes(quantization)) throw new UsageError(l10n.t('{0} must be one of {1}, got "{2}"', '--quantize', QUANTIZATIONS.join(', '), String(flags.quantize)));
  // tfjs loads the model only to hand its weights back: the plain CPU engine on one thread is enough.
  await startEngine({ preference: resolvePreference({ flag: 'cpu' }), threads: 1 });
  const r = await exportModel(path.resolve(flags.model), path.resolve(flags.out), quantization);
  process.stdout.write(l10n.t('Exported {0} to {1}: weights {2} MB ({3}); files {4}.', flags.model, r.outDir, fixed(r.weightBytes / 2 ** 20, 2), r.quantization, r.files.join(', ')) +
    '\n' + l10n.t('Evaluate the export (and record it there): {0}', `brain-tumor evaluate --model "${r.outDir}" --data DATASET --into-model`) + '\n');
  return EXIT.ok;
}
