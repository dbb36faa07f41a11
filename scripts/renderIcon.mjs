// Renders media/icon.svg to media/icon.png (128 x 128, the Marketplace's icon size) with sharp.
// Run after changing the SVG: node scripts/renderIcon.mjs
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const media = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'media');
await sharp(path.join(media, 'icon.svg'), { density: 288 }).resize(128, 128).png({ compressionLevel: 9 }).toFile(path.join(media, 'icon.png'));
console.log('wrote media/icon.png');
