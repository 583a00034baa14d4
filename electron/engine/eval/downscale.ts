/**
 * Area (box) downscale of an RgbFloat so its long side is at most `maxSide`; images that
 * already fit are returned as they are. Eval compares methods at a bounded size so a
 * 36 MP bracket costs the same order of time as a 0.15 MP one.
 */
import type { RgbFloat } from '../image/types';

function axisWeights(n: number, m: number): { k0: Int32Array; k1: Int32Array; w: Float32Array[] } {
  const s = n / m;
  const k0 = new Int32Array(m);
  const k1 = new Int32Array(m);
  const w: Float32Array[] = [];
  for (let i = 0; i < m; i++) {
    const a = i * s;
    const b = (i + 1) * s;
    k0[i] = Math.floor(a);
    k1[i] = Math.min(n, Math.ceil(b));
    const wi = new Float32Array(k1[i] - k0[i]);
    for (let k = k0[i]; k < k1[i]; k++) wi[k - k0[i]] = (Math.min(b, k + 1) - Math.max(a, k)) / s;
    w.push(wi);
  }
  return { k0, k1, w };
}

export function downscaleToMaxSide(image: RgbFloat, maxSide: number): RgbFloat {
  const { width: W, height: H, data } = image;
  const scale = maxSide / Math.max(W, H);
  if (scale >= 1) return image;
  const w = Math.max(1, Math.round(W * scale));
  const h = Math.max(1, Math.round(H * scale));
  const ax = axisWeights(W, w);
  const ay = axisWeights(H, h);
  const tmp = new Float32Array(H * w * 3);
  for (let y = 0; y < H; y++) {
    for (let i = 0; i < w; i++) {
      let r = 0;
      let g = 0;
      let b = 0;
      const wi = ax.w[i];
      for (let k = ax.k0[i]; k < ax.k1[i]; k++) {
        const p = (y * W + k) * 3;
        const c = wi[k - ax.k0[i]];
        r += c * data[p];
        g += c * data[p + 1];
        b += c * data[p + 2];
      }
      const o = (y * w + i) * 3;
      tmp[o] = r;
      tmp[o + 1] = g;
      tmp[o + 2] = b;
    }
  }
  const out = new Float32Array(w * h * 3);
  for (let j = 0; j < h; j++) {
    const wj = ay.w[j];
    for (let k = ay.k0[j]; k < ay.k1[j]; k++) {
      const c = wj[k - ay.k0[j]];
      const src = k * w * 3;
      const dst = j * w * 3;
      for (let i = 0; i < w * 3; i++) out[dst + i] += c * tmp[src + i];
    }
  }
  return { width: w, height: h, data: out };
}
