/**
 * Messages between the extension and its webview panels (types only). Each panel has a `To<Panel>View` union
 * (extension -> webview) and a `From<Panel>View` union (webview -> extension), discriminated on `type`.
 * Replies carry `error: string | null` instead of throwing across postMessage.
 */
import type { ScanReport, StatusResult } from '../server/protocol';

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

export type ToDatasetView = {
  type: 'report';
  report: ScanReport;
  /** Webview URIs of the sample images, by relative path (the extension maps them; the page cannot). */
  thumbs: Record<string, string>;
};

export type FromDatasetView =
  | { type: 'ready' }
  /** Open a file of the dataset in an editor; `rel` is relative to the dataset root. */
  | { type: 'open'; rel: string }
  | { type: 'rescan' };

/** What the dataset panel keeps across reloads. */
export interface DatasetViewState {
  report: ScanReport | null;
}
