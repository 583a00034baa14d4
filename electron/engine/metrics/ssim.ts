// Structural similarity (Wang, Bovik, Sheikh, Simoncelli 2004).
//
// Semantics match scikit-image's
//   structural_similarity(a, b, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
//                         data_range=255, channel_axis=-1)
// on 8-bit sRGB: Gaussian window 11x11 (sigma 1.5, truncate 3.5), K1 0.01, K2 0.03, L 255,
// local statistics filtered with scipy's 'reflect' border (d c b a | a b c d), the SSIM map
// averaged over the interior (5-pixel border cropped), per RGB channel, then the three
// channel means averaged.
//
// Rows are processed in bands so memory stays O(width * band) even for 24 MP images.
import type { RgbFloat } from '../image/types';
import { to8bit } from '../image/quantize';

const SIGMA = 1.5;
const RADIUS = 5; // int(truncate * sigma + 0.5) with truncate 3.5
const WIN = 2 * RADIUS + 1;
const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;
const BAND = 64;

function gaussianKernel(): Float64Array {
  const k = new Float64Array(WIN);
  let s = 0;
  for (let i = -RADIUS; i <= RADIUS; i++) {
    k[i + RADIUS] = Math.exp((-0.5 * i * i) / (SIGMA * SIGMA));
    s += k[i + RADIUS];
  }
  for (let i = 0; i < WIN; i++) k[i] /= s;
  return k;
}

/** scipy.ndimage 'reflect' (half-sample symmetric) index, valid for any overshoot. */
function reflect(i: number, n: number): number {
  const period = 2 * n;
  let j = i % period;
  if (j < 0) j += period;
  return j < n ? j : period - 1 - j;
}

/** Mean SSIM of two same-size images (1 for identical images). */
export function ssim(a: RgbFloat, b: RgbFloat): number {
  const { width: w, height: h } = a;
  if (w !== b.width || h !== b.height) {
    throw new Error(`ssim: size mismatch ${w}x${h} vs ${b.width}x${b.height}`);
  }
  if (w < WIN || h < WIN) throw new Error(`ssim: image ${w}x${h} is smaller than the ${WIN}x${WIN} window`);
  const k = gaussianKernel();
  const colIdx = new Int32Array(w + 2 * RADIUS);
  for (let x = -RADIUS; x < w + RADIUS; x++) colIdx[x + RADIUS] = reflect(x, w);

  // one quantised source row (3 channels) and the 5 horizontally filtered statistics
  const qa = new Float64Array(w * 3);
  const qb = new Float64Array(w * 3);
  const rowsH = BAND + 2 * RADIUS;
  const stride = w * 3;
  const hx = new Float64Array(rowsH * stride);
  const hy = new Float64Array(rowsH * stride);
  const hxx = new Float64Array(rowsH * stride);
  const hyy = new Float64Array(rowsH * stride);
  const hxy = new Float64Array(rowsH * stride);
  const sums = [0, 0, 0];

  for (let y0 = 0; y0 < h; y0 += BAND) {
    const y1 = Math.min(h, y0 + BAND);
    const nRows = y1 - y0 + 2 * RADIUS;
    for (let r = 0; r < nRows; r++) {
      const sy = reflect(y0 - RADIUS + r, h);
      const base = sy * stride;
      for (let i = 0; i < stride; i++) {
        qa[i] = to8bit(a.data[base + i]);
        qb[i] = to8bit(b.data[base + i]);
      }
      const o = r * stride;
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < 3; c++) {
          let sx = 0, sy2 = 0, sxx = 0, syy = 0, sxy = 0;
          for (let t = 0; t < WIN; t++) {
            const j = colIdx[x + t] * 3 + c;
            const kv = k[t];
            const va = qa[j];
            const vb = qb[j];
            sx += kv * va;
            sy2 += kv * vb;
            sxx += kv * va * va;
            syy += kv * vb * vb;
            sxy += kv * va * vb;
          }
          const p = o + x * 3 + c;
          hx[p] = sx;
          hy[p] = sy2;
          hxx[p] = sxx;
          hyy[p] = syy;
          hxy[p] = sxy;
        }
      }
    }
    // vertical pass; only interior pixels (cropped like skimage) count
    for (let y = Math.max(y0, RADIUS); y < Math.min(y1, h - RADIUS); y++) {
      const r0 = y - y0; // first halo row index for this output row
      for (let x = RADIUS; x < w - RADIUS; x++) {
        for (let c = 0; c < 3; c++) {
          let mx = 0, my = 0, exx = 0, eyy = 0, exy = 0;
          for (let t = 0; t < WIN; t++) {
            const p = (r0 + t) * stride + x * 3 + c;
            const kv = k[t];
            mx += kv * hx[p];
            my += kv * hy[p];
            exx += kv * hxx[p];
            eyy += kv * hyy[p];
            exy += kv * hxy[p];
          }
          const vx = exx - mx * mx;
          const vy = eyy - my * my;
          const cxy = exy - mx * my;
          sums[c] += ((2 * mx * my + C1) * (2 * cxy + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2));
        }
      }
    }
  }
  const n = (w - 2 * RADIUS) * (h - 2 * RADIUS);
  return (sums[0] + sums[1] + sums[2]) / (3 * n);
}
