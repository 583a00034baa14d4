// Histograms of canvas pixels (RGB + luminance), sampled so a large image stays cheap.
export interface Histogram {
  r: Uint32Array;
  g: Uint32Array;
  b: Uint32Array;
  l: Uint32Array;
}

export function histogramOf(rgba: Uint8ClampedArray | Uint8Array, maxSamples = 400_000): Histogram {
  const h: Histogram = { r: new Uint32Array(256), g: new Uint32Array(256), b: new Uint32Array(256), l: new Uint32Array(256) };
  const n = rgba.length >> 2;
  const step = Math.max(1, Math.floor(n / maxSamples));
  for (let p = 0; p < n; p += step) {
    const i = p << 2;
    if (rgba[i + 3] === 0) continue; // not painted yet (tiles still arriving)
    const r = rgba[i];
    const g = rgba[i + 1];
    const b = rgba[i + 2];
    h.r[r]++;
    h.g[g]++;
    h.b[b]++;
    h.l[Math.round(0.2126 * r + 0.7152 * g + 0.0722 * b)]++;
  }
  return h;
}

/** Draws the histogram as additive RGB areas plus a luminance outline. */
export function drawHistogram(ctx: CanvasRenderingContext2D, h: Histogram, width: number, height: number): void {
  ctx.clearRect(0, 0, width, height);
  let peak = 1;
  // ignore the clipped end bins when scaling, so a spike there does not flatten the rest
  for (const ch of [h.r, h.g, h.b]) for (let i = 1; i < 255; i++) peak = Math.max(peak, ch[i]);
  const y = (v: number) => height - Math.min(1, v / peak) * (height - 2);
  ctx.globalCompositeOperation = 'lighter';
  const colors: [Uint32Array, string][] = [
    [h.r, 'rgba(220,60,60,0.55)'],
    [h.g, 'rgba(60,200,90,0.55)'],
    [h.b, 'rgba(70,110,230,0.55)'],
  ];
  for (const [ch, color] of colors) {
    ctx.beginPath();
    ctx.moveTo(0, height);
    for (let i = 0; i < 256; i++) ctx.lineTo((i / 255) * width, y(ch[i]));
    ctx.lineTo(width, height);
    ctx.closePath();
    ctx.fillStyle = color;
    ctx.fill();
  }
  ctx.globalCompositeOperation = 'source-over';
  ctx.beginPath();
  for (let i = 0; i < 256; i++) ctx.lineTo((i / 255) * width, y(h.l[i]));
  ctx.strokeStyle = 'rgba(230,230,230,0.8)';
  ctx.lineWidth = 1;
  ctx.stroke();
}
