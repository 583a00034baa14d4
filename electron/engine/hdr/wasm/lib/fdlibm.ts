/**
 * exp and log as fdlibm computes them (Sun's freely distributable libm, 1993; the algorithm of
 * e_exp.c and e_log.c, written here for AssemblyScript). V8's Math.exp is fdlibm's exp, so a
 * kernel using this one gives the JavaScript's values bit for bit; Node 20's Math.log is fdlibm's
 * log too (later V8s take LLVM libc's correctly rounded log, which differs from it in rare last
 * bits). Finite positive arguments are what the kernels pass; the special cases follow fdlibm.
 *
 * expLanes and logLanes take two arguments at once in SIMD, each lane fdlibm's steps with its
 * branches taken by selection, so each lane is the scalar function's value bit for bit. fdlibm's
 * k = 0 forms are its general ones with k = 0 (the same roundings; only signed zeros could
 * differ, and none arise). A lane that needs a rarer branch (exp: |x| < 2^-28 but not 0, x = 1,
 * |x| ≥ 709.78 or NaN; log: x not a normal positive number, or |f| < 2^-20) clears `lanesOk()`:
 * the caller then takes the scalar function for both.
 */

@inline function hiWord(x: f64): u32 {
  return <u32>(reinterpret<u64>(x) >>> 32);
}

@inline function loWord(x: f64): u32 {
  return <u32>reinterpret<u64>(x);
}

@inline function withHiWord(x: f64, hi: u32): f64 {
  return reinterpret<f64>((<u64>hi << 32) | (reinterpret<u64>(x) & 0xffffffff));
}

const LN2_HI: f64 = 6.93147180369123816490e-01; // 0x3FE62E42 FEE00000
const LN2_LO: f64 = 1.90821492927058770002e-10; // 0x3DEA39EF 35793C76

/** e^x, fdlibm's exp. */
export function exp(x: f64): f64 {
  const INVLN2: f64 = 1.44269504088896338700e+00;
  const P1: f64 = 1.66666666666666019037e-01;
  const P2: f64 = -2.77777777770155933842e-03;
  const P3: f64 = 6.61375632143793436117e-05;
  const P4: f64 = -1.65339022054652515390e-06;
  const P5: f64 = 4.13813679705723846039e-08;
  const TWOM1000: f64 = 9.33263618503218878990e-302; // 2^-1000
  let hx = hiWord(x);
  const xsb = <i32>(hx >>> 31);
  hx &= 0x7fffffff;
  let hi: f64 = 0;
  let lo: f64 = 0;
  let k: i32 = 0;
  if (hx >= 0x40862e42) {
    // |x| >= 709.78: NaN, infinities, overflow and underflow
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | loWord(x)) != 0) return x + x;
      return xsb == 0 ? x : 0.0;
    }
    if (x > 7.09782712893383973096e+02) return Infinity;
    if (x < -7.45133219101941108420e+02) return 0.0;
  }
  if (hx > 0x3fd62e42) {
    // |x| > 0.5 ln2: x = k ln2 + r
    if (hx < 0x3ff0a2b2) {
      if (x == 1.0) return 2.718281828459045; // as V8 does (the reduction below gets its last bit wrong)
      hi = xsb == 0 ? x - LN2_HI : x + LN2_HI;
      lo = xsb == 0 ? LN2_LO : -LN2_LO;
      k = 1 - xsb - xsb;
    } else {
      k = <i32>(INVLN2 * x + (xsb == 0 ? 0.5 : -0.5));
      const t = <f64>k;
      hi = x - t * LN2_HI;
      lo = t * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    return 1.0 + x; // |x| < 2^-28
  }
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * 8.988465674311579539e307;
    return y * reinterpret<f64>(<u64>(0x3ff + k) << 52);
  }
  return y * reinterpret<f64>(<u64>(0x3ff + k + 1000) << 52) * TWOM1000;
}

/** ln x, fdlibm's log. */
export function log(x: f64): f64 {
  const TWO54: f64 = 1.80143985094819840000e+16;
  const LG1: f64 = 6.666666666666735130e-01;
  const LG2: f64 = 3.999999999940941908e-01;
  const LG3: f64 = 2.857142874366239149e-01;
  const LG4: f64 = 2.222219843214978396e-01;
  const LG5: f64 = 1.818357216161805012e-01;
  const LG6: f64 = 1.531383769920937332e-01;
  const LG7: f64 = 1.479819860511658591e-01;
  let hx = <i32>hiWord(x);
  let k: i32 = 0;
  if (hx < 0x00100000) {
    // zero, negative or subnormal
    if (((hx & 0x7fffffff) | <i32>loWord(x)) == 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54;
    hx = <i32>hiWord(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i0 = (hx + 0x95f64) & 0x100000;
  x = withHiWord(x, <u32>(hx | (i0 ^ 0x3ff00000))); // x or x/2, into [sqrt(2)/2, sqrt(2))
  k += i0 >> 20;
  const f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) {
    // |f| < 2^-20
    if (f == 0) {
      if (k == 0) return 0;
      const dk = <f64>k;
      return dk * LN2_HI + dk * LN2_LO;
    }
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    const dk = <f64>k;
    return dk * LN2_HI - ((R - dk * LN2_LO) - f);
  }
  const s = f / (2.0 + f);
  const dk = <f64>k;
  const z = s * s;
  let i = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
}

let ok: bool = true;

/** Whether every lane since the last call was taken by the SIMD forms (and resets it). */
export function lanesOk(): bool {
  const was = ok;
  ok = true;
  return was;
}

@inline function splat(v: f64): v128 {
  return f64x2.splat(v);
}

@inline function isplat(v: i64): v128 {
  return i64x2.splat(v);
}

/** e^x in each lane, as exp. */
@inline export function expLanes(x: v128): v128 {
  const ex = i64x2.shr_u(v128.and(x, isplat(0x7fffffffffffffff)), 32); // |x|'s high words
  const neg = f64x2.lt(x, splat(0));
  const rare = v128.or(
    v128.or(i64x2.gt_s(ex, isplat(0x40862e41)), f64x2.eq(x, splat(1))),
    v128.and(i64x2.lt_s(ex, isplat(0x3e300000)), f64x2.ne(x, splat(0))),
  );
  if (v128.any_true(rare)) ok = false;
  const reduce = i64x2.gt_s(ex, isplat(0x3fd62e42));
  const near = i64x2.lt_s(ex, isplat(0x3ff0a2b2));
  const kt = f64x2.convert_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(f64x2.add(f64x2.mul(splat(1.44269504088896338700e+00), x), v128.bitselect(splat(-0.5), splat(0.5), neg))));
  // k: 0 unreduced, ±1 within 1.5 ln2, else truncated
  const k = v128.and(v128.bitselect(v128.bitselect(splat(-1), splat(1), neg), kt, near), reduce);
  const hi = f64x2.sub(x, f64x2.mul(k, splat(LN2_HI)));
  const lo = f64x2.mul(k, splat(LN2_LO));
  const r = f64x2.sub(hi, lo);
  const t = f64x2.mul(r, r);
  const c = f64x2.sub(r, f64x2.mul(t, f64x2.add(splat(1.66666666666666019037e-01), f64x2.mul(t, f64x2.add(splat(-2.77777777770155933842e-03), f64x2.mul(t, f64x2.add(splat(6.61375632143793436117e-05), f64x2.mul(t, f64x2.add(splat(-1.65339022054652515390e-06), f64x2.mul(t, splat(4.13813679705723846039e-08)))))))))));
  const y = f64x2.sub(splat(1), f64x2.sub(f64x2.sub(lo, f64x2.div(f64x2.mul(r, c), f64x2.sub(splat(2), c))), hi));
  const twopk = i64x2.shl(i64x2.add(i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(k)), isplat(0x3ff)), 52);
  return f64x2.mul(y, twopk);
}

/** ln x in each lane, as log. */
@inline export function logLanes(x: v128): v128 {
  const hx = i64x2.shr_u(x, 32); // the high words (the sign bit among them)
  let k = i64x2.sub(i64x2.shr_u(hx, 20), isplat(1023));
  const hm = v128.and(hx, isplat(0x000fffff));
  const normal = v128.and(i64x2.gt_s(hx, isplat(0x000fffff)), i64x2.lt_s(hx, isplat(0x7ff00000)));
  const tiny = i64x2.lt_s(v128.and(i64x2.add(hm, isplat(2)), isplat(0x000fffff)), isplat(3));
  if (!v128.all_true<i64>(normal) || v128.any_true(tiny)) ok = false;
  const sel = v128.and(i64x2.add(hm, isplat(0x95f64)), isplat(0x100000));
  const m = v128.or(i64x2.shl(v128.or(hm, v128.xor(sel, isplat(0x3ff00000))), 32), v128.and(x, isplat(0xffffffff)));
  k = i64x2.add(k, i64x2.shr_u(sel, 20));
  const f = f64x2.sub(m, splat(1));
  const s = f64x2.div(f, f64x2.add(splat(2), f));
  const dk = f64x2.convert_low_i32x4_s(i32x4.shuffle(k, k, 0, 2, 0, 2));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const t1 = f64x2.mul(w, f64x2.add(splat(3.999999999940941908e-01), f64x2.mul(w, f64x2.add(splat(2.222219843214978396e-01), f64x2.mul(w, splat(1.531383769920937332e-01))))));
  const t2 = f64x2.mul(z, f64x2.add(splat(6.666666666666735130e-01), f64x2.mul(w, f64x2.add(splat(2.857142874366239149e-01), f64x2.mul(w, f64x2.add(splat(1.818357216161805012e-01), f64x2.mul(w, splat(1.479819860511658591e-01))))))));
  const big = i64x2.gt_s(v128.or(i64x2.sub(hm, isplat(0x6147a)), i64x2.sub(isplat(0x6b851), hm)), isplat(0));
  const R = f64x2.add(t2, t1);
  const hi = f64x2.mul(dk, splat(LN2_HI));
  const lo = f64x2.mul(dk, splat(LN2_LO));
  const hfsq = f64x2.mul(f64x2.mul(splat(0.5), f), f);
  const withHf = f64x2.sub(hi, f64x2.sub(f64x2.sub(hfsq, f64x2.add(f64x2.mul(s, f64x2.add(hfsq, R)), lo)), f));
  const without = f64x2.sub(hi, f64x2.sub(f64x2.sub(f64x2.mul(s, f64x2.sub(f, R)), lo), f));
  return v128.bitselect(withHf, without, big);
}
