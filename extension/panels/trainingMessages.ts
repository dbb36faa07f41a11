/** Validation of what the Training webview sends. No vscode import: unit-tested. */
import * as path from 'node:path';
import type { FromTrainingView } from '../../webview/protocol';
import { parseChartImage } from './chartImageMessages';

const shortString = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length < 4096 && !v.includes('\0');

export function parseFromTrainingView(m: unknown): FromTrainingView | undefined {
  if (typeof m !== 'object' || m === null) return undefined;
  const o = m as { type?: unknown; runId?: unknown; runDir?: unknown };
  if (o.type === 'ready') return { type: 'ready' };
  if (o.type === 'exportChart') return parseChartImage(m);
  if (o.type === 'cancel' && shortString(o.runId)) return { type: 'cancel', runId: o.runId };
  if ((o.type === 'resume' || o.type === 'openFolder' || o.type === 'showMetrics') && shortString(o.runDir) && path.isAbsolute(o.runDir)) return { type: o.type, runDir: o.runDir };
  return undefined;
}
