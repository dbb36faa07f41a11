// Integration tests in a real VS Code extension host, through @vscode/test-electron's runTests.
// Default: code-server (VS Code 1.139) via a stand-in executable, since these machines cannot download desktop
// VS Code. With BRAIN_TUMOR_TEST_VSCODE=download, runTests downloads and uses desktop VS Code instead.
// Writes test-results/integration.json: { passed, failed }.
import fs from 'node:fs';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import sharp from 'sharp';
import { ensureTools, REPO, RESULTS } from './tools/codeServer.mjs';

const useDownload = process.env.BRAIN_TUMOR_TEST_VSCODE === 'download';
const workspace = path.join(RESULTS, 'integration-workspace');
const resultsFile = path.join(RESULTS, 'integration.json');

/** A small workspace made fresh for each run: an image in the root, one in a folder, and a non-image. */
async function makeWorkspace() {
  fs.rmSync(workspace, { recursive: true, force: true });
  fs.mkdirSync(path.join(workspace, 'scans'), { recursive: true });
  const disc = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96"><rect width="96" height="96"/>
    <ellipse cx="48" cy="48" rx="36" ry="42" fill="#888"/><circle cx="60" cy="40" r="9" fill="#eee"/></svg>`);
  await sharp(disc).greyscale().png().toFile(path.join(workspace, 'scan.png'));
  await sharp(disc).greyscale().jpeg().toFile(path.join(workspace, 'scans', 'slice-001.jpg'));
  fs.writeFileSync(path.join(workspace, 'notes.txt'), 'not an image\n');
  // A small dataset in the Kaggle layout: 3 Training and 2 Testing images per class, one of them a leak.
  const shapes = { glioma: '<circle cx="40" cy="44" r="10" fill="#eee"/>', meningioma: '<rect x="30" y="30" width="22" height="22" fill="#eee"/>',
    notumor: '', pituitary: '<polygon points="48,30 36,56 60,56" fill="#eee"/>' };
  let seed = 0;
  for (const [cls, lesion] of Object.entries(shapes)) {
    for (const [split, n] of [['Training', 3], ['Testing', 2]]) {
      for (let i = 0; i < n; i++, seed++) {
        const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96"><rect width="96" height="96"/>` +
          `<ellipse cx="${40 + (seed % 7) * 2}" cy="${44 + (seed % 5) * 2}" rx="${26 + (seed % 6)}" ry="${34 - (seed % 4)}" fill="#777"/>${lesion}</svg>`;
        await sharp(Buffer.from(svg)).greyscale().png().toFile(path.join(mkdir(workspace, 'dataset', split, cls), `${cls}-${split}-${i}.png`));
      }
    }
  }
  fs.copyFileSync(path.join(workspace, 'dataset/Training/glioma/glioma-Training-0.png'), path.join(workspace, 'dataset/Testing/glioma/leaked.png'));
}

function mkdir(...parts) {
  const dir = path.join(...parts);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

fs.mkdirSync(RESULTS, { recursive: true });
fs.rmSync(resultsFile, { force: true });
await makeWorkspace();
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
