// Types for the parts of the decoder packages this reader uses (they ship no declarations for these entry points).

interface EmscriptenCodecModule {
  JpegLSDecoder?: new () => WasmDecoder;
  JpegLSEncoder?: new () => WasmEncoder;
  JPEGDecoder?: new () => WasmDecoder;
  JPEGEncoder?: new () => WasmEncoder;
  J2KDecoder?: new () => WasmDecoder;
  J2KEncoder?: new () => WasmEncoder;
}
interface WasmFrameInfo { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned?: boolean }
interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): WasmFrameInfo;
  delete(): void;
}
interface WasmEncoder {
  getDecodedBuffer(info: WasmFrameInfo): Uint8Array;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
  setQuality?(lossless: boolean, quality: number): void;
  setNearLossless?(value: number): void;
  setInterleaveMode?(mode: number): void;
  setDecompositions?(value: number): void;
  delete(): void;
}
type EmscriptenFactory = (opts: { wasmBinary?: Uint8Array }) => Promise<EmscriptenCodecModule>;

declare module '@cornerstonejs/codec-charls/decodewasmjs' { const f: EmscriptenFactory; export default f; }
declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs' { const f: EmscriptenFactory; export default f; }
declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' { const f: EmscriptenFactory; export default f; }
declare module '@cornerstonejs/codec-charls/wasmjs' { const f: EmscriptenFactory; export default f; }
declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/wasmjs' { const f: EmscriptenFactory; export default f; }
declare module '@cornerstonejs/codec-openjpeg/wasmjs' { const f: EmscriptenFactory; export default f; }

declare module 'jpeg-lossless-decoder-js' {
  export class Decoder {
    frame: { dimX: number; dimY: number; numComp: number; precision: number };
    numComp: number;
    decompress(buffer: ArrayBuffer, offset: number, length: number): ArrayBuffer;
  }
}
