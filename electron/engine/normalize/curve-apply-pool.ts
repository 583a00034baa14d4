/**
 * The transform over a whole photo on every core: the photo stays as decoded (8- or 16-bit,
 * interleaved RGB: no float copy, no second full-size buffer) and worker threads take bands of
 * 224 rows (one row of UI tiles) as they free up; a band travels as a transferred copy of a
 * few MB and is written back in place. Workers are started once per process and unref'd
 * while idle.
 *
 *   applyTransformBands(raster, t, { dst?, strength?, signal?, onBand? }) -> Promise<void>
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../worker-thread';
import { throwIfAborted } from '../errors';
import type { CurveTransform } from './curve-apply';
import type { BandRequest } from './curve-apply-worker';

export interface IntRaster {
  width: number;
  height: number;
  /** width·height·3 samples */
  data: Uint8Array | Uint16Array;
}

export interface SharedApplyOptions {
  /** write here instead of in place (e.g. 8-bit in, 16-bit out); same size */
  dst?: IntRaster;
  strength?: number;
  signal?: AbortSignal;
  /** rows y0..y1 are final */
  onBand?: (y0: number, y1: number) => void;
  /** rows per band (default 224, the UI's tile height) */
  bandRows?: number;
}

interface PoolWorker {
  worker: Worker;
}

let pool: PoolWorker[] | undefined;
let nextId = 1;
type BandOut = Uint8Array | Uint16Array;
const waiting = new Map<number, { resolve: (band: BandOut) => void; reject: (e: Error) => void; pw: PoolWorker }>();

function workers(): PoolWorker[] {
  if (pool) return pool;
  const n = Math.max(1, Math.min(8, availableParallelism()));
  pool = [];
  for (let i = 0; i < n; i++) {
    const pw: PoolWorker = { worker: startWorker(__dirname, 'curve-apply-worker') };
    pw.worker.unref();
    pw.worker.on('message', (m: { id: number; ok: boolean; band?: BandOut; message?: string }) => {
      const w = waiting.get(m.id);
      if (!w) return;
      waiting.delete(m.id);
      w.pw.worker.unref();
      if (m.ok && m.band) w.resolve(m.band);
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

function runBand(pw: PoolWorker, req: Omit<BandRequest, 'id'>): Promise<BandOut> {
  const id = nextId++;
  pw.worker.ref(); // keep the process alive while a band is in flight
  return new Promise<BandOut>((resolve, reject) => {
    waiting.set(id, { resolve, reject, pw });
    pw.worker.postMessage({ ...req, id }, [req.band.buffer as ArrayBuffer]);
  });
}

export async function applyTransformBands(src: IntRaster, t: CurveTransform, opts: SharedApplyOptions = {}): Promise<void> {
  const dst = opts.dst ?? src;
  if (dst.width !== src.width || dst.height !== src.height || dst.data.length !== src.data.length) throw new RangeError('destination size differs from the source');
  const rows = opts.bandRows ?? 224;
  const row = src.width * 3;
  const bands: Array<[number, number]> = [];
  for (let y = 0; y < src.height; y += rows) bands.push([y, Math.min(src.height, y + rows)]);
  const bitsOf = (a: Uint8Array | Uint16Array): 8 | 16 => (a instanceof Uint8Array ? 8 : 16);
  const io = { inMax: bitsOf(src.data) === 8 ? 255 : 65535, outMax: bitsOf(dst.data) === 8 ? 255 : 65535, strength: opts.strength ?? 1, height: src.height };
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
      const [y0, y1] = bands[b];
      try {
        const band = src.data.slice(y0 * row, y1 * row);
        const out = await runBand(pw, { band, outBits: bitsOf(dst.data), width: src.width, y0, y1, t, io });
        dst.data.set(out, y0 * row);
      } catch (err) {
        failure ??= err as Error;
        return;
      }
      done[b] = true;
      report();
    }
  };
  await Promise.all(ws.map(lane));
  throwIfAborted(opts.signal);
  if (failure) throw failure;
}
