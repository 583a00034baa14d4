/**
 * The SIMD kernel of the transform: wasm/curve-apply.ts (AssemblyScript, loaded by simd.ts).
 * This lays the transform's tables and a band of rows out in the module's memory and runs it.
 * 8-bit, 16-bit or float32 RGB in (a float photo with RAW headroom's map, io.pre) and out. Two
 * to three times the speed of applyTransformRows on the same core (`npm run bench -- simd`);
 * its float32 arithmetic puts an 8-bit sample one code apart from it about once in 10⁵, a
 * 16-bit one about once in 10³, a float one about 1e-6 apart. The transform's workers
 * (curve-apply-worker.ts) use it for every band; an install without the .wasm takes
 * applyTransformRows.
 *
 *   wasmKernel() -> Kernel | undefined   compiled once per thread, undefined when unavailable
 *   kernel.applyRows(src, dst, width, y0, y1, t, io)   as applyTransformRows
 *   kernel.applyBand(band, above, dst, width, y0, y1, t, io, smooth)
 *     a worker's band, its deep shadows smoothed first when smooth (the module holds
 *     wasm/shadow-smooth.ts's kernels too: shadowKernel's result without its band of floats)
 *   warmKernel()   runs the kernel on a made-up band a few times (a worker, as it starts)
 */
import { SRGB_TABLE_N } from '../image/srgb';
import { gridAxes, knotTables, SEG_BINS, type CurveTransform, type KnotTables, type PixelIo } from './curve-apply';
import { HI, LIN_HI, LO, RADIUS } from './shadow-smooth';
import { shadowEntry, shadowRingBytes, shadowTableBytes, writeShadowTablesFor } from './shadow-smooth-wasm';
import { kernelOnce } from './simd';

type In = Uint8Array | Uint16Array | Float32Array;
type Out = Uint8Array | Uint16Array | Float32Array;

export interface Kernel {
  /** As applyTransformRows: 8-bit (inMax 255), 16-bit (65535) or float (1) in and out. */
  applyRows(src: In, dst: Out, width: number, y0: number, y1: number, t: CurveTransform, io: PixelIo): void;
  /**
   * A worker's band: `band` holds photo rows y0 − above .. y1 (+ RADIUS rows below where the
   * photo has them); rows y0..y1 go to `dst`, which may be the band's own rows. 8-bit, 16-bit or
   * float in and out. The band streams through the module's memory a few rows at a time; with
   * `smooth`, the deep shadows are smoothed first (shadow-smooth.ts) in that same memory, so
   * the smoothed floats stay in a few cached rows instead of travelling as a band of their own.
   */
  applyBand(band: In, above: number, dst: Out, width: number, y0: number, y1: number, t: CurveTransform, io: PixelIo, smooth: boolean): void;
}

type Fn = (...args: number[]) => number;

// sample kinds, as wasm/curve-apply.ts numbers them
const U8 = 0;
const F32 = 1;
const U16 = 2;

/** The kernel's kind for a buffer of samples at full scale `max`, or a RangeError. */
function kindOf(a: In | Out, max: number, what: string): number {
  if (a instanceof Uint8Array && max === 255) return U8;
  if (a instanceof Float32Array && max === 1) return F32;
  if (a instanceof Uint16Array && max === 65535) return U16;
  throw new RangeError(`the wasm kernel takes 8-bit, 16-bit or float samples (${what}: ${a.constructor.name} at full scale ${max})`);
}

/** Bytes a sample of this kind takes. */
const BYTES = [1, 4, 2];

function samplesAt(kind: number, buf: ArrayBuffer, at: number, length: number): In {
  return kind === F32 ? new Float32Array(buf, at, length) : kind === U16 ? new Uint16Array(buf, at, length) : new Uint8Array(buf, at, length);
}

/**
 * Input bytes per kernel call. The rows are copied into the module's memory and the result out
 * of it: chunks that stay in cache keep those copies cheap and the memory small (a module's
 * memory never shrinks, and each page it grows by faults in on first use).
 */
const CHUNK_BYTES = 1 << 20;
/** Rows per step of applyBand (smoothed, then through the curves): its samples and their smoothed floats (12 bytes a pixel) stay in cache. */
const SMOOTH_ROWS = 16;

/**
 * Each bin's segment and that segment's upper knot, interleaved (i32, f32) as the kernel reads
 * them; once per set of knots (knotTables keeps one per set), as the tables below once per photo
 * width and grid: a worker lays them out for every band, and building them there cost more than
 * the copy.
 */
const bins = new WeakMap<KnotTables, Uint8Array>();
function binTable(tables: KnotTables): Uint8Array {
  let table = bins.get(tables);
  if (!table) {
    const { knots, seg } = tables;
    const words = new ArrayBuffer(8 * (SEG_BINS + 1));
    const segOf = new Int32Array(words);
    const upperOf = new Float32Array(words);
    for (let b = 0; b <= SEG_BINS; b++) {
      segOf[2 * b] = seg[b];
      upperOf[2 * b + 1] = knots[seg[b] + 1];
    }
    table = new Uint8Array(words);
    bins.set(tables, table);
  }
  return table;
}

/**
 * Per column, the offset of its first cell's lines (cell · (k − 1)) and the weight of the
 * second, padded by four columns that read cell 0 with weight 0 (a row's last step of four
 * reads past the photo). The kernel reads a column's two cells as its first cell's pair (that
 * cell and the next, or itself twice at the last, where the weight is 0: axisWeights).
 */
type Columns = ReturnType<typeof gridAxes>['cols'];
const columns = new WeakMap<Columns, { k: number; cell0: Int32Array; cf: Float32Array }>();
function columnTables(cols: Columns, gw: number, k: number): { cell0: Int32Array; cf: Float32Array } {
  let c = columns.get(cols);
  if (c?.k !== k) {
    const width = cols.i0.length;
    const cell0 = new Int32Array(width + 4);
    const cf = new Float32Array(width + 4);
    for (let x = 0; x < width; x++) {
      if (cols.i1[x] !== Math.min(cols.i0[x] + 1, gw - 1)) throw new RangeError('a column between two cells that are not neighbours');
      cell0[x] = cols.i0[x] * (k - 1);
      cf[x] = cols.f[x];
    }
    c = { k, cell0, cf };
    columns.set(cols, c);
  }
  return c;
}

export const wasmKernel = kernelOnce('curve-apply', (module): Kernel => {
  const applyRows = module.exports.applyRows as Fn;

  /**
   * Lays out the transform's tables (and RAW headroom's, io.pre) and `extra` blocks after them,
   * fills the tables, and returns a call of the kernel on rows a..b (photo rows) from/to byte
   * offsets, with a shadow band at `sh` (0: none), and the extra blocks' offsets.
   */
  function prepare(width: number, t: CurveTransform, io: PixelIo, inKind: number, outKind: number, extra: number[]): { run: (pIn: number, pOut: number, a: number, b: number, sh: number) => void; at: number[] } {
    const pre = io.pre;
    if (pre && inKind !== F32) throw new RangeError('the headroom map is for float input');
    const k = t.knots.length;
    // layout, 16-byte aligned: knots, invDx, seg, curves, lines, cell0, cf, rowI0, rowI1, rowF, headroom, then the caller's
    const at = module.layout([4 * (k + 4), 4 * (k + 4), 8 * (SEG_BINS + 1), 4 * t.curves.length, 16 * t.gw * k, 4 * (width + 4), 4 * (width + 4), 4 * io.height, 4 * io.height, 4 * io.height, pre ? 4 * pre.table.length : 0, ...extra]);
    const buf = module.buffer;
    const [pKnots, pInvDx, pSeg, pCurves, pLine, pCell0, pCf, pRowI0, pRowI1, pRowF, pPre] = at;
    const tables = knotTables(t.knots);
    new Float32Array(buf, pKnots, k).set(t.knots);
    new Float32Array(buf, pInvDx, k - 1).set(tables.invDx);
    new Uint8Array(buf, pSeg, 8 * (SEG_BINS + 1)).set(binTable(tables));
    new Float32Array(buf, pCurves, t.curves.length).set(t.curves);
    if (pre) new Float32Array(buf, pPre, pre.table.length).set(pre.table);
    const { cols, rows } = gridAxes(width, t, io);
    const c = columnTables(cols, t.gw, k);
    new Int32Array(buf, pCell0, width + 4).set(c.cell0);
    new Float32Array(buf, pCf, width + 4).set(c.cf);
    new Int32Array(buf, pRowI0, io.height).set(rows.i0);
    new Int32Array(buf, pRowI1, io.height).set(rows.i1);
    new Float32Array(buf, pRowF, io.height).set(rows.f);
    const [wbR, wbG, wbB] = t.wb;
    const dR = t.wbDark[0] - wbR;
    const dG = t.wbDark[1] - wbG;
    const dB = t.wbDark[2] - wbB;
    const oneWb = dR === 0 && dG === 0 && dB === 0 ? 1 : 0;
    const run = (pIn: number, pOut: number, a: number, b: number, sh: number): void =>
      void applyRows(pIn, inKind, pOut, outKind, width, a, b, pKnots, pInvDx, pSeg, pCurves, pLine, pCell0, pCf, pRowI0, pRowI1, pRowF, k, t.gw,
        wbR, wbG, wbB, dR, dG, dB, 1 / t.darkWb, oneWb, t.sat, t.satDark - t.sat, 1 / t.dark, t.sat === t.satDark ? 1 : 0, io.strength ?? 1, sh,
        pre ? pPre : 0, pre?.top ?? 0, pre?.scale ?? 0, pre?.gain ?? 1);
    return { run, at: at.slice(11) };
  }

  return {
    applyRows(src, dst, width, y0, y1, t, io) {
      const inKind = kindOf(src, io.inMax, 'input');
      const outKind = kindOf(dst, io.outMax, 'output');
      const chunk = Math.max(1, Math.min(y1 - y0, Math.floor(CHUNK_BYTES / (width * 3 * BYTES[inKind]))));
      const samples = width * chunk * 3;
      const shadow = io.shadow;
      // in, out, shadow; four pixels a step: 48 bytes of slack past each
      const { run, at } = prepare(width, t, io, inKind, outKind, [samples * BYTES[inKind] + 48, samples * BYTES[outKind] + 48, shadow ? 4 * samples + 48 : 0]);
      const [pIn, pOut, pShadow] = at;
      const buf = module.buffer;
      const row0 = io.bufferRow0 ?? 0;
      const inBand = samplesAt(inKind, buf, pIn, samples);
      const outBand = samplesAt(outKind, buf, pOut, samples);
      const rowSamples = width * 3;
      for (let a = y0; a < y1; a += chunk) {
        const b = Math.min(y1, a + chunk);
        const from = (a - row0) * rowSamples;
        const n = (b - a) * rowSamples;
        inBand.set(src.subarray(from, from + n));
        // the smoothed rows hold the call's rows y0..y1 from their start
        if (shadow) new Float32Array(buf, pShadow, n).set(shadow.subarray((a - y0) * rowSamples, (a - y0) * rowSamples + n));
        run(pIn, pOut, a, b, shadow ? pShadow : 0);
        dst.set(outBand.subarray(0, n), from);
      }
    },
    applyBand(band, above, dst, width, y0, y1, t, io, smooth) {
      const rowLen = width * 3;
      const a0 = y0 - above;
      const bandRows = band.length / rowLen;
      if (!Number.isInteger(bandRows) || bandRows < above + y1 - y0) throw new RangeError('the band does not hold rows y0..y1');
      const inKind = kindOf(band, io.inMax, 'input');
      const outKind = kindOf(dst, io.outMax, 'output');
      const inRow = rowLen * BYTES[inKind];
      const outRow = rowLen * BYTES[outKind];
      // the band streams through the module's memory SMOOTH_ROWS rows at a time (with the
      // smoothing's margin row each side), so that memory stays small and in cache
      const chunk = SMOOTH_ROWS;
      const tables = shadowTableBytes(io.inMax);
      // in (a chunk and its margins), out, smoothed rows, their flags, the smoothing's tables and ring
      const { run, at } = prepare(width, t, io, inKind, outKind, [(chunk + 2) * inRow + 48, chunk * outRow + 48, 4 * chunk * rowLen + 48, chunk, ...(smooth ? tables : [0, 0, 0]), smooth ? shadowRingBytes(rowLen) : 0]);
      const [pIn, pOut, pSmooth, pChanged, pLut, pUnit, pEnc, pRing] = at;
      const buf = module.buffer;
      if (smooth) writeShadowTablesFor(io.inMax, buf, pLut, pUnit, pEnc);
      const smoothRows = module.exports[shadowEntry(io.inMax)] as Fn;
      const changed = new Uint8Array(buf, pChanged, chunk);
      const last = a0 + bandRows; // rows a0..last − 1 are in the band
      // the row above a chunk as it came (RADIUS is one row): `dst` may be the band's own rows, written a chunk ahead
      const above1 = samplesAt(inKind, new ArrayBuffer(inRow), 0, rowLen);
      for (let a = y0; a < y1; a += chunk) {
        const b = Math.min(y1, a + chunk);
        // rows c0..c1 of the band into the module: the chunk, and its margins where smoothed
        const c0 = smooth ? Math.max(a0, a - RADIUS) : a;
        const c1 = smooth ? Math.min(last, b + RADIUS) : b;
        const into = samplesAt(inKind, buf, pIn, (c1 - c0) * rowLen);
        into.set(band.subarray((c0 - a0) * rowLen, (c1 - a0) * rowLen));
        if (c0 < a && a > y0) into.set(above1);
        if (smooth && b < y1) above1.set(band.subarray((b - 1 - a0) * rowLen, (b - a0) * rowLen));
        const any = smooth && smoothRows(pIn, c0, pSmooth, pChanged, pLut, pUnit, pEnc, SRGB_TABLE_N, pRing, width, io.height, a, b, LIN_HI, LO, HI);
        // runs of rows with and without smoothed pixels: the rows without read their samples
        for (let r = a; r < b; ) {
          const flag = any ? changed[r - a] : 0;
          let e = r + 1;
          while (e < b && (any ? changed[e - a] : 0) === flag) e++;
          run(pIn + (r - c0) * inRow, pOut + (r - a) * outRow, r, e, flag ? pSmooth + (r - a) * rowLen * 4 : 0);
          r = e;
        }
        dst.set(samplesAt(outKind, buf, pOut, (b - a) * rowLen), (a - y0) * rowLen);
      }
    },
  };
});

/**
 * The kernel run on a made-up dark band, smoothed and not, as a worker starts (while the photo
 * decodes). V8 first runs WebAssembly from a baseline compile and swaps in optimised code
 * only for later calls, and the module's memory grows with the first wide band: a worker's
 * first band of a 36 MP photo lost about 10 ms to the two (scratch timings of the kernel's
 * 16-row steps: 10 / 2.2 / 2.2 / 2.3 ms and then 1.3, against 3.8 and then 1.0 after this).
 */
export function warmKernel(): void {
  const kernel = wasmKernel();
  if (!kernel) return;
  const k = 24;
  const knots = Float32Array.from({ length: k }, (_, i) => (i / (k - 1)) ** 2.5);
  // every cell lifts its shadows (so the smoothing runs) and is monotone
  const curves = new Float32Array(4 * k).map((_, i) => Math.sqrt(knots[i % k]));
  const t: CurveTransform = { gh: 2, gw: 2, knots, curves, wb: [1, 1, 1], sat: 1, satDark: 0.8, dark: 0.05, wbDark: [1, 1, 1], darkWb: 1 };
  const run = (width: number, rows: number, smooth: boolean): void => {
    const band = new Uint8Array((rows + 1) * width * 3).map((_, i) => (i * 7) % 13);
    kernel.applyBand(band, 0, new Uint8Array(rows * width * 3), width, 0, rows, t, { inMax: 255, outMax: 255, height: rows + 1 }, smooth);
  };
  for (let i = 0; i < 8; i++) run(2048, 8, i % 2 === 1);
  run(8192, 16, true);
}
