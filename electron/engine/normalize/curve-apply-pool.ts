/**
 * The transform over a whole photo on every core: the photo lives in a SharedArrayBuffer
 * (8- or 16-bit, interleaved RGB, as decoded: no float copy) and worker threads take bands
 * of 224 rows (one row of UI tiles) as they free up. Workers are started once per process
 * and unref'd while idle.
 *
 *   applyTransformShared(raster, t, { dst?, strength?, signal?, onBand? }) -> Promise<void>
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../worker-thread';
import type { CurveTransform } from './curve-apply';
import type { BandRequest } from './curve-apply-worker';

export interface SharedRaster {
  width: number;
  height: number;
  bits: 8 | 16;
  /** width·height·3 samples */
  buffer: SharedArrayBuffer;
}

export interface SharedApplyOptions {
  /** write here instead of in place (e.g. 8-bit in, 16-bit out); same size */
  dst?: SharedRaster;
  strength?: number;
  signal?: AbortSignal;
  /** rows y0..y1 are final */
  onBand?: (y0: number, y1: number) => void;
  /** rows per band (default 224, the UI's tile height) */
  bandRows?: number;
}

interface PoolWorker {
  worker: Worker;
  busy: boolean;
}

let pool: PoolWorker[] | undefined;
let nextId = 1;
const waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void; pw: PoolWorker }>();

function workers(): PoolWorker[] {
  if (pool) return pool;
  const n = Math.max(1, Math.min(8, availableParallelism()));
  pool = [];
  for (let i = 0; i < n; i++) {
    const pw: PoolWorker = { worker: startWorker(__dirname, 'curve-apply-worker'), busy: false };
    pw.worker.unref();
    pw.worker.on('message', (m: { id: number; ok: boolean; message?: string }) => {
      const w = waiting.get(m.id);
      if (!w) return;
      waiting.delete(m.id);
      w.pw.busy = false;
      w.pw.worker.unref();
      if (m.ok) w.resolve();
      else w.reject(new Error(m.message));
    });
    const lost = (err: Error): void => {
      // a dead worker fails its band and is replaced on the next call
      for (const [id, w] of waiting) {
        if (w.pw === pw) {
          waiting.delete(id);
          w.reject(err);
        }
      }
      pool = undefined;
    };
    pw.worker.on('error', lost);
    pw.worker.on('exit', (code) => lost(new Error(`transform worker exited (code ${code})`)));
    pool.push(pw);
  }
  return pool;
}

function runBand(pw: PoolWorker, req: Omit<BandRequest, 'id'>): Promise<void> {
  const id = nextId++;
  pw.busy = true;
  pw.worker.ref(); // keep the process alive while a band is in flight
  return new Promise<void>((resolve, reject) => {
    waiting.set(id, { resolve, reject, pw });
    pw.worker.postMessage({ ...req, id });
  });
}

export async function applyTransformShared(src: SharedRaster, t: CurveTransform, opts: SharedApplyOptions = {}): Promise<void> {
  const dst = opts.dst ?? src;
  if (dst.width !== src.width || dst.height !== src.height) throw new RangeError('destination size differs from the source');
  const rows = opts.bandRows ?? 224;
  const bands: Array<[number, number]> = [];
  for (let y = 0; y < src.height; y += rows) bands.push([y, Math.min(src.height, y + rows)]);
  const io = { inMax: src.bits === 8 ? 255 : 65535, outMax: dst.bits === 8 ? 255 : 65535, strength: opts.strength ?? 1, height: src.height };
  const ws = workers();
  let next = 0;
  let failure: Error | undefined;
  // bands finish out of order across workers; report them in order, as the UI paints
  const done = new Array<boolean>(bands.length).fill(false);
  let reported = 0;
  const report = (): void => {
    while (reported < bands.length && done[reported]) {
      opts.onBand?.(bands[reported][0], bands[reported][1]);
      reported++;
    }
  };
  const lane = async (pw: PoolWorker): Promise<void> => {
    while (next < bands.length && !failure) {
      if (opts.signal?.aborted) return;
      const b = next++;
      try {
        await runBand(pw, { src: src.buffer, dst: dst.buffer, srcBits: src.bits, dstBits: dst.bits, width: src.width, y0: bands[b][0], y1: bands[b][1], t, io });
      } catch (err) {
        failure ??= err as Error;
        return;
      }
      done[b] = true;
      report();
    }
  };
  await Promise.all(ws.map(lane));
  opts.signal?.throwIfAborted();
  if (failure) throw failure;
}
