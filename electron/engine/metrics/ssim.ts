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
// Only interior pixels count, and their 11×11 windows lie inside the image, so no border is ever
// read: each source row is filtered horizontally once, into a ring of the last 11 rows, and each
// interior row's vertical pass reads that ring. Memory stays O(width); the kernel's symmetry
// halves the multiplies (36 MP: README, The command line). The same steps run two samples a step
// in WebAssembly SIMD where the kernel loads (ssim-wasm.ts), which is most of eval's time.
import type { RgbFloat } from '../image/types';
import { to8bit } from '../image/quantize';
import { ssimKernel } from './ssim-wasm';

const SIGMA = 1.5;
const RADIUS = 5; // int(truncate * sigma + 0.5) with truncate 3.5
const WIN = 2 * RADIUS + 1;
const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

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

/**
 * The kernel across one row's interior samples, for the five statistics at once: ring[o + i·5 + s]
 * for statistic s (x, y, x², y², xy) of sample i + RADIUS·3 (interleaved RGB).
 */
function filterRow(q: Float64Array[], ring: Float64Array, o: number, n: number, k: Float64Array): void {
  const k0 = k[RADIUS];
  for (let s = 0; s < 5; s++) {
    const src = q[s];
    for (let i = 0; i < n; i++) {
      const c = i + RADIUS * 3;
      let v = k0 * src[c];
      for (let d = 1, e = 3; d <= RADIUS; d++, e += 3) v += k[RADIUS + d] * (src[c + e] + src[c - e]);
      ring[o + i * 5 + s] = v;
    }
  }
}

function checkSizes(a: RgbFloat, b: RgbFloat): void {
  const { width: w, height: h } = a;
  if (w !== b.width || h !== b.height) {
    throw new Error(`ssim: size mismatch ${w}x${h} vs ${b.width}x${b.height}`);
  }
  if (w < WIN || h < WIN) throw new Error(`ssim: image ${w}x${h} is smaller than the ${WIN}x${WIN} window`);
}

/** Mean SSIM of two same-size images (1 for identical images). */
export function ssim(a: RgbFloat, b: RgbFloat): number {
  const kernel = ssimKernel();
  if (!kernel) return ssimScalar(a, b);
  checkSizes(a, b);
  return kernel(a, b, gaussianKernel(), C1, C2) / (3 * (a.width - 2 * RADIUS) * (a.height - 2 * RADIUS));
}

/** ssim in JavaScript alone (where the kernel does not load; tests hold the two together). */
export function ssimScalar(a: RgbFloat, b: RgbFloat): number {
  checkSizes(a, b);
  const { width: w, height: h } = a;
  const k = gaussianKernel();
  const stride = w * 3;
  const n = (w - 2 * RADIUS) * 3; // interior samples of a row
  // one quantised source row of each image and the three products the statistics need
  const [qa, qb, qaa, qbb, qab] = [0, 1, 2, 3, 4].map(() => new Float64Array(stride));
  const q = [qa, qb, qaa, qbb, qab];
  // the five statistics of the last WIN rows, filtered horizontally and interleaved per sample
  // (one stream per row for the vertical pass): slot (row % WIN) · n · 5
  const ring = new Float64Array(WIN * n * 5);
  const sums = [0, 0, 0];
  const k0 = k[RADIUS];
  // ring offsets of the rows d above and below the one being finished
  const up = new Int32Array(RADIUS + 1);
  const dn = new Int32Array(RADIUS + 1);

  for (let sy = 0; sy < h; sy++) {
    const base = sy * stride;
    for (let i = 0; i < stride; i++) {
      const va = to8bit(a.data[base + i]);
      const vb = to8bit(b.data[base + i]);
      qa[i] = va;
      qb[i] = vb;
      qaa[i] = va * va;
      qbb[i] = vb * vb;
      qab[i] = va * vb;
    }
    filterRow(q, ring, (sy % WIN) * n * 5, n, k);
    if (sy < 2 * RADIUS) continue;
    // the interior row y = sy − RADIUS: its window's rows are all in the ring now
    const y = sy - RADIUS;
    const oc = (y % WIN) * n * 5;
    for (let d = 1; d <= RADIUS; d++) {
      up[d] = ((y - d) % WIN) * n * 5;
      dn[d] = ((y + d) % WIN) * n * 5;
    }
    for (let x = 0; x < n; x += 3) {
      for (let c = 0; c < 3; c++) {
        const i = (x + c) * 5;
        let mx = k0 * ring[oc + i];
        let my = k0 * ring[oc + i + 1];
        let exx = k0 * ring[oc + i + 2];
        let eyy = k0 * ring[oc + i + 3];
        let exy = k0 * ring[oc + i + 4];
        for (let d = 1; d <= RADIUS; d++) {
          const kv = k[RADIUS + d];
          const u = up[d] + i;
          const v = dn[d] + i;
          mx += kv * (ring[u] + ring[v]);
          my += kv * (ring[u + 1] + ring[v + 1]);
          exx += kv * (ring[u + 2] + ring[v + 2]);
          eyy += kv * (ring[u + 3] + ring[v + 3]);
          exy += kv * (ring[u + 4] + ring[v + 4]);
        }
        const vx = exx - mx * mx;
        const vy = eyy - my * my;
        const cxy = exy - mx * my;
        sums[c] += ((2 * mx * my + C1) * (2 * cxy + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2));
      }
    }
  }
  const count = (w - 2 * RADIUS) * (h - 2 * RADIUS);
  return (sums[0] + sums[1] + sums[2]) / (3 * count);
}
