// Gaussian / Laplacian pyramids with OpenCV's exact pyrDown / pyrUp arithmetic, so that
// exposure fusion built on them reproduces cv2.createMergeMertens().
//
// Planes are interleaved float32 with `channels` values per pixel.
//  - pyrDown: 5-tap [1 4 6 4 1]/16 separable, BORDER_REFLECT_101, output ((w+1)/2, (h+1)/2).
//  - pyrUp: zero-insertion + 5-tap kernel x4 (= [1 6 1]/8 at even, [4 4]/8 at odd outputs);
//    OpenCV's source-index mapping reflect101(2i, 2n)/2 mirrors the first row/column and
//    *replicates* the last one; an odd extra output column copies column 2n-1 and an extra
//    output row copies row 2h-2 (both as OpenCV does).
import { reflect101 } from '../image/reflect';
import { rasterRows } from '../image/to-float';

export interface FloatPlanes {
  width: number;
  height: number;
  channels: number;
  data: Float32Array;
}

/** pyrDown's horizontal pass of source row `s`, decimated to dw columns, into `row` (unnormalised, ×16). */
function downRow(s: Float32Array, cn: number, dw: number, xi: Int32Array, row: Float32Array): void {
  if (cn === 3) {
    for (let x = 0, t = 0; x < dw; x++, t += 3) {
      const b = x * 5;
      const i0 = xi[b], i1 = xi[b + 1], i2 = xi[b + 2], i3 = xi[b + 3], i4 = xi[b + 4];
      row[t] = s[i2] * 6 + (s[i1] + s[i3]) * 4 + s[i0] + s[i4];
      row[t + 1] = s[i2 + 1] * 6 + (s[i1 + 1] + s[i3 + 1]) * 4 + s[i0 + 1] + s[i4 + 1];
      row[t + 2] = s[i2 + 2] * 6 + (s[i1 + 2] + s[i3 + 2]) * 4 + s[i0 + 2] + s[i4 + 2];
    }
    return;
  }
  for (let x = 0; x < dw; x++) {
    const b = x * 5;
    const i0 = xi[b], i1 = xi[b + 1], i2 = xi[b + 2], i3 = xi[b + 3], i4 = xi[b + 4];
    for (let c = 0; c < cn; c++) {
      row[x * cn + c] = s[i2 + c] * 6 + (s[i1 + c] + s[i3 + c]) * 4 + s[i0 + c] + s[i4 + c];
    }
  }
}

/**
 * Horizontal passes of source rows kept in a small ring, tagged by row: an output row reads
 * source rows within a span of `size`, so no two it needs share a slot. It replaces a whole
 * intermediate plane (half the input at full resolution) and the memory traffic through it.
 */
class RowRing {
  private readonly rows: Float32Array[];
  private readonly tags: Int32Array;
  constructor(size: number, len: number, private readonly fill: (y: number, row: Float32Array) => void) {
    this.rows = Array.from({ length: size }, () => new Float32Array(len));
    this.tags = new Int32Array(size).fill(-1);
  }
  get(y: number): Float32Array {
    const k = y % this.rows.length;
    const row = this.rows[k];
    if (this.tags[k] !== y) {
      this.fill(y, row);
      this.tags[k] = y;
    }
    return row;
  }
}

/** A plane read a row at a time (width·channels floats); a row may be a buffer the next call reuses. */
export type Rows = (y: number) => Float32Array;

/** The rows of a float plane, as views. */
export function rowsOf(p: FloatPlanes): Rows {
  const len = p.width * p.channels;
  return (y) => p.data.subarray(y * len, (y + 1) * len);
}

/** pyrDown into `into` when given (its data at least ((w+1)/2)·((h+1)/2)·channels long), else into a new plane. */
export function pyrDown(src: FloatPlanes, into?: Float32Array): FloatPlanes {
  return pyrDownRows(rowsOf(src), src.width, src.height, src.channels, into);
}

/** pyrDown of a plane given by its rows (each source row is read once). */
export function pyrDownRows(rows: Rows, sw: number, sh: number, cn: number, into?: Float32Array): FloatPlanes {
  const dw = (sw + 1) >> 1;
  const dh = (sh + 1) >> 1;
  const xi = new Int32Array(dw * 5);
  for (let x = 0; x < dw; x++) for (let k = 0; k < 5; k++) xi[x * 5 + k] = reflect101(2 * x - 2 + k, sw) * cn;
  const rowLen = dw * cn;
  const ring = new RowRing(5, rowLen, (y, row) => downRow(rows(y), cn, dw, xi, row));
  const out = into ? into.subarray(0, dw * dh * cn) : new Float32Array(dw * dh * cn);
  for (let y = 0; y < dh; y++) {
    const t0 = ring.get(reflect101(2 * y - 2, sh));
    const t1 = ring.get(reflect101(2 * y - 1, sh));
    const t2 = ring.get(reflect101(2 * y, sh));
    const t3 = ring.get(reflect101(2 * y + 1, sh));
    const t4 = ring.get(reflect101(2 * y + 2, sh));
    const o = y * rowLen;
    for (let x = 0; x < rowLen; x++) {
      out[o + x] = (t2[x] * 6 + (t1[x] + t3[x]) * 4 + t0[x] + t4[x]) * (1 / 256);
    }
  }
  return { width: dw, height: dh, channels: cn, data: out };
}

/** Source index used by OpenCV's pyrUp for neighbour i of an n-long axis. */
export function upIndex(i: number, n: number): number {
  return reflect101(2 * i, 2 * n) >> 1;
}

/** pyrUp's horizontal pass of source row y into `row`: 2·sw (+1) columns, unnormalised (×8). */
function upRow(s: Float32Array, so: number, sw: number, cn: number, dw: number, li: Int32Array, ri: Int32Array, row: Float32Array): void {
  if (cn === 3) {
    for (let x = 0, m = so, e = 0; x < sw; x++, m += 3, e += 6) {
      const l = so + li[x], r = so + ri[x];
      const m0 = s[m], m1 = s[m + 1], m2 = s[m + 2];
      const r0 = s[r], r1 = s[r + 1], r2 = s[r + 2];
      row[e] = s[l] + m0 * 6 + r0;
      row[e + 1] = s[l + 1] + m1 * 6 + r1;
      row[e + 2] = s[l + 2] + m2 * 6 + r2;
      row[e + 3] = (m0 + r0) * 4;
      row[e + 4] = (m1 + r1) * 4;
      row[e + 5] = (m2 + r2) * 4;
    }
  } else {
    for (let x = 0; x < sw; x++) {
      const l = so + li[x];
      const m = so + x * cn;
      const r = so + ri[x];
      const e = 2 * x * cn;
      for (let c = 0; c < cn; c++) {
        row[e + c] = s[l + c] + s[m + c] * 6 + s[r + c];
        row[e + cn + c] = (s[m + c] + s[r + c]) * 4;
      }
    }
  }
  if (dw > sw * 2) for (let c = 0; c < cn; c++) row[(dw - 1) * cn + c] = row[(2 * sw - 1) * cn + c];
}

/**
 * pyrUp(src) to (dw, dh) one output row at a time, without building it: `visit` gets each row
 * (dw·cn values in a buffer reused for the next row) in order. The values are pyrUp's, bit for
 * bit; a caller that only adds the result into another plane (a Laplacian level, a collapse)
 * saves the whole plane and a pass over memory.
 */
export function forEachPyrUpRow(src: FloatPlanes, dw: number, dh: number, visit: (row: Float32Array, y: number) => void): void {
  const { width: sw, height: sh, channels: cn, data: s } = src;
  checkPyrUpSize(sw, sh, dw, dh);
  const hLen = Math.max(dw, sw * 2) * cn;
  const li = new Int32Array(sw);
  const ri = new Int32Array(sw);
  for (let x = 0; x < sw; x++) {
    li[x] = upIndex(x - 1, sw) * cn;
    ri[x] = upIndex(x + 1, sw) * cn;
  }
  const ring = new RowRing(3, hLen, (y, row) => upRow(s, y * sw * cn, sw, cn, dw, li, ri, row));
  const dLen = dw * cn;
  const out = new Float32Array(dLen);
  // an extra last row (dh = 2·sh + 1) repeats row 2·sh − 2, as OpenCV does
  const extra = dh > sh * 2 ? new Float32Array(dLen) : undefined;
  for (let y = 0; y < sh; y++) {
    const t0 = ring.get(upIndex(y - 1, sh));
    const t1 = ring.get(y);
    const t2 = ring.get(upIndex(y + 1, sh));
    for (let x = 0; x < dLen; x++) out[x] = (t0[x] + t1[x] * 6 + t2[x]) * (1 / 64);
    if (extra && y === sh - 1) extra.set(out);
    visit(out, 2 * y);
    if (2 * y + 1 < dh) {
      for (let x = 0; x < dLen; x++) out[x] = (t1[x] + t2[x]) * 4 * (1 / 64);
      visit(out, 2 * y + 1);
    }
  }
  if (extra) visit(extra, sh * 2);
}

/** Each side of pyrUp's output must be 2n or 2n ± 1 of its input's n, as OpenCV requires. */
export function checkPyrUpSize(sw: number, sh: number, dw: number, dh: number): void {
  if (Math.abs(dw - sw * 2) !== dw % 2 || Math.abs(dh - sh * 2) !== dh % 2) {
    throw new Error(`pyrUp: cannot go from ${sw}x${sh} to ${dw}x${dh}`);
  }
}

/** pyrUp to (dw, dh); each must be 2n or 2n±1 as OpenCV requires. */
export function pyrUp(src: FloatPlanes, dw = src.width * 2, dh = src.height * 2): FloatPlanes {
  const cn = src.channels;
  const out = new Float32Array(dw * dh * cn);
  forEachPyrUpRow(src, dw, dh, (row, y) => out.set(row, y * dw * cn));
  return { width: dw, height: dh, channels: cn, data: out };
}

/** dst += pyrUp(src) to dst's size, row by row (a Laplacian pyramid's collapse step). */
export function addPyrUp(dst: FloatPlanes, src: FloatPlanes): void {
  const d = dst.data;
  const len = dst.width * dst.channels;
  forEachPyrUpRow(src, dst.width, dst.height, (row, y) => {
    const o = y * len;
    for (let x = 0; x < len; x++) d[o + x] += row[x];
  });
}

/**
 * Levels 0..maxLevel, level 0 being the input itself (not copied), like cv::buildPyramid.
 * `reuse` (a pyramid of the same size and channels from an earlier call) lends its level
 * buffers: at full resolution a fresh buffer costs more in page faults than the filtering.
 * `ops` does the filtering (the JavaScript by default; mertens.ts passes the kernel's).
 */
export function gaussianPyramid(src: FloatPlanes, maxLevel: number, reuse?: FloatPlanes[], ops: PyramidOps = scalarPyramidOps): FloatPlanes[] {
  const pyr = [src];
  for (let l = 1; l <= maxLevel; l++) pyr.push(ops.pyrDown({ ...pyr[l - 1], bits: 32 }, reuse?.[l]?.data));
  return pyr;
}

/** Turns a Gaussian pyramid into a Laplacian one in place (last level stays Gaussian). */
export function toLaplacian(pyr: FloatPlanes[]): FloatPlanes[] {
  for (let l = 0; l < pyr.length - 1; l++) {
    const up = pyrUp(pyr[l + 1], pyr[l].width, pyr[l].height);
    const d = pyr[l].data;
    for (let i = 0; i < d.length; i++) d[i] -= up.data[i];
  }
  return pyr;
}

/** Collapses a Laplacian pyramid in place; returns level 0. */
export function collapseLaplacian(pyr: FloatPlanes[]): FloatPlanes {
  for (let l = pyr.length - 1; l > 0; l--) addPyrUp(pyr[l - 1], pyr[l]);
  return pyr[0];
}

/** A plane as its samples: a decoded frame's 8- or 16-bit pixels (read as code / max) or floats. */
export interface SampleRows {
  width: number;
  height: number;
  channels: number;
  bits: 8 | 16 | 32;
  data: Uint8Array | Uint16Array | Float32Array;
}

/** Its rows as floats (the same values a float copy of the whole plane would hold). */
export function sampleRows(s: SampleRows): Rows {
  if (s.bits === 32) return rowsOf({ width: s.width, height: s.height, channels: s.channels, data: s.data as Float32Array });
  if (s.channels !== 3) throw new Error('sampleRows: integer samples come as RGB');
  return rasterRows({ width: s.width, height: s.height, bits: s.bits, data: s.data as Uint8Array | Uint16Array });
}

/**
 * What a Laplacian blend (mertens.ts) does with pyramids: here in JavaScript, in
 * pyramid-wasm.ts the same values from a WebAssembly kernel.
 */
export interface PyramidOps {
  /** pyrDown of a plane given by its samples, into `into` when given */
  pyrDown(src: SampleRows, into?: Float32Array): FloatPlanes;
  /**
   * One level of a weighted Laplacian blend: acc += (g − pyrUp(above)) · w, or, for the top
   * level (no level above), acc += g · w; w holds one weight a pixel
   */
  laplace(acc: Float32Array, g: SampleRows, above: FloatPlanes | undefined, w: Float32Array): void;
  /** dst += pyrUp(src) (a Laplacian pyramid's collapse step) */
  addUp(dst: FloatPlanes, src: FloatPlanes): void;
}

export const scalarPyramidOps: PyramidOps = {
  pyrDown: (src, into) => pyrDownRows(sampleRows(src), src.width, src.height, src.channels, into),
  laplace(acc, g, above, w) {
    const { width: gw, height: gh, channels: cn } = g;
    const rows = sampleRows(g);
    if (above) forEachPyrUpRow(above, gw, gh, (up, y) => addWeightedDifference(acc, rows(y), up, w, y * gw, gw, cn));
    else for (let y = 0; y < gh; y++) addWeighted(acc, rows(y), w, y * gw, gw, cn);
  },
  addUp: addPyrUp,
};

/** acc += (g − up) · w over one row of `width` pixels starting at pixel p0 (`g` and `up` hold just that row). */
function addWeightedDifference(acc: Float32Array, g: Float32Array, up: Float32Array, w: Float32Array, p0: number, width: number, cn: number): void {
  if (cn === 3) {
    for (let x = 0, j = p0 * 3, u = 0; x < width; x++, j += 3, u += 3) {
      const wv = w[p0 + x];
      acc[j] += (g[u] - up[u]) * wv;
      acc[j + 1] += (g[u + 1] - up[u + 1]) * wv;
      acc[j + 2] += (g[u + 2] - up[u + 2]) * wv;
    }
    return;
  }
  for (let x = 0, j = p0; x < width; x++, j++) acc[j] += (g[x] - up[x]) * w[j];
}

/** acc += g · w over one row (the top level, which stays Gaussian). */
function addWeighted(acc: Float32Array, g: Float32Array, w: Float32Array, p0: number, width: number, cn: number): void {
  if (cn === 3) {
    for (let x = 0, j = p0 * 3, u = 0; x < width; x++, j += 3, u += 3) {
      const wv = w[p0 + x];
      acc[j] += g[u] * wv;
      acc[j + 1] += g[u + 1] * wv;
      acc[j + 2] += g[u + 2] * wv;
    }
    return;
  }
  for (let x = 0, j = p0; x < width; x++, j++) acc[j] += g[x] * w[j];
}
