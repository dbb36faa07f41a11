/** Backend Status panel (browser side). Renders what the extension sends; keeps the last view for reloads. */
import '../pageLanguage';
import * as l10n from '@vscode/l10n';
import type { BackendAttempt, StatusResult } from '../../server/protocol';
import type { BackendViewState, FromStatusView, StatusViewState, ToStatusView } from '../protocol';
import { acquireApi, clear, el, fill } from '../dom';
import { disclaimer, durationText, msText, threadsText } from '../texts';

const vscode = acquireApi<StatusViewState, FromStatusView>();
const root = document.getElementById('root')!;

/** What each engine is, for people; the engine's id (wasm, gpu, ...) is shown as it is. */
function engineLabel(kind: string): string {
  switch (kind) {
    case 'gpu': return l10n.t('tfjs-node-gpu: TensorFlow with CUDA');
    case 'node': return l10n.t('tfjs-node: native TensorFlow on the CPU');
    case 'wasm': return 'WebAssembly (XNNPACK)';
    case 'cpu': return l10n.t('plain JavaScript');
    default: return kind;
  }
}

/** The backend's state in words (the element keeps the state's id in English as data-state). */
function stateText(state: BackendViewState): string {
  switch (state) {
    case 'stopped': return l10n.t({ message: 'stopped', comment: ['The backend\'s state'] });
    case 'starting': return l10n.t({ message: 'starting', comment: ['The backend\'s state'] });
    case 'running': return l10n.t({ message: 'running', comment: ['The backend\'s state'] });
    case 'failed': return l10n.t({ message: 'failed', comment: ['The backend\'s state'] });
    case 'untrusted': return l10n.t({ message: 'untrusted', comment: ['The backend\'s state'] });
    default: return String(state);
  }
}

function formatUptime(ms: number): string {
  return durationText(Math.floor(ms / 1000), false);
}

function row(label: string, value: Node | string, id?: string): HTMLTableRowElement {
  const td = el('td', {}, value);
  if (id) td.id = id;
  return el('tr', {}, el('th', {}, label), td);
}

function attemptsTable(attempts: BackendAttempt[]): HTMLTableElement {
  return el('table', { className: 'grid', id: 'attempts' },
    el('thead', {}, el('tr', {}, el('th', {}, l10n.t('Engine')), el('th', {}, l10n.t('Used')), el('th', {}, l10n.t('Why')), el('th', {}, l10n.t('Time')))),
    el('tbody', {}, ...attempts.map((a) => el('tr', {},
      el('td', {}, el('code', {}, a.kind)),
      el('td', { className: a.ok ? 'ok' : 'no' }, a.ok ? l10n.t('yes') : l10n.t('no')),
      el('td', {}, a.reason),
      el('td', {}, a.ms >= 1 ? msText(a.ms) : ''),
    ))));
}

function renderStatus(s: StatusResult): Node[] {
  const b = s.backend;
  const engine = `${engineLabel(b.kind)}, ${threadsText(b.threads)}` + (b.simd === null ? '' : b.simd ? ', SIMD' : l10n.t(', no SIMD'));
  const nodes: Node[] = [
    el('table', {},
      row(l10n.t('Engine'), engine, 'backend-engine'),
      row(l10n.t('Why'), b.reason, 'backend-reason'),
      row(l10n.t('Requested'), l10n.t('{0} (from {1})', b.requested, b.requestedBy)),
      row(l10n.t('Active model'), s.activeModel ?? l10n.t({ message: 'none', comment: ['No model is active'] })),
      row(l10n.t('Tensors alive'), String(s.numTensors)),
      row(l10n.t('Uptime'), formatUptime(s.uptimeMs)),
      row(l10n.t('Engine ready in'), msText(b.initMs)),
      row(l10n.t('Versions'), l10n.t('backend {0} · tfjs {1} · Node {2} · {3} · pid {4}', s.serverVersion, s.tfjsVersion, s.nodeVersion, s.platform, String(s.pid)),
        'backend-versions'),
    ),
    el('h2', {}, l10n.t('Engines tried at start-up')),
    attemptsTable(b.attempts),
  ];
  if (b.kind !== 'gpu') {
    nodes.push(el('div', { className: 'callout' },
      el('strong', {}, l10n.t('Faster training: ')),
      ...fill(l10n.t('a GPU needs Linux, an NVIDIA driver with CUDA 11.2 and cuDNN 8.1, and {0} in the extension folder; native CPU TensorFlow is {1}. Then set {2} or restart the backend. See the README, "GPU training".'),
      el('code', {}, 'npm install @tensorflow/tfjs-node-gpu'), el('code', {}, '@tensorflow/tfjs-node'), el('code', {}, 'brainTumor.backend'))));
  }
  return nodes;
}

function render(msg: ToStatusView): void {
  clear(root);
  const kind = msg.status?.backend.kind ?? '—';
  const state = el('span', { className: `state-${msg.state}`, id: 'backend-state' }, stateText(msg.state));
  state.dataset.state = msg.state;
  root.append(
    el('h1', {}, l10n.t('Backend Status')),
    el('p', {},
      el('span', { className: 'badge', id: 'backend-kind', title: l10n.t('The engine the backend computes with') }, kind),
      ' ',
      state),
    el('div', { className: 'toolbar' },
      el('button', { id: 'refresh', onclick: () => vscode.postMessage({ type: 'refresh' }) }, l10n.t('Refresh')),
      el('button', { className: 'secondary', id: 'restart', onclick: () => vscode.postMessage({ type: 'restart' }) }, l10n.t('Restart Backend')),
      el('button', { className: 'secondary', id: 'logs', onclick: () => vscode.postMessage({ type: 'openLogs' }) }, l10n.t('Open Logs'))),
  );
  if (msg.error) root.append(el('p', { className: 'callout warn error', id: 'backend-error' }, msg.error));
  if (msg.state === 'untrusted') {
    root.append(el('p', { className: 'callout warn' }, l10n.t('The backend reads files of the workspace, so it only runs in a trusted workspace.')));
  }
  if (msg.status) root.append(...renderStatus(msg.status));
  root.append(el('footer', { className: 'muted' }, disclaimer()));
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
