/**
 * Worker thread of curve-apply-pool.ts: applies a transform to one band of a photo, sent as
 * its own (transferred) buffer, and answers with the band the same way (worker-rpc.ts).
 * 8-bit in and out runs the SIMD kernel (curve-apply-wasm.ts applyBand: smoothing and curves
 * together) where the install has it; other depths smooth (shadowKernel) and then take the
 * kernel's applyRows (smoothShadowRows and applyTransformRows without it).
 */
import { serveRequests } from '../worker-rpc';
import { applyTransformRows, type CurveTransform, type PixelIo } from './curve-apply';
import { wasmKernel } from './curve-apply-wasm';
import { smoothShadowRows } from './shadow-smooth';
import { shadowKernel } from './shadow-smooth-wasm';

/** One band: 8- or 16-bit samples of rows y0 − above..y1 (+ the smoothing's margin below when smooth). */
export interface BandRequest {
  band: Uint8Array | Uint16Array;
  /** rows before y0 in `band` (the shadow smoothing's margin) */
  above: number;
  /** smooth the band's deep shadows before the curves (shadow-smooth.ts) */
  smooth: boolean;
  outBits: 8 | 16;
  width: number;
  y0: number;
  y1: number;
  t: CurveTransform;
  io: PixelIo;
}

// compiled as the worker starts, not with its first band; shadowKernel (smoothed shadows other
// than 8-bit in and out) compiles when first needed
wasmKernel();

// the smoothed rows of a band, kept for the next (fresh buffers cost their page faults each time)
let smoothBuf = new Float32Array(0);

serveRequests<BandRequest>(async (r, { transfer }) => {
  const inBits = r.band instanceof Uint8Array ? 8 : 16;
  const row = r.width * 3;
  const core = r.band.subarray(r.above * row, (r.above + r.y1 - r.y0) * row);
  // in place when the depth stays, else into a band of the output's depth
  const out = r.outBits === inBits ? core : r.outBits === 8 ? new Uint8Array(core.length) : new Uint16Array(core.length);
  const simd = r.io.pre ? undefined : wasmKernel();
  if (simd && inBits === 8 && r.outBits === 8) {
    // smoothing and curves in one module's memory (curve-apply-wasm.ts)
    simd.applyBand(r.band as Uint8Array, r.above, out as Uint8Array, r.width, r.y0, r.y1, r.t, { ...r.io, bufferRow0: r.y0 }, r.smooth);
    transfer([out.buffer as ArrayBuffer]);
    return out;
  }
  if (r.smooth && smoothBuf.length < core.length) smoothBuf = new Float32Array(core.length);
  const smoothed = r.smooth ? (shadowKernel() ?? smoothShadowRows)(r.band, r.io.inMax, r.width, r.io.height, r.y0, r.y1, r.y0 - r.above, smoothBuf) : undefined;
  // runs of rows with and without smoothed shadows: the rows without need no float copy
  for (let a = r.y0; a < r.y1; ) {
    const flag = smoothed?.changed[a - r.y0] ?? 0;
    let b = a + 1;
    while (b < r.y1 && (smoothed?.changed[b - r.y0] ?? 0) === flag) b++;
    const from = (a - r.y0) * row;
    const to = (b - r.y0) * row;
    const shadow = flag ? smoothed?.values.subarray(from, to) : undefined;
    const io = { ...r.io, bufferRow0: a, shadow };
    if (simd) simd.applyRows(core.subarray(from, to), out.subarray(from, to), r.width, a, b, r.t, io);
    else applyTransformRows(core.subarray(from, to), out.subarray(from, to), r.width, a, b, r.t, io);
    a = b;
  }
  transfer([out.buffer as ArrayBuffer]);
  return out;
});
