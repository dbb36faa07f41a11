/**
 * Fault injection (issue 13): the product under the failures users meet, on the real CLI and backend processes.
 *  - kill -9 of `brain-tumor train` at 10 seeded-random moments of a small training, resumed each time: the run
 *    completes with weights.bin bit for bit equal to an uninterrupted run's; the same for the extension's backend
 *    (dist/server.js over IPC) killed during training and resumed by a new backend;
 *  - a full disk while a checkpoint is written (ENOSPC injected into the CLI's file writes): the previous
 *    checkpoint stays intact, the message says what happened, and the run resumes from it to the same weights;
 *  - a scan of a folder of 100 bad files of every kind: it completes, each file with its verdict, memory bounded;
 *  - classification keeps answering while a training runs, and a cancel lands within one batch.
 * Figures (kill moments, times, memory) are printed for the notes.
 */
import * as assert from 'node:assert/strict';
import { type ChildProcess, fork, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, type MessageConnection } from 'vscode-languageserver-protocol/node';
import { ExitNotification, InitializeRequest, ShutdownRequest } from 'vscode-languageserver-protocol';
import * as P from '../../server/protocol';
import { seededRandom } from '../../server/data/splitDataset';
import { scanDataset } from '../../server/data/scanDataset';
import { encodeBmp, pngHeaderBomb, write, writeSlice, writeTrainingSet } from '../fixtures/images';
import { CLI, LOCALE_VARIABLES, runCli, ROOT } from '../fixtures/runCli';

const SERVER = path.join(ROOT, 'dist', 'server.js');
/** A small training: 6 images per class, 32 px, batch 4, 5 epochs (the default recipe otherwise: resnet, AdamW, EMA). */
const TRAIN = ['--size', '32', '--batch', '4', '--epochs', '5', '--seed', '7', '--no-cache'];
const CONFIG: Partial<P.TrainConfig> = { inputSize: 32, batchSize: 4, epochs: 5, seed: 7 };

function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env[P.ENV_BACKEND];
  delete env[P.ENV_THREADS];
  for (const k of LOCALE_VARIABLES) delete env[k]; // English, whatever the developer's locale
  return env;
}

interface Spawned { code: number | null; signal: NodeJS.Signals | null; err: string; out: string; /** From the "Run" line to the exit. */ runMs: number }

/**
 * Runs the CLI; `killAfterMs` sends SIGKILL that long after the run has started (its "Run ... in" line: engine up,
 * run folder made), so the kills fall in loading, training and checkpointing whatever the machine's speed.
 */
function runKillable(args: string[], cwd: string, killAfterMs?: number, extra: string[] = []): Promise<Spawned> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...extra, CLI, ...args], { cwd, env: cleanEnv() });
    let err = '', out = '';
    let timer: NodeJS.Timeout | undefined;
    let started = 0;
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (!started && /^Run \S+ in /m.test(err)) {
        started = performance.now();
        if (killAfterMs !== undefined) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal, err, out, runMs: started ? performance.now() - started : 0 }); });
  });
}

const runDirOf = (err: string) => /^Run \S+ in (.+)$/m.exec(err)?.[1]?.trim();

describe('fault injection', () => {
  let tmp: string, data: string, reference: Buffer, referenceMs: number;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-faults-'));
    data = await writeTrainingSet(path.join(tmp, 'data'), 6, 0);
    const r = await runKillable(['train', '--data', data, '--runs', path.join(tmp, 'ref'), ...TRAIN, '--json'], tmp);
    assert.equal(r.code, 0, r.err);
    reference = fs.readFileSync(path.join((JSON.parse(r.out) as P.TrainEnd).runDir, 'weights.bin'));
    referenceMs = r.runMs;
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('CLI training killed with SIGKILL at 10 random moments, resumed each time, ends bit for bit as an uninterrupted run', async () => {
    const rand = seededRandom(2026);
    const runs = path.join(tmp, 'killed');
    let runDir: string | undefined;
    const log: string[] = [];
    let kills = 0, completed = 0;
    const finish = (dir: string) => {
      // Every run that completes, however often it was killed, holds the uninterrupted run's weights.
      assert.ok(fs.readFileSync(path.join(dir, 'weights.bin')).equals(reference), `${dir}: weights.bin differs from the uninterrupted run`);
      assert.equal(fs.existsSync(path.join(dir, 'run.lock')), false, 'the lock is released at the end');
      completed++;
      log.push(`run ${completed} completed`);
      runDir = undefined;
    };
    const t0 = performance.now();
    for (let attempt = 0; attempt < 60 && (kills < 10 || runDir || completed === 0); attempt++) {
      const args = runDir ? ['train', '--resume', runDir, '--no-cache', '--json'] : ['train', '--data', data, '--runs', runs, ...TRAIN, '--json'];
      // Anywhere in the run, from loading to the final evaluation (scaled to how long the uninterrupted run took).
      const at = kills < 10 ? Math.round(rand() * referenceMs) : undefined;
      const r = await runKillable(args, tmp, at);
      if (r.signal === 'SIGKILL') {
        kills++;
        runDir ??= runDirOf(r.err);
        const epochs = runDir && fs.existsSync(path.join(runDir, 'history.json')) ? (JSON.parse(fs.readFileSync(path.join(runDir, 'history.json'), 'utf8')) as unknown[]).length : 0;
        log.push(`kill ${kills} at ${at} ms (${runDir ? `${epochs} epochs on disk` : 'before the run folder existed'})`);
        continue;
      }
      if (r.code !== 0 && /no checkpoint to resume from \(no epoch finished/.test(r.err)) {
        // Killed before the first epoch's checkpoint: nothing to resume; a new run starts over (same seed).
        log.push('no epoch had finished: started again');
        runDir = undefined;
        continue;
      }
      if (r.code !== 0 && runDir && /already finished \(completed\)/.test(r.err)) { finish(runDir); continue; } // killed during the final evaluation
      assert.equal(r.code, 0, `attempt ${attempt}: ${r.err}`);
      const end = JSON.parse(r.out) as P.TrainEnd;
      assert.equal(end.outcome, 'completed');
      finish(end.runDir);
    }
    assert.equal(kills, 10, log.join('; '));
    assert.ok(completed >= 1 && runDir === undefined, log.join('; '));
    console.log(`[figures] CLI kill -9 x${kills} (uninterrupted run ${Math.round(referenceMs)} ms), ${completed} run(s) completed bit-identical: ${log.join('; ')}; ${Math.round((performance.now() - t0) / 1000)} s in all`);
  });

  it('the extension\'s backend killed with SIGKILL at 5 random moments of a training: new backends resume it to the same weights', async () => {
    const rand = seededRandom(77);
    const runsDir = path.join(tmp, 'server-runs');
    let runDir: string | undefined;
    const log: string[] = [];
    let kills = 0;
    for (let round = 0; round < 20; round++) {
      const s = await openServer();
      const ended = new Promise<P.TrainEnd>((r) => s.conn.onNotification(P.trainEnd, r));
      let started: P.TrainStarted;
      try {
        started = await s.conn.sendRequest(P.train, runDir ? { resumeRunDir: runDir } : { dataRoot: data, runsDir, config: CONFIG });
      } catch (e) {
        // Killed before the first epoch was saved: nothing to resume, so a new run (same seed) starts over.
        assert.match((e as Error).message, /no checkpoint to resume from \(no epoch finished/);
        log.push('no epoch had finished: started again');
        runDir = undefined;
        await closeServer(s);
        continue;
      }
      runDir = started.runDir;
      if (kills < 5) {
        const at = Math.round(rand() * referenceMs);
        const outcome = await Promise.race([ended.then(() => 'ended'), new Promise<string>((r) => setTimeout(() => r('kill'), at))]);
        if (outcome === 'kill') {
          s.child.kill('SIGKILL');
          await s.exited;
          s.conn.dispose();
          kills++;
          const epochs = fs.existsSync(path.join(runDir, 'history.json')) ? (JSON.parse(fs.readFileSync(path.join(runDir, 'history.json'), 'utf8')) as unknown[]).length : 0;
          log.push(`kill ${kills} at ${at} ms (${epochs} epochs on disk)`);
          continue;
        }
      }
      const end = await ended;
      assert.equal(end.outcome, 'completed', end.message);
      await closeServer(s);
      assert.ok(fs.readFileSync(path.join(runDir, 'weights.bin')).equals(reference), `the same weights as the CLI's uninterrupted run (${log.join('; ')})`);
      if (kills >= 5) break;
      log.push('completed');
      runDir = undefined; // more kills to go: a new run
    }
    assert.equal(kills, 5, log.join('; '));
    console.log(`[figures] backend kill -9 x${kills}: ${log.join('; ')}; completed bit-identical`);
  });

  it('a full disk while a checkpoint is written keeps the previous one and resumes from it', async () => {
    // Preloaded into the CLI: the third write into a checkpoint.new folder fails as a full disk would.
    const preload = path.join(tmp, 'full-disk.js');
    fs.writeFileSync(preload, `
      const fs = require('node:fs');
      const paths = new Map();
      const open = fs.openSync, writeSync = fs.writeSync;
      let writes = 0;
      fs.openSync = function (p, ...rest) { const fd = open.call(fs, p, ...rest); paths.set(fd, String(p)); return fd; };
      fs.writeSync = function (fd, ...rest) {
        if ((paths.get(fd) || '').includes('checkpoint.new') && ++writes === 8) {
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
        }
        return writeSync.call(fs, fd, ...rest);
      };`);
    // Each checkpoint writes five files (weights.bin, model.json, optimizer.bin, optimizer.json, state.json): the
    // 8th write is optimizer.bin of the second epoch's checkpoint, so the intact one is the first epoch's.
    const r = await runKillable(['train', '--data', data, '--runs', path.join(tmp, 'full'), ...TRAIN, '--json'], tmp, undefined, ['--require', preload]);
    assert.notEqual(r.code, 0);
    const end = JSON.parse(r.out || '{}') as Partial<P.TrainEnd>;
    assert.equal(end.outcome, 'failed', r.err);
    assert.match(end.message ?? '', /the disk is full \(ENOSPC\)\. The checkpoint of epoch 1 is intact: fix that, then resume the run/);
    const runDir = end.runDir!;
    const state = JSON.parse(fs.readFileSync(path.join(runDir, 'checkpoint', 'state.json'), 'utf8')) as { nextEpoch: number };
    assert.equal(state.nextEpoch, 1, 'the first epoch\'s checkpoint, intact');
    assert.equal(fs.readdirSync(path.join(runDir, 'checkpoint')).some((f) => f.includes('.tmp-')), false, 'no half-written file in the intact checkpoint');
    const resumed = runCli(['train', '--resume', runDir, '--no-cache', '--json'], { cwd: tmp });
    assert.equal(resumed.code, 0, resumed.err);
    assert.ok(fs.readFileSync(path.join(runDir, 'weights.bin')).equals(reference), 'resumed to the uninterrupted weights');
  });

  it('scans a folder of 100 bad files of every kind: each gets its verdict, memory stays bounded', async () => {
    const root = path.join(tmp, 'bad');
    const dir = path.join(root, 'glioma');
    const hugeBmp = encodeBmp(Buffer.alloc(3), 1, 1);
    hugeBmp.writeInt32LE(9000, 18);
    hugeBmp.writeInt32LE(9000, 22);
    const good = fs.readFileSync(await writeSlice(path.join(tmp, 'good.png'), 'circle', 1, 64));
    const kinds: Record<string, (i: number) => [string, Buffer | string]> = {
      empty: (i) => [`empty-${i}.png`, ''],
      truncated: (i) => [`truncated-${i}.png`, good.subarray(0, 60 + i)],
      text: (i) => [`text-${i}.jpg`, `not an image, line ${i}\n`.repeat(20)],
      bomb: (i) => [`bomb-${i}.png`, pngHeaderBomb(30000 + i, 30000)],
      hugeBmp: (i) => [`huge-${i}.bmp`, hugeBmp],
    };
    const names = Object.keys(kinds);
    for (let i = 0; i < 96; i++) {
      const [name, bytes] = kinds[names[i % names.length]!]!(i);
      write(path.join(dir, name), bytes);
    }
    // A symlink loop (a folder link to its own parent), a dangling link, and a folder that cannot be read.
    fs.symlinkSync(dir, path.join(dir, 'loop'));
    fs.symlinkSync(path.join(tmp, 'nowhere.png'), path.join(dir, 'dangling.png'));
    write(path.join(dir, 'locked', 'a.png'), good);
    write(path.join(dir, 'locked', 'b.png'), good);
    const locked = path.join(dir, 'locked');
    const readDir = async (d: string) => {
      if (d === locked) throw Object.assign(new Error(`EACCES: permission denied, scandir '${d}'`), { code: 'EACCES' });
      return fs.promises.readdir(d, { withFileTypes: true });
    };
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 5);
    const t0 = performance.now();
    const { report } = await scanDataset(root, { cacheDir: null, readDir });
    clearInterval(sampler);
    const ms = performance.now() - t0;
    const kindOf = (rel: string) => report.problems.filter((p) => p.rel === rel).map((p) => p.kind);
    let checked = 0;
    for (let i = 0; i < 96; i++) {
      const [name] = kinds[names[i % names.length]!]!(i);
      const got = kindOf(`glioma/${name}`);
      const want = { empty: 'empty', truncated: 'corrupt', text: 'not-image', bomb: 'too-large', hugeBmp: 'too-large' }[names[i % names.length]!]!;
      assert.ok(got.includes(want as P.ProblemKind), `${name}: ${JSON.stringify(got)} should include ${want}`);
      checked++;
    }
    assert.deepEqual(kindOf('glioma/locked'), ['unreadable']);
    const ignored = new Map(report.ignored.map((g) => [g.rel, g.reason]));
    assert.equal(ignored.get('glioma/loop'), 'not a regular file');
    assert.equal(ignored.get('glioma/dangling.png'), 'not a regular file');
    checked += 3 + 1; // the two links, the locked folder (counted once), and the scan finishing at all
    const growthMb = (peak - rss0) / 2 ** 20;
    assert.ok(growthMb < 300, `resident memory grew by ${growthMb.toFixed(0)} MB (bound 300 MB)`);
    console.log(`[figures] bad-file scan: ${checked} verdicts checked (96 files + 2 links + 1 unreadable folder + completion) in ${Math.round(ms)} ms; peak RSS growth ${growthMb.toFixed(0)} MB`);
  });

  it('classification keeps answering while a training runs, and a cancel lands within one batch', async () => {
    const s = await openServer();
    const bigger = await writeTrainingSet(path.join(tmp, 'bigger'), 16, 0);
    const image = path.join(bigger, 'Training', 'glioma', 'glioma-0.png');
    const ended = new Promise<P.TrainEnd>((r) => s.conn.onNotification(P.trainEnd, r));
    const batches: number[] = [];
    let cancelledAt = -1;
    s.conn.onNotification(P.trainProgress, (p) => { if (p.phase === 'training') batches.push(p.epoch * 1000 + p.batch); });
    const started = await s.conn.sendRequest(P.train, { dataRoot: bigger, runsDir: path.join(tmp, 'busy'), config: { ...CONFIG, epochs: 50 } });
    while (batches.length < 3) await new Promise((r) => setTimeout(r, 50));
    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const r = await s.conn.sendRequest(P.classify, { paths: [image], explain: true });
      latencies.push(performance.now() - t0);
      assert.equal(r.items[0]!.ok, true);
    }
    const before = batches.length;
    assert.ok(before >= 3, 'training went on');
    cancelledAt = batches.at(-1)!;
    void s.conn.sendNotification(P.cancelTraining, { runId: started.runId });
    const end = await ended;
    assert.equal(end.outcome, 'cancelled');
    const after = batches.filter((b) => b > cancelledAt);
    // Progress is throttled, so count training steps from the notifications that did arrive: at most one more.
    assert.ok(after.length <= 1, `batches after the cancel: ${JSON.stringify(after)}`);
    await closeServer(s);
    console.log(`[figures] classify during training: ${latencies.map((l) => Math.round(l)).join(', ')} ms; batches reported after cancel: ${after.length}`);
  });
});

interface Server { conn: MessageConnection; child: ChildProcess; exited: Promise<number | null> }

async function openServer(): Promise<Server> {
  const child = fork(SERVER, ['--node-ipc'], { silent: true, env: cleanEnv() });
  const conn = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  conn.listen();
  await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: {} });
  return { conn, child, exited };
}

async function closeServer(s: Server): Promise<void> {
  await s.conn.sendRequest(ShutdownRequest.type);
  await s.conn.sendNotification(ExitNotification.type);
  await s.exited;
  s.conn.dispose();
}
