/**
 * The Mertens blend's pyramid work with the kernel hdr/wasm/pyramid.ts (loaded by
 * normalize/simd.ts): pyramid.ts's pyrDown and pyrUp and mertens.ts's weighted Laplacian sums,
 * bit for bit (a test holds mertensFuse to mertensFuseScalar), a row at a time: the rings of
 * filtered rows stay in the kernel's memory, and a source row goes in as decoded (8- or 16-bit
 * samples are read through the table `rasterRows` uses), so no frame is converted to float.
 *
 *   pyramidKernel() -> PyramidOps | undefined
 */
import { floatScale } from '../image/to-float';
import { reflect101 } from '../image/reflect';
import { kernelOnce } from '../normalize/simd';
import { checkPyrUpSize, upIndex, type FloatPlanes, type PyramidOps, type SampleRows } from './pyramid';

type Kernel = (...args: number[]) => void;

/** One output row of pyrUp: its three source rows' offsets in the ring, whether it is odd, its y. */
type UpVisit = (t0: number, t1: number, t2: number, odd: number, y: number) => void;

const BYTES = { 8: 1, 16: 2, 32: 4 } as const;

export const pyramidKernel = kernelOnce('pyramid', (module): PyramidOps => {
  const { toFloat, downRow, downCombine, upRow, upLaplace, upAdd, addWeighted } = module.exports as Record<string, Kernel>;
  const f32 = (at: number, n: number): Float32Array => new Float32Array(module.buffer, at, n);
  const i32 = (at: number, n: number): Int32Array => new Int32Array(module.buffer, at, n);
  /** A view of `src`'s kind over the kernel's memory at `at`, n samples. */
  const samples = (src: SampleRows, at: number, n: number): Uint8Array | Uint16Array | Float32Array =>
    src.bits === 8 ? new Uint8Array(module.buffer, at, n) : src.bits === 16 ? new Uint16Array(module.buffer, at, n) : f32(at, n);
  const lutBytes = (src: SampleRows): number => (src.bits === 32 ? 0 : 4 * floatScale(src.bits).length);
  const putLut = (src: SampleRows, at: number): void => {
    if (src.bits !== 32) f32(at, floatScale(src.bits).length).set(floatScale(src.bits));
  };

  /**
   * pyrUp's rows of `above` a ring of three at a time in the kernel, as pyramid.ts
   * forEachPyrUpRow walks them. `extra` blocks are laid out after the ring for the caller:
   * `start` gets their offsets once and returns the visit, which gets the three rows' offsets for
   * each output row y (the extra last row of an odd height repeats row 2·sh − 2, as there).
   */
  const forEachUpRow = (above: FloatPlanes, dw: number, dh: number, extra: number[], start: (at: number[]) => UpVisit): void => {
    const { width: sw, height: sh, channels: cn, data: s } = above;
    checkPyrUpSize(sw, sh, dw, dh);
    const hLen = Math.max(dw, sw * 2) * cn;
    const [pRow, pLi, pRi, pRing, ...at] = module.layout([4 * sw * cn, 4 * sw, 4 * sw, 3 * 4 * hLen, ...extra]);
    const li = i32(pLi, sw), ri = i32(pRi, sw);
    for (let x = 0; x < sw; x++) {
      li[x] = upIndex(x - 1, sw) * cn;
      ri[x] = upIndex(x + 1, sw) * cn;
    }
    const row = f32(pRow, sw * cn);
    const visit = start(at);
    const tags = [-1, -1, -1];
    const slot = (y: number): number => {
      const k = y % 3;
      const p = pRing + k * 4 * hLen;
      if (tags[k] !== y) {
        row.set(s.subarray(y * sw * cn, (y + 1) * sw * cn));
        upRow(pRow, sw, cn, dw, pLi, pRi, p);
        tags[k] = y;
      }
      return p;
    };
    const even = (y: number): [number, number, number] => [slot(upIndex(y - 1, sh)), slot(y), slot(upIndex(y + 1, sh))];
    for (let y = 0; y < sh; y++) {
      const [t0, t1, t2] = even(y);
      visit(t0, t1, t2, 0, 2 * y);
      if (2 * y + 1 < dh) visit(t0, t1, t2, 1, 2 * y + 1);
    }
    if (dh > sh * 2) {
      const [t0, t1, t2] = even(sh - 1);
      visit(t0, t1, t2, 0, sh * 2);
    }
  };

  return {
    pyrDown(src, into) {
      const { width: sw, height: sh, channels: cn } = src;
      const dw = (sw + 1) >> 1, dh = (sh + 1) >> 1;
      const len = dw * cn, srcLen = sw * cn;
      const [pSrc, pF, pXi, pLut, pRing, pOut] = module.layout([BYTES[src.bits] * srcLen, 4 * srcLen, 20 * dw, lutBytes(src), 5 * 4 * len, 4 * len]);
      const xi = i32(pXi, 5 * dw);
      for (let x = 0; x < dw; x++) for (let k = 0; k < 5; k++) xi[x * 5 + k] = reflect101(2 * x - 2 + k, sw) * cn;
      putLut(src, pLut);
      const srcRow = samples(src, pSrc, srcLen);
      const tags = [-1, -1, -1, -1, -1];
      const slot = (y: number): number => {
        const k = y % 5;
        const p = pRing + k * 4 * len;
        if (tags[k] !== y) {
          srcRow.set(src.data.subarray(y * srcLen, (y + 1) * srcLen));
          if (src.bits !== 32) toFloat(src.bits, pSrc, pLut, srcLen, pF);
          downRow(src.bits === 32 ? pSrc : pF, sw, cn, dw, pXi, p);
          tags[k] = y;
        }
        return p;
      };
      const out = into ? into.subarray(0, dw * dh * cn) : new Float32Array(dw * dh * cn);
      const outRow = f32(pOut, len);
      for (let y = 0; y < dh; y++) {
        const t0 = slot(reflect101(2 * y - 2, sh));
        const t1 = slot(reflect101(2 * y - 1, sh));
        const t2 = slot(reflect101(2 * y, sh));
        const t3 = slot(reflect101(2 * y + 1, sh));
        const t4 = slot(reflect101(2 * y + 2, sh));
        downCombine(t0, t1, t2, t3, t4, len, pOut);
        out.set(outRow, y * len);
      }
      return { width: dw, height: dh, channels: cn, data: out };
    },

    laplace(acc, g, above, w) {
      const { width: gw, height: gh, channels: cn } = g;
      const len = gw * cn;
      const extra = [BYTES[g.bits] * len, lutBytes(g), 4 * gw, 4 * len];
      // the row buffers' views, made once the blocks are laid out: each row of g, w and acc in, acc out
      const rows = ([pG, pLut, pW, pAcc]: number[]) => {
        putLut(g, pLut);
        const gRow = samples(g, pG, len), wRow = f32(pW, gw), accRow = f32(pAcc, len);
        return (y: number, apply: () => void): void => {
          gRow.set(g.data.subarray(y * len, (y + 1) * len));
          wRow.set(w.subarray(y * gw, (y + 1) * gw));
          accRow.set(acc.subarray(y * len, (y + 1) * len));
          apply();
          acc.set(accRow, y * len);
        };
      };
      if (!above) {
        const at = module.layout(extra);
        const row = rows(at);
        for (let y = 0; y < gh; y++) row(y, () => addWeighted(gw, cn, g.bits, at[0], at[1], at[2], at[3]));
        return;
      }
      forEachUpRow(above, gw, gh, extra, (at) => {
        const row = rows(at);
        return (t0, t1, t2, odd, y) => row(y, () => upLaplace(t0, t1, t2, odd, gw, cn, g.bits, at[0], at[1], at[2], at[3]));
      });
    },

    addUp(dst, src) {
      const len = dst.width * dst.channels;
      forEachUpRow(src, dst.width, dst.height, [4 * len], ([pDst]) => {
        const d = f32(pDst, len);
        return (t0, t1, t2, odd, y) => {
          d.set(dst.data.subarray(y * len, (y + 1) * len));
          upAdd(t0, t1, t2, odd, len, pDst);
          dst.data.set(d, y * len);
        };
      });
    },
  };
});
