/**
 * The small PNG / SVG buttons beside a chart. The page makes the image (PNG: the chart's canvas on the theme's
 * background, or the SVG drawn onto a canvas for charts that are HTML tables; SVG: webview/chartSvg.ts from the
 * chart's data) and sends it to the extension, which checks it and writes it where the user picks.
 */
import type { ChartImage } from './protocol';
import type { SvgColors } from './chartSvg';
import { el } from './dom';

export interface ExportableChart {
  /** Suggested file name, without extension (e.g. "loss-curves"). */
  name: string;
  /** The canvas Chart.js draws on; without it the PNG is the SVG rasterised. */
  canvas?: () => HTMLCanvasElement | null;
  svg: () => string;
}

/** The theme's colours for a chart file (read when it is exported, so it matches what is on screen). */
export function themeColors(): SvgColors {
  const css = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    background: v('--vscode-editor-background', '#1e1e1e'),
    text: v('--vscode-foreground', '#cccccc'),
    muted: v('--vscode-descriptionForeground', '#999999'),
    grid: v('--vscode-editorWidget-border', v('--vscode-panel-border', '#80808040')),
  };
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
    img.onerror = () => reject(new Error('the chart could not be drawn'));
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  });
}

/** "PNG" and "SVG" buttons for `chart`; ids `export-<name>-png` / `-svg`. */
export function exportButtons(chart: ExportableChart, post: (m: ChartImage) => void): HTMLElement {
  const button = (format: ChartImage['format']) => {
    const b = el('button', { className: 'secondary', id: `export-${chart.name}-${format}`, title: `Save this chart as ${format.toUpperCase()}` }, format.toUpperCase());
    b.addEventListener('click', () => {
      void (async () => {
        const canvas = chart.canvas?.();
        const data = format === 'svg' ? chart.svg() : canvas ? canvasPng(canvas) : await svgPng(chart.svg());
        post({ type: 'exportChart', format, name: chart.name, data });
      })().catch((e: Error) => b.setAttribute('title', `Export failed: ${e.message}`));
    });
    return b;
  };
  const box = el('span', { className: 'chart-export' }, button('png'), button('svg'));
  box.setAttribute('role', 'group');
  box.setAttribute('aria-label', 'Export chart');
  return box;
}
