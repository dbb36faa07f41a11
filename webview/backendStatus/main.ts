/** Backend Status panel (browser side). Renders what the extension sends; keeps the last view for reloads. */
import type { BackendAttempt, StatusResult } from '../../server/protocol';
import type { FromStatusView, StatusViewState, ToStatusView } from '../protocol';
import { acquireApi, clear, el } from '../dom';

const vscode = acquireApi<StatusViewState, FromStatusView>();
const root = document.getElementById('root')!;

const LABELS: Record<string, string> = {
  gpu: 'tfjs-node-gpu: TensorFlow with CUDA',
  node: 'tfjs-node: native TensorFlow on the CPU',
  wasm: 'WebAssembly (XNNPACK)',
  cpu: 'plain JavaScript',
};

function formatUptime(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

function row(label: string, value: Node | string, id?: string): HTMLTableRowElement {
  const td = el('td', {}, value);
  if (id) td.id = id;
  return el('tr', {}, el('th', {}, label), td);
}

function attemptsTable(attempts: BackendAttempt[]): HTMLTableElement {
  return el('table', { className: 'grid', id: 'attempts' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Engine'), el('th', {}, 'Used'), el('th', {}, 'Why'), el('th', {}, 'Time'))),
    el('tbody', {}, ...attempts.map((a) => el('tr', {},
      el('td', {}, el('code', {}, a.kind)),
      el('td', { className: a.ok ? 'ok' : 'no' }, a.ok ? 'yes' : 'no'),
      el('td', {}, a.reason),
      el('td', {}, a.ms >= 1 ? `${Math.round(a.ms)} ms` : ''),
    ))));
}

function renderStatus(s: StatusResult): Node[] {
  const b = s.backend;
  const engine = `${LABELS[b.kind] ?? b.kind}, ${b.threads} thread${b.threads === 1 ? '' : 's'}` +
    (b.simd === null ? '' : b.simd ? ', SIMD' : ', no SIMD');
  const nodes: Node[] = [
    el('table', {},
      row('Engine', engine, 'backend-engine'),
      row('Why', b.reason, 'backend-reason'),
      row('Requested', `${b.requested} (from ${b.requestedBy})`),
      row('Active model', s.activeModel ?? 'none'),
      row('Tensors alive', String(s.numTensors)),
      row('Uptime', formatUptime(s.uptimeMs)),
      row('Engine ready in', `${Math.round(b.initMs)} ms`),
      row('Versions', `backend ${s.serverVersion} · tfjs ${s.tfjsVersion} · Node ${s.nodeVersion} · ${s.platform} · pid ${s.pid}`, 'backend-versions'),
    ),
    el('h2', {}, 'Engines tried at start-up'),
    attemptsTable(b.attempts),
  ];
  if (b.kind !== 'gpu') {
    nodes.push(el('div', { className: 'callout' },
      el('strong', {}, 'Faster training: '),
      'a GPU needs Linux, an NVIDIA driver with CUDA 11.2 and cuDNN 8.1, and ',
      el('code', {}, 'npm install @tensorflow/tfjs-node-gpu'),
      ' in the extension folder; native CPU TensorFlow is ',
      el('code', {}, '@tensorflow/tfjs-node'),
      '. Then set ', el('code', {}, 'brainTumor.backend'), ' or restart the backend. See the README, "GPU training".'));
  }
  return nodes;
}

function render(msg: ToStatusView): void {
  clear(root);
  const kind = msg.status?.backend.kind ?? '—';
  root.append(
    el('h1', {}, 'Backend Status'),
    el('p', {},
      el('span', { className: 'badge', id: 'backend-kind', title: 'The engine the backend computes with' }, kind),
      ' ',
      el('span', { className: `state-${msg.state}`, id: 'backend-state' }, msg.state)),
    el('div', { className: 'toolbar' },
      el('button', { id: 'refresh', onclick: () => vscode.postMessage({ type: 'refresh' }) }, 'Refresh'),
      el('button', { className: 'secondary', id: 'restart', onclick: () => vscode.postMessage({ type: 'restart' }) }, 'Restart Backend'),
      el('button', { className: 'secondary', id: 'logs', onclick: () => vscode.postMessage({ type: 'openLogs' }) }, 'Open Logs')),
  );
  if (msg.error) root.append(el('p', { className: 'callout warn error', id: 'backend-error' }, msg.error));
  if (msg.state === 'untrusted') {
    root.append(el('p', { className: 'callout warn' }, 'The backend reads files of the workspace, so it only runs in a trusted workspace.'));
  }
  if (msg.status) root.append(...renderStatus(msg.status));
  root.append(el('footer', { className: 'muted' }, 'Research use only, not for clinical diagnosis.'));
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const m = e.data as Partial<ToStatusView> | null;
  if (!m || m.type !== 'status') return;
  const msg = m as ToStatusView;
  vscode.setState({ last: msg });
  render(msg);
});

const saved = vscode.getState();
if (saved?.last) render(saved.last);
vscode.postMessage({ type: 'ready' });
