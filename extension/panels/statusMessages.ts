/** Validation of what the Backend Status webview sends. No vscode import: unit-tested. */
import type { FromStatusView } from '../../webview/protocol';

/** Messages from a webview are untrusted input: only these shapes are acted on. */
export function parseFromStatusView(m: unknown): FromStatusView | undefined {
  if (typeof m !== 'object' || m === null) return undefined;
  const type = (m as { type?: unknown }).type;
  return type === 'ready' || type === 'refresh' || type === 'restart' || type === 'openLogs' ? { type } : undefined;
}
