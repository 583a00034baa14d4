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
import { startWorker } from '../worker-thread';
import { connectWorker, type RpcWorker } from '../worker-rpc';
import { throwIfAborted } from '../errors';
import type { CurveTransform } from './curve-apply';
import { RADIUS, shadowSmoothing } from './shadow-smooth';
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

type BandOut = Uint8Array | Uint16Array;
type PoolWorker = RpcWorker<BandRequest>;

let pool: PoolWorker[] | undefined;

function workers(): PoolWorker[] {
  if (pool) return pool;
  const n = Math.max(1, Math.min(8, availableParallelism()));
  const started: PoolWorker[] = [];
  for (let i = 0; i < n; i++) {
    const w = connectWorker<BandRequest>(startWorker(__dirname, 'curve-apply-worker'), 'transform worker');
    // a dead worker fails its band (worker-rpc.ts); the pool is started afresh on the next call
    w.onLost(() => {
      if (pool === started) pool = undefined;
    });
    started.push(w);
  }
  pool = started;
  return pool;
}

function runBand(w: PoolWorker, req: BandRequest): Promise<BandOut> {
  return w.call<BandOut>(req, { transfer: [req.band.buffer as ArrayBuffer] }).result;
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
  // deep shadows smoothed (shadow-smooth.ts): each band travels with RADIUS rows of margin; the
  // rows above it come from a copy taken before the band above could be written back in place
  const margin = shadowSmoothing(t) ? RADIUS : 0;
  const tails: Array<Uint8Array | Uint16Array | undefined> = [];
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
  const lane = async (w: PoolWorker): Promise<void> => {
    // one band buffer per lane, sent and returned again: a fresh few-MB buffer per band costs
    // more in page faults than the copy itself (a third of a 36 MP photo's main-thread time)
    let spare: ArrayBuffer | undefined;
    while (next < bands.length && !failure) {
      if (opts.signal?.aborted) return;
      const b = next++;
      const [y0, y1] = bands[b];
      try {
        const top = Math.max(0, y0 - margin);
        const bottom = Math.min(src.height, y1 + margin);
        const from = src.data.subarray(y0 * row, bottom * row);
        const length = (bottom - top) * row;
        const bytes = length * from.BYTES_PER_ELEMENT;
        if (!spare || spare.byteLength < bytes) spare = new ArrayBuffer((rows + 2 * margin) * row * from.BYTES_PER_ELEMENT);
        const band = from instanceof Uint8Array ? new Uint8Array(spare, 0, length) : new Uint16Array(spare, 0, length);
        const above = tails[b];
        if (above) band.set(above);
        band.set(from, (y0 - top) * row);
        tails[b] = undefined;
        if (margin && b + 1 < bands.length) tails[b + 1] = src.data.slice(Math.max(y0, y1 - margin) * row, y1 * row);
        spare = undefined; // transferred
        const out = await runBand(w, { band, above: y0 - top, outBits: bitsOf(dst.data), width: src.width, y0, y1, t, io, smooth: margin > 0 });
        dst.data.set(out, y0 * row);
        if (out.buffer.byteLength >= bytes) spare = out.buffer as ArrayBuffer;
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
