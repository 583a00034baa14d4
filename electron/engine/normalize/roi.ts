/**
 * Regions of interest as masks. Every region kind (rectangles now; ellipses and brush
 * strokes from the app) becomes one `Plane` of weights 0..1 of the photo's size: 1 inside,
 * a smooth (smoothstep) fall-off over `feather` pixels outside, exactly 0 beyond. The
 * same mask meters the exposure (weights) and blends the correction in, so pixels
 * farther than `feather` from every region stay bit-identical to the original.
 *
 *   rectMask(width, height, rects, feather) -> Plane
 *   ellipseMask(width, height, ellipses, feather) -> Plane
 *   maskBounds(mask, threshold?) -> Rect | undefined
 *   blendCorrection(original, corrected, { mask?, strength }) -> RgbFloat   (writes into corrected)
 */
import type { Plane, Rect, RgbFloat } from '../image/types';

const smoothstep = (t: number) => (t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3 - 2 * t));

function falloff(d: number, feather: number): number {
  if (d <= 0) return 1;
  if (feather <= 0) return 0;
  return smoothstep(1 - d / feather);
}

/** Validates rectangles against the photo; throws a one-line RangeError. */
export function checkRects(width: number, height: number, rects: Rect[]): void {
  for (const r of rects) {
    if (![r.x, r.y, r.w, r.h].every(Number.isFinite) || r.w <= 0 || r.h <= 0) throw new RangeError(`ROI ${r.x},${r.y},${r.w},${r.h}: width and height must be positive`);
    if (r.x >= width || r.y >= height || r.x + r.w <= 0 || r.y + r.h <= 0) {
      throw new RangeError(`ROI ${r.x},${r.y},${r.w},${r.h} lies outside the ${width}x${height} photo`);
    }
  }
}

export function rectMask(width: number, height: number, rects: Rect[], feather = 0): Plane {
  checkRects(width, height, rects);
  const data = new Float32Array(width * height);
  for (const r of rects) {
    // distance to the rectangle, separable per axis (pixel centres)
    const dx = new Float32Array(width);
    for (let x = 0; x < width; x++) dx[x] = Math.max(r.x - (x + 0.5), x + 0.5 - (r.x + r.w), 0);
    const y0 = Math.max(0, Math.floor(r.y - feather));
    const y1 = Math.min(height, Math.ceil(r.y + r.h + feather));
    for (let y = y0; y < y1; y++) {
      const dy = Math.max(r.y - (y + 0.5), y + 0.5 - (r.y + r.h), 0);
      const row = y * width;
      for (let x = 0; x < width; x++) {
        const m = falloff(Math.hypot(dx[x], dy), feather);
        if (m > data[row + x]) data[row + x] = m;
      }
    }
  }
  return { width, height, data };
}

export interface Ellipse {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
}

export function ellipseMask(width: number, height: number, ellipses: Ellipse[], feather = 0): Plane {
  const data = new Float32Array(width * height);
  for (const e of ellipses) {
    if (!(e.rx > 0 && e.ry > 0)) throw new RangeError(`ellipse radii must be positive, got ${e.rx},${e.ry}`);
    const rmin = Math.min(e.rx, e.ry);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const u = (x + 0.5 - e.cx) / e.rx;
        const v = (y + 0.5 - e.cy) / e.ry;
        // approximate distance outside the ellipse, in pixels of its smaller radius
        const d = (Math.hypot(u, v) - 1) * rmin;
        const m = falloff(d, feather);
        if (m > data[y * width + x]) data[y * width + x] = m;
      }
    }
  }
  return { width, height, data };
}

/** Bounding box of mask >= threshold (undefined when empty). */
export function maskBounds(mask: Plane, threshold = 0.5): Rect | undefined {
  let x0 = mask.width;
  let y0 = mask.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < mask.height; y++) {
    for (let x = 0; x < mask.width; x++) {
      if (mask.data[y * mask.width + x] >= threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? undefined : { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

/**
 * original + strength * mask * (corrected - original), written into `corrected`.
 * `rect` limits the work to a sub-rectangle when `corrected` holds only that rectangle.
 */
export function blendCorrection(original: RgbFloat, corrected: RgbFloat, opts: { mask?: Plane; strength: number; rect?: Rect }): RgbFloat {
  const s = opts.strength;
  const rect = opts.rect ?? { x: 0, y: 0, w: original.width, h: original.height };
  if (corrected.width !== rect.w || corrected.height !== rect.h) throw new RangeError('blendCorrection: size mismatch');
  if (s === 1 && !opts.mask) return corrected;
  const o = original.data;
  const c = corrected.data;
  const W = original.width;
  for (let y = 0; y < rect.h; y++) {
    for (let x = 0; x < rect.w; x++) {
      const p = (rect.y + y) * W + rect.x + x;
      const a = s * (opts.mask ? opts.mask.data[p] : 1);
      const q = (y * rect.w + x) * 3;
      if (a === 0) {
        c[q] = o[p * 3];
        c[q + 1] = o[p * 3 + 1];
        c[q + 2] = o[p * 3 + 2];
      } else if (a !== 1) {
        c[q] = o[p * 3] + a * (c[q] - o[p * 3]);
        c[q + 1] = o[p * 3 + 1] + a * (c[q + 1] - o[p * 3 + 1]);
        c[q + 2] = o[p * 3 + 2] + a * (c[q + 2] - o[p * 3 + 2]);
      }
    }
  }
  return corrected;
}
