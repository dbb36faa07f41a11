// `npm test`: builds, checks types and lint, then runs every suite and prints one closing line
// "N passed, N failed" counting each test that ran. Exits non-zero on any failure.
//   unit         node:test on the server and the pure extension logic (and the real backend as a process)
//   integration  mocha inside a real VS Code extension host (code-server here; see test/runIntegration.mjs)
//   ui           Playwright drives the workbench in headless Chromium, with the packaged VSIX installed
// BRAIN_TUMOR_TEST_SUITES=unit,integration picks suites (all by default).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = path.join(REPO, 'test-results');
const wanted = (process.env.BRAIN_TUMOR_TEST_SUITES ?? 'unit,integration,ui').split(',').map((s) => s.trim());
const totals = { passed: 0, failed: 0 };
const timings = [];

function run(label, cmd, args, opts = {}) {
  const t0 = Date.now();
  console.log(`\n=== ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: REPO, stdio: 'inherit', ...opts });
  timings.push(`${label} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return r.status ?? 1;
}

/** Counts from a TAP stream written by node --test (its "# pass N" / "# fail N" summary). */
function tapCounts(file) {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const num = (k) => Number(new RegExp(`^# ${k} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { passed: num('pass'), failed: num('fail') };
}

function nodeTestSuite(label, files) {
  const tap = path.join(RESULTS, `${label}.tap`);
  fs.rmSync(tap, { force: true });
  const code = run(label, process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec',
    '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...(process.env.BRAIN_TUMOR_TEST_NAME ? [`--test-name-pattern=${process.env.BRAIN_TUMOR_TEST_NAME}`] : []), ...files]);
  const c = tapCounts(tap);
  if (Number.isNaN(c.passed)) return record(label, { passed: 0, failed: 1 }, `${label}: no test summary (crashed?)`);
  return record(label, { passed: c.passed, failed: c.failed + (code !== 0 && c.failed === 0 ? 1 : 0) });
}

function record(label, c, note) {
  totals.passed += c.passed;
  totals.failed += c.failed;
  console.log(`--- ${label}: ${c.passed} passed, ${c.failed} failed${note ? ` (${note})` : ''}`);
}

function check(label, cmd, args) {
  if (run(label, cmd, args) !== 0) record(label, { passed: 0, failed: 1 }, `${label} failed`);
}

const list = (dir, suffix) => fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(suffix)).sort().map((f) => path.join(dir, f)) : [];

fs.mkdirSync(RESULTS, { recursive: true });
const t0 = Date.now();
const npx = (bin) => path.join(REPO, 'node_modules', '.bin', bin);
if (run('build', process.execPath, ['esbuild.js', '--tests']) !== 0) {
  record('build', { passed: 0, failed: 1 }, 'build failed');
} else {
  // Each side with its own settings (server and extension: node only; webview: DOM only), then the tests.
  for (const side of ['server', 'extension', 'webview', '.']) check(`typecheck ${side}`, npx('tsc'), ['--noEmit', '-p', side]);
  check('lint', npx('eslint'), ['.']);
  if (wanted.includes('unit')) nodeTestSuite('unit', list(path.join(REPO, 'out/test/unit'), '.test.js'));
  if (wanted.includes('integration')) {
    const code = run('integration', process.execPath, ['test/runIntegration.mjs']);
    const file = path.join(RESULTS, 'integration.json');
    const c = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : { passed: 0, failed: 1 };
    record('integration', { passed: c.passed, failed: c.failed + (code !== 0 && c.failed === 0 ? 1 : 0) });
  }
  if (wanted.includes('ui')) nodeTestSuite('ui', list(path.join(REPO, 'test/e2e'), '.test.mjs'));
}
console.log(`\nTimes: ${timings.join(', ')}; total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
