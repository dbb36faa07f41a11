/**
 * Messages between the extension and its webview panels (types only). Each panel has a `To<Panel>View` union
 * (extension -> webview) and a `From<Panel>View` union (webview -> extension), discriminated on `type`.
 * Replies carry `error: string | null` instead of throwing across postMessage.
 */
import type { StatusResult } from '../server/protocol';

export type BackendViewState = 'stopped' | 'starting' | 'running' | 'failed' | 'untrusted';

export type ToStatusView = {
  type: 'status';
  state: BackendViewState;
  status: StatusResult | null;
  error: string | null;
};

export type FromStatusView =
  | { type: 'ready' }
  | { type: 'refresh' }
  | { type: 'restart' }
  | { type: 'openLogs' };

/** What the status panel keeps across reloads (vscode.setState). */
export interface StatusViewState {
  last: ToStatusView | null;
}
