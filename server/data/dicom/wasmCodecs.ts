/**
 * The WebAssembly decoders of the Cornerstone stack (libjpeg-turbo, CharLS, OpenJPEG), started lazily: each one
 * initialises asynchronously (about 10 ms) on the first file that needs it, so a session that never meets a
 * JPEG-LS file never loads CharLS. Decoding itself is synchronous once the module is ready.
 *
 * The .wasm files are copied by esbuild.js into dist/dicom-codecs/ (the bundles cannot carry them); the test
 * bundles, which sit deeper, find the same folder, and a source checkout falls back to node_modules.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import charlsFactory from '@cornerstonejs/codec-charls/decodewasmjs';
import jpegFactory from '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs';
import openjpegFactory from '@cornerstonejs/codec-openjpeg/decodewasmjs';

export type WasmCodec = 'jpeg-baseline' | 'jpeg-ls' | 'jpeg-2000';

/** The decoder builds, their .wasm file names in dist/dicom-codecs/, and their package entries. */
export const WASM_CODECS: Record<WasmCodec, { file: string; pkg: string; factory: EmscriptenFactory }> = {
  'jpeg-baseline': { file: 'libjpegturbowasm_decode.wasm', pkg: '@cornerstonejs/codec-libjpeg-turbo-8bit', factory: jpegFactory },
  'jpeg-ls': { file: 'charlswasm_decode.wasm', pkg: '@cornerstonejs/codec-charls', factory: charlsFactory },
  'jpeg-2000': { file: 'openjpegwasm_decode.wasm', pkg: '@cornerstonejs/codec-openjpeg', factory: openjpegFactory },
};

export const CODEC_DIR = 'dicom-codecs';

const started = new Map<WasmCodec, Promise<EmscriptenCodecModule>>();
const ready = new Map<WasmCodec, EmscriptenCodecModule>();

function wasmBinary(codec: WasmCodec): Uint8Array {
  const { file, pkg } = WASM_CODECS[codec];
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    for (const candidate of [path.join(dir, CODEC_DIR, file), path.join(dir, 'dist', CODEC_DIR, file)]) {
      if (fs.existsSync(candidate)) return fs.readFileSync(candidate);
    }
    dir = path.dirname(dir);
  }
  return fs.readFileSync(require.resolve(`${pkg}/decodewasm`));
}

/** Starts (once) and waits for the decoder of `codec`. */
export async function loadCodec(codec: WasmCodec): Promise<void> {
  if (ready.has(codec)) return;
  let p = started.get(codec);
  if (!p) {
    p = WASM_CODECS[codec].factory({ wasmBinary: wasmBinary(codec) });
    started.set(codec, p);
    p.catch(() => started.delete(codec)); // a failed start is tried again by the next file
  }
  ready.set(codec, await p);
}

/** Runs one decode with a fresh decoder instance (freed afterwards: WASM memory is not garbage-collected). */
export function decodeWithWasm(codec: WasmCodec, encoded: Uint8Array): { pixels: Uint8Array; info: WasmFrameInfo } {
  const mod = ready.get(codec);
  if (!mod) throw new Error(`${codec} decoder used before loadCodec()`);
  const Decoder = codec === 'jpeg-ls' ? mod.JpegLSDecoder : codec === 'jpeg-2000' ? mod.J2KDecoder : mod.JPEGDecoder;
  const decoder = new Decoder!();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    const info = decoder.getFrameInfo();
    // Copied out of WASM memory before the instance is deleted.
    const result = { pixels: new Uint8Array(decoder.getDecodedBuffer()), info: { ...info } };
    decoder.delete();
    return result;
  } catch (e) {
    replaceModule(codec);
    throw e;
  }
}

const replacing = new Set<WasmCodec>();

/**
 * A damaged stream can abort a module part-way (a C++ exception or a trap) and leave its memory inconsistent: a
 * fresh instance replaces it as soon as it is ready. Until then the old one goes on serving, so that files being
 * read at the same moment (a volume's slices) are not failed for another file's fault.
 */
function replaceModule(codec: WasmCodec): void {
  if (replacing.has(codec)) return;
  replacing.add(codec);
  WASM_CODECS[codec].factory({ wasmBinary: wasmBinary(codec) })
    .then((mod) => { ready.set(codec, mod); started.set(codec, Promise.resolve(mod)); })
    .catch(() => undefined) // the old instance stays; the next failure tries again
    .finally(() => replacing.delete(codec));
}
