/** The `brain-tumor` command line, run as users run it: node dist/cli.js. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { BackendInfo } from '../../server/protocol';
import { LOCALE_VARIABLES } from '../fixtures/runCli';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

function cli(args: string[], env: Record<string, string> = {}) {
  const e: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!env.BRAIN_TUMOR_BACKEND) delete e.BRAIN_TUMOR_BACKEND;
  if (!env.BRAIN_TUMOR_THREADS) delete e.BRAIN_TUMOR_THREADS;
  for (const k of LOCALE_VARIABLES) if (!env[k]) delete e[k]; // English, whatever the developer's locale
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: e, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function nativeInstalled(): boolean {
  return ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'].some((p) => {
    try { require.resolve(p, { paths: [ROOT] }); return true; } catch { return false; }
  });
}

describe('brain-tumor CLI', () => {
  it('prints its version', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = cli(['--version']);
    assert.equal(r.code, 0);
    assert.equal(r.out.trim(), pkg.version);
  });

  it('prints help with the commands', () => {
    const r = cli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.out, /Usage: brain-tumor <command>/);
    assert.match(r.out, /status/);
    assert.match(r.out, /serve/);
  });

  it('status names the engine and why the faster ones were not used', () => {
    const r = cli(['status']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Backend: {2}\w+/m);
    assert.match(r.out, /^Why: {6}\S/m);
    if (!nativeInstalled()) {
      assert.match(r.out, /^Backend: {2}wasm \(WebAssembly \(XNNPACK\)\), \d+ threads?, SIMD$/m);
      assert.match(r.out, /^ {2}gpu {3}no {3}not installed( \(\d+ ms\))?$/m);
      assert.match(r.out, /^ {2}node {2}no {3}not installed( \(\d+ ms\))?$/m);
    }
  });

  it('status --json runs wasm with two threads and SIMD on a two-core machine', () => {
    const r = cli(['status', '--json', '--backend', 'wasm', '--threads', '2']);
    assert.equal(r.code, 0, r.err);
    const { backend } = JSON.parse(r.out) as { backend: BackendInfo };
    assert.equal(backend.kind, 'wasm');
    assert.equal(backend.threads, 2);
    assert.equal(backend.simd, true);
    assert.equal(backend.requestedBy, 'flag');
  });

  it('honours BRAIN_TUMOR_BACKEND', () => {
    const r = cli(['status', '--json'], { BRAIN_TUMOR_BACKEND: 'cpu' });
    assert.equal(r.code, 0, r.err);
    const { backend } = JSON.parse(r.out) as { backend: BackendInfo };
    assert.equal(backend.kind, 'cpu');
    assert.equal(backend.requestedBy, 'env');
  });

  it('rejects bad usage with exit code 2 and a hint', () => {
    for (const args of [['status', '--backend', 'tpu'], ['status', '--threads', '-3'], ['frobnicate'], ['status', '--nope']]) {
      const r = cli(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, /^brain-tumor: /, args.join(' '));
      assert.equal(r.out, '');
    }
  });
});
