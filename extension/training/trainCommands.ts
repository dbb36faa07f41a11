/**
 * Train Model, Resume Training, Cancel Training and Show Training. Settings are picked in a few quick steps
 * (dataset folders, model, epochs) and remembered per workspace; integration tests and other extensions can pass
 * them as the command's argument instead. Several dataset folders (sources) train one model together: one folder
 * travels as `dataRoot` as before, several as `dataRoots`.
 *
 * A window reload ends the extension host and with it the backend and its run. The run folder keeps every
 * finished epoch, so the run is resumed automatically when the window comes back (`resumeAfterReload`).
 */
import * as vscode from 'vscode';
import { ResponseError } from 'vscode-languageclient/node';
import { DEFAULT_EPOCHS, DEFAULT_MODEL, ErrorCodes, MODEL_NAMES, type ModelName, type RunSummary, type TrainEnd, type TrainParams, type TrainStarted } from '../../server/protocol';
import type { TrainingView } from '../../webview/protocol';
import type { BackendClient } from '../backendClient';
import { percent } from '../locale';
import { log } from '../log';
import { dataRootParams, dataRootsOf } from '../evaluation/folderChoice';
import { pickFolders } from '../evaluation/pickFolders';
import { TrainingPanel, type TrainingActions } from '../panels/trainingPanel';
import { listRunDirs, runsFolder } from './runsFolder';
import type { TrainingController } from './trainingController';
import { viewFromSummary } from './trainingView';
import { statusText } from '../views/treeItemViews';

const SETTINGS_KEY = 'brainTumor.training.lastSettings';
const LIVE_RUN_KEY = 'brainTumor.training.liveRun';
const DATA_FOLDERS_KEY = 'brainTumor.training.dataFolders';

/** `dataRoot` is what versions before several sources remembered; it seeds the folder list once. */
interface RememberedSettings { dataRoot?: string; model?: ModelName; epochs?: number }

/** The quick pick's item of a model: its name (the identifier the backend takes) and what it is. */
function modelDescription(m: ModelName): { label: string; detail: string } {
  switch (m) {
    case 'resnet': return { label: m, detail: vscode.l10n.t('Default: a small residual network with batch norm, four stages and global average pooling (about 1.2M parameters)') };
    case 'compact': return { label: m, detail: vscode.l10n.t('Earlier default: depthwise-separable blocks with batch norm and global average pooling (about 60k parameters)') };
    case 'seed-cnn': return { label: m, detail: vscode.l10n.t('The original Keras notebook\'s CNN: 4 x (Conv2D + MaxPool), Dense 512, Dropout (about 2.6M parameters)') };
  }
}

export interface TrainingDeps {
  context: vscode.ExtensionContext;
  backend: BackendClient;
  controller: TrainingController;
}

/** The Training panel's side of the controller and the backend. */
export function trainingActions(deps: TrainingDeps): TrainingActions {
  return {
    live: () => deps.controller.refresh(),
    readRun: async (runDir) => viewFromSummary(await deps.backend.readRun(runDir)),
    onDidChange: deps.controller.onDidChange,
    cancel: (runId) => deps.controller.cancel(runId),
    resume: (runDir) => void resumeTraining(deps, runDir),
  };
}

function showPanel(deps: TrainingDeps, runDir?: string): void {
  TrainingPanel.show(deps.context.extensionUri, trainingActions(deps), runDir);
}

/** A user-readable reason from a failed request (the backend's messages already say what to do). */
function reason(e: unknown): string {
  return e instanceof ResponseError || e instanceof Error ? e.message : String(e);
}

/** A run's dataset folder, or its sources when it trained on several. */
function sourcesText(r: RunSummary): string {
  const sources = Array.isArray(r.sources) ? r.sources : [];
  return sources.length > 1 ? vscode.l10n.t('{0} sources: {1}', sources.length, sources.map((x) => x.root).join(', ')) : r.dataRoot;
}

/** How far an unfinished run got: its status and its last finished epoch. */
function reachedText(r: RunSummary): string {
  return `${statusText(r.status)}, ${vscode.l10n.t('epoch {0} of {1}', r.history.length, r.config.epochs)}`;
}

async function runSummaries(deps: TrainingDeps): Promise<RunSummary[]> {
  const out: RunSummary[] = [];
  for (const dir of listRunDirs(runsFolder(deps.context)).slice(0, 30)) {
    try {
      out.push(await deps.backend.readRun(dir));
    } catch (e) {
      log.warn(`Skipping run folder ${dir}: ${reason(e)}`);
    }
  }
  return out;
}

/**
 * Reads a command argument: a folder Uri from the Explorer, or TrainParams-like settings from code (`dataRoot`, or
 * `dataRoots` for several sources). Throws on a malformed `dataRoots`.
 */
function paramsFromArg(arg: unknown, runsDir: string): TrainParams | vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg !== 'object' || arg === null) return undefined;
  const o = arg as { dataRoot?: unknown; dataRoots?: unknown; config?: unknown; resumeRunDir?: unknown; runsDir?: unknown };
  if (typeof o.resumeRunDir === 'string') return { resumeRunDir: o.resumeRunDir };
  const roots = dataRootsOf(o);
  if (!roots) return undefined;
  return {
    ...dataRootParams(roots), runsDir: typeof o.runsDir === 'string' ? o.runsDir : runsDir,
    ...(typeof o.config === 'object' && o.config !== null ? { config: o.config } : {}),
  };
}

/** The dataset folders: a multi-select of the remembered ones (last choice ticked) with "Add folder...". */
async function pickDatasets(deps: TrainingDeps, remembered: RememberedSettings): Promise<string[] | undefined> {
  const state = deps.context.workspaceState;
  if (state.get(DATA_FOLDERS_KEY) === undefined && remembered.dataRoot) {
    await state.update(DATA_FOLDERS_KEY, { known: [remembered.dataRoot], chosen: [remembered.dataRoot] });
  }
  return pickFolders({
    state, key: DATA_FOLDERS_KEY, title: vscode.l10n.t('Train Model (1/3): dataset folders'), allowNone: false,
    placeHolder: vscode.l10n.t('Tick one dataset folder, or several to train on them together (each a source)'), openLabel: vscode.l10n.t('Train on these folders'),
    addDetail: vscode.l10n.t('Training/ and Testing/ with class folders, or class folders; coarse tumour/ (type unknown) folders too'),
  });
}

async function pickSettings(deps: TrainingDeps, dataRoot?: string): Promise<TrainParams | undefined> {
  const remembered = deps.context.workspaceState.get<RememberedSettings>(SETTINGS_KEY) ?? {};
  const roots = dataRoot ? [dataRoot] : await pickDatasets(deps, remembered);
  if (!roots?.length) return undefined;
  const model = await vscode.window.showQuickPick(MODEL_NAMES.map((m) => ({ ...modelDescription(m), picked: m === (remembered.model ?? DEFAULT_MODEL) }))
    .sort((a, b) => Number(b.picked) - Number(a.picked)), { title: vscode.l10n.t('Train Model (2/3): model'), ignoreFocusOut: true });
  if (!model) return undefined;
  const epochsText = await vscode.window.showInputBox({
    title: vscode.l10n.t('Train Model (3/3): epochs'),
    prompt: vscode.l10n.t('Passes over the training images; the learning rate decays to zero over them (default {0})', DEFAULT_EPOCHS),
    value: String(remembered.epochs ?? DEFAULT_EPOCHS), ignoreFocusOut: true,
    validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= 1000 ? undefined : vscode.l10n.t('A whole number from 1 to 1000')),
  });
  if (!epochsText) return undefined;
  const settings: RememberedSettings = { model: model.label as ModelName, epochs: Number(epochsText) };
  await deps.context.workspaceState.update(SETTINGS_KEY, settings);
  return { ...dataRootParams(roots), runsDir: runsFolder(deps.context), config: { model: settings.model!, epochs: settings.epochs! } };
}

async function start(deps: TrainingDeps, params: TrainParams): Promise<TrainStarted | undefined> {
  try {
    const started = await deps.controller.start(params);
    await deps.context.workspaceState.update(LIVE_RUN_KEY, started.runDir);
    showPanel(deps, started.runDir);
    return started;
  } catch (e) {
    const busy = e instanceof ResponseError && e.code === ErrorCodes.TrainingBusy;
    log.error(`Training did not start: ${reason(e)}`, false);
    const show = vscode.l10n.t('Show Training');
    const logs = vscode.l10n.t('Open Logs');
    void vscode.window.showErrorMessage(vscode.l10n.t('Brain Tumor: {0}', reason(e)), busy ? show : logs).then((pick) => {
      if (pick === show) showPanel(deps);
      if (pick === logs) log.show();
    });
    return undefined;
  }
}

export async function trainModel(deps: TrainingDeps, arg?: unknown): Promise<TrainStarted | undefined> {
  const running = deps.controller.current;
  if (running) {
    const show = vscode.l10n.t('Show Training');
    const cancel = vscode.l10n.t({ message: 'Cancel It', comment: 'Button: cancel the training run that is running.' });
    const pick = await vscode.window.showWarningMessage(vscode.l10n.t('Brain Tumor: training {0} is running. One run at a time.', running.started.runId), show, cancel);
    if (pick === show) showPanel(deps, running.started.runDir);
    if (pick === cancel) await deps.controller.cancel();
    return undefined;
  }
  let given: ReturnType<typeof paramsFromArg>;
  try {
    given = paramsFromArg(arg, runsFolder(deps.context));
  } catch (e) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Brain Tumor: Train Model: {0}', reason(e)));
    return undefined;
  }
  if (given && !(given instanceof vscode.Uri)) return start(deps, given);
  if (!given) {
    // Offer to continue an interrupted run before starting a new one.
    const resumable = (await runSummaries(deps)).filter((r) => r.resumable);
    if (resumable.length) {
      const pick = await vscode.window.showQuickPick([
        { label: `$(add) ${vscode.l10n.t('New training run')}`, runDir: undefined },
        ...resumable.map((r) => ({
          label: `$(debug-continue) ${vscode.l10n.t('Resume {0}', r.runId)}`, description: reachedText(r), detail: sourcesText(r), runDir: r.runDir,
        })),
      ], { title: vscode.l10n.t('Train Model'), ignoreFocusOut: true });
      if (!pick) return undefined;
      if (pick.runDir) return start(deps, { resumeRunDir: pick.runDir });
    }
  }
  const params = await pickSettings(deps, given instanceof vscode.Uri ? given.fsPath : undefined);
  return params ? start(deps, params) : undefined;
}

export async function resumeTraining(deps: TrainingDeps, arg?: unknown): Promise<TrainStarted | undefined> {
  let runDir = typeof arg === 'string' ? arg : arg instanceof vscode.Uri ? arg.fsPath : undefined;
  if (!runDir) {
    const resumable = (await runSummaries(deps)).filter((r) => r.resumable);
    if (!resumable.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Brain Tumor: no interrupted run to resume in {0}.', runsFolder(deps.context)));
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(resumable.map((r) => ({
      label: r.runId, description: reachedText(r), detail: sourcesText(r), runDir: r.runDir,
    })), { title: vscode.l10n.t('Resume Training') });
    runDir = pick?.runDir;
  }
  return runDir ? start(deps, { resumeRunDir: runDir }) : undefined;
}

export async function showTraining(deps: TrainingDeps, arg?: unknown): Promise<void> {
  const runDir = typeof arg === 'string' ? arg : arg instanceof vscode.Uri ? arg.fsPath : undefined;
  if (runDir || deps.controller.current || deps.controller.lastView) return showPanel(deps, runDir ?? deps.controller.lastView?.runDir);
  const runs = await runSummaries(deps);
  if (!runs.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Brain Tumor: no training runs yet. Run "Brain Tumor: Train Model" to start one.'));
    return;
  }
  const pick = runs.length === 1 ? { runDir: runs[0]!.runDir } : await vscode.window.showQuickPick(runs.map((r) => ({
    label: r.runId,
    description: [statusText(r.status), vscode.l10n.t('{0} epoch(s)', r.history.length),
      ...(r.bestEpoch >= 0 ? [vscode.l10n.t('val acc {0}', percent(r.history[r.bestEpoch]!.valAcc))] : [])].join(', '),
    detail: sourcesText(r), runDir: r.runDir,
  })), { title: vscode.l10n.t('Show Training') });
  if (pick) showPanel(deps, pick.runDir);
}

/** How a run ended, told once, with the next step offered. */
export function onTrainingEnded(deps: TrainingDeps, end: TrainEnd, view: TrainingView): void {
  void deps.context.workspaceState.update(LIVE_RUN_KEY, undefined);
  const official = end.evaluation?.official;
  const dedup = end.evaluation?.deduplicated;
  const scores = [
    end.bestValAcc !== null ? vscode.l10n.t('Best validation accuracy {0} (epoch {1}).', percent(end.bestValAcc), end.bestEpoch + 1) : '',
    official && dedup ? vscode.l10n.t('Testing accuracy {0}, deduplicated {1}.', percent(official.accuracy), percent(dedup.accuracy))
      : official ? vscode.l10n.t('Testing accuracy {0}.', percent(official.accuracy)) : '',
  ];
  const show = vscode.l10n.t('Show Training');
  const resume = vscode.l10n.t({ message: 'Resume', comment: 'Button: resume the training run from its last finished epoch.' });
  const logs = vscode.l10n.t('Open Logs');
  const then = (pick: string | undefined) => {
    if (pick === show) showPanel(deps, end.runDir);
    if (pick === resume) void resumeTraining(deps, end.runDir);
    if (pick === logs) log.show();
  };
  if (end.outcome === 'failed') {
    void vscode.window.showErrorMessage(vscode.l10n.t('Brain Tumor: training failed. {0}', end.message), ...(view.resumable ? [resume] : []), logs).then(then);
  } else if (end.outcome === 'cancelled') {
    void vscode.window.showInformationMessage(vscode.l10n.t('Brain Tumor: training cancelled. {0}', end.message), ...(view.resumable ? [resume] : []), show).then(then);
  } else {
    const head = end.outcome === 'early-stopped' ? vscode.l10n.t('Brain Tumor: training stopped early.') : vscode.l10n.t('Brain Tumor: training completed.');
    void vscode.window.showInformationMessage([head, ...scores].filter(Boolean).join(' '), show).then(then);
  }
}

/** After a window reload: the run that was live when the window went away continues from its last epoch. */
export async function resumeAfterReload(deps: TrainingDeps): Promise<void> {
  const runDir = deps.context.workspaceState.get<string>(LIVE_RUN_KEY);
  if (!runDir) return;
  await deps.context.workspaceState.update(LIVE_RUN_KEY, undefined);
  try {
    const live = await deps.backend.trainingState();
    if (live && !live.end) return; // still running (a backend that outlived the window)
    const summary = await deps.backend.readRun(runDir);
    if (!summary.resumable) {
      log.info(`Run ${summary.runId} was live before the reload but cannot be resumed (${summary.status}, ${summary.history.length} epochs).`);
      return;
    }
    log.info(`Resuming ${summary.runId} after the window reload.`);
    await start(deps, { resumeRunDir: runDir });
  } catch (e) {
    log.warn(`Could not resume ${runDir} after the reload: ${reason(e)}`);
  }
}
