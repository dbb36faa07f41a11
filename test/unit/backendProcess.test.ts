/**
 * The real backend as a process: dist/server.js over IPC (as the extension spawns it) and `brain-tumor serve`
 * over stdio (for remote use), each answering `status`, and shutting down cleanly.
 */
import * as assert from 'node:assert/strict';
import { type ChildProcess, fork, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  createMessageConnection, IPCMessageReader, IPCMessageWriter, type MessageConnection, type ResponseError, StreamMessageReader, StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { CancellationTokenSource, InitializeRequest, LogMessageNotification, type LogMessageParams, ShutdownRequest, ExitNotification } from 'vscode-languageserver-protocol';
import * as P from '../../server/protocol';
import { writeSlice, writeTrainingSet } from '../fixtures/images';
import { LOCALE_VARIABLES } from '../fixtures/runCli';

const DIST = path.resolve(__dirname, '../../../dist');

/** The environment of a child with no engine override from the developer's shell. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  if (!extra[P.ENV_BACKEND]) delete env[P.ENV_BACKEND];
  if (!extra[P.ENV_THREADS]) delete env[P.ENV_THREADS];
  for (const k of LOCALE_VARIABLES) if (!extra[k]) delete env[k]; // `serve` takes its language from the locale
  return env;
}

interface Session { conn: MessageConnection; child: ChildProcess; logs: string[]; exited: Promise<number | null> }

async function open(child: ChildProcess, conn: MessageConnection, initializationOptions: unknown = {}): Promise<Session> {
  const logs: string[] = [];
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  conn.onNotification(LogMessageNotification.method, (p: LogMessageParams) => { logs.push(p.message); });
  conn.listen();
  const init = await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid, rootUri: null, capabilities: {}, initializationOptions,
  });
  assert.equal(init.serverInfo?.name, 'brain-tumor-backend');
  return { conn, child, logs, exited };
}

async function close(s: Session): Promise<void> {
  await s.conn.sendRequest(ShutdownRequest.type);
  await s.conn.sendNotification(ExitNotification.type);
  assert.equal(await s.exited, 0, 'the backend exits with 0 after shutdown + exit');
  s.conn.dispose();
}

/** Splits a JSON-RPC byte stream into messages; throws on any byte that is not part of one. */
function parseFrames(buf: Buffer): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  while (i < buf.length) {
    const headerEnd = buf.indexOf('\r\n\r\n', i);
    const header = buf.subarray(i, headerEnd).toString('ascii');
    const m = /^Content-Length: (\d+)$/im.exec(header);
    if (headerEnd < 0 || !m) throw new Error(`not a JSON-RPC frame at byte ${i}: ${JSON.stringify(buf.subarray(i, i + 80).toString())}`);
    const start = headerEnd + 4;
    const len = Number(m[1]);
    out.push(JSON.parse(buf.subarray(start, start + len).toString('utf8')));
    i = start + len;
  }
  return out;
}

describe('backend process over IPC (dist/server.js, as the extension starts it)', () => {
  it('answers status with the engine it chose, then shuts down', async () => {
    const t0 = performance.now();
    const child = fork(path.join(DIST, 'server.js'), ['--node-ipc'], { silent: true, env: cleanEnv() });
    const s = await open(child, createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child)));
    const st = await s.conn.sendRequest(P.status);
    const ms = performance.now() - t0;
    assert.equal(st.pid, child.pid);
    assert.ok(['gpu', 'node', 'wasm', 'cpu'].includes(st.backend.kind));
    assert.ok(st.backend.attempts.some((a) => a.ok && a.kind === st.backend.kind));
    assert.ok(st.uptimeMs >= 0 && st.uptimeMs < ms + 1000);
    assert.ok(s.logs.some((l) => l.startsWith(`Backend ${st.backend.kind}`)), `a start-up log line, got ${JSON.stringify(s.logs)}`);
    console.log(`# backend spawn -> first status reply: ${ms.toFixed(0)} ms (${st.backend.kind})`);
    await close(s);
  });

  it('drops malformed initialization options with a logged warning and still starts', async () => {
    const child = fork(path.join(DIST, 'server.js'), ['--node-ipc'], { silent: true, env: cleanEnv() });
    const s = await open(child, createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child)), { backend: 'tpu', threads: 'lots' });
    const st = await s.conn.sendRequest(P.status);
    assert.equal(st.backend.requested, 'auto');
    assert.ok(s.logs.some((l) => /initializationOptions\.backend ignored/.test(l)));
    assert.ok(s.logs.some((l) => /initializationOptions\.threads ignored/.test(l)));
    await close(s);
  });

  it('takes the engine from initialization options, and the environment variable beats them', async () => {
    const child = fork(path.join(DIST, 'server.js'), ['--node-ipc'], { silent: true, env: cleanEnv({ [P.ENV_BACKEND]: 'cpu' }) });
    const s = await open(child, createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child)), { backend: 'wasm' });
    const st = await s.conn.sendRequest(P.status);
    assert.equal(st.backend.kind, 'cpu');
    assert.equal(st.backend.requestedBy, 'env');
    await close(s);
  });
});

describe('scanDataset over JSON-RPC', () => {
  it('scans with progress, rejects bad params with InvalidParams, and maps layout errors to DatasetLayout', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-rpc-scan-'));
    for (const [cls, shape] of [['glioma', 'circle'], ['notumor', 'none']] as const) {
      for (let i = 0; i < 3; i++) await writeSlice(path.join(dir, 'Training', cls, `${i}.png`), shape, i * 5);
      await writeSlice(path.join(dir, 'Testing', cls, 't.png'), shape, 50);
    }
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-rpc-cache-'));
    const child = fork(path.join(DIST, 'server.js'), ['--node-ipc'], { silent: true, env: cleanEnv() });
    const s = await open(child, createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child)), { cacheDir });
    const progress: P.ScanProgress[] = [];
    s.conn.onProgress(P.scanProgress, 't1', (p) => { progress.push(p); });
    const report = await s.conn.sendRequest(P.scanDataset, { root: dir, progressToken: 't1' });
    assert.equal(report.totals.files, 8);
    assert.equal(report.splits.find((x) => x.split === 'Training')!.classes.glioma.files, 3);
    assert.ok(progress.some((p) => p.phase === 'inspecting' && p.done === 8 && p.total === 8), JSON.stringify(progress));
    assert.ok(fs.readdirSync(path.join(cacheDir, 'scans')).length === 1, 'the scan cache went where the client said');

    await assert.rejects(s.conn.sendRequest(P.scanDataset, { root: 'relative/path' }),
      (e: ResponseError<void>) => e.code === P.ErrorCodes.InvalidParams && /absolute folder path/.test(e.message));
    await assert.rejects(s.conn.sendRequest(P.scanDataset, { root: dir, nearThreshold: 'five' } as unknown as P.ScanDatasetParams),
      (e: ResponseError<void>) => e.code === P.ErrorCodes.InvalidParams);
    await assert.rejects(s.conn.sendRequest(P.scanDataset, { root: path.join(dir, 'Training', 'glioma') }),
      (e: ResponseError<void>) => e.code === P.ErrorCodes.DatasetLayout && /No dataset layout found/.test(e.message));
    await assert.rejects(s.conn.sendRequest(P.scanDataset, { root: path.join(dir, 'nope') }),
      (e: ResponseError<void>) => e.code === P.ErrorCodes.DatasetLayout && /not found/.test(e.message));
    // The backend is still healthy after bad requests.
    assert.equal((await s.conn.sendRequest(P.status)).numTensors, 0);
    await close(s);
  });
});

describe('classify and loadModel over JSON-RPC', () => {
  it('classifies with the bundled model and progress; bad params, missing models and a cancel get their codes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-rpc-classify-'));
    for (let i = 0; i < 40; i++) await writeSlice(path.join(dir, 'many', `${i}.png`), 'circle', i, 64);
    fs.mkdirSync(path.join(dir, 'more'));
    const child = fork(path.join(DIST, 'server.js'), ['--node-ipc'], { silent: true, env: cleanEnv() });
    const s = await open(child, createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child)));
    const info = await s.conn.sendRequest(P.loadModel, {});
    assert.equal(info.bundled, true);
    assert.deepEqual(info.classes, ['glioma', 'meningioma', 'notumor', 'pituitary']);
    const progress: P.ClassifyProgress[] = [];
    s.conn.onProgress(P.classifyProgress, 'c1', (p) => { progress.push(p); });
    const r = await s.conn.sendRequest(P.classify, { paths: [path.join(dir, 'many')], progressToken: 'c1' });
    assert.equal(r.items.length, 40);
    assert.ok(r.items.every((i) => i.ok && Math.abs(i.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-4));
    assert.ok(progress.some((p) => p.done === 40 && p.total === 40), JSON.stringify(progress));
    assert.equal((await s.conn.sendRequest(P.status)).activeModel, info.modelDir);

    await assert.rejects(s.conn.sendRequest(P.classify, { paths: ['relative.png'] }),
      (e: ResponseError<void>) => e.code === P.ErrorCodes.InvalidParams && /absolute path/.test(e.message));
    await assert.rejects(s.conn.sendRequest(P.classify, { paths: [path.join(dir, 'many')], threshold: 2 }),
      (e: ResponseError<void>) => e.code === P.ErrorCodes.InvalidParams && /threshold/.test(e.message));
    await assert.rejects(s.conn.sendRequest(P.loadModel, { modelDir: path.join(dir, 'no-model') }),
      (e: ResponseError<void>) => e.code === P.ErrorCodes.RunFolder && /There is no model in/.test(e.message));
    // A cancel stops a batch between two model batches.
    const source = new CancellationTokenSource();
    for (let i = 0; i < 400; i++) fs.copyFileSync(path.join(dir, 'many', `${i % 40}.png`), path.join(dir, 'more', `${i}.png`));
    const pending = s.conn.sendRequest(P.classify, { paths: [path.join(dir, 'more')] }, source.token);
    setTimeout(() => source.cancel(), 50);
    await assert.rejects(pending, (e: ResponseError<void>) => e.code === P.ErrorCodes.Cancelled);
    const st = await s.conn.sendRequest(P.status);
    assert.ok(st.numTensors > 0, 'the model stays loaded');
    const again = await s.conn.sendRequest(P.classify, { paths: [path.join(dir, 'many', '0.png')] });
    assert.equal(again.items[0]!.ok, true, 'and the backend goes on after a cancel');
    assert.equal((await s.conn.sendRequest(P.status)).numTensors, st.numTensors, 'no tensor left behind by the cancelled batch');
    await close(s);
  });
});

describe('evaluate with external sets and perturbations over JSON-RPC', () => {
  it('scores them with progress per phase, rejects bad params, and leaves no tensor behind', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-rpc-eval-'));
    const data = await writeTrainingSet(path.join(dir, 'data'), 6, 3);
    for (let i = 0; i < 4; i++) {
      await writeSlice(path.join(dir, 'ext', 'yes', `${i}.png`), 'circle', 700 + i, 64);
      await writeSlice(path.join(dir, 'ext', 'no', `${i}.png`), 'none', 800 + i, 64);
    }
    const trained = spawnSync(process.execPath, [path.join(DIST, 'cli.js'), 'train', '--data', data, '--epochs', '1', '--size', '32', '--batch', '8',
      '--runs', path.join(dir, 'runs'), '--no-cache', '--json'], { encoding: 'utf8', env: cleanEnv(), timeout: 120_000 });
    assert.equal(trained.status, 0, trained.stderr);
    const modelDir = (JSON.parse(trained.stdout) as { runDir: string }).runDir;
    const child = fork(path.join(DIST, 'server.js'), ['--node-ipc'], { silent: true, env: cleanEnv() });
    const s = await open(child, createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child)), { cacheDir: path.join(dir, 'cache') });
    const phases = new Set<string>();
    s.conn.onProgress(P.evaluateProgress, 'e1', (p) => { phases.add(`${p.phase}${p.detail ? `:${p.detail}` : ''}`); });
    const before = (await s.conn.sendRequest(P.status)).numTensors;
    const report = await s.conn.sendRequest(P.evaluate, { modelDir, external: [path.join(dir, 'ext')], perturb: true, threshold: 0.6, progressToken: 'e1' });
    assert.equal(report.external[0]!.count, 8);
    assert.equal(report.external[0]!.threshold, 0.6);
    assert.equal(report.perturbations!.length, 13);
    assert.ok(phases.has('external:ext') && [...phases].some((p) => p.startsWith('perturbing:')), [...phases].join(' '));
    assert.equal((await s.conn.sendRequest(P.status)).numTensors, before, 'no tensor left behind by the evaluation');
    for (const bad of [{ external: ['relative/dir'] }, { external: 'not-a-list' }, { perturb: 'yes' }, { threshold: 2 }]) {
      await assert.rejects(s.conn.sendRequest(P.evaluate, { modelDir, ...bad } as unknown as P.EvaluateParams),
        (e: ResponseError<void>) => e.code === P.ErrorCodes.InvalidParams, JSON.stringify(bad));
    }
    await assert.rejects(s.conn.sendRequest(P.evaluate, { modelDir, external: [data] }),
      (e: ResponseError<void>) => e.code === P.ErrorCodes.DatasetLayout && /external set must be another source/.test(e.message));
    await close(s);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('brain-tumor serve (JSON-RPC on stdio)', () => {
  it('speaks only the protocol on stdout, with logs on the channel', async () => {
    const child = spawn(process.execPath, [path.join(DIST, 'cli.js'), 'serve', '--backend', 'wasm', '--threads', '1'], { env: cleanEnv() });
    const raw: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => raw.push(b));
    const s = await open(child, createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin)));
    const st = await s.conn.sendRequest(P.status);
    assert.equal(st.backend.kind, 'wasm');
    assert.equal(st.backend.requestedBy, 'flag');
    assert.equal(st.backend.threads, 1);
    await close(s);
    const frames = parseFrames(Buffer.concat(raw));
    assert.ok(frames.length >= 3, 'initialize, log and status replies at least');
  });
});
