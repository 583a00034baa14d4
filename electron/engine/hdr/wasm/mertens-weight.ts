/**
 * AssemblyScript (built with the other kernels by `npm run build:wasm`, loaded by
 * ../mertens-weight-wasm.ts): mertens.ts's mertensWeight, a row at a time, the same float64
 * steps in the same order (sqrt is exact in both; the exp reads the same table), so every
 * weight is the JavaScript's bit for bit. Interior pixels go two at a time in SIMD (f64x2, each
 * lane the same steps; sqrt is exact in both), the rest one at a time; it also saves V8's
 * per-sample overhead on typed arrays, and reading a frame's rows twice (the rows stay here,
 * three of them, with their grey).
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
  // the first and last pixels reflect their neighbours; the interior two pixels a step in SIMD
  let x = 0;
  if (w >= 4) {
    weightAt(gu, g, gd, rgb, w, 0, useC, useS, useE, expPtr, outPtr);
    for (x = 1; x + 1 < w - 1; x += 2) {
      if (!weightPair(gu, g, gd, rgb, x, useC, useS, useE, expPtr, outPtr)) {
        weightAt(gu, g, gd, rgb, w, x, useC, useS, useE, expPtr, outPtr);
        weightAt(gu, g, gd, rgb, w, x + 1, useC, useS, useE, expPtr, outPtr);
      }
    }
  }
  for (; x < w; x++) weightAt(gu, g, gd, rgb, w, x, useC, useS, useE, expPtr, outPtr);
}

/** The weight of pixel x (the grey rows above, at and below it at gu, g, gd; its RGB row at rgb). */
@inline function weightAt(gu: usize, g: usize, gd: usize, rgb: usize, w: i32, x: i32, useC: i32, useS: i32, useE: i32, expPtr: usize, outPtr: usize): void {
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

@inline function pair(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/**
 * weightAt for interior pixels x and x + 1 at once, each lane the same steps; false (nothing
 * written) where a lane's exponent leaves the exp table (weightAt then takes Math.exp).
 */
@inline function weightPair(gu: usize, g: usize, gd: usize, rgb: usize, x: i32, useC: i32, useS: i32, useE: i32, expPtr: usize, outPtr: usize): bool {
  const o = <usize>x << 2;
  const gx = pair(g + o);
  let contrast = f64x2.abs(f64x2.add(f64x2.add(f64x2.sub(f64x2.add(pair(gu + o), pair(g + o - 4)), f64x2.mul(f64x2.splat(4), gx)), pair(g + o + 4)), pair(gd + o)));
  const p = rgb + <usize>x * 12;
  const v0 = v128.load(p); // R0 G0 B0 R1
  const v1 = v128.load64_zero(p + 16); // G1 B1
  const R = f64x2.promote_low_f32x4(i32x4.shuffle(v0, v1, 0, 3, 0, 3));
  const G = f64x2.promote_low_f32x4(i32x4.shuffle(v0, v1, 1, 4, 1, 4));
  const B = f64x2.promote_low_f32x4(i32x4.shuffle(v0, v1, 2, 5, 2, 5));
  const mean = f64x2.div(f64x2.add(f64x2.add(R, G), B), f64x2.splat(3));
  const dr = f64x2.sub(R, mean);
  const dg = f64x2.sub(G, mean);
  const db = f64x2.sub(B, mean);
  let sat = f64x2.sqrt(f64x2.add(f64x2.add(f64x2.mul(dr, dr), f64x2.mul(dg, dg)), f64x2.mul(db, db)));
  const half = f64x2.splat(0.5);
  const er = f64x2.sub(R, half);
  const eg = f64x2.sub(G, half);
  const eb = f64x2.sub(B, half);
  const e = f64x2.div(f64x2.add(f64x2.add(f64x2.mul(er, er), f64x2.mul(eg, eg)), f64x2.mul(eb, eb)), f64x2.splat(0.08));
  if (!v128.all_true<i64>(f64x2.lt(e, f64x2.splat(EXP_MAX)))) return false;
  // expNeg, lane by lane: the table's entry and the cubic for the remainder
  const fe = f64x2.mul(e, f64x2.splat(EXP_STEP));
  const i = i32x4.trunc_sat_f64x2_s_zero(fe);
  const rem = f64x2.div(f64x2.sub(fe, f64x2.convert_low_i32x4_s(i)), f64x2.splat(EXP_STEP));
  const tab = f64x2.replace_lane(f64x2.splat(load<f64>(expPtr + (<usize>i32x4.extract_lane(i, 0) << 3))), 1, load<f64>(expPtr + (<usize>i32x4.extract_lane(i, 1) << 3)));
  const one = f64x2.splat(1);
  let wexp = f64x2.mul(tab, f64x2.sub(one, f64x2.mul(rem, f64x2.sub(one, f64x2.mul(rem, f64x2.sub(half, f64x2.div(rem, f64x2.splat(6))))))));
  if (!useC) contrast = one;
  if (!useS) sat = one;
  if (!useE) wexp = one;
  const prod = f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(f64x2.mul(f64x2.mul(contrast, sat), wexp)));
  v128.store64_lane(outPtr + o, f32x4.demote_f64x2_zero(f64x2.add(prod, f64x2.splat(1e-12))), 0);
  return true;
}
