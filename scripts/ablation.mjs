// The recipe's ablation: short runs with the same seed, each leaving one ingredient out of the default recipe (or
// putting back the old one), scored on validation, the Kaggle Testing split (official and deduplicated), an external
// hold-out (tumour sensitivity, confident misses) and the worst perturbation drop. Prints a Markdown table and
// writes every run's figures to --out/ablation.json. CPU-heavy: run it on a quiet machine.
//
//   node scripts/ablation.mjs --data KAGGLE --data SECOND_SOURCE_TRAIN_PART --external HOLDOUT --out DIR
//        [--size 64] [--epochs 6] [--only name,name]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const { values } = parseArgs({ options: {
  data: { type: 'string', multiple: true }, external: { type: 'string' }, out: { type: 'string' },
  size: { type: 'string', default: '64' }, epochs: { type: 'string', default: '6' }, only: { type: 'string' },
} });
if (!values.data?.length || !values.external || !values.out) {
  console.error('usage: node scripts/ablation.mjs --data DIR [--data DIR] --external DIR --out DIR [--size N] [--epochs N] [--only a,b]');
  process.exit(2);
}

const NO_INTENSITY = { gamma: 0, scale: 0, noise: 0, blur: 0, lowRes: 0, biasField: 0, equalize: 0, remap: 0, jpeg: 0, randConv: 0 };
/** Each variant: what it changes against the defaults, and which sources it trains on (the first only, or all). */
const VARIANTS = [
  { name: 'recipe (defaults)', config: {} },
  { name: 'no EMA', config: { ema: 0 } },
  { name: 'no weight decay (Adam)', config: { weightDecay: 0 } },
  { name: 'no warm-up, per-epoch cosine', config: { schedule: 'cosine-epochs', warmupEpochs: 0 } },
  { name: 'no intensity augmentation', config: { augment: NO_INTENSITY } },
  { name: 'no label smoothing', config: { labelSmoothing: 0 } },
  { name: '+ histogram equalisation (p 0.3)', config: { augment: { equalize: 0.3 } } },
  { name: '+ random intensity remapping (p 0.3)', config: { augment: { remap: 0.3 } } },
  { name: '+ JPEG artefacts (p 0.3)', config: { augment: { jpeg: 0.3 } } },
  { name: '+ random shallow network (GIN, p 0.3)', config: { augment: { randConv: 0.3 } } },
  { name: 'policy 2: head histogram equalisation', config: { intensity: 'equalize-head' } },
  { name: 'policy 2, no intensity augmentation', config: { intensity: 'equalize-head', augment: NO_INTENSITY } },
  { name: 'Kaggle only (no second source)', config: {}, firstSourceOnly: true },
  { name: 'seed-cnn with the recipe', config: { model: 'seed-cnn' } },
  { name: 'seed-cnn, old recipe (Adam, per-epoch cosine, geometric aug only)', config: { model: 'seed-cnn', ema: 0, weightDecay: 0, schedule: 'cosine-epochs', warmupEpochs: 0, augment: { ...NO_INTENSITY, contrast: 0.15 } } },
];

const only = values.only?.split(',').map((s) => s.trim());
fs.mkdirSync(values.out, { recursive: true });
const resultsFile = path.join(values.out, 'ablation.json');
const results = fs.existsSync(resultsFile) ? JSON.parse(fs.readFileSync(resultsFile, 'utf8')) : {};

function cli(args) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`brain-tumor ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

for (const v of VARIANTS) {
  if (only && !only.some((o) => v.name.startsWith(o))) continue;
  const t0 = Date.now();
  const sources = v.firstSourceOnly ? values.data.slice(0, 1) : values.data;
  const train = JSON.parse(cli(['train', ...sources.flatMap((d) => ['--data', d]), '--runs', path.join(values.out, 'runs'),
    '--size', values.size, '--epochs', values.epochs, '--seed', '42', '--config', JSON.stringify(v.config), '--json']));
  const trainSec = (Date.now() - t0) / 1000;
  const report = JSON.parse(cli(['evaluate', '--model', train.runDir, '--external', values.external, '--perturb', '--json']));
  const meta = JSON.parse(fs.readFileSync(path.join(train.runDir, 'metadata.json'), 'utf8'));
  const ext = report.external[0];
  const worst = report.perturbations.reduce((w, p) => (p.drop > w.drop ? p : w), { drop: -Infinity, name: '' });
  results[v.name] = {
    runDir: train.runDir, config: v.config, sources, trainSec: Math.round(trainSec), valAcc: meta.bestValAcc,
    official: report.splits[0].accuracy, deduplicated: report.splits[1]?.accuracy ?? null,
    externalSensitivity: ext.sensitivity, externalConfidentMisses: ext.confidentMisses.rate,
    worstPerturbation: worst.name, worstDrop: worst.drop,
  };
  fs.writeFileSync(resultsFile, JSON.stringify(results, null, 1));
  console.error(`${v.name}: ${JSON.stringify(results[v.name])}`);
}

const pct = (x) => (x === null || x === undefined ? '-' : `${(x * 100).toFixed(1)}%`);
console.log(`Short runs: ${values.size} px, ${values.epochs} epochs, seed 42, sources ${values.data.join(' + ')}; external ${values.external}.\n`);
console.log('| variant | validation | Testing official | Testing dedup | external sensitivity | external confident misses | worst perturbation (drop, points) | train time |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [name, r] of Object.entries(results)) {
  console.log(`| ${name} | ${pct(r.valAcc)} | ${pct(r.official)} | ${pct(r.deduplicated)} | ${pct(r.externalSensitivity)} | ${pct(r.externalConfidentMisses)} | ` +
    `${r.worstPerturbation} (${(r.worstDrop * 100).toFixed(1)}) | ${r.trainSec} s |`);
}
