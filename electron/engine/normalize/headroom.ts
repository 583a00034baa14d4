/**
 * RAW highlight headroom for the network.
 *
 * The model sees sRGB in 0..1. A RAW decode can reach well above 1 (sky, lamps); clamping
 * each channel at 1 before the network throws that detail away and, where only some
 * channels clip, shifts hue (a blue sky turns cyan). Instead the whole photo is scaled in
 * linear light so that its 99.9th-percentile brightest channel lands at 1: the network
 * sees the highlights unclipped (just darker) and its exposure correction brings the
 * mid-tones back up. Photos without headroom (JPEG, PNG) get scale 1 and pass unchanged.
 *
 *   headroomScale(image, quantile?) -> linear gain in (0, 1]
 *   applyLinearGain(v, gain) -> sRGB value of v with its linear light multiplied by gain
 *   linearGainCurve(gain) -> the same as a function of v, fast enough for per-sample loops,
 *     with its table (GainCurve)
 */
import type { RgbFloat } from '../image/types';
import { linearToSrgb, linearToSrgbExact, srgbToLinear } from '../image/srgb';

const BINS = 4096;

/** Linear gain (≤ 1) that maps the given quantile of per-pixel max channel to 1. */
export function headroomScale(image: RgbFloat, quantile = 0.999): number {
  const d = image.data;
  const n = image.width * image.height;
  let top = 0;
  // sample at most ~1 M pixels: the quantile of a big photo needs no more
  const step = Math.max(1, Math.floor(n / 1_000_000));
  for (let i = 0; i < n; i += step) {
    const m = Math.max(d[i * 3], d[i * 3 + 1], d[i * 3 + 2]);
    if (m > top) top = m;
  }
  if (!(top > 1)) return 1;
  const hist = new Uint32Array(BINS + 1);
  let count = 0;
  for (let i = 0; i < n; i += step) {
    const m = Math.max(0, d[i * 3], d[i * 3 + 1], d[i * 3 + 2]);
    hist[Math.min(BINS, Math.floor((m / top) * BINS))]++;
    count++;
  }
  const want = quantile * count;
  let acc = 0;
  let bin = BINS;
  for (let b = 0; b <= BINS; b++) {
    acc += hist[b];
    if (acc >= want) {
      bin = b;
      break;
    }
  }
  const q = Math.min(top, ((bin + 1) / BINS) * top);
  return q > 1 ? 1 / srgbToLinear(q) : 1;
}

export function applyLinearGain(v: number, gain: number): number {
  return gain === 1 ? v : linearToSrgb(srgbToLinear(v) * gain);
}

const CURVE_STEPS = 65536;

/** applyLinearGain(·, gain) as a function, with the table it reads (SIMD kernels read the same one). */
export interface GainCurve {
  (v: number): number;
  gain: number;
  /** table[i] = applyLinearGain(i / scale); CURVE_STEPS + 2 entries */
  table: Float32Array;
  /** the table covers 0..top; the exact formula runs from top up */
  top: number;
  scale: number;
}

/**
 * applyLinearGain(·, gain) as a table with linear interpolation over [0, v1], v1 being the
 * value the gain maps to 1 — everything but the brightest 0.1 % of a photo, by
 * headroomScale's construction — and the exact formula elsewhere. Values above 1 would
 * otherwise take two pow() calls per sample, which made a RAW photo's inference
 * preparation cost more than the inference. Error below 1e-5 (tested).
 */
export function linearGainCurve(gain: number): GainCurve {
  if (gain === 1) return (identity ??= gainCurve(1));
  return gainCurve(gain);
}

// most photos have no headroom: their curve (and its table) is made once
let identity: GainCurve | undefined;

function gainCurve(gain: number): GainCurve {
  const top = gain === 1 ? 1 : linearToSrgbExact(1 / gain);
  const table = new Float32Array(CURVE_STEPS + 2);
  for (let i = 0; i <= CURVE_STEPS + 1; i++) table[i] = applyLinearGain((i / CURVE_STEPS) * top, gain);
  const scale = CURVE_STEPS / top;
  const map =
    gain === 1
      ? (v: number): number => v
      : (v: number): number => {
          if (!(v >= 0 && v < top)) return applyLinearGain(v, gain);
          const f = v * scale;
          const i = f | 0;
          const a = table[i];
          return a + (table[i + 1] - a) * (f - i);
        };
  return Object.assign(map, { gain, table, top, scale });
}
