/**
 * AssemblyScript (built with the other kernels by `npm run build:wasm`, loaded by
 * ../ssim-wasm.ts): ssim.ts's mean SSIM, the same float64 arithmetic in the same order per
 * sample, two samples a step in 128-bit SIMD. Rows are pushed one at a time; each is quantised
 * to 8-bit codes (to8bit's rounding), filtered horizontally into a ring of the last WIN rows,
 * and once the ring holds a window, the row RADIUS above is filtered vertically and its SSIM
 * map added to one sum (each channel's mean has the same count, so the mean of the three is the
 * mean of all).
 *
 * Memory (laid out by the caller): rows a, b f32[stride]; q f64[5 · qStride] (the row's a, b,
 * a², b², ab, each padded past stride); ring f64[WIN · pairs · 10], pairs = ⌈n / 2⌉, n the
 * interior samples of a row, each pair of samples holding its five statistics as five f64x2;
 * k f64[WIN] (the Gaussian, from the caller so both paths use the same weights).
 */

const RADIUS: i32 = 5;
const WIN: i32 = 11;
const PAIR: usize = 80; // bytes of one pair's five f64x2

let sum: f64 = 0;

export function reset(): void {
  sum = 0;
}

/** The SSIM map's sum over every channel of the rows finished so far. */
export function total(): f64 {
  return sum;
}

@inline function q8(v: f32): f64 {
  return v > 0 ? (v < 1 ? <f64>(<i32>(<f64>v * 255 + 0.5)) : 255) : 0;
}

@inline function ld(p: usize): v128 {
  return v128.load(p);
}

/** The ring rows of the row being finished (a slot of 8 bytes each): its own, then the rows d above and below for d = 1..RADIUS. */
const ROWS: usize = memory.data(8 * (2 * RADIUS + 1));

/** The SSIM of the pair at ring offset o of the row being finished (the ring rows in ROWS). */
@inline function pairSsim(o: usize, pK: usize, c1: v128, c2: v128): v128 {
  const oc = load<usize>(ROWS) + o;
  const k0 = f64x2.splat(load<f64>(pK + (<usize>RADIUS << 3)));
  let mx = f64x2.mul(k0, ld(oc));
  let my = f64x2.mul(k0, ld(oc + 16));
  let exx = f64x2.mul(k0, ld(oc + 32));
  let eyy = f64x2.mul(k0, ld(oc + 48));
  let exy = f64x2.mul(k0, ld(oc + 64));
  // the JavaScript's order: the centre, then d = 1..RADIUS, each tap's two rows summed first
  for (let d = 1; d <= RADIUS; d++) {
    const kd = f64x2.splat(load<f64>(pK + (<usize>(RADIUS + d) << 3)));
    const u = load<usize>(ROWS + (<usize>(2 * d - 1) << 3)) + o;
    const v = load<usize>(ROWS + (<usize>(2 * d) << 3)) + o;
    mx = f64x2.add(mx, f64x2.mul(kd, f64x2.add(ld(u), ld(v))));
    my = f64x2.add(my, f64x2.mul(kd, f64x2.add(ld(u + 16), ld(v + 16))));
    exx = f64x2.add(exx, f64x2.mul(kd, f64x2.add(ld(u + 32), ld(v + 32))));
    eyy = f64x2.add(eyy, f64x2.mul(kd, f64x2.add(ld(u + 48), ld(v + 48))));
    exy = f64x2.add(exy, f64x2.mul(kd, f64x2.add(ld(u + 64), ld(v + 64))));
  }
  const mxx = f64x2.mul(mx, mx);
  const myy = f64x2.mul(my, my);
  const mxy = f64x2.mul(mx, my);
  const vx = f64x2.sub(exx, mxx);
  const vy = f64x2.sub(eyy, myy);
  const cxy = f64x2.sub(exy, mxy);
  const two = f64x2.splat(2);
  // the JavaScript's order: ((2·mx·my + C1)(2·cxy + C2)) / ((mx² + my² + C1)(vx + vy + C2))
  const num = f64x2.mul(f64x2.add(f64x2.mul(f64x2.mul(two, mx), my), c1), f64x2.add(f64x2.mul(two, cxy), c2));
  const den = f64x2.mul(f64x2.add(f64x2.add(mxx, myy), c1), f64x2.add(f64x2.add(vx, vy), c2));
  return f64x2.div(num, den);
}

/**
 * Pushes source row sy (rows a and b, stride floats each): quantised, filtered horizontally into
 * ring slot sy % WIN, and, from the row 2·RADIUS on, row sy − RADIUS finished into the sum.
 */
export function pushRow(pA: usize, pB: usize, pQ: usize, qStride: i32, pRing: usize, pK: usize, stride: i32, n: i32, sy: i32, c1: f64, c2: f64): void {
  const plane = <usize>qStride << 3;
  for (let i = 0; i < stride; i++) {
    const va = q8(load<f32>(pA + (<usize>i << 2)));
    const vb = q8(load<f32>(pB + (<usize>i << 2)));
    const at = pQ + (<usize>i << 3);
    store<f64>(at, va);
    store<f64>(at + plane, vb);
    store<f64>(at + 2 * plane, va * va);
    store<f64>(at + 3 * plane, vb * vb);
    store<f64>(at + 4 * plane, va * vb);
  }
  const k0 = f64x2.splat(load<f64>(pK + (<usize>RADIUS << 3)));
  const pairs = (n + 1) >> 1;
  const rowBytes = <usize>pairs * PAIR;
  const slot = pRing + <usize>(sy % WIN) * rowBytes;
  // horizontal: sample i of the interior is source sample i + 3·RADIUS; taps 3 apart (RGB)
  for (let s = 0; s < 5; s++) {
    const src = pQ + <usize>s * plane + (<usize>(3 * RADIUS) << 3);
    const dst = slot + (<usize>s << 4);
    for (let p = 0; p < pairs; p++) {
      const c = src + (<usize>p << 4);
      let v = f64x2.mul(k0, ld(c));
      for (let d = 1; d <= RADIUS; d++) {
        const e = <usize>(24 * d);
        v = f64x2.add(v, f64x2.mul(f64x2.splat(load<f64>(pK + (<usize>(RADIUS + d) << 3))), f64x2.add(ld(c + e), ld(c - e))));
      }
      v128.store(dst + <usize>p * PAIR, v);
    }
  }
  if (sy < 2 * RADIUS) return;
  const y = sy - RADIUS;
  store<usize>(ROWS, pRing + <usize>(y % WIN) * rowBytes);
  for (let d = 1; d <= RADIUS; d++) {
    store<usize>(ROWS + (<usize>(2 * d - 1) << 3), pRing + <usize>((y - d) % WIN) * rowBytes);
    store<usize>(ROWS + (<usize>(2 * d) << 3), pRing + <usize>((y + d) % WIN) * rowBytes);
  }
  const vc1 = f64x2.splat(c1);
  const vc2 = f64x2.splat(c2);
  // the three channels' means have the same count, so their mean is the mean of one sum
  let acc = f64x2.splat(0);
  const whole = n >> 1;
  for (let p = 0; p < whole; p++) {
    acc = f64x2.add(acc, pairSsim(<usize>p * PAIR, pK, vc1, vc2));
  }
  let row = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  // an odd n: the last pair's first sample (its second is past the row)
  if (n & 1) row += f64x2.extract_lane(pairSsim(<usize>whole * PAIR, pK, vc1, vc2), 0);
  sum += row;
}
