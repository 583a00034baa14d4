// Peak signal-to-noise ratio between two images of the same size.
import type { RgbFloat } from '../image/types';
import { to8bit } from '../image/quantize';

/**
 * PSNR in dB over all three channels.
 * - Without `peak`: both images are quantised to 8-bit sRGB (round(clamp(v,0,1)*255)) and
 *   compared with peak 255 — the figure a viewer of the JPEG/PNG would get.
 * - With `peak`: compared on the raw float values with that peak (e.g. 1 for unclamped
 *   float results such as OpenCV parity checks).
 * Identical inputs give Infinity.
 */
export function psnr(a: RgbFloat, b: RgbFloat, peak?: number): number {
  if (a.width !== b.width || a.height !== b.height) {
    throw new Error(`psnr: size mismatch ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  }
  const n = a.data.length;
  if (n === 0) throw new Error('psnr: empty image');
  let sum = 0;
  if (peak === undefined) {
    for (let i = 0; i < n; i++) {
      const d = to8bit(a.data[i]) - to8bit(b.data[i]);
      sum += d * d;
    }
    peak = 255;
  } else {
    for (let i = 0; i < n; i++) {
      const d = a.data[i] - b.data[i];
      sum += d * d;
    }
  }
  const mse = sum / n;
  if (mse === 0) return Infinity;
  return 10 * Math.log10((peak * peak) / mse);
}
