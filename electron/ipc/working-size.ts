/**
 * The editor works on a preview-sized copy (long side <= maxSide) so interactive
 * normalisation stays fast on 50 MP photos; export always runs at full size. The copy is
 * made with the engine's `areaResize`.
 */

/** Target size matching sharp's `fit: inside` rounding, so it lines up with the JPEG preview. */
export function workingSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  if (maxSide <= 0 || Math.max(width, height) <= maxSide) return { width, height };
  const s = maxSide / Math.max(width, height);
  return width >= height ? { width: maxSide, height: Math.max(1, Math.round(height * s)) } : { width: Math.max(1, Math.round(width * s)), height: maxSide };
}
