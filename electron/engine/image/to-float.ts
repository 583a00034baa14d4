/**
 * Integer pixels to float (code / max) by table, so that a code becomes the same float
 * wherever it is converted: a whole frame here, or a row at a time (hdr/mertens.ts reads an
 * 8-bit bracket that way rather than hold a 424 MB float copy of each 36 MP frame).
 */
import type { Raster, RgbFloat } from './types';

const U8 = Float32Array.from({ length: 256 }, (_, k) => k * (1 / 255));
let u16: Float32Array | undefined;

/** code → float for 8- or 16-bit samples. */
export function floatScale(bits: 8 | 16): Float32Array {
  return bits === 8 ? U8 : (u16 ??= Float32Array.from({ length: 65536 }, (_, k) => k * (1 / 65535)));
}

/** Interleaved 8- or 16-bit pixels (3+ channels, extras ignored) to RgbFloat. */
export function intToFloat(src: Uint8Array | Uint16Array, width: number, height: number, channels: number): RgbFloat {
  const n = width * height;
  const out = new Float32Array(n * 3);
  const lut = floatScale(src instanceof Uint8Array ? 8 : 16);
  for (let i = 0, j = 0, o = 0; i < n; i++, j += channels, o += 3) {
    out[o] = lut[src[j]];
    out[o + 1] = lut[src[j + 1]];
    out[o + 2] = lut[src[j + 2]];
  }
  return { width, height, data: out };
}

export function rasterToFloat(r: Raster): RgbFloat {
  return intToFloat(r.data, r.width, r.height, 3);
}

/** Reads a raster's rows as float into one buffer reused for every row: a row is valid until the next call. */
export function rasterRows(r: Raster): (y: number) => Float32Array {
  const len = r.width * 3;
  const out = new Float32Array(len);
  const lut = floatScale(r.bits);
  const d = r.data;
  return (y) => {
    for (let x = 0, j = y * len; x < len; x++, j++) out[x] = lut[d[j]];
    return out;
  };
}

/** The float form of a frame that may be integer pixels. */
export function asRgbFloat(f: RgbFloat | Raster): RgbFloat {
  return 'bits' in f ? rasterToFloat(f) : f;
}
