/**
 * The small PNG / SVG buttons beside a chart. The page makes the image (PNG: the chart's canvas on the theme's
 * background, or the SVG drawn onto a canvas for charts that are HTML tables; SVG: webview/chartSvg.ts from the
 * chart's data) and sends it to the extension, which checks it and writes it where the user picks.
 */
import * as l10n from '@vscode/l10n';
import type { ChartImage } from './protocol';
import { themeColors } from './chartTheme';
import { el } from './dom';

/** Charts draw at twice the screen's resolution at least, so that an exported PNG stays sharp when printed or zoomed. */
export const EXPORT_PIXEL_RATIO = Math.max(2, globalThis.devicePixelRatio || 1);

export interface ExportableChart {
  /** Suggested file name, without extension (e.g. "loss-curves"). */
  name: string;
  /** The canvas Chart.js draws on; without it the PNG is the SVG rasterised. */
  canvas?: () => HTMLCanvasElement | null;
  svg: () => string;
}

/** A canvas is transparent: paint the theme's background under it so the PNG reads the same outside VS Code. */
function canvasPng(source: HTMLCanvasElement): string {
  const out = document.createElement('canvas');
  out.width = source.width;
  out.height = source.height;
  const g = out.getContext('2d')!;
  g.fillStyle = themeColors().background;
  g.fillRect(0, 0, out.width, out.height);
  g.drawImage(source, 0, 0);
  return out.toDataURL('image/png');
}

/** The SVG drawn at twice its size onto a canvas (the CSP allows data: images). */
function svgPng(svg: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => {
      const out = document.createElement('canvas');
      out.width = img.naturalWidth * 2;
      out.height = img.naturalHeight * 2;
      out.getContext('2d')!.drawImage(img, 0, 0, out.width, out.height);
      resolve(out.toDataURL('image/png'));
    };
    img.onerror = () => reject(new Error(l10n.t('the chart could not be drawn')));
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  });
}

/** "PNG" and "SVG" buttons for `chart`; ids `export-<name>-png` / `-svg`. */
export function exportButtons(chart: ExportableChart, post: (m: ChartImage) => void): HTMLElement {
  const button = (format: ChartImage['format']) => {
    // The format's name (PNG, SVG) is the same in every language; the button's tooltip is not.
    const title = format === 'svg' ? l10n.t('Save this chart as SVG') : l10n.t('Save this chart as PNG');
    const b = el('button', { className: 'secondary', id: `export-${chart.name}-${format}`, title }, format.toUpperCase());
    b.addEventListener('click', () => {
      void (async () => {
        const canvas = chart.canvas?.();
        const data = format === 'svg' ? chart.svg() : canvas ? canvasPng(canvas) : await svgPng(chart.svg());
        post({ type: 'exportChart', format, name: chart.name, data });
      })().catch((e: Error) => b.setAttribute('title', l10n.t('Export failed: {0}', e.message)));
    });
    return b;
  };
  const box = el('span', { className: 'chart-export' }, button('png'), button('svg'));
  box.setAttribute('role', 'group');
  box.setAttribute('aria-label', l10n.t('Export chart'));
  return box;
}
