// Reflect-101 border indexing (…2 1 |0 1 2 … n-1| n-2 …: the edge pixel is not repeated),
// OpenCV's BORDER_REFLECT_101: the one mirror behind tile padding (tiles.ts) and the fusion
// pyramids (hdr/pyramid.ts, hdr/mertens.ts). Valid for any integer i and n >= 1.
export function reflect101(i: number, n: number): number {
  if (n <= 1) return 0;
  const period = 2 * (n - 1);
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - m;
}
