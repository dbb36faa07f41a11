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
 * Results go to stdout; progress, logs and errors to stderr. Exit codes: 0 ok, 1 failure, 2 usage error, 130 Ctrl+C
 * (exitCodes.ts). This file: the help text and the dispatch; each command is in <name>Command.ts beside it.
 */
import '../threadPool'; // first: it sizes libuv's thread pool before anything starts it
import { SERVER_VERSION } from '../backendServer';
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

const HELP = `brain-tumor ${SERVER_VERSION}: brain-MRI tumour classification backend (research use only, not for clinical diagnosis)

Usage: brain-tumor <command> [options]

Commands:
  status            Start the engine and print which backend runs and why the others were not used
  scan DIR          Check a dataset folder: counts, sizes, modes, bad files, duplicates, Training->Testing leaks
  holdout           Split a second source into a part to train on and a part kept for external validation only
  train             Train a model on a dataset folder; writes a run folder (model, metadata, history, checkpoint)
  evaluate          Score a model on the Testing split, official and deduplicated (accuracy, F1, AUC, calibration)
  classify PATH...  Classify images (files, or folders searched recursively) with the bundled or a chosen model
  export            Copy a run's model into a self-contained folder, optionally with quantized weights
  serve             Run the JSON-RPC backend on stdin/stdout (for a remote VS Code or another client)

Options:
  --backend B       auto | gpu | node | wasm | cpu   (default: auto, or $${ENV_BACKEND})
  --threads N       worker threads, 0 = one per core (default: 0, or $${ENV_THREADS})
  --json            machine-readable output (status, scan)
  --near N          scan: dHash Hamming distance that counts as a near copy (default 5)
  --cache DIR       cache folder (default $BRAIN_TUMOR_CACHE or ~/.cache/brain-tumor); --no-cache to bypass

Training (brain-tumor train --data DIR [options]; Ctrl+C stops after the current batch, resumable):
  --data DIR        dataset folder (Kaggle layout Training/<class>/..., or <class>/... folders); repeat it to train on
                    several sources at once (--data A --data B): the validation split is stratified by source and
                    class, near copies stay on one side across sources. Class folders may say tumour, tumor, yes or
                    tumour_unknown for a tumour of unknown type: those images teach tumour vs none (partial-label loss)
  --runs DIR        where run folders go (default ./.brain-tumor/runs)
  --resume RUN_DIR  continue an interrupted or cancelled run from its last finished epoch (with --epochs N:
                    make it longer or shorter; the learning-rate schedule stretches from there; --patience N:
                    change early stopping, e.g. when a longer run restarts the schedule)
  --model NAME      ${MODEL_NAMES.join(' | ')} (default ${DEFAULT_TRAIN_CONFIG.model})
  --epochs N        (default ${DEFAULT_TRAIN_CONFIG.epochs})    --batch N (default ${DEFAULT_TRAIN_CONFIG.batchSize})    --size N  input side in px (default ${DEFAULT_TRAIN_CONFIG.inputSize})
  --lr X            peak learning rate of AdamW (default ${DEFAULT_TRAIN_CONFIG.learningRate})
  --weight-decay X  AdamW's decoupled weight decay of the kernels, 0 = Adam (default ${DEFAULT_TRAIN_CONFIG.weightDecay})
  --warmup E        epochs of linear learning-rate warm-up before the cosine decay (default ${DEFAULT_TRAIN_CONFIG.warmupEpochs})
  --ema D           per-step decay of the weight average validation scores and the model keeps, 0 = off (default ${DEFAULT_TRAIN_CONFIG.ema})
  --config JSON     any training settings as a JSON object or a .json file, e.g. '{"augment":{"gamma":0}}';
                    flags given beside it win
  --val F           fraction of Training held out for validation (default ${DEFAULT_TRAIN_CONFIG.valFraction})
  --seed N          (default ${DEFAULT_TRAIN_CONFIG.seed})    --patience N  early stopping, 0 = off (default ${DEFAULT_TRAIN_CONFIG.patience})
  --class-weights   weigh classes by inverse frequency    --no-augment  train on the images as they are
  --label-smoothing X  (default ${DEFAULT_TRAIN_CONFIG.labelSmoothing})

External hold-out (brain-tumor holdout --data DIR --out DIR [--fraction F]):
  Writes OUT/train and OUT/holdout (hard links) and OUT/holdout.json: a file is held out when sha256 of its name
  falls in the top F of the range (default 0.25); training files with a near copy among the held-out ones are left
  out of both. Train on OUT/train beside your main dataset, evaluate with --external OUT/holdout, never tune on it.

Evaluation (brain-tumor evaluate --model RUN_DIR [--data DIR] [options]):
  --model DIR       a run folder (model.json + metadata.json)
  --data DIR        dataset with a Testing split (default: the one the model trained on)
  --split S         Testing (default: official and deduplicated) or Validation (the run's held-out files)
  --tta             also score test-time augmentation (image + mirror), reported separately
  --no-calibrate    do not fit temperature scaling on the run's validation split
  --external DIR    also score a dataset from a source the model never trained on (repeatable): every image of
                    it, tumour vs no tumour (sensitivity, specificity, confident misses and false alarms at
                    --threshold, default 0.7) and the four classes where its labels are fine
  --perturb         also score Testing under seeded perturbations (contrast, gamma, brightness, noise, blur,
                    resolution, JPEG, rotation, flip): accuracy and its drop from clean
  --json            the full report as JSON       --report FILE  also write a self-contained HTML report
  --into-model      record the evaluation in the model folder even when it is an exported or shipped copy (when
                    preparing a model to ship); otherwise such folders are left untouched and the evaluation is
                    kept in the cache (--cache DIR)/evaluations

Classification (brain-tumor classify FILE|DIR... [options]):
  --model DIR       a run or model folder (default: the bundled model)
  --json | --csv    machine-readable results (default: one line per image)
  --explain DIR     also write Grad-CAM overlays (model input + heat map, PNG) into DIR
  --threshold X     calibrated confidence below X is "uncertain: needs expert review" (default 0.7)
  --tta             test-time augmentation: average the image's and its mirror image's probabilities

Export (brain-tumor export --model RUN_DIR --out DIR [--quantize uint8|float16|none], default uint8)

  -h, --help        this help
  -v, --version     print the version
`;

type Command = (flags: Flags, args: readonly string[]) => Promise<number>;

/** In the order the help and the unknown-command message list them. */
const COMMANDS = new Map<string, Command>([
  ['status', statusCommand], ['scan', scanCommand], ['holdout', holdoutCommand], ['train', trainCommand],
  ['evaluate', evaluateCommand], ['classify', classifyCommand], ['export', exportCommand], ['serve', serveCommand],
]);

export async function main(argv: string[]): Promise<number> {
  let parsed: CommandLine;
  try {
    parsed = parseCommandLine(argv);
  } catch (e) {
    process.stderr.write(`brain-tumor: ${(e as Error).message}\nRun "brain-tumor --help" for usage.\n`);
    return EXIT.usage;
  }
  const { command, args, flags } = parsed;
  if (flags.version) {
    process.stdout.write(`${SERVER_VERSION}\n`);
    return EXIT.ok;
  }
  if (flags.help || command === undefined || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined && !flags.help ? EXIT.usage : EXIT.ok;
  }
  // Libraries must never print to stdout: it carries results (and, for serve, the protocol).
  redirectConsole(stderrLogger);
  try {
    const run = COMMANDS.get(command);
    if (!run) throw new UsageError(`unknown command "${command}" (commands: ${[...COMMANDS.keys()].join(', ')})`);
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
