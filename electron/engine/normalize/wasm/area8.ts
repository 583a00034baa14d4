/**
 * AssemblyScript (built with curve-apply.ts by `npm run build:wasm`, loaded by
 * ../thumbnail-wasm.ts): one row of the network's thumbnail from 8-bit RGB rows, area
 * weights as thumbnail.ts's, but columns first: the rows of one thumbnail row are summed down
 * in 128-bit SIMD (as 16-bit integers, exact, for the rows fully inside the cell; with their
 * weights for its two edge rows), then each thumbnail cell sums its columns across. Summing
 * down contiguous memory sixteen bytes at a time is what makes it cheap; the sums are the same
 * but for float rounding.
 *
 * Memory (laid out by the caller): `n` rows of `bytes` = width·3 samples at `rowsPtr`;
 * acc16 u16[bytes] and accF f32[bytes] scratch; per thumbnail column i, k0 i32 (first source
 * column), count i32, and weights f32 first / inner / last; `outPtr` gets size·3 floats (RGB
 * interleaved). `bytes` is padded to a multiple of 16 in the scratch (the rows are not read
 * past `bytes` rounded up to 16: the caller leaves slack).
 */

/**
 * Rows 0..n-1 at rowsPtr, weights wFirst (row 0), wInner (rows 1..n-2), wLast (row n-1; row 0
 * alone when n = 1), into one thumbnail row of `size` cells at outPtr, scaled by `scale`.
 */
export function areaRow8(
  rowsPtr: usize, n: i32, bytes: i32, wFirst: f32, wInner: f32, wLast: f32,
  acc16Ptr: usize, accFPtr: usize,
  k0Ptr: usize, countPtr: usize, wx0Ptr: usize, wxiPtr: usize, wxlPtr: usize, size: i32,
  outPtr: usize, scale: f32,
): void {
  const padded = (bytes + 15) & ~15;
  // columns first: acc16 = Σ inner rows (exact integers), accF = Σ edge rows × their weight
  for (let j = 0; j < padded; j += 16) {
    v128.store(acc16Ptr + (<usize>j << 1), i16x8.splat(0));
    v128.store(acc16Ptr + (<usize>j << 1) + 16, i16x8.splat(0));
  }
  addWeighted(rowsPtr, padded, wFirst, accFPtr, true);
  if (n > 1) addWeighted(rowsPtr + <usize>(n - 1) * <usize>bytes, padded, wLast, accFPtr, false);
  for (let r = 1; r < n - 1; r++) {
    const row = rowsPtr + <usize>r * <usize>bytes;
    for (let j = 0; j < padded; j += 16) {
      const v = v128.load(row + <usize>j);
      const a = acc16Ptr + (<usize>j << 1);
      v128.store(a, i16x8.add(v128.load(a), i16x8.extend_low_i8x16_u(v)));
      v128.store(a + 16, i16x8.add(v128.load(a + 16), i16x8.extend_high_i8x16_u(v)));
    }
  }
  // accF += wInner × acc16
  const wi = f32x4.splat(wInner);
  for (let j = 0; j < padded; j += 8) {
    const s = v128.load(acc16Ptr + (<usize>j << 1));
    const f = accFPtr + (<usize>j << 2);
    v128.store(f, f32x4.add(v128.load(f), f32x4.mul(wi, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(s)))));
    v128.store(f + 16, f32x4.add(v128.load(f + 16), f32x4.mul(wi, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(s)))));
  }
  // then across: each cell's first and last columns with their weights, the inner ones summed
  for (let i = 0; i < size; i++) {
    const k0 = load<i32>(k0Ptr + (<usize>i << 2));
    const count = load<i32>(countPtr + (<usize>i << 2));
    const first = accFPtr + (<usize>(k0 * 3) << 2);
    let r: f64 = 0, g: f64 = 0, b: f64 = 0;
    for (let c = 1; c < count - 1; c++) {
      const p = first + (<usize>(c * 3) << 2);
      r += load<f32>(p);
      g += load<f32>(p + 4);
      b += load<f32>(p + 8);
    }
    const w0 = <f64>load<f32>(wx0Ptr + (<usize>i << 2));
    const wmid = <f64>load<f32>(wxiPtr + (<usize>i << 2));
    r = w0 * load<f32>(first) + wmid * r;
    g = w0 * load<f32>(first + 4) + wmid * g;
    b = w0 * load<f32>(first + 8) + wmid * b;
    if (count > 1) {
      const wl = <f64>load<f32>(wxlPtr + (<usize>i << 2));
      const last = first + (<usize>((count - 1) * 3) << 2);
      r += wl * load<f32>(last);
      g += wl * load<f32>(last + 4);
      b += wl * load<f32>(last + 8);
    }
    const o = outPtr + (<usize>(i * 3) << 2);
    store<f32>(o, <f32>(r * scale));
    store<f32>(o + 4, <f32>(g * scale));
    store<f32>(o + 8, <f32>(b * scale));
  }
}

/** accF (=|+=) w × row, sixteen samples a step. */
@inline function addWeighted(row: usize, padded: i32, w: f32, accFPtr: usize, set: bool): void {
  const wv = f32x4.splat(w);
  for (let j = 0; j < padded; j += 16) {
    const v = v128.load(row + <usize>j);
    const lo = i16x8.extend_low_i8x16_u(v);
    const hi = i16x8.extend_high_i8x16_u(v);
    const f = accFPtr + (<usize>j << 2);
    const a = f32x4.mul(wv, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(lo)));
    const b = f32x4.mul(wv, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(lo)));
    const c = f32x4.mul(wv, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(hi)));
    const d = f32x4.mul(wv, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(hi)));
    if (set) {
      v128.store(f, a);
      v128.store(f + 16, b);
      v128.store(f + 32, c);
      v128.store(f + 48, d);
    } else {
      v128.store(f, f32x4.add(v128.load(f), a));
      v128.store(f + 16, f32x4.add(v128.load(f + 16), b));
      v128.store(f + 32, f32x4.add(v128.load(f + 32), c));
      v128.store(f + 48, f32x4.add(v128.load(f + 48), d));
    }
  }
}
