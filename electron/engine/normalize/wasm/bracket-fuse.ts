/**
 * AssemblyScript (built with the other kernels by `npm run build:wasm`, loaded by
 * ../virtual-bracket-wasm.ts): virtual-bracket.ts's fuseFrames for one square view, the same
 * steps as its JavaScript (the frames pushed 2^k in light and encoded through linearToSrgb's
 * table, hdr/mertens.ts's weights with the paper's exponents, and hdr/pyramid.ts's OpenCV
 * pyramids on one channel), in float64 arithmetic stored as float32 as the JavaScript does.
 * Why: the fusion runs once a photo, and in a fresh process V8 runs it unoptimised (a tenth of
 * a second at 112×112); compiled WebAssembly runs it at full speed from the first call.
 *
 * Memory (laid out by the caller): lin f32[3·n] (planes R, G, B in light), enc f32[encN + 2]
 * (linearToSrgb's table, indexed by √v · encN), out f32[n], work f32[workFloats(size, frames)].
 */

const LR: f64 = 0.2126;
const LG: f64 = 0.7152;
const LB: f64 = 0.0722;

@inline function f(p: usize, i: i32): f64 {
  return <f64>load<f32>(p + (<usize>i << 2));
}

@inline function put(p: usize, i: i32, v: f64): void {
  store<f32>(p + (<usize>i << 2), <f32>v);
}

/** image/reflect.ts's reflect101, for any i */
function reflect101(i: i32, n: i32): i32 {
  if (n <= 1) return 0;
  const period = 2 * (n - 1);
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - m;
}

@inline function upIndex(i: i32, n: i32): i32 {
  return reflect101(2 * i, 2 * n) >> 1;
}

@inline function levelSide(size: i32, l: i32): i32 {
  let s = size;
  for (let i = 0; i < l; i++) s = (s + 1) >> 1;
  return s;
}

/** where level l starts in a pyramid of a size×size plane (levels stored one after another) */
function levelOffset(size: i32, l: i32): i32 {
  let t = 0;
  for (let i = 0; i < l; i++) {
    const s = levelSide(size, i);
    t += s * s;
  }
  return t;
}

/** floats of one pyramid of a size×size plane with levels 0..maxLevel */
@inline function pyramidFloats(size: i32, maxLevel: i32): i32 {
  return levelOffset(size, maxLevel + 1);
}

/** The work area's size in floats for `frames` frames of a size×size view. */
export function workFloats(size: i32, frames: i32, maxLevel: i32): i32 {
  const n = size * size;
  // rgb frame, grey, sum, weights and lumas per frame, three pyramids, pyrDown/pyrUp scratch, pyrUp result
  return 3 * n + n + n + 2 * frames * n + 3 * pyramidFloats(size, maxLevel) + 2 * (size + 1) * (2 * size + 2) + 4 * n + 64;
}

@inline function encode(v: f64, encPtr: usize, encN: f64): f64 {
  // image/srgb.ts linearToSrgb: the table below 1, the exact curve from 1 (v is never negative here)
  if (!(v >= 0 && v < 1)) return 1.055 * Math.pow(v, 1 / 2.4) - 0.055;
  const fi = Math.sqrt(v) * encN;
  const i = <i32>fi;
  const a = f(encPtr, i);
  return a + (f(encPtr, i + 1) - a) * (fi - <f64>i);
}

/** hdr/pyramid.ts pyrDown of a one-channel plane sw×sh at src into dst; tmp holds sh·dw floats */
function pyrDown(src: usize, sw: i32, sh: i32, dst: usize, tmp: usize): void {
  const dw = (sw + 1) >> 1;
  const dh = (sh + 1) >> 1;
  for (let y = 0; y < sh; y++) {
    const so = y * sw;
    const to = y * dw;
    for (let x = 0; x < dw; x++) {
      const i0 = so + reflect101(2 * x - 2, sw);
      const i1 = so + reflect101(2 * x - 1, sw);
      const i2 = so + reflect101(2 * x, sw);
      const i3 = so + reflect101(2 * x + 1, sw);
      const i4 = so + reflect101(2 * x + 2, sw);
      put(tmp, to + x, f(src, i2) * 6 + (f(src, i1) + f(src, i3)) * 4 + f(src, i0) + f(src, i4));
    }
  }
  for (let y = 0; y < dh; y++) {
    const r0 = reflect101(2 * y - 2, sh) * dw;
    const r1 = reflect101(2 * y - 1, sh) * dw;
    const r2 = reflect101(2 * y, sh) * dw;
    const r3 = reflect101(2 * y + 1, sh) * dw;
    const r4 = reflect101(2 * y + 2, sh) * dw;
    const o = y * dw;
    for (let x = 0; x < dw; x++) {
      put(dst, o + x, (f(tmp, r2 + x) * 6 + (f(tmp, r1 + x) + f(tmp, r3 + x)) * 4 + f(tmp, r0 + x) + f(tmp, r4 + x)) * (1.0 / 256));
    }
  }
}

/** hdr/pyramid.ts pyrUp of a one-channel plane sw×sh at src to dw×dh at dst; tmp holds sh·max(dw, 2sw) floats */
function pyrUp(src: usize, sw: i32, sh: i32, dst: usize, dw: i32, dh: i32, tmp: usize): void {
  const hw = max(dw, sw * 2);
  for (let y = 0; y < sh; y++) {
    const so = y * sw;
    const to = y * hw;
    for (let x = 0; x < sw; x++) {
      const l = so + upIndex(x - 1, sw);
      const m = so + x;
      const r = so + upIndex(x + 1, sw);
      const e = to + 2 * x;
      put(tmp, e, f(src, l) + f(src, m) * 6 + f(src, r));
      put(tmp, e + 1, (f(src, m) + f(src, r)) * 4);
    }
    if (dw > sw * 2) put(tmp, to + dw - 1, f(tmp, to + 2 * sw - 1));
  }
  for (let y = 0; y < sh; y++) {
    const r0 = upIndex(y - 1, sh) * hw;
    const r1 = y * hw;
    const r2 = upIndex(y + 1, sh) * hw;
    const o0 = 2 * y * dw;
    for (let x = 0; x < dw; x++) put(dst, o0 + x, (f(tmp, r0 + x) + f(tmp, r1 + x) * 6 + f(tmp, r2 + x)) * (1.0 / 64));
    if (2 * y + 1 < dh) {
      const o1 = (2 * y + 1) * dw;
      for (let x = 0; x < dw; x++) put(dst, o1 + x, (f(tmp, r1 + x) + f(tmp, r2 + x)) * 4 * (1.0 / 64));
    }
  }
  if (dh > sh * 2) memory.copy(dst + (<usize>(sh * 2 * dw) << 2), dst + (<usize>((sh * 2 - 2) * dw) << 2), <usize>dw << 2);
}

/** hdr/mertens.ts mertensWeight (1, 1, 1) of the interleaved RGB frame at rgb into w; grey is scratch */
function weight(rgb: usize, s: i32, grey: usize, w: usize): void {
  const n = s * s;
  for (let i = 0; i < n; i++) put(grey, i, f(rgb, 3 * i) * 0.299 + f(rgb, 3 * i + 1) * 0.587 + f(rgb, 3 * i + 2) * 0.114);
  for (let y = 0; y < s; y++) {
    const up = reflect101(y - 1, s) * s;
    const dn = reflect101(y + 1, s) * s;
    const row = y * s;
    for (let x = 0; x < s; x++) {
      const l = x > 0 ? x - 1 : s > 1 ? 1 : 0;
      const r = x < s - 1 ? x + 1 : s > 1 ? s - 2 : 0;
      const i = row + x;
      const contrast = Math.abs(f(grey, up + x) + f(grey, row + l) - 4 * f(grey, i) + f(grey, row + r) + f(grey, dn + x));
      const R = f(rgb, 3 * i), G = f(rgb, 3 * i + 1), B = f(rgb, 3 * i + 2);
      const mean = (R + G + B) / 3;
      const dr = R - mean, dg = G - mean, db = B - mean;
      const sat = Math.sqrt(dr * dr + dg * dg + db * db);
      const er = R - 0.5, eg = G - 0.5, eb = B - 0.5;
      const wexp = Math.exp(-(er * er + eg * eg + eb * eb) / 0.08);
      put(w, i, <f64><f32>(contrast * sat * wexp) + 1e-12);
    }
  }
}

/**
 * The luminance (LUMA weights) of the Mertens (1, 1, 1) fusion of frames k = kLo..kHi, frame k
 * the view's light × 2^k clipped at 1 and encoded; maxLevel pyramid levels above the first.
 */
export function fuseLuma(linPtr: usize, size: i32, kLo: i32, kHi: i32, maxLevel: i32, encPtr: usize, encN: f64, outPtr: usize, work: usize): void {
  const n = size * size;
  const frames = kHi - kLo + 1;
  const rgb = work;
  const grey = rgb + (<usize>(3 * n) << 2);
  const sum = grey + (<usize>n << 2);
  const ws = sum + (<usize>n << 2);
  const ys = ws + (<usize>(frames * n) << 2);
  const pf = pyramidFloats(size, maxLevel);
  const wPyr = ys + (<usize>(frames * n) << 2);
  const iPyr = wPyr + (<usize>pf << 2);
  const acc = iPyr + (<usize>pf << 2);
  const tmp = acc + (<usize>pf << 2);
  const up = tmp + (<usize>(2 * (size + 1) * (2 * size + 2)) << 2);
  memory.fill(sum, 0, <usize>n << 2);
  memory.fill(acc, 0, <usize>pf << 2);
  for (let fr = 0; fr < frames; fr++) {
    const g = Math.pow(2, <f64>(kLo + fr));
    for (let i = 0; i < n; i++) {
      put(rgb, 3 * i, encode(Math.min(<f64>load<f32>(linPtr + (<usize>i << 2)) * g, 1), encPtr, encN));
      put(rgb, 3 * i + 1, encode(Math.min(<f64>load<f32>(linPtr + (<usize>(n + i) << 2)) * g, 1), encPtr, encN));
      put(rgb, 3 * i + 2, encode(Math.min(<f64>load<f32>(linPtr + (<usize>(2 * n + i) << 2)) * g, 1), encPtr, encN));
    }
    const w = ws + (<usize>(fr * n) << 2);
    weight(rgb, size, grey, w);
    for (let i = 0; i < n; i++) put(sum, i, f(sum, i) + f(w, i));
    const yp = ys + (<usize>(fr * n) << 2);
    for (let i = 0; i < n; i++) put(yp, i, LR * f(rgb, 3 * i) + LG * f(rgb, 3 * i + 1) + LB * f(rgb, 3 * i + 2));
  }
  for (let fr = 0; fr < frames; fr++) {
    const w = ws + (<usize>(fr * n) << 2);
    for (let i = 0; i < n; i++) put(w, i, f(w, i) / f(sum, i));
    // Gaussian pyramids of the weight and of the luminance, level 0 copied in
    memory.copy(wPyr, w, <usize>n << 2);
    memory.copy(iPyr, ys + (<usize>(fr * n) << 2), <usize>n << 2);
    let off = 0;
    for (let l = 1; l <= maxLevel; l++) {
      const s = levelSide(size, l - 1);
      const next = off + s * s;
      pyrDown(wPyr + (<usize>off << 2), s, s, wPyr + (<usize>next << 2), tmp);
      pyrDown(iPyr + (<usize>off << 2), s, s, iPyr + (<usize>next << 2), tmp);
      off = next;
    }
    // Laplacian level = G_l − pyrUp(G_{l+1}), weighted into the result
    off = 0;
    for (let l = 0; l <= maxLevel; l++) {
      const s = levelSide(size, l);
      const m = s * s;
      const gd = iPyr + (<usize>off << 2);
      const wl = wPyr + (<usize>off << 2);
      const ac = acc + (<usize>off << 2);
      if (l < maxLevel) {
        const s1 = levelSide(size, l + 1);
        pyrUp(gd + (<usize>m << 2), s1, s1, up, s, s, tmp);
        for (let p = 0; p < m; p++) put(ac, p, f(ac, p) + (f(gd, p) - f(up, p)) * f(wl, p));
      } else {
        for (let p = 0; p < m; p++) put(ac, p, f(ac, p) + f(gd, p) * f(wl, p));
      }
      off += m;
    }
  }
  // collapse: each level plus pyrUp of the one above, from the top
  for (let l = maxLevel; l > 0; l--) {
    const s = levelSide(size, l);
    const s0 = levelSide(size, l - 1);
    const below = levelOffset(size, l - 1);
    pyrUp(acc + (<usize>(below + s0 * s0) << 2), s, s, up, s0, s0, tmp);
    const d = acc + (<usize>below << 2);
    for (let i = 0; i < s0 * s0; i++) put(d, i, f(d, i) + f(up, i));
  }
  memory.copy(outPtr, acc, <usize>n << 2);
}
