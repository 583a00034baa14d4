/**
 * AssemblyScript (built with the other kernels by `npm run build:wasm`, loaded by
 * ../reinhard-wasm.ts): reinhard.ts's tonemapReinhardDevlin, its passes a row at a time, the
 * same float64 steps with the same float32 roundings, and fdlibm's exp and log as V8's Math.exp
 * and (Node 20's) Math.log, so every value is the JavaScript's bit for bit. The sums and
 * extremes run on across rows in this module's globals, in the JavaScript's order.
 *
 * A row is n samples (w·3, interleaved RGB) of f32 at srcPtr; the curve writes n samples at
 * outPtr; the power works in place.
 */
import { exp, expLanes, lanesOk, log, logLanes } from './lib/fdlibm';

const FLOOR: f64 = <f64><f32>1e-6;

let min: f64 = Infinity;
let max: f64 = -Infinity;
let logSum: f64 = 0;
let logMin: f64 = Infinity;
let logMax: f64 = -Infinity;
let greySum: f64 = 0;
let sumR: f64 = 0;
let sumG: f64 = 0;
let sumB: f64 = 0;
let min2: f64 = Infinity;
let max2: f64 = -Infinity;

export function reset(): void {
  min = Infinity;
  max = -Infinity;
  logSum = 0;
  logMin = Infinity;
  logMax = -Infinity;
  greySum = 0;
  sumR = 0;
  sumG = 0;
  sumB = 0;
  min2 = Infinity;
  max2 = -Infinity;
}

/** The statistics, by index: min, max, logSum, logMin, logMax, greySum, sumR, sumG, sumB, min2, max2. */
export function stat(i: i32): f64 {
  switch (i) {
    case 0: return min;
    case 1: return max;
    case 2: return logSum;
    case 3: return logMin;
    case 4: return logMax;
    case 5: return greySum;
    case 6: return sumR;
    case 7: return sumG;
    case 8: return sumB;
    case 9: return min2;
    default: return max2;
  }
}

/** OpenCV's linear Tonemap clamps at 1e-6 (NaN passes, as in the JavaScript). */
@inline function floor1e6(v: f64): f64 {
  return v < 1e-6 ? FLOOR : v;
}

@inline function linear(v: f64, lo: f64, range: f64, scaled: i32): f64 {
  return scaled ? <f64><f32>((floor1e6(v) - lo) / range) : floor1e6(v);
}

@inline function grey(r: f64, g: f64, b: f64): f64 {
  return <f64><f32>(r * 0.299 + g * 0.587 + b * 0.114);
}

/** The first pass: the extremes of the clamped samples. */
export function minMaxRow(srcPtr: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const v = floor1e6(<f64>load<f32>(srcPtr + (<usize>i << 2)));
    if (v < min) min = v;
    if (v > max) max = v;
  }
}

/** The second: log grey and the means, of the samples mapped to 0..1 by [lo, lo + range]. */
export function statsRow(srcPtr: usize, n: i32, lo: f64, range: f64, scaled: i32): void {
  for (let j = 0; j < n; j += 3) {
    const p = srcPtr + (<usize>j << 2);
    const r = linear(<f64>load<f32>(p), lo, range, scaled);
    const g = linear(<f64>load<f32>(p, 4), lo, range, scaled);
    const b = linear(<f64>load<f32>(p, 8), lo, range, scaled);
    const y = grey(r, g, b);
    const l = <f64><f32>log(y < 1e-4 ? 1e-4 : y);
    logSum += l;
    if (l < logMin) logMin = l;
    if (l > logMax) logMax = l;
    greySum += y;
    sumR += r;
    sumG += g;
    sumB += b;
  }
}

/**
 * The third, without light adaptation (the only form the kernel takes: with it, each sample's
 * adaptation is a power, and AssemblyScript's pow is not V8's): each sample's c / (c + a),
 * a being its channel's adapt^m, into outPtr, and the extremes.
 */
export function curveRow(srcPtr: usize, outPtr: usize, n: i32, lo: f64, range: f64, scaled: i32, a0: f64, a1: f64, a2: f64): void {
  for (let j = 0; j < n; j++) {
    const c = j % 3;
    const v = linear(<f64>load<f32>(srcPtr + (<usize>j << 2)), lo, range, scaled);
    const a = c == 0 ? a0 : c == 1 ? a1 : a2;
    const o = floor1e6(<f64><f32>(v / (a + v)));
    if (o < min2) min2 = o;
    if (o > max2) max2 = o;
    store<f32>(outPtr + (<usize>j << 2), <f32>o);
  }
}

/** The scalar form of one sample's last steps. */
@inline function power(v: f64, lo2: f64, range2: f64, scaled: i32, k: f64): f32 {
  const u = scaled ? <f64><f32>((v - lo2) / range2) : v;
  return <f32>(k == 1 ? u : u > 0 ? exp(log(u) * k) : 0);
}

/**
 * The last: [lo2, lo2 + range2] to 0..1, then ^k as exp(log(x)·k) (k = 1: none), in place; four
 * samples a step in SIMD (log and exp by fdlibm's lane forms), a step with a sample outside
 * (0, 1] or in one of fdlibm's rarer branches in scalar.
 */
export function powerRow(ptr: usize, n: i32, lo2: f64, range2: f64, scaled: i32, k: f64): void {
  let i = 0;
  if (k != 1) {
    const lo = f64x2.splat(lo2);
    const range = f64x2.splat(range2);
    const kk = f64x2.splat(k);
    const zero = f64x2.splat(0);
    const one = f64x2.splat(1);
    // four samples a step, as two independent pairs: each pair's log and exp is one long
    // chain of dependent steps, and two in flight keep the core busy
    for (; i + 3 < n; i += 4) {
      const p = ptr + (<usize>i << 2);
      const v = v128.load(p);
      let u0 = f64x2.promote_low_f32x4(v);
      let u1 = f64x2.promote_low_f32x4(i64x2.shuffle(v, v, 1, 0));
      if (scaled) {
        u0 = f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(f64x2.div(f64x2.sub(u0, lo), range)));
        u1 = f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(f64x2.div(f64x2.sub(u1, lo), range)));
      }
      const inRange = v128.all_true<i64>(v128.and(v128.and(f64x2.gt(u0, zero), f64x2.le(u0, one)), v128.and(f64x2.gt(u1, zero), f64x2.le(u1, one))));
      const e0 = expLanes(f64x2.mul(logLanes(u0), kk));
      const e1 = expLanes(f64x2.mul(logLanes(u1), kk));
      if (lanesOk() && inRange) v128.store(p, i64x2.shuffle(f32x4.demote_f64x2_zero(e0), f32x4.demote_f64x2_zero(e1), 0, 2));
      else for (let q = 0; q < 4; q++) store<f32>(p + (<usize>q << 2), power(<f64>load<f32>(p + (<usize>q << 2)), lo2, range2, scaled, k));
    }
  }
  for (; i < n; i++) {
    const p = ptr + (<usize>i << 2);
    store<f32>(p, power(<f64>load<f32>(p), lo2, range2, scaled, k));
  }
}
