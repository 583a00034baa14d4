/**
 * Worker thread of curve-apply-pool.ts: applies a transform to one band of a photo, read from a
 * buffer shared with the pool and written into another (worker-rpc.ts), in the SIMD kernel
 * (curve-apply-wasm.ts applyBand: smoothing and curves together, in one module's memory) where
 * the install has it; without it, smoothShadowRows and then applyTransformRows.
 */
import { serveRequests } from '../worker-rpc';
import { applyTransformRows, type CurveTransform, type PixelIo } from './curve-apply';
import { warmKernel, wasmKernel } from './curve-apply-wasm';
import { linearGainCurve, type GainCurve } from './headroom';
import { smoothShadowRows } from './shadow-smooth';

export type BandSamples = Uint8Array | Uint16Array | Float32Array;

/** One band: samples of rows y0 − above..y1 (+ the smoothing's margin below when smooth). */
export interface BandRequest {
  band: BandSamples;
  /** rows y0..y1 of the output */
  out: BandSamples;
  /** rows before y0 in `band` (the shadow smoothing's margin) */
  above: number;
  /** smooth the band's deep shadows before the curves (shadow-smooth.ts) */
  smooth: boolean;
  width: number;
  y0: number;
  y1: number;
  t: CurveTransform;
  io: Omit<PixelIo, 'pre' | 'shadow' | 'bufferRow0'>;
  /** RAW headroom's gain (headroom.ts linearGainCurve: a function does not cross threads) */
  preGain?: number;
}

// compiled, run and its memory grown as the worker starts, not with its first band; a
// warm-up that fails costs only that (the bands report their own errors)
try {
  warmKernel();
} catch {
  // the first band warms it
}

// the smoothed rows of a band, kept for the next (fresh buffers cost their page faults each time)
let smoothBuf = new Float32Array(0);
let preOf: { gain: number; curve: GainCurve } | undefined;

serveRequests<BandRequest>(async (r) => {
  const row = r.width * 3;
  const core = r.band.subarray(r.above * row, (r.above + r.y1 - r.y0) * row);
  const { out } = r;
  if (r.preGain !== undefined && preOf?.gain !== r.preGain) preOf = { gain: r.preGain, curve: linearGainCurve(r.preGain) };
  const pre = r.preGain === undefined ? undefined : preOf?.curve;
  const simd = wasmKernel();
  if (simd) {
    simd.applyBand(r.band, r.above, out, r.width, r.y0, r.y1, r.t, { ...r.io, pre, bufferRow0: r.y0 }, r.smooth);
    return;
  }
  if (r.smooth && smoothBuf.length < core.length) smoothBuf = new Float32Array(core.length);
  const smoothed = r.smooth ? smoothShadowRows(r.band, r.io.inMax, r.width, r.io.height, r.y0, r.y1, r.y0 - r.above, smoothBuf) : undefined;
  // runs of rows with and without smoothed shadows: the rows without need no float copy
  for (let a = r.y0; a < r.y1; ) {
    const flag = smoothed?.changed[a - r.y0] ?? 0;
    let b = a + 1;
    while (b < r.y1 && (smoothed?.changed[b - r.y0] ?? 0) === flag) b++;
    const from = (a - r.y0) * row;
    const to = (b - r.y0) * row;
    const shadow = flag ? smoothed?.values.subarray(from, to) : undefined;
    const io = { ...r.io, pre, bufferRow0: a, shadow };
    applyTransformRows(core.subarray(from, to), out.subarray(from, to), r.width, a, b, r.t, io);
    a = b;
  }
});
