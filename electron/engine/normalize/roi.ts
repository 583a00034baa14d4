/**
 * Regions of interest as masks: rectangles, ellipses and brush strokes all become one
 * `Plane` of weights 0..1 of the photo's size: 1 inside, a smooth (smoothstep) fall-off
 * over `feather` pixels outside, exactly 0 beyond. The same mask meters the exposure
 * (weights) and blends the correction in, so pixels farther than `feather` from every
 * region stay bit-identical to the original.
 *
 *   roiMask(width, height, rois, signal?) -> Promise<Plane | undefined>   the contract's
 *     normalised regions (feather a fraction of the short side), union by maximum
 *   rectMask(width, height, rects, feather) -> Plane
 *   ellipseMask(width, height, ellipses, feather) -> Plane
 *   brushMask(width, height, points, radius, feather) -> Plane
 *   maskBounds(mask, threshold?) -> Rect | undefined
 *   blendCorrection(original, corrected, { mask?, strength }) -> RgbFloat   (writes into corrected)
 *
 * roiMask's cost is bounded by the pixel count, never by points × area: the mask is built
 * on a grid of at most MAX_MASK_PIXELS (the full size below that, so the editor's masks are
 * exact) and upsampled once. A brush is its stroke's pixels (samples every half pixel) plus
 * one exact Euclidean distance transform (Felzenszwalb & Huttenlocher, linear in the pixels
 * of the stroke's bounding box), so the distance is to within half a pixel of the
 * polyline's. roiMask yields between regions and stops when its signal aborts, so a cancel
 * or another job in the same worker never waits for a whole mask.
 */
import type { Roi } from '../../common/contract';
import { throwIfAborted } from '../errors';
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

// ---- brush strokes and the contract's regions

/** The grid masks are built on: 4 MP keeps a 2048 px editor image exact. */
export const MAX_MASK_PIXELS = 4_200_000;

const FAR = 1e20;

function maxInto(dst: Float32Array, src: Float32Array): void {
  for (let i = 0; i < dst.length; i++) if (src[i] > dst[i]) dst[i] = src[i];
}

/** 1-D squared distance transform of `f` (length n) into `d`; v, z are scratch (n, n + 1). */
function dt1d(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    let p = v[k];
    let s = (f[q] + q * q - (f[p] + p * p)) / (2 * q - 2 * p);
    while (s <= z[k]) {
      k--;
      p = v[k];
      s = (f[q] + q * q - (f[p] + p * p)) / (2 * q - 2 * p);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    const p = v[k];
    d[q] = (q - p) * (q - p) + f[p];
  }
}

/**
 * Max-combines into `out` (width × height) a round brush of `radius` px along each of the
 * polylines, fading to 0 over `feather` px beyond them. Work: the strokes' length in
 * pixels plus the pixels of their bounding box (grown by radius + feather).
 */
function paintBrush(out: Float32Array, width: number, height: number, strokes: [number, number][][], radius: number, feather: number): void {
  const reach = radius + feather + 1;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const points of strokes) {
    for (const [x, y] of points) {
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
  }
  const x0 = Math.max(0, Math.floor(minX - reach));
  const y0 = Math.max(0, Math.floor(minY - reach));
  const x1 = Math.min(width, Math.ceil(maxX + reach) + 1);
  const y1 = Math.min(height, Math.ceil(maxY + reach) + 1);
  const bw = x1 - x0;
  const bh = y1 - y0;
  if (bw <= 0 || bh <= 0) return;
  const grid = new Float64Array(bw * bh).fill(FAR);
  const seed = (x: number, y: number) => {
    const ix = Math.floor(x) - x0;
    const iy = Math.floor(y) - y0;
    if (ix >= 0 && iy >= 0 && ix < bw && iy < bh) grid[iy * bw + ix] = 0;
  };
  for (const points of strokes) {
    seed(points[0][0], points[0][1]);
    for (let i = 1; i < points.length; i++) {
      const [ax, ay] = points[i - 1];
      const [bx, by] = points[i];
      const steps = Math.ceil(Math.hypot(bx - ax, by - ay) * 2);
      for (let k = 1; k <= steps; k++) seed(ax + ((bx - ax) * k) / steps, ay + ((by - ay) * k) / steps);
    }
  }
  const n = Math.max(bw, bh);
  const d = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  // rows first, written transposed, so both passes read contiguous memory
  const t = new Float64Array(bw * bh);
  for (let y = 0; y < bh; y++) {
    const row = grid.subarray(y * bw, (y + 1) * bw);
    let any = false;
    for (let x = 0; x < bw; x++) if (row[x] === 0) any = true;
    if (any) dt1d(row, bw, d, v, z);
    for (let x = 0; x < bw; x++) t[x * bh + y] = any ? d[x] : FAR;
  }
  for (let x = 0; x < bw; x++) {
    dt1d(t.subarray(x * bh, (x + 1) * bh), bh, d, v, z);
    let o = y0 * width + x0 + x;
    for (let y = 0; y < bh; y++, o += width) {
      const dist = Math.sqrt(d[y]) - radius;
      const m = falloff(dist, feather);
      if (m > out[o]) out[o] = m;
    }
  }
}

/** Round brush of `radius` px along the polyline, fading to 0 over `feather` px beyond it. */
export function brushMask(width: number, height: number, points: [number, number][], radius: number, feather: number): Plane {
  const data = new Float32Array(width * height);
  paintBrush(data, width, height, [points], radius, feather);
  return { width, height, data };
}

/** Bilinear resize of a mask (grid -> photo), once per request. */
function upsample(src: Float32Array, sw: number, sh: number, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  const xi = new Int32Array(width);
  const xf = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const gx = Math.min(sw - 1, Math.max(0, ((x + 0.5) * sw) / width - 0.5));
    xi[x] = Math.min(sw - 2, Math.floor(gx));
    xf[x] = gx - xi[x];
  }
  for (let y = 0; y < height; y++) {
    const gy = Math.min(sh - 1, Math.max(0, ((y + 0.5) * sh) / height - 0.5));
    const y0 = Math.min(sh - 2, Math.floor(gy));
    const fy = gy - y0;
    const r0 = y0 * sw;
    const r1 = r0 + sw;
    const o = y * width;
    for (let x = 0; x < width; x++) {
      const i = xi[x];
      const fx = xf[x];
      const top = src[r0 + i] + (src[r0 + i + 1] - src[r0 + i]) * fx;
      const bot = src[r1 + i] + (src[r1 + i + 1] - src[r1 + i]) * fx;
      out[o + x] = top + (bot - top) * fy;
    }
  }
  return out;
}

const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * One mask for all ROIs (union by maximum), or undefined when there are none. Built on a
 * grid of at most MAX_MASK_PIXELS, yielding between ROIs; throws CANCELLED on abort.
 */
export async function roiMask(width: number, height: number, rois: Roi[], signal?: AbortSignal): Promise<Plane | undefined> {
  if (!rois.length) return undefined;
  const s = Math.min(1, Math.sqrt(MAX_MASK_PIXELS / (width * height)));
  const gw = s < 1 ? Math.max(2, Math.round(width * s)) : width;
  const gh = s < 1 ? Math.max(2, Math.round(height * s)) : height;
  const short = Math.min(gw, gh);
  const out = new Float32Array(gw * gh);
  // brushes of one size share one distance transform (the UI's strokes mostly do)
  const brushes = new Map<string, { radius: number; feather: number; strokes: [number, number][][] }>();
  for (const r of rois) {
    if (r.kind !== 'brush') continue;
    const key = `${r.radius}/${r.feather}`;
    const g = brushes.get(key) ?? { radius: r.radius * short, feather: r.feather * short, strokes: [] };
    g.strokes.push(r.points.map(([x, y]) => [x * gw, y * gh] as [number, number]));
    brushes.set(key, g);
  }
  for (const g of brushes.values()) {
    throwIfAborted(signal);
    paintBrush(out, gw, gh, g.strokes, g.radius, g.feather);
    await yieldToEvents();
  }
  for (const r of rois) {
    if (r.kind === 'brush') continue;
    throwIfAborted(signal);
    const feather = r.feather * short;
    if (r.kind === 'rect') {
      const x = r.x * gw;
      const y = r.y * gh;
      maxInto(out, rectMask(gw, gh, [{ x, y, w: Math.max(1, r.w * gw), h: Math.max(1, r.h * gh) }], feather).data);
    } else {
      const rx = Math.max(0.5, (r.w * gw) / 2);
      const ry = Math.max(0.5, (r.h * gh) / 2);
      maxInto(out, ellipseMask(gw, gh, [{ cx: r.x * gw + rx, cy: r.y * gh + ry, rx, ry }], feather).data);
    }
    await yieldToEvents();
  }
  throwIfAborted(signal);
  if (gw === width && gh === height) return { width, height, data: out };
  return { width, height, data: upsample(out, gw, gh, width, height) };
}
