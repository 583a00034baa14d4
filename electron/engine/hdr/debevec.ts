// Camera response recovery and radiance merge after Debevec & Malik (1997), reproducing
// cv2.createCalibrateDebevec() (defaults: 70 samples, lambda 10, grid sampling) and
// cv2.createMergeDebevec() from OpenCV 4.6 (photo/src/calibrate.cpp, merge.cpp).
// Inputs are quantised to 8 bits first (OpenCV requires 8-bit frames); channels are
// handled independently, so results match OpenCV fed the same channel order. Frames are
// float or 8/16-bit as decoded, read a row at a time: no float or 8-bit copy of a frame.
import type { Raster, RgbFloat } from '../image/types';
import { lstsq } from './lstsq';
import { to8bit } from '../image/quantize';
import { floatScale } from '../image/to-float';
import { mergeKernel, type MergeRows } from './debevec-wasm';

export type DebevecFrame = RgbFloat | Raster;

const LDR = 256;

/**
 * A frame's rows as the 8-bit codes OpenCV's Debevec takes (`to8bit` of the float each sample
 * stands for). An 8-bit raster's codes are its own samples: its rows are views, not copies.
 */
function codeRows(f: DebevecFrame): (y: number) => Uint8Array {
  const len = f.width * 3;
  if ('bits' in f && f.bits === 8 && floatScale(8).every((v, k) => to8bit(v) === k)) {
    const d = f.data as Uint8Array;
    return (y) => d.subarray(y * len, (y + 1) * len);
  }
  const row = new Uint8Array(len);
  if ('bits' in f) {
    const codes = Uint8Array.from(floatScale(f.bits), to8bit);
    const d = f.data;
    return (y) => {
      for (let x = 0, j = y * len; x < len; x++, j++) row[x] = codes[d[j]];
      return row;
    };
  }
  const d = f.data;
  return (y) => {
    for (let x = 0, j = y * len; x < len; x++, j++) row[x] = to8bit(d[j]);
    return row;
  };
}

/** OpenCV 4.6 hat weights: z + 1 below 128, 256 - z above. */
export function triangleWeights(): Float32Array {
  const w = new Float32Array(LDR);
  for (let i = 0; i < LDR; i++) w[i] = i < LDR / 2 ? i + 1 : LDR - i;
  return w;
}

/** Grid sample positions exactly as CalibrateDebevec with random=false. */
export function gridSamples(samples: number, cols: number, rows: number): Array<[number, number]> {
  const xPoints = Math.trunc(Math.sqrt((samples * cols) / rows));
  if (!(xPoints > 0 && xPoints <= cols)) throw new Error(`calibrateDebevec: cannot place ${samples} samples on ${cols}x${rows}`);
  const yPoints = Math.trunc(samples / xPoints);
  if (!(yPoints > 0 && yPoints <= rows)) throw new Error(`calibrateDebevec: cannot place ${samples} samples on ${cols}x${rows}`);
  const stepX = Math.trunc(cols / xPoints);
  const stepY = Math.trunc(rows / yPoints);
  const pts: Array<[number, number]> = [];
  for (let i = 0, x = stepX >> 1; i < xPoints; i++, x += stepX) {
    for (let j = 0, y = stepY >> 1; j < yPoints; j++, y += stepY) {
      if (x >= 0 && x < cols && y >= 0 && y < rows) pts.push([x, y]);
    }
  }
  return pts;
}

export interface CalibrateOptions {
  samples?: number;
  lambda?: number;
}

/**
 * Recovers the inverse camera response: returns 256 x 3 interleaved values E(z) (relative
 * exposure producing pixel value z), normalised like OpenCV so that log E(128) = 0.
 */
export function calibrateDebevec(images: DebevecFrame[], times: number[], opts: CalibrateOptions = {}): Float32Array {
  const { samples = 70, lambda = 10 } = opts;
  if (images.length !== times.length) throw new Error(`calibrateDebevec: ${images.length} images but ${times.length} exposure times`);
  if (images.length < 2) throw new Error('calibrateDebevec: needs at least two exposures');
  const { width: cols, height: rows } = images[0];
  const w = triangleWeights();
  const pts = gridSamples(samples, cols, rows);
  // only the sampled pixels are read: codes[(i * frames + j) * 3 + ch]
  const codes = new Uint8Array(pts.length * images.length * 3);
  images.forEach((img, j) => {
    const row = codeRows(img);
    pts.forEach(([x, y], i) => codes.set(row(y).subarray(x * 3, x * 3 + 3), (i * images.length + j) * 3));
  });
  const nEq = pts.length * images.length + LDR + 1;
  const nUnk = LDR + pts.length;
  const logT = times.map((t) => Math.log(Math.fround(t)));
  const response = new Float32Array(LDR * 3);
  for (let ch = 0; ch < 3; ch++) {
    const A = new Float64Array(nEq * nUnk);
    const B = new Float64Array(nEq);
    let k = 0;
    for (let i = 0; i < pts.length; i++) {
      for (let j = 0; j < images.length; j++) {
        const z = codes[(i * images.length + j) * 3 + ch];
        const wij = w[z];
        A[k * nUnk + z] = wij;
        A[k * nUnk + LDR + i] = -wij;
        B[k] = wij * logT[j];
        k++;
      }
    }
    A[k * nUnk + LDR / 2] = 1; // fixes the curve: g(128) = 0
    k++;
    for (let i = 0; i < LDR - 2; i++) {
      const wi = w[i + 1];
      A[k * nUnk + i] = lambda * wi;
      A[k * nUnk + i + 1] = -2 * lambda * wi;
      A[k * nUnk + i + 2] = lambda * wi;
      k++;
    }
    // rows left all-zero (none with this layout) would be harmless for QR
    const sol = lstsq(A, B, nEq, nUnk);
    for (let z = 0; z < LDR; z++) response[z * 3 + ch] = Math.exp(sol[z]);
  }
  return response;
}

/** OpenCV's default when no response is given: E(z) = z, with E(0) = E(1). */
export function linearResponse(): Float32Array {
  const r = new Float32Array(LDR * 3);
  for (let z = 0; z < LDR; z++) r.fill(Math.max(z, 1), z * 3, z * 3 + 3);
  return r;
}

/**
 * Radiance map (linear, relative units) like MergeDebevec: per-pixel hat weight averaged over
 * channels. Pixel by pixel over all frames, so the sums stay in registers (float32, in frame
 * order, as OpenCV's accumulators) and the result is written once; by the WebAssembly kernel
 * where it loads (debevec-wasm.ts: the same radiance bit for bit, in about a third of the time).
 */
export function mergeDebevec(images: DebevecFrame[], times: number[], response: Float32Array = linearResponse()): RgbFloat {
  return merge(images, times, response, mergeKernel() ?? mergeRowsScalar);
}

/** mergeDebevec in JavaScript alone (where the kernel does not load; tests hold the two together). */
export function mergeDebevecScalar(images: DebevecFrame[], times: number[], response: Float32Array = linearResponse()): RgbFloat {
  return merge(images, times, response, mergeRowsScalar);
}

function merge(images: DebevecFrame[], times: number[], response: Float32Array, rowsInto: MergeRows): RgbFloat {
  if (images.length !== times.length) throw new Error(`mergeDebevec: ${images.length} images but ${times.length} exposure times`);
  if (response.length !== LDR * 3) throw new Error('mergeDebevec: response must have 256 x 3 entries');
  const { width, height } = images[0];
  for (const im of images) {
    if (im.width !== width || im.height !== height) throw new Error(`mergeDebevec: frame size ${im.width}x${im.height} differs from ${width}x${height}`);
  }
  const logR = new Float32Array(LDR * 3);
  for (let i = 0; i < logR.length; i++) logR[i] = Math.log(response[i]);
  // per frame and channel, log E(z) - log t indexed by the 8-bit code
  const luts = times.map((t) => {
    const lt = Math.fround(Math.log(Math.fround(t)));
    return logR.map((v) => v - lt);
  });
  const out = new Float32Array(width * height * 3);
  rowsInto(images.map(codeRows), width, height, luts, triangleWeights(), out);
  return { width, height, data: out };
}

const mergeRowsScalar: MergeRows = (rows, width, height, luts, w, out) => {
  const cur: Uint8Array[] = [];
  const frames = rows.length;
  const f32 = Math.fround;
  for (let y = 0, o = 0; y < height; y++) {
    for (let f = 0; f < frames; f++) cur[f] = rows[f](y);
    for (let j = 0; j < width * 3; j += 3, o += 3) {
      let a0 = 0, a1 = 0, a2 = 0, ws = 0;
      for (let f = 0; f < frames; f++) {
        const c = cur[f], lut = luts[f];
        const z0 = c[j], z1 = c[j + 1], z2 = c[j + 2];
        const wt = f32((w[z0] + w[z1] + w[z2]) / 3);
        a0 = f32(a0 + wt * lut[z0 * 3]);
        a1 = f32(a1 + wt * lut[z1 * 3 + 1]);
        a2 = f32(a2 + wt * lut[z2 * 3 + 2]);
        ws = f32(ws + wt);
      }
      const inv = 1 / ws;
      out[o] = Math.exp(a0 * inv);
      out[o + 1] = Math.exp(a1 * inv);
      out[o + 2] = Math.exp(a2 * inv);
    }
  }
};
