/**
 * Mertens weights with the kernel hdr/wasm/mertens-weight.ts (loaded by normalize/simd.ts):
 * mertens.ts's mertensWeight bit for bit (a test holds them), a row at a time, each source row
 * read once (8-bit and 16-bit rows through the same tables rasterRows uses). Only the exponents
 * 0 and 1 are the kernel's (the defaults and OpenCV's); others keep the JavaScript.
 *
 *   weightKernel() -> ((frame, expTable, use, out) => void) | undefined
 *     use: [contrast, saturation, exposure], each 1 (the term) or 0 (left out)
 */
import type { Raster, RgbFloat } from '../image/types';
import { floatScale } from '../image/to-float';
import { reflect101 } from '../image/reflect';
import { kernelOnce } from '../normalize/simd';

type Kernel = (...args: number[]) => void;

export type WeightKernel = (frame: RgbFloat | Raster, expTable: Float64Array, use: readonly [number, number, number], out: Float32Array) => void;

export const weightKernel = kernelOnce('mertens-weight', (module): WeightKernel => {
  const { rowU8, rowU16, rowF32, weightRow } = module.exports as Record<string, Kernel>;
  return (frame, expTable, use, out) => {
    const { width: w, height: h } = frame;
    const bits = 'bits' in frame ? frame.bits : 32;
    const lut = bits === 32 ? undefined : floatScale(bits);
    // three RGB slots, their grey, a source row, the table of floats, the exp table, a row of weights
    const [pRgb, pGrey, pSrc, pLut, pExp, pOut] = module.layout([36 * w, 12 * w, (w * 3 * (bits === 32 ? 32 : bits)) / 8, lut ? 4 * lut.length : 0, 8 * expTable.length, 4 * w]);
    const buf = module.buffer;
    new Float64Array(buf, pExp, expTable.length).set(expTable);
    if (lut) new Float32Array(buf, pLut, lut.length).set(lut);
    const src = bits === 8 ? new Uint8Array(buf, pSrc, w * 3) : bits === 16 ? new Uint16Array(buf, pSrc, w * 3) : new Float32Array(buf, pSrc, w * 3);
    const outRow = new Float32Array(buf, pOut, w);
    const tags = [-1, -1, -1];
    const slotOf = (y: number): number => {
      const slot = y % 3;
      if (tags[slot] !== y) {
        src.set(frame.data.subarray(y * w * 3, (y + 1) * w * 3));
        if (bits === 8) rowU8(pSrc, pLut, pRgb, pGrey, w, slot);
        else if (bits === 16) rowU16(pSrc, pLut, pRgb, pGrey, w, slot);
        else rowF32(pSrc, pRgb, pGrey, w, slot);
        tags[slot] = y;
      }
      return slot;
    };
    for (let y = 0; y < h; y++) {
      // rows y - 1, y and y + 1 have three residues mod 3, so none evicts another
      const su = slotOf(reflect101(y - 1, h));
      const sd = slotOf(reflect101(y + 1, h));
      weightRow(pRgb, pGrey, w, su, slotOf(y), sd, use[0], use[1], use[2], pExp, pOut);
      out.set(outRow, y * w);
    }
  };
});
