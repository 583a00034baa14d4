/**
 * Colour cast of a result against a reference, in CIELAB (D65, 2° observer, from sRGB):
 * on the reference's near-neutral mid-tones (chroma < 8, 15 < L* < 95) the magnitude of
 * the mean (a*, b*) shift of the result, |(mean(a_out - a_ref), mean(b_out - b_ref))|.
 * Grey things that the reference shows grey and the result tints are what a viewer notices
 * first; saturated or near-black/near-white pixels would measure hue noise instead.
 *
 *   srgbToLab(r, g, b) -> [L, a, b]                      one pixel, sRGB-encoded 0..1
 *   labFromSrgb(data) -> Float32Array (L, a, b interleaved)
 *   neutralMidtones(lab, limits?) -> Uint32Array          pixel indices of the mask
 *   castReference(ref) -> CastReference                   mask + mean (a, b) of the reference
 *   castAgainst(out, reference) -> CastResult
 *   colourCast(out, ref) -> CastResult                    both steps at once
 *
 * Like PSNR and SSIM (image/quantize.ts) the images are compared as the 8-bit sRGB a
 * viewer sees: values are clipped to 0..1 and rounded to 8 bits first.
 */
import type { RgbFloat } from '../image/types';
import { srgbToLinearExact } from '../image/srgb';
import { to8bit } from '../image/quantize';

// sRGB primaries, D65 (IEC 61966-2-1); the white point is the matrix's row sums so that
// R = G = B gives a* = b* = 0 exactly
const M = [0.4124564, 0.3575761, 0.1804375, 0.2126729, 0.7151522, 0.072175, 0.0193339, 0.119192, 0.9503041] as const;
const XN = M[0] + M[1] + M[2];
const YN = M[3] + M[4] + M[5];
const ZN = M[6] + M[7] + M[8];
const EPS = (6 / 29) ** 3;
const KAPPA = 1 / (3 * (6 / 29) ** 2);

/** 8-bit code -> linear light, exact transfer function. */
const LIN8 = Float64Array.from({ length: 256 }, (_, i) => srgbToLinearExact(i / 255));

function f(t: number): number {
  return t > EPS ? Math.cbrt(t) : t * KAPPA + 4 / 29;
}

function labOfLinear(r: number, g: number, b: number, out: Float64Array | Float32Array, o: number): void {
  const fx = f((M[0] * r + M[1] * g + M[2] * b) / XN);
  const fy = f((M[3] * r + M[4] * g + M[5] * b) / YN);
  const fz = f((M[6] * r + M[7] * g + M[8] * b) / ZN);
  out[o] = 116 * fy - 16;
  out[o + 1] = 500 * (fx - fy);
  out[o + 2] = 200 * (fy - fz);
}

/** CIELAB of one sRGB-encoded pixel (0..1, not quantised; values outside 0..1 are clipped). */
export function srgbToLab(r: number, g: number, b: number): [number, number, number] {
  const c = (v: number): number => srgbToLinearExact(Math.min(1, Math.max(0, v)));
  const out = new Float64Array(3);
  labOfLinear(c(r), c(g), c(b), out, 0);
  return [out[0], out[1], out[2]];
}

/** CIELAB of interleaved sRGB data, after 8-bit quantisation (see header). */
export function labFromSrgb(data: Float32Array): Float32Array {
  const out = new Float32Array(data.length);
  for (let j = 0; j < data.length; j += 3) {
    labOfLinear(LIN8[to8bit(data[j])], LIN8[to8bit(data[j + 1])], LIN8[to8bit(data[j + 2])], out, j);
  }
  return out;
}

export interface NeutralLimits {
  maxChroma: number;
  minL: number;
  maxL: number;
}
export const NEUTRAL_MIDTONES: NeutralLimits = { maxChroma: 8, minL: 15, maxL: 95 };

/** Indices of the pixels with chroma < maxChroma and minL < L* < maxL. */
export function neutralMidtones(lab: Float32Array, limits: NeutralLimits = NEUTRAL_MIDTONES): Uint32Array {
  const n = lab.length / 3;
  const idx = new Uint32Array(n);
  let k = 0;
  const c2 = limits.maxChroma * limits.maxChroma;
  for (let p = 0, j = 0; p < n; p++, j += 3) {
    const L = lab[j], a = lab[j + 1], b = lab[j + 2];
    if (L > limits.minL && L < limits.maxL && a * a + b * b < c2) idx[k++] = p;
  }
  return idx.slice(0, k);
}

export interface CastReference {
  width: number;
  height: number;
  /** pixels of the mask */
  idx: Uint32Array;
  /** mean a*, b* of the reference over the mask */
  a: number;
  b: number;
}

export interface CastResult {
  /** |(da, db)|; NaN when the reference has no near-neutral mid-tones */
  cast: number;
  da: number;
  db: number;
  /** mask size in pixels */
  n: number;
}

/** Mean (a*, b*) over the given pixels of sRGB data, converting only those pixels. */
function meanAb(data: Float32Array, idx: Uint32Array): [number, number] {
  const lab = new Float64Array(3);
  let sa = 0, sb = 0;
  for (let k = 0; k < idx.length; k++) {
    const j = idx[k] * 3;
    labOfLinear(LIN8[to8bit(data[j])], LIN8[to8bit(data[j + 1])], LIN8[to8bit(data[j + 2])], lab, 0);
    sa += lab[1];
    sb += lab[2];
  }
  return [sa / idx.length, sb / idx.length];
}

export function castReference(ref: RgbFloat, limits: NeutralLimits = NEUTRAL_MIDTONES): CastReference {
  const idx = neutralMidtones(labFromSrgb(ref.data), limits);
  const [a, b] = idx.length ? meanAb(ref.data, idx) : [NaN, NaN];
  return { width: ref.width, height: ref.height, idx, a, b };
}

/** mean(x_out - x_ref) = mean(x_out) - mean(x_ref) over the same pixels: the reference's means are kept. */
export function castAgainst(out: RgbFloat, ref: CastReference): CastResult {
  if (out.width !== ref.width || out.height !== ref.height) {
    throw new Error(`colour cast: size mismatch ${out.width}x${out.height} vs ${ref.width}x${ref.height}`);
  }
  if (!ref.idx.length) return { cast: NaN, da: NaN, db: NaN, n: 0 };
  const [a, b] = meanAb(out.data, ref.idx);
  const da = a - ref.a, db = b - ref.b;
  return { cast: Math.hypot(da, db), da, db, n: ref.idx.length };
}

export function colourCast(out: RgbFloat, ref: RgbFloat, limits: NeutralLimits = NEUTRAL_MIDTONES): CastResult {
  return castAgainst(out, castReference(ref, limits));
}
