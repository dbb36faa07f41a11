/**
 * `brain-tumor`: the backend as a command line, for headless and remote GPU machines.
 *   brain-tumor status [--json] [--backend B] [--threads N]
 *   brain-tumor scan DIR [--json] [--near N] [--cache DIR | --no-cache]
 *   brain-tumor holdout --data DIR --out DIR [--fraction F]
 *   brain-tumor train --data DIR [--epochs N] [--model NAME] ... | --resume RUN_DIR
 *   brain-tumor evaluate --model DIR [--data DIR] ...
 *   brain-tumor classify FILE|DIR... [--model DIR] [--json | --csv] [--explain OUT_DIR]
 *   brain-tumor export --model RUN_DIR --out DIR [--quantize uint8|float16|none]
 *   brain-tumor serve [--backend B] [--threads N]     JSON-RPC on stdio (what the extension speaks over IPC)
 * Every command takes --lang en|tr (else the locale: LC_ALL, LC_MESSAGES, LANG), read from l10n/ beside dist/.
 * Results go to stdout; progress, logs and errors to stderr. Exit codes: 0 ok, 1 failure, 2 usage error, 130 Ctrl+C
 * (exitCodes.ts). This file: the help text and the dispatch; each command is in <name>Command.ts beside it.
 */
import '../threadPool'; // first: it sizes libuv's thread pool before anything starts it
import * as l10n from '@vscode/l10n';
import { SERVER_VERSION } from '../backendServer';
import { cliLanguage, languageOf, shippedL10nDir, useShippedLanguage } from '../language';
import { plain } from '../numberFormat';
import { redirectConsole, stderrLogger } from '../logger';
import { ENV_BACKEND, ENV_THREADS, MODEL_NAMES } from '../protocol';
import { DEFAULT_TRAIN_CONFIG } from '../train/trainConfig';
import { classifyCommand } from './classifyCommand';
import { evaluateCommand } from './evaluateCommand';
import { EXIT, exitFor, UsageError } from './exitCodes';
import { exportCommand } from './exportCommand';
import { parseCommandLine, type CommandLine, type Flags } from './flags';
import { holdoutCommand } from './holdoutCommand';
import { scanCommand } from './scanCommand';
import { serveCommand } from './serveCommand';
import { statusCommand } from './statusCommand';
import { trainCommand } from './trainCommand';

/** The help, in the current language. Each block is one message, so a translation keeps its columns. */
function helpText(): string {
  const d = DEFAULT_TRAIN_CONFIG;
  return [
    l10n.t('{0}: brain-MRI tumour classification backend (research use only, not for clinical diagnosis)', `brain-tumor ${SERVER_VERSION}`),
    '',
    l10n.t('Usage: brain-tumor <command> [options]'),
    '',
    l10n.t('Commands:\n  status            Start the engine and print which backend runs and why the others were not used\n  scan DIR          Check a dataset folder: counts, sizes, modes, bad files, duplicates, Training->Testing leaks\n  holdout           Split a second source into a part to train on and a part kept for external validation only\n  train             Train a model on a dataset folder; writes a run folder (model, metadata, history, checkpoint)\n  evaluate          Score a model on the Testing split, official and deduplicated (accuracy, F1, AUC, calibration)\n  classify PATH...  Classify images (files, or folders searched recursively) with the bundled or a chosen model\n  export            Copy a run\'s model into a self-contained folder, optionally with quantized weights\n  serve             Run the JSON-RPC backend on stdin/stdout (for a remote VS Code or another client)'),
    '',
    l10n.t('Options:\n  --backend B       auto | gpu | node | wasm | cpu   (default: auto, or {0})\n  --threads N       worker threads, 0 = one per core (default: 0, or {1})\n  --json            machine-readable output (status, scan)\n  --near N          scan: dHash Hamming distance that counts as a near copy (default 5)\n  --cache DIR       cache folder (default $BRAIN_TUMOR_CACHE or ~/.cache/brain-tumor); --no-cache to bypass\n  --lang L          language of the messages: en | tr (default: from $LC_ALL, $LC_MESSAGES or $LANG, else en);\n                    --json and --csv output, and the whole command with them, stays English',
      `$${ENV_BACKEND}`, `$${ENV_THREADS}`),
    '',
    l10n.t('Training (brain-tumor train --data DIR [options]; Ctrl+C stops after the current batch, resumable):\n  --data DIR        dataset folder (Kaggle layout Training/<class>/..., or <class>/... folders); repeat it to train on\n                    several sources at once (--data A --data B): the validation split is stratified by source and\n                    class, near copies stay on one side across sources. Class folders may say tumour, tumor, yes or\n                    tumour_unknown for a tumour of unknown type: those images teach tumour vs none (partial-label loss)\n  --runs DIR        where run folders go (default ./.brain-tumor/runs)\n  --resume RUN_DIR  continue an interrupted or cancelled run from its last finished epoch (with --epochs N:\n                    make it longer or shorter; the learning-rate schedule stretches from there; --patience N:\n                    change early stopping, e.g. when a longer run restarts the schedule)\n  --model NAME      {0} (default {1})\n  --epochs N        (default {2})    --batch N (default {3})    --size N  input side in px (default {4})\n  --lr X            peak learning rate of AdamW (default {5})\n  --weight-decay X  AdamW\'s decoupled weight decay of the kernels, 0 = Adam (default {6})\n  --warmup E        epochs of linear learning-rate warm-up before the cosine decay (default {7})\n  --ema D           per-step decay of the weight average validation scores and the model keeps, 0 = off (default {8})\n  --config JSON     any training settings as a JSON object or a .json file, e.g. \'{"augment":{"gamma":0}}\';\n                    flags given beside it win\n  --val F           fraction of Training held out for validation (default {9})\n  --seed N          (default {10})    --patience N  early stopping, 0 = off (default {11})\n  --class-weights   weigh classes by inverse frequency    --no-augment  train on the images as they are\n  --label-smoothing X  (default {12})',
      MODEL_NAMES.join(' | '), d.model, String(d.epochs), String(d.batchSize), String(d.inputSize), plain(d.learningRate), plain(d.weightDecay),
      plain(d.warmupEpochs), plain(d.ema), plain(d.valFraction), String(d.seed), String(d.patience), plain(d.labelSmoothing)),
    '',
    l10n.t('External hold-out (brain-tumor holdout --data DIR --out DIR [--fraction F]):\n  Writes OUT/train and OUT/holdout (hard links) and OUT/holdout.json: a file is held out when sha256 of its name\n  falls in the top F of the range (default 0.25); training files with a near copy among the held-out ones are left\n  out of both. Train on OUT/train beside your main dataset, evaluate with --external OUT/holdout, never tune on it.'),
    '',
    l10n.t('Evaluation (brain-tumor evaluate --model RUN_DIR [--data DIR] [options]):\n  --model DIR       a run folder (model.json + metadata.json)\n  --data DIR        dataset with a Testing split (default: the one the model trained on)\n  --split S         Testing (default: official and deduplicated) or Validation (the run\'s held-out files)\n  --tta             also score test-time augmentation (image + mirror), reported separately\n  --no-calibrate    do not fit temperature scaling on the run\'s validation split\n  --external DIR    also score a dataset from a source the model never trained on (repeatable): every image of\n                    it, tumour vs no tumour (sensitivity, specificity, confident misses and false alarms at\n                    --threshold, default 0.7) and the four classes where its labels are fine\n  --perturb         also score Testing under seeded perturbations (contrast, gamma, brightness, noise, blur,\n                    resolution, JPEG, rotation, flip): accuracy and its drop from clean\n  --json            the full report as JSON       --report FILE  also write a self-contained HTML report\n  --into-model      record the evaluation in the model folder even when it is an exported or shipped copy (when\n                    preparing a model to ship); otherwise such folders are left untouched and the evaluation is\n                    kept in the cache (--cache DIR)/evaluations'),
    '',
    l10n.t('Classification (brain-tumor classify FILE|DIR... [options]):\n  --model DIR       a run or model folder (default: the bundled model)\n  --json | --csv    machine-readable results (default: one line per image)\n  --explain DIR     also write Grad-CAM overlays (model input + heat map, PNG) into DIR\n  --threshold X     calibrated confidence below X is "uncertain: needs expert review" (default 0.7)\n  --tta             test-time augmentation: average the image\'s and its mirror image\'s probabilities'),
    '',
    l10n.t('Volumes (NIfTI .nii and .nii.gz, DICOM series folders, multi-frame DICOM) are one item each, one row per slice:\n  --orientation O   axial | coronal | sagittal: how volumes are sliced (default axial)\n  --all-slices      list every slice (default: the tumour slices and the volume summary)'),
    '',
    l10n.t('Export (brain-tumor export --model RUN_DIR --out DIR [--quantize uint8|float16|none], default uint8)'),
    '',
    l10n.t('  -h, --help        this help\n  -v, --version     print the version'),
  ].join('\n') + '\n';
}

type Command = (flags: Flags, args: readonly string[]) => Promise<number>;

/** In the order the help and the unknown-command message list them. */
const COMMANDS = new Map<string, Command>([
  ['status', statusCommand], ['scan', scanCommand], ['holdout', holdoutCommand], ['train', trainCommand],
  ['evaluate', evaluateCommand], ['classify', classifyCommand], ['export', exportCommand], ['serve', serveCommand],
]);

/** `--lang X` or `--lang=X` in argv as it is, for a command line that does not parse (its error is still in that language). */
function langInArgv(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') break;
    if (argv[i] === '--lang') return argv[i + 1];
    if (argv[i]!.startsWith('--lang=')) return argv[i]!.slice('--lang='.length);
  }
  return undefined;
}

/**
 * The language of the messages, loaded before anything is written: --lang (before or after the command), else the
 * locale (LC_ALL, LC_MESSAGES, LANG); English without a shipped bundle for it. Machine-readable output (--json,
 * --csv) keeps the whole command in English, so its bytes (and the messages inside it) never depend on the
 * language. Returns a warning when --lang asked for a language there are no messages in.
 */
export function chooseLanguage(flagLang: string | undefined, machineReadable: boolean, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (machineReadable) {
    useShippedLanguage('en', shippedL10nDir(env));
    return undefined;
  }
  const explicit = flagLang !== undefined;
  const wanted = explicit ? languageOf(flagLang) : cliLanguage(undefined, env);
  let used: string;
  try {
    used = useShippedLanguage(wanted ?? 'en', shippedL10nDir(env));
  } catch (e) {
    // A damaged bundle must not stop the tool: English, and why.
    useShippedLanguage('en', shippedL10nDir(env));
    return `brain-tumor: cannot read the messages of language "${wanted}" (${(e as Error).message}); using English.`;
  }
  // English reads `--lang en` (or en-GB) as asked; anything else that found no bundle says so, when asked for by name.
  return explicit && used === 'en' && wanted !== 'en' ? `brain-tumor: no messages in language "${flagLang}"; using English.` : undefined;
}

export async function main(argv: string[]): Promise<number> {
  let parsed: CommandLine;
  try {
    parsed = parseCommandLine(argv);
  } catch (e) {
    const warning = chooseLanguage(langInArgv(argv), false);
    if (warning) process.stderr.write(`${warning}\n`);
    process.stderr.write(`brain-tumor: ${(e as Error).message}\n${l10n.t('Run "brain-tumor --help" for usage.')}\n`);
    return EXIT.usage;
  }
  const { command, args, flags } = parsed;
  const warning = chooseLanguage(flags.lang, !!(flags.json || flags.csv));
  if (warning) process.stderr.write(`${warning}\n`);
  if (flags.version) {
    process.stdout.write(`${SERVER_VERSION}\n`);
    return EXIT.ok;
  }
  if (flags.help || command === undefined || command === 'help') {
    process.stdout.write(helpText());
    return command === undefined && !flags.help ? EXIT.usage : EXIT.ok;
  }
  // Libraries must never print to stdout: it carries results (and, for serve, the protocol).
  redirectConsole(stderrLogger);
  try {
    const run = COMMANDS.get(command);
    if (!run) throw new UsageError(l10n.t('unknown command "{0}" (commands: {1})', command, [...COMMANDS.keys()].join(', ')));
    return await run(flags, args);
  } catch (e) {
    const exit = exitFor(e, command);
    if (exit.text !== null) process.stderr.write(`brain-tumor: ${exit.text}\n`);
    return exit.code;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
