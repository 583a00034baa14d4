/**
 * The transform over a whole photo on every core: worker threads take bands of 224 rows (one
 * row of UI tiles), two in flight each, and the photo stays as it is (8- or 16-bit as decoded, or
 * the float photo of a RAW and of the app's working image: no second full-size buffer). A band
 * is copied into a buffer shared with its worker, which writes its output into another; both
 * are kept for the next band and the next photo, since a fresh few-MB buffer per band costs
 * more in page faults than the copy itself. Workers are started once per process and unref'd
 * while idle.
 *
 *   startTransformWorkers()   start the workers now (while a photo decodes) rather than with the first band
 *   applyTransformBands(src, t, { dst?, strength?, pre?, gridRect?, signal?, onBand?, bandRows? }) -> Promise<void>
 *     src, dst: interleaved RGB, 8-bit, 16-bit or float (0..1, RAW headroom above); dst
 *     defaults to src (in place: each band's margin row is copied before the band above it is
 *     written back)
 */
import { availableParallelism } from 'node:os';
import { startWorker } from '../worker-thread';
import { connectWorker, type RpcWorker } from '../worker-rpc';
import { throwIfAborted } from '../errors';
import type { CurveTransform } from './curve-apply';
import type { GainCurve } from './headroom';
import { RADIUS, shadowSmoothing } from './shadow-smooth';
import type { BandRequest, BandSamples } from './curve-apply-worker';

export interface SampleRaster {
  width: number;
  height: number;
  /** width·height·3 samples */
  data: BandSamples;
}

export interface SharedApplyOptions {
  /** write here instead of in place (e.g. 8-bit in, 16-bit out; float in, 8-bit out); same size */
  dst?: SampleRaster;
  strength?: number;
  /** RAW headroom's map (headroom.ts), float input only */
  pre?: GainCurve;
  /** where the grid lies, when not over the whole photo (a metering region) */
  gridRect?: { x: number; y: number; w: number; h: number };
  signal?: AbortSignal;
  /** rows y0..y1 are final */
  onBand?: (y0: number, y1: number) => void;
  /** rows per band (default 224, the UI's tile height) */
  bandRows?: number;
}

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

/** The workers start (a thread each, and its kernel compiled: about 0.1 s) while the caller does something else. */
export function startTransformWorkers(): void {
  workers();
}

/**
 * Lanes (a band in flight, with its own buffers) per worker. With one, a worker waits while the
 * calling thread copies its finished band out and the next one in; with two, the next band is
 * already queued when it finishes (a 36 MP JPEG's pass in place: 207 / 233 ms with one lane per
 * worker against 185 / 201 with two, 183 / 175 against 187 / 187 with three; README, Benchmarks).
 */
const LANES_PER_WORKER = 2;

/** Shared band buffers (in, out) between calls, up to this many bytes in all. A lane takes a
 * pair for the whole call (calls may run at once: the app's engine worker serves jobs
 * concurrently) and gives it back at its end. */
const KEEP_BYTES = 96 * 1024 * 1024;
interface LaneBuffers {
  input: SharedArrayBuffer;
  output: SharedArrayBuffer;
}
const free: LaneBuffers[] = [];

function takeBuffers(inBytes: number, outBytes: number): LaneBuffers {
  const k = free.pop();
  return {
    input: k && k.input.byteLength >= inBytes ? k.input : new SharedArrayBuffer(inBytes),
    output: k && k.output.byteLength >= outBytes ? k.output : new SharedArrayBuffer(outBytes),
  };
}

function giveBack(k: LaneBuffers): void {
  const bytes = (b: LaneBuffers): number => b.input.byteLength + b.output.byteLength;
  if (free.reduce((s, b) => s + bytes(b), 0) + bytes(k) <= KEEP_BYTES) free.push(k);
}

function view(like: BandSamples, buf: SharedArrayBuffer, length: number): BandSamples {
  return like instanceof Uint8Array ? new Uint8Array(buf, 0, length) : like instanceof Uint16Array ? new Uint16Array(buf, 0, length) : new Float32Array(buf, 0, length);
}

const maxOf = (a: BandSamples): number => (a instanceof Uint8Array ? 255 : a instanceof Uint16Array ? 65535 : 1);

export async function applyTransformBands(src: SampleRaster, t: CurveTransform, opts: SharedApplyOptions = {}): Promise<void> {
  const dst = opts.dst ?? src;
  if (dst.width !== src.width || dst.height !== src.height || dst.data.length !== src.data.length) throw new RangeError('destination size differs from the source');
  if (opts.pre && !(src.data instanceof Float32Array)) throw new RangeError('a headroom map takes float input');
  const rows = opts.bandRows ?? 224;
  const row = src.width * 3;
  const bands: Array<[number, number]> = [];
  for (let y = 0; y < src.height; y += rows) bands.push([y, Math.min(src.height, y + rows)]);
  const io = { inMax: maxOf(src.data), outMax: maxOf(dst.data), strength: opts.strength ?? 1, height: src.height, gridRect: opts.gridRect };
  // deep shadows smoothed (shadow-smooth.ts): each band travels with RADIUS rows of margin; in
  // place, the rows above it come from a copy taken before the band above was written back
  const margin = shadowSmoothing(t) ? RADIUS : 0;
  const inPlace = dst.data.buffer === src.data.buffer;
  const tails: Array<BandSamples | undefined> = [];
  const ws = workers();
  let next = 0;
  let failure: Error | undefined;
  // bands finish out of order across workers; report them in order, as the UI paints
  const done = new Array<boolean>(bands.length).fill(false);
  let reported = 0;
  const report = (): void => {
    while (reported < bands.length && done[reported] && !opts.signal?.aborted) {
      opts.onBand?.(bands[reported][0], bands[reported][1]);
      reported++;
    }
  };
  const lane = async (w: PoolWorker): Promise<void> => {
    const bufs = takeBuffers((rows + 2 * margin) * row * src.data.BYTES_PER_ELEMENT, rows * row * dst.data.BYTES_PER_ELEMENT);
    try {
      await runLane(w, bufs);
    } finally {
      giveBack(bufs);
    }
  };
  const runLane = async (w: PoolWorker, bufs: LaneBuffers): Promise<void> => {
    while (next < bands.length && !failure) {
      if (opts.signal?.aborted) return;
      const b = next++;
      const [y0, y1] = bands[b];
      try {
        const top = Math.max(0, y0 - margin);
        const bottom = Math.min(src.height, y1 + margin);
        const band = view(src.data, bufs.input, (bottom - top) * row);
        const above = tails[b];
        if (above) band.set(above);
        else band.set(src.data.subarray(top * row, y0 * row));
        band.set(src.data.subarray(y0 * row, bottom * row), (y0 - top) * row);
        tails[b] = undefined;
        if (inPlace && margin && b + 1 < bands.length) tails[b + 1] = src.data.slice(Math.max(y0, y1 - margin) * row, y1 * row);
        const out = view(dst.data, bufs.output, (y1 - y0) * row);
        await w.call({ band, out, above: y0 - top, width: src.width, y0, y1, t, io, smooth: margin > 0, preGain: opts.pre?.gain }).result;
        // a band that finishes after a cancel is not reported (nor written back): the UI stops at once
        if (opts.signal?.aborted) return;
        dst.data.set(out, y0 * row);
      } catch (err) {
        failure ??= err as Error;
        return;
      }
      done[b] = true;
      report();
    }
  };
  await Promise.all(ws.flatMap((w) => Array.from({ length: LANES_PER_WORKER }, () => w)).map(lane));
  throwIfAborted(opts.signal);
  if (failure) throw failure;
}
