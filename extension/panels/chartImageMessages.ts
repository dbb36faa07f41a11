/**
 * Validation of a chart image a page sends to be saved (PNG or SVG export). The page is untrusted: only a PNG data
 * URL whose bytes are a PNG, or an SVG document without scripts or external references, under a size limit, gets
 * through; the file name only suggests a name in the save dialog. No vscode import: unit-tested.
 */
import type { ChartImage } from '../../webview/protocol';

/** Largest chart image accepted, in characters of the message (a 4K canvas PNG is far below this). */
export const MAX_CHART_IMAGE = 8 * 1024 * 1024;
const PNG_PREFIX = 'data:image/png;base64,';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** What an exported SVG may not contain: scripts, event handlers, foreign HTML, or anything it would load. */
const SVG_FORBIDDEN = /<script|<foreignObject|<iframe|<image|\son[a-z]+\s*=|javascript:|href\s*=|url\(|@import|<!ENTITY|<!DOCTYPE/i;

/** The message if it is a chart image the extension may write, else undefined. */
export function parseChartImage(m: unknown): ChartImage | undefined {
  if (typeof m !== 'object' || m === null) return undefined;
  const o = m as Record<string, unknown>;
  if (o.type !== 'exportChart' || typeof o.data !== 'string' || o.data.length > MAX_CHART_IMAGE) return undefined;
  if (typeof o.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,79}$/.test(o.name)) return undefined;
  if (o.format === 'png' && pngBytes(o.data)) return { type: 'exportChart', format: 'png', name: o.name, data: o.data };
  if (o.format === 'svg' && isSafeSvg(o.data)) return { type: 'exportChart', format: 'svg', name: o.name, data: o.data };
  return undefined;
}

/** The bytes of a PNG data URL, or undefined when it is not base64 of a PNG file. */
export function pngBytes(data: string): Buffer | undefined {
  if (!data.startsWith(PNG_PREFIX)) return undefined;
  const b64 = data.slice(PNG_PREFIX.length);
  if (!b64.length || b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined;
  const bytes = Buffer.from(b64, 'base64');
  return bytes.length > PNG_SIGNATURE.length && bytes.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE) ? bytes : undefined;
}

/** An SVG document as chartSvg.ts writes them: one <svg> element in the SVG namespace, nothing active or external. */
export function isSafeSvg(data: string): boolean {
  const s = data.trim();
  return s.startsWith('<svg xmlns="http://www.w3.org/2000/svg"') && s.endsWith('</svg>') && !SVG_FORBIDDEN.test(s);
}

/** The bytes to write for an image that passed parseChartImage. */
export function chartImageBytes(img: ChartImage): Buffer {
  return img.format === 'png' ? pngBytes(img.data)! : Buffer.from(img.data, 'utf8');
}
