// Writes the DICOM and NIfTI files the UI tests right-click: Kaggle-like generated slices (a grey head on black with
// a bright round lesion), a single-frame explicit-little-endian MR .dcm and a NIfTI-1 .nii.gz volume. No library:
// the formats' few fields are written by hand, as their standards lay them out.
import fs from 'node:fs';
import zlib from 'node:zlib';

/** A size x size 8-bit slice: a head ellipse, and a lesion whose radius grows with `lesion` (0: none). */
export function headSlice(size, lesion) {
  const px = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = (x - size / 2) / (size * 0.36), dy = (y - size / 2) / (size * 0.44);
      const r = dx * dx + dy * dy;
      let v = r < 1 ? (r > 0.8 ? 150 : 95 + ((x * 7 + y * 13) % 17)) : 0;
      const lx = x - size * 0.62, ly = y - size * 0.4;
      if (lesion > 0 && lx * lx + ly * ly < (lesion * size) ** 2) v = 235;
      px[y * size + x] = v;
    }
  }
  return px;
}

function element(group, elem, vr, value) {
  const data = typeof value === 'string' ? Buffer.from(value.length % 2 ? value + (vr === 'UI' ? '\0' : ' ') : value, 'latin1') : Buffer.from(value);
  const long = ['OB', 'OW', 'UN', 'SQ', 'UT'].includes(vr);
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(group, 0); head.writeUInt16LE(elem, 2); head.write(vr, 4, 'latin1');
  if (long) head.writeUInt32LE(data.length, 8); else head.writeUInt16LE(data.length, 6);
  return Buffer.concat([head, data]);
}
const us = (n) => { const b = Buffer.alloc(2); b.writeUInt16LE(n); return b; };

/** A single-frame 8-bit MONOCHROME2 MR image in explicit VR little endian. */
export function writeDicom(file, size = 128, lesion = 0.12) {
  const uid = `1.2.826.0.1.3680043.10.1.${Date.now() % 1e9}`;
  const meta = Buffer.concat([element(2, 1, 'OB', [0, 1]), element(2, 2, 'UI', '1.2.840.10008.5.1.4.1.1.4'), element(2, 3, 'UI', uid),
    element(2, 0x10, 'UI', '1.2.840.10008.1.2.1')]);
  const ul = Buffer.alloc(12); ul.writeUInt16LE(2, 0); ul.writeUInt16LE(0, 2); ul.write('UL', 4, 'latin1'); ul.writeUInt16LE(4, 6); ul.writeUInt32LE(meta.length, 8);
  const body = Buffer.concat([element(8, 0x16, 'UI', '1.2.840.10008.5.1.4.1.1.4'), element(8, 0x18, 'UI', uid), element(8, 0x60, 'CS', 'MR'),
    element(8, 0x103e, 'LO', 'AX T1 POST'), element(0x28, 2, 'US', us(1)), element(0x28, 4, 'CS', 'MONOCHROME2'), element(0x28, 0x10, 'US', us(size)),
    element(0x28, 0x11, 'US', us(size)), element(0x28, 0x100, 'US', us(8)), element(0x28, 0x101, 'US', us(8)), element(0x28, 0x102, 'US', us(7)),
    element(0x28, 0x103, 'US', us(0)), element(0x7fe0, 0x10, 'OB', headSlice(size, lesion))]);
  fs.writeFileSync(file, Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), ul, meta, body]));
}

/** A gzipped NIfTI-1 volume of `slices` axial 8-bit slices, the lesion in the middle ones (1 mm voxels, no rotation). */
export function writeNiftiGz(file, size = 128, slices = 8) {
  const h = Buffer.alloc(352);
  h.writeInt32LE(348, 0);
  [3, size, size, slices, 1, 1, 1, 1].forEach((d, i) => h.writeInt16LE(d, 40 + 2 * i));
  h.writeInt16LE(2, 70); // uint8
  h.writeInt16LE(8, 72);
  [1, 1, 1, 1, 1, 1, 1, 1].forEach((d, i) => h.writeFloatLE(d, 76 + 4 * i));
  h.writeFloatLE(352, 108);
  h.writeFloatLE(1, 112);
  h.write('n+1\0', 344, 'latin1');
  const data = Buffer.alloc(size * size * slices);
  for (let k = 0; k < slices; k++) {
    const mid = Math.abs(k - (slices - 1) / 2);
    // NIfTI stores x fastest, then y from the bottom up: flip the rows so the picture stands as drawn.
    const px = headSlice(size, mid < slices / 4 ? 0.14 - mid * 0.02 : 0);
    for (let y = 0; y < size; y++) data.set(px.subarray((size - 1 - y) * size, (size - y) * size), k * size * size + y * size);
  }
  fs.writeFileSync(file, zlib.gzipSync(Buffer.concat([h, data])));
}
