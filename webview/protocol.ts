/**
 * Messages between the extension and its webview panels (types only). Each panel has a `To<Panel>View` union
 * (extension -> webview) and a `From<Panel>View` union (webview -> extension), discriminated on `type`.
 * Replies carry `error: string | null` instead of throwing across postMessage.
 */
import type {
  BackendKind, ClassifyItem, ClassifyResult, DataSource, EpochStats, EvaluationReport, ScanReport, SplitScores, StatusResult, TrainConfig, TrainEnd,
  TrainProgress,
} from '../server/protocol';

export type BackendViewState = 'stopped' | 'starting' | 'running' | 'failed' | 'untrusted';

/**
 * A chart a page drew, to be saved where the user picks (any panel with charts sends it): a PNG data URL from the
 * chart's canvas, or an SVG document built from the chart's data (webview/chartSvg.ts). `name` suggests the file name.
 */
export interface ChartImage { type: 'exportChart'; format: 'png' | 'svg'; name: string; data: string }

export type ToStatusView = {
  type: 'status';
  state: BackendViewState;
  status: StatusResult | null;
  error: string | null;
};

export type FromStatusView =
  | { type: 'ready' }
  | { type: 'refresh' }
  | { type: 'restart' }
  | { type: 'openLogs' };

/** What the status panel keeps across reloads (vscode.setState). */
export interface StatusViewState {
  last: ToStatusView | null;
}

export type ToDatasetView = {
  type: 'report';
  report: ScanReport;
  /** Webview URIs of the sample images, by relative path (the extension maps them; the page cannot). */
  thumbs: Record<string, string>;
};

export type FromDatasetView =
  | { type: 'ready' }
  /** Open a file of the dataset in an editor; `rel` is relative to the dataset root. */
  | { type: 'open'; rel: string }
  | { type: 'rescan' };

/** What the dataset panel keeps across reloads. */
export interface DatasetViewState {
  report: ScanReport | null;
}

/** Everything the Training panel shows, for a live run or a finished one read from its folder. */
export interface TrainingView {
  runId: string;
  runDir: string;
  dataRoot: string;
  /** Every dataset folder the run trains on (empty until the backend has loaded them; absent in views saved by older versions). */
  sources?: DataSource[];
  /** live: this window's backend is running it now. */
  live: boolean;
  status: 'loading' | 'training' | 'completed' | 'early-stopped' | 'cancelled' | 'failed' | 'interrupted' | 'running';
  config: TrainConfig;
  backend: { kind: BackendKind; threads: number; simd: boolean | null };
  counts: { train: number; val: number };
  history: EpochStats[];
  bestEpoch: number;
  progress: TrainProgress | null;
  end: TrainEnd | null;
  resumable: boolean;
  /** Another process (another window, or the CLI) is training this run now: its lock's holder. */
  runningElsewhere?: { pid: number; host: string; startedAt: string };
  /** Testing figures of the run's evaluation (at the end of training, or a later Evaluate Model). */
  evaluation: TrainEnd['evaluation'];
}

export type ToTrainingView = { type: 'view'; view: TrainingView | null; error: string | null };

export type FromTrainingView =
  | { type: 'ready' }
  | ChartImage
  | { type: 'cancel'; runId: string }
  | { type: 'resume'; runDir: string }
  | { type: 'openFolder'; runDir: string }
  | { type: 'showMetrics'; runDir: string };

/** What the Training panel keeps across reloads: which run it shows (the data comes back from the backend). */
export interface TrainingViewState {
  runDir: string | null;
  last: TrainingView | null;
}

/** Everything the Metrics panel shows: one evaluation report, optionally another to compare with, and the run's curves. */
export type ToMetricsView = {
  type: 'report';
  report: EvaluationReport;
  /** Webview URIs of the gallery images (misclassified, least confident), by path relative to the dataset root. */
  thumbs: Record<string, string>;
  /** A second report (another run, or the same model evaluated differently) shown beside this one, or null. */
  compare: EvaluationReport | null;
  /** The training history of the report's run, when its run folder could be read; null otherwise. */
  history: EpochStats[] | null;
};

export type FromMetricsView =
  | { type: 'ready' }
  | ChartImage
  /** Open an image of the dataset; `rel` is relative to the report's dataRoot. */
  | { type: 'open'; rel: string }
  /** Write the self-contained HTML report (and the JSON) somewhere the user picks. */
  | { type: 'export' }
  /** Pick another evaluation report to compare with. */
  | { type: 'compare' }
  /** Stop comparing. */
  | { type: 'clearCompare' }
  /** The page drew a report: its run and the external rows as shown (name, sensitivity cell's text). */
  | { type: 'rendered'; runId: string | null; external: RenderedExternalRow[] };

export interface RenderedExternalRow { name: string; sensitivity: string }

/** What the Metrics panel keeps across reloads: the reports themselves (there is no backend state to ask). */
export interface MetricsViewState {
  report: EvaluationReport | null;
  compare: EvaluationReport | null;
  history: EpochStats[] | null;
  /** The split whose ROC curves and reliability diagram are shown. */
  chartSplit: SplitScores['key'];
}

/** The Classification panel's message from the extension: a result to show, or the answer to an `explain`. */
export type ToClassificationView =
  | {
    type: 'result';
    result: ClassifyResult;
    /**
     * Webview URIs of the original files, by absolute path, for the items that carry no `input` (their
     * thumbnails in the batch table, and the detail picture until a heat map arrives).
     */
    thumbs: Record<string, string>;
  }
  /** The reply to `explain`: the image classified again with its heat map and input, or why that failed. */
  | { type: 'explained'; path: string; item: ClassifyItem | null; error: string | null };

export type FromClassificationView =
  | { type: 'ready' }
  /** Open one of the result's images in an editor. */
  | { type: 'open'; path: string }
  /** Classify one of the result's images again with a heat map and its model input (a batch row without them). */
  | { type: 'explain'; path: string }
  /** Save these of the result's images (the rows shown, in the order shown) as CSV. */
  | { type: 'exportCsv'; paths: string[] };

export type ClassificationSortKey = 'name' | 'predicted' | 'confidence' | 'uncertain';
export type UncertaintyFilter = 'all' | 'uncertain' | 'confident';

/** How the batch table is sorted and filtered, and how the heat map is drawn. */
export interface ClassificationViewPrefs {
  sort: { key: ClassificationSortKey; dir: 'asc' | 'desc' };
  /** A class name, or 'all'. */
  filterClass: string;
  filterUncertain: UncertaintyFilter;
  heatmap: { show: boolean; opacity: number };
}

/**
 * What the Classification panel keeps across reloads: the result itself (there is no backend state to ask), with
 * the model inputs of most items dropped when they would make the state large, and the row whose detail is open.
 */
export interface ClassificationViewState extends ClassificationViewPrefs {
  result: ClassifyResult | null;
  /** Path of the batch row whose detail is shown, or null. */
  selected: string | null;
  /** The slice shown of each volume (ClassifiedSlice.index, by path); a volume not listed opens at its key slice. */
  slices?: Record<string, number>;
}

/** One run of the Compare Runs panel: what its table shows and the curves its charts draw (built by the extension). */
export interface CompareRun {
  runId: string;
  runDir: string;
  status: string;
  model: string;
  /** The configuration highlights in words, e.g. "128 px greyscale, batch 32, lr 0.002, seed 42". */
  settings: string;
  /** Finished epochs, and the epochs the run was set to. */
  epochs: number;
  plannedEpochs: number;
  /** Training time: the sum of the epochs' wall times, in seconds. */
  seconds: number;
  bestValAcc: number | null;
  /** Testing accuracy of the run's last evaluation, official and deduplicated split; null when not evaluated. */
  official: number | null;
  deduplicated: number | null;
  /** Sensitivity on each external set of the last evaluation (empty when none was scored). */
  external: { name: string; sensitivity: number | null }[];
  history: Pick<EpochStats, 'epoch' | 'loss' | 'acc' | 'valLoss' | 'valAcc'>[];
}

/** The runs to compare, and the ones that could not be read (one sentence each). */
export type ToCompareView = { type: 'runs'; runs: CompareRun[]; problems: string[] };

export type CompareSortKey = 'run' | 'model' | 'epochs' | 'seconds' | 'bestValAcc' | 'official' | 'deduplicated' | 'external';

export type FromCompareView =
  | { type: 'ready' }
  | ChartImage
  /** Save the table as CSV, its rows in this order (run folders; the extension writes only runs it holds). */
  | { type: 'exportCsv'; order: string[] };

/** What the Compare Runs panel keeps across reloads: the runs themselves (read once from their folders) and the sort. */
export interface CompareViewState {
  runs: CompareRun[];
  problems: string[];
  sort: { key: CompareSortKey; dir: 'asc' | 'desc' };
}
