// ROI shapes as drawn in image pixels, and their conversion to the contract's normalised form.
import type { Roi } from '../../../electron/common/contract';

export type Shape =
  | { kind: 'rect' | 'ellipse'; x: number; y: number; w: number; h: number }
  | { kind: 'brush'; points: [number, number][]; radius: number };

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
const round5 = (v: number) => Math.round(v * 1e5) / 1e5;

/** Brush points closer than this (image px) to the previous one add nothing to the stroke. */
export const BRUSH_MIN_STEP = 2;

/** Adds a pointer position to a brush stroke unless it is within BRUSH_MIN_STEP of the last. */
export function addBrushPoint(points: [number, number][], x: number, y: number): void {
  const last = points[points.length - 1];
  if (last && Math.hypot(x - last[0], y - last[1]) < BRUSH_MIN_STEP) return;
  points.push([x, y]);
}

/** Pixel shape -> normalised ROI (0..1 of the image; brush radius as a fraction of the short side). */
export function toRoi(s: Shape, imgW: number, imgH: number, feather: number): Roi {
  if (s.kind === 'brush') {
    return {
      kind: 'brush',
      // 1e-5 of the image is finer than a pixel of any photo it will see; full-precision
      // floats only made requests (and the bridge's frames) bigger
      points: s.points.map(([x, y]) => [round5(clamp01(x / imgW)), round5(clamp01(y / imgH))] as [number, number]),
      radius: Math.min(0.5, Math.max(1e-4, s.radius / Math.min(imgW, imgH))),
      feather,
    };
  }
  const x0 = clamp01(Math.min(s.x, s.x + s.w) / imgW);
  const y0 = clamp01(Math.min(s.y, s.y + s.h) / imgH);
  const x1 = clamp01(Math.max(s.x, s.x + s.w) / imgW);
  const y1 = clamp01(Math.max(s.y, s.y + s.h) / imgH);
  return { kind: s.kind, x: x0, y: y0, w: x1 - x0, h: y1 - y0, feather };
}

/** Shapes too small to mean anything (a click without a drag) are dropped. */
export function isUsable(s: Shape): boolean {
  return s.kind === 'brush' ? s.points.length > 0 : Math.abs(s.w) >= 4 && Math.abs(s.h) >= 4;
}

export function brushPath(points: [number, number][]): string {
  if (!points.length) return '';
  const [first, ...rest] = points;
  return `M${first[0]},${first[1]}` + (rest.length ? rest.map(([x, y]) => `L${x},${y}`).join('') : `L${first[0] + 0.01},${first[1]}`);
}
