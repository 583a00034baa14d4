/**
 * The editor works on a preview-sized copy (long side <= maxSide) so interactive
 * normalisation stays fast on 50 MP photos; export always runs at full size.
 */
import type { RgbFloat } from '../engine/image/types';

/** Target size matching sharp's `fit: inside` rounding, so it lines up with the JPEG preview. */
export function workingSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  if (maxSide <= 0 || Math.max(width, height) <= maxSide) return { width, height };
  const s = maxSide / Math.max(width, height);
  return width >= height ? { width: maxSide, height: Math.max(1, Math.round(height * s)) } : { width: Math.max(1, Math.round(width * s)), height: maxSide };
}

/** Area-average downscale (box filter over the exact source footprint of each output pixel). */
export function downscaleArea(image: RgbFloat, width: number, height: number): RgbFloat {
  const { width: W, height: H, data } = image;
  if (width === W && height === H) return image;
  if (width > W || height > H) throw new RangeError(`downscaleArea: ${W}x${H} -> ${width}x${height} is not a downscale`);
  const out = new Float32Array(width * height * 3);
  const sx = W / width;
  const sy = H / height;
  const row = new Float32Array(width * 3);
  for (let oy = 0; oy < height; oy++) {
    const fy0 = oy * sy;
    const fy1 = fy0 + sy;
    row.fill(0);
    for (let y = Math.floor(fy0); y < Math.min(H, Math.ceil(fy1)); y++) {
      const wy = Math.min(fy1, y + 1) - Math.max(fy0, y);
      if (wy <= 0) continue;
      for (let ox = 0; ox < width; ox++) {
        const fx0 = ox * sx;
        const fx1 = fx0 + sx;
        let r = 0;
        let g = 0;
        let b = 0;
        for (let x = Math.floor(fx0); x < Math.min(W, Math.ceil(fx1)); x++) {
          const wx = Math.min(fx1, x + 1) - Math.max(fx0, x);
          const i = (y * W + x) * 3;
          r += data[i] * wx;
          g += data[i + 1] * wx;
          b += data[i + 2] * wx;
        }
        row[ox * 3] += r * wy;
        row[ox * 3 + 1] += g * wy;
        row[ox * 3 + 2] += b * wy;
      }
    }
    const norm = 1 / (sx * sy);
    for (let i = 0; i < width * 3; i++) out[oy * width * 3 + i] = row[i] * norm;
  }
  return { width, height, data: out };
}
