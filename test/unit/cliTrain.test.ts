/**
 * `brain-tumor train` as users run it (node dist/cli.js) on a generated dataset: it writes a complete run folder,
 * Ctrl+C stops it after a batch with a resume hint, --resume completes it, and bad input fails clearly.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeTrainingSet } from '../fixtures/images';
import { LOCALE_VARIABLES } from '../fixtures/runCli';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const TINY = ['--size', '32', '--batch', '4', '--model', 'compact', '--patience', '0'];

function env(): NodeJS.ProcessEnv {
  const e = { ...process.env };
  delete e.BRAIN_TUMOR_BACKEND;
  delete e.BRAIN_TUMOR_THREADS;
  for (const k of LOCALE_VARIABLES) delete e[k]; // English, whatever the developer's locale
  return e;
}

function cli(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: env(), cwd, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const runDirOf = (stderr: string) => /^Run \S+ in (.+)$/m.exec(stderr)?.[1];

describe('brain-tumor train', () => {
  let tmp: string;
  let data: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-cli-train-'));
    data = await writeTrainingSet(path.join(tmp, 'data'), 10);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('trains and writes the run folder: model, metadata, history, split, checkpoint', () => {
    const r = cli(['train', '--data', data, '--epochs', '2', ...TINY, '--no-cache', '--json'], tmp);
    assert.equal(r.code, 0, r.err);
    const result = JSON.parse(r.out) as { outcome: string; runDir: string; history: { epoch: number; valAcc: number }[]; config: { epochs: number } };
    assert.equal(result.outcome, 'completed');
    assert.equal(result.history.length, 2);
    assert.equal(path.dirname(result.runDir), path.join(fs.realpathSync(tmp), '.brain-tumor', 'runs'), 'default runs folder is ./.brain-tumor/runs');
    for (const f of ['model.json', 'weights.bin', 'metadata.json', 'history.json', 'split.json', 'checkpoint/state.json']) {
      assert.ok(fs.existsSync(path.join(result.runDir, f)), `${f} exists`);
    }
    const meta = JSON.parse(fs.readFileSync(path.join(result.runDir, 'metadata.json'), 'utf8')) as Record<string, unknown> & {
      status: string; inputSize: number; preprocess: { size: number }; dataset: { counts: { train: number; val: number } }; backend: { kind: string };
    };
    assert.equal(meta.status, 'completed');
    assert.equal(meta.inputSize, 32);
    assert.equal(meta.preprocess.size, 32, 'the preprocessing policy matches the input size');
    assert.equal(meta.dataset.counts.train + meta.dataset.counts.val, 40);
    assert.ok(meta.dataset.counts.val >= 4, 'every class has validation images');
    assert.match(r.err, /epoch 2\/2 .*val_acc/, 'plain progress lines when stderr is not a terminal');
    // A finished run cannot be resumed as it is; it says so and what to do instead: a new run, or more epochs.
    const again = cli(['train', '--resume', result.runDir], tmp);
    assert.equal(again.code, 2);
    assert.match(again.err, /already finished \(completed\); start a new run, or make it longer with more epochs/);
    const same = cli(['train', '--resume', result.runDir, '--epochs', '2'], tmp);
    assert.equal(same.code, 2);
    assert.match(same.err, /already finished \(completed\)/, 'as many epochs as it has is not longer');
    const longer = cli(['train', '--resume', result.runDir, '--epochs', '3', '--patience', '7', '--no-cache', '--json'], tmp);
    assert.equal(longer.code, 0, longer.err);
    const extended = JSON.parse(longer.out) as { outcome: string; history: { epoch: number }[]; config: { epochs: number; patience: number } };
    assert.deepEqual(extended.history.map((h) => h.epoch), [0, 1, 2]);
    assert.equal(extended.config.epochs, 3);
    assert.equal(extended.config.patience, 7, 'the patience may change on resume');
    assert.match(longer.err, /patience changed from 0 to 7 on resume/);
    // A resumed run's saved settings are checked like a new run's: a hand-edited metadata.json fails up front.
    const metaFile = path.join(result.runDir, 'metadata.json');
    const saved = fs.readFileSync(metaFile, 'utf8');
    const edited = JSON.parse(saved) as { config: Record<string, unknown> };
    edited.config.batchSize = 0;
    fs.writeFileSync(metaFile, JSON.stringify(edited));
    const invalid = cli(['train', '--resume', result.runDir, '--epochs', '4', '--no-cache'], tmp);
    assert.equal(invalid.code, 2, invalid.err);
    assert.match(invalid.err, /metadata\.json.*batchSize must be an integer from 1 to 1024; got 0/s);
    fs.writeFileSync(metaFile, saved);
  });

  it('trains with preprocessing policy 2 when asked (intensity equalize-head), and classifies through it', () => {
    const r = cli(['train', '--data', data, '--runs', path.join(tmp, 'runs-v2'), '--epochs', '1', ...TINY, '--config', '{"intensity":"equalize-head"}', '--json'], tmp);
    assert.equal(r.code, 0, r.err);
    const result = JSON.parse(r.out) as { runDir: string; config: { intensity: string } };
    assert.equal(result.config.intensity, 'equalize-head');
    const meta = JSON.parse(fs.readFileSync(path.join(result.runDir, 'metadata.json'), 'utf8')) as { preprocess: Record<string, unknown> };
    assert.deepEqual(meta.preprocess, { version: 2, size: 32, channels: 1, cropThreshold: 12, pad: 'square-black', kernel: 'linear', normalize: 'unit', intensity: 'equalize-head' });
    const image = path.join(data, 'Training', 'glioma', 'glioma-0.png');
    const c = cli(['classify', image, '--model', result.runDir, '--json'], tmp);
    assert.equal(c.code, 0, c.err);
    const item = (JSON.parse(c.out) as { items: { ok: boolean; predicted: string; probabilities: Record<string, number> }[] }).items[0]!;
    assert.ok(item.ok, JSON.stringify(item));
    assert.ok(['glioma', 'meningioma', 'pituitary', 'notumor'].includes(item.predicted));
    assert.ok(Math.abs(Object.values(item.probabilities).reduce((a, b) => a + b, 0) - 1) < 1e-4);
    // A bad value is refused before any work, naming the allowed ones.
    const bad = cli(['train', '--data', data, '--runs', path.join(tmp, 'runs-v2'), ...TINY, '--config', '{"intensity":"clahe"}'], tmp);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /intensity must be one of none, equalize-head; got "clahe"/);
  });

  it('stops on Ctrl+C after the current batch, and --resume completes the run', async () => {
    const child = spawn(process.execPath, [CLI, 'train', '--data', data, '--runs', path.join(tmp, 'runs'), '--epochs', '4', ...TINY, '--no-cache'],
      { env: env(), cwd: tmp });
    let err = '', out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (/epoch 1\/4 /.test(err) && !child.killed) child.kill('SIGINT'); // after the first finished epoch
      });
      child.on('exit', (c) => resolve(c));
    });
    assert.equal(code, 130, err);
    assert.match(out, /Training cancelled/);
    const runDir = runDirOf(err);
    assert.ok(runDir, err);
    assert.match(out, new RegExp(`Resume with: brain-tumor train --resume "${runDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`));
    const done = (JSON.parse(fs.readFileSync(path.join(runDir, 'history.json'), 'utf8')) as unknown[]).length;
    assert.ok(done >= 1 && done < 4, `finished epochs before the stop: ${done}`);

    const tooShort = cli(['train', '--resume', runDir, '--epochs', String(done)], tmp);
    assert.equal(tooShort.code, 2);
    assert.match(tooShort.err, new RegExp(`epochs must be more than the ${done} already finished; got ${done}`));
    const r = cli(['train', '--resume', runDir, '--json'], tmp);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, new RegExp(`resuming at epoch ${done + 1}`));
    const result = JSON.parse(r.out) as { outcome: string; history: { epoch: number }[] };
    assert.equal(result.outcome, 'completed');
    assert.deepEqual(result.history.map((h) => h.epoch), [0, 1, 2, 3]);
  });

  it('lets one trainer own a run folder: a second is refused naming the holder, and a dead holder\'s lock is taken over', async () => {
    const child = spawn(process.execPath, [CLI, 'train', '--data', data, '--runs', path.join(tmp, 'runs-lock'), '--epochs', '30', ...TINY, '--no-cache'],
      { env: env(), cwd: tmp });
    let err = '';
    const runDir = await new Promise<string>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (/epoch 1\/30 /.test(err)) resolve(runDirOf(err)!); // a checkpoint exists: the run could be resumed
      });
    });
    const lock = JSON.parse(fs.readFileSync(path.join(runDir, 'run.lock'), 'utf8')) as { pid: number; host: string; startedAt: string };
    assert.equal(lock.pid, child.pid);
    assert.equal(lock.host, os.hostname());
    const second = cli(['train', '--resume', runDir, '--no-cache'], tmp);
    assert.equal(second.code, 2, second.err);
    assert.match(second.err, new RegExp(`is being trained by another process \\(pid ${child.pid} on `));
    // The trainer dies without a word (kill -9): its lock stays behind, and the next trainer takes it over.
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    assert.ok(fs.existsSync(path.join(runDir, 'run.lock')), 'a killed trainer leaves its lock');
    const resumed = cli(['train', '--resume', runDir, '--epochs', '3', '--no-cache', '--json'], tmp);
    assert.equal(resumed.code, 0, resumed.err);
    assert.match(resumed.err, new RegExp(`Took over the lock of a run whose trainer is gone \\(pid ${child.pid} on `));
    assert.equal((JSON.parse(resumed.out) as { outcome: string }).outcome, 'completed');
    assert.equal(fs.existsSync(path.join(runDir, 'run.lock')), false, 'released at the end');
  });

  it('refuses bad input with a clear message and exit code 2', () => {
    const bad = [
      { args: ['train'], msg: /train needs --data DIR/ },
      { args: ['train', '--data', data, '--epochs', 'many'], msg: /--epochs must be a number/ },
      { args: ['train', '--data', data, '--epochs', '0'], msg: /epochs must be an integer from 1 to 1000; got 0/ },
      { args: ['train', '--data', data, '--model', 'resnet50'], msg: /model must be one of resnet, seed-cnn, compact; got "resnet50"/ },
      { args: ['train', '--data', path.join(tmp, 'nowhere')], msg: /nowhere/ },
      { args: ['train', '--resume', path.join(tmp, 'nowhere')], msg: /run metadata is missing/ },
      { args: ['train', '--resume', tmp, '--model', 'compact'], msg: /--resume continues a run with its own settings; only --epochs \(make it longer or shorter\) and --patience may change/ },
    ];
    for (const b of bad) {
      const r = cli(b.args, tmp);
      assert.equal(r.code, 2, `${b.args.join(' ')}: ${r.err}`);
      assert.match(r.err, b.msg, b.args.join(' '));
    }
  });
});
