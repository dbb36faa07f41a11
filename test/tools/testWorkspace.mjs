// The workspace the integration and UI tests open, made fresh by each run with sharp (never the shared
// Kaggle images): an image in the root, one in a folder, a non-image, and a small dataset in the Kaggle layout.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

const LESIONS = {
  glioma: '<circle cx="42" cy="42" r="9" fill="#eee"/>',
  meningioma: '<rect x="32" y="30" width="21" height="21" fill="#eee"/>',
  notumor: '',
  pituitary: '<polygon points="48,29 36,55 60,55" fill="#eee"/>',
};

const slice = (lesion, seed) => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96"><rect width="96" height="96"/>' +
  `<ellipse cx="${41 + (seed % 7) * 2}" cy="${45 + (seed % 5) * 2}" rx="${27 + (seed % 6)}" ry="${35 - (seed % 4)}" fill="#777"/>${lesion}</svg>`);

/**
 * Writes the workspace into `dir` (emptied first). The dataset folder `datasetName` holds 3 Training and 2
 * Testing images per class; with `leak`, one more Testing glioma file that is a byte copy of a Training one.
 * With `trainingSet: n`, also `train-set/` with n Training and 3 Testing images per class, enough to train on, and
 * `external-set/`, an external set from "another source" (coarse labels: tumour/ and no/).
 */
export async function makeTestWorkspace(dir, { datasetName = 'dataset', leak = false, trainingSet = 0 } = {}) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'scans'), { recursive: true });
  await sharp(slice(LESIONS.glioma, 0)).greyscale().png().toFile(path.join(dir, 'scan.png'));
  await sharp(slice(LESIONS.glioma, 1)).greyscale().jpeg().toFile(path.join(dir, 'scans', 'slice-001.jpg'));
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not an image\n');
  let seed = 0;
  for (const [cls, lesion] of Object.entries(LESIONS)) {
    for (const [split, n] of [['Training', 3], ['Testing', 2]]) {
      const folder = path.join(dir, datasetName, split, cls);
      fs.mkdirSync(folder, { recursive: true });
      for (let i = 0; i < n; i++, seed++) await sharp(slice(lesion, seed)).greyscale().png().toFile(path.join(folder, `${cls}-${split}-${i}.png`));
    }
  }
  if (trainingSet > 0) {
    await writeTrainingSet(path.join(dir, 'train-set'), trainingSet);
    await writeExternalSet(path.join(dir, 'external-set'));
  }
  if (leak) {
    fs.copyFileSync(path.join(dir, datasetName, 'Training/glioma/glioma-Training-0.png'), path.join(dir, datasetName, 'Testing/glioma/leaked.png'));
  }
}

/**
 * n Training and 3 Testing images per class, each with its own position and size (so none are near copies),
 * 64 x 64.
 */
async function writeTrainingSet(root, n) {
  let seed = 100;
  for (const [cls, lesion] of Object.entries(LESIONS)) {
    for (const [split, count] of [['Training', n], ['Testing', 3]]) {
      const folder = path.join(root, split, cls);
      fs.mkdirSync(folder, { recursive: true });
      for (let i = 0; i < count; i++, seed++) {
        const dx = (seed * 7) % 17 - 8, dy = (seed * 11) % 15 - 7;
        const svg = slice(`<g transform="translate(${dx} ${dy})">${lesion}</g>`, seed);
        await sharp(svg).resize(64, 64).greyscale().png().toFile(path.join(folder, `${cls}-${i}.png`));
      }
    }
  }
}

/**
 * An external set as another hospital might export it: coarse labels only (`tumour/`, the type unknown, and `no/`),
 * 80 x 80 JPEG, a rounder and brighter head than the training images, 5 images per folder.
 */
async function writeExternalSet(root) {
  const lesions = [LESIONS.glioma, LESIONS.meningioma, LESIONS.pituitary];
  for (const [folder, count] of [['tumour', 5], ['no', 5]]) {
    fs.mkdirSync(path.join(root, folder), { recursive: true });
    for (let i = 0; i < count; i++) {
      const lesion = folder === 'tumour' ? lesions[i % lesions.length] : '';
      const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96"><rect width="96" height="96"/>' +
        `<circle cx="${46 + i}" cy="${48 - i}" r="${33 + (i % 3)}" fill="#999"/><g transform="translate(${i * 2 - 4} ${3 - i})">${lesion}</g></svg>`);
      await sharp(svg).resize(80, 80).greyscale().jpeg({ quality: 90 }).toFile(path.join(root, folder, `${folder}-${i}.jpg`));
    }
  }
}
