/**
 * Exposure of each frame of a bracket in EV relative to the bracket's best-exposed frame,
 * and the EV buckets the evaluation reports by.
 *
 *   evFromMetadata(exposures) -> number[] | undefined   log2(t * ISO / N^2), when every frame has t
 *   evFromImages(images) -> number[]                      chained estimates between neighbours
 *   meanLuma(image) -> number                             mean sRGB-encoded Rec.709 luma
 *   bestExposedFrame(images) -> index
 *   frameEvs(images, exposures?, flags?) -> { ev, best, source }   ev relative to the best frame
 *   evBucket(ev) -> EvBucket
 *
 * "Best-exposed" is the frame whose mean sRGB luma is closest to 0.5: the frame a
 * photographer would pick as the "normal" exposure of the bracket. It is simple and
 * predictable; a Mertens-style well-exposedness score would favour the same frame on
 * ordinary scenes and is harder to reason about on back-lit ones.
 */
import { srgbToLinear, type RgbFloat } from '../engine';
import type { FrameExposure } from './scenes';

export const EV_BUCKETS = ['<=-3', '-3..-1', '-1..+1', '+1..+3', '>=+3'] as const;
export type EvBucket = (typeof EV_BUCKETS)[number];

/** ±1 and ±3 exactly (common bracket steps) land in the bucket nearer 0 / the outer bucket as the issue writes them. */
export function evBucket(ev: number): EvBucket {
  // metadata EVs are log2 of decimal times: 1e-6 keeps e.g. -2.9999999 in "<= -3"
  const e = Math.round(ev * 1e6) / 1e6;
  if (e <= -3) return '<=-3';
  if (e < -1) return '-3..-1';
  if (e <= 1) return '-1..+1';
  if (e < 3) return '+1..+3';
  return '>=+3';
}

/**
 * Absolute exposure log2(t * ISO / N^2) per frame: brightness in the image is proportional
 * to time and gain and inversely to the aperture area. ISO (or N) counts only when every
 * frame states it; otherwise it is assumed constant. Undefined when any frame lacks a time.
 */
export function evFromMetadata(exposures: readonly FrameExposure[]): number[] | undefined {
  if (!exposures.length || exposures.some((e) => e.timeS === null)) return undefined;
  const useIso = exposures.every((e) => e.iso !== null);
  const useN = exposures.every((e) => e.fNumber !== null);
  return exposures.map((e) => {
    let x = e.timeS as number;
    if (useIso) x *= e.iso as number;
    if (useN) x /= (e.fNumber as number) ** 2;
    return Math.log2(x);
  });
}

/** Mean over pixels of 0.2126 R + 0.7152 G + 0.0722 B on the sRGB-encoded values, clipped to 0..1. */
export function meanLuma(image: RgbFloat): number {
  const d = image.data;
  const n = image.width * image.height;
  let s = 0;
  const c = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);
  for (let j = 0; j < d.length; j += 3) s += 0.2126 * c(d[j]) + 0.7152 * c(d[j + 1]) + 0.0722 * c(d[j + 2]);
  return n ? s / n : 0;
}

export function bestExposedFrame(images: readonly RgbFloat[]): number {
  let best = 0;
  let bestD = Infinity;
  for (const [i, im] of images.entries()) {
    const d = Math.abs(meanLuma(im) - 0.5);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

// A pixel measures the exposure ratio only where neither frame clipped it (any channel
// above 0.92 sRGB, ~235/255, is near the shoulder of a camera curve) and both frames lift
// it clear of black level and noise (luma above 0.03 sRGB, ~8/255; higher floors measured
// worse on the shared brackets: they leave only the toe-free bright pixels of dark frames).
const CLIP = 0.92;
const DARK = 0.03;
/**
 * Camera tone curves are steeper in the mid-tones than the sRGB curve they sit on (an S-curve
 * on top of it), so sRGB-linearised ratios overstate exposure steps. On the 20 brackets with
 * exposure times in the shared data the overstatement is 1.03-1.55x, median ~1.39; a single
 * image pair cannot tell a curve's slope from an exposure ratio, so this typical slope is the
 * prior. It keeps the estimate within ~0.5 EV of the metadata over +-4 EV from the best frame.
 */
export const RESPONSE_CONTRAST = 1.4;
/** fewer usable pixels than this share of the frame: relax the thresholds to "not 0, not 255" */
const MIN_SHARE = 0.002;

/** Linear Rec.709 luminance per pixel, NaN where the pixel is clipped or too dark to measure. */
function usableLuminance(image: RgbFloat, clip: number, dark: number): Float32Array {
  const d = image.data;
  const n = image.width * image.height;
  const out = new Float32Array(n);
  for (let p = 0, j = 0; p < n; p++, j += 3) {
    const r = d[j], g = d[j + 1], b = d[j + 2];
    const luma = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    out[p] = Math.max(r, g, b) > clip || luma < dark ? NaN : 0.2126 * srgbToLinear(r) + 0.7152 * srgbToLinear(g) + 0.0722 * srgbToLinear(b);
  }
  return out;
}

function median(v: Float64Array): number {
  const s = v.slice().sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * log2 of how much brighter `b` is exposed than `a`: the median over pixels usable in both
 * of log2(Y_b / Y_a). A median of per-pixel ratios resists moving objects and the few
 * pixels a camera's tone curve bends most; it is undefined when no pixel is usable in both.
 */
export function evStep(a: RgbFloat, b: RgbFloat): number | undefined {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`evStep: size mismatch ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  const n = a.width * a.height;
  for (const [clip, dark] of [[CLIP, DARK], [254.5 / 255, 0.5 / 255]]) {
    const ya = usableLuminance(a, clip, dark);
    const yb = usableLuminance(b, clip, dark);
    const logs = new Float64Array(n);
    let k = 0;
    for (let p = 0; p < n; p++) {
      const x = ya[p], y = yb[p];
      if (x === x && y === y && x > 0 && y > 0) logs[k++] = Math.log2(y / x);
    }
    if (k >= Math.max(16, MIN_SHARE * n)) return median(logs.subarray(0, k)) / RESPONSE_CONTRAST;
  }
  return undefined;
}

/**
 * EV per frame estimated from the images alone, first frame = 0, chained between
 * neighbours (frames overlap most with their neighbours). A pair with nothing usable in
 * common (e.g. 6+ stops apart) falls back to the ratio of the frames' mean linear
 * luminance, which understates the step where the bright frame clips.
 */
export function evFromImages(images: readonly RgbFloat[]): number[] {
  const ev = [0];
  for (let i = 1; i < images.length; i++) {
    let step = evStep(images[i - 1], images[i]);
    if (step === undefined) {
      const mean = (im: RgbFloat): number => {
        let s = 0;
        const d = im.data;
        for (let j = 0; j < d.length; j += 3) s += 0.2126 * srgbToLinear(d[j]) + 0.7152 * srgbToLinear(d[j + 1]) + 0.0722 * srgbToLinear(d[j + 2]);
        return Math.max(s, 1e-9);
      };
      step = Math.log2(mean(images[i]) / mean(images[i - 1])) / RESPONSE_CONTRAST;
    }
    ev.push(ev[i - 1] + step);
  }
  return ev;
}

/** scene.json flags saying the listed times do not describe the pixels (see the data README) */
const UNTRUSTED_TIMES = ['flat_exposure_steps', 'reversed_exposure_steps', 'exposure_times_unknown'];

export interface FrameEvs {
  /** per frame, EV relative to the best-exposed frame */
  ev: number[];
  best: number;
  /** 'metadata': t * ISO / N^2 from scene.json; 'image': estimated from the pixels */
  source: 'metadata' | 'image';
}

export function frameEvs(images: readonly RgbFloat[], exposures?: readonly FrameExposure[], flags: readonly string[] = []): FrameEvs {
  const best = bestExposedFrame(images);
  const meta = exposures && exposures.length === images.length && !flags.some((f) => UNTRUSTED_TIMES.includes(f)) ? evFromMetadata(exposures) : undefined;
  const abs = meta ?? evFromImages(images);
  return { ev: abs.map((e) => e - abs[best]), best, source: meta ? 'metadata' : 'image' };
}
