/**
 * SSIM with the kernel metrics/wasm/ssim.ts (loaded by normalize/simd.ts): ssim.ts's
 * arithmetic, two samples a step in SIMD, rows pushed one at a time so the kernel's memory stays
 * a ring of rows. Every sample's SSIM is the JavaScript's bit for bit; only the order of the
 * sums differs (a test holds the two within 1e-12). An install without the .wasm takes the
 * JavaScript.
 *
 *   ssimKernel() -> ((a, b, k, c1, c2) => sum) | undefined
 *     the SSIM map's sum over the interior, every channel, for ssim.ts to average
 */
import type { RgbFloat } from '../image/types';
import { kernelOnce } from '../normalize/simd';

type Kernel = (...args: number[]) => number;

export type SsimSum = (a: RgbFloat, b: RgbFloat, k: Float64Array, c1: number, c2: number) => number;

export const ssimKernel = kernelOnce('ssim', (module): SsimSum => {
  const pushRow = module.exports.pushRow as Kernel;
  const reset = module.exports.reset as () => void;
  const total = module.exports.total as () => number;
  return (a, b, k, c1, c2) => {
    const { width: w, height: h } = a;
    const radius = (k.length - 1) >> 1;
    const stride = w * 3;
    const n = (w - 2 * radius) * 3;
    const qStride = stride + 2; // the last pair's second sample reads one past the row
    const pairs = (n + 1) >> 1;
    // rows a and b, q, ring, kernel
    const [pA, pB, pQ, pRing, pK] = module.layout([4 * stride, 4 * stride, 8 * 5 * qStride, k.length * pairs * 80, 8 * k.length]);
    const buf = module.buffer;
    const rowA = new Float32Array(buf, pA, stride);
    const rowB = new Float32Array(buf, pB, stride);
    new Float64Array(buf, pK, k.length).set(k);
    reset();
    for (let sy = 0; sy < h; sy++) {
      rowA.set(a.data.subarray(sy * stride, (sy + 1) * stride));
      rowB.set(b.data.subarray(sy * stride, (sy + 1) * stride));
      pushRow(pA, pB, pQ, qStride, pRing, pK, stride, n, sy, c1, c2);
    }
    return total();
  };
});
