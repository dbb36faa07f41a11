/** Tiny DOM helpers shared by the panels. Text goes in as text nodes, never as HTML. */

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
