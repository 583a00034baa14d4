/**
 * AssemblyScript (compiled by `npm run build:wasm` to dist/wasm/curve-apply.wasm, loaded by
 * ../curve-apply-wasm.ts): curve-apply.ts's per-pixel pass, four pixels per step in 128-bit
 * SIMD, on 8- or 16-bit RGB (the decoded JPEG/PNG/TIFF of the fast path) or float32 RGB (RAW,
 * the editor's working image: 0..1 with headroom above), out to 8-bit, 16-bit or float32 RGB. The same
 * transform in float32 instead of float64: against applyTransformRows an integer sample may land
 * one code apart (about 1 in 10⁵), a float one about 1e-6 apart (tests hold both).
 *
 * The JavaScript loop is bound by scalar work per pixel; here the arithmetic runs four-wide and
 * what stays scalar are the table reads that depend on each pixel's luminance (its segment,
 * and the two cells' line through that segment). Three choices keep those few:
 * - per row, each cell's blended curve is rewritten as intercept + slope per segment, stored
 *   beside the next cell's, so a pixel reads both its cells' lines in one 16-byte load;
 * - each bin of the segment table holds its upper knot too, so the segment costs one read;
 * - integer codes are rounded by adding 2²³ (the integer lands in the low mantissa bits), as
 *   a float-to-int conversion with saturation costs several instructions per lane on x64.
 *
 * Memory: the caller lays out every table and both bands (see curve-apply-wasm.ts). Four pixels
 * are read and written a step at a time (8-bit: 16 bytes for 12; 16-bit in: 24), so both bands
 * need 48 bytes of slack past their last row, and the output must not overlap the input.
 *
 * `shPtr`, when not 0, is a band of float32 RGB that the curves read instead of the samples
 * (deep shadows smoothed, shadow-smooth.ts), 48 bytes of slack past it; the strength blend
 * still takes the samples as they came. `prePtr`, when not 0 (float input only), is RAW
 * headroom's map (headroom.ts linearGainTable: a table over 0..preTop, the exact formula above),
 * applied to what the curves read.
 *
 * The module also exports shadow-smooth.ts's smoothing, so a worker smooths a few rows and applies
 * the curves to them in one memory (curve-apply-wasm.ts applyBand), with no band of floats
 * copied out and back in between.
 */

export { smoothRows8, smoothRows16, smoothRowsF32 } from './shadow-smooth';

const LR: f32 = 0.2126;
const LG: f32 = 0.7152;
const LB: f32 = 0.0722;
/** segment lookup table size, as curve-apply.ts's SEG_BINS */
const BINS: f32 = 4096;
/** curve-apply.ts's TOE. Light here is e·(e + TOE), toLight without its 1/(1 + TOE): the scale
 * cancels from the gain, and the cap and the way back take it in their constants. */
const TOE: f32 = 0.3;

@inline function light(e: v128): v128 {
  return f32x4.mul(e, f32x4.add(e, f32x4.splat(TOE)));
}

/**
 * The curve at Y for four pixels, between their two cells: each pixel's (A0, S0, A1, S1), its
 * two cells' lines through its segment, sits at base + 16·idx, so one load serves both cells.
 */
@inline function cellPair(base: usize, idx: v128, Y: v128, cf: v128): v128 {
  const v0 = v128.load(base + ((<usize>i32x4.extract_lane(idx, 0)) << 4));
  const v1 = v128.load(base + ((<usize>i32x4.extract_lane(idx, 1)) << 4));
  const v2 = v128.load(base + ((<usize>i32x4.extract_lane(idx, 2)) << 4));
  const v3 = v128.load(base + ((<usize>i32x4.extract_lane(idx, 3)) << 4));
  // a 4×4 transpose: pixels in lanes, A0 S0 A1 S1 in vectors
  const t0 = i8x16.shuffle(v0, v1, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
  const t1 = i8x16.shuffle(v2, v3, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
  const t2 = i8x16.shuffle(v0, v1, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);
  const t3 = i8x16.shuffle(v2, v3, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);
  const A0 = i8x16.shuffle(t0, t1, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
  const S0 = i8x16.shuffle(t0, t1, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  const A1 = i8x16.shuffle(t2, t3, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
  const S1 = i8x16.shuffle(t2, t3, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  const f0 = f32x4.add(A0, f32x4.mul(S0, Y));
  const f1 = f32x4.add(A1, f32x4.mul(S1, Y));
  return f32x4.add(f0, f32x4.mul(f32x4.sub(f1, f0), cf));
}

@inline function gatherF32(base: usize, idx: v128): v128 {
  let v = f32x4.splat(load<f32>(base + ((<usize>i32x4.extract_lane(idx, 0)) << 2)));
  v = f32x4.replace_lane(v, 1, load<f32>(base + ((<usize>i32x4.extract_lane(idx, 1)) << 2)));
  v = f32x4.replace_lane(v, 2, load<f32>(base + ((<usize>i32x4.extract_lane(idx, 2)) << 2)));
  return f32x4.replace_lane(v, 3, load<f32>(base + ((<usize>i32x4.extract_lane(idx, 3)) << 2)));
}

@inline function luma(r: v128, g: v128, b: v128): v128 {
  return f32x4.add(f32x4.add(f32x4.mul(f32x4.splat(LR), r), f32x4.mul(f32x4.splat(LG), g)), f32x4.mul(f32x4.splat(LB), b));
}

/**
 * Channel c (0 R, 1 G, 2 B) of four interleaved float32 RGB pixels held in three vectors
 * (r0 g0 b0 r1 | g1 b1 r2 g2 | b2 r3 g3 b3). Every shuffle takes two lanes of its first vector
 * and two of its second, in that order, which V8 emits as one shufps; other patterns cost a
 * general two-vector shuffle of several instructions.
 */
@inline function channel(s0: v128, s1: v128, s2: v128, c: i32): v128 {
  // R: r0 r1 of s0, then r2 r3 gathered (as r2 r2 r3 r3) from s1 and s2
  if (c == 0) return i8x16.shuffle(s0, i8x16.shuffle(s1, s2, 8, 9, 10, 11, 8, 9, 10, 11, 20, 21, 22, 23, 20, 21, 22, 23), 0, 1, 2, 3, 12, 13, 14, 15, 16, 17, 18, 19, 24, 25, 26, 27);
  // G: g0 g1 gathered from s0 and s1, g2 g3 from s1 and s2 (each pair doubled), then joined
  if (c == 1) {
    return i8x16.shuffle(
      i8x16.shuffle(s0, s1, 4, 5, 6, 7, 4, 5, 6, 7, 16, 17, 18, 19, 16, 17, 18, 19),
      i8x16.shuffle(s1, s2, 12, 13, 14, 15, 12, 13, 14, 15, 24, 25, 26, 27, 24, 25, 26, 27),
      0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27,
    );
  }
  // B: b0 b1 gathered (as b0 b0 b1 b1) from s0 and s1, then b2 b3 of s2
  return i8x16.shuffle(i8x16.shuffle(s0, s1, 8, 9, 10, 11, 8, 9, 10, 11, 20, 21, 22, 23, 20, 21, 22, 23), s2, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 28, 29, 30, 31);
}

/** Channel c of the four float32 RGB pixels at p (48 bytes). */
@inline function channelAt(p: usize, c: i32): v128 {
  return channel(v128.load(p), v128.load(p + 16), v128.load(p + 32), c);
}

/**
 * Vector i (0, 1, 2) of four pixels whose channels are in r, g, b, interleaved: r0 g0 b0 r1 |
 * g1 b1 r2 g2 | b2 r3 g3 b3 (32-bit lanes: floats, or integer codes), from unpacks and
 * two-lanes-each shuffles (one instruction each, as in channel()).
 */
@inline function interleaved(r: v128, g: v128, b: v128, i: i32): v128 {
  if (i == 0) {
    const rgLo = i8x16.shuffle(r, g, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23); // r0 g0 r1 g1
    const b0r1 = i8x16.shuffle(b, r, 0, 1, 2, 3, 0, 1, 2, 3, 20, 21, 22, 23, 20, 21, 22, 23); // b0 b0 r1 r1
    return i8x16.shuffle(rgLo, b0r1, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 24, 25, 26, 27);
  }
  if (i == 1) {
    const gbLo = i8x16.shuffle(g, b, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23); // g0 b0 g1 b1
    const rgHi = i8x16.shuffle(r, g, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31); // r2 g2 r3 g3
    return i8x16.shuffle(gbLo, rgHi, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23);
  }
  const b2r3 = i8x16.shuffle(b, r, 8, 9, 10, 11, 8, 9, 10, 11, 28, 29, 30, 31, 28, 29, 30, 31); // b2 b2 r3 r3
  const gbHi = i8x16.shuffle(g, b, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31); // g2 b2 g3 b3
  return i8x16.shuffle(b2r3, gbHi, 0, 1, 2, 3, 8, 9, 10, 11, 24, 25, 26, 27, 28, 29, 30, 31);
}

/** headroom.ts applyLinearGain for v ≥ 1: the exact sRGB formulas (above the table's end, the brightest 0.1 % of a photo). */
function gainExact(v: f64, gain: f64): f64 {
  const x = Math.pow((v + 0.055) / 1.055, 2.4) * gain;
  return x <= 0.0031308 ? x * 12.92 : 1.055 * Math.pow(x, 1 / 2.4) - 0.055;
}

/** RAW headroom's map of four values (≥ 0): the table, linear between entries, below top; the formula from top up. */
@inline function preMap(v: v128, tab: usize, top: f32, scale: f32, gain: f64): v128 {
  const vTop = f32x4.splat(top);
  const f = f32x4.mul(f32x4.pmin(v, vTop), f32x4.splat(scale));
  const i = i32x4.trunc_sat_f32x4_s(f);
  const a = gatherF32(tab, i);
  let out = f32x4.add(a, f32x4.mul(f32x4.sub(gatherF32(tab + 4, i), a), f32x4.sub(f, f32x4.convert_i32x4_s(i))));
  if (v128.any_true(f32x4.ge(v, vTop))) {
    if (f32x4.extract_lane(v, 0) >= top) out = f32x4.replace_lane(out, 0, <f32>gainExact(f32x4.extract_lane(v, 0), gain));
    if (f32x4.extract_lane(v, 1) >= top) out = f32x4.replace_lane(out, 1, <f32>gainExact(f32x4.extract_lane(v, 1), gain));
    if (f32x4.extract_lane(v, 2) >= top) out = f32x4.replace_lane(out, 2, <f32>gainExact(f32x4.extract_lane(v, 2), gain));
    if (f32x4.extract_lane(v, 3) >= top) out = f32x4.replace_lane(out, 3, <f32>gainExact(f32x4.extract_lane(v, 3), gain));
  }
  return out;
}

/** Integer codes of four values in 0..1 at full scale `max` (255 or 65535), rounded by adding 2²³. */
@inline function codes(v: v128, max: v128): v128 {
  return i32x4.sub(f32x4.add(f32x4.mul(v, max), f32x4.splat(8388608)), i32x4.splat(0x4b000000));
}

/** sample kinds, in and out */
export const U8: i32 = 0;
export const F32: i32 = 1;
export const U16: i32 = 2;

/**
 * Rows y0..y1 of the photo: band `inPtr` (row y0 first; `inKind` U8, U16 or F32) to band `outPtr`
 * (`outKind` U8, U16 or F32).
 * Tables: knots f32[k], invDx f32[k-1], seg [BINS+1] × (i32 segment of the bin, f32 its upper
 * knot), curves f32 in cell-major [gh·gw·k], line f32 scratch [gw·(k-1)·4], per column cell0
 * i32 (cell·(k-1); its second cell is the next, or itself at the last) and cf f32 (weight of
 * the second), padded by 3 columns; per photo row rowI0/rowI1 i32 (cell row)
 * and rowF f32 (weight of rowI1).
 */
export function applyRows(
  inPtr: usize, inKind: i32, outPtr: usize, outKind: i32, width: i32, y0: i32, y1: i32,
  knotsPtr: usize, invDxPtr: usize, segPtr: usize, curvesPtr: usize, linePtr: usize,
  cell0Ptr: usize, cfPtr: usize, rowI0Ptr: usize, rowI1Ptr: usize, rowFPtr: usize,
  k: i32, gw: i32,
  wbR: f32, wbG: f32, wbB: f32, dR: f32, dG: f32, dB: f32, invDarkWb: f32, oneWb: bool,
  sat: f32, dSat: f32, invDark: f32, oneSat: bool, strength: f32, shPtr: usize,
  prePtr: usize, preTop: f32, preScale: f32, preGain: f64,
): void {
  // byte 3·p + c of the 12 holds channel c of pixel p: move each channel into its own lanes
  const mR = i8x16(0, -128, -128, -128, 3, -128, -128, -128, 6, -128, -128, -128, 9, -128, -128, -128);
  const mG = i8x16(1, -128, -128, -128, 4, -128, -128, -128, 7, -128, -128, -128, 10, -128, -128, -128);
  const mB = i8x16(2, -128, -128, -128, 5, -128, -128, -128, 8, -128, -128, -128, 11, -128, -128, -128);
  // R0..R3 G0..G3 B0..B3 -> R0 G0 B0 R1 G1 B1 …; the last four bytes land in the next pixel's slot, written over by the next step
  const interleave8 = i8x16(0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11, 12, 13, 14, 15);
  const inScale = f32x4.splat(<f32>1 / 255);
  const inScale16 = f32x4.splat(<f32>1 / 65535);
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  const vwbR = f32x4.splat(wbR), vwbG = f32x4.splat(wbG), vwbB = f32x4.splat(wbB);
  const vdR = f32x4.splat(dR), vdG = f32x4.splat(dG), vdB = f32x4.splat(dB);
  const vInvDarkWb = f32x4.splat(invDarkWb);
  const vInvDark = f32x4.splat(invDark);
  const vSat = f32x4.splat(sat);
  const vDSat = f32x4.splat(dSat);
  const vS = f32x4.splat(strength);
  const blend = strength != 1;
  // float input may lie outside 0..1 as it came: a blend with it is clamped again for integers
  const clampBlend = blend && inKind == F32 && outKind != F32;
  const bins = f32x4.splat(BINS);
  const tiny = f32x4.splat(1e-6);
  const onePlusToe = f32x4.splat(1 + TOE);
  const four = f32x4.splat(4);
  const halfV = f32x4.splat(0.5);
  const halfToe = f32x4.splat(0.5 * TOE);
  const toe2 = f32x4.splat(TOE * TOE);
  const last = i32x4.splat(k - 2);
  const outMax = f32x4.splat(outKind == U16 ? 65535 : 255);
  const inStep: usize = inKind == F32 ? 48 : inKind == U16 ? 24 : 12;
  const outStep: usize = outKind == F32 ? 48 : outKind == U16 ? 24 : 12;
  const gk = gw * k;
  for (let y = y0; y < y1; y++) {
    const r0 = <usize>(load<i32>(rowI0Ptr + (<usize>y << 2)) * gk);
    const r1 = <usize>(load<i32>(rowI1Ptr + (<usize>y << 2)) * gk);
    const fy = load<f32>(rowFPtr + (<usize>y << 2));
    // this row's curve per cell, as intercept and slope per segment: f = A + S·Y, written as
    // the first line of cell c's pair and the second of cell c − 1's (the last cell's pair is
    // itself twice: past the last cell centre a column's weight of its second cell is 0)
    for (let c = 0; c < gw; c++) {
      const base = <usize>(c * k);
      let a = load<f32>(curvesPtr + ((r0 + base) << 2));
      let prev = a + (load<f32>(curvesPtr + ((r1 + base) << 2)) - a) * fy;
      for (let i = 0; i < k - 1; i++) {
        const j = base + <usize>i + 1;
        a = load<f32>(curvesPtr + ((r0 + j) << 2));
        const next = a + (load<f32>(curvesPtr + ((r1 + j) << 2)) - a) * fy;
        const slope = (next - prev) * load<f32>(invDxPtr + (<usize>i << 2));
        const A = prev - slope * load<f32>(knotsPtr + (<usize>i << 2));
        const o = linePtr + ((<usize>(c * (k - 1) + i)) << 4);
        store<f32>(o, A);
        store<f32>(o + 4, slope);
        if (c > 0) {
          store<f32>(o - (<usize>(k - 1) << 4) + 8, A);
          store<f32>(o - (<usize>(k - 1) << 4) + 12, slope);
        }
        if (c == gw - 1) {
          store<f32>(o + 8, A);
          store<f32>(o + 12, slope);
        }
        prev = next;
      }
    }
    let pi = inPtr + <usize>(y - y0) * width * inStep / 4;
    let po = outPtr + <usize>(y - y0) * width * outStep / 4;
    let ps = shPtr + <usize>(y - y0) * width * 12;
    for (let x = 0; x < width; x += 4, pi += inStep, po += outStep, ps += 48) {
      let R: v128, G: v128, B: v128;
      if (inKind == F32) {
        R = channelAt(pi, 0);
        G = channelAt(pi, 1);
        B = channelAt(pi, 2);
      } else if (inKind == U16) {
        // R0 G0 B0 R1 G1 B1 R2 G2 | B2 R3 G3 B3 widened to 32-bit lanes: three vectors laid out
        // as a float photo's four pixels, split as those are
        const a = v128.load(pi);
        const s0 = f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(a));
        const s1 = f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(a));
        const s2 = f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(v128.load64_zero(pi + 16)));
        R = f32x4.mul(channel(s0, s1, s2, 0), inScale16);
        G = f32x4.mul(channel(s0, s1, s2, 1), inScale16);
        B = f32x4.mul(channel(s0, s1, s2, 2), inScale16);
      } else {
        const v = v128.load(pi);
        R = f32x4.mul(f32x4.convert_i32x4_s(i8x16.swizzle(v, mR)), inScale);
        G = f32x4.mul(f32x4.convert_i32x4_s(i8x16.swizzle(v, mG)), inScale);
        B = f32x4.mul(f32x4.convert_i32x4_s(i8x16.swizzle(v, mB)), inScale);
      }
      let r = R;
      let g = G;
      let b = B;
      if (shPtr) {
        r = channelAt(ps, 0);
        g = channelAt(ps, 1);
        b = channelAt(ps, 2);
      }
      if (shPtr || inKind == F32) {
        r = f32x4.pmax(r, zero);
        g = f32x4.pmax(g, zero);
        b = f32x4.pmax(b, zero);
      }
      if (prePtr) {
        r = preMap(r, prePtr, preTop, preScale, preGain);
        g = preMap(g, prePtr, preTop, preScale, preGain);
        b = preMap(b, prePtr, preTop, preScale, preGain);
      }
      if (oneWb) {
        r = f32x4.mul(r, vwbR);
        g = f32x4.mul(g, vwbG);
        b = f32x4.mul(b, vwbB);
      } else {
        // e = (1 − (Y₀/darkWb)²)² below darkWb, 0 above: four pixels all above it take wb alone
        const q0 = f32x4.mul(luma(r, g, b), vInvDarkWb);
        if (v128.any_true(f32x4.lt(q0, one))) {
          const a = f32x4.pmax(f32x4.sub(one, f32x4.mul(q0, q0)), zero);
          const e = f32x4.mul(a, a);
          r = f32x4.mul(r, f32x4.add(vwbR, f32x4.mul(vdR, e)));
          g = f32x4.mul(g, f32x4.add(vwbG, f32x4.mul(vdG, e)));
          b = f32x4.mul(b, f32x4.add(vwbB, f32x4.mul(vdB, e)));
        } else {
          r = f32x4.mul(r, vwbR);
          g = f32x4.mul(g, vwbG);
          b = f32x4.mul(b, vwbB);
        }
      }
      const Y = luma(r, g, b);
      // the segment: the bin's, then one on where the pixel lies past its upper knot
      // (each bin holds its segment and that segment's upper knot: one load, not two in a chain)
      const bin = i32x4.trunc_sat_f32x4_s(f32x4.mul(f32x4.pmin(Y, one), bins));
      let lo = v128.load64_zero(segPtr + ((<usize>i32x4.extract_lane(bin, 0)) << 3));
      lo = v128.load64_lane(segPtr + ((<usize>i32x4.extract_lane(bin, 1)) << 3), lo, 1);
      let hi = v128.load64_zero(segPtr + ((<usize>i32x4.extract_lane(bin, 2)) << 3));
      hi = v128.load64_lane(segPtr + ((<usize>i32x4.extract_lane(bin, 3)) << 3), hi, 1);
      const upper = i8x16.shuffle(lo, hi, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
      let seg = i8x16.shuffle(lo, hi, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
      seg = i32x4.min_s(i32x4.sub(seg, f32x4.ge(Y, upper)), last);
      const f = cellPair(linePtr, i32x4.add(v128.load(cell0Ptr + (<usize>x << 2)), seg), Y, v128.load(cfPtr + (<usize>x << 2)));
      const lY = light(f32x4.pmax(Y, tiny));
      let gain: v128;
      let sp: v128 = vSat;
      if (oneSat) gain = f32x4.div(light(f), lY);
      else {
        // gain = T(f) / T(Y) and the saturation's 1 / (1 + (Y/dark)²) from one division
        const q = f32x4.mul(Y, vInvDark);
        const u = f32x4.add(one, f32x4.mul(q, q));
        const inv = f32x4.div(one, f32x4.mul(lY, u));
        gain = f32x4.mul(f32x4.mul(light(f), u), inv);
        sp = f32x4.add(vSat, f32x4.mul(vDSat, f32x4.mul(lY, inv)));
      }
      // one gain in light; the brightest channel lands at 1 at most: gain·light ≤ 1 + TOE
      // (m = 0 never passes the test; the division only where a lane is capped)
      const lR = light(r);
      const lG = light(g);
      const lB = light(b);
      const m = f32x4.pmax(f32x4.pmax(lR, lG), lB);
      const capped = f32x4.gt(f32x4.mul(gain, m), onePlusToe);
      if (v128.any_true(capped)) gain = v128.bitselect(f32x4.div(onePlusToe, m), gain, capped);
      // out = f + s·(E − f), E = (√(TOE² + 4·gain·light) − TOE) / 2: a0 + half·√(…) per channel
      const g4 = f32x4.mul(gain, four);
      const half = f32x4.mul(sp, halfV);
      const a0 = f32x4.sub(f, f32x4.mul(sp, f32x4.add(halfToe, f)));
      let oR = f32x4.pmin(f32x4.pmax(f32x4.add(a0, f32x4.mul(half, f32x4.sqrt(f32x4.add(toe2, f32x4.mul(g4, lR))))), zero), one);
      let oG = f32x4.pmin(f32x4.pmax(f32x4.add(a0, f32x4.mul(half, f32x4.sqrt(f32x4.add(toe2, f32x4.mul(g4, lG))))), zero), one);
      let oB = f32x4.pmin(f32x4.pmax(f32x4.add(a0, f32x4.mul(half, f32x4.sqrt(f32x4.add(toe2, f32x4.mul(g4, lB))))), zero), one);
      if (blend) {
        oR = f32x4.add(R, f32x4.mul(vS, f32x4.sub(oR, R)));
        oG = f32x4.add(G, f32x4.mul(vS, f32x4.sub(oG, G)));
        oB = f32x4.add(B, f32x4.mul(vS, f32x4.sub(oB, B)));
        if (clampBlend) {
          oR = f32x4.pmin(f32x4.pmax(oR, zero), one);
          oG = f32x4.pmin(f32x4.pmax(oG, zero), one);
          oB = f32x4.pmin(f32x4.pmax(oB, zero), one);
        }
      }
      if (outKind == F32) {
        v128.store(po, interleaved(oR, oG, oB, 0));
        v128.store(po + 16, interleaved(oR, oG, oB, 1));
        v128.store(po + 32, interleaved(oR, oG, oB, 2));
      } else {
        const iR = codes(oR, outMax);
        const iG = codes(oG, outMax);
        const iB = codes(oB, outMax);
        if (outKind == U16) {
          // interleaved in 32-bit lanes, then narrowed (codes 0..65535: a saturating pack is exact):
          // R0 G0 B0 R1 G1 B1 R2 G2 | B2 R3 G3 B3
          const v2 = interleaved(iR, iG, iB, 2);
          v128.store(po, i16x8.narrow_i32x4_u(interleaved(iR, iG, iB, 0), interleaved(iR, iG, iB, 1)));
          v128.store64_lane(po + 16, i16x8.narrow_i32x4_u(v2, v2), 0);
        } else {
          // codes 0..255 in 32-bit lanes: narrowed to R0..R3 G0..G3 B0..B3 (saturating packs, one
          // instruction each, where a general two-vector shuffle costs several), then interleaved
          const rgb = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(iR, iG), i16x8.narrow_i32x4_u(iB, iB));
          v128.store(po, i8x16.swizzle(rgb, interleave8));
        }
      }
    }
  }
}
