/**
 * AssemblyScript (built with the other kernels by `npm run build:wasm`, loaded by
 * ../shadow-smooth-wasm.ts): shadow-smooth.ts's smoothShadowRows for 8-bit, 16-bit or float32
 * RGB, the same steps in float32. Rows stream through a ring of three (linear light and its
 * horizontal pass); the horizontal and vertical passes run four floats a step in 128-bit SIMD,
 * the rest is scalar WebAssembly, which alone is several times the speed of the JavaScript
 * loop on typed arrays.
 *
 * Memory (laid out by the caller): rows a0..a1 of RGB samples at inPtr; out f32 rows y0..y1;
 * changed u8 per row y0..y1; ring f32[7 · width · 3] + 16 bytes; enc f32[encN + 2] (linearToSrgb's table,
 * indexed by √v · encN); and by the samples' type:
 * - 8-bit: lut f32[256] (linear light of each code), unit f32[256] (code / 255, as the
 *   JavaScript path rounds it);
 * - 16-bit: lut f32[65536], unit f32[65536] (the same per code);
 * - float32: lut f32[encN + 2] (srgbToLinear's table over 0..1, linear between entries; the exact
 *   formula outside), unit unused (a sample is read as it is).
 */

const LR: f32 = 0.2126;
const LG: f32 = 0.7152;
const LB: f32 = 0.0722;
const TOE_SLOPE: f32 = 12.92;
const TOE_END: f32 = 0.0031308;
const HALF: f32 = 0.5;
const QUARTER: f32 = 0.25;

@inline function encode(v: f32, encPtr: usize, encN: f32): f32 {
  if (v <= TOE_END) return v * TOE_SLOPE;
  if (v >= 1) return 1;
  const f = Mathf.sqrt(v) * encN;
  const i = <usize>f;
  const a = load<f32>(encPtr + (i << 2));
  return a + (load<f32>(encPtr + ((i + 1) << 2)) - a) * (f - <f32>i);
}

/** srgbToLinear: its table over 0..1, the exact formula above 1, 0 at and below 0 (and for NaN). */
@inline function toLinear(v: f32, lutPtr: usize, n: f32): f32 {
  if (!(v > 0)) return 0;
  if (v >= 1) return <f32>Math.pow((<f64>v + 0.055) / 1.055, 2.4);
  const f = v * n;
  const i = <usize>f;
  const a = load<f32>(lutPtr + (i << 2));
  return a + (load<f32>(lutPtr + ((i + 1) << 2)) - a) * (f - <f32>i);
}

/** Sample i of a row as the curves read it unchanged: code / max through `unit`, or the float itself. */
@inline function unitOf<T>(src: usize, i: i32, unitPtr: usize): f32 {
  if (isInteger<T>()) return load<f32>(unitPtr + (<usize>load<T>(src + (<usize>i << alignof<T>())) << 2));
  return load<f32>(src + (<usize>i << 2));
}

/** Linear light of one sample. */
@inline function linOf<T>(src: usize, i: i32, lutPtr: usize, n: f32): f32 {
  if (isInteger<T>()) return load<f32>(lutPtr + (<usize>load<T>(src + (<usize>i << alignof<T>())) << 2));
  return toLinear(load<f32>(src + (<usize>i << 2)), lutPtr, n);
}

/** Linear light of photo row y into `dst`; whether it holds a pixel below linHi. */
function linearise<T>(src: usize, n: i32, lutPtr: usize, tableN: f32, dst: usize, linHi: f32): bool {
  let dark = false;
  for (let i = 0; i < n; i += 3) {
    const r = linOf<T>(src, i, lutPtr, tableN);
    const g = linOf<T>(src, i + 1, lutPtr, tableN);
    const b = linOf<T>(src, i + 2, lutPtr, tableN);
    store<f32>(dst + (<usize>i << 2), r);
    store<f32>(dst + (<usize>(i + 1) << 2), g);
    store<f32>(dst + (<usize>(i + 2) << 2), b);
    if (LR * r + LG * g + LB * b < linHi) dark = true;
  }
  return dark;
}

/** The [1 2 1]/4 pass along one row of n floats (interleaved RGB, mirrored at its ends). */
function rowPass(s: usize, d: usize, n: i32): void {
  if (n === 3) {
    memory.copy(d, s, 12);
    return;
  }
  for (let c = 0; c < 3; c++) {
    const cc = <usize>c << 2;
    store<f32>(d + cc, HALF * (load<f32>(s + cc) + load<f32>(s + cc + 12)));
    const e = (<usize>(n - 3) << 2) + cc;
    store<f32>(d + e, HALF * (load<f32>(s + e) + load<f32>(s + e - 12)));
  }
  const half = f32x4.splat(0.5);
  const quarter = f32x4.splat(0.25);
  let i = 3;
  for (; i + 7 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = f32x4.add(f32x4.mul(half, v128.load(s + o)), f32x4.mul(quarter, f32x4.add(v128.load(s + o - 12), v128.load(s + o + 12))));
    v128.store(d + o, v);
  }
  for (; i < n - 3; i++) {
    const o = <usize>i << 2;
    store<f32>(d + o, HALF * load<f32>(s + o) + QUARTER * (load<f32>(s + o - 12) + load<f32>(s + o + 12)));
  }
}

@inline function reflect101(i: i32, n: i32): i32 {
  if (n === 1) return 0;
  if (i < 0) return -i;
  if (i >= n) return 2 * n - 2 - i;
  return i;
}

/** Rows y0..y1 of samples T smoothed into outPtr (see shadow-smooth.ts); returns 1 when any pixel changed. */
@inline function smoothRows<T>(
  inPtr: usize, a0: i32, outPtr: usize, changedPtr: usize, lutPtr: usize, unitPtr: usize, encPtr: usize, encN: f32, ringPtr: usize,
  width: i32, height: i32, y0: i32, y1: i32, linHi: f32, lo: f32, hi: f32,
): i32 {
  const n = width * 3;
  const rowBytes = <usize>n << alignof<T>();
  const slotBytes = <usize>n << 2;
  const linP = ringPtr;
  const horP = ringPtr + 3 * slotBytes;
  const verP = ringPtr + 6 * slotBytes; // the row's vertical pass (four floats a step: 12 bytes of overrun)
  // per ring slot: which photo row its linear light and its horizontal pass hold, and darkness
  let lin0 = -1, lin1 = -1, lin2 = -1;
  let hor0 = -1, hor1 = -1, hor2 = -1;
  let dark0 = false, dark1 = false, dark2 = false;
  const last = min(height, y1 + 1);
  let any = 0;
  for (let y = y0; y < y1; y++) {
    const up = reflect101(y - 1, height);
    const dn = reflect101(y + 1, height);
    // the three rows this one reads, linearised into their slots once
    for (let k = 0; k < 3; k++) {
      const r = k === 0 ? up : k === 1 ? y : dn;
      if (r >= last) continue;
      const sl = r % 3;
      const have = sl === 0 ? lin0 : sl === 1 ? lin1 : lin2;
      if (have === r) continue;
      const dk = linearise<T>(inPtr + <usize>(r - a0) * rowBytes, n, lutPtr, encN, linP + <usize>sl * slotBytes, linHi);
      if (sl === 0) { lin0 = r; dark0 = dk; hor0 = -1; }
      else if (sl === 1) { lin1 = r; dark1 = dk; hor1 = -1; }
      else { lin2 = r; dark2 = dk; hor2 = -1; }
    }
    const du = up % 3 === 0 ? dark0 : up % 3 === 1 ? dark1 : dark2;
    const dm = y % 3 === 0 ? dark0 : y % 3 === 1 ? dark1 : dark2;
    const dd = dn % 3 === 0 ? dark0 : dn % 3 === 1 ? dark1 : dark2;
    const o0 = outPtr + <usize>(y - y0) * slotBytes;
    const s0 = inPtr + <usize>(y - a0) * rowBytes;
    if (!(du || dm || dd)) {
      if (isFloat<T>()) memory.copy(o0, s0, slotBytes);
      else for (let c = 0; c < n; c++) store<f32>(o0 + (<usize>c << 2), unitOf<T>(s0, c, unitPtr));
      store<u8>(changedPtr + <usize>(y - y0), 0);
      continue;
    }
    for (let k = 0; k < 3; k++) {
      const r = k === 0 ? up : k === 1 ? y : dn;
      const sl = r % 3;
      const have = sl === 0 ? hor0 : sl === 1 ? hor1 : hor2;
      if (have === r) continue;
      rowPass(linP + <usize>sl * slotBytes, horP + <usize>sl * slotBytes, n);
      if (sl === 0) hor0 = r;
      else if (sl === 1) hor1 = r;
      else hor2 = r;
    }
    const m = horP + <usize>(y % 3) * slotBytes;
    const u = horP + <usize>(up % 3) * slotBytes;
    const d = horP + <usize>(dn % 3) * slotBytes;
    const l = linP + <usize>(y % 3) * slotBytes;
    const half = f32x4.splat(0.5);
    const quarter = f32x4.splat(0.25);
    for (let c = 0; c < n; c += 4) {
      const o = <usize>c << 2;
      v128.store(verP + o, f32x4.add(f32x4.mul(half, v128.load(m + o)), f32x4.mul(quarter, f32x4.add(v128.load(u + o), v128.load(d + o)))));
    }
    let touched = 0;
    for (let c = 0; c < n; c += 3) {
      const q = <usize>c << 2;
      const r = load<f32>(verP + q);
      const g = load<f32>(verP + q + 4);
      const b = load<f32>(verP + q + 8);
      const Y = LR * r + LG * g + LB * b;
      if (Y < linHi) {
        const e = Y * TOE_SLOPE;
        const al: f32 = e <= lo ? <f32>1 : (hi - e) / (hi - lo);
        const lr = load<f32>(l + q);
        const lg = load<f32>(l + q + 4);
        const lb = load<f32>(l + q + 8);
        store<f32>(o0 + q, encode(lr + al * (r - lr), encPtr, encN));
        store<f32>(o0 + q + 4, encode(lg + al * (g - lg), encPtr, encN));
        store<f32>(o0 + q + 8, encode(lb + al * (b - lb), encPtr, encN));
        touched = 1;
      } else {
        store<f32>(o0 + q, unitOf<T>(s0, c, unitPtr));
        store<f32>(o0 + q + 4, unitOf<T>(s0, c + 1, unitPtr));
        store<f32>(o0 + q + 8, unitOf<T>(s0, c + 2, unitPtr));
      }
    }
    store<u8>(changedPtr + <usize>(y - y0), <u8>touched);
    any |= touched;
  }
  return any;
}

// one entry per sample type; the arguments as smoothRows's
export function smoothRows8(
  inPtr: usize, a0: i32, outPtr: usize, changedPtr: usize, lutPtr: usize, unitPtr: usize, encPtr: usize, encN: f32, ringPtr: usize,
  width: i32, height: i32, y0: i32, y1: i32, linHi: f32, lo: f32, hi: f32,
): i32 {
  return smoothRows<u8>(inPtr, a0, outPtr, changedPtr, lutPtr, unitPtr, encPtr, encN, ringPtr, width, height, y0, y1, linHi, lo, hi);
}

export function smoothRows16(
  inPtr: usize, a0: i32, outPtr: usize, changedPtr: usize, lutPtr: usize, unitPtr: usize, encPtr: usize, encN: f32, ringPtr: usize,
  width: i32, height: i32, y0: i32, y1: i32, linHi: f32, lo: f32, hi: f32,
): i32 {
  return smoothRows<u16>(inPtr, a0, outPtr, changedPtr, lutPtr, unitPtr, encPtr, encN, ringPtr, width, height, y0, y1, linHi, lo, hi);
}

export function smoothRowsF32(
  inPtr: usize, a0: i32, outPtr: usize, changedPtr: usize, lutPtr: usize, unitPtr: usize, encPtr: usize, encN: f32, ringPtr: usize,
  width: i32, height: i32, y0: i32, y1: i32, linHi: f32, lo: f32, hi: f32,
): i32 {
  return smoothRows<f32>(inPtr, a0, outPtr, changedPtr, lutPtr, unitPtr, encPtr, encN, ringPtr, width, height, y0, y1, linHi, lo, hi);
}
