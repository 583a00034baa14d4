/**
 * Binary frame for one finished rectangle of a job's image (a normalize tile, a preview
 * strip, a strip of one of Compare's three images): a small little-endian header followed
 * by the rectangle's RGBA8 pixels. Used by Electron IPC and the WebSocket bridge alike, and
 * decoded in the renderer, so it uses only DataView/typed arrays (no Node Buffer).
 *
 * Layout: magic 'ELT2' | u32 index | u32 total | u32 x | u32 y | u32 w | u32 h |
 *         u32 imageWidth | u32 imageHeight | u32 layer | u16 jobIdLength | jobId utf8 |
 *         pad to 4 | RGBA8
 */
import type { TileFrame } from './contract';

/** The images of a compareFusion job, by the `layer` of their frames (other jobs have one image, layer 0). */
export const COMPARE_LAYERS = ['corrected', 'fusion', 'heatmap'] as const;

const MAGIC = 0x32544c45; // 'ELT2' read as little-endian u32
const FIELDS = 9;
const FIXED = 4 + FIELDS * 4 + 2;

export function encodeTileFrame(t: TileFrame): Uint8Array {
  const id = new TextEncoder().encode(t.jobId);
  const headerLen = Math.ceil((FIXED + id.length) / 4) * 4;
  if (t.rgba.length !== t.w * t.h * 4) throw new Error(`tile frame: ${t.rgba.length} bytes for a ${t.w}x${t.h} RGBA tile`);
  const out = new Uint8Array(headerLen + t.rgba.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC, true);
  const fields = [t.index, t.total, t.x, t.y, t.w, t.h, t.imageWidth, t.imageHeight, t.layer];
  fields.forEach((v, i) => dv.setUint32(4 + i * 4, v, true));
  dv.setUint16(FIXED - 2, id.length, true);
  out.set(id, FIXED);
  out.set(t.rgba, headerLen);
  return out;
}

export function decodeTileFrame(bytes: Uint8Array): TileFrame {
  if (bytes.length < FIXED) throw new Error('tile frame: too short');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, true) !== MAGIC) throw new Error('tile frame: bad magic');
  const f = (i: number) => dv.getUint32(4 + i * 4, true);
  const idLen = dv.getUint16(FIXED - 2, true);
  const headerLen = Math.ceil((FIXED + idLen) / 4) * 4;
  const jobId = new TextDecoder().decode(bytes.subarray(FIXED, FIXED + idLen));
  const w = f(4);
  const h = f(5);
  const rgba = bytes.subarray(headerLen);
  if (rgba.length !== w * h * 4) throw new Error(`tile frame: ${rgba.length} pixel bytes for a ${w}x${h} tile`);
  return { jobId, layer: f(8), index: f(0), total: f(1), x: f(2), y: f(3), w, h, imageWidth: f(6), imageHeight: f(7), rgba };
}
