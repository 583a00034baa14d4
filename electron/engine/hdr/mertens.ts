// Exposure fusion (Mertens, Kautz, Van Reeth 2007) reproducing cv2.createMergeMertens()
// (OpenCV 4.6 photo/src/merge.cpp) for RGB-ordered input:
//  - contrast: |Laplacian| (3x3 [0 1 0; 1 -4 1; 0 1 0], reflect-101 border) of
//    grey = 0.299 R + 0.587 G + 0.114 B
//  - saturation: sqrt(sum_c (c - mean)^2) over R, G, B (OpenCV omits the 1/3 of a true std dev)
//  - well-exposedness: prod_c exp(-(c - 0.5)^2 / (2 * 0.2^2))
//  - weight = contrast^wc * saturation^ws * wellexp^we + 1e-12, normalised over the frames
//  - Laplacian pyramid of each frame blended with the Gaussian pyramid of its weight,
//    floor(log2(min(w, h))) levels, then collapsed.
// Defaults are the paper's weights (contrast 1, saturation 1, well-exposedness 1): OpenCV's
// own default (well-exposedness 0) drops the term that makes it *exposure* fusion (enfuse 4.2
// defaults to contrast 0, saturation 0.2, exposure 1). `fuse`, `eval`, compare-fusion and the
// model's training targets all use this one default so every score is against the same
// fusion; pass { exposure: 0 } for OpenCV's.
// Parity with cv2.createMergeMertens(1, 1, 1): >= 35 dB PSNR (tested, typically > 57 dB).
// Like OpenCV the result is unclamped float (it can leave 0..1 slightly); callers that
// encode it (fusion.ts) clip to 0..1 at output.
// (cv2 fed BGR arrays computes its grey with R and B weights swapped; our parity tests
// therefore feed OpenCV RGB-ordered arrays.)
import type { Raster, RgbFloat } from '../image/types';
import { throwIfAborted } from '../errors';
import { type FloatPlanes, type PyramidOps, type SampleRows, gaussianPyramid, sampleRows, scalarPyramidOps } from './pyramid';
import { reflect101 } from '../image/reflect';
import { weightKernel } from './mertens-weight-wasm';
import { pyramidKernel } from './pyramid-wasm';

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

/**
 * A frame to fuse: float RGB, or the integer pixels a JPEG, PNG or TIFF decodes to. An
 * integer frame is read a row at a time as the floats intToFloat would give (bit-identical
 * results), so a bracket of 36 MP frames needs no 424 MB float copy of each.
 */
export type MertensFrame = RgbFloat | Raster;

/**
 * exp(−x) for x ≥ 0 from a table of exp(−i/256) and a cubic for the remainder r < 1/256
 * (relative error below 1e-11, so a weight stored as float32 almost always comes out the same):
 * Math.exp once a pixel was three fifths of the weights' time (1.3 of 2.1 s a 36 MP frame).
 * Beyond the table (a RAW's headroom, or NaN) Math.exp itself.
 */
const EXP_STEP = 256;
const EXP_MAX = 64;
let expTableOnce: Float64Array | undefined;

/** The table, built on the first fusion rather than at every process's start (4 ms). */
function expTable(): Float64Array {
  if (!expTableOnce) {
    expTableOnce = new Float64Array(EXP_MAX * EXP_STEP + 1);
    for (let i = 0; i < expTableOnce.length; i++) expTableOnce[i] = Math.exp(-i / EXP_STEP);
  }
  return expTableOnce;
}

export function expNeg(x: number, table = expTable()): number {
  if (!(x < EXP_MAX)) return Math.exp(-x);
  const f = x * EXP_STEP;
  const i = f | 0;
  const r = (f - i) / EXP_STEP;
  return table[i] * (1 - r * (1 - r * (0.5 - r / 6)));
}

/**
 * Per-pixel Mertens weight of one frame (before normalisation). The contrast term's grey is
 * kept for three rows only: at full resolution a whole grey plane is 141 MB more to fault in
 * and hold. Computed by the WebAssembly kernel where it loads (mertens-weight-wasm.ts; the same
 * weights bit for bit, at about a third of the time).
 */
export function mertensWeight(img: MertensFrame, wc = 1, ws = 1, we = 1, out: Float32Array = new Float32Array(img.width * img.height)): Float32Array {
  // the kernel takes the exponents 0 and 1 (the defaults, and OpenCV's)
  const kernel = [wc, ws, we].every((e) => e === 0 || e === 1) ? weightKernel() : undefined;
  if (kernel) {
    kernel(img, expTable(), [wc, ws, we], out);
    return out;
  }
  return mertensWeightScalar(img, wc, ws, we, out);
}

/** mertensWeight in JavaScript alone (where the kernel does not load, or for other exponents; tests hold the two together). */
export function mertensWeightScalar(img: MertensFrame, wc = 1, ws = 1, we = 1, out: Float32Array = new Float32Array(img.width * img.height)): Float32Array {
  const { width: w, height: h } = img;
  const rows = sampleRows(frameSamples(img));
  const table = expTable();
  const grays = [new Float32Array(w), new Float32Array(w), new Float32Array(w)];
  const tags = [-1, -1, -1];
  const grayRow = (y: number): Float32Array => {
    const g = grays[y % 3];
    if (tags[y % 3] !== y) {
      const d = rows(y);
      for (let x = 0, j = 0; x < w; x++, j += 3) g[x] = d[j] * 0.299 + d[j + 1] * 0.587 + d[j + 2] * 0.114;
      tags[y % 3] = y;
    }
    return g;
  };
  for (let y = 0; y < h; y++) {
    const gu = grayRow(reflect101(y - 1, h));
    const gd = grayRow(reflect101(y + 1, h));
    const g = grayRow(y);
    const row = y * w;
    const d = rows(y); // after the grey rows: a raster's rows share one buffer
    for (let x = 0; x < w; x++) {
      // reflect-101 neighbours without a call per pixel (w == 1 reflects onto itself)
      const l = x > 0 ? x - 1 : w > 1 ? 1 : 0;
      const r = x < w - 1 ? x + 1 : w > 1 ? w - 2 : 0;
      let contrast = Math.abs(gu[x] + g[l] - 4 * g[x] + g[r] + gd[x]);
      const j = x * 3;
      const R = d[j], G = d[j + 1], B = d[j + 2];
      const mean = (R + G + B) / 3;
      const dr = R - mean, dg = G - mean, db = B - mean;
      let sat = Math.sqrt(dr * dr + dg * dg + db * db);
      // one exp of the summed exponents = product of the three per-channel gaussians
      const er = R - 0.5, eg = G - 0.5, eb = B - 0.5;
      let wexp = expNeg((er * er + eg * eg + eb * eb) / 0.08, table);
      if (wc !== 1) contrast = contrast ** wc;
      if (ws !== 1) sat = sat ** ws;
      if (we !== 1) wexp = wexp ** we;
      out[row + x] = Math.fround(contrast * sat * wexp) + 1e-12;
    }
  }
  return out;
}

/** Number of pyramid levels above level 0, computed in float like OpenCV. */
export function mertensMaxLevel(width: number, height: number): number {
  return Math.trunc(Math.fround(Math.fround(Math.log(Math.min(width, height))) / Math.fround(Math.log(2))));
}

/**
 * The fusion; its pyramids in the WebAssembly kernel where it loads (pyramid-wasm.ts: the same
 * values bit for bit, each frame read as decoded).
 */
export function mertensFuse(images: MertensFrame[], opts: MertensOptions = {}): RgbFloat {
  return fuse(images, opts, pyramidKernel() ?? scalarPyramidOps);
}

/** mertensFuse with its pyramids in JavaScript alone (tests hold the two together). */
export function mertensFuseScalar(images: MertensFrame[], opts: MertensOptions = {}): RgbFloat {
  return fuse(images, opts, scalarPyramidOps);
}

function fuse(images: MertensFrame[], opts: MertensOptions, ops: PyramidOps): RgbFloat {
  const { width: w, height: h } = images[0] ?? { width: 0, height: 0 };
  const fused = mertensBlend(images, images.map(frameSamples), opts, ops);
  return { width: w, height: h, data: fused };
}

/** A frame's samples as decoded, for the pyramids. */
function frameSamples(f: MertensFrame): SampleRows {
  return { width: f.width, height: f.height, channels: 3, bits: 'bits' in f ? f.bits : 32, data: f.data };
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
    return { width: im.width, height: im.height, channels: 1, bits: 32, data: y } satisfies SampleRows;
  });
  return mertensBlend(images, planes, opts, pyramidKernel() ?? scalarPyramidOps);
}

/** Weights from `images` (RGB), normalised over the frames; blends the planes `planes` (1 or 3 values a pixel) by them. */
function mertensBlend(images: MertensFrame[], planes: SampleRows[], opts: MertensOptions, ops: PyramidOps): Float32Array {
  if (images.length === 0) throw new Error('mertensFuse: no images');
  const { width: w, height: h } = images[0];
  for (const im of images) {
    if (im.width !== w || im.height !== h) throw new Error(`mertensFuse: frame size ${im.width}x${im.height} differs from ${w}x${h}`);
  }
  const { contrast = MERTENS_DEFAULTS.contrast, saturation = MERTENS_DEFAULTS.saturation, exposure = MERTENS_DEFAULTS.exposure, signal, onProgress } = opts;
  const n = w * h;
  const weightOf = (k: number, into?: Float32Array): Float32Array => mertensWeight(images[k], contrast, saturation, exposure, into);
  // Two weight maps are kept, not one per frame: the first frame's, and the last frame's in the
  // buffer every later frame passes through; the frames between are weighed again when blended.
  // A weight costs less than the first touch of a fresh map (0.3-0.4 s against 0.7-0.9 s at 36 MP
  // here), so a long bracket saves 141 MB a frame at 36 MP at no cost in time.
  const last = images.length - 1;
  throwIfAborted(signal);
  const first = weightOf(0);
  const sum = first.slice(); // 0 + w0, as a sum from zero gives
  let later: Float32Array | undefined;
  const steps = images.length * 2;
  let done = 0;
  onProgress?.(++done / steps);
  for (let k = 1; k <= last; k++) {
    throwIfAborted(signal);
    later = weightOf(k, later);
    for (let i = 0; i < n; i++) sum[i] += later[i];
    onProgress?.(++done / steps);
  }
  const maxLevel = mertensMaxLevel(w, h);
  const cn = planes[0].channels;
  // the result pyramid; its level 0 becomes the fused image
  const res: FloatPlanes[] = [{ width: w, height: h, channels: cn, data: new Float32Array(n * cn) }];
  for (let l = 1; l <= maxLevel; l++) {
    const { width: pw, height: ph } = res[l - 1];
    const lw = (pw + 1) >> 1, lh = (ph + 1) >> 1;
    res.push({ width: lw, height: lh, channels: cn, data: new Float32Array(lw * lh * cn) });
  }
  // each frame's pyramids are built in the buffers of the one before
  let wPyr: FloatPlanes[] | undefined;
  let above: FloatPlanes[] = []; // the frame's Gaussian levels 1..maxLevel (level 0 is read through its rows)
  for (let k = 0; k < images.length; k++) {
    throwIfAborted(signal);
    const wt = k === 0 ? first : k === last && later ? later : weightOf(k, first); // frame 0's map is free again from frame 1
    for (let i = 0; i < n; i++) wt[i] /= sum[i];
    wPyr = gaussianPyramid({ width: w, height: h, channels: 1, data: wt }, maxLevel, wPyr, ops);
    const level0 = planes[k];
    const next: FloatPlanes[] = [];
    for (let l = 1; l <= maxLevel; l++) next.push(ops.pyrDown(l === 1 ? level0 : asSamples(next[l - 2]), above[l - 1]?.data));
    above = next;
    for (let l = 0; l <= maxLevel; l++) {
      // Laplacian level = G_l - pyrUp(G_{l+1}); weighted straight into the result, a row of
      // pyrUp at a time (the full-resolution plane is never built)
      ops.laplace(res[l].data, l === 0 ? level0 : asSamples(above[l - 1]), l < maxLevel ? above[l] : undefined, wPyr[l].data);
    }
    onProgress?.(++done / steps);
  }
  for (let l = maxLevel; l > 0; l--) ops.addUp(res[l - 1], res[l]);
  return res[0].data;
}

function asSamples(p: FloatPlanes): SampleRows {
  return { ...p, bits: 32 };
}
