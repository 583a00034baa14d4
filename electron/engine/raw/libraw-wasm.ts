/**
 * Camera RAW through LibRaw compiled to WebAssembly (the npm package `libraw-wasm`), so RAW
 * decodes on every platform with nothing but `npm ci`: no dcraw_emu, no native-bin/.
 * Same LibRaw settings as our dcraw_emu call (camera white balance, 16-bit linear, no
 * rescale), same BaselineExposure gain and sRGB encode, same checks (empty, truncated,
 * pixel limit) and the same result shape as raw/dcraw.ts's decodeRaw.
 *
 * Each decode runs in its own worker thread (raw/libraw-wasm-worker.ts): the .wasm is
 * compiled once per process and handed over; the worker streams sRGB float bands back
 * into the output, which is faulted in meanwhile; abort terminates the worker.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { EvenlightError, throwIfAborted, type ErrorCode } from '../errors';
import { tooLarge } from '../image/header';
import { reserveFloats } from '../image/prefault';
import type { RgbFloat } from '../image/types';
import { expectedFloats, openRawHead, readBaselineExposure, type RawDecodeInfo, type RawDecodeOptions } from './dcraw';
import type { WasmJob } from './libraw-wasm-worker';
import { wasm, type WasmModule } from './wasm-api';
import { startWorker } from '../worker-thread';

export interface WasmDecoderInfo {
  name: 'libraw-wasm';
  /** The .wasm file. */
  path: string;
  version: string;
  libJs: string;
}

// libraw-wasm's build script (compileLibraw.sh) pins this LibRaw release; package.json pins
// libraw-wasm 1.6.0 exactly, so the two stay together
const LIBRAW_VERSION = '0.22.1';

/** In a packaged app the package is unpacked from the asar: load it from there. */
function unpacked(p: string): string {
  const asar = `${sep}app.asar${sep}`;
  if (!p.includes(asar)) return p;
  const alt = p.replace(asar, `${sep}app.asar.unpacked${sep}`);
  return existsSync(alt) ? alt : p;
}

let cachedInfo: WasmDecoderInfo | null | undefined;

/** The WebAssembly decoder's files and version, or null when the package is not installed. */
export function wasmDecoderInfo(): WasmDecoderInfo | null {
  if (cachedInfo !== undefined) return cachedInfo;
  try {
    const pkgJson = unpacked(require.resolve('libraw-wasm/package.json'));
    const dist = join(dirname(pkgJson), 'dist');
    const { version } = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string };
    const path = join(dist, 'libraw.wasm');
    const libJs = join(dist, 'libraw.js');
    cachedInfo = existsSync(path) && existsSync(libJs) ? { name: 'libraw-wasm', path, libJs, version: `LibRaw ${LIBRAW_VERSION} (npm package ${version})` } : null;
  } catch {
    cachedInfo = null;
  }
  return cachedInfo;
}

let compiled: Promise<WasmModule> | null = null;

function wasmModule(info: WasmDecoderInfo): Promise<WasmModule> {
  if (!compiled) {
    const p = wasm.compile(readFileSync(info.path));
    p.catch(() => (compiled = null)); // a failed compile is retried next time
    compiled = p;
  }
  return compiled;
}

type Msg =
  | { type: 'size'; width: number; height: number }
  | { type: 'rows'; y0: number; data: Float32Array }
  | { type: 'done'; maxValue: number }
  | { type: 'tooLarge'; width: number; height: number }
  | { type: 'thumb'; format: string; data?: Uint8Array; width?: number; height?: number }
  | { type: 'error'; code: ErrorCode; message: string };

/** Runs one job; `onMessage` returns a value to finish with, or undefined to keep going. */
function runJob<T>(job: WasmJob, file: string, signal: AbortSignal | undefined, onMessage: (m: Msg) => T | undefined): Promise<T> {
  throwIfAborted(signal, file);
  return new Promise<T>((resolve, reject) => {
    const worker = startWorker(__dirname, 'libraw-wasm-worker', { workerData: job });
    let settled = false;
    const finish = (err: Error | null, value?: T): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate(); // frees the WebAssembly memory at once
      if (err) reject(err);
      else resolve(value!);
    };
    const onAbort = (): void => finish(new EvenlightError('CANCELLED', file, 'cancelled'));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: Msg) => {
      if (settled) return;
      if (m.type === 'error') return finish(new EvenlightError(m.code, file, m.message));
      try {
        const v = onMessage(m);
        if (v !== undefined) finish(null, v);
      } catch (e) {
        finish(e instanceof Error ? e : new Error(String(e)));
      }
    });
    worker.on('error', (e) => finish(new EvenlightError('DECODE_FAILED', file, `LibRaw (WebAssembly) failed: ${e.message}`, { cause: e })));
    worker.on('exit', (code) => finish(new EvenlightError('DECODE_FAILED', file, `LibRaw (WebAssembly) worker exited (code ${code}) without a result`)));
  });
}

async function prepare(path: string): Promise<{ info: WasmDecoderInfo; module: WasmModule }> {
  const info = wasmDecoderInfo();
  if (!info) throw new EvenlightError('DECODER_MISSING', path, 'no RAW decoder: the libraw-wasm package is not installed (npm ci)');
  try {
    return { info, module: await wasmModule(info) };
  } catch (err) {
    throw new EvenlightError('DECODER_MISSING', path, `cannot load LibRaw WebAssembly: ${(err as Error).message}`, { cause: err });
  }
}

/** Decodes a camera RAW to sRGB-encoded float (values may exceed 1), like dcraw.ts's decodeRaw. */
export async function decodeRawWasm(path: string, opts: Omit<RawDecodeOptions, 'decoder'> = {}): Promise<{ image: RgbFloat; info: RawDecodeInfo }> {
  const halfSize = !!opts.halfSize;
  const { head, info: headInfo } = opts.rawHead ?? openRawHead(path, halfSize, opts.maxPixels);
  const { info: wasm, module } = await prepare(path);
  const baseline = opts.baselineExposure === false ? 0 : readBaselineExposure(head);
  const gain = Math.pow(2, baseline + (opts.exposureEv ?? 0));
  // LibRaw computes for a second or more before the first band: fault the output in meanwhile
  const reserved = reserveFloats(expectedFloats(headInfo, halfSize));
  const job: WasmJob = { file: path, libJs: wasm.libJs, module, halfSize, gain, maxPixels: opts.maxPixels ?? 0 };
  let image: RgbFloat | null = null;
  let filled = 0;
  try {
    const maxValue = await runJob(job, path, opts.signal, (m) => {
      if (m.type === 'tooLarge') throw tooLarge(path, m.width, m.height, opts.maxPixels ?? 0);
      if (m.type === 'size') {
        if (opts.maxPixels && m.width * m.height > opts.maxPixels) throw tooLarge(path, m.width, m.height, opts.maxPixels);
        image = { width: m.width, height: m.height, data: reserved.take(m.width * m.height * 3) };
      } else if (m.type === 'rows') {
        if (!image) throw new Error('pixels before the image size');
        image.data.set(m.data, m.y0 * image.width * 3);
        filled += m.data.length;
      } else if (m.type === 'done') {
        if (!image || filled !== image.data.length) throw new EvenlightError('DECODE_FAILED', path, 'LibRaw (WebAssembly) returned an incomplete image');
        return m.maxValue;
      }
      return undefined;
    });
    return {
      image: image!,
      info: { decoder: 'libraw-wasm', decoderPath: wasm.path, decoderVersion: wasm.version, halfSize, gain, baselineExposureEv: baseline, maxValue },
    };
  } finally {
    reserved.stop();
  }
}

// One long-lived thread for embedded previews: a library folder asks for many in a row.
const PREVIEW_IDLE_MS = 15_000;
let previewWorker: Worker | null = null;
let previewIdle: NodeJS.Timeout | null = null;
let previewQueue: Promise<unknown> = Promise.resolve();

function stopPreviewWorker(): void {
  if (previewIdle) clearTimeout(previewIdle);
  previewIdle = null;
  void previewWorker?.terminate();
  previewWorker = null;
}

/** The next message from the preview thread for `file`; abort or a crash ends the thread. */
async function previewFromWorker(path: string, signal: AbortSignal | undefined): Promise<Msg> {
  const { info, module } = await prepare(path);
  throwIfAborted(signal, path);
  if (previewIdle) clearTimeout(previewIdle);
  let w = previewWorker;
  if (w) w.postMessage({ file: path });
  else {
    w = previewWorker = startWorker(__dirname, 'libraw-wasm-worker', { workerData: { file: path, libJs: info.libJs, module, halfSize: false, gain: 1, maxPixels: 0, thumbnail: true } satisfies WasmJob });
  }
  const worker = w;
  worker.ref();
  try {
    return await new Promise<Msg>((resolve, reject) => {
      const done = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        signal?.removeEventListener('abort', onAbort);
      };
      const onMessage = (m: Msg): void => (done(), resolve(m));
      const onError = (e: Error): void => (done(), stopPreviewWorker(), reject(e));
      const onExit = (): void => (done(), (previewWorker = previewWorker === worker ? null : previewWorker), reject(new Error('preview thread exited')));
      const onAbort = (): void => (done(), stopPreviewWorker(), reject(new EvenlightError('CANCELLED', path, 'cancelled')));
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  } finally {
    if (previewWorker === worker) {
      worker.unref(); // an idle preview thread never keeps the process alive
      previewIdle = setTimeout(stopPreviewWorker, PREVIEW_IDLE_MS);
      previewIdle.unref();
    }
  }
}

/** The embedded preview as LibRaw finds it (any format it reads), JPEG only; else null. */
export function extractPreviewWasm(path: string, signal?: AbortSignal): Promise<Buffer | null> {
  // one file at a time through the one thread
  const next = previewQueue.then(async () => {
    try {
      const m = await previewFromWorker(path, signal);
      const data = m.type === 'thumb' && m.format === 'jpeg' && m.data ? Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength) : null;
      return data && data[0] === 0xff && data[1] === 0xd8 ? data : null;
    } catch (err) {
      if (err instanceof EvenlightError && err.code === 'CANCELLED') throw err;
      return null;
    }
  });
  previewQueue = next.catch(() => undefined);
  return next;
}
