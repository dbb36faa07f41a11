/**
 * What the panel previews share: VS Code-like light and dark theme variables, and the stand-in for VS Code's webview
 * page (the panel's real CSP with file: playing cspSource, the theme variables, the panel's bundle and common.css
 * from dist/webview, and a fake acquireVsCodeApi whose postMessage the caller's script answers).
 */
import * as path from 'node:path';
import { contentSecurityPolicy } from '../../extension/panels/csp';

export type PreviewTheme = 'light' | 'dark';

export const THEMES: Record<PreviewTheme, Record<string, string>> = {
  light: {
    'font-family': 'system-ui, "Segoe UI", Ubuntu, sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace',
    foreground: '#616161', 'editor-background': '#ffffff', descriptionForeground: '#717171', errorForeground: '#a1260d',
    'panel-border': '#80808059', 'widget-border': '#d4d4d4', 'textLink-foreground': '#006ab1', 'textBlockQuote-background': '#f2f2f2',
    'textCodeBlock-background': '#dcdcdc66', 'editorWarning-foreground': '#bf8803', 'badge-background': '#c4c4c4', 'badge-foreground': '#333333',
    'button-background': '#005fb8', 'button-foreground': '#ffffff', 'button-hoverBackground': '#0258a8',
    'button-secondaryBackground': '#e5e5e5', 'button-secondaryForeground': '#3b3b3b', 'button-secondaryHoverBackground': '#cccccc',
    'focusBorder': '#005fb8', 'charts-blue': '#1a85ff', 'charts-orange': '#d18616', 'charts-green': '#388a34', 'charts-purple': '#652d90',
    'inputValidation-warningBackground': '#f6f5d2', 'inputValidation-warningBorder': '#b89500',
    'list-hoverBackground': '#f2f2f2', 'list-inactiveSelectionBackground': '#e4e6f1', 'sideBar-background': '#f8f8f8',
    'dropdown-background': '#ffffff', 'dropdown-foreground': '#3b3b3b', 'dropdown-border': '#cecece', 'progressBar-background': '#005fb8',
  },
  dark: {
    'font-family': 'system-ui, "Segoe UI", Ubuntu, sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace',
    foreground: '#cccccc', 'editor-background': '#1f1f1f', descriptionForeground: '#9d9d9d', errorForeground: '#f85149',
    'panel-border': '#2b2b2b', 'widget-border': '#313131', 'textLink-foreground': '#4daafc', 'textBlockQuote-background': '#2b2b2b',
    'textCodeBlock-background': '#0a0a0a66', 'editorWarning-foreground': '#cca700', 'badge-background': '#616161', 'badge-foreground': '#f8f8f8',
    'button-background': '#0078d4', 'button-foreground': '#ffffff', 'button-hoverBackground': '#026ec1',
    'button-secondaryBackground': '#313131', 'button-secondaryForeground': '#cccccc', 'button-secondaryHoverBackground': '#3c3c3c',
    'focusBorder': '#0078d4', 'charts-blue': '#3794ff', 'charts-orange': '#d18616', 'charts-green': '#89d185', 'charts-purple': '#b180d7',
    'inputValidation-warningBackground': '#352a05', 'inputValidation-warningBorder': '#b89500',
    'list-hoverBackground': '#2a2d2e', 'list-inactiveSelectionBackground': '#37373d', 'sideBar-background': '#181818',
    'dropdown-background': '#313131', 'dropdown-foreground': '#cccccc', 'dropdown-border': '#3c3c3c', 'progressBar-background': '#0078d4',
  },
};

/**
 * The page. `fixtureFile` is a script defining window.__fixture; `answer` is the body of a function `(m, send)`
 * run on every message the page posts (`send(msg, ms)` posts `msg` to the page after `ms`). Posted messages are kept
 * in window.__posted and the saved state in window.__state.
 */
export function previewPageHtml(o: { repo: string; theme: PreviewTheme; panel: string; title: string; fixtureFile: string; answer: string }): string {
  const nonce = 'preview-nonce';
  const dist = (f: string) => `file://${path.join(o.repo, 'dist', 'webview', f)}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy('file:', nonce)}">
<link rel="stylesheet" nonce="${nonce}" href="${dist('common.css')}">
<title>${o.title}</title>
</head>
<body class="vscode-${o.theme}">
<main id="root"><p class="muted">Loading...</p></main>
<script nonce="${nonce}" src="file://${o.fixtureFile}"></script>
<script nonce="${nonce}">
  // VS Code sets its theme variables from script too (inline style attributes are blocked by the CSP).
  for (const [k, v] of Object.entries(${JSON.stringify(THEMES[o.theme])})) document.documentElement.style.setProperty('--vscode-' + k, v);
  window.__posted = [];
  window.__state = undefined;
  window.acquireVsCodeApi = () => ({
    getState: () => window.__state,
    setState: (s) => { window.__state = s; },
    postMessage: (m) => {
      window.__posted.push(m);
      const send = (msg, ms) => setTimeout(() => window.postMessage(msg, '*'), ms);
      ${o.answer}
    },
  });
</script>
<script nonce="${nonce}" src="${dist(`${o.panel}.js`)}"></script>
</body>
</html>`;
}
