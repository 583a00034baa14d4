// Tone mapping of linear radiance maps to displayable 0..1 images.
//  - tonemapReinhardDevlin: Reinhard & Devlin 2005 as OpenCV 4.6 TonemapReinhard(gamma,
//    intensity, light_adapt, color_adapt) implements it (photo/src/tonemap.cpp): linear
//    min/max normalisation, grey = 0.299 R + 0.587 G + 0.114 B, key from log grey, per-channel
//    c / (c + (e^-intensity * adapt)^m), a final min/max normalisation and 1/gamma power.
//  - tonemapReinhardGlobal: the global photographic operator of Reinhard et al. 2002.
import type { RgbFloat } from '../image/types';
import { linearToSrgbExact } from '../image/srgb';

export interface ReinhardDevlinOptions {
  gamma?: number;
  intensity?: number;
  lightAdapt?: number;
  colorAdapt?: number;
}

/** OpenCV's linear Tonemap clamps at 1e-6 before it maps [min, max] to [0, 1]. */
function floor1e6(v: number): number {
  return v < 1e-6 ? Math.fround(1e-6) : v;
}

/**
 * The same float32 steps as OpenCV's three passes (linear map, per-channel curve, linear map
 * and 1/gamma power), in fewer: the statistics first, then each sample once into the output
 * and once more in place. No intermediate image is kept: at 24 MP that was three 288 MB
 * arrays and a grey plane, and most of the time.
 */
export function tonemapReinhardDevlin(hdr: RgbFloat, opts: ReinhardDevlinOptions = {}): RgbFloat {
  const { gamma = 1, lightAdapt = 1, colorAdapt = 0 } = opts;
  const n = hdr.width * hdr.height;
  const src = hdr.data;
  const f32 = Math.fround;
  // the first linear map: [min, max] of the clamped samples to [0, 1]
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < src.length; i++) {
    const v = floor1e6(src[i]);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = max - min;
  const scaled = range > Number.EPSILON;
  const linear = (v: number): number => (scaled ? f32((floor1e6(v) - min) / range) : floor1e6(v));
  const grey = (r: number, g: number, b: number): number => f32(r * 0.299 + g * 0.587 + b * 0.114);
  // the key, from log grey
  let logSum = 0, logMin = Infinity, logMax = -Infinity, greySum = 0;
  const chanSum = [0, 0, 0];
  for (let j = 0; j < n * 3; j += 3) {
    const r = linear(src[j]), g = linear(src[j + 1]), b = linear(src[j + 2]);
    const y = grey(r, g, b);
    const l = f32(Math.log(y < 1e-4 ? 1e-4 : y));
    logSum += l;
    if (l < logMin) logMin = l;
    if (l > logMax) logMax = l;
    greySum += y;
    chanSum[0] += r;
    chanSum[1] += g;
    chanSum[2] += b;
  }
  const logMean = f32(logSum / n);
  const key = f32((logMax - logMean) / (logMax - logMin));
  const mapKey = f32(0.3 + 0.7 * key ** 1.4);
  const intensity = Math.exp(-(opts.intensity ?? 0));
  const greyMean = greySum / n;
  const global = chanSum.map((s) => colorAdapt * (s / n) + (1 - colorAdapt) * greyMean);
  // without light adaptation each channel's adaptation is one number: one power per channel
  const fixed = global.map((v) => (intensity * v) ** mapKey);
  // the curve, each sample c / (c + adapt^m), into the output (clamped as the second map reads it)
  const out = new Float32Array(n * 3);
  let min2 = Infinity, max2 = -Infinity;
  for (let j = 0; j < n * 3; j += 3) {
    const r = linear(src[j]), g = linear(src[j + 1]), b = linear(src[j + 2]);
    const y = lightAdapt === 0 ? 0 : grey(r, g, b);
    for (let c = 0; c < 3; c++) {
      const v = c === 0 ? r : c === 1 ? g : b;
      let adapt = fixed[c];
      if (lightAdapt !== 0) {
        adapt = colorAdapt * v + (1 - colorAdapt) * y;
        adapt = (intensity * (lightAdapt * adapt + (1 - lightAdapt) * global[c])) ** mapKey;
      }
      const o = floor1e6(f32(v / (adapt + v)));
      out[j + c] = o;
      if (o < min2) min2 = o;
      if (o > max2) max2 = o;
    }
  }
  // the second linear map, then ^(1/gamma) as exp(log(x) / gamma): the same value to double
  // precision and about twice as fast as ** in V8
  const range2 = max2 - min2;
  const scaled2 = range2 > Number.EPSILON;
  const k = 1 / gamma;
  for (let i = 0; i < out.length; i++) {
    const u = scaled2 ? f32((out[i] - min2) / range2) : out[i];
    out[i] = gamma === 1 ? u : u > 0 ? Math.exp(Math.log(u) * k) : 0;
  }
  return { width: hdr.width, height: hdr.height, data: out };
}

export interface ReinhardGlobalOptions {
  /** key value a (0.18 = middle grey) */
  key?: number;
  /** luminance mapped to white, in units of the scaled luminance; default: the scene maximum */
  white?: number;
}

/** Reinhard 2002 global operator on linear RGB; returns sRGB-encoded 0..1. */
export function tonemapReinhardGlobal(hdr: RgbFloat, opts: ReinhardGlobalOptions = {}): RgbFloat {
  const { key = 0.18 } = opts;
  const n = hdr.width * hdr.height;
  const d = hdr.data;
  const lum = new Float32Array(n);
  let logSum = 0;
  for (let p = 0, j = 0; p < n; p++, j += 3) {
    const l = Math.max(0, 0.2126 * d[j] + 0.7152 * d[j + 1] + 0.0722 * d[j + 2]);
    lum[p] = l;
    logSum += Math.log(1e-6 + l);
  }
  const scale = key / Math.exp(logSum / n);
  let maxL = 0;
  for (let p = 0; p < n; p++) maxL = Math.max(maxL, lum[p] * scale);
  const white = opts.white ?? maxL;
  const w2 = white > 0 ? white * white : 1;
  const out = new Float32Array(n * 3);
  for (let p = 0, j = 0; p < n; p++, j += 3) {
    const lm = lum[p] * scale;
    const ld = (lm * (1 + lm / w2)) / (1 + lm);
    const ratio = lum[p] > 0 ? ld / lum[p] : 0;
    for (let c = 0; c < 3; c++) out[j + c] = linearToSrgbExact(Math.min(1, Math.max(0, d[j + c] * ratio)));
  }
  return { width: hdr.width, height: hdr.height, data: out };
}
