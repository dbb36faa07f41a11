/** Tiny DOM helpers shared by the panels. Text goes in as text nodes, never as HTML. */
// Every panel uses these helpers: importing the page's language here too means no panel can draw before it is set.
import './pageLanguage';

export interface VsCodeApi<S, M> {
  postMessage(message: M): void;
  getState(): S | undefined;
  setState(state: S): void;
}

declare function acquireVsCodeApi<S, M>(): VsCodeApi<S, M>;

/** Typed acquireVsCodeApi(); VS Code allows calling it once per page. */
export function acquireApi<S, M>(): VsCodeApi<S, M> {
  return acquireVsCodeApi<S, M>();
}

type Props<K extends keyof HTMLElementTagNameMap> = Partial<Omit<HTMLElementTagNameMap[K], 'style'>>;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props<K>, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

export function clear(node: Element): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/**
 * A translated sentence whose placeholders {0}, {1}, ... stand for elements (a <code>, a link): the text around them
 * as strings and the parts in their places, ready for el() or append(). Translations may move the placeholders.
 */
export function fill(template: string, ...parts: (Node | string)[]): (Node | string)[] {
  const out: (Node | string)[] = [];
  let last = 0;
  for (const m of template.matchAll(/\{(\d+)\}/g)) {
    if (m.index > last) out.push(template.slice(last, m.index));
    out.push(parts[Number(m[1])] ?? m[0]);
    last = m.index + m[0].length;
  }
  if (last < template.length) out.push(template.slice(last));
  return out;
}
