/**
 * Classical auto-exposure, the baseline and the fallback when no model is present.
 *
 * 1. Metering (as darktable's auto exposure / RawTherapee's auto levels): luminance in
 *    linear light, optionally weighted by a mask (ROI). The mean of the log-average ("key",
 *    as in Reinhard's photographic operator) and the median is brought to 12.5% grey; the gain is limited
 *    to ±4 EV so a black frame is not amplified into noise.
 * 2. Exposure gain in linear light.
 * 3. Highlight shoulder on the max-RGB norm (hue preserving): identity below a knee,
 *    then a curve with slope 1 at the knee that maps the metered white point (99.5th
 *    percentile of max-RGB after gain, at least 1) exactly to 1. With no gain and no
 *    headroom the curve is the identity, so well exposed photos keep their highlights;
 *    RAW headroom above 1 is compressed into 0..1 instead of clipped.
 * 4. Mild shadow lift in sRGB: s + lift * s * (1 - s)^3 (zero at black and white).
 *
 *   meterExposure(image, weights?) -> Metering
 *   classicParams(metering, { target?, maxEv? }) -> ClassicParams
 *   applyClassic(image, params, { signal?, onStrip? }) -> Promise<RgbFloat>   (new image)
 */
import type { Plane, Rect, RgbFloat } from '../image/types';
import { throwIfAborted } from '../errors';
import * as srgb from '../image/srgb';

// Local bindings: module namespaces compiled by esbuild (tsx: tests, bench) are getters,
// which would be called per pixel and block inlining.
const srgbToLinear = srgb.srgbToLinear;
const linearToSrgb = srgb.linearToSrgb;
const luminance = srgb.luminance;

export interface Metering {
  /** weighted mean of log2 luminance (linear light) */
  log2Key: number;
  /** luminance median (linear) */
  median: number;
  /** 99.5th percentile of max(R,G,B) (linear) */
  whiteMax: number;
  samples: number;
}

export interface ClassicParams {
  ev: number;
  gain: number;
  knee: number;
  /** linear value (after gain) that the shoulder maps to 1 */
  white: number;
  lift: number;
}

const BINS = 2048;
const LOG_MIN = -16;
const LOG_MAX = 6;

function percentile(hist: Float64Array, total: number, p: number): number {
  let acc = 0;
  const want = total * p;
  for (let i = 0; i < BINS; i++) {
    acc += hist[i];
    if (acc >= want) return Math.pow(2, LOG_MIN + ((i + 0.5) / BINS) * (LOG_MAX - LOG_MIN));
  }
  return Math.pow(2, LOG_MAX);
}

const bin = (log2v: number) => Math.max(0, Math.min(BINS - 1, Math.floor(((log2v - LOG_MIN) / (LOG_MAX - LOG_MIN)) * BINS)));

/** Meters on about a million samples (a regular grid) whatever the photo size. */
export function meterExposure(image: RgbFloat, weights?: Plane): Metering {
  const { width: W, height: H, data } = image;
  if (weights && (weights.width !== W || weights.height !== H)) {
    throw new RangeError(`meterExposure: mask is ${weights.width}x${weights.height}, image ${W}x${H}`);
  }
  const step = Math.max(1, Math.floor(Math.sqrt((W * H) / 1e6)));
  const hY = new Float64Array(BINS);
  const hM = new Float64Array(BINS);
  let sumW = 0;
  let sumLog = 0;
  let samples = 0;
  for (let y = Math.floor(step / 2); y < H; y += step) {
    for (let x = Math.floor(step / 2); x < W; x += step) {
      const p = y * W + x;
      const w = weights ? weights.data[p] : 1;
      if (!(w > 0)) continue;
      const r = srgbToLinear(data[p * 3]);
      const g = srgbToLinear(data[p * 3 + 1]);
      const b = srgbToLinear(data[p * 3 + 2]);
      const l2 = Math.log2(Math.max(luminance(r, g, b), 1e-4));
      sumLog += w * l2;
      sumW += w;
      hY[bin(l2)] += w;
      hM[bin(Math.log2(Math.max(r, g, b, 1e-5)))] += w;
      samples++;
    }
  }
  if (sumW === 0) return { log2Key: Math.log2(0.18), median: 0.18, whiteMax: 1, samples: 0 };
  return { log2Key: sumLog / sumW, median: percentile(hY, sumW, 0.5), whiteMax: percentile(hM, sumW, 0.995), samples };
}

export function classicParams(m: Metering, opts: { target?: number; maxEv?: number } = {}): ClassicParams {
  // 12.5% linear (sRGB ~0.39): where reflected-light meters put an average scene (ISO 2720
  // K = 12.5); 18% over-brightens typical photos by about half a stop.
  const target = opts.target ?? 0.125;
  const maxEv = opts.maxEv ?? 4;
  // Half key, half median: the key alone is dragged by large black areas, the median alone
  // ignores how bright the brighter half is.
  const meter = 0.5 * m.log2Key + 0.5 * Math.log2(Math.max(m.median, 1e-4));
  const ev = Math.max(-maxEv, Math.min(maxEv, Math.log2(target) - meter));
  const gain = Math.pow(2, ev);
  return { ev, gain, knee: 0.6, white: Math.max(1, m.whiteMax * gain), lift: 0.08 };
}

/** Highlight shoulder on a linear value; identity when white == 1. */
export function shoulder(v: number, knee: number, white: number): number {
  if (v <= knee) return v;
  const L = (white - knee) / (1 - knee);
  const t = Math.min((v - knee) / (1 - knee), L);
  return knee + (1 - knee) * ((t * (1 + t / (L * L))) / (1 + t));
}

export interface ApplyOptions {
  signal?: AbortSignal;
  /** called per finished strip of rows (at most 224 rows) */
  onStrip?: (rect: Rect, pixels: RgbFloat) => void;
  /** write the result over `image` (each pixel is read before it is written) */
  inPlace?: boolean;
  /** the result's samples go here when not in place (normalize/index.ts `spare`) */
  spare?: Float32Array;
}

const lift = (s: number, amount: number) => {
  const inv = 1 - s;
  return s + amount * s * inv * inv * inv;
};

/** The per-pixel work, a plain function so V8 optimises the hot loop on its own. */
function applyRows(data: Float32Array, out: Float32Array, from: number, to: number, p: ClassicParams): void {
  const { gain, knee, white, lift: amount } = p;
  for (let i = from; i < to; i += 3) {
    const r = srgbToLinear(data[i]) * gain;
    const g = srgbToLinear(data[i + 1]) * gain;
    const b = srgbToLinear(data[i + 2]) * gain;
    const n = r > g ? (r > b ? r : b) : g > b ? g : b;
    const k = n > knee ? shoulder(n, knee, white) / n : 1;
    out[i] = lift(linearToSrgb(r > 0 ? r * k : 0), amount);
    out[i + 1] = lift(linearToSrgb(g > 0 ? g * k : 0), amount);
    out[i + 2] = lift(linearToSrgb(b > 0 ? b * k : 0), amount);
  }
}

export async function applyClassic(image: RgbFloat, p: ClassicParams, opts: ApplyOptions = {}): Promise<RgbFloat> {
  const { width: W, height: H, data } = image;
  const out = opts.inPlace ? data : (opts.spare ?? new Float32Array(data.length));
  const STRIP = 224;
  for (let y0 = 0; y0 < H; y0 += STRIP) {
    throwIfAborted(opts.signal);
    const y1 = Math.min(H, y0 + STRIP);
    applyRows(data, out, y0 * W * 3, y1 * W * 3, p);
    if (opts.onStrip) {
      opts.onStrip({ x: 0, y: y0, w: W, h: y1 - y0 }, { width: W, height: y1 - y0, data: out.slice(y0 * W * 3, y1 * W * 3) });
    }
    // let the event loop breathe between strips (the app stays responsive)
    await new Promise<void>((r) => setImmediate(r));
  }
  return { width: W, height: H, data: out };
}
