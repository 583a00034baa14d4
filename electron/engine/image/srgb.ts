/**
 * sRGB transfer function, fast: look-up tables with linear interpolation on 0..1, the
 * exact formula outside (negative values, RAW headroom above 1). The error stays below
 * one 16-bit code value.
 */
const N = 4096;
const toLin = new Float32Array(N + 2);
const toSrgb = new Float32Array(N + 2);

export function srgbToLinearExact(v: number): number {
  if (v <= 0.04045) return v / 12.92;
  return Math.pow((v + 0.055) / 1.055, 2.4);
}
export function linearToSrgbExact(v: number): number {
  if (v <= 0.0031308) return v * 12.92;
  return 1.055 * Math.pow(v, 1 / 2.4) - 0.055;
}
for (let i = 0; i <= N + 1; i++) toLin[i] = srgbToLinearExact(i / N);
// linear->sRGB is steep near 0: index by sqrt(v) so the table is dense there.
for (let i = 0; i <= N + 1; i++) toSrgb[i] = linearToSrgbExact((i / N) * (i / N));

/** srgbToLinear's table (indexed by v · SRGB_TABLE_N on 0..1, linear between entries), for kernels that mirror it. */
export const SRGB_TO_LINEAR_TABLE: Readonly<Float32Array> = toLin;
/** linearToSrgb's table (indexed by √v · SRGB_TABLE_N, linear between entries), for kernels that mirror it. */
export const LINEAR_TO_SRGB_TABLE: Readonly<Float32Array> = toSrgb;
export const SRGB_TABLE_N = N;

export function srgbToLinear(v: number): number {
  if (!(v >= 0 && v < 1)) return srgbToLinearExact(v);
  const f = v * N;
  const i = f | 0;
  const a = toLin[i];
  return a + (toLin[i + 1] - a) * (f - i);
}

export function linearToSrgb(v: number): number {
  if (!(v >= 0 && v < 1)) return linearToSrgbExact(v);
  const f = Math.sqrt(v) * N;
  const i = f | 0;
  const a = toSrgb[i];
  return a + (toSrgb[i + 1] - a) * (f - i);
}

/**
 * Decoded RAW codes 0..maxval (linear light) to sRGB-encoded floats after `gain`, the exact
 * curve: 0 at and below black, and above 1 the same curve goes on (highlight headroom is
 * kept, never clipped). The one table both RAW decoders (dcraw.ts, libraw-wasm-worker.ts) use.
 */
export function linearToSrgbLut(maxval: number, gain: number): Float32Array {
  const lut = new Float32Array(maxval + 1);
  for (let i = 0; i <= maxval; i++) {
    const v = (i / maxval) * gain;
    lut[i] = v <= 0 ? 0 : linearToSrgbExact(v);
  }
  return lut;
}

/** Rec. 709 luminance of linear RGB. */
export function luminance(r: number, g: number, b: number): number {
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
