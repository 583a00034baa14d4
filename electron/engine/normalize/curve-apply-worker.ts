/**
 * Worker thread of curve-apply-pool.ts: applies a transform to one band of a photo, sent as
 * its own (transferred) buffer, and answers with the band the same way (worker-rpc.ts).
 * 8-bit in and out runs the SIMD kernel (curve-apply-wasm.ts) where the install has it.
 */
import { serveRequests } from '../worker-rpc';
import { applyTransformRows, type CurveTransform, type PixelIo } from './curve-apply';
import { wasmKernel } from './curve-apply-wasm';

/** One band: 8- or 16-bit samples of rows y0..y1. */
export interface BandRequest {
  band: Uint8Array | Uint16Array;
  outBits: 8 | 16;
  width: number;
  y0: number;
  y1: number;
  t: CurveTransform;
  io: PixelIo;
}

// compiled as the worker starts, not with its first band
wasmKernel();

serveRequests<BandRequest>(async (r, { transfer }) => {
  const inBits = r.band instanceof Uint8Array ? 8 : 16;
  // in place when the depth stays, else into a band of the output's depth
  const out = r.outBits === inBits ? r.band : r.outBits === 8 ? new Uint8Array(r.band.length) : new Uint16Array(r.band.length);
  const io = { ...r.io, bufferRow0: r.y0 };
  const simd = inBits === 8 && r.outBits === 8 && !r.io.pre ? wasmKernel() : undefined;
  if (simd) simd.applyRows(r.band as Uint8Array, out as Uint8Array, r.width, r.y0, r.y1, r.t, io);
  else applyTransformRows(r.band, out, r.width, r.y0, r.y1, r.t, io);
  transfer([out.buffer as ArrayBuffer]);
  return out;
});
