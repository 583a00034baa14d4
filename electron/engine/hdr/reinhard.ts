// Tone mapping of linear radiance maps to displayable 0..1 images.
//  - tonemapReinhardDevlin: Reinhard & Devlin 2005 as OpenCV 4.6 TonemapReinhard(gamma,
//    intensity, light_adapt, color_adapt) implements it (photo/src/tonemap.cpp): linear
//    min/max normalisation, grey = 0.299 R + 0.587 G + 0.114 B, key from log grey, per-channel
//    c / (c + (e^-intensity * adapt)^m), a final min/max normalisation and 1/gamma power.
//  - tonemapReinhardGlobal: the global photographic operator of Reinhard et al. 2002.
import type { RgbFloat } from '../image/types';
import { linearToSrgbExact } from '../image/srgb';
import { reinhardKernel, type LinearMap, type ReinhardPasses } from './reinhard-wasm';

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
 * arrays and a grey plane, and most of the time. Without light adaptation (fusion's setting)
 * the passes run in the WebAssembly kernel where it loads (reinhard-wasm.ts: the same values
 * bit for bit).
 */
export function tonemapReinhardDevlin(hdr: RgbFloat, opts: ReinhardDevlinOptions = {}): RgbFloat {
  const kernel = (opts.lightAdapt ?? 1) === 0 ? reinhardKernel() : undefined;
  return tonemap(hdr, opts, kernel ?? scalarPasses);
}

/** tonemapReinhardDevlin in JavaScript alone (tests hold the two together). */
export function tonemapReinhardDevlinScalar(hdr: RgbFloat, opts: ReinhardDevlinOptions = {}): RgbFloat {
  return tonemap(hdr, opts, scalarPasses);
}

function tonemap(hdr: RgbFloat, opts: ReinhardDevlinOptions, passes: ReinhardPasses): RgbFloat {
  const { gamma = 1, lightAdapt = 1, colorAdapt = 0 } = opts;
  const n = hdr.width * hdr.height;
  const f32 = Math.fround;
  // the first linear map: [min, max] of the clamped samples to [0, 1]
  const { min, max } = passes.minMax(hdr.data);
  const first: LinearMap = { min, range: max - min, scaled: max - min > Number.EPSILON };
  // the key, from log grey
  const s = passes.stats(hdr.data, first);
  const logMean = f32(s.logSum / n);
  const key = f32((s.logMax - logMean) / (s.logMax - s.logMin));
  const mapKey = f32(0.3 + 0.7 * key ** 1.4);
  const intensity = Math.exp(-(opts.intensity ?? 0));
  const greyMean = s.greySum / n;
  const global = s.chanSum.map((c) => colorAdapt * (c / n) + (1 - colorAdapt) * greyMean);
  // without light adaptation each channel's adaptation is one number: one power per channel
  const fixed = global.map((v) => (intensity * v) ** mapKey);
  // the curve, each sample c / (c + adapt^m), into the output (clamped as the second map reads it)
  const out = new Float32Array(n * 3);
  const { min: min2, max: max2 } = passes.curve(hdr.data, out, first, { global, fixed, intensity, mapKey, lightAdapt, colorAdapt });
  // the second linear map, then ^(1/gamma)
  passes.power(out, { min: min2, range: max2 - min2, scaled: max2 - min2 > Number.EPSILON }, 1 / gamma);
  return { width: hdr.width, height: hdr.height, data: out };
}

const grey = (r: number, g: number, b: number): number => Math.fround(r * 0.299 + g * 0.587 + b * 0.114);

const linearBy = ({ min, range, scaled }: LinearMap) => (v: number): number => (scaled ? Math.fround((floor1e6(v) - min) / range) : floor1e6(v));

const scalarPasses: ReinhardPasses = {
  minMax(src) {
    let min = Infinity, max = -Infinity;
    for (let i = 0; i < src.length; i++) {
      const v = floor1e6(src[i]);
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return { min, max };
  },
  stats(src, map) {
    const linear = linearBy(map);
    let logSum = 0, logMin = Infinity, logMax = -Infinity, greySum = 0;
    const chanSum: [number, number, number] = [0, 0, 0];
    for (let j = 0; j < src.length; j += 3) {
      const r = linear(src[j]), g = linear(src[j + 1]), b = linear(src[j + 2]);
      const y = grey(r, g, b);
      const l = Math.fround(Math.log(y < 1e-4 ? 1e-4 : y));
      logSum += l;
      if (l < logMin) logMin = l;
      if (l > logMax) logMax = l;
      greySum += y;
      chanSum[0] += r;
      chanSum[1] += g;
      chanSum[2] += b;
    }
    return { logSum, logMin, logMax, greySum, chanSum };
  },
  curve(src, out, map, { global, fixed, intensity, mapKey, lightAdapt, colorAdapt }) {
    const linear = linearBy(map);
    let min = Infinity, max = -Infinity;
    for (let j = 0; j < src.length; j += 3) {
      const r = linear(src[j]), g = linear(src[j + 1]), b = linear(src[j + 2]);
      const y = lightAdapt === 0 ? 0 : grey(r, g, b);
      for (let c = 0; c < 3; c++) {
        const v = c === 0 ? r : c === 1 ? g : b;
        let adapt = fixed[c];
        if (lightAdapt !== 0) {
          adapt = colorAdapt * v + (1 - colorAdapt) * y;
          adapt = (intensity * (lightAdapt * adapt + (1 - lightAdapt) * global[c])) ** mapKey;
        }
        const o = floor1e6(Math.fround(v / (adapt + v)));
        out[j + c] = o;
        if (o < min) min = o;
        if (o > max) max = o;
      }
    }
    return { min, max };
  },
  power(data, { min, range, scaled }, k) {
    // ^k as exp(log(x)·k): the same value to double precision, about twice as fast as ** in V8
    for (let i = 0; i < data.length; i++) {
      const u = scaled ? Math.fround((data[i] - min) / range) : data[i];
      data[i] = k === 1 ? u : u > 0 ? Math.exp(Math.log(u) * k) : 0;
    }
  },
};

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
