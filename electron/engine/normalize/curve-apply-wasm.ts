/**
 * The SIMD kernel for 8-bit photos: wasm/curve-apply8.ts (AssemblyScript, loaded by simd.ts).
 * This lays the transform's tables and a band of rows out in the module's memory and runs it.
 * About twice the speed of applyTransformRows on the same core (`npm run bench -- simd`); its
 * float32 arithmetic puts a sample one code apart from it about once in 10⁵. The transform
 * workers use it for 8-bit in and out; any other depth, or an install without the .wasm,
 * takes applyTransformRows.
 *
 *   wasmKernel() -> Kernel8 | undefined   compiled once per thread, undefined when unavailable
 *   kernel.applyRows(src, dst, width, y0, y1, t, io)   as applyTransformRows, 8-bit samples
 */
import { gridAxes, knotTables, SEG_BINS, type CurveTransform, type PixelIo } from './curve-apply';
import { kernelOnce } from './simd';

export interface Kernel8 {
  applyRows(src: Uint8Array, dst: Uint8Array, width: number, y0: number, y1: number, t: CurveTransform, io: PixelIo): void;
}

type ApplyRows8 = (...args: number[]) => void;

/** Rows per kernel call: bounds the module's memory for a photo passed whole (a UI band is 224). */
const CHUNK_ROWS = 256;

export const wasmKernel = kernelOnce('curve-apply8', (module): Kernel8 => {
  const applyRows8 = module.exports.applyRows8 as ApplyRows8;
  return {
    applyRows(src, dst, width, y0, y1, t, io) {
      if (io.inMax !== 255 || io.outMax !== 255 || io.pre) throw new RangeError('the wasm kernel takes 8-bit samples in and out');
      const k = t.knots.length;
      const chunk = Math.min(CHUNK_ROWS, y1 - y0);
      const bandBytes = width * chunk * 3 + 16;
      const shadow = io.shadow;
      // layout, 16-byte aligned: knots, invDx, seg, curves, lines, cell0, cell1, cf, rowI0, rowI1, rowF, in, out, shadow
      const at = module.layout([4 * (k + 4), 4 * (k + 4), SEG_BINS + 1, 4 * t.curves.length, 8 * t.gw * k, 4 * (width + 4), 4 * (width + 4), 4 * (width + 4), 4 * io.height, 4 * io.height, 4 * io.height, bandBytes, bandBytes, shadow ? 4 * (bandBytes - 16) + 48 : 0]);
      const buf = module.buffer;
      const [pKnots, pInvDx, pSeg, pCurves, pLine, pCell0, pCell1, pCf, pRowI0, pRowI1, pRowF, pIn, pOut, pShadow] = at;
      const tables = knotTables(t.knots);
      new Float32Array(buf, pKnots, k).set(t.knots);
      new Float32Array(buf, pInvDx, k - 1).set(tables.invDx);
      new Uint8Array(buf, pSeg, SEG_BINS + 1).set(tables.seg);
      new Float32Array(buf, pCurves, t.curves.length).set(t.curves);
      const { cols, rows } = gridAxes(width, t, io);
      const cell0 = new Int32Array(buf, pCell0, width + 4);
      const cell1 = new Int32Array(buf, pCell1, width + 4);
      const cf = new Float32Array(buf, pCf, width + 4);
      for (let x = 0; x < width; x++) {
        cell0[x] = cols.i0[x] * (k - 1);
        cell1[x] = cols.i1[x] * (k - 1);
        cf[x] = cols.f[x];
      }
      // the padding columns (a row's last step of four) read cell 0, not what an earlier call left
      cell0.fill(0, width);
      cell1.fill(0, width);
      cf.fill(0, width);
      new Int32Array(buf, pRowI0, io.height).set(rows.i0);
      new Int32Array(buf, pRowI1, io.height).set(rows.i1);
      new Float32Array(buf, pRowF, io.height).set(rows.f);
      const row0 = io.bufferRow0 ?? 0;
      const [wbR, wbG, wbB] = t.wb;
      const dR = t.wbDark[0] - wbR;
      const dG = t.wbDark[1] - wbG;
      const dB = t.wbDark[2] - wbB;
      const oneWb = dR === 0 && dG === 0 && dB === 0 ? 1 : 0;
      const inBand = new Uint8Array(buf, pIn, bandBytes);
      const outBand = new Uint8Array(buf, pOut, bandBytes);
      const rowBytes = width * 3;
      for (let a = y0; a < y1; a += chunk) {
        const b = Math.min(y1, a + chunk);
        const from = (a - row0) * rowBytes;
        const n = (b - a) * rowBytes;
        inBand.set(src.subarray(from, from + n));
        // the smoothed rows hold the call's rows y0..y1 from their start
        if (shadow) new Float32Array(buf, pShadow, n).set(shadow.subarray((a - y0) * rowBytes, (a - y0) * rowBytes + n));
        applyRows8(pIn, pOut, width, a, b, pKnots, pInvDx, pSeg, pCurves, pLine, pCell0, pCell1, pCf, pRowI0, pRowI1, pRowF, k, t.gw,
          wbR, wbG, wbB, dR, dG, dB, 1 / t.darkWb, oneWb, t.sat, t.satDark - t.sat, 1 / t.dark, t.sat === t.satDark ? 1 : 0, io.strength ?? 1, shadow ? pShadow : 0);
        dst.set(outBand.subarray(0, n), from);
      }
    },
  };
});
