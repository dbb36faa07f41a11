/** The Content-Security-Policy of every panel. No vscode import: unit-tested. */

/**
 * Nothing by default; scripts only with this page's nonce; styles, images and fonts only from the extension's
 * own webview folder (`cspSource`) or inline data: images. No remote origin, no eval, no inline handlers.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
  ].join('; ');
}
