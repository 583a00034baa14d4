/**
 * The network's thumbnail of an 8-bit photo with the SIMD kernel wasm/area8.ts (loaded by
 * simd.ts): the same area weights as thumbnail.ts, summed columns first (see the kernel), each
 * thumbnail row's source rows copied into the module's memory in turn. At 36 MP about a sixth
 * of the JavaScript pass's time (`npm run bench -- simd`); equal to it but for float rounding.
 *
 *   areaResize8(data, width, rect, size, scale) -> Float32Array [1,3,size,size] | undefined (no kernel)
 */
import type { Rect } from '../image/types';
import { areaWeights } from '../image/resize';
import { loadSimd } from './simd';

type AreaRow8 = (...args: number[]) => void;

export function areaResize8(d: Uint8Array, width: number, r: Rect, size: number, scale: number): Float32Array | undefined {
  const module = loadSimd('area8');
  if (!module) return undefined;
  const areaRow8 = module.exports.areaRow8 as AreaRow8;
  const wx = areaWeights(r.w, size);
  const wy = areaWeights(r.h, size);
  const bytes = r.w * 3;
  const padded = (bytes + 15) & ~15;
  let maxRows = 0;
  for (const w of wy.w) maxRows = Math.max(maxRows, w.length);
  // rows (read up to 16 bytes past the last), acc16, accF, k0, count, wx first/inner/last, out
  const at = module.layout([maxRows * bytes + 16, 2 * padded, 4 * padded, 4 * size, 4 * size, 4 * size, 4 * size, 4 * size, 12 * size * size]);
  const [pRows, pAcc16, pAccF, pK0, pCount, pW0, pWi, pWl, pOut] = at;
  const buf = module.buffer;
  const k0 = new Int32Array(buf, pK0, size);
  const count = new Int32Array(buf, pCount, size);
  const w0 = new Float32Array(buf, pW0, size);
  const wi = new Float32Array(buf, pWi, size);
  const wl = new Float32Array(buf, pWl, size);
  for (let i = 0; i < size; i++) {
    const w = wx.w[i];
    k0[i] = wx.k0[i];
    count[i] = w.length;
    w0[i] = w[0];
    wi[i] = w.length > 2 ? w[1] : 0;
    wl[i] = w[w.length - 1];
  }
  const rows = new Uint8Array(buf, pRows, maxRows * bytes);
  for (let j = 0; j < size; j++) {
    const w = wy.w[j];
    const n = w.length;
    for (let k = 0; k < n; k++) {
      const from = ((r.y + wy.k0[j] + k) * width + r.x) * 3;
      rows.set(d.subarray(from, from + bytes), k * bytes);
    }
    areaRow8(pRows, n, bytes, w[0], n > 2 ? w[1] : 0, w[n - 1], pAcc16, pAccF, pK0, pCount, pW0, pWi, pWl, size, pOut + 12 * size * j, scale);
  }
  // interleaved rows -> planes
  const tmp = new Float32Array(buf, pOut, 3 * size * size);
  const out = new Float32Array(3 * size * size);
  const plane = size * size;
  for (let p = 0; p < plane; p++) {
    out[p] = tmp[p * 3];
    out[plane + p] = tmp[p * 3 + 1];
    out[2 * plane + p] = tmp[p * 3 + 2];
  }
  return out;
}
