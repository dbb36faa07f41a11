// Integration tests in a real VS Code extension host, through @vscode/test-electron's runTests.
// Default: code-server (VS Code 1.139) via a stand-in executable, since these machines cannot download desktop
// VS Code. With BRAIN_TUMOR_TEST_VSCODE=download, runTests downloads and uses desktop VS Code instead.
// Writes test-results/integration.json: { passed, failed }.
import fs from 'node:fs';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { ensureTools, REPO, RESULTS } from './tools/codeServer.mjs';
import { makeTestWorkspace } from './tools/testWorkspace.mjs';

const useDownload = process.env.BRAIN_TUMOR_TEST_VSCODE === 'download';
const workspace = path.join(RESULTS, 'integration-workspace');
const resultsFile = path.join(RESULTS, 'integration.json');

fs.mkdirSync(RESULTS, { recursive: true });
fs.rmSync(resultsFile, { force: true });
await makeTestWorkspace(workspace, { datasetName: 'dataset', leak: true, trainingSet: 10 });
if (!useDownload) ensureTools();
// The backend must pick its engine on its own here; a developer's override would change what is tested.
delete process.env.BRAIN_TUMOR_BACKEND;
delete process.env.BRAIN_TUMOR_THREADS;
let code = 0;
try {
  await runTests({
    ...(useDownload ? { version: '1.139.0' } : { vscodeExecutablePath: path.join(REPO, 'test/tools/code-shim.mjs') }),
    extensionDevelopmentPath: REPO,
    extensionTestsPath: path.join(REPO, 'out/test/integration/index.js'),
    launchArgs: [workspace, '--disable-extensions'],
    extensionTestsEnv: { BRAIN_TUMOR_TEST_RESULTS: resultsFile, BRAIN_TUMOR_TEST_WORKSPACE: workspace },
  });
} catch (e) {
  console.error(`Integration tests failed: ${e instanceof Error ? e.message : e}`);
  code = 1;
}
if (!fs.existsSync(resultsFile)) {
  console.error('Integration tests: the suite reported no results (it did not run, or crashed before the end).');
  fs.writeFileSync(resultsFile, JSON.stringify({ passed: 0, failed: 1, crashed: true }));
  code = 1;
}
process.exit(code);
