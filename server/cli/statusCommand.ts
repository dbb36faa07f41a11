/** `brain-tumor status`: start the engine and say which backend runs, and why the faster ones did not. */
import type { BackendInfo } from '../protocol';
import { BACKEND_LABELS } from '../engine/chooseBackend';
import { tfjsVersion } from '../engine/startEngine';
import { SERVER_VERSION } from '../backendServer';
import { EXIT } from './exitCodes';
import { checkBackendFlag, type Flags } from './flags';
import { engineFromFlags } from './jobSetup';

export function formatStatus(b: BackendInfo): string {
  const lines = [
    `Backend:  ${b.kind} (${BACKEND_LABELS[b.kind]}), ${b.threads} thread${b.threads === 1 ? '' : 's'}` +
      (b.simd === null ? '' : b.simd ? ', SIMD' : ', no SIMD'),
    `Why:      ${b.reason}`,
    `Asked:    ${b.requested} (${b.requestedBy})`,
    'Tried:',
    ...b.attempts.map((a) => `  ${a.kind.padEnd(5)} ${a.ok ? 'yes' : 'no '}  ${a.reason}${a.ms >= 1 ? ` (${Math.round(a.ms)} ms)` : ''}`),
    `Ready in: ${Math.round(b.initMs)} ms`,
    `tfjs ${tfjsVersion()}, Node ${process.version}, ${process.platform} ${process.arch}`,
  ];
  if (b.kind !== 'gpu') {
    lines.push('Hint:     GPU training needs Linux, CUDA 11.2 and cuDNN 8.1, then `npm install @tensorflow/tfjs-node-gpu`', '          next to this tool (README, "GPU training").');
  }
  return lines.join('\n');
}

export async function statusCommand(flags: Flags): Promise<number> {
  checkBackendFlag(flags);
  const backend = await engineFromFlags(flags);
  process.stdout.write(flags.json
    ? JSON.stringify({ version: SERVER_VERSION, tfjsVersion: tfjsVersion(), backend }, null, 2) + '\n'
    : `brain-tumor ${SERVER_VERSION}\n${formatStatus(backend)}\n`);
  return EXIT.ok;
}
