/**
 * The network's input: the photo (or a rectangle of it) area-resized to size × size, ignoring
 * aspect, as planes [1,3,size,size] in 0..1 — the same resize as training's (area weights,
 * separable: rows, then columns).
 *
 *   areaResizeNchw(image, size, rect?, gain?, scale?) -> Float32Array [1,3,size,size], clamped 0..1
 */
import type { Rect } from '../image/types';
import { areaWeights } from '../image/resize';
import { linearGainCurve, type GainCurve } from './headroom';
import { areaResize8 } from './thumbnail-wasm';

/** Interleaved RGB samples of any depth; `scale` maps them to 0..1 (1/255 for 8-bit). */
export interface Interleaved {
  width: number;
  height: number;
  data: ArrayLike<number>;
}

export function areaResizeNchw(image: Interleaved, size: number, rect?: Rect, gain = 1, scale = 1): Float32Array {
  const r = rect ?? { x: 0, y: 0, w: image.width, h: image.height };
  const W = image.width;
  const d = image.data;
  // 8-bit samples: the SIMD kernel where the install has it
  const simd = gain === 1 && d instanceof Uint8Array ? areaResize8(d, W, r, size, scale) : undefined;
  if (simd) return simd;
  const wx = areaWeights(r.w, size);
  // horizontal pass: r.h rows × size columns × 3
  const tmp = new Float32Array(r.h * size * 3);
  // integer samples are in range by construction: plain sums, scaled once (the per-sample
  // gain call would cost more than the rest at 36 MP)
  if (gain === 1 && (d instanceof Uint8Array || d instanceof Uint16Array)) areaRowsInt(d, W, r, wx, size, tmp, scale);
  else areaRowsMapped(d, W, r, wx, size, tmp, linearGainCurve(gain), scale);
  return areaColumnsNchw(tmp, r.h, size);
}

/**
 * The thumbnail's horizontal pass on integer samples: inside a cell every source column has
 * the same weight (areaWeights gives every inner column 1/s, s source columns per cell), so
 * its samples are summed as integers and weighted once; only the two edge columns carry
 * their own fractional weights. Warm, at 36 MP, about a third of the generic loop's time; a
 * first call gains little.
 */
function areaRowsInt(d: Uint8Array | Uint16Array, W: number, r: Rect, wx: ReturnType<typeof areaWeights>, size: number, tmp: Float32Array, scale: number): void {
  for (let y = 0; y < r.h; y++) {
    const row = ((r.y + y) * W + r.x) * 3;
    for (let i = 0; i < size; i++) {
      const w = wx.w[i];
      const n = w.length;
      let p = row + wx.k0[i] * 3;
      const wa = w[0];
      let s0 = wa * d[p];
      let s1 = wa * d[p + 1];
      let s2 = wa * d[p + 2];
      if (n > 1) {
        let i0 = 0;
        let i1 = 0;
        let i2 = 0;
        for (let k = 1; k < n - 1; k++) {
          p += 3;
          i0 += d[p];
          i1 += d[p + 1];
          i2 += d[p + 2];
        }
        p += 3;
        const wi = n > 2 ? w[1] : 0;
        const wb = w[n - 1];
        s0 += wi * i0 + wb * d[p];
        s1 += wi * i1 + wb * d[p + 1];
        s2 += wi * i2 + wb * d[p + 2];
      }
      const o = (y * size + i) * 3;
      tmp[o] = s0 * scale;
      tmp[o + 1] = s1 * scale;
      tmp[o + 2] = s2 * scale;
    }
  }
}

/**
 * The horizontal pass on a float photo (RAW, the editor's working image; or samples with a
 * scale): each sample through RAW headroom's map, clamped to 0..1, with the map's table read
 * inline rather than called per sample (a third of the time at 9 MP). The map is monotone and
 * reaches 1 at its table's end, so what lies beyond is 1 and what lies below 0 (or is NaN) is 0.
 */
function areaRowsMapped(d: ArrayLike<number>, W: number, r: Rect, wx: ReturnType<typeof areaWeights>, size: number, tmp: Float32Array, curve: GainCurve, scale: number): void {
  const { table, top } = curve;
  const tableScale = curve.scale;
  const id = curve.gain === 1;
  const at = (sample: number): number => {
    const v = sample * scale;
    if (!(v > 0)) return 0;
    if (id) return v < 1 ? v : 1;
    if (v >= top) return 1;
    const f = v * tableScale;
    const i = f | 0;
    const a = table[i];
    const m = a + (table[i + 1] - a) * (f - i);
    return m < 1 ? m : 1;
  };
  for (let y = 0; y < r.h; y++) {
    const row = ((r.y + y) * W + r.x) * 3;
    for (let i = 0; i < size; i++) {
      const w = wx.w[i];
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      for (let k = 0, p = row + wx.k0[i] * 3; k < w.length; k++, p += 3) {
        const wk = w[k];
        s0 += wk * at(d[p]);
        s1 += wk * at(d[p + 1]);
        s2 += wk * at(d[p + 2]);
      }
      const o = (y * size + i) * 3;
      tmp[o] = s0;
      tmp[o + 1] = s1;
      tmp[o + 2] = s2;
    }
  }
}

/**
 * The vertical pass: `tmp` holds `rows` rows of the horizontal pass (size columns × 3,
 * interleaved) -> the network's input [1,3,size,size].
 */
function areaColumnsNchw(tmp: Float32Array, rows: number, size: number): Float32Array {
  const wy = areaWeights(rows, size);
  const out = new Float32Array(3 * size * size);
  const plane = size * size;
  for (let j = 0; j < size; j++) {
    const k0 = wy.k0[j];
    const w = wy.w[j];
    for (let i = 0; i < size; i++) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      for (let k = 0; k < w.length; k++) {
        const p = ((k0 + k) * size + i) * 3;
        s0 += w[k] * tmp[p];
        s1 += w[k] * tmp[p + 1];
        s2 += w[k] * tmp[p + 2];
      }
      out[j * size + i] = s0;
      out[plane + j * size + i] = s1;
      out[2 * plane + j * size + i] = s2;
    }
  }
  return out;
}
