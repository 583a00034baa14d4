/**
 * The Debevec merge with the kernel hdr/wasm/debevec-merge.ts (loaded by normalize/simd.ts):
 * debevec.ts's merge bit for bit (a test holds them), a row at a time: each frame's row of
 * 8-bit codes goes in, a row of radiance comes out.
 *
 *   mergeKernel() -> MergeRows | undefined
 */
import { kernelOnce } from '../normalize/simd';

type Kernel = (...args: number[]) => void;

/** Radiance rows into `out` (w·h·3) from each frame's rows of codes, its table of log E − log t (256·3) and the hat weights (256). */
export type MergeRows = (rows: Array<(y: number) => Uint8Array>, w: number, h: number, luts: Float32Array[], hat: Float32Array, out: Float32Array) => void;

export const mergeKernel = kernelOnce('debevec-merge', (module): MergeRows => {
  const mergeRow = module.exports.mergeRow as Kernel;
  return (rows, w, h, luts, hat, out) => {
    const frames = rows.length;
    const len = w * 3;
    const [pCodes, pLut, pHat, pArg, pOut] = module.layout([frames * len, frames * 256 * 3 * 4, 256 * 4, len * 8, len * 4]);
    const buf = module.buffer;
    const codes = new Uint8Array(buf, pCodes, frames * len);
    luts.forEach((lut, f) => new Float32Array(buf, pLut + f * 256 * 3 * 4, 256 * 3).set(lut));
    new Float32Array(buf, pHat, 256).set(hat);
    const row = new Float32Array(buf, pOut, len);
    for (let y = 0; y < h; y++) {
      for (let f = 0; f < frames; f++) codes.set(rows[f](y), f * len);
      mergeRow(pCodes, frames, w, pLut, pHat, pArg, pOut);
      out.set(row, y * len);
    }
  };
});
