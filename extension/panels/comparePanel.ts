/**
 * The Compare Runs panel: several runs' training curves overlaid and a sortable table of them, with CSV and chart
 * export. The runs are read once by the command (compare/compareCommand.ts) and travel in the webview's saved
 * state, so a window reload restores the panel without the backend.
 */
import * as vscode from 'vscode';
import type { CompareRun, FromCompareView, ToCompareView } from '../../webview/protocol';
import { log } from '../log';
import { parseCompareViewState, parseFromCompareView } from './compareMessages';
import { PanelHost, registerPanelSerializer, type PanelKind } from './panelHost';
import { saveChartImage } from './saveChartImage';

export const COMPARE_VIEW_TYPE = 'brainTumor.compareRuns';
const KIND: PanelKind = { viewType: COMPARE_VIEW_TYPE, script: 'compare', name: 'Compare Runs' };

/** What the panel needs from the command module. */
export interface CompareActions {
  /** The Export CSV button: these runs, in the table's order, to a file the user picks. */
  exportCsv(runs: CompareRun[]): Promise<void>;
}

const title = (runs: readonly CompareRun[]) => vscode.l10n.t('Compare Runs ({0})', runs.length);

export class ComparePanel extends PanelHost<FromCompareView, ToCompareView> {
  /** Shows `runs` (and what could not be read) in the one Compare Runs panel, creating or revealing it. */
  static show(extensionUri: vscode.Uri, runs: CompareRun[], problems: string[], actions: CompareActions): ComparePanel {
    const cur = PanelHost.opened(KIND);
    if (cur instanceof ComparePanel) {
      cur.setRuns(runs, problems);
      cur.reveal();
      return cur;
    }
    return new ComparePanel(PanelHost.createPanel(KIND, extensionUri, { title: title(runs) }), extensionUri, runs, problems, actions);
  }

  /** A panel VS Code restores after a reload: the runs come from the webview's saved state. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, state: unknown, actions: CompareActions): void {
    const saved = parseCompareViewState(state);
    if (!saved) return PanelHost.closeUnrestorable(KIND, panel, 'runs');
    log.info(`Restoring the Compare Runs panel (${saved.runs.length} runs).`);
    PanelHost.adoptPanel(KIND, panel, extensionUri);
    new ComparePanel(panel, extensionUri, saved.runs, saved.problems, actions);
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private runs: CompareRun[], private problems: string[],
    private readonly actions: CompareActions) {
    super(panel, extensionUri, KIND, { title: title(runs) });
  }

  /** The runs on screen (for tests and commands). */
  get shown(): readonly CompareRun[] {
    return this.runs;
  }

  static get active(): ComparePanel | undefined {
    const cur = PanelHost.opened(KIND);
    return cur instanceof ComparePanel ? cur : undefined;
  }

  private setRuns(runs: CompareRun[], problems: string[]): void {
    this.runs = runs;
    this.problems = problems;
    this.panel.title = title(runs);
    this.send();
  }

  private send(): void {
    this.post({ type: 'runs', runs: this.runs, problems: this.problems });
  }

  protected override parse(raw: unknown): FromCompareView | undefined {
    return parseFromCompareView(raw);
  }

  protected override async handle(m: FromCompareView): Promise<void> {
    switch (m.type) {
      case 'ready': return this.send();
      case 'exportChart':
        await saveChartImage(m);
        return;
      case 'exportCsv': {
        // Only runs this panel holds, in the page's order; any it did not list keep their place at the end.
        const byDir = new Map(this.runs.map((r) => [r.runDir, r]));
        const ordered = m.order.map((d) => byDir.get(d)).filter((r): r is CompareRun => !!r);
        return this.actions.exportCsv([...new Set([...ordered, ...this.runs])]);
      }
    }
  }
}

/** Restores the Compare Runs panel after a window reload (register once, at activation). */
export function registerCompareSerializer(extensionUri: vscode.Uri, actions: CompareActions): vscode.Disposable {
  return registerPanelSerializer(KIND, (panel, state) => ComparePanel.revive(panel, extensionUri, state, actions));
}
