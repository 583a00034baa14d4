// Camera response recovery and radiance merge after Debevec & Malik (1997), reproducing
// cv2.createCalibrateDebevec() (defaults: 70 samples, lambda 10, grid sampling) and
// cv2.createMergeDebevec() from OpenCV 4.6 (photo/src/calibrate.cpp, merge.cpp).
// Inputs are quantised to 8 bits first (OpenCV requires 8-bit frames); channels are
// handled independently, so results match OpenCV fed the same channel order.
import type { RgbFloat } from '../image/types';
import { lstsq } from './lstsq';
import { floatToU8 } from '../image/quantize';

const LDR = 256;

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
export function calibrateDebevec(images: RgbFloat[], times: number[], opts: CalibrateOptions = {}): Float32Array {
  const { samples = 70, lambda = 10 } = opts;
  if (images.length !== times.length) throw new Error(`calibrateDebevec: ${images.length} images but ${times.length} exposure times`);
  if (images.length < 2) throw new Error('calibrateDebevec: needs at least two exposures');
  const { width: cols, height: rows } = images[0];
  const q = images.map((img) => floatToU8(img.data));
  const w = triangleWeights();
  const pts = gridSamples(samples, cols, rows);
  const nEq = pts.length * images.length + LDR + 1;
  const nUnk = LDR + pts.length;
  const logT = times.map((t) => Math.log(Math.fround(t)));
  const response = new Float32Array(LDR * 3);
  for (let ch = 0; ch < 3; ch++) {
    const A = new Float64Array(nEq * nUnk);
    const B = new Float64Array(nEq);
    let k = 0;
    for (let i = 0; i < pts.length; i++) {
      const [x, y] = pts[i];
      for (let j = 0; j < images.length; j++) {
        const z = q[j][(y * cols + x) * 3 + ch];
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

/** Radiance map (linear, relative units) like MergeDebevec: per-pixel hat weight averaged over channels. */
export function mergeDebevec(images: RgbFloat[], times: number[], response: Float32Array = linearResponse()): RgbFloat {
  if (images.length !== times.length) throw new Error(`mergeDebevec: ${images.length} images but ${times.length} exposure times`);
  if (response.length !== LDR * 3) throw new Error('mergeDebevec: response must have 256 x 3 entries');
  const { width, height } = images[0];
  const n = width * height;
  const w = triangleWeights();
  const logR = new Float32Array(LDR * 3);
  for (let i = 0; i < logR.length; i++) logR[i] = Math.log(response[i]);
  const acc = new Float32Array(n * 3);
  const wsum = new Float32Array(n);
  // per-channel lookup of log E(z) - log t, indexed by the 8-bit code
  const lut = new Float32Array(LDR * 3);
  for (let f = 0; f < images.length; f++) {
    const im = images[f];
    if (im.width !== width || im.height !== height) throw new Error(`mergeDebevec: frame size ${im.width}x${im.height} differs from ${width}x${height}`);
    const lt = Math.fround(Math.log(Math.fround(times[f])));
    for (let i = 0; i < lut.length; i++) lut[i] = logR[i] - lt;
    const d = im.data;
    for (let p = 0, j = 0; p < n; p++, j += 3) {
      const z0 = q8(d[j]), z1 = q8(d[j + 1]), z2 = q8(d[j + 2]);
      const wt = Math.fround((w[z0] + w[z1] + w[z2]) / 3);
      acc[j] += wt * lut[z0 * 3];
      acc[j + 1] += wt * lut[z1 * 3 + 1];
      acc[j + 2] += wt * lut[z2 * 3 + 2];
      wsum[p] += wt;
    }
  }
  const out = acc; // reuse: each value is read once before it is replaced
  for (let p = 0, j = 0; p < n; p++, j += 3) {
    const inv = 1 / wsum[p];
    out[j] = Math.exp(acc[j] * inv);
    out[j + 1] = Math.exp(acc[j + 1] * inv);
    out[j + 2] = Math.exp(acc[j + 2] * inv);
  }
  return { width, height, data: out };
}

function q8(v: number): number {
  const q = Math.round(v * 255);
  return q < 0 ? 0 : q > 255 ? 255 : q;
}
