/**
 * The pieces every part of the exported HTML report is made of: escaping (everything that reaches the page goes
 * through esc()) and a plain table. Numbers are written by ../numberFormat.ts, the same as in the panels.
 */

export function escapeHtml(v: unknown): string {
  return String(v).replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}
export const esc = escapeHtml;

/** Cells are HTML (escape them first); the first cell of a body row is a <th>; columns from `numericFrom` are right-aligned. */
export function table(head: string[], rows: string[][], cls = 'grid', numericFrom = 1): string {
  const th = head.map((h, i) => `<th${i >= numericFrom ? ' class="num"' : ''}>${h}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th>${c}</th>` : `<td${i >= numericFrom ? ' class="num"' : ''}>${c}</td>`)).join('')}</tr>`).join('\n');
  return `<table class="${cls}"><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}
