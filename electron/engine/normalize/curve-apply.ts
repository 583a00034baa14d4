/**
 * The v2 model's transform, applied to full-resolution pixels. The network (run once per
 * photo on a 224×224 thumbnail) predicts a grid of tone curves on luminance and a bounded
 * global colour step; this applies them, per pixel, in one pass. Its PyTorch twin is
 * models/training/applier.py (training scores the network through it; a parity test holds
 * the two together).
 *
 * Per pixel (sRGB-encoded values in 0..1, RAW headroom above 1 allowed):
 *   c = rgb·(wb + (wbDark − wb)·e(Y₀)), Y₀ = luma(rgb), e(Y₀) = (1 − (Y₀ / darkWb)²)² below darkWb
 *   and 0 above: the dark end of a camera JPEG has a channel balance of its own (black clipping,
 *   the camera's toe), which one gain for R, G and B would carry into the brightened result as a
 *   cast (compact, so pixels above darkWb cost one comparison);
 *   Y = luma(c);  f = the cell curves around the pixel at Y (bilinear between
 *   cell centres, piecewise linear between knots, linear past the last knot);
 *   G = min(T(f) / T(max(Y, 1e-6)), 1 / max(T(c))), one gain in light (T below);
 *   out = f + s·(E(G·T(c)) − f), clamped to 0..1,
 *   s = sat + (satDark − sat)·d(Y), d(Y) = 1 / (1 + (Y / dark)²): the darkest input values get
 *   their own (global, bounded) saturation, so noise chroma is not amplified into a cast.
 * One gain for R, G and B keeps hue and keeps neutrals neutral; capping it at 1/max(T(c))
 * compresses highlights instead of clipping a channel (saturation is taken about f, the
 * luminance the curve asked for, so where the cap bit, s < 1 gives some of it back). The
 * result is a continuous function of position, so any tiling of the photo gives the same
 * pixels: no seams by construction.
 *
 * T (toLight) = e·(e + TOE)/(1 + TOE), E (fromLight) its inverse. A camera's encoding is near
 * linear at the black end and about gamma 2.2 above it, so a dark frame's channel ratios near
 * black are nearly the scene's uncompressed ones: one gain on encoded values would carry them
 * into the mid-tones as extra saturation and a hue pulled toward the strongest channel. The
 * gain in light keeps the scene's ratio. A pure power law would cancel out of the gain; only
 * the toe matters, and this one costs a square root per channel to undo, with no branch.
 *
 *   applyTransformRows(src, dst, width, y0, y1, t, io)   rows y0..y1 of an interleaved photo
 *   transformFromOutputs(curves, color, knots, gh, gw)   the ONNX outputs as a CurveTransform
 */
import type { GainCurve } from './headroom';

export const LUMA_R = 0.2126;
export const LUMA_G = 0.7152;
export const LUMA_B = 0.0722;
/** the scale of toLight's toe (applier.py's TOE; the parity test holds the two together) */
export const TOE = 0.3;
const ONE_T = 1 + TOE;
const INV_1T = 1 / ONE_T;
const TOE2 = TOE * TOE;
const FOUR_1T = 4 * ONE_T;

/** Encoded 0..1 (or above; ≥ 0) to light: e·(e + TOE)/(1 + TOE), near linear at black, 0 at 0, 1 at 1. */
export function toLight(e: number): number {
  return e * (e + TOE) * INV_1T;
}

/** toLight's inverse, for v ≥ 0. */
export function fromLight(v: number): number {
  return (Math.sqrt(TOE2 + FOUR_1T * v) - TOE) * 0.5;
}

export interface CurveTransform {
  /** grid rows and columns (cells cover the photo evenly; values sit at cell centres) */
  gh: number;
  gw: number;
  /** knot positions on the luminance axis, ascending, knots[0] = 0, knots[k-1] = 1 */
  knots: Float32Array;
  /** curve values, cell-major: curves[(row·gw + col)·k + knot] */
  curves: Float32Array;
  /** white-balance gains (R, G, B) and saturation */
  wb: [number, number, number];
  sat: number;
  /** saturation of the darkest input values (noise and JPEG chroma of a dark frame) */
  satDark: number;
  /** input luminance below which satDark takes over: d(Y) = 1 / (1 + (Y / dark)²) */
  dark: number;
  /** white-balance gains of the darkest input values (equal to wb when the model has none) */
  wbDark: [number, number, number];
  /** input luminance below which wbDark blends in: e(Y₀) = (1 − (Y₀ / darkWb)²)², 0 above darkWb */
  darkWb: number;
}

/** How the samples of a buffer map to 0..1 and back, and what else is folded into the pass. */
export interface PixelIo {
  /** full-scale value of the input samples: 255, 65535, or 1 for float */
  inMax: number;
  /** full-scale value of the output samples; integers are rounded */
  outMax: number;
  /** 0..1 blend with the input as it came (1 = the full correction) */
  strength?: number;
  /** per-sample map applied before the transform (RAW headroom fitted into range), float input only */
  pre?: GainCurve;
  /** the photo's full height: grid rows are placed by it (y0..y1 may be a band of it) */
  height: number;
  /** the photo row that `src`/`dst` start at, when they hold a band of it (default 0) */
  bufferRow0?: number;
  /** where the grid lies, when not over the whole photo (a metering region); outside it the edge cells hold */
  gridRect?: { x: number; y: number; w: number; h: number };
  /** rows y0..y1 as the curves read them, in 0..1 (deep shadows smoothed, shadow-smooth.ts); the strength blend still uses src */
  shadow?: Float32Array;
}

type Samples = Float32Array | Uint8Array | Uint16Array | Uint8ClampedArray;

/**
 * CumSum'd knot values [1,K,GH,GW] and colour as the network returns them: 6 values (wb, sat,
 * satDark, dark) or 10 (those, wbDark, darkWb).
 */
export function transformFromOutputs(curves: Float32Array, color: Float32Array, knots: ArrayLike<number>, gh: number, gw: number): CurveTransform {
  const k = knots.length;
  if (curves.length !== k * gh * gw) throw new RangeError(`curves have ${curves.length} values, expected ${k}×${gh}×${gw}`);
  if (color.length !== 6 && color.length !== 10) throw new RangeError(`colour has ${color.length} values, expected 6 or 10`);
  // NCHW [K,GH,GW] -> cell-major [GH,GW,K]: the per-pixel loop reads one cell's knots together
  const cm = new Float32Array(k * gh * gw);
  const plane = gh * gw;
  for (let c = 0; c < plane; c++) for (let j = 0; j < k; j++) cm[c * k + j] = curves[j * plane + c];
  const wb: [number, number, number] = [color[0], color[1], color[2]];
  const long = color.length === 10;
  return {
    gh, gw, knots: Float32Array.from(knots), curves: cm, wb, sat: color[3], satDark: color[4], dark: color[5],
    wbDark: long ? [color[6], color[7], color[8]] : wb, darkWb: long ? color[9] : 1,
  };
}

/** Segment lookup for non-uniform knots: a table over 0..1 gives the segment to within one. */
export const SEG_BINS = 4096;

export interface KnotTables {
  k: number;
  knots: Float32Array;
  invDx: Float32Array;
  seg: Uint8Array;
}

// keyed by value: a transform worker receives each band's transform as a fresh copy
const prepared = new Map<string, KnotTables>();

/** 1 / knot spacing per segment, and the segment of each of SEG_BINS + 1 bins over 0..1 (once per set of knots). */
export function knotTables(knots: Float32Array): KnotTables {
  const key = knots.join(',');
  let p = prepared.get(key);
  if (p) return p;
  if (prepared.size > 8) prepared.clear();
  const k = knots.length;
  const invDx = new Float32Array(k - 1);
  for (let j = 0; j < k - 1; j++) invDx[j] = 1 / (knots[j + 1] - knots[j]);
  const seg = new Uint8Array(SEG_BINS + 1);
  let j = 0;
  for (let b = 0; b <= SEG_BINS; b++) {
    const y = b / SEG_BINS;
    while (j < k - 2 && knots[j + 1] <= y) j++;
    seg[b] = j;
  }
  p = { k, knots, invDx, seg };
  prepared.set(key, p);
  return p;
}

/**
 * Bilinear position along one axis for pixels 0..size-1 of a grid of `cells` spread over
 * [offset, offset + span): lower cell, upper cell and weight of the upper.
 */
export function axisWeights(size: number, cells: number, offset = 0, span = size): { i0: Int32Array; i1: Int32Array; f: Float32Array } {
  const i0 = new Int32Array(size);
  const i1 = new Int32Array(size);
  const f = new Float32Array(size);
  for (let x = 0; x < size; x++) {
    let u = (x - offset + 0.5) * (cells / span) - 0.5;
    u = u < 0 ? 0 : u > cells - 1 ? cells - 1 : u;
    const a = Math.min(cells - 1, Math.floor(u));
    i0[x] = a;
    i1[x] = Math.min(cells - 1, a + 1);
    f[x] = u - a;
  }
  return { i0, i1, f };
}

// a photo is applied band by band: the per-column and per-row weights are computed once
const weightCache = new Map<string, ReturnType<typeof axisWeights>>();
function cachedWeights(size: number, cells: number, offset: number, span: number): ReturnType<typeof axisWeights> {
  const key = `${size}:${cells}:${offset}:${span}`;
  let w = weightCache.get(key);
  if (!w) {
    if (weightCache.size > 16) weightCache.clear();
    w = axisWeights(size, cells, offset, span);
    weightCache.set(key, w);
  }
  return w;
}

/** Bilinear weights of the transform's grid along the photo's columns and rows (io.gridRect, else the whole photo). */
export function gridAxes(width: number, t: CurveTransform, io: PixelIo): { cols: ReturnType<typeof axisWeights>; rows: ReturnType<typeof axisWeights> } {
  const gr = io.gridRect ?? { x: 0, y: 0, w: width, h: io.height };
  return { cols: cachedWeights(width, t.gw, gr.x, gr.w), rows: cachedWeights(io.height, t.gh, gr.y, gr.h) };
}

/**
 * Rows y0 (inclusive) to y1 (exclusive) of an interleaved RGB photo `width` wide, from `src`
 * to `dst` (the same buffer is fine: each pixel is read before it is written).
 */
export function applyTransformRows(src: Samples, dst: Samples, width: number, y0: number, y1: number, t: CurveTransform, io: PixelIo): void {
  const { k, knots, invDx, seg } = knotTables(t.knots);
  const { gw, curves, sat, satDark } = t;
  const invDark = 1 / t.dark;
  const oneSat = sat === satDark;
  const [wbR, wbG, wbB] = t.wb;
  // the dark balance's change from wb; a model without one skips its per-pixel work
  const dR = t.wbDark[0] - wbR;
  const dG = t.wbDark[1] - wbG;
  const dB = t.wbDark[2] - wbB;
  const oneWb = dR === 0 && dG === 0 && dB === 0;
  const invDarkWb = 1 / t.darkWb;
  const { cols, rows: rowW } = gridAxes(width, t, io);
  const { i0: ci0, i1: ci1, f: cf } = cols;
  // offsets of each column's two cells in the blended row, once per call, not per pixel
  const cell0 = new Int32Array(width);
  const cell1 = new Int32Array(width);
  for (let x = 0; x < width; x++) {
    cell0[x] = ci0[x] * k;
    cell1[x] = ci1[x] * k;
  }
  const row0 = io.bufferRow0 ?? 0;
  const row = new Float32Array(gw * k); // the grid's curves blended for this row
  const inScale = 1 / io.inMax;
  const outMax = io.outMax;
  const round = outMax !== 1;
  const s = io.strength ?? 1;
  const blend = s !== 1;
  const pre = io.pre;
  // integer samples are never negative: only float input needs the clamp at 0
  const shadow = io.shadow;
  const signed = src instanceof Float32Array || shadow !== undefined;
  const dSat = satDark - sat;
  const last = k - 2;
  for (let y = y0; y < y1; y++) {
    const r0 = rowW.i0[y] * gw * k;
    const r1 = rowW.i1[y] * gw * k;
    const fy = rowW.f[y];
    for (let j = 0; j < gw * k; j++) {
      const a = curves[r0 + j];
      row[j] = a + (curves[r1 + j] - a) * fy;
    }
    let p = (y - row0) * width * 3;
    for (let x = 0, q = (y - y0) * width * 3; x < width; x++, p += 3, q += 3) {
      // the strength blend is with the photo as it came, before the headroom map
      const inR = src[p] * inScale;
      const inG = src[p + 1] * inScale;
      const inB = src[p + 2] * inScale;
      let r = inR;
      let g = inG;
      let b = inB;
      if (shadow) {
        r = shadow[q];
        g = shadow[q + 1];
        b = shadow[q + 2];
      }
      if (pre) {
        r = pre(r);
        g = pre(g);
        b = pre(b);
      }
      if (signed) {
        r = r > 0 ? r : 0;
        g = g > 0 ? g : 0;
        b = b > 0 ? b : 0;
      }
      if (oneWb) {
        r *= wbR;
        g *= wbG;
        b *= wbB;
      } else {
        const q0 = (LUMA_R * r + LUMA_G * g + LUMA_B * b) * invDarkWb;
        if (q0 < 1) {
          const a = 1 - q0 * q0;
          const e = a * a;
          r *= wbR + dR * e;
          g *= wbG + dG * e;
          b *= wbB + dB * e;
        } else {
          r *= wbR;
          g *= wbG;
          b *= wbB;
        }
      }
      const Y = LUMA_R * r + LUMA_G * g + LUMA_B * b;
      let i = Y >= 1 ? last : seg[(Y * SEG_BINS) | 0];
      if (i < last && Y >= knots[i + 1]) i++;
      const tt = (Y - knots[i]) * invDx[i];
      const c0 = cell0[x] + i;
      const c1 = cell1[x] + i;
      const left = row[c0] + (row[c0 + 1] - row[c0]) * tt;
      const right = row[c1] + (row[c1 + 1] - row[c1]) * tt;
      const f = left + (right - left) * cf[x];
      // light as e·(e + TOE): toLight without its 1/(1 + TOE), which cancels from the gain and
      // goes into the cap (gain·light ≤ 1 + TOE) and the way back: E = (√(TOE² + 4·gain·light) − TOE)/2
      const Yc = Y > 1e-6 ? Y : 1e-6;
      const lY = Yc * (Yc + TOE);
      const lf = f * (f + TOE);
      // gain = T(f) / T(Y) and the saturation's 1 / (1 + (Y / dark)²) from one division
      let gain;
      let sp = sat;
      if (oneSat) gain = lf / lY;
      else {
        const q = Y * invDark;
        const u = 1 + q * q;
        const inv = 1 / (lY * u);
        gain = lf * u * inv;
        sp += dSat * lY * inv;
      }
      const lR = r * (r + TOE);
      const lG = g * (g + TOE);
      const lB = b * (b + TOE);
      const m = lR > lG ? (lR > lB ? lR : lB) : lG > lB ? lG : lB;
      if (gain * m > ONE_T) gain = ONE_T / m; // (m > 0 here) the brightest channel lands at 1
      // f + sp·(E − f), with the constants of E taken out of the bracket
      const g4 = 4 * gain;
      const half = 0.5 * sp;
      const a0 = f - sp * (0.5 * TOE + f);
      let oR = a0 + half * Math.sqrt(TOE2 + g4 * lR);
      let oG = a0 + half * Math.sqrt(TOE2 + g4 * lG);
      let oB = a0 + half * Math.sqrt(TOE2 + g4 * lB);
      oR = oR > 0 ? (oR < 1 ? oR : 1) : 0;
      oG = oG > 0 ? (oG < 1 ? oG : 1) : 0;
      oB = oB > 0 ? (oB < 1 ? oB : 1) : 0;
      if (blend) {
        // the photo as it came may lie outside 0..1 (float input): clamp again
        oR = inR + s * (oR - inR);
        oG = inG + s * (oG - inG);
        oB = inB + s * (oB - inB);
        if (round) {
          oR = oR > 0 ? (oR < 1 ? oR : 1) : 0;
          oG = oG > 0 ? (oG < 1 ? oG : 1) : 0;
          oB = oB > 0 ? (oB < 1 ? oB : 1) : 0;
        }
      }
      if (round) {
        // round half up, as Math.round does for these non-negative values, without the call
        dst[p] = (oR * outMax + 0.5) | 0;
        dst[p + 1] = (oG * outMax + 0.5) | 0;
        dst[p + 2] = (oB * outMax + 0.5) | 0;
      } else {
        dst[p] = oR;
        dst[p + 1] = oG;
        dst[p + 2] = oB;
      }
    }
  }
}
