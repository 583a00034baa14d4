/**
 * Float samples (sRGB-encoded, nominally 0..1) to integer codes: the one quantiser behind
 * encoding (8- and 16-bit), the metrics (PSNR, SSIM and colour cast are defined on the 8-bit
 * values a viewer sees) and the UI's RGBA8 tiles. Values beyond 0..1 (RAW headroom) are
 * clipped here only, never earlier; NaN becomes 0.
 */

// Rounding: (x + 0.5) | 0 is Math.round(x) for these x (0 < x < max, a float32 times 255 or
// 65535: exact in a double, so x + 0.5 rounds nowhere), and about four times faster in V8 on a
// real photo (370 against 70 ms for 27 M samples; test/engine/image/quantize.test.ts holds them equal).

/** One sample to 0..255. */
export function to8bit(v: number): number {
  return v > 0 ? (v < 1 ? (v * 255 + 0.5) | 0 : 255) : 0;
}

function quantize<T extends Uint8Array | Uint16Array>(data: Float32Array, out: T, max: number): T {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    out[i] = v > 0 ? (v < 1 ? (v * max + 0.5) | 0 : max) : 0;
  }
  return out;
}

export function floatToU8(data: Float32Array): Uint8Array {
  return quantize(data, new Uint8Array(data.length), 255);
}

export function floatToU16(data: Float32Array): Uint16Array {
  return quantize(data, new Uint16Array(data.length), 65535);
}

/** Interleaved RGB float to RGBA8 (alpha 255), for display. */
export function rgbFloatToRgba8(rgb: Float32Array, w: number, h: number): Uint8Array {
  const n = w * h;
  if (rgb.length !== n * 3) throw new Error(`rgbFloatToRgba8: ${rgb.length} values for ${w}x${h}`);
  const out = new Uint8Array(n * 4);
  for (let i = 0, j = 0; i < n * 3; i += 3, j += 4) {
    out[j] = to8bit(rgb[i]);
    out[j + 1] = to8bit(rgb[i + 1]);
    out[j + 2] = to8bit(rgb[i + 2]);
    out[j + 3] = 255;
  }
  return out;
}
