/** `brain-tumor status`: start the engine and say which backend runs, and why the faster ones did not. */
import * as l10n from '@vscode/l10n';
import type { BackendInfo } from '../protocol';
import { backendLabel } from '../engine/chooseBackend';
import { tfjsVersion } from '../engine/startEngine';
import { SERVER_VERSION } from '../backendServer';
import { EXIT } from './exitCodes';
import { checkBackendFlag, type Flags } from './flags';
import { engineFromFlags } from './jobSetup';

export function formatStatus(b: BackendInfo): string {
  const label = backendLabel(b.kind);
  const simd = b.simd === null ? '' : b.simd ? ', SIMD' : `, ${l10n.t('no SIMD')}`;
  const [yes, no] = [l10n.t('yes'), l10n.t('no')];
  const yesNo = (ok: boolean) => (ok ? yes : no).padEnd(Math.max(yes.length, no.length));
  const lines = [
    (b.threads === 1 ? l10n.t('Backend:  {0} ({1}), {2} thread', b.kind, label, String(b.threads)) : l10n.t('Backend:  {0} ({1}), {2} threads', b.kind, label, String(b.threads))) + simd,
    l10n.t('Why:      {0}', b.reason),
    l10n.t('Asked:    {0} ({1})', b.requested, b.requestedBy),
    l10n.t('Tried:'),
    ...b.attempts.map((a) => `  ${a.kind.padEnd(5)} ${yesNo(a.ok)}  ${a.reason}${a.ms >= 1 ? ` (${Math.round(a.ms)} ms)` : ''}`),
    l10n.t('Ready in: {0} ms', String(Math.round(b.initMs))),
    `tfjs ${tfjsVersion()}, Node ${process.version}, ${process.platform} ${process.arch}`,
  ];
  if (b.kind !== 'gpu') {
    lines.push(l10n.t('Hint:     GPU training needs Linux, CUDA 11.2 and cuDNN 8.1, then `npm install @tensorflow/tfjs-node-gpu`'),
      l10n.t('          next to this tool (README, "GPU training").'));
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
