/**
 * Deep shadows smoothed before the curves lift them.
 *
 * A nearly black 8-bit frame holds its shadows in codes 0, 1 and 2: the scene's level lives in
 * how many neighbours sit at 1 rather than 0, and a pixel's colour in which channel happened to
 * round up. Lifted by the curves (one gain for R, G and B), a 0 stays black beside a 1 turned
 * grey, and (1, 0, 0) turns red: the speckled grey of the darkest frames. A small Gaussian in
 * linear light, blended in below a few codes of luminance, gives those pixels their
 * neighbourhood's level and colour; everything brighter is read as it is. Photos whose
 * transform lifts its deepest shadows by less than MIN_LIFT skip the step (their quantisation
 * does not show), so a well-exposed photo costs nothing more.
 *
 * The smoothing reads `RADIUS` rows beyond a band from the photo itself (mirrored only at the
 * photo's edges), so a band gives the same values as the whole photo: tiles stay seamless.
 *
 *   shadowSmoothing(t) -> boolean        whether this transform lifts deep shadows enough
 *   smoothShadowRows(src, inMax, width, height, y0, y1, srcRow0?)
 *     -> { values, changed } | undefined: rows y0..y1 in 0..1 as the curves should read them, and
 *        which of those rows differ from src at all; undefined when none does
 */
import { linearToSrgb, srgbToLinear, srgbToLinearExact } from '../image/srgb';
import * as applier from './curve-apply';
import { reflect101 } from '../image/reflect';

/** Rows (and columns) read beyond a band. The filter is the binomial [1 2 1]/4 each way, a
 * Gaussian of sigma 0.71 px in three taps: one step of quantisation noise, not detail (dev chose
 * sigma 0.7 over 1 and 1.5; MODEL_CARD). */
export const RADIUS = 1;
/** Fully smoothed at or below this smoothed luminance (sRGB-encoded), untouched at or above HI. */
export const LO = 2 / 255;
export const HI = 10 / 255;
/** Skip photos whose curves lift luminance HI by less than this: below it one input code stays
 * a step of a few output codes, and dev gained the same with 2 as with 8 (MODEL_CARD). */
export const MIN_LIFT = 8;

/** HI in linear light: a pixel at or above it (and so a neighbourhood of them) is never changed. */
export const LIN_HI = srgbToLinearExact(HI);
// module constants, not imports read in the loops (a bundler turns those into getters)
const LUMA_R = applier.LUMA_R;
const LUMA_G = applier.LUMA_G;
const LUMA_B = applier.LUMA_B;
const TOE_SLOPE = 12.92;
const TOE_END = 0.0031308;
/** linearToSrgb, the toe (where nearly every smoothed value lies) without the table's square root */
const encode = (v: number): number => (v <= TOE_END ? v * TOE_SLOPE : linearToSrgb(v));

let lin8: Float32Array | undefined;
let lin16: Float32Array | undefined;
/** Linear light of each code of 8- or 16-bit samples (undefined for float), built once. */
export function linTable(inMax: number): Float32Array | undefined {
  if (inMax === 255) return (lin8 ??= Float32Array.from({ length: 256 }, (_, i) => srgbToLinearExact(i / 255)));
  if (inMax === 65535) return (lin16 ??= Float32Array.from({ length: 65536 }, (_, i) => srgbToLinearExact(i / 65535)));
  return undefined;
}

/** The largest lift any grid cell's curve gives luminance HI. */
export function shadowLift(t: applier.CurveTransform): number {
  const { knots, curves } = t;
  const k = knots.length;
  let i = 0;
  while (i < k - 2 && knots[i + 1] <= HI) i++;
  const f = (HI - knots[i]) / (knots[i + 1] - knots[i]);
  let top = 0;
  for (let c = 0; c < t.gh * t.gw; c++) {
    const v = curves[c * k + i] + (curves[c * k + i + 1] - curves[c * k + i]) * f;
    if (v > top) top = v;
  }
  return top / HI;
}

export function shadowSmoothing(t: applier.CurveTransform): boolean {
  return shadowLift(t) >= MIN_LIFT;
}

type Samples = Float32Array | Uint8Array | Uint16Array | Uint8ClampedArray;

export interface SmoothedRows {
  /** rows y0..y1, interleaved RGB in 0..1 (src / inMax where unchanged) */
  values: Float32Array;
  /** 1 for each row of y0..y1 that holds a smoothed pixel */
  changed: Uint8Array;
}

// three rows of linear light and three of their horizontal pass, kept between calls
let ring = new Float32Array(0);

/** The [1 2 1]/4 pass along one row of interleaved RGB at `o` (mirrored at its ends), into `d`. */
function rowPass(src: Float32Array, o: number, dst: Float32Array, d: number, width: number): void {
  const n = width * 3;
  if (width === 1) {
    for (let c = 0; c < 3; c++) dst[d + c] = src[o + c];
    return;
  }
  for (let c = 0; c < 3; c++) {
    dst[d + c] = 0.5 * (src[o + c] + src[o + 3 + c]);
    dst[d + n - 3 + c] = 0.5 * (src[o + n - 3 + c] + src[o + n - 6 + c]);
  }
  for (let i = 3; i < n - 3; i++) dst[d + i] = 0.5 * src[o + i] + 0.25 * (src[o + i - 3] + src[o + i + 3]);
}

/**
 * Rows y0..y1 of the photo as the curves should read them, or undefined when no pixel there is
 * dark enough to change. `src` holds photo rows from `srcRow0` on and must include RADIUS rows
 * beyond y0..y1 wherever the photo has them. Only rows next to a dark pixel are filtered: the
 * smoothed luminance is a mean of its neighbours', so it can fall below HI only there. Rows are
 * streamed through a ring of three, which stays in cache. `into` (at least
 * (y1 − y0)·width·3 long) is written instead of a new array.
 */
export function smoothShadowRows(src: Samples, inMax: number, width: number, height: number, y0: number, y1: number, srcRow0 = 0, into?: Float32Array): SmoothedRows | undefined {
  const rowLen = width * 3;
  const table = linTable(inMax);
  const scale = 1 / inMax;
  if (ring.length < 6 * rowLen) ring = new Float32Array(6 * rowLen);
  const lin = ring;
  const hor = ring.subarray(3 * rowLen);
  const slot = (y: number): number => (y % 3) * rowLen;
  const dark = new Uint8Array(3);
  const horDone = new Int32Array(3).fill(-1);
  // linear light of photo row y into its slot; whether it holds a pixel below LIN_HI
  const linearise = (y: number): void => {
    let d = 0;
    for (let i = slot(y), s = (y - srcRow0) * rowLen, e = i + rowLen; i < e; i += 3, s += 3) {
      let r, g, b;
      if (table) {
        r = table[src[s]];
        g = table[src[s + 1]];
        b = table[src[s + 2]];
      } else {
        r = srgbToLinear(src[s] > 0 ? src[s] * scale : 0);
        g = srgbToLinear(src[s + 1] > 0 ? src[s + 1] * scale : 0);
        b = srgbToLinear(src[s + 2] > 0 ? src[s + 2] * scale : 0);
      }
      lin[i] = r;
      lin[i + 1] = g;
      lin[i + 2] = b;
      if (LUMA_R * r + LUMA_G * g + LUMA_B * b < LIN_HI) d = 1;
    }
    dark[y % 3] = d;
    horDone[y % 3] = -1;
  };
  const horRow = (y: number): number => {
    if (horDone[y % 3] !== y) {
      rowPass(lin, slot(y), hor, slot(y), width);
      horDone[y % 3] = y;
    }
    return slot(y);
  };
  const out = into ?? new Float32Array((y1 - y0) * rowLen);
  const changed = new Uint8Array(y1 - y0);
  let any = false;
  const first = Math.max(0, y0 - RADIUS);
  const last = Math.min(height, y1 + RADIUS); // rows first..last − 1 are read
  for (let y = first; y < Math.min(last, y0 + 1); y++) linearise(y);
  for (let y = y0; y < y1; y++) {
    if (y + 1 < last && y + 1 > y0) linearise(y + 1);
    const up = reflect101(y - 1, height);
    const dn = reflect101(y + 1, height);
    const s0 = (y - srcRow0) * rowLen;
    const o0 = (y - y0) * rowLen;
    if (!(dark[up % 3] | dark[y % 3] | dark[dn % 3])) {
      for (let c = 0; c < rowLen; c++) out[o0 + c] = src[s0 + c] * scale;
      continue;
    }
    const m = horRow(y);
    const u = horRow(up);
    const d = horRow(dn);
    const l0 = slot(y);
    let touched = 0;
    for (let c = 0; c < rowLen; c += 3) {
      const r = 0.5 * hor[m + c] + 0.25 * (hor[u + c] + hor[d + c]);
      const g = 0.5 * hor[m + c + 1] + 0.25 * (hor[u + c + 1] + hor[d + c + 1]);
      const b = 0.5 * hor[m + c + 2] + 0.25 * (hor[u + c + 2] + hor[d + c + 2]);
      const Y = LUMA_R * r + LUMA_G * g + LUMA_B * b;
      if (Y < LIN_HI) {
        // HI lies in sRGB's linear toe, so the luminance's encoding is a product there
        const e = Y * TOE_SLOPE;
        const al = e <= LO ? 1 : (HI - e) / (HI - LO);
        const l = l0 + c;
        out[o0 + c] = encode(lin[l] + al * (r - lin[l]));
        out[o0 + c + 1] = encode(lin[l + 1] + al * (g - lin[l + 1]));
        out[o0 + c + 2] = encode(lin[l + 2] + al * (b - lin[l + 2]));
        touched = 1;
      } else {
        out[o0 + c] = src[s0 + c] * scale;
        out[o0 + c + 1] = src[s0 + c + 1] * scale;
        out[o0 + c + 2] = src[s0 + c + 2] * scale;
      }
    }
    changed[y - y0] = touched;
    if (touched) any = true;
  }
  return any ? { values: out, changed } : undefined;
}
