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
 *   kernel.applyBand(band, above, dst, width, y0, y1, t, io, smooth)
 *     a worker's band, its deep shadows smoothed first when smooth (the module holds
 *     wasm/shadow8.ts's kernel too: shadowKernel8's result without its band of floats)
 */
import { SRGB_TABLE_N } from '../image/srgb';
import { gridAxes, knotTables, SEG_BINS, type CurveTransform, type PixelIo } from './curve-apply';
import { HI, LIN_HI, LO } from './shadow-smooth';
import { SHADOW_TABLE_BYTES, writeShadowTables } from './shadow-smooth-wasm';
import { kernelOnce } from './simd';

export interface Kernel8 {
  applyRows(src: Uint8Array, dst: Uint8Array, width: number, y0: number, y1: number, t: CurveTransform, io: PixelIo): void;
  /**
   * A worker's band: `band` holds photo rows y0 − above .. y1 (+ RADIUS rows below where the
   * photo has them); rows y0..y1 go to `dst`, which may be the band's own rows. With `smooth`,
   * the deep shadows are smoothed first (shadow-smooth.ts) in the same module's memory: the
   * smoothed floats stay in a few cached rows instead of travelling as a band of their own.
   */
  applyBand(band: Uint8Array, above: number, dst: Uint8Array, width: number, y0: number, y1: number, t: CurveTransform, io: PixelIo, smooth: boolean): void;
}

type Kernel = (...args: number[]) => number;

/** Rows per kernel call: bounds the module's memory for a photo passed whole (a UI band is 224). */
const CHUNK_ROWS = 256;
/** Rows smoothed per call in applyBand: their floats (12 bytes a pixel) stay in cache for the curves. */
const SMOOTH_ROWS = 16;

export const wasmKernel = kernelOnce('curve-apply8', (module): Kernel8 => {
  const applyRows8 = module.exports.applyRows8 as Kernel;
  const smoothRows8 = module.exports.smoothRows8 as Kernel;

  /**
   * Lays out the transform's tables and `extra` blocks after them, fills the tables, and
   * returns a call of applyRows8 on rows a..b (photo rows) from/to byte offsets, with a
   * shadow band at `sh` (0: none), and the extra blocks' offsets.
   */
  function prepare(width: number, t: CurveTransform, io: PixelIo, extra: number[]): { run: (pIn: number, pOut: number, a: number, b: number, sh: number) => void; at: number[] } {
    if (io.inMax !== 255 || io.outMax !== 255 || io.pre) throw new RangeError('the wasm kernel takes 8-bit samples in and out');
    const k = t.knots.length;
    // layout, 16-byte aligned: knots, invDx, seg, curves, lines, cell0, cell1, cf, rowI0, rowI1, rowF, then the caller's
    const at = module.layout([4 * (k + 4), 4 * (k + 4), SEG_BINS + 1, 4 * t.curves.length, 8 * t.gw * k, 4 * (width + 4), 4 * (width + 4), 4 * (width + 4), 4 * io.height, 4 * io.height, 4 * io.height, ...extra]);
    const buf = module.buffer;
    const [pKnots, pInvDx, pSeg, pCurves, pLine, pCell0, pCell1, pCf, pRowI0, pRowI1, pRowF] = at;
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
    const [wbR, wbG, wbB] = t.wb;
    const dR = t.wbDark[0] - wbR;
    const dG = t.wbDark[1] - wbG;
    const dB = t.wbDark[2] - wbB;
    const oneWb = dR === 0 && dG === 0 && dB === 0 ? 1 : 0;
    const run = (pIn: number, pOut: number, a: number, b: number, sh: number): void =>
      void applyRows8(pIn, pOut, width, a, b, pKnots, pInvDx, pSeg, pCurves, pLine, pCell0, pCell1, pCf, pRowI0, pRowI1, pRowF, k, t.gw,
        wbR, wbG, wbB, dR, dG, dB, 1 / t.darkWb, oneWb, t.sat, t.satDark - t.sat, 1 / t.dark, t.sat === t.satDark ? 1 : 0, io.strength ?? 1, sh);
    return { run, at: at.slice(11) };
  }

  return {
    applyRows(src, dst, width, y0, y1, t, io) {
      const chunk = Math.min(CHUNK_ROWS, y1 - y0);
      const bandBytes = width * chunk * 3 + 16;
      const shadow = io.shadow;
      // in, out, shadow
      const { run, at } = prepare(width, t, io, [bandBytes, bandBytes, shadow ? 4 * (bandBytes - 16) + 48 : 0]);
      const [pIn, pOut, pShadow] = at;
      const buf = module.buffer;
      const row0 = io.bufferRow0 ?? 0;
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
        run(pIn, pOut, a, b, shadow ? pShadow : 0);
        dst.set(outBand.subarray(0, n), from);
      }
    },
    applyBand(band, above, dst, width, y0, y1, t, io, smooth) {
      const rowBytes = width * 3;
      const a0 = y0 - above;
      const rows = band.length / rowBytes;
      if (!Number.isInteger(rows) || rows < above + y1 - y0) throw new RangeError('the band does not hold rows y0..y1');
      const n = (y1 - y0) * rowBytes;
      // in (the whole band), out, smoothed rows, their flags, the smoothing's tables and ring
      const { run, at } = prepare(width, t, io, [band.length + 16, n + 16, 4 * SMOOTH_ROWS * rowBytes + 48, SMOOTH_ROWS, ...SHADOW_TABLE_BYTES, 4 * 6 * rowBytes + 64]);
      const [pIn, pOut, pSmooth, pChanged, pLut, pUnit, pEnc, pRing] = at;
      const buf = module.buffer;
      new Uint8Array(buf, pIn, band.length).set(band);
      if (!smooth) run(pIn + above * rowBytes, pOut, y0, y1, 0);
      else {
        writeShadowTables(buf, pLut, pUnit, pEnc);
        const changed = new Uint8Array(buf, pChanged, SMOOTH_ROWS);
        for (let a = y0; a < y1; a += SMOOTH_ROWS) {
          const b = Math.min(y1, a + SMOOTH_ROWS);
          const any = smoothRows8(pIn, a0, pSmooth, pChanged, pLut, pUnit, pEnc, SRGB_TABLE_N, pRing, width, io.height, a, b, LIN_HI, LO, HI);
          // runs of rows with and without smoothed pixels: the rows without read their samples
          for (let r = a; r < b; ) {
            const flag = any ? changed[r - a] : 0;
            let e = r + 1;
            while (e < b && (any ? changed[e - a] : 0) === flag) e++;
            run(pIn + (r - a0) * rowBytes, pOut + (r - y0) * rowBytes, r, e, flag ? pSmooth + (r - a) * rowBytes * 4 : 0);
            r = e;
          }
        }
      }
      dst.set(new Uint8Array(buf, pOut, n));
    },
  };
});
