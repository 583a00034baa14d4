// Median threshold bitmap alignment (Ward 2003) reproducing OpenCV 4.6 AlignMTB
// (photo/src/align.cpp; defaults max_bits 6, exclude_range 4, cut true): 8-bit grey
// (fixed-point 0.299/0.587/0.114), a decimation pyramid, and at each level the best of the
// 9 neighbouring shifts by XOR of threshold bitmaps masked by the exclusion bitmaps.
// Shifts are integer translations relative to the middle frame (pivot = n / 2).
import type { RgbFloat } from '../image/types';

export interface Shift {
  x: number;
  y: number;
}

export interface MtbOptions {
  maxBits?: number;
  excludeRange?: number;
  cut?: boolean;
}

interface Gray8 {
  width: number;
  height: number;
  data: Uint8Array;
}

/** cvtColor(RGB2GRAY) on 8-bit values: (R*4899 + G*9617 + B*1868 + 8192) >> 14. */
export function gray8(img: RgbFloat): Gray8 {
  const n = img.width * img.height;
  const out = new Uint8Array(n);
  const d = img.data;
  const q = (v: number): number => {
    const r = Math.round(v * 255);
    return r < 0 ? 0 : r > 255 ? 255 : r;
  };
  for (let p = 0, j = 0; p < n; p++, j += 3) out[p] = (q(d[j]) * 4899 + q(d[j + 1]) * 9617 + q(d[j + 2]) * 1868 + 8192) >> 14;
  return { width: img.width, height: img.height, data: out };
}

function downsample(g: Gray8): Gray8 {
  const w = g.width >> 1, h = g.height >> 1;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = g.data[2 * y * g.width + 2 * x];
  return { width: w, height: h, data: out };
}

/** OpenCV's getMedian: the count of histogram bins needed to reach floor(n/2) pixels. */
function median(g: Gray8): number {
  const hist = new Int32Array(256);
  for (let i = 0; i < g.data.length; i++) hist[g.data[i]]++;
  const thresh = Math.trunc(g.data.length / 2);
  let m = 0, sum = 0;
  while (sum < thresh && m < 256) sum += hist[m++];
  return m;
}

function bitmaps(g: Gray8, exclude: number): { tb: Uint8Array; eb: Uint8Array } {
  const med = median(g);
  const tb = new Uint8Array(g.data.length);
  const eb = new Uint8Array(g.data.length);
  for (let i = 0; i < g.data.length; i++) {
    const v = g.data[i];
    tb[i] = v > med ? 1 : 0;
    eb[i] = Math.abs(v - med) > exclude ? 1 : 0;
  }
  return { tb, eb };
}

/** Value of bitmap b shifted by s at (x, y), zero outside (OpenCV shiftMat semantics). */
function countErrors(tb1: Uint8Array, eb1: Uint8Array, tb2: Uint8Array, eb2: Uint8Array, w: number, h: number, s: Shift): number {
  let err = 0;
  const x0 = Math.max(0, s.x), x1 = Math.min(w, w + s.x);
  const y0 = Math.max(0, s.y), y1 = Math.min(h, h + s.y);
  for (let y = 0; y < h; y++) {
    const inY = y >= y0 && y < y1;
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!eb1[i]) continue;
      // outside the shifted area the shifted maps are 0: eb2 = 0 masks the pixel out
      if (!inY || x < x0 || x >= x1) continue;
      const j = (y - s.y) * w + (x - s.x);
      if (eb2[j] && tb1[i] !== tb2[j]) err++;
    }
  }
  return err;
}

/** Shift of img1 that best aligns it onto img0 (cv::AlignMTB::calculateShift). */
export function calculateShift(img0: Gray8, img1: Gray8, opts: MtbOptions = {}): Shift {
  const { maxBits = 6, excludeRange = 4 } = opts;
  if (img0.width !== img1.width || img0.height !== img1.height) throw new Error('calculateShift: sizes differ');
  let maxLevel = Math.trunc(Math.log(Math.max(img0.width, img0.height)) / Math.log(2)) - 1;
  maxLevel = Math.min(maxLevel, maxBits - 1);
  const p0 = [img0], p1 = [img1];
  for (let l = 0; l < maxLevel; l++) {
    p0.push(downsample(p0[l]));
    p1.push(downsample(p1[l]));
  }
  let shift: Shift = { x: 0, y: 0 };
  for (let level = maxLevel; level >= 0; level--) {
    shift = { x: shift.x * 2, y: shift.y * 2 };
    const a = bitmaps(p0[level], excludeRange);
    const b = bitmaps(p1[level], excludeRange);
    const { width: w, height: h } = p0[level];
    let minErr = w * h;
    let best = shift;
    for (let i = -1; i <= 1; i++) {
      for (let j = -1; j <= 1; j++) {
        const test = { x: shift.x + i, y: shift.y + j };
        const err = countErrors(a.tb, a.eb, b.tb, b.eb, w, h, test);
        if (err < minErr) {
          best = test;
          minErr = err;
        }
      }
    }
    shift = best;
  }
  return shift;
}

/** Translates an image by an integer shift, filling uncovered pixels with 0 (cv shiftMat). */
export function shiftImage(img: RgbFloat, s: Shift): RgbFloat {
  const { width: w, height: h } = img;
  const out = new Float32Array(img.data.length);
  const cw = w - Math.abs(s.x), ch = h - Math.abs(s.y);
  for (let y = 0; y < ch; y++) {
    const sy = y + Math.max(-s.y, 0), dy = y + Math.max(s.y, 0);
    const sx = Math.max(-s.x, 0), dx = Math.max(s.x, 0);
    out.set(img.data.subarray((sy * w + sx) * 3, (sy * w + sx + cw) * 3), (dy * w + dx) * 3);
  }
  return { width: w, height: h, data: out };
}

function crop(img: RgbFloat, x: number, y: number, w: number, h: number): RgbFloat {
  const out = new Float32Array(w * h * 3);
  for (let r = 0; r < h; r++) out.set(img.data.subarray(((y + r) * img.width + x) * 3, ((y + r) * img.width + x + w) * 3), r * w * 3);
  return { width: w, height: h, data: out };
}

/**
 * Aligns every frame onto the middle one (cv::AlignMTB::process). With `cut` (default) all
 * frames are cropped to the area every shifted frame covers.
 */
export function alignMTB(images: RgbFloat[], opts: MtbOptions = {}): { shifts: Shift[]; images: RgbFloat[] } {
  if (images.length === 0) throw new Error('alignMTB: no images');
  const { width: w, height: h } = images[0];
  for (const im of images) if (im.width !== w || im.height !== h) throw new Error(`alignMTB: frame size ${im.width}x${im.height} differs from ${w}x${h}`);
  const pivot = images.length >> 1;
  const base = gray8(images[pivot]);
  const shifts: Shift[] = [];
  const out: RgbFloat[] = [];
  for (let i = 0; i < images.length; i++) {
    if (i === pivot) {
      shifts.push({ x: 0, y: 0 });
      out.push(images[i]);
      continue;
    }
    const s = calculateShift(base, gray8(images[i]), opts);
    shifts.push(s);
    out.push(s.x === 0 && s.y === 0 ? images[i] : shiftImage(images[i], s));
  }
  if (opts.cut ?? true) {
    const maxX = Math.max(0, ...shifts.map((s) => s.x)), maxY = Math.max(0, ...shifts.map((s) => s.y));
    const minX = Math.min(0, ...shifts.map((s) => s.x)), minY = Math.min(0, ...shifts.map((s) => s.y));
    const cw = w + minX - maxX, ch = h + minY - maxY;
    if (cw !== w || ch !== h) return { shifts, images: out.map((im) => crop(im, maxX, maxY, cw, ch)) };
  }
  return { shifts, images: out };
}
