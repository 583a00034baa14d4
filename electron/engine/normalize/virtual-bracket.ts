/**
 * A prior on the network's curves from the frame itself: its virtual bracket.
 *
 * Evenlight is scored against a Mertens fusion of a real bracket, and a bracket's other frames
 * are, to a first approximation, this one pushed up and down in light and clipped. So the
 * Mertens fusion of such a virtual bracket of the thumbnail says where a fusion would put each
 * region. Its luminance is fitted to the transform's grid of curves and blended into the
 * network's: the network's level errors on unseen dark scenes are largest where this
 * hand-made answer is steadiest (MODEL_CARD, Architecture). Where the thumbnail holds no pixels
 * near a knot the fit keeps the network's curve; the colour step is the network's.
 * Twin: models/training/virtual_bracket.py (the parity test holds the two together).
 *
 *   virtualBracket(thumb, size)           -> the fused bracket (undefined for a frame at or above mid-grey)
 *   withVirtualBracket(vb, t)             -> t with its curves blended toward the fit to it
 *   fuseView(view, size), fitCurves(view, size, fused, t): the two steps, for the parity test
 *   fuseFrames(lin, size, kLo, kHi)       the fusion in JavaScript (the kernel virtual-bracket-wasm.ts runs where it loads)
 */
import { mertensFuseLuma } from '../hdr/mertens';
import type { RgbFloat } from '../image/types';
import { linearToSrgb, srgbToLinearExact } from '../image/srgb';
import { axisWeights, knotTables, LUMA_B, LUMA_G, LUMA_R, SEG_BINS, type CurveTransform } from './curve-apply';
import { bracketFuse } from './virtual-bracket-wasm';

/** mid-grey in light: the bracket spans SPAN stops either side of the push that brings the frame's geometric mean there */
export const MID = 0.18;
export const SPAN = 3;
/** the network's curve's pull on the fit, in (bilinear × knot-hat) pixel weights */
export const LAMBDA = 4;
/** how far the curves are blended toward the fit, faded in over FADE_STOPS of push (0 for a frame at or above mid-grey);
 * 4 stops, not 2, so that a well-exposed low-key photo is re-toned less (dev's photos +0.24 dB, its brackets −0.05: MODEL_CARD) */
export const WEIGHT = 0.5;
export const FADE = true;
export const FADE_STOPS = 4;
/** fused and fitted on the thumbnail area-halved */
export const HALF = true;

/** The thumbnail [1,3,size,size] area-halved (size even): the prior's view. */
export function halve(thumb: Float32Array, size: number): Float32Array {
  const h = size >> 1;
  const out = new Float32Array(3 * h * h);
  for (let c = 0; c < 3; c++) {
    const src = c * size * size;
    const dst = c * h * h;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < h; x++) {
        const i = src + 2 * y * size + 2 * x;
        out[dst + y * h + x] = (thumb[i] + thumb[i + 1] + thumb[i + size] + thumb[i + size + 1]) * 0.25;
      }
    }
  }
  return out;
}

/** The thumbnail [1,3,size,size] in light, and the stops that bring its geometric mean luminance (mean of R, G, B) to MID. */
export function pushOf(thumb: Float32Array, size: number): { lin: Float32Array; push: number } {
  const n = size * size;
  const lin = new Float32Array(3 * n);
  for (let i = 0; i < 3 * n; i++) lin[i] = srgbToLinearExact(Math.max(thumb[i], 0));
  let logSum = 0;
  for (let i = 0; i < n; i++) logSum += Math.log((lin[i] + lin[n + i] + lin[2 * n + i]) / 3 + 1e-4);
  return { lin, push: Math.log2(MID / Math.max(Math.exp(logSum / n), 1e-6)) };
}

/** The luminance of the view's virtual bracket fused: frames pushed 2^k in light, clipped, Mertens(1, 1, 1); and the push. */
export function fuseView(view: Float32Array, size: number, known = pushOf(view, size)): { fused: Float32Array; push: number } {
  const { lin, push } = known;
  const k0 = Math.floor(push + 0.5);
  const kLo = Math.min(0, k0 - SPAN);
  const kHi = Math.max(0, k0 + SPAN);
  const kernel = bracketFuse();
  return { fused: kernel ? kernel(lin, size, kLo, kHi) : fuseFrames(lin, size, kLo, kHi), push };
}

/** fuseView's fusion in JavaScript: planes `lin` (size×size, in light) pushed 2^k for k = kLo..kHi, encoded, fused; its luminance. */
export function fuseFrames(lin: Float32Array, size: number, kLo: number, kHi: number): Float32Array {
  const n = size * size;
  const frames: RgbFloat[] = [];
  for (let k = kLo; k <= kHi; k++) {
    const g = 2 ** k;
    const data = new Float32Array(3 * n);
    for (let i = 0, j = 0; i < n; i++, j += 3) {
      data[j] = linearToSrgb(Math.min(lin[i] * g, 1));
      data[j + 1] = linearToSrgb(Math.min(lin[n + i] * g, 1));
      data[j + 2] = linearToSrgb(Math.min(lin[2 * n + i] * g, 1));
    }
    frames.push({ width: size, height: size, data });
  }
  return mertensFuseLuma(frames, [LUMA_R, LUMA_G, LUMA_B]);
}

/**
 * The grid of curves that reads the thumbnail's luminance (as the applier reads it, white
 * balance included) as its virtual bracket's: each pixel's target split over its four cells and
 * two knots, a weighted mean per cell and knot pulled toward the network's curve by LAMBDA,
 * then made monotone (a running maximum along the knots).
 */
export function fitCurves(thumb: Float32Array, size: number, fused: Float32Array, t: CurveTransform): Float32Array {
  const cells = new Int32Array(4);
  const ws = new Float64Array(4);
  const { gh, gw, knots } = t;
  const K = knots.length;
  const { invDx, seg } = knotTables(knots);
  const n = size * size;
  const rows = axisWeights(size, gh);
  const cols = axisWeights(size, gw);
  const wsum = new Float64Array(gh * gw * K);
  const tsum = new Float64Array(gh * gw * K);
  for (let py = 0; py < size; py++) {
    const r0 = rows.i0[py], r1 = rows.i1[py], fy = rows.f[py];
    for (let px = 0; px < size; px++) {
      const i = py * size + px;
      const R = Math.max(thumb[i], 0), G = Math.max(thumb[n + i], 0), B = Math.max(thumb[2 * n + i], 0);
      let wr = t.wb[0], wg = t.wb[1], wb = t.wb[2];
      const y0 = LUMA_R * R + LUMA_G * G + LUMA_B * B;
      if (y0 < t.darkWb) {
        const q = y0 / t.darkWb;
        const e = (1 - q * q) ** 2;
        wr += (t.wbDark[0] - wr) * e;
        wg += (t.wbDark[1] - wg) * e;
        wb += (t.wbDark[2] - wb) * e;
      }
      const y = Math.min(Math.max(LUMA_R * R * wr + LUMA_G * G * wg + LUMA_B * B * wb, 0), 1);
      const target = Math.min(Math.max(fused[i], 0), 1);
      // the segment of the knots holding y, looked up as the applier does (y = 1 extends the last one)
      let s = y >= 1 ? K - 2 : seg[(y * SEG_BINS) | 0];
      if (s < K - 2 && y >= knots[s + 1]) s++;
      const tk = (y - knots[s]) * invDx[s];
      const c0 = cols.i0[px], c1 = cols.i1[px], fx = cols.f[px];
      cells[0] = (r0 * gw + c0) * K;
      cells[1] = (r0 * gw + c1) * K;
      cells[2] = (r1 * gw + c0) * K;
      cells[3] = (r1 * gw + c1) * K;
      ws[0] = (1 - fy) * (1 - fx);
      ws[1] = (1 - fy) * fx;
      ws[2] = fy * (1 - fx);
      ws[3] = fy * fx;
      for (let c = 0; c < 4; c++) {
        const a = cells[c] + s;
        const w0 = ws[c] * (1 - tk);
        const w1 = ws[c] * tk;
        wsum[a] += w0;
        tsum[a] += w0 * target;
        wsum[a + 1] += w1;
        tsum[a + 1] += w1 * target;
      }
    }
  }
  const curves = new Float32Array(gh * gw * K);
  for (let c = 0; c < gh * gw; c++) {
    let top = -Infinity;
    for (let k = 0; k < K; k++) {
      const a = c * K + k;
      top = Math.max(top, (tsum[a] + LAMBDA * t.curves[a]) / (wsum[a] + LAMBDA));
      curves[a] = top;
    }
  }
  return curves;
}

/** A photo's virtual bracket, fused before the network's answer is known (it needs only the thumbnail). */
export interface VirtualBracket {
  view: Float32Array;
  size: number;
  fused: Float32Array;
  /** how far the curves are blended toward the fit */
  weight: number;
}

/**
 * The thumbnail's [1,3,size,size] virtual bracket, fused on the thumbnail area-halved when HALF
 * (a quarter of the work; the fit is to a 14×14 grid of smooth curves either way); undefined
 * for a frame at or above mid-grey when FADE, where the blend's weight is 0.
 */
export function virtualBracket(thumb: Float32Array, size: number): VirtualBracket | undefined {
  const view = HALF ? halve(thumb, size) : thumb;
  const side = HALF ? size >> 1 : size;
  const known = pushOf(view, side);
  if (FADE && known.push <= 0) return undefined; // nothing to fuse
  const { fused, push } = fuseView(view, side, known);
  return { view, size: side, fused, weight: WEIGHT * (FADE ? Math.min(push / FADE_STOPS, 1) : 1) };
}

/** t with its curves blended vb.weight of the way toward the fit to the virtual bracket (t itself without one). */
export function withVirtualBracket(vb: VirtualBracket | undefined, t: CurveTransform): CurveTransform {
  if (!vb) return t;
  const curves = fitCurves(vb.view, vb.size, vb.fused, t);
  const out = new Float32Array(curves.length);
  for (let i = 0; i < out.length; i++) out[i] = t.curves[i] + vb.weight * (curves[i] - t.curves[i]);
  return { ...t, curves: out };
}
