/**
 * The HTML shell of every panel, as a pure function (no vscode import: unit-tested); webviewHtml.ts fills it from
 * VS Code. Besides the strict CSP, the styles and the panel's script, the shell carries the page's language: `<html
 * lang>`, and the message bundle VS Code loaded for its display language as a JSON data block that the page's
 * start-up code (webview/pageLanguage.ts) reads before any script draws a word. A `type="application/json"` script is
 * data, never executed, so the CSP stays as it is: scripts only with the nonce, nothing inline runs.
 */
import { contentSecurityPolicy } from './csp';

/** The id of the JSON block with the bundle (webview/pageLanguage.ts reads it by this id). */
export const BUNDLE_ELEMENT_ID = 'l10n-bundle';

export interface ShellParts {
  /** The webview's cspSource. */
  cspSource: string;
  nonce: string;
  /** Webview URIs of the shared stylesheet and the panel's script. */
  styleHref: string;
  scriptSrc: string;
  title: string;
  /** VS Code's display language (vscode.env.language), e.g. "en" or "tr". */
  language: string;
  /** The extension's messages in that language (vscode.l10n.bundle); undefined in English. */
  bundle: Record<string, unknown> | undefined;
  /** What #root says until the panel's script has drawn. */
  loadingText: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The bundle as JSON that cannot end its <script> element or open a comment: every <, > and & (they occur only inside
 * JSON strings) and the two line separators JavaScript once rejected are written as \\u escapes, which JSON.parse reads back.
 */
export function bundleJson(bundle: Record<string, unknown>): string {
  return JSON.stringify(bundle).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The page's language: VS Code's when there is a bundle to show it with, else English (the messages in the code). */
export function shellLanguage(language: string, bundle: Record<string, unknown> | undefined): string {
  const usable = bundle !== undefined && Object.keys(bundle).length > 0;
  return usable && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(language) ? language : 'en';
}

/** The page; the panel's script renders everything inside #root. */
export function panelShellHtml(p: ShellParts): string {
  const lang = shellLanguage(p.language, p.bundle);
  const bundle = lang !== 'en' && p.bundle
    ? `\n<script type="application/json" id="${BUNDLE_ELEMENT_ID}" nonce="${p.nonce}">${bundleJson(p.bundle)}</script>` : '';
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(p.cspSource, p.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${p.nonce}" href="${p.styleHref}">
<title>${escapeHtml(p.title)}</title>${bundle}
</head>
<body>
<main id="root" aria-live="polite"><p class="muted">${escapeHtml(p.loadingText)}</p></main>
<script nonce="${p.nonce}" src="${p.scriptSrc}"></script>
</body>
</html>`;
}
