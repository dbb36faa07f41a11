/** What the status bar says for each backend state. No vscode import: unit-tested. */
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import type { ModelInfo, StatusResult } from '../server/protocol';
import { count, percent, plain } from './locale';

export type BackendState = 'stopped' | 'starting' | 'running' | 'failed' | 'untrusted';

/** The status bar's text: an icon and the product's name. */
const named = (icon: string) => `$(${icon}) ${l10n.t('Brain Tumor')}`;

/** Text and tooltip for a state; pure, so it is unit-tested. */
export function describeBackend(state: BackendState, status: StatusResult | undefined, failure?: string): { text: string; tooltip: string; warn: boolean } {
  const details = l10n.t('Click for details.');
  switch (state) {
    case 'running': {
      if (!status) return { text: named('sync~spin'), tooltip: l10n.t('Backend running; asking for its status...'), warn: false };
      const b = status.backend;
      const fellBack = b.requested !== 'auto' && b.requested !== b.kind;
      return {
        text: `$(pulse) ${b.kind}${b.threads > 1 ? ` ×${b.threads}` : ''}`,
        tooltip: [l10n.t('Brain Tumor backend: {0}, {1} thread(s){2}', b.kind, b.threads, b.simd ? ', SIMD' : ''), b.reason, details].join('\n'),
        warn: fellBack,
      };
    }
    case 'starting': return { text: named('sync~spin'), tooltip: l10n.t('Brain Tumor backend starting...'), warn: false };
    case 'untrusted': return { text: named('shield'), tooltip: l10n.t('Backend not started: this workspace is not trusted.'), warn: true };
    case 'failed': return { text: named('error'), tooltip: [l10n.t('Backend down: {0}', failure ?? l10n.t('unknown reason')), details].join('\n'), warn: true };
    // Also the state of a window that has not used the extension yet: the backend starts on first use.
    case 'stopped': return {
      text: named('circle-large-outline'),
      tooltip: [l10n.t('Brain Tumor backend: not running. It starts when a Brain Tumor command needs it.'), details].join('\n'), warn: false,
    };
  }
}

/** Status bar text and tooltip for a model (pure, so it is unit-tested). */
export function describeModel(info: ModelInfo): { text: string; tooltip: string } {
  // The folder's name, as the Models view shows it: an exported copy keeps its source run's id in runId.
  const name = info.bundled ? l10n.t('{0} (bundled)', info.architecture) : modelFolderName(info);
  const ev = info.evaluation?.official;
  const dedup = info.evaluation?.deduplicated;
  const acc = !ev ? l10n.t('not evaluated yet')
    : dedup ? l10n.t('Testing accuracy {0} official, {1} deduplicated', percent(ev.accuracy), percent(dedup.accuracy))
      : l10n.t('Testing accuracy {0} official', percent(ev.accuracy));
  return {
    text: `$(package) ${name}`,
    tooltip: [
      l10n.t('Brain Tumor model: {0}', name),
      info.modelDir,
      l10n.t('{0}, {1} px, {2} parameters', info.architecture, info.inputSize, count(info.params)),
      acc,
      info.temperature ? l10n.t('Calibrated (temperature {0})', plain(info.temperature)) : l10n.t('Not calibrated'),
      l10n.t('Click to select another model. Research use only.'),
    ].join('\n'),
  };
}

/** A chosen model's name: its folder's (a run folder is named by its run id; an exported folder as the user chose). */
export function modelFolderName(info: Pick<ModelInfo, 'modelDir' | 'runId' | 'architecture'>): string {
  return (info.modelDir ? path.basename(info.modelDir) : '') || info.runId || info.architecture;
}
