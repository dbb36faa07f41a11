/**
 * Reads a NIfTI-1 or NIfTI-2 file (`.nii`, or gzipped `.nii.gz`) to float32 voxel values and its geometry. The
 * header is parsed by nifti-reader-js; the voxel data is read here, because the library inflates a whole .gz at
 * once and a gzip bomb must not get that far: this reads the header, checks the sizes it announces against the
 * limits (volumeLimits.ts) and the caller's own check, and only then inflates, stopping at the bytes the header
 * announced. 4-D files (several volumes, e.g. fMRI or DWI) give their first volume only.
 */
import * as l10n from '@vscode/l10n';
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import * as nifti from 'nifti-reader-js';
import { MAX_VOLUME_BYTES, MAX_VOLUME_VOXELS, VolumeError } from './volumeLimits';

/** Data type codes of the NIfTI standard this reader converts, with their size in bytes. */
const DATA_TYPES: Record<number, { name: string; bytes: number; read: (v: DataView, o: number, le: boolean) => number }> = {
  2: { name: 'uint8', bytes: 1, read: (v, o) => v.getUint8(o) },
  256: { name: 'int8', bytes: 1, read: (v, o) => v.getInt8(o) },
  4: { name: 'int16', bytes: 2, read: (v, o, le) => v.getInt16(o, le) },
  512: { name: 'uint16', bytes: 2, read: (v, o, le) => v.getUint16(o, le) },
  8: { name: 'int32', bytes: 4, read: (v, o, le) => v.getInt32(o, le) },
  768: { name: 'uint32', bytes: 4, read: (v, o, le) => v.getUint32(o, le) },
  16: { name: 'float32', bytes: 4, read: (v, o, le) => v.getFloat32(o, le) },
  64: { name: 'float64', bytes: 8, read: (v, o, le) => v.getFloat64(o, le) },
  1024: { name: 'int64', bytes: 8, read: (v, o, le) => Number(v.getBigInt64(o, le)) },
  1280: { name: 'uint64', bytes: 8, read: (v, o, le) => Number(v.getBigUint64(o, le)) },
};

/** What the header says, before any voxel is read. */
export interface NiftiGeometry {
  version: 1 | 2;
  /** Voxels along i, j, k (a 2-D file has k = 1). */
  dims: [number, number, number];
  /** Voxel size in mm along i, j, k. */
  spacing: [number, number, number];
  /** Voxel index (i, j, k) to patient RAS+ mm: sform when sform_code > 0, else qform when qform_code > 0, else pixdim. */
  affine: number[][];
  affineSource: 'sform' | 'qform' | 'pixdim';
  dataType: string;
  /** The header's `descrip` text, trimmed; null when empty. */
  description: string | null;
  /** More than one volume in the file (dim[4] > 1): only the first is read. */
  volumes: number;
  /** The writer's display range (cal_min..cal_max) when the header sets one (cal_max > cal_min), else null. */
  displayRange: [number, number] | null;
}

const HEADER_BYTES = 544; // the NIfTI-2 header (540) and the 4-byte extension flag; NIfTI-1 needs 348 + 4

/** The raw srow_x/y/z rows (the sform), which nifti-reader-js replaces by the qform when qform_code > sform_code. */
function sform(view: DataView, version: 1 | 2, le: boolean): number[][] {
  const rows: number[][] = [];
  for (let r = 0; r < 3; r++) {
    const row: number[] = [];
    for (let c = 0; c < 4; c++) {
      row.push(version === 1 ? view.getFloat32(280 + (r * 4 + c) * 4, le) : view.getFloat64(400 + (r * 4 + c) * 8, le));
    }
    rows.push(row);
  }
  return [...rows, [0, 0, 0, 1]];
}

/** Parses the header bytes (at least 348 of NIfTI-1 or 540 of NIfTI-2) to the geometry; VolumeError when it is not one. */
export interface ParsedHeader {
  geometry: NiftiGeometry; voxOffset: number; littleEndian: boolean; bytesPerVoxel: number;
  read: (v: DataView, o: number, le: boolean) => number;
  /** scl_slope and scl_inter, with a slope of 0 (the standard's "no scaling") read as 1 and 0. */
  slope: number; inter: number;
}

export function parseNiftiHeader(head: Uint8Array, name: string): ParsedHeader {
  const buf = head.buffer.slice(head.byteOffset, head.byteOffset + head.byteLength) as ArrayBuffer;
  if (nifti.isNIFTI(buf, true) && !nifti.isNIFTI(buf)) {
    throw new VolumeError(l10n.t('{0} is the header of an Analyze-style .hdr/.img pair; convert it to a single .nii or .nii.gz file', name), 'unsupported');
  }
  if (!nifti.isNIFTI(buf)) throw new VolumeError(l10n.t('{0} is not a NIfTI file: its header has no NIfTI magic ("n+1" or "n+2")', name), 'corrupt');
  const version: 1 | 2 = nifti.isNIFTI2(buf) ? 2 : 1;
  const h = nifti.readHeader(buf);
  const le = h.littleEndian;
  const type = DATA_TYPES[h.datatypeCode];
  if (!type) {
    throw new VolumeError(l10n.t('{0} stores its voxels as {1}, which cannot be read as a grey volume (readable: {2})', name,
      h.getDatatypeCodeString(h.datatypeCode) || String(h.datatypeCode), Object.values(DATA_TYPES).map((t) => t.name).join(', ')), 'unsupported');
  }
  const nd = h.dims[0]!;
  if (!(nd >= 2 && nd <= 7)) throw new VolumeError(l10n.t('{0} has an invalid header: {1} dimensions', name, String(nd)), 'corrupt');
  const dim = (i: number) => (i <= nd ? h.dims[i]! : 1);
  const dims: [number, number, number] = [dim(1), dim(2), dim(3)];
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 1)) throw new VolumeError(l10n.t('{0} has an invalid header: size {1}', name, dims.join(' x ')), 'corrupt');
  let volumes = 1;
  for (let i = 4; i <= nd; i++) volumes *= Math.max(1, h.dims[i]!);
  const pix = (i: number) => (Number.isFinite(h.pixDims[i]) && h.pixDims[i]! > 0 ? h.pixDims[i]! : 1);
  const spacing: [number, number, number] = [pix(1), pix(2), pix(3)];
  const view = new DataView(buf);
  let affine: number[][];
  let affineSource: NiftiGeometry['affineSource'];
  if (h.sform_code > 0) { affine = sform(view, version, le); affineSource = 'sform'; }
  else if (h.qform_code > 0) { affine = h.getQformMat(); affineSource = 'qform'; }
  else { affine = [[spacing[0], 0, 0, 0], [0, spacing[1], 0, 0], [0, 0, spacing[2], 0], [0, 0, 0, 1]]; affineSource = 'pixdim'; }
  if (affine.slice(0, 3).some((row) => row.some((v) => !Number.isFinite(v)))) {
    throw new VolumeError(l10n.t('{0} has an invalid header: its {1} orientation is not a finite matrix', name, affineSource), 'corrupt');
  }
  const description = h.description.replace(/\0.*$/s, '').trim() || null;
  const scaled = Number.isFinite(h.scl_slope) && h.scl_slope !== 0;
  const displayRange: [number, number] | null = Number.isFinite(h.cal_min) && Number.isFinite(h.cal_max) && h.cal_max > h.cal_min ? [h.cal_min, h.cal_max] : null;
  return { geometry: { version, dims, spacing, affine, affineSource, dataType: type.name, description, volumes, displayRange },
    voxOffset: Math.max(h.vox_offset, version === 1 ? 352 : 544), littleEndian: le, read: type.read, bytesPerVoxel: type.bytes,
    slope: scaled ? h.scl_slope : 1, inter: scaled && Number.isFinite(h.scl_inter) ? h.scl_inter : 0 };
}

/** Reads `length` bytes from `offset` of a plain file; throws when the file is shorter. */
function readPlain(file: string, offset: number, length: number, name: string): Uint8Array {
  const out = new Uint8Array(length);
  const fd = fs.openSync(file, 'r');
  try {
    let got = 0;
    while (got < length) {
      const n = fs.readSync(fd, out, got, length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    if (got < length) throw truncated(name, got, length);
  } finally {
    fs.closeSync(fd);
  }
  return out;
}

const truncated = (name: string, got: number, want: number) => new VolumeError(
  l10n.t('{0} is truncated: its header announces {1} bytes of voxel data, the file holds {2}', name, String(want), String(Math.max(0, got))), 'corrupt');

/**
 * Inflates a gzip file up to `want` bytes and stops: never more than that (plus one chunk) is held, whatever the
 * file expands to. `exact`: the data must end there (a 3-D file); more is refused as inconsistent with the header.
 */
async function inflateUpTo(file: string, want: number, exact: boolean, name: string, skip = 0): Promise<Uint8Array> {
  const out = new Uint8Array(want);
  let got = 0;
  let extra = false;
  const src = fs.createReadStream(file);
  const gunzip = zlib.createGunzip();
  src.pipe(gunzip);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      const take = Math.min(chunk.length, want - got);
      out.set(chunk.subarray(0, take), got);
      got += take;
      if (take < chunk.length) { extra = true; break; }
      if (got === want && !exact) break;
    }
  } catch (e) {
    throw new VolumeError(got < want ? truncated(name, got - skip, want - skip).message
      : l10n.t('{0} is not a valid gzip file: {1}', name, (e as Error).message), 'corrupt');
  } finally {
    src.destroy();
    gunzip.destroy();
  }
  if (got < want) throw truncated(name, got - skip, want - skip);
  if (extra && exact) {
    throw new VolumeError(l10n.t('{0} holds more voxel data than its header announces ({1} bytes); the file is inconsistent and was not read', name, String(want - skip)), 'corrupt');
  }
  return out;
}

const isGzip = (file: string): boolean => {
  const b = readPlain(file, 0, 2, file);
  return b[0] === 0x1f && b[1] === 0x8b;
};

/** The header's geometry alone (a scan counts slices without reading voxels). */
export async function readNiftiGeometry(file: string, name: string): Promise<NiftiGeometry> {
  const size = fs.statSync(file).size;
  const gz = size >= 2 && isGzip(file);
  if (!gz && size < 348) throw new VolumeError(l10n.t('{0} is too short to be a NIfTI file ({1} bytes)', name, String(size)), 'corrupt');
  return parseNiftiHeader(gz ? await inflateHead(file, name) : readPlain(file, 0, Math.min(size, HEADER_BYTES), name), name).geometry;
}

/**
 * The geometry and the voxel values (scl_slope/scl_inter applied; i fastest, then j, then k) of the first volume.
 * `check` sees the geometry before anything is allocated and throws to refuse it (the slice limit).
 */
export async function readNifti(file: string, name: string, check: (g: NiftiGeometry) => void): Promise<{ geometry: NiftiGeometry; values: Float32Array }> {
  const size = fs.statSync(file).size;
  const gz = size >= 2 && isGzip(file);
  if (!gz && size < 348) throw new VolumeError(l10n.t('{0} is too short to be a NIfTI file ({1} bytes)', name, String(size)), 'corrupt');
  const head = gz ? await inflateHead(file, name) : readPlain(file, 0, Math.min(size, HEADER_BYTES), name);
  const h = parseNiftiHeader(head, name);
  const [nx, ny, nz] = h.geometry.dims;
  const voxels = nx * ny * nz;
  const bytes = voxels * h.bytesPerVoxel;
  if (voxels > MAX_VOLUME_VOXELS || bytes > MAX_VOLUME_BYTES) {
    throw new VolumeError(l10n.t('{0} is too large: {1} voxels ({2} MiB); volumes up to {3} MiB are read', name, `${nx} x ${ny} x ${nz}`,
      String(Math.round(bytes / 2 ** 20)), String(MAX_VOLUME_BYTES / 2 ** 20)), 'too-large');
  }
  check(h.geometry);
  const end = h.voxOffset + bytes;
  let data: Uint8Array;
  if (gz) {
    data = (await inflateUpTo(file, end, h.geometry.volumes === 1, name, h.voxOffset)).subarray(h.voxOffset);
  } else {
    if (h.geometry.volumes === 1 && size > end) {
      throw new VolumeError(l10n.t('{0} holds more voxel data than its header announces ({1} bytes); the file is inconsistent and was not read', name, String(bytes)), 'corrupt');
    }
    if (size < end) throw truncated(name, size - h.voxOffset, bytes);
    data = readPlain(file, h.voxOffset, bytes, name);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const { slope, inter } = h;
  const values = new Float32Array(voxels);
  for (let i = 0, o = 0; i < voxels; i++, o += h.bytesPerVoxel) values[i] = h.read(view, o, h.littleEndian) * slope + inter;
  return { geometry: h.geometry, values };
}

/** The first bytes of a gzipped file, enough for either header. */
async function inflateHead(file: string, name: string): Promise<Uint8Array> {
  try {
    return await inflateUpTo(file, HEADER_BYTES, false, name);
  } catch (e) {
    // A NIfTI-1 file of a tiny volume can be shorter than 544 bytes in all.
    if (!(e instanceof VolumeError)) throw e;
    let all: Buffer;
    try {
      all = zlib.gunzipSync(fs.readFileSync(file), { maxOutputLength: HEADER_BYTES });
    } catch {
      throw e;
    }
    if (all.length < 348) throw new VolumeError(l10n.t('{0} is too short to be a NIfTI file ({1} bytes)', name, String(all.length)), 'corrupt');
    return all;
  }
}
