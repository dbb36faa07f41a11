/**
 * The bad cases of NIfTI volumes, each with its message: too many slices and huge dims refused from the header
 * alone (before any voxel is allocated), gzip data shorter or longer than the header says, a gzip bomb read no
 * further than the header's size, files that are not NIfTI.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { openNifti } from '../../server/data/volume/niftiVolume';
import { MAX_VOLUME_SLICES, VolumeError } from '../../server/data/volume/volumeLimits';
import { DT, gz, niftiBytes } from '../fixtures/nifti';
import { write } from '../fixtures/images';

const refuses = async (file: string, orientation: 'axial' | 'coronal' | 'sagittal', kind: VolumeError['kind'], message: RegExp) => {
  await assert.rejects(openNifti(file, orientation), (e: unknown) => {
    assert.ok(e instanceof VolumeError, String(e));
    assert.equal(e.kind, kind);
    assert.match(e.message, message);
    return true;
  });
};

describe('NIfTI limits and bad files', () => {
  let tmp: string;
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-nifti-bad-')); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it(`refuses more than ${MAX_VOLUME_SLICES} slices along the chosen orientation, from the header alone`, async () => {
    // The header announces 4 x 4 x 600 voxels but the file holds none: the refusal must come before any read.
    const head = niftiBytes({ dims: [4, 4, MAX_VOLUME_SLICES + 88], datatype: DT.uint8, values: [] });
    const file = write(path.join(tmp, 'tall.nii'), head);
    await refuses(file, 'axial', 'too-large', new RegExp(`tall\\.nii has ${MAX_VOLUME_SLICES + 88} axial slices; volumes of at most ${MAX_VOLUME_SLICES} slices are classified`));
    // The same volume cut coronally has 4 slices: the limit is on the chosen orientation; then the missing data shows.
    await refuses(file, 'coronal', 'corrupt', /truncated: its header announces 9600 bytes of voxel data, the file holds 0/);
  });

  it('refuses huge dims before allocating anything (a 30000^3 header in a 400-byte file)', async () => {
    const before = process.memoryUsage().arrayBuffers;
    const file = write(path.join(tmp, 'huge.nii.gz'), gz(niftiBytes({ dims: [30000, 30000, 300], datatype: DT.float32, values: [] })));
    await refuses(file, 'sagittal', 'too-large', /huge\.nii\.gz is too large: 30000 x 30000 x 300 voxels \(1029968 MiB\); volumes up to 1024 MiB are read/);
    assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 2 ** 20);
  });

  it('refuses gzip data shorter than the header announces (truncated) and a cut gzip stream', async () => {
    const full = niftiBytes({ dims: [8, 8, 8], datatype: DT.int16, values: new Array(8 * 8 * 8).fill(7) });
    const short = write(path.join(tmp, 'short.nii.gz'), gz(full.subarray(0, full.length - 100)));
    await refuses(short, 'axial', 'corrupt', /short\.nii\.gz is truncated: its header announces 1024 bytes of voxel data, the file holds 924/);
    const zipped = gz(full);
    const cut = write(path.join(tmp, 'cut.nii.gz'), zipped.subarray(0, zipped.length - 30));
    await refuses(cut, 'axial', 'corrupt', /cut\.nii\.gz is truncated/);
  });

  it('refuses data longer than the header announces, plain and gzipped', async () => {
    const full = niftiBytes({ dims: [8, 8, 8], datatype: DT.uint8, values: new Array(512).fill(3) });
    const longer = Buffer.concat([full, Buffer.alloc(4096, 1)]);
    await refuses(write(path.join(tmp, 'long.nii'), longer), 'axial', 'corrupt', /long\.nii holds more voxel data than its header announces \(512 bytes\)/);
    await refuses(write(path.join(tmp, 'long.nii.gz'), gz(longer)), 'axial', 'corrupt', /long\.nii\.gz holds more voxel data than its header announces/);
  });

  it('reads a gzip bomb (a 16 KiB header-sized volume followed by 1 GiB of zeros) no further than the header says', async () => {
    const file = path.join(tmp, 'bomb.nii.gz');
    const head = niftiBytes({ dims: [16, 16, 64], datatype: DT.uint8, values: new Array(16 * 16 * 64).fill(9) });
    const zeros = Buffer.alloc(1 << 20);
    function* body() {
      yield head;
      for (let i = 0; i < 1024; i++) yield zeros;
    }
    await pipeline(Readable.from(body()), zlib.createGzip({ level: 1 }), fs.createWriteStream(file));
    assert.ok(fs.statSync(file).size < 8 * 2 ** 20, 'the bomb is small on disk');
    const rss = process.memoryUsage().rss;
    const t0 = performance.now();
    await refuses(file, 'axial', 'corrupt', /bomb\.nii\.gz holds more voxel data than its header announces \(16384 bytes\)/);
    assert.ok(process.memoryUsage().rss - rss < 128 * 2 ** 20, 'memory did not grow with the decompressed size');
    assert.ok(performance.now() - t0 < 2000, 'stopped early, not after inflating 1 GiB');
  });

  it('names what a file is when it is not a NIfTI volume', async () => {
    await refuses(write(path.join(tmp, 'text.nii'), Buffer.alloc(600, 'hello ')), 'axial', 'corrupt', /text\.nii is not a NIfTI file: its header has no NIfTI magic/);
    await refuses(write(path.join(tmp, 'tiny.nii'), Buffer.from('abc')), 'axial', 'corrupt', /tiny\.nii is too short to be a NIfTI file \(3 bytes\)/);
    await refuses(write(path.join(tmp, 'pair.nii'), niftiBytes({ dims: [2, 2, 2], values: new Array(8).fill(1), magic: 'ni1\0' })), 'axial', 'unsupported',
      /pair\.nii is the header of an Analyze-style \.hdr\/\.img pair/);
    const rgb = niftiBytes({ dims: [2, 2, 2], values: new Array(8).fill(1) });
    rgb.writeInt16LE(128, 70); // RGB24
    await refuses(write(path.join(tmp, 'rgb.nii'), rgb), 'axial', 'unsupported', /rgb\.nii stores its voxels as RGB(24)?, which cannot be read as a grey volume/);
  });
});
