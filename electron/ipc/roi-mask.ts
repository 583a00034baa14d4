/**
 * Turns the contract's normalised ROIs (rect, ellipse, brush; feather as a fraction of the
 * short side) into one engine mask Plane for a photo of the given size. Rectangles and
 * ellipses use the engine's own mask functions; brush strokes are rasterised here as the
 * distance to the stroke polyline, with the same smoothstep fall-off.
 */
import type { Roi } from './contract';
import type { Plane } from '../engine/image/types';
import { ellipseMask, rectMask } from '../engine/normalize/roi';

const smoothstep = (t: number) => (t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3 - 2 * t));

function maxInto(dst: Float32Array, src: Float32Array): void {
  for (let i = 0; i < dst.length; i++) if (src[i] > dst[i]) dst[i] = src[i];
}

/** Round brush of `radius` px along the polyline, fading to 0 over `feather` px beyond it. */
export function brushMask(width: number, height: number, points: [number, number][], radius: number, feather: number): Plane {
  const data = new Float32Array(width * height);
  const reach = radius + feather;
  const segs = points.length === 1 ? [[points[0], points[0]] as const] : points.slice(1).map((p, i) => [points[i], p] as const);
  for (const [[ax, ay], [bx, by]] of segs) {
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - reach));
    const x1 = Math.min(width - 1, Math.ceil(Math.max(ax, bx) + reach));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by) - reach));
    const y1 = Math.min(height - 1, Math.ceil(Math.max(ay, by) + reach));
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const px = x + 0.5;
        const py = y + 0.5;
        const t = len2 > 0 ? Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
        const d = Math.hypot(px - (ax + t * dx), py - (ay + t * dy)) - radius;
        const m = d <= 0 ? 1 : feather > 0 ? smoothstep(1 - d / feather) : 0;
        const i = y * width + x;
        if (m > data[i]) data[i] = m;
      }
    }
  }
  return { width, height, data };
}

/** One mask for all ROIs (union by maximum), or undefined when there are none. */
export function roiMask(width: number, height: number, rois: Roi[]): Plane | undefined {
  if (!rois.length) return undefined;
  const short = Math.min(width, height);
  const out = new Float32Array(width * height);
  for (const r of rois) {
    const feather = r.feather * short;
    let m: Plane;
    if (r.kind === 'rect') {
      const x = r.x * width;
      const y = r.y * height;
      m = rectMask(width, height, [{ x, y, w: Math.max(1, r.w * width), h: Math.max(1, r.h * height) }], feather);
    } else if (r.kind === 'ellipse') {
      const rx = Math.max(0.5, (r.w * width) / 2);
      const ry = Math.max(0.5, (r.h * height) / 2);
      m = ellipseMask(width, height, [{ cx: r.x * width + rx, cy: r.y * height + ry, rx, ry }], feather);
    } else {
      const pts = r.points.map(([x, y]) => [x * width, y * height] as [number, number]);
      m = brushMask(width, height, pts, r.radius * short, feather);
    }
    maxInto(out, m.data);
  }
  return { width, height, data: out };
}
