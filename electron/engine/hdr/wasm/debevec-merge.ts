/**
 * AssemblyScript (built with the other kernels by `npm run build:wasm`, loaded by
 * ../debevec-wasm.ts): debevec.ts's mergeDebevec, a row at a time, the same float64 steps with
 * the same float32 roundings, and fdlibm's exp as V8's Math.exp, so every radiance is the
 * JavaScript's bit for bit.
 *
 * Memory (laid out by the caller): each frame's row of 8-bit codes u8[w·3] one after another at
 * codesPtr; each frame's table of log E(z) − log t, f32[256·3] interleaved by channel, at lutPtr;
 * the hat weights f32[256] at hatPtr; one row of radiance f32[w·3] at outPtr, and its exponents
 * f64[w·3] at argPtr on the way (taken to exp two at a time in SIMD).
 */
import { exp, expLanes, lanesOk } from './lib/fdlibm';

export function mergeRow(codesPtr: usize, frames: i32, w: i32, lutPtr: usize, hatPtr: usize, argPtr: usize, outPtr: usize): void {
  const len = <usize>w * 3;
  for (let x = 0; x < w; x++) {
    let a0: f64 = 0;
    let a1: f64 = 0;
    let a2: f64 = 0;
    let ws: f64 = 0;
    for (let f = 0; f < frames; f++) {
      const c = codesPtr + <usize>f * len + <usize>x * 3;
      const lut = lutPtr + <usize>f * 3072;
      const z0 = <usize>load<u8>(c);
      const z1 = <usize>load<u8>(c, 1);
      const z2 = <usize>load<u8>(c, 2);
      const wt = <f64><f32>((<f64>load<f32>(hatPtr + (z0 << 2)) + <f64>load<f32>(hatPtr + (z1 << 2)) + <f64>load<f32>(hatPtr + (z2 << 2))) / 3);
      a0 = <f64><f32>(a0 + wt * <f64>load<f32>(lut + z0 * 12));
      a1 = <f64><f32>(a1 + wt * <f64>load<f32>(lut + z1 * 12 + 4));
      a2 = <f64><f32>(a2 + wt * <f64>load<f32>(lut + z2 * 12 + 8));
      ws = <f64><f32>(ws + wt);
    }
    const inv = 1 / ws;
    const a = argPtr + <usize>x * 24;
    store<f64>(a, a0 * inv);
    store<f64>(a, a1 * inv, 8);
    store<f64>(a, a2 * inv, 16);
  }
  let j: usize = 0;
  for (; j + 1 < len; j += 2) {
    const v = v128.load(argPtr + (j << 3));
    const e = expLanes(v);
    if (lanesOk()) v128.store64_lane(outPtr + (j << 2), f32x4.demote_f64x2_zero(e), 0);
    else {
      store<f32>(outPtr + (j << 2), <f32>exp(f64x2.extract_lane(v, 0)));
      store<f32>(outPtr + (j << 2), <f32>exp(f64x2.extract_lane(v, 1)), 4);
    }
  }
  for (; j < len; j++) store<f32>(outPtr + (j << 2), <f32>exp(load<f64>(argPtr + (j << 3))));
}
