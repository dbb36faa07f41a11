// Makes the README's screenshots from the UI tests' own: one per panel, scaled down and palette-compressed into
// media/screenshots/ (committed; never hand-made). Run after the UI suite (npm test, or its e2e files):
//   node scripts/readmeScreenshots.mjs [test-results/screenshots]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const from = path.resolve(process.argv[2] ?? path.join(REPO, 'test-results', 'screenshots'));
const to = path.join(REPO, 'media', 'screenshots');

/** README name <- the UI test's screenshot (test/e2e/*.test.mjs names them). */
export const SHOTS = {
  'classification.png': 'classify-single-dark.png',
  'classification-batch.png': 'classify-batch-dark.png',
  'training.png': 'training-live-dark.png',
  'metrics.png': 'metrics-preview-full-page-light.png',
  'backend-status.png': 'backend-status-dark.png',
  'walkthrough.png': 'walkthrough-light.png',
  'dataset.png': 'dataset-dark.png',
  'sidebar.png': 'sidebar-dark-views.png',
  'compare-runs.png': 'compare-dark.png',
  'heatmap-original.png': 'heatmap-original-light.png',
};

fs.mkdirSync(to, { recursive: true });
const missing = Object.values(SHOTS).filter((f) => !fs.existsSync(path.join(from, f)));
if (missing.length) {
  console.error(`missing in ${from}: ${missing.join(', ')} (run the UI tests first)`);
  process.exit(1);
}
for (const [name, source] of Object.entries(SHOTS)) {
  const out = path.join(to, name);
  await sharp(path.join(from, source)).resize({ width: 800, withoutEnlargement: true }).png({ palette: true, quality: 90, compressionLevel: 9 }).toFile(out);
  console.log(`${path.relative(REPO, out)} (${Math.round(fs.statSync(out).size / 1024)} KB) <- ${source}`);
}
