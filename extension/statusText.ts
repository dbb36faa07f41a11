/** What the status bar says for each backend state. No vscode import: unit-tested. */
import type { ModelInfo, StatusResult } from '../server/protocol';

export type BackendState = 'stopped' | 'starting' | 'running' | 'failed' | 'untrusted';

/** Text and tooltip for a state; pure, so it is unit-tested. */
export function describeBackend(state: BackendState, status: StatusResult | undefined, failure?: string): { text: string; tooltip: string; warn: boolean } {
  switch (state) {
    case 'running': {
      if (!status) return { text: '$(sync~spin) Brain Tumor', tooltip: 'Backend running; asking for its status...', warn: false };
      const b = status.backend;
      const fellBack = b.requested !== 'auto' && b.requested !== b.kind;
      return {
        text: `$(pulse) ${b.kind}${b.threads > 1 ? ` ×${b.threads}` : ''}`,
        tooltip: `Brain Tumor backend: ${b.kind}, ${b.threads} thread(s)${b.simd ? ', SIMD' : ''}\n${b.reason}\nClick for details.`,
        warn: fellBack,
      };
    }
    case 'starting': return { text: '$(sync~spin) Brain Tumor', tooltip: 'Brain Tumor backend starting...', warn: false };
    case 'untrusted': return { text: '$(shield) Brain Tumor', tooltip: 'Backend not started: this workspace is not trusted.', warn: true };
    case 'failed': return { text: '$(error) Brain Tumor', tooltip: `Backend down: ${failure ?? 'unknown reason'}\nClick for details.`, warn: true };
    // Also the state of a window that has not used the extension yet: the backend starts on first use.
    case 'stopped': return { text: '$(circle-large-outline) Brain Tumor', tooltip: 'Brain Tumor backend: not running. It starts when a Brain Tumor command needs it.\nClick for details.', warn: false };
  }
}

/** Status bar text and tooltip for a model (pure, so it is unit-tested). */
export function describeModel(info: ModelInfo): { text: string; tooltip: string } {
  const name = info.bundled ? `${info.architecture} (bundled)` : info.runId ?? info.architecture;
  const ev = info.evaluation?.official;
  const dedup = info.evaluation?.deduplicated;
  const acc = ev ? `Testing accuracy ${(ev.accuracy * 100).toFixed(1)}% official` + (dedup ? `, ${(dedup.accuracy * 100).toFixed(1)}% deduplicated` : '') : 'not evaluated yet';
  return {
    text: `$(package) ${name}`,
    tooltip: `Brain Tumor model: ${name}\n${info.modelDir}\n${info.architecture}, ${info.inputSize} px, ${info.params.toLocaleString('en-US')} parameters\n${acc}\n` +
      `${info.temperature ? `Calibrated (temperature ${info.temperature})` : 'Not calibrated'}\nClick to select another model. Research use only.`,
  };
}
