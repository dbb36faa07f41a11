/**
 * The whole JSON-RPC contract between the extension (client) and the backend (server).
 *
 * Imported by both sides and by the webviews (types only). It imports nothing but
 * `vscode-languageserver-protocol`: never `vscode`, never the node server package, never tfjs,
 * so each side can bundle it without dragging the other side's world in.
 *
 * Adding a request: declare its params, result and RequestType here; wire a handler in
 * server/backendServer.ts; call it from extension/; add a test (see README, "Contributing").
 */
import { NotificationType, ProgressType, RequestType, RequestType0, ResponseError } from 'vscode-languageserver-protocol';

/** Method names share this prefix so they never collide with LSP's own. */
export const METHOD_PREFIX = 'brainTumor/';

// ---------------------------------------------------------------------------------------------
// Engine (tfjs backend) choice

/** What the user may ask for: `auto` tries gpu, node, wasm, cpu in that order. */
export type BackendPreference = 'auto' | 'gpu' | 'node' | 'wasm' | 'cpu';
export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', 'gpu', 'node', 'wasm', 'cpu'];

/** A concrete engine. `gpu` is @tensorflow/tfjs-node-gpu, `node` is @tensorflow/tfjs-node. */
export type BackendKind = 'gpu' | 'node' | 'wasm' | 'cpu';
export const BACKEND_KINDS: readonly BackendKind[] = ['gpu', 'node', 'wasm', 'cpu'];

/** Where the preference came from, so the user knows which knob to turn. */
export type PreferenceSource = 'default' | 'setting' | 'env' | 'flag';

/** One engine that was tried (or skipped) at start-up, with the reason kept. */
export interface BackendAttempt {
  kind: BackendKind;
  /** true for the engine that was chosen. */
  ok: boolean;
  /** Why it was not used (load error, not requested), or why it was. */
  reason: string;
  /** Time spent trying it, in milliseconds. */
  ms: number;
}

export interface BackendInfo {
  kind: BackendKind;
  /** tfjs's own backend name: 'tensorflow' (tfjs-node and -gpu), 'wasm' or 'cpu'. */
  tfBackend: string;
  /** One sentence: why this engine runs (e.g. "tfjs-node-gpu unavailable: ...; wasm loaded"). */
  reason: string;
  requested: BackendPreference;
  requestedBy: PreferenceSource;
  /** Worker threads the engine computes with (wasm: XNNPACK pool; node: TensorFlow intra-op). */
  threads: number;
  /** WASM SIMD in use (wasm only; null elsewhere). */
  simd: boolean | null;
  attempts: BackendAttempt[];
  /** Spawn-independent: time from the start of engine selection to a ready backend. */
  initMs: number;
}

// ---------------------------------------------------------------------------------------------
// Requests

/** Client -> server: health and identity of the backend. Cheap; safe to poll. */
export interface StatusResult {
  serverVersion: string;
  /** @tensorflow/tfjs-core version in use. */
  tfjsVersion: string;
  nodeVersion: string;
  platform: string;
  pid: number;
  uptimeMs: number;
  backend: BackendInfo;
  /** Folder of the model classification uses, or null when none is loaded yet. */
  activeModel: string | null;
  /** Tensors alive in the engine: flat across jobs, or something leaks. */
  numTensors: number;
}
export const status = new RequestType0<StatusResult, void>(METHOD_PREFIX + 'status');

// ---------------------------------------------------------------------------------------------
// Datasets

export type TumorClassName = 'glioma' | 'meningioma' | 'notumor' | 'pituitary';
/**
 * A label as a dataset folder gives it: one of the four classes, or `tumour`, "a tumour of unknown type" (coarse
 * label: folders named tumour, tumor, yes, tumour_unknown, ...). Coarse images teach "tumour vs none" in training
 * (partial-label loss) and are scored as tumour vs no tumour in evaluation; a model still predicts the four classes.
 */
export type DatasetLabel = TumorClassName | 'tumour';
/** Every dataset label in report order: the four classes, then the coarse one. */
export const DATASET_LABELS: readonly DatasetLabel[] = ['glioma', 'meningioma', 'notumor', 'pituitary', 'tumour'];
export type DatasetSplit = 'Training' | 'Validation' | 'Testing' | 'All';

/** What is wrong with one file. `extension-mismatch` files are still used (they decode fine). */
export type ProblemKind = 'empty' | 'not-image' | 'unsupported' | 'corrupt' | 'too-large' | 'unreadable' | 'extension-mismatch';
export interface FileProblem { rel: string; kind: ProblemKind; message: string }

export interface ClassCount { files: number; usable: number; bytes: number }
/** Per split: counts per label (`tumour` is the coarse "type unknown" row; zero when the dataset has none). */
export interface SplitSummary { split: DatasetSplit; classes: Record<DatasetLabel, ClassCount>; files: number; usable: number }

/** Files with the same content (exact) or within `nearThreshold` bits of dHash of the group's first file. */
export interface DuplicateGroup { files: string[]; exact: boolean; maxDistance: number; crossSplit: boolean }
/** A Testing file with a (near) copy in Training: its accuracy would be measured on seen data. */
export interface Leak { testFile: string; trainFile: string; distance: number; exact: boolean }

export interface ScanReport {
  root: string;
  layout: 'splits' | 'single';
  splits: SplitSummary[];
  /** Folder names as found and the class each was read as (shows which name variants were recognised). */
  classFolders: { rel: string; label: DatasetLabel }[];
  totals: { files: number; usable: number; bytes: number };
  /** The most common sizes (width x height), most frequent first, and how many distinct sizes there are. */
  sizes: { width: number; height: number; count: number }[];
  distinctSizes: number;
  nonSquare: number;
  /** Widths in buckets: [<256, 256-511, 512, 513-1023, >=1024] style ranges, label -> count. */
  widthHistogram: { label: string; count: number }[];
  /** Colour modes as stored: L, LA, RGB, RGBA, P, CMYK. */
  modes: Record<string, number>;
  /** Formats by content, not by name. */
  formats: Record<string, number>;
  problems: FileProblem[];
  ignored: { rel: string; reason: string }[];
  exactDuplicates: DuplicateGroup[];
  nearDuplicates: DuplicateGroup[];
  nearThreshold: number;
  leaks: Leak[];
  /** Testing files in all, and without the leaked ones ("Testing, deduplicated"). */
  testing: { files: number; deduplicated: number; leakedByClass: Record<DatasetLabel, number> } | null;
  /** A few files per split and class, for thumbnails. */
  samples: { split: DatasetSplit; label: DatasetLabel; rel: string }[];
  timing: { ms: number; inspected: number; fromCache: number };
  /** Volumes found in class folders (NIfTI files, multi-frame DICOM files), counted by their slices (absent when
   *  there are none, and from backends before volumes). They are counted, not yet used for training: `note` says so
   *  (a multi-frame DICOM file is also one usable image, its frame 0). */
  volumes?: VolumeScan;
}

/** Which slices of a volume in a dataset count: every slice, the middle one, or the middle third (default). */
export type VolumeSliceSelection = 'all' | 'middle' | 'middle-third';
export const VOLUME_SLICE_SELECTIONS: readonly VolumeSliceSelection[] = ['all', 'middle', 'middle-third'];

export interface VolumeScan {
  selection: VolumeSliceSelection;
  /** Per split and class: volume files, their axial slices, and the slices the selection keeps. */
  byClass: { split: DatasetSplit; label: DatasetLabel; files: number; slices: number; selected: number }[];
  files: number;
  slices: number;
  selected: number;
  /** One sentence for people: volumes are counted but training does not read them yet. */
  note: string;
}

export interface ScanDatasetParams {
  /** Absolute path of the dataset folder. */
  root: string;
  /** Hamming distance (of 256-bit dHash) at or below which two images count as near copies. Default 5. */
  nearThreshold?: number;
  /** Which slices of volumes in class folders are counted. Default 'middle-third'. */
  volumeSlices?: VolumeSliceSelection;
  /** Set by the client to receive `scanProgress` values on `$/progress` for this scan. */
  progressToken?: string;
}
/** Client -> server: scan a dataset folder (cancellable; progress through `scanProgress`). */
export const scanDataset = new RequestType<ScanDatasetParams, ScanReport, void>(METHOD_PREFIX + 'scanDataset');

export interface ScanProgress { done: number; total: number; phase: 'listing' | 'inspecting' | 'comparing' }
/**
 * Server -> client: how far a scan got, as LSP's `$/progress` on the request's `progressToken` (server:
 * `connection.sendProgress`, client: `client.onProgress`, which also filters by token).
 */
export const scanProgress = new ProgressType<ScanProgress>();

// ---------------------------------------------------------------------------------------------
// Training: `train` starts a run and returns at once; `trainProgress` (per batch, throttled), `trainEpoch` and
// `trainEnd` follow; `cancelTraining` stops it within one batch. One run at a time per backend.

export type ModelName = 'resnet' | 'seed-cnn' | 'compact';
export const MODEL_NAMES: readonly ModelName[] = ['resnet', 'seed-cnn', 'compact'];
/** What a training with no model named builds, and for how many epochs (the recipe's measured budget). */
export const DEFAULT_MODEL: ModelName = 'resnet';
export const DEFAULT_EPOCHS = 18;

export interface AugmentSettings {
  /** Mirror left-right with probability 0.5 (brain MRI slices are roughly symmetric). */
  flip: boolean;
  /** Largest rotation either way, in degrees. */
  rotateDeg: number;
  /** Largest zoom in or out, as a fraction (0.1 = 90% to 110%). */
  zoom: number;
  /** Largest shift either way, as a fraction of the side. */
  shift: number;
  /** Largest brightness change either way, on the 0..1 scale. */
  brightness: number;
  /** Largest contrast change either way, as a fraction. */
  contrast: number;
  /** Random gamma exp(+-gamma): 0.5 gives exponents 0.61 to 1.65. 0 = off (and absent in runs made before it). */
  gamma: number;
  /** Largest multiplicative intensity change either way, as a fraction (0.3 = x0.7 to x1.3). */
  scale: number;
  /** Largest Gaussian noise sigma, on the 0..1 scale (drawn per image from 0 to this). */
  noise: number;
  /** Largest extra Gaussian blur sigma in pixels (applied to 30% of images). */
  blur: number;
  /** Largest resolution drop, as a fraction of the side (0.5 = down to half, then back up; 30% of images). */
  lowRes: number;
  /** Strength of a smooth multiplicative bias field (log-amplitude; 30% of images). */
  biasField: number;
  /** Probability of histogram equalisation. */
  equalize: number;
  /** Probability of a random intensity remapping (a random smooth curve, inverted half of the time). */
  remap: number;
  /** Probability of JPEG artefacts (8 x 8 block DCT quantisation at a random quality from 15 to 75). 0 in runs made before it. */
  jpeg: number;
  /** Probability of a random shallow network restyling the image (GIN / RandConv). 0 in runs made before it. */
  randConv: number;
}

/** How the learning rate moves: `warmup-cosine` per step (linear warm-up, then cosine to 0); `cosine-epochs` the
 *  earlier per-epoch cosine from the base rate to 5% of it (runs made before the recipe). */
export type LrSchedule = 'warmup-cosine' | 'cosine-epochs';
export const LR_SCHEDULES: readonly LrSchedule[] = ['warmup-cosine', 'cosine-epochs'];

export interface TrainConfig {
  model: ModelName;
  /** Side of the square input in pixels. */
  inputSize: number;
  /** 1 = greyscale, 3 = RGB. */
  channels: 1 | 3;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Fraction of Training held out for validation (stratified, duplicate groups kept together). */
  valFraction: number;
  seed: number;
  /** Epochs without a better validation loss before stopping early; 0 = never. */
  patience: number;
  classWeights: boolean;
  labelSmoothing: number;
  augment: AugmentSettings;
  /** Decoupled weight decay of the conv and dense kernels (AdamW); 0 = plain Adam. */
  weightDecay: number;
  schedule: LrSchedule;
  /** Epochs of linear learning-rate warm-up (`warmup-cosine` only; may be fractional). */
  warmupEpochs: number;
  /** Per-step decay of an exponential moving average of the weights, which validation scores and the best
   *  model keeps; 0 = off. */
  ema: number;
  /**
   * The intensity step of the preprocessing policy: `none` (policy version 1, as every model before it) or
   * `equalize-head` (version 2: the head's histogram equalised, so contrast, gamma and brightness shifts of another
   * scanner do not reach the model).
   */
  intensity: IntensityStep;
}

/** TrainConfig.intensity's values. */
export const INTENSITY_STEPS = ['none', 'equalize-head'] as const;
export type IntensityStep = (typeof INTENSITY_STEPS)[number];

export interface EpochStats {
  epoch: number;
  loss: number;
  acc: number;
  valLoss: number;
  valAcc: number;
  lr: number;
  /** Wall time of the epoch, training and validation, in milliseconds. */
  ms: number;
}

export interface TrainParams {
  /** Absolute path of the dataset folder (Kaggle layout or class folders). Not needed to resume. */
  dataRoot?: string;
  /**
   * Several dataset folders (sources) trained on together, each with its own layout and labels (coarse `tumour`
   * folders included); replaces `dataRoot` when given. The validation split is stratified by source and class and
   * keeps near copies on one side across sources.
   */
  dataRoots?: string[];
  /** Absolute path of the folder run folders are created in. */
  runsDir?: string;
  /** Settings; missing ones take the defaults. Ignored when resuming (the run's own config is used). */
  config?: Partial<TrainConfig>;
  /** Absolute path of an interrupted run folder to continue from its last completed epoch. */
  resumeRunDir?: string;
}

export interface TrainStarted { runId: string; runDir: string; config: TrainConfig; resumedFromEpoch: number | null }
/** Client -> server: start (or resume) a training run. Fails with TrainingBusy while another runs. */
export const train = new RequestType<TrainParams, TrainStarted, void>(METHOD_PREFIX + 'train');

export type TrainPhase = 'loading' | 'training' | 'evaluating' | 'finished';
export interface TrainProgress {
  runId: string;
  phase: TrainPhase;
  /** 0-based epoch being run, and the planned number of epochs. */
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Running mean loss and accuracy of the epoch so far. */
  loss: number;
  acc: number;
  imgPerSec: number;
  /** Seconds left for the whole run, null until it can be estimated. */
  etaSec: number | null;
  /** Loading phase: images ready so far, of total. */
  loaded?: { done: number; total: number };
}
/** Server -> client: progress of the running training, at most a few times per second. */
export const trainProgress = new NotificationType<TrainProgress>(METHOD_PREFIX + 'trainProgress');

export interface TrainEpochEvent { runId: string; stats: EpochStats; improved: boolean; bestEpoch: number }
/** Server -> client: one epoch finished (after its checkpoint is on disk). */
export const trainEpoch = new NotificationType<TrainEpochEvent>(METHOD_PREFIX + 'trainEpoch');

export type TrainOutcome = 'completed' | 'early-stopped' | 'cancelled' | 'failed';
export interface TrainEnd {
  runId: string;
  runDir: string;
  outcome: TrainOutcome;
  /** For `failed`: what went wrong and what to do. */
  message: string;
  /** Epoch whose weights the run's model holds (-1 when none finished). */
  bestEpoch: number;
  bestValAcc: number | null;
  epochsRun: number;
  ms: number;
  /**
   * The automatic evaluation of the finished model on the dataset's Testing split (official and deduplicated),
   * saved as evaluation.json in the run folder; null when the dataset has no Testing split or the run did not finish.
   */
  evaluation?: { official: HeadlineScores | null; deduplicated: HeadlineScores | null; error?: string } | null;
}
export interface HeadlineScores { accuracy: number; macroF1: number; ece: number; count: number }
/** Server -> client: the run ended. The run folder holds the best model when at least one epoch finished. */
export const trainEnd = new NotificationType<TrainEnd>(METHOD_PREFIX + 'trainEnd');

/** Client -> server: stop the run within one batch; its last finished epoch stays resumable. */
export const cancelTraining = new NotificationType<{ runId: string }>(METHOD_PREFIX + 'cancelTraining');

/** One dataset folder a run trained on, as recorded in metadata.json (resume checks every fingerprint). */
export interface DataSource {
  root: string;
  /** sha256 over (file, content hash, label) of the source's images used, in order. */
  fingerprint: string;
  counts: { train: number; val: number };
  /** Per label (the four classes and `tumour` when the source has coarse labels). */
  perClass: Record<string, { train: number; val: number }>;
}

/** Near copies between the sources of a run: pairs across sources, and leaks (a Training image of one source
 *  that copies a Testing image of another: that Testing image leaves the deduplicated figures). */
export interface CrossSourceOverlap {
  /** Duplicate groups (exact or near) with members from more than one source. */
  groups: number;
  leaks: { testRoot: string; testFile: string; trainRoot: string; trainFile: string; distance: number }[];
}

export interface TrainingSnapshot {
  runId: string;
  runDir: string;
  /** The first source's folder (the only one for a one-source run). */
  dataRoot: string;
  /** Every source of the run (one for a one-source run; empty until the data are loaded when unknown). */
  sources: DataSource[];
  config: TrainConfig;
  backend: { kind: BackendKind; threads: number; simd: boolean | null };
  counts: { train: number; val: number };
  history: EpochStats[];
  /** The latest progress, or null before the first. */
  progress: TrainProgress | null;
  end: TrainEnd | null;
}
/** Client -> server: the running run (or the last one this backend ran), for a panel that (re)opens mid-run. */
export const trainingState = new RequestType0<TrainingSnapshot | null, void>(METHOD_PREFIX + 'trainingState');

export interface RunSummary {
  runId: string;
  runDir: string;
  status: 'running' | TrainOutcome | 'interrupted';
  config: TrainConfig;
  dataRoot: string;
  /** Every dataset folder the run trained on (the first is `dataRoot`). */
  sources: DataSource[];
  backend: { kind: BackendKind; threads: number; simd: boolean | null };
  counts: { train: number; val: number };
  history: EpochStats[];
  bestEpoch: number;
  /** A checkpoint exists and the run did not complete: `train` with resumeRunDir continues it. */
  resumable: boolean;
  /** Why a run that stopped early cannot be resumed (e.g. its checkpoint is damaged); absent when it can, or finished. */
  resumeProblem?: string;
  /** Another live process holds the run folder's lock (it is training this run now): "running elsewhere". */
  lock?: RunLock;
  createdAt: string;
  /** Headline Testing figures of the run's last evaluation, if any. */
  evaluation: { official: HeadlineScores | null; deduplicated: HeadlineScores | null } | null;
}
/** The owner of a run folder while it trains (run.lock): one trainer per folder, across processes. */
export interface RunLock { pid: number; host: string; startedAt: string }

/** Client -> server: read a run folder (for the Training panel of a finished run, and for Resume). */
export const readRun = new RequestType<{ runDir: string }, RunSummary, void>(METHOD_PREFIX + 'readRun');

// ---------------------------------------------------------------------------------------------
// Evaluation: a model (run folder) on a dataset's Testing split, official and deduplicated, with every metric.

export interface ClassScores {
  name: TumorClassName;
  precision: number;
  recall: number;
  f1: number;
  /** Images whose true class this is. */
  support: number;
  /** Images predicted as this class. */
  predicted: number;
  /** One-vs-rest ROC AUC; null when undefined (the class is absent, or the only one present). */
  auc: number | null;
}

export interface CalibrationBinScores { lower: number; upper: number; count: number; accuracy: number | null; confidence: number | null }

export interface SplitScores {
  /** What was scored: 'official' = the whole Testing split; 'deduplicated' = Testing minus files with a near copy in Training. */
  key: 'official' | 'deduplicated' | 'validation';
  /** Human name, e.g. "Testing (official)". */
  label: string;
  count: number;
  accuracy: number;
  macro: { precision: number; recall: number; f1: number };
  weighted: { precision: number; recall: number; f1: number };
  perClass: ClassScores[];
  /** Rows = true class, columns = predicted class, in CLASS order. */
  confusion: number[][];
  rocAucMacro: number | null;
  /** Per class: the ROC curve (at most ~200 points, from (0,0) to (1,1)), null when undefined. */
  roc: ({ fpr: number[]; tpr: number[] } | null)[];
  /** Expected calibration error (15 bins) and the reliability diagram's bins, after temperature scaling if any. */
  ece: number;
  maxCalibrationError: number;
  calibrationBins: CalibrationBinScores[];
  /** Mean negative log-likelihood of the true class. */
  nll: number;
  /** The same scores with test-time augmentation (mean of the image and its mirror), when asked for. */
  tta: { accuracy: number; macroF1: number; ece: number } | null;
  /** Tumour vs no tumour on the same images (absent in evaluations saved by older versions). */
  detection?: DetectionScores;
}

/** One scored image, for the galleries of mistakes and of the least confident predictions. */
export interface ImageVerdict {
  /** Relative to the dataset root. */
  rel: string;
  label: DatasetLabel;
  predicted: TumorClassName;
  /** Probabilities in CLASS order (after temperature scaling if any). */
  probs: number[];
  confidence: number;
  /** Also in "Testing, deduplicated" (false: it has a near copy in Training). */
  inDeduplicated: boolean;
}

export interface EvaluationReport {
  format: 'brain-tumor-evaluation';
  createdAt: string;
  modelDir: string;
  runId: string | null;
  model: { name: string; inputSize: number; channels: 1 | 3; params: number };
  dataRoot: string;
  classes: TumorClassName[];
  /** Temperature fitted on the run's validation split (stored in the model's metadata), or null. */
  calibration: {
    temperature: number; fittedOn: 'validation'; nllBefore: number; nllAfter: number; count: number;
    /** One bias per class added to log p / T (bias-corrected temperature scaling); absent in older models. */
    bias?: number[];
  } | null;
  /** The official split first, then the deduplicated one. */
  splits: SplitScores[];
  /** Leaks behind the deduplicated split: Testing files with a near copy in Training (or in another training source
   *  of the model), and the scan's threshold. */
  leaks: { count: number; nearThreshold: number };
  misclassified: ImageVerdict[];
  leastConfident: ImageVerdict[];
  tta: boolean;
  backend: { kind: BackendKind; threads: number; simd: boolean | null };
  /** Wall time of the whole evaluation and the images predicted in it (Testing, external sets, perturbed copies). */
  timing: { ms: number; images: number; imgPerSec: number };
  /** Images that could not be decoded (skipped, and named here). */
  skipped: { rel: string; message: string }[];
  /** The dataset folders the model trained on (from its metadata); near copies of their Training images leave the
   *  deduplicated figures of Testing and of every external set. */
  trainingSources: string[];
  /** The review threshold the confident misses and false alarms were counted at (absent in older evaluations). */
  threshold?: number;
  /** External sets (sources the model was not trained on), in the order asked; empty when none was given. */
  external: ExternalScores[];
  /** Testing under perturbations (`perturb`), or null when not asked for. */
  perturbations: PerturbationScores[] | null;
  /** The clean baseline the perturbation drops are measured from (same decode path, no perturbation). */
  perturbationBaseline: { accuracy: number; deduplicatedAccuracy: number | null; count: number; seed: number } | null;
}

/** A count out of a total, and the rate (null when the total is 0). */
export interface RateCount { count: number; of: number; rate: number | null }

/**
 * Tumour vs no tumour: a prediction counts as "tumour" when its most likely class is glioma, meningioma or
 * pituitary. The errors that matter clinically are the confident ones: nothing flags them for review.
 */
export interface DetectionScores {
  /** Images scored, and of them with a tumour label (fine or coarse) and with the notumor label. */
  count: number;
  tumour: number;
  notumor: number;
  /** Tumour images called a tumour class / tumour images; null without tumour images. */
  sensitivity: number | null;
  /** Notumor images called notumor / notumor images; null without notumor images. */
  specificity: number | null;
  /** Tumour images called notumor with calibrated confidence >= the threshold (of the tumour images). */
  confidentMisses: RateCount;
  /** Notumor images called a tumour class with confidence >= the threshold (of the notumor images). */
  confidentFalseAlarms: RateCount;
  /** ROC AUC of P(tumour) = 1 - P(notumor); null unless both kinds of image are present. */
  auc: number | null;
}

/** One external set: a dataset folder from a source the model never trained on, every split of it scored. */
export interface ExternalScores extends DetectionScores {
  root: string;
  /** The folder's name, for tables. */
  name: string;
  /** The review threshold the confident errors were counted at. */
  threshold: number;
  /** Images with a fine label (one of the four classes) and with the coarse `tumour` label. */
  labels: { fine: number; coarse: number };
  /** How the images were called, per predicted class. */
  predicted: Record<TumorClassName, number>;
  /** The four-class metrics on the finely labelled images; null when it has none (or only one class). */
  fine: SplitScores | null;
  /** Images with a near copy in the model's training data (left out of `deduplicated`). */
  nearCopies: number;
  /** The detection figures without those near copies; null when there are none to leave out. */
  deduplicated: DetectionScores | null;
  /** A few confident misses (relative paths, most confident first), for a look. */
  confidentMissFiles: string[];
  skipped: { rel: string; message: string }[];
}

export type PerturbationName =
  | 'contrast-low' | 'contrast-high' | 'gamma-low' | 'gamma-high' | 'darker' | 'brighter' | 'noise' | 'blur'
  | 'downscale' | 'upscale' | 'jpeg' | 'rotate' | 'flip';

/** Testing under one perturbation, applied to the decoded pixels before the one preprocessing path. */
export interface PerturbationScores {
  name: PerturbationName;
  /** What was done, in words (e.g. "contrast x0.5 about the mean"). */
  description: string;
  /** Official Testing: accuracy, and its drop from the clean baseline (clean - perturbed, as a fraction). */
  accuracy: number;
  drop: number;
  /** Testing, deduplicated: the same two figures (null when there is no deduplicated split). */
  deduplicatedAccuracy: number | null;
  deduplicatedDrop: number | null;
  /** Tumour vs none under the perturbation (official Testing): sensitivity and confident misses. */
  sensitivity: number | null;
  confidentMisses: RateCount;
  count: number;
}

export interface EvaluateParams {
  /** Absolute path of a run folder (or any folder with model.json and metadata.json). */
  modelDir: string;
  /** Absolute path of the dataset; default: the one the run trained on. */
  dataRoot?: string;
  /** Test-time augmentation (mirror), reported separately. Default false. */
  tta?: boolean;
  /** 'Testing' (default; official and deduplicated) or 'Validation' (the run's held-out Training files). */
  split?: 'Testing' | 'Validation';
  /** Fit (or refit) temperature scaling on the run's validation split and store it in metadata.json. Default true. */
  calibrate?: boolean;
  /** Absolute dataset folders from sources the model never trained on: each is scored as an external set. */
  external?: string[];
  /** Also score Testing under seeded perturbations (contrast, gamma, noise, blur, resolution, JPEG, rotation, flip). */
  perturb?: boolean;
  /** Review threshold on the calibrated confidence for the confident errors. Default 0.7. */
  threshold?: number;
  progressToken?: string;
}
/** Client -> server: evaluate a model on a dataset's Testing split (cancellable; progress via `evaluateProgress`). */
export const evaluate = new RequestType<EvaluateParams, EvaluationReport, void>(METHOD_PREFIX + 'evaluate');

/** Client -> server: the saved evaluation of a run folder (evaluation.json), or null when it has none. */
export const readEvaluation = new RequestType<{ runDir: string }, EvaluationReport | null, void>(METHOD_PREFIX + 'readEvaluation');

export interface EvaluateProgress {
  phase: 'loading' | 'predicting' | 'calibrating' | 'external' | 'perturbing';
  done: number;
  total: number;
  /** For 'external': the set being scored; for 'perturbing': the perturbation. */
  detail?: string;
}
/** Server -> client: how far an evaluation got, as `$/progress` on the request's `progressToken`. */
export const evaluateProgress = new ProgressType<EvaluateProgress>();

// ---------------------------------------------------------------------------------------------
// Classification: images through a model (the active one, or the bundled default), with calibrated
// confidence, an uncertainty verdict and optionally a Grad-CAM heat map.

/** A model as classification sees it: where it is, what it is and how well it scored. */
export interface ModelInfo {
  /** Absolute folder holding model.json, weights.bin and metadata.json. */
  modelDir: string;
  /** The model shipped with the extension (models/ folder), used when the user picked none. */
  bundled: boolean;
  runId: string | null;
  /** Architecture name from the run's config (e.g. "seed-cnn"). */
  architecture: string;
  inputSize: number;
  channels: 1 | 3;
  params: number;
  classes: TumorClassName[];
  /** Temperature fitted on validation (probabilities are divided through it), or null when uncalibrated. */
  temperature: number | null;
  /** Headline Testing figures from the model's evaluation, or null when it was never evaluated. */
  evaluation: { official: HeadlineScores | null; deduplicated: HeadlineScores | null } | null;
  /** Feature statistics for the out-of-distribution check are present (fitted on validation). */
  featureStats: boolean;
  createdAt: string;
}

export interface LoadModelParams {
  /** Absolute model folder; omitted: the bundled default model. */
  modelDir?: string;
}
/** Client -> server: load and check a model (classes, input size, weights), make it the one `status` reports. */
export const loadModel = new RequestType<LoadModelParams, ModelInfo, void>(METHOD_PREFIX + 'loadModel');

/** A Grad-CAM heat map on the model's input (the preprocessed square image), row-major, values in 0..1. */
export interface Heatmap {
  width: number;
  height: number;
  values: number[];
  /** The class whose evidence it shows (the predicted one) and the layer it was taken at. */
  targetClass: TumorClassName;
  layer: string;
}

/** What classification measures of the decoded image (on the working image, before greyscale) to judge whether it
 *  looks like a brain MRI slice. */
export interface ImageStats {
  /** Mean over pixels of (max channel - min channel), 0..255: MRI slices are grey, so near 0. */
  colourfulness: number;
  /** Share of the pixels on the image's outer frame (5% of each side) at or below 24: MRI slices sit on black. */
  darkBorder: number;
  /** Share of all pixels brighter than 24 (the head): near 0 for an empty image. */
  content: number;
  /** Share of all pixels at or above 230: MRI slices have little pure white; documents and photos have much. */
  white: number;
  /** Standard deviation of the intensities, 0..255: near 0 for a uniform image. */
  spread: number;
  /** Mean absolute difference of horizontally adjacent pixels, 0..255: anatomy is smooth, noise and text are not. */
  roughness: number;
}

/** How an image was judged in or out of what the model was trained on (brain MRI slices), with the measurements. */
export interface DistributionCheck extends ImageStats {
  outOfDistribution: boolean;
  /** Plain-language reasons, empty when the image looks like a brain MRI slice. */
  reasons: string[];
  /** Distance of the image's features from the nearest class centre, in units of the validation set's 99th
   *  percentile (> 1: farther than 99% of validation images); null when the model has no feature statistics. */
  featureDistance: number | null;
}

/** A rectangle in pixels of the original image (fractional: the crop is found on a reduced working image). */
export interface PixelRect { left: number; top: number; width: number; height: number }

/**
 * How preprocessing made the model input from the original image, in pixels of the original as displayed (after
 * its EXIF orientation): crop to `crop`, pad with black to the square `square`, resize that to `inputSize`. A point
 * (u, v) of the input (0..inputSize) lies at (square.left + u * square.width / inputSize, likewise for y) in the
 * original; only the part inside `crop` is image, the rest is padding.
 */
export interface InputGeometry {
  /** The original's size after its EXIF orientation (width and height swap for a quarter turn). */
  width: number;
  height: number;
  /** The EXIF orientation (1..8) applied before anything else; 1: none, 5 to 8: a quarter turn (and maybe a mirror). */
  orientation: number;
  /** The part of the original kept by the dark-border crop (the whole image when nothing was cropped). */
  crop: PixelRect;
  /** Black added on each side of the crop to make it square (one side of each pair is 0 or both are). */
  pad: { left: number; top: number; right: number; bottom: number };
  /** The padded square: `crop` grown by `pad` (left and top are negative where the padding lies outside the
   *  image). Width and height differ only by the rounding of the reduced working image's size. */
  square: PixelRect;
  /** The model input's side in pixels. */
  inputSize: number;
}

/** The original image as classification saw it, for drawing the heat map on it. */
export interface OriginalImage {
  geometry: InputGeometry;
  /** The original (EXIF orientation applied, transparency on black) as a data URL, its longer side at most
   *  ORIGINAL_PREVIEW_MAX_SIDE pixels, when `withInput` was asked for; else null. */
  image: string | null;
}
/** The longest side of `OriginalImage.image`; a larger original is scaled down (it is for display only). */
export const ORIGINAL_PREVIEW_MAX_SIDE = 1024;

export interface ClassifiedImage {
  ok: true;
  /** As given (absolute). */
  path: string;
  predicted: TumorClassName;
  /** In CLASS order, after temperature scaling; they sum to 1. */
  probabilities: number[];
  /** The predicted class's calibrated probability. */
  confidence: number;
  /** Needs expert review: confidence below the threshold, or out of distribution. */
  uncertain: boolean;
  uncertainReasons: string[];
  distribution: DistributionCheck;
  heatmap: Heatmap | null;
  /** The model's input (cropped, padded, resized) as a PNG data URL, when `withInput` was asked for. */
  input: string | null;
  /** Original size in pixels. */
  width: number;
  height: number;
  /** Where the model input came from in the original, and the original for display (backends before this field
   *  sent none; clients that do not know it ignore it). */
  original?: OriginalImage;
  /** Present when the path is a volume (NIfTI, DICOM series folder, multi-frame DICOM). */
  volume?: VolumeResult;
}

/** How a volume (a NIfTI file, a DICOM series folder or a multi-frame DICOM file) is cut into 2-D slices. */
export type SliceOrientation = 'axial' | 'coronal' | 'sagittal';
export const SLICE_ORIENTATIONS: readonly SliceOrientation[] = ['axial', 'coronal', 'sagittal'];

/**
 * What is shown of a volume: descriptive attributes only. Nothing that identifies a patient (name, ID, birth date,
 * address, institution, accession number, dates) is ever read into this, logged or sent.
 */
export interface VolumeInfo {
  format: 'nifti' | 'dicom-series' | 'dicom-multiframe';
  orientation: SliceOrientation;
  /** Slices along `orientation` in the whole volume (before any limit or selection). */
  sliceCount: number;
  /** Voxel grid size [columns, rows, slices] in the slicing orientation. */
  dims: [number, number, number];
  /** Voxel spacing in mm in the same order, when known. */
  spacing: [number, number, number] | null;
  /** DICOM Modality (e.g. "MR"), when known. */
  modality: string | null;
  /** DICOM Series Description or the NIfTI `descrip` field, when present. */
  seriesDescription: string | null;
  /** A sequence guessed from the description and acquisition attributes ("T1", "T1c", "T2", "FLAIR", "DWI"...), or null. */
  sequence: string | null;
  /** How the grey values were windowed to 8 bits, e.g. "DICOM window 40/400" or "percentiles 0.5-99.5". */
  window: string;
}

/** One classified slice of a volume. `index` counts from 0 along the orientation (the first slice is the inferior,
 *  posterior or right-most one, as the NIfTI/DICOM geometry says; see docs/dicom-nifti.md). */
export interface ClassifiedSlice {
  index: number;
  /** The slice's position along the slicing axis in mm (patient coordinates), when known. */
  position: number | null;
  predicted: TumorClassName;
  probabilities: number[];
  confidence: number;
  uncertain: boolean;
  uncertainReasons: string[];
  heatmap: Heatmap | null;
  /** The slice as the model saw it (PNG data URL) when `withInput` was asked for. */
  input: string | null;
  /** True when the slice shows almost nothing (no head: above the skull, padding): classified, but not counted in
   *  the summary (docs/dicom-nifti.md, "Volume summary"). Absent from backends before it was added. */
  empty?: boolean;
}

/** What the slices of a volume say together. */
export interface VolumeSummary {
  /** Indexes of the slices whose most likely class is a tumour class (and not uncertain). */
  tumourSlices: number[];
  /** The most likely class for the volume: the tumour class with the most confident tumour slices, else notumor. */
  predicted: TumorClassName;
  /** The first and last index of the slices predicting `predicted` (null for notumor). */
  sliceRange: [number, number] | null;
  /** The slice shown first: the most confident slice of `predicted`. */
  keySlice: number;
}

/** A classified volume: `ClassifiedImage`'s fields describe its key slice, so clients that know nothing of volumes
 *  still show a sensible result; `slices` has every classified slice. */
export interface VolumeResult {
  info: VolumeInfo;
  summary: VolumeSummary;
  slices: ClassifiedSlice[];
}

export interface FailedImage {
  ok: false;
  path: string;
  /** What is wrong and what to do. */
  error: string;
  kind: ProblemKind | 'missing';
}

export type ClassifyItem = ClassifiedImage | FailedImage;

export interface ClassifyParams {
  /** Absolute image files and/or folders (folders: every image inside, recursively). */
  paths: string[];
  /** Absolute model folder; omitted: the bundled default model. */
  modelDir?: string;
  /** Compute Grad-CAM heat maps. Default false. */
  explain?: boolean;
  /** Include each model input as a PNG data URL (for display). Default false. */
  withInput?: boolean;
  /** Calibrated confidence below this is "uncertain". Default 0.7. */
  threshold?: number;
  /** Test-time augmentation: average the probabilities of the image and its mirror image. Default false. */
  tta?: boolean;
  /** How volumes are sliced. Default 'axial'. */
  orientation?: SliceOrientation;
  progressToken?: string;
}

export interface ClassifyResult {
  model: ModelInfo;
  items: ClassifyItem[];
  threshold: number;
  /** Whether the probabilities average the image and its mirror image (test-time augmentation). */
  tta: boolean;
  backend: BackendKind;
  timing: { ms: number; images: number; imgPerSec: number };
}
/** Client -> server: classify images (cancellable; progress via `classifyProgress`). */
export const classify = new RequestType<ClassifyParams, ClassifyResult, void>(METHOD_PREFIX + 'classify');

export interface ClassifyProgress { done: number; total: number }
/** Server -> client: how many images a classification has done, as `$/progress` on the request's `progressToken`. */
export const classifyProgress = new ProgressType<ClassifyProgress>();

/** Default uncertainty threshold on the calibrated confidence (the `brainTumor.classification.uncertaintyThreshold` setting). */
export const DEFAULT_UNCERTAINTY_THRESHOLD = 0.7;
/** A classify request takes at most this many images (folders included); more is refused with a clear error. */
export const MAX_CLASSIFY_IMAGES = 20000;

// ---------------------------------------------------------------------------------------------
// Initialization

/**
 * What the extension passes in `initializationOptions`.
 *
 * Language (`l10n`): the backend writes its messages (errors, progress, the verdicts and reasons inside results)
 * in the display language itself, with the bundle the extension host loaded, rather than sending codes for the
 * extension to render. Why:
 * - one bundle file serves both sides: the extension host's `vscode.l10n.bundle` holds the backend's messages too,
 *   so there is one translation per message and no second table of codes to keep in step with the texts;
 * - the CLI on a headless or remote machine (`brain-tumor ...`, `brain-tumor serve`) needs the same texts with no
 *   VS Code to render them: it reads the same shipped bundle itself (--lang, or the locale);
 * - machines still get codes: the ErrorCodes below stay in every ResponseError, and identifiers (class names,
 *   phases, problem kinds) stay English in the protocol, so nothing a client branches on depends on the language.
 */
export interface ServerInitOptions {
  /** The `brainTumor.backend` setting; the BRAIN_TUMOR_BACKEND env variable overrides it. */
  backend?: BackendPreference;
  /** The `brainTumor.threads` setting; 0 means "as many as the machine has". */
  threads?: number;
  /** Folder for decoded-image and scan caches (the extension passes workspace .brain-tumor/cache or its storage). */
  cacheDir?: string;
  /** The display language and the extension host's message bundle for it (vscode.l10n.bundle; absent: English). */
  l10n?: { language: string; bundle?: Record<string, string | { message: string; comment: string[] }> };
}

/** Environment variables the backend reads. Documented in the README. */
export const ENV_BACKEND = 'BRAIN_TUMOR_BACKEND';
export const ENV_THREADS = 'BRAIN_TUMOR_THREADS';

// ---------------------------------------------------------------------------------------------
// Errors: expected failures travel as ResponseError with one of these codes and a message a user
// can act on. Codes sit in the JSON-RPC "server error" range reserved for implementations.

export const ErrorCodes = {
  /** The request's params failed validation. */
  InvalidParams: -32602,
  /** The engine could not start at all (not even the cpu backend). */
  BackendUnavailable: -32010,
  /** The request needs a feature a later version provides. */
  NotImplemented: -32011,
  /** The dataset folder's layout is not one the backend understands (message says what it expected). */
  DatasetLayout: -32020,
  /** A training run is already going; the message names it. */
  TrainingBusy: -32030,
  /** A run or model folder is missing, incomplete or not one of ours (message says which file and why). */
  RunFolder: -32031,
  /** The model does not fit the request (classes, input size, channels): message says what and what to do. */
  IncompatibleModel: -32032,
  /** The user cancelled the job. */
  Cancelled: -32800,
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export function protocolError(code: ErrorCode, message: string): ResponseError<void> {
  return new ResponseError<void>(code, message);
}

// ---------------------------------------------------------------------------------------------
// Validation helpers shared by both sides: every request's params are checked on arrival.

export function isBackendPreference(v: unknown): v is BackendPreference {
  return typeof v === 'string' && (BACKEND_PREFERENCES as readonly string[]).includes(v);
}
