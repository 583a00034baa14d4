/**
 * AssemblyScript (built with the other kernels by `npm run build:wasm`, loaded by
 * ../mertens-weight-wasm.ts): mertens.ts's mertensWeight, a row at a time, the same float64
 * steps in the same order (sqrt is exact in both; the exp reads the same table), so every
 * weight is the JavaScript's bit for bit. Scalar WebAssembly; what it saves is V8's per-sample
 * overhead on typed arrays, and reading a frame's rows twice (the rows stay here, three of them,
 * with their grey).
 *
 * Memory (laid out by the caller): three row slots of RGB f32[w·3] at rgbPtr and their grey
 * f32[w] at greyPtr; a source row at srcPtr (u8, u16 or f32 samples) and, for integers, its
 * table of floats at lutPtr (the values rasterRows gives); the exp table f64[EXP_MAX·256 + 1]
 * (mertens.ts's) at expPtr; one row of weights f32[w] at outPtr.
 */

const EXP_STEP: f64 = 256;
const EXP_MAX: f64 = 64;

/** mertens.ts's expNeg. */
@inline function expNeg(x: f64, expPtr: usize): f64 {
  if (!(x < EXP_MAX)) return Math.exp(-x);
  const f = x * EXP_STEP;
  const i = <i32>f;
  const r = (f - <f64>i) / EXP_STEP;
  return load<f64>(expPtr + (<usize>i << 3)) * (1 - r * (1 - r * (0.5 - r / 6)));
}

/** The row in slot's RGB floats -> its grey, as mertensWeight's grayRow computes it. */
function grey(rgbPtr: usize, greyPtr: usize, w: i32, slot: i32): void {
  const rgb = rgbPtr + <usize>slot * <usize>w * 12;
  const g = greyPtr + <usize>slot * <usize>w * 4;
  for (let x = 0; x < w; x++) {
    const p = rgb + <usize>x * 12;
    store<f32>(g + (<usize>x << 2), <f32>(<f64>load<f32>(p) * 0.299 + <f64>load<f32>(p + 4) * 0.587 + <f64>load<f32>(p + 8) * 0.114));
  }
}

/** A source row of 8-bit samples into slot, through the table. */
export function rowU8(srcPtr: usize, lutPtr: usize, rgbPtr: usize, greyPtr: usize, w: i32, slot: i32): void {
  const dst = rgbPtr + <usize>slot * <usize>w * 12;
  for (let j = 0; j < w * 3; j++) store<f32>(dst + (<usize>j << 2), load<f32>(lutPtr + (<usize>load<u8>(srcPtr + <usize>j) << 2)));
  grey(rgbPtr, greyPtr, w, slot);
}

/** A source row of 16-bit samples into slot, through the table. */
export function rowU16(srcPtr: usize, lutPtr: usize, rgbPtr: usize, greyPtr: usize, w: i32, slot: i32): void {
  const dst = rgbPtr + <usize>slot * <usize>w * 12;
  for (let j = 0; j < w * 3; j++) store<f32>(dst + (<usize>j << 2), load<f32>(lutPtr + (<usize>load<u16>(srcPtr + (<usize>j << 1)) << 2)));
  grey(rgbPtr, greyPtr, w, slot);
}

/** A source row of floats into slot. */
export function rowF32(srcPtr: usize, rgbPtr: usize, greyPtr: usize, w: i32, slot: i32): void {
  memory.copy(rgbPtr + <usize>slot * <usize>w * 12, srcPtr, <usize>w * 12);
  grey(rgbPtr, greyPtr, w, slot);
}

/**
 * The weights of the row in slot s (the grey rows above and below in slots su and sd) into
 * outPtr; a term whose flag is 0 counts as 1 (its exponent 0), as `x ** 0` does.
 */
export function weightRow(rgbPtr: usize, greyPtr: usize, w: i32, su: i32, s: i32, sd: i32, useC: i32, useS: i32, useE: i32, expPtr: usize, outPtr: usize): void {
  const gu = greyPtr + <usize>su * <usize>w * 4;
  const g = greyPtr + <usize>s * <usize>w * 4;
  const gd = greyPtr + <usize>sd * <usize>w * 4;
  const rgb = rgbPtr + <usize>s * <usize>w * 12;
  for (let x = 0; x < w; x++) {
    // reflect-101 neighbours (w == 1 reflects onto itself)
    const l = x > 0 ? x - 1 : w > 1 ? 1 : 0;
    const r = x < w - 1 ? x + 1 : w > 1 ? w - 2 : 0;
    const gx = <f64>load<f32>(g + (<usize>x << 2));
    let contrast = Math.abs(<f64>load<f32>(gu + (<usize>x << 2)) + <f64>load<f32>(g + (<usize>l << 2)) - 4 * gx + <f64>load<f32>(g + (<usize>r << 2)) + <f64>load<f32>(gd + (<usize>x << 2)));
    const p = rgb + <usize>x * 12;
    const R = <f64>load<f32>(p);
    const G = <f64>load<f32>(p + 4);
    const B = <f64>load<f32>(p + 8);
    const mean = (R + G + B) / 3;
    const dr = R - mean;
    const dg = G - mean;
    const db = B - mean;
    let sat = Math.sqrt(dr * dr + dg * dg + db * db);
    const er = R - 0.5;
    const eg = G - 0.5;
    const eb = B - 0.5;
    let wexp = expNeg((er * er + eg * eg + eb * eb) / 0.08, expPtr);
    if (!useC) contrast = 1;
    if (!useS) sat = 1;
    if (!useE) wexp = 1;
    store<f32>(outPtr + (<usize>x << 2), <f32>(<f64><f32>(contrast * sat * wexp) + 1e-12));
  }
}
