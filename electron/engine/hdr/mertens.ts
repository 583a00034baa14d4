// Exposure fusion (Mertens, Kautz, Van Reeth 2007) reproducing cv2.createMergeMertens()
// (OpenCV 4.6 photo/src/merge.cpp) for RGB-ordered input:
//  - contrast: |Laplacian| (3x3 [0 1 0; 1 -4 1; 0 1 0], reflect-101 border) of
//    grey = 0.299 R + 0.587 G + 0.114 B
//  - saturation: sqrt(sum_c (c - mean)^2) over R, G, B (OpenCV omits the 1/3 of a true std dev)
//  - well-exposedness: prod_c exp(-(c - 0.5)^2 / (2 * 0.2^2))
//  - weight = contrast^wc * saturation^ws * wellexp^we + 1e-12, normalised over the frames
//  - Laplacian pyramid of each frame blended with the Gaussian pyramid of its weight,
//    floor(log2(min(w, h))) levels, then collapsed.
// Defaults are the paper's weights (contrast 1, saturation 1, well-exposedness 1), as enfuse
// uses: OpenCV's own default (well-exposedness 0) drops the term that makes it *exposure*
// fusion. `fuse`, `eval`, compare-fusion and the model's training targets all use this one
// default so every score is against the same fusion; pass { exposure: 0 } for OpenCV's.
// Parity with cv2.createMergeMertens(1, 1, 1): >= 35 dB PSNR (tested, typically > 57 dB).
// Like OpenCV the result is unclamped float (it can leave 0..1 slightly); callers that
// encode it (fusion.ts) clip to 0..1 at output.
// (cv2 fed BGR arrays computes its grey with R and B weights swapped; our parity tests
// therefore feed OpenCV RGB-ordered arrays.)
import type { RgbFloat } from '../image/types';
import { throwIfAborted } from '../errors';
import { type FloatPlanes, gaussianPyramid, pyrUp } from './pyramid';
import { reflect101 } from '../image/reflect';

/** One set of default weights for every caller (fuse, eval, compare-fusion, training). */
export const MERTENS_DEFAULTS = { contrast: 1, saturation: 1, exposure: 1 } as const;

export interface MertensOptions {
  contrast?: number;
  saturation?: number;
  exposure?: number;
  signal?: AbortSignal;
  /** called with 0..1 as frames are weighted and blended */
  onProgress?: (fraction: number) => void;
}

/** Per-pixel Mertens weight of one frame (before normalisation). */
export function mertensWeight(img: RgbFloat, wc = 1, ws = 1, we = 1): Float32Array {
  const { width: w, height: h, data: d } = img;
  const n = w * h;
  const gray = new Float32Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 3) gray[i] = d[j] * 0.299 + d[j + 1] * 0.587 + d[j + 2] * 0.114;
  const out = new Float32Array(n);
  for (let y = 0; y < h; y++) {
    const up = reflect101(y - 1, h) * w;
    const dn = reflect101(y + 1, h) * w;
    const row = y * w;
    for (let x = 0; x < w; x++) {
      // reflect-101 neighbours without a call per pixel (w == 1 reflects onto itself)
      const l = x > 0 ? x - 1 : w > 1 ? 1 : 0;
      const r = x < w - 1 ? x + 1 : w > 1 ? w - 2 : 0;
      const i = row + x;
      let contrast = Math.abs(gray[up + x] + gray[row + l] - 4 * gray[i] + gray[row + r] + gray[dn + x]);
      const j = i * 3;
      const R = d[j], G = d[j + 1], B = d[j + 2];
      const mean = (R + G + B) / 3;
      const dr = R - mean, dg = G - mean, db = B - mean;
      let sat = Math.sqrt(dr * dr + dg * dg + db * db);
      // one exp of the summed exponents = product of the three per-channel gaussians
      const er = R - 0.5, eg = G - 0.5, eb = B - 0.5;
      let wexp = Math.exp(-(er * er + eg * eg + eb * eb) / 0.08);
      if (wc !== 1) contrast = contrast ** wc;
      if (ws !== 1) sat = sat ** ws;
      if (we !== 1) wexp = wexp ** we;
      out[i] = Math.fround(contrast * sat * wexp) + 1e-12;
    }
  }
  return out;
}

/** Number of pyramid levels above level 0, computed in float like OpenCV. */
export function mertensMaxLevel(width: number, height: number): number {
  return Math.trunc(Math.fround(Math.fround(Math.log(Math.min(width, height))) / Math.fround(Math.log(2))));
}

export function mertensFuse(images: RgbFloat[], opts: MertensOptions = {}): RgbFloat {
  const { width: w, height: h } = images[0] ?? { width: 0, height: 0 };
  const fused = mertensBlend(images, images.map((im) => im.data), 3, opts);
  return { width: w, height: h, data: fused };
}

/**
 * The luminance (luma weights r, g, b) of mertensFuse(images): the blend is linear per channel,
 * so blending each frame's luminance gives the same values (to float rounding) at a third of
 * the pyramid work (the virtual bracket's prior needs no more).
 */
export function mertensFuseLuma(images: RgbFloat[], luma: readonly [number, number, number], opts: MertensOptions = {}): Float32Array {
  const [lr, lg, lb] = luma;
  const planes = images.map((im) => {
    const d = im.data;
    const y = new Float32Array(d.length / 3);
    for (let i = 0, j = 0; i < y.length; i++, j += 3) y[i] = lr * d[j] + lg * d[j + 1] + lb * d[j + 2];
    return y;
  });
  return mertensBlend(images, planes, 1, opts);
}

/** Weights from `images` (RGB), normalised over the frames; blends `planes` (`channels` values a pixel) by them. */
function mertensBlend(images: RgbFloat[], planes: Float32Array[], channels: 1 | 3, opts: MertensOptions): Float32Array {
  if (images.length === 0) throw new Error('mertensFuse: no images');
  const { width: w, height: h } = images[0];
  for (const im of images) {
    if (im.width !== w || im.height !== h) throw new Error(`mertensFuse: frame size ${im.width}x${im.height} differs from ${w}x${h}`);
  }
  const { contrast = MERTENS_DEFAULTS.contrast, saturation = MERTENS_DEFAULTS.saturation, exposure = MERTENS_DEFAULTS.exposure, signal, onProgress } = opts;
  const n = w * h;
  const weights: Float32Array[] = [];
  const sum = new Float32Array(n);
  const steps = images.length * 2;
  let done = 0;
  for (const im of images) {
    throwIfAborted(signal);
    const wt = mertensWeight(im, contrast, saturation, exposure);
    for (let i = 0; i < n; i++) sum[i] += wt[i];
    weights.push(wt);
    onProgress?.(++done / steps);
  }
  const maxLevel = mertensMaxLevel(w, h);
  const cn = channels;
  let res: FloatPlanes[] | undefined;
  for (let k = 0; k < images.length; k++) {
    throwIfAborted(signal);
    const wt = weights[k];
    for (let i = 0; i < n; i++) wt[i] /= sum[i];
    const wPyr = gaussianPyramid({ width: w, height: h, channels: 1, data: wt }, maxLevel);
    weights[k] = new Float32Array(0); // release as we go
    const iPyr = gaussianPyramid({ width: w, height: h, channels: cn, data: planes[k] }, maxLevel);
    if (!res) res = iPyr.map((p) => ({ ...p, data: new Float32Array(p.data.length) }));
    for (let l = 0; l <= maxLevel; l++) {
      // Laplacian level = G_l - pyrUp(G_{l+1}); weighted straight into the result
      const g = iPyr[l];
      const up = l < maxLevel ? pyrUp(iPyr[l + 1], g.width, g.height).data : undefined;
      const wl = wPyr[l].data;
      const acc = res[l].data;
      const gd = g.data;
      if (cn === 3) {
        for (let p = 0, j = 0; p < wl.length; p++, j += 3) {
          const wv = wl[p];
          if (up) {
            acc[j] += (gd[j] - up[j]) * wv;
            acc[j + 1] += (gd[j + 1] - up[j + 1]) * wv;
            acc[j + 2] += (gd[j + 2] - up[j + 2]) * wv;
          } else {
            acc[j] += gd[j] * wv;
            acc[j + 1] += gd[j + 1] * wv;
            acc[j + 2] += gd[j + 2] * wv;
          }
        }
      } else if (up) {
        for (let p = 0; p < wl.length; p++) acc[p] += (gd[p] - up[p]) * wl[p];
      } else {
        for (let p = 0; p < wl.length; p++) acc[p] += gd[p] * wl[p];
      }
    }
    onProgress?.(++done / steps);
  }
  const pyr = res as FloatPlanes[];
  for (let l = maxLevel; l > 0; l--) {
    const up = pyrUp(pyr[l], pyr[l - 1].width, pyr[l - 1].height).data;
    const d = pyr[l - 1].data;
    for (let i = 0; i < d.length; i++) d[i] += up[i];
  }
  return pyr[0].data;
}
