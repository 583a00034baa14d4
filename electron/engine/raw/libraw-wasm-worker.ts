/**
 * Worker thread for raw/libraw-wasm.ts: one LibRaw (WebAssembly) decode per thread, so the
 * engine's event loop stays free and cancelling is `worker.terminate()`, which also
 * returns the WebAssembly memory (it only ever grows). The job comes in workerData; the
 * result goes out as messages:
 *   { type: 'size', width, height }        after LibRaw's demosaic, before any pixels
 *   { type: 'rows', y0, data }             sRGB float bands (transferred, not copied)
 *   { type: 'done', maxValue }
 *   { type: 'thumb', format, data, width, height }   (job.thumbnail: one per file)
 *   { type: 'error', code, message }
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { linearToSrgbLut } from '../image/srgb';
import { wasm, type WasmInstance, type WasmMemory, type WasmModule } from './wasm-api';

export interface WasmJob {
  file: string;
  /** libraw-wasm's dist/libraw.js (an ES module factory). */
  libJs: string;
  /** libraw.wasm compiled once by the parent; Modules pass to workers without a recompile. */
  module: WasmModule;
  halfSize: boolean;
  /** Linear gain before the sRGB encode (2^(BaselineExposure + exposureEv)). */
  gain: number;
  maxPixels: number;
  /** Embedded previews instead of a decode: `file` first, then one per `{ file }` message. */
  thumbnail?: boolean;
}

interface LibRawInstance {
  open(bytes: Uint8Array, settings: Record<string, unknown>): void;
  metadata(full: boolean): { width: number; height: number; flip: number; thumb_width: number; thumb_height: number; thumb_format: number } | undefined;
  imageData(): { width: number; height: number; colors: number; bits: number; data: Uint16Array } | undefined;
  thumbnailData(): { format: string; data: Uint8Array; width: number; height: number } | undefined;
  /** Frees the C++ object (embind). */
  delete(): void;
}
type Factory = (opts: Record<string, unknown>) => Promise<{ LibRaw: new () => LibRawInstance }>;

// Floats per posted band: 4 MiB, so the parent copies while the next band is converted.
const BAND_FLOATS = 1 << 20;

const port = parentPort!;
const job = workerData as WasmJob;

function post(msg: Record<string, unknown>, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

/** LibRaw error codes (libraw_const.h) as our error codes. */
function classify(message: string): { code: string; message: string } {
  const m = /code (-?\d+)/.exec(message);
  const n = m ? Number(m[1]) : 0;
  if (n === -2) return { code: 'DECODE_FAILED', message: 'LibRaw (WebAssembly) cannot decode this RAW file (unsupported format or camera)' };
  if (n === -100008 || n === -100009) return { code: 'TRUNCATED', message: `RAW file is truncated or corrupt (LibRaw WebAssembly: ${message})` };
  if (n === -100007 || n === -100012 || /out of memory|OOM|Cannot enlarge memory/i.test(message)) {
    return { code: 'TOO_LARGE', message: 'the RAW is too large for the WebAssembly decoder (its memory is limited to 2 GiB)' };
  }
  return { code: 'DECODE_FAILED', message: `LibRaw (WebAssembly) failed: ${message}` };
}

let memory: WasmMemory | null = null;

/**
 * The wrapper throws std::runtime_error, which reaches JS as an object holding a pointer to
 * it; libc++ keeps what() behind the vtable pointer, so the text is read from the memory.
 */
function cppMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  const ptr = (err as { excPtr?: unknown } | null)?.excPtr;
  if (typeof ptr === 'number' && memory) {
    const u8 = new Uint8Array(memory.buffer);
    const at = new DataView(memory.buffer).getUint32(ptr + 4, true);
    let end = at;
    while (end < u8.length && u8[end] !== 0 && end - at < 500) end++;
    const text = Buffer.from(u8.slice(at, end)).toString('utf8');
    if (/^[\x20-\x7e]+$/.test(text)) return text;
  }
  return String(err);
}

async function run(): Promise<void> {
  const factory = ((await import(pathToFileURL(job.libJs).href)) as { default: Factory }).default;
  const lib = await factory({
    // the parent's compiled Module: no fetch of the .wasm (Node's fetch has no file: URLs)
    instantiateWasm(imports: Record<string, Record<string, unknown>>, done: (i: WasmInstance, m: WasmModule) => void) {
      for (const ns of Object.values(imports)) {
        for (const v of Object.values(ns)) if (v instanceof wasm.Memory) memory = v;
      }
      void wasm.instantiate(job.module, imports).then((inst) => done(inst, job.module));
      return {};
    },
    print: () => {},
    printErr: () => {},
  });
  if (job.thumbnail) return servePreviews(lib, job.file);
  const raw = new lib.LibRaw();
  const bytes = readFileSync(job.file);
  // dcraw_emu -w -4 -c 0: camera white balance, 16-bit linear (gamma 1/1, no auto-bright), and
  // no rescale to the brightest pixel, so exposure does not depend on content
  raw.open(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
    useCameraWb: true,
    outputBps: 16,
    gamm: [1, 1, 0, 0, 0, 0],
    noAutoBright: true,
    adjustMaximumThr: 0,
    halfSize: job.halfSize,
  });
  const md = raw.metadata(false);
  if (md && job.maxPixels > 0) {
    const w = job.halfSize ? (md.width + 1) >> 1 : md.width;
    const h = job.halfSize ? (md.height + 1) >> 1 : md.height;
    // refused before the seconds of unpacking and demosaicing
    if (w * h > job.maxPixels) return post({ type: 'tooLarge', width: w, height: h });
  }
  const img = raw.imageData();
  if (!img || img.bits !== 16 || img.colors !== 3) throw new Error(`unexpected output (${img ? `${img.colors} colours, ${img.bits} bit` : 'none'})`);
  post({ type: 'size', width: img.width, height: img.height });
  const lut = linearToSrgbLut(65535, job.gain);
  const src = img.data;
  const rowFloats = img.width * 3;
  const bandRows = Math.max(1, Math.floor(BAND_FLOATS / rowFloats));
  let max = 0;
  for (let y0 = 0; y0 < img.height; y0 += bandRows) {
    const rows = Math.min(bandRows, img.height - y0);
    const n = rows * rowFloats;
    const out = new Float32Array(n);
    const base = y0 * rowFloats;
    let mx = max;
    for (let i = 0; i < n; i++) {
      const v = lut[src[base + i]];
      out[i] = v;
      if (v > mx) mx = v;
    }
    max = mx;
    post({ type: 'rows', y0, data: out }, [out.buffer]);
  }
  post({ type: 'done', maxValue: max });
}

/**
 * Preview mode: this thread stays up and answers one `{ file }` message after another (the
 * first file comes with the job), so a folder of thumbnails pays for the thread and LibRaw's
 * set-up once. Opening a file reads only its structure; no pixels are decoded.
 */
function servePreviews(lib: { LibRaw: new () => LibRawInstance }, first: string): void {
  const one = (file: string): void => {
    const raw = new lib.LibRaw();
    try {
      const bytes = readFileSync(file);
      raw.open(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), {});
      const t = raw.thumbnailData();
      if (!t) post({ type: 'thumb', format: 'none' });
      else post({ type: 'thumb', format: t.format, data: t.data, width: t.width, height: t.height }, [t.data.buffer as ArrayBuffer]);
    } catch (err) {
      post({ type: 'error', ...classify(cppMessage(err)) });
    } finally {
      raw.delete(); // the file's copy in the WebAssembly memory is freed for the next one
    }
  };
  port.on('message', (m: { file: string }) => one(m.file));
  one(first);
}

run().catch((err: unknown) => {
  post({ type: 'error', ...classify(cppMessage(err)) });
});
