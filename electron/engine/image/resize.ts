/**
 * Area (box) resampling: each output pixel averages the exact source footprint it covers.
 * Used to fit photos into a working size (the editor, eval) and, through `areaWeights`,
 * for the model's 224×224 thumbnail.
 */
import type { RgbFloat } from './types';

export interface AxisWeights {
  /** first source index of each output sample */
  k0: Int32Array;
  /** weights of source samples k0 .. k0 + w.length - 1; they sum to 1 */
  w: Float32Array[];
}

/** 1-D area weights from n source samples onto m output samples (down- or up-scaling). */
export function areaWeights(n: number, m: number): AxisWeights {
  const s = n / m;
  const k0 = new Int32Array(m);
  const w: Float32Array[] = [];
  for (let i = 0; i < m; i++) {
    const a = i * s;
    const b = (i + 1) * s;
    k0[i] = Math.floor(a);
    const k1 = Math.min(n, Math.ceil(b));
    const wi = new Float32Array(Math.max(1, k1 - k0[i]));
    for (let k = k0[i]; k < k1; k++) wi[k - k0[i]] = (Math.min(b, k + 1) - Math.max(a, k)) / s;
    w.push(wi);
  }
  return { k0, w };
}

/** Area downscale to width × height (separable: rows, then columns). */
export function areaResize(image: RgbFloat, width: number, height: number): RgbFloat {
  const { width: W, height: H, data } = image;
  if (width === W && height === H) return image;
  if (width > W || height > H) throw new RangeError(`areaResize: ${W}x${H} -> ${width}x${height} is not a downscale`);
  const ax = areaWeights(W, width);
  const ay = areaWeights(H, height);
  const tmp = new Float32Array(H * width * 3);
  for (let y = 0; y < H; y++) {
    for (let i = 0; i < width; i++) {
      let r = 0;
      let g = 0;
      let b = 0;
      const wi = ax.w[i];
      for (let k = 0; k < wi.length; k++) {
        const p = (y * W + ax.k0[i] + k) * 3;
        r += wi[k] * data[p];
        g += wi[k] * data[p + 1];
        b += wi[k] * data[p + 2];
      }
      const o = (y * width + i) * 3;
      tmp[o] = r;
      tmp[o + 1] = g;
      tmp[o + 2] = b;
    }
  }
  const out = new Float32Array(width * height * 3);
  const rowLen = width * 3;
  for (let j = 0; j < height; j++) {
    const wj = ay.w[j];
    const dst = j * rowLen;
    for (let k = 0; k < wj.length; k++) {
      const c = wj[k];
      const src = (ay.k0[j] + k) * rowLen;
      for (let i = 0; i < rowLen; i++) out[dst + i] += c * tmp[src + i];
    }
  }
  return { width, height, data: out };
}

/**
 * The size that fits inside `maxSide` (long side exactly maxSide, the short one rounded as
 * sharp's `fit: inside` does, so a working image lines up with a JPEG preview of the same
 * photo); a size that fits, or maxSide <= 0 (no limit), comes back as it is.
 */
export function fitInside(width: number, height: number, maxSide: number): { width: number; height: number } {
  if (maxSide <= 0 || Math.max(width, height) <= maxSide) return { width, height };
  const s = maxSide / Math.max(width, height);
  return width >= height ? { width: maxSide, height: Math.max(1, Math.round(height * s)) } : { width: Math.max(1, Math.round(width * s)), height: maxSide };
}

/** Area downscale so the long side is at most `maxSide` (fitInside); images that fit come back as they are. */
export function downscaleToMaxSide(image: RgbFloat, maxSide: number): RgbFloat {
  const size = fitInside(image.width, image.height, maxSide);
  return size.width === image.width && size.height === image.height ? image : areaResize(image, size.width, size.height);
}
