/** The extension's logic that does not need VS Code: crash policy, status bar text, message validation, CSP. */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CRASH_WINDOW_MS, CrashPolicy, MAX_CRASHES } from '../../extension/crashPolicy';
import { contentSecurityPolicy } from '../../extension/panels/csp';
import { parseFromStatusView } from '../../extension/panels/statusMessages';
import { describeBackend, describeModel } from '../../extension/statusText';
import { resumableAfterBackendLoss } from '../../extension/training/resumeRules';
import { prepareFolder } from '../../extension/workspaceFolder';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ModelInfo, StatusResult } from '../../server/protocol';

describe('CrashPolicy', () => {
  it('restarts every time but tells the user only once', () => {
    let t = 0;
    const p = new CrashPolicy(() => t);
    const first = p.onCrash();
    t += 1000;
    const second = p.onCrash();
    assert.deepEqual(first, { restart: true, tellUser: true });
    assert.deepEqual(second, { restart: true, tellUser: false });
  });

  it('gives up after a burst of crashes, and a manual restart starts the count afresh', () => {
    let t = 0;
    const p = new CrashPolicy(() => t);
    for (let i = 0; i < MAX_CRASHES; i++) { assert.equal(p.onCrash().restart, true); t += 1000; }
    assert.deepEqual(p.onCrash(), { restart: false, tellUser: true });
    p.reset();
    assert.equal(p.onCrash().restart, true);
  });

  it('forgets crashes older than the window', () => {
    let t = 0;
    const p = new CrashPolicy(() => t);
    for (let i = 0; i < 20; i++) { assert.equal(p.onCrash().restart, true, `crash ${i}`); t += CRASH_WINDOW_MS / MAX_CRASHES + 1; }
  });
});

const status = (over: Partial<StatusResult['backend']> = {}): StatusResult => ({
  serverVersion: '0.1.0', tfjsVersion: '4.22.0', nodeVersion: 'v24', platform: 'linux x64', pid: 1, uptimeMs: 5,
  activeModel: null, numTensors: 0,
  backend: { kind: 'wasm', tfBackend: 'wasm', reason: 'because', requested: 'auto', requestedBy: 'default', threads: 2, simd: true, attempts: [], initMs: 10, ...over },
});

describe('describeBackend (status bar)', () => {
  it('shows the engine and its threads when running', () => {
    const d = describeBackend('running', status());
    assert.equal(d.text, '$(pulse) wasm ×2');
    assert.match(d.tooltip, /wasm, 2 thread\(s\), SIMD\nbecause/);
    assert.equal(d.warn, false);
  });
  it('warns when a requested engine fell back to another', () => {
    assert.equal(describeBackend('running', status({ requested: 'gpu', kind: 'wasm' })).warn, true);
    assert.equal(describeBackend('running', status({ requested: 'cpu', kind: 'cpu', threads: 1 })).text, '$(pulse) cpu');
  });
  it('says why the backend is down', () => {
    assert.match(describeBackend('failed', undefined, 'crashed 5 times').tooltip, /crashed 5 times/);
    assert.match(describeBackend('untrusted', undefined).tooltip, /not trusted/);
  });
  it('says a backend that has not started yet starts on first use, without a warning', () => {
    const d = describeBackend('stopped', undefined);
    assert.match(d.tooltip, /starts when a Brain Tumor command needs it/);
    assert.equal(d.warn, false);
  });
});

describe('parseFromStatusView', () => {
  it('accepts the known messages only', () => {
    assert.deepEqual(parseFromStatusView({ type: 'refresh' }), { type: 'refresh' });
    assert.deepEqual(parseFromStatusView({ type: 'restart', extra: 'dropped' }), { type: 'restart' });
    for (const bad of [null, 'refresh', 42, {}, { type: 'eval', code: 'x' }, { type: ['ready'] }]) {
      assert.equal(parseFromStatusView(bad), undefined, JSON.stringify(bad));
    }
  });
});

describe('contentSecurityPolicy', () => {
  it('allows nothing remote and scripts only with the nonce', () => {
    const csp = contentSecurityPolicy('https://file+.vscode-resource.vscode-cdn.net', 'abc123');
    assert.match(csp, /^default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*|http:/);
  });
});

describe('describeModel (status bar)', () => {
  const info: ModelInfo = {
    modelDir: '/ext/models/brain-tumor-cnn', bundled: true, runId: 'r1', architecture: 'seed-cnn', inputSize: 128, channels: 1, params: 2602116,
    classes: ['glioma', 'meningioma', 'notumor', 'pituitary'], temperature: 0.7, featureStats: true, createdAt: '2026-11-30T00:00:00Z',
    evaluation: { official: { accuracy: 0.9612, macroF1: 0.96, ece: 0.02, count: 1311 }, deduplicated: { accuracy: 0.95, macroF1: 0.95, ece: 0.02, count: 883 } },
  };
  it('names a bundled model and its Testing accuracy, official and deduplicated', () => {
    const d = describeModel(info);
    assert.equal(d.text, '$(package) seed-cnn (bundled)');
    assert.match(d.tooltip, /Testing accuracy 96\.1% official, 95\.0% deduplicated/);
    assert.match(d.tooltip, /2,602,116 parameters/);
    assert.match(d.tooltip, /Calibrated \(temperature 0\.7\)/);
  });
  it('names a run by its id, and says when it was never evaluated', () => {
    const d = describeModel({ ...info, bundled: false, modelDir: '/ws/.brain-tumor/runs/2026-11-30_17-21-20-seed-cnn', runId: '2026-11-30_17-21-20-seed-cnn', evaluation: null, temperature: null });
    assert.equal(d.text, '$(package) 2026-11-30_17-21-20-seed-cnn');
    assert.match(d.tooltip, /not evaluated yet/);
    assert.match(d.tooltip, /Not calibrated/);
  });
  it('names an exported copy by its folder, not by the run it came from (whose id it keeps)', () => {
    const d = describeModel({ ...info, bundled: false, modelDir: '/ws/exported-model', runId: '2026-11-30_17-21-20-seed-cnn' });
    assert.equal(d.text, '$(package) exported-model');
  });
});

describe('Resume after the backend died', () => {
  const progress = (phase: 'loading' | 'training' | 'evaluating' | 'finished') =>
    ({ runId: 'r', phase, epoch: 3, epochs: 10, batch: 0, batches: 0, loss: 0, acc: 0, imgPerSec: 0, etaSec: null });
  it('is offered only for a run whose training was still going, with an epoch on disk', () => {
    assert.equal(resumableAfterBackendLoss({ history: [1, 2, 3], config: { epochs: 10 }, progress: progress('training') }), true);
    assert.equal(resumableAfterBackendLoss({ history: [], config: { epochs: 10 }, progress: progress('loading') }), false, 'nothing finished');
    assert.equal(resumableAfterBackendLoss({ history: new Array(10).fill(0), config: { epochs: 10 }, progress: progress('evaluating') }), false, 'all epochs done');
    assert.equal(resumableAfterBackendLoss({ history: [1, 2, 3, 4], config: { epochs: 10 }, progress: progress('evaluating') }), false,
      'stopped early, then the evaluation: the run had finished');
    assert.equal(resumableAfterBackendLoss({ history: [1, 2], config: { epochs: 10 }, progress: progress('finished') }), false);
  });
});

describe('workspace trust', () => {
  it('writes nothing into an untrusted workspace, and a git-ignored folder into a trusted one', () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-trust-'));
    const base = path.join(ws, '.brain-tumor');
    assert.equal(prepareFolder(path.join(base, 'cache'), false, base), false);
    assert.deepEqual(fs.readdirSync(ws), [], 'untrusted: no .brain-tumor folder, no .gitignore');
    assert.equal(prepareFolder(path.join(base, 'cache'), true, base), true);
    assert.equal(fs.readFileSync(path.join(base, '.gitignore'), 'utf8'), '*\n');
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('keeps the settings that point at folders or engines from an untrusted workspace', () => {
    const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as {
      capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations?: string[] } };
    };
    const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations ?? [];
    for (const key of ['brainTumor.runsFolder', 'brainTumor.backend', 'brainTumor.threads']) assert.ok(restricted.includes(key), key);
  });
});
