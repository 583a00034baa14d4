/**
 * Worker thread of curve-apply-pool.ts: applies a transform to one band of a photo, sent as
 * its own (transferred) buffer, and answers with the band the same way (worker-rpc.ts).
 */
import { serveRequests } from '../worker-rpc';
import { applyTransformRows, type CurveTransform, type PixelIo } from './curve-apply';

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

serveRequests<BandRequest>(async (r, { transfer }) => {
  const inBits = r.band instanceof Uint8Array ? 8 : 16;
  // in place when the depth stays, else into a band of the output's depth
  const out = r.outBits === inBits ? r.band : r.outBits === 8 ? new Uint8Array(r.band.length) : new Uint16Array(r.band.length);
  applyTransformRows(r.band, out, r.width, r.y0, r.y1, r.t, { ...r.io, bufferRow0: r.y0 });
  transfer([out.buffer as ArrayBuffer]);
  return out;
});
