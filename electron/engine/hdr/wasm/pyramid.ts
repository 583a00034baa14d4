/**
 * AssemblyScript (built with the other kernels by `npm run build:wasm`, loaded by
 * ../pyramid-wasm.ts): the row steps of hdr/pyramid.ts's OpenCV pyramids and of mertens.ts's
 * Laplacian blend, in float64 arithmetic stored as float32 where the JavaScript stores to a
 * Float32Array, so every value is the JavaScript's bit for bit. The caller keeps the rings of
 * rows here and says which rows to combine; a source row may be 8- or 16-bit samples, read
 * through the table of floats `rasterRows` uses, so a decoded frame is never converted whole.
 *
 * Rows are interleaved with cn values a pixel; kind 8, 16 or 32 says what a source row holds
 * (u8 or u16 samples and their table at lutPtr, or f32).
 */

@inline function sample(kind: i32, src: usize, lut: usize, i: i32): f64 {
  if (kind == 8) return <f64>load<f32>(lut + (<usize>load<u8>(src + <usize>i) << 2));
  if (kind == 16) return <f64>load<f32>(lut + (<usize>load<u16>(src + (<usize>i << 1)) << 2));
  return <f64>load<f32>(src + (<usize>i << 2));
}

@inline function f(p: usize, i: i32): f64 {
  return <f64>load<f32>(p + (<usize>i << 2));
}

@inline function put(p: usize, i: i32, v: f64): void {
  store<f32>(p + (<usize>i << 2), <f32>v);
}

/** A source row as floats into dst (n samples). */
export function toFloat(kind: i32, src: usize, lut: usize, n: i32, dst: usize): void {
  for (let i = 0; i < n; i++) put(dst, i, sample(kind, src, lut, i));
}

/**
 * pyrDown's horizontal pass of a float row at s (dw output pixels, unnormalised ×16) into row;
 * xi holds the five reflected source offsets of each output pixel (i32[dw·5], times cn).
 */
export function downRow(s: usize, sw: i32, cn: i32, dw: i32, xi: usize, row: usize): void {
  // the interior, where every tap lies inside the row (2x − 2 ≥ 0 and 2x + 2 ≤ sw − 1), in
  // SIMD; the borders, and what the interior loops leave, through xi
  const x0 = min(1, dw);
  let x1 = x0;
  if (cn == 3 || cn == 1) x1 = min(dw, max(x0, (sw - 3) / 2 + 1));
  downBorder(s, cn, 0, x0, xi, row);
  const done = x1 > x0 ? (cn == 3 ? downInterior3(s, x0, x1, row) : downInterior1(s, x0, x1, row)) : 0;
  downBorder(s, cn, x0 + done, dw, xi, row);
}

/** Output pixels x0..x1−1 of three channels: R and G as one pair, B alone; returns how many it did. */
function downInterior3(s: usize, x0: i32, x1: i32, row: usize): i32 {
  for (let x = x0; x < x1; x++) {
    const p = s + (<usize>(2 * x - 2) * 12);
    const a0 = f64x2.promote_low_f32x4(v128.load64_zero(p));
    const a1 = f64x2.promote_low_f32x4(v128.load64_zero(p + 12));
    const a2 = f64x2.promote_low_f32x4(v128.load64_zero(p + 24));
    const a3 = f64x2.promote_low_f32x4(v128.load64_zero(p + 36));
    const a4 = f64x2.promote_low_f32x4(v128.load64_zero(p + 48));
    const rg = f64x2.add(f64x2.add(f64x2.add(f64x2.mul(a2, f64x2.splat(6)), f64x2.mul(f64x2.add(a1, a3), f64x2.splat(4))), a0), a4);
    const o = row + <usize>x * 12;
    v128.store64_lane(o, f32x4.demote_f64x2_zero(rg), 0);
    store<f32>(o + 8, <f32>(<f64>load<f32>(p + 32) * 6 + (<f64>load<f32>(p + 20) + <f64>load<f32>(p + 44)) * 4 + <f64>load<f32>(p + 8) + <f64>load<f32>(p + 56)));
  }
  return x1 - x0;
}

/** Output pixels from x0 of one channel, two a step while both are interior; returns how many it did. */
function downInterior1(s: usize, x0: i32, x1: i32, row: usize): i32 {
  let x = x0;
  for (; x + 1 < x1; x += 2) {
    const p = s + (<usize>(2 * x - 2) << 2);
    const v0 = v128.load(p); // s[2x−2 .. 2x+1]
    const v1 = v128.load(p + 16); // s[2x+2 .. 2x+5]; s[2x+5] may lie one past the row (unused; the caller's next block)
    const e0 = f64x2.promote_low_f32x4(i32x4.shuffle(v0, v1, 0, 2, 0, 2));
    const o1 = f64x2.promote_low_f32x4(i32x4.shuffle(v0, v1, 1, 3, 1, 3));
    const e2 = f64x2.promote_low_f32x4(i32x4.shuffle(v0, v1, 2, 4, 2, 4));
    const o3 = f64x2.promote_low_f32x4(i32x4.shuffle(v0, v1, 3, 5, 3, 5));
    const e4 = f64x2.promote_low_f32x4(i32x4.shuffle(v0, v1, 4, 6, 4, 6));
    const v = f64x2.add(f64x2.add(f64x2.add(f64x2.mul(e2, f64x2.splat(6)), f64x2.mul(f64x2.add(o1, o3), f64x2.splat(4))), e0), e4);
    v128.store64_lane(row + (<usize>x << 2), f32x4.demote_f64x2_zero(v), 0);
  }
  return x - x0;
}

/** Output pixels x0..x1−1 through the table of reflected offsets. */
function downBorder(s: usize, cn: i32, x0: i32, x1: i32, xi: usize, row: usize): void {
  for (let x = x0; x < x1; x++) {
    const b = xi + (<usize>x * 20);
    const i0 = load<i32>(b);
    const i1 = load<i32>(b, 4);
    const i2 = load<i32>(b, 8);
    const i3 = load<i32>(b, 12);
    const i4 = load<i32>(b, 16);
    for (let c = 0; c < cn; c++) {
      put(row, x * cn + c, f(s, i2 + c) * 6 + (f(s, i1 + c) + f(s, i3 + c)) * 4 + f(s, i0 + c) + f(s, i4 + c));
    }
  }
}

/** pyrDown's vertical pass: five horizontal rows into an output row of len values. */
export function downCombine(t0: usize, t1: usize, t2: usize, t3: usize, t4: usize, len: i32, out: usize): void {
  let x = 0;
  for (; x + 1 < len; x += 2) {
    const o = <usize>x << 2;
    const v = f64x2.add(f64x2.add(f64x2.add(f64x2.mul(pair(t2 + o), f64x2.splat(6)), f64x2.mul(f64x2.add(pair(t1 + o), pair(t3 + o)), f64x2.splat(4))), pair(t0 + o)), pair(t4 + o));
    putPair(out + o, f64x2.mul(v, f64x2.splat(1.0 / 256)));
  }
  for (; x < len; x++) put(out, x, (f(t2, x) * 6 + (f(t1, x) + f(t3, x)) * 4 + f(t0, x) + f(t4, x)) * (1.0 / 256));
}

/**
 * pyrUp's horizontal pass of a float row at s (sw pixels) into row (dw pixels, unnormalised ×8);
 * li and ri hold each pixel's left and right neighbours' offsets (i32[sw], times cn).
 */
export function upRow(s: usize, sw: i32, cn: i32, dw: i32, li: usize, ri: usize, row: usize): void {
  for (let x = 0; x < sw; x++) {
    const l = load<i32>(li + (<usize>x << 2));
    const r = load<i32>(ri + (<usize>x << 2));
    const m = x * cn;
    const e = 2 * x * cn;
    for (let c = 0; c < cn; c++) {
      const mv = f(s, m + c);
      const rv = f(s, r + c);
      put(row, e + c, f(s, l + c) + mv * 6 + rv);
      put(row, e + cn + c, (mv + rv) * 4);
    }
  }
  if (dw > sw * 2) for (let c = 0; c < cn; c++) put(row, (dw - 1) * cn + c, f(row, (2 * sw - 1) * cn + c));
}

/** pyrUp's vertical pass, one output row: even from rows t0, t1, t2, odd from t1 and t2. */
@inline function up(t0: usize, t1: usize, t2: usize, odd: i32, x: i32): f64 {
  return odd ? <f64><f32>((f(t1, x) + f(t2, x)) * 4 * (1.0 / 64)) : <f64><f32>((f(t0, x) + f(t1, x) * 6 + f(t2, x)) * (1.0 / 64));
}

/** Two floats at p as an f64x2. */
@inline function pair(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/** An f64x2 stored as two floats at p. */
@inline function putPair(p: usize, v: v128): void {
  v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0);
}

/** up() for values x and x + 1. */
@inline function upPair(t0: usize, t1: usize, t2: usize, odd: i32, x: i32): v128 {
  const o = <usize>x << 2;
  const v = odd
    ? f64x2.mul(f64x2.mul(f64x2.add(pair(t1 + o), pair(t2 + o)), f64x2.splat(4)), f64x2.splat(1.0 / 64))
    : f64x2.mul(f64x2.add(f64x2.add(pair(t0 + o), f64x2.mul(pair(t1 + o), f64x2.splat(6))), pair(t2 + o)), f64x2.splat(1.0 / 64));
  return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(v)); // stored as float, as pyrUp's row is
}

/** sample() for samples i and i + 1. */
@inline function samplePair(kind: i32, src: usize, lut: usize, i: i32): v128 {
  if (kind == 32) return pair(src + (<usize>i << 2));
  return f64x2.replace_lane(f64x2.splat(sample(kind, src, lut, i)), 1, sample(kind, src, lut, i + 1));
}

/** acc[j], acc[j + 1] += (g − up) · (wa, wb), stored as floats. */
@inline function laplacePair(t0: usize, t1: usize, t2: usize, odd: i32, kind: i32, g: usize, lut: usize, acc: usize, j: i32, w: v128): void {
  const a = acc + (<usize>j << 2);
  putPair(a, f64x2.add(pair(a), f64x2.mul(f64x2.sub(samplePair(kind, g, lut, j), upPair(t0, t1, t2, odd, j)), w)));
}

/**
 * One row of a Laplacian level weighted into the result: acc += (g − pyrUp row) · w, g a source
 * row of `kind`, w one weight a pixel (pyramid.ts addWeightedDifference); two values a step.
 */
export function upLaplace(t0: usize, t1: usize, t2: usize, odd: i32, width: i32, cn: i32, kind: i32, g: usize, lut: usize, w: usize, acc: usize): void {
  let x = 0;
  if (cn == 3) {
    // two pixels a step: (R, G) of the first, (B, R'), then (G', B')
    for (; x + 1 < width; x += 2) {
      const w0 = f(w, x);
      const w1 = f(w, x + 1);
      const j = x * 3;
      laplacePair(t0, t1, t2, odd, kind, g, lut, acc, j, f64x2.splat(w0));
      laplacePair(t0, t1, t2, odd, kind, g, lut, acc, j + 2, f64x2.replace_lane(f64x2.splat(w0), 1, w1));
      laplacePair(t0, t1, t2, odd, kind, g, lut, acc, j + 4, f64x2.splat(w1));
    }
  } else if (cn == 1) {
    for (; x + 1 < width; x += 2) laplacePair(t0, t1, t2, odd, kind, g, lut, acc, x, pair(w + (<usize>x << 2)));
  }
  for (; x < width; x++) {
    const wv = f(w, x);
    for (let c = 0; c < cn; c++) {
      const j = x * cn + c;
      put(acc, j, f(acc, j) + (sample(kind, g, lut, j) - up(t0, t1, t2, odd, j)) * wv);
    }
  }
}

/** One row of the collapse: dst += pyrUp row (pyramid.ts addPyrUp); two values a step. */
export function upAdd(t0: usize, t1: usize, t2: usize, odd: i32, len: i32, dst: usize): void {
  let x = 0;
  for (; x + 1 < len; x += 2) {
    const d = dst + (<usize>x << 2);
    putPair(d, f64x2.add(pair(d), upPair(t0, t1, t2, odd, x)));
  }
  for (; x < len; x++) put(dst, x, f(dst, x) + up(t0, t1, t2, odd, x));
}

/** The top level, which stays Gaussian: acc += g · w (mertens.ts addWeighted). */
export function addWeighted(width: i32, cn: i32, kind: i32, g: usize, lut: usize, w: usize, acc: usize): void {
  for (let x = 0; x < width; x++) {
    const wv = f(w, x);
    for (let c = 0; c < cn; c++) {
      const j = x * cn + c;
      put(acc, j, f(acc, j) + sample(kind, g, lut, j) * wv);
    }
  }
}
