/**
 * Worker thread of curve-apply-pool.ts: applies a transform to bands of a photo that lives
 * in a SharedArrayBuffer, in place or into a second shared buffer.
 *
 * (parent -> worker) { id, src, dst, srcBits, dstBits, width, y0, y1, t, io }
 * (worker -> parent) { id, ok: true } | { id, ok: false, message }
 */
import { parentPort } from 'node:worker_threads';
import { applyTransformRows, type CurveTransform, type PixelIo } from './curve-apply';

export interface BandRequest {
  id: number;
  src: SharedArrayBuffer;
  dst: SharedArrayBuffer;
  srcBits: 8 | 16;
  dstBits: 8 | 16;
  width: number;
  y0: number;
  y1: number;
  t: CurveTransform;
  io: PixelIo;
}

export function view(buf: SharedArrayBuffer, bits: 8 | 16): Uint8Array | Uint16Array {
  return bits === 8 ? new Uint8Array(buf) : new Uint16Array(buf);
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (r: BandRequest) => {
    try {
      applyTransformRows(view(r.src, r.srcBits), view(r.dst, r.dstBits), r.width, r.y0, r.y1, r.t, r.io);
      port.postMessage({ id: r.id, ok: true });
    } catch (err) {
      port.postMessage({ id: r.id, ok: false, message: err instanceof Error ? err.message : String(err) });
    }
  });
}
