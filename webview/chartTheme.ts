/** The theme's colours for the panels' charts, read from VS Code's CSS variables when a chart is drawn or exported. */
import type { SvgColors } from './chartSvg';

/** A CSS variable of the page (VS Code sets them per theme), or `fallback` when it is not set. */
export function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

/** Background, text, muted text and grid lines of a chart in the current theme. */
export function themeColors(): SvgColors {
  return {
    background: cssVar('--vscode-editor-background', '#1e1e1e'),
    text: cssVar('--vscode-foreground', '#cccccc'),
    muted: cssVar('--vscode-descriptionForeground', '#999999'),
    grid: cssVar('--vscode-editorWidget-border', cssVar('--vscode-panel-border', '#80808040')),
  };
}
