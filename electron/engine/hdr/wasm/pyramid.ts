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
export function downRow(s: usize, cn: i32, dw: i32, xi: usize, row: usize): void {
  for (let x = 0; x < dw; x++) {
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
  for (let x = 0; x < len; x++) put(out, x, (f(t2, x) * 6 + (f(t1, x) + f(t3, x)) * 4 + f(t0, x) + f(t4, x)) * (1.0 / 256));
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

/**
 * One row of a Laplacian level weighted into the result: acc += (g − pyrUp row) · w, g a source
 * row of `kind`, w one weight a pixel (mertens.ts addWeightedDifference).
 */
export function upLaplace(t0: usize, t1: usize, t2: usize, odd: i32, width: i32, cn: i32, kind: i32, g: usize, lut: usize, w: usize, acc: usize): void {
  for (let x = 0; x < width; x++) {
    const wv = f(w, x);
    for (let c = 0; c < cn; c++) {
      const j = x * cn + c;
      put(acc, j, f(acc, j) + (sample(kind, g, lut, j) - up(t0, t1, t2, odd, j)) * wv);
    }
  }
}

/** One row of the collapse: dst += pyrUp row (pyramid.ts addPyrUp). */
export function upAdd(t0: usize, t1: usize, t2: usize, odd: i32, len: i32, dst: usize): void {
  for (let x = 0; x < len; x++) put(dst, x, f(dst, x) + up(t0, t1, t2, odd, x));
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
