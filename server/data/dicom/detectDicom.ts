/**
 * Whether bytes are a DICOM file. Part 10 files carry "DICM" after a 128-byte preamble, whatever they are called
 * (scanners often write files without an extension, or named by UID: "1.3.12.2.1107.5.2"). Some exports drop the
 * preamble; those are recognised by their first element (group 0002 or 0008) so that a ".dcm" of that kind reads too.
 */

import * as fs from 'node:fs';

export const DICOM_EXTENSIONS = ['.dcm', '.dicom'];

/** At least this many leading bytes make isDicomBytes decisive. */
export const DICOM_HEAD_BYTES = 132;

export function isDicomBytes(head: Uint8Array): boolean {
  if (head.length >= 132 && head[128] === 0x44 && head[129] === 0x49 && head[130] === 0x43 && head[131] === 0x4d) return true;
  return startsWithDataSet(head);
}

/** A bare data set: the first tag is (0002,xxxx) or (0008,xxxx), then an explicit VR or a small implicit length. */
function startsWithDataSet(b: Uint8Array): boolean {
  if (b.length < 8 || b[1] !== 0x00 || (b[0] !== 0x02 && b[0] !== 0x08) || b[3] !== 0x00) return false;
  const upper = (c: number) => c >= 0x41 && c <= 0x5a;
  if (upper(b[4]!) && upper(b[5]!)) return true;
  // Implicit VR: a 32-bit length; the first elements of a data set are short.
  return b[6] === 0x00 && b[7] === 0x00 && b[4]! + (b[5]! << 8) < 1024;
}

/** Whether a file without an image extension is DICOM by its first bytes (unreadable files are not). */
export function fileIsDicom(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(DICOM_HEAD_BYTES);
    return isDicomBytes(head.subarray(0, fs.readSync(fd, head, 0, head.length, 0)));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
