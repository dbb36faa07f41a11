/** The status bar item of a live run: epoch x/N and the time left; a click opens the Training panel. Hidden when nothing trains. */
import * as vscode from 'vscode';
import type { TrainingController } from '../training/trainingController';
import { trainingStatusText } from './treeItemViews';

export function createTrainingStatusBar(training: TrainingController): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('brainTumor.training', vscode.StatusBarAlignment.Left, 50);
  item.name = vscode.l10n.t('Brain Tumor Training');
  item.command = 'brainTumor.showTraining';
  const render = () => {
    const run = training.current;
    if (!run) {
      item.hide();
      return;
    }
    item.text = trainingStatusText(run.view);
    item.tooltip = vscode.l10n.t('Brain Tumor: training {0} ({1}). Click to show the Training panel.', run.view.runId, run.view.config.model);
    item.show();
  };
  const sub = training.onDidChange(render);
  render();
  return vscode.Disposable.from(item, sub);
}
