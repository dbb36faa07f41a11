// Lists the file names inside a .vsix (a zip) from its central directory: no unzip tool or package needed.
//   node scripts/vsixEntries.mjs FILE.vsix   prints a JSON array of names
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The entry names of a zip archive. Reads the End Of Central Directory record, then each directory entry. */
export function zipEntries(file) {
  const buf = fs.readFileSync(file);
  // The EOCD record (signature 0x06054b50) sits in the last 22 bytes plus at most a 64 KiB comment.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error(`${file}: not a zip archive (no end of central directory)`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: damaged central directory at entry ${n}`);
    const nameLen = buf.readUInt16LE(at + 28), extraLen = buf.readUInt16LE(at + 30), commentLen = buf.readUInt16LE(at + 32);
    names.push(buf.toString('utf8', at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(zipEntries(process.argv[2])));
}
