/**
 * Worker thread of curve-apply-pool.ts: applies a transform to one band of a photo, sent as
 * its own (transferred) buffer, and sends the band back the same way.
 *
 * (parent -> worker) { id, band, outBits, width, y0, y1, t, io }   band: 8- or 16-bit samples of rows y0..y1
 * (worker -> parent) { id, ok: true, band } | { id, ok: false, message }
 */
import { parentPort } from 'node:worker_threads';
import { applyTransformRows, type CurveTransform, type PixelIo } from './curve-apply';

export interface BandRequest {
  id: number;
  band: Uint8Array | Uint16Array;
  outBits: 8 | 16;
  width: number;
  y0: number;
  y1: number;
  t: CurveTransform;
  io: PixelIo;
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (r: BandRequest) => {
    try {
      const inBits = r.band instanceof Uint8Array ? 8 : 16;
      // in place when the depth stays, else into a band of the output's depth
      const out = r.outBits === inBits ? r.band : r.outBits === 8 ? new Uint8Array(r.band.length) : new Uint16Array(r.band.length);
      applyTransformRows(r.band, out, r.width, r.y0, r.y1, r.t, { ...r.io, bufferRow0: r.y0 });
      port.postMessage({ id: r.id, ok: true, band: out }, [out.buffer as ArrayBuffer]);
    } catch (err) {
      port.postMessage({ id: r.id, ok: false, message: err instanceof Error ? err.message : String(err) });
    }
  });
}
