/** Validation of what the Dataset webview sends, and of paths it names. No vscode import: unit-tested. */
import * as path from 'node:path';
import type { FromDatasetView } from '../../webview/protocol';

export function parseFromDatasetView(m: unknown): FromDatasetView | undefined {
  if (typeof m !== 'object' || m === null) return undefined;
  const o = m as { type?: unknown; rel?: unknown };
  if (o.type === 'ready' || o.type === 'rescan') return { type: o.type };
  if (o.type === 'open' && typeof o.rel === 'string' && o.rel.length > 0 && o.rel.length < 4096) return { type: 'open', rel: o.rel };
  return undefined;
}

/** The absolute path of `rel` inside `root`, or undefined when it would leave the dataset folder. */
export function resolveInside(root: string, rel: string): string | undefined {
  if (rel.includes('\0') || path.isAbsolute(rel)) return undefined;
  const abs = path.resolve(root, rel);
  const back = path.relative(root, abs);
  return back && !back.startsWith('..') && !path.isAbsolute(back) ? abs : undefined;
}
