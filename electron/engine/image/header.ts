/**
 * Reads image dimensions and structural sizes straight from file headers, before any
 * decoder runs: the pixel limit is enforced without allocating a single pixel, and a file
 * shorter than its own header says is reported as truncated with a precise reason.
 */
import { EvenlightError } from '../errors';
import { tiffLayout } from '../raw/detect';
import type { InputFormat } from './types';

export interface HeaderInfo {
  width?: number;
  height?: number;
  /** Why the file is certainly truncated, when the header proves it. */
  truncated?: string;
}

function pngInfo(h: Uint8Array): HeaderInfo {
  if (h.length < 24) return { truncated: 'PNG header is cut off' };
  const dv = new DataView(h.buffer, h.byteOffset, h.byteLength);
  return { width: dv.getUint32(16), height: dv.getUint32(20) };
}

function jpegInfo(h: Uint8Array): HeaderInfo {
  const dv = new DataView(h.buffer, h.byteOffset, h.byteLength);
  let pos = 2;
  while (pos + 4 <= h.length) {
    if (h[pos] !== 0xff) return {};
    const marker = h[pos + 1];
    if (marker === 0xff) {
      pos++;
      continue;
    }
    // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC) carry the frame size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (pos + 9 > h.length) return {};
      return { height: dv.getUint16(pos + 5), width: dv.getUint16(pos + 7) };
    }
    if (marker === 0xd9 || marker === 0xda) return {};
    pos += 2 + dv.getUint16(pos + 2);
  }
  return {};
}

function webpInfo(h: Uint8Array, size: number): HeaderInfo {
  const dv = new DataView(h.buffer, h.byteOffset, h.byteLength);
  const riff = dv.getUint32(4, true) + 8;
  if (riff > size) return { truncated: `WebP data should be ${riff} bytes, the file has ${size}` };
  if (h.length < 30) return {};
  const kind = String.fromCharCode(...h.subarray(12, 16));
  if (kind === 'VP8X') return { width: 1 + (h[24] | (h[25] << 8) | (h[26] << 16)), height: 1 + (h[27] | (h[28] << 8) | (h[29] << 16)) };
  if (kind === 'VP8 ') return { width: dv.getUint16(26, true) & 0x3fff, height: dv.getUint16(28, true) & 0x3fff };
  if (kind === 'VP8L') {
    const b = dv.getUint32(21, true);
    return { width: (b & 0x3fff) + 1, height: ((b >> 14) & 0x3fff) + 1 };
  }
  return {};
}

export function headerInfo(head: Uint8Array, format: InputFormat, size: number): HeaderInfo {
  switch (format) {
    case 'png':
      return pngInfo(head);
    case 'jpeg':
      return jpegInfo(head);
    case 'webp':
      return webpInfo(head, size);
    case 'tiff':
    case 'raw': {
      const t = tiffLayout(head, size);
      if (!t) return {};
      if (t.ifdOutside) return { truncated: 'its image directory lies past the end of the file' };
      if (t.dataEnd > size) return { truncated: `image data should end at byte ${t.dataEnd}, the file has ${size} bytes` };
      return t.width && t.height ? { width: t.width, height: t.height } : {};
    }
  }
}

/** Throws TRUNCATED / TOO_LARGE when the header alone proves it. */
export function checkHeader(path: string, head: Uint8Array, format: InputFormat, size: number, maxPixels: number, pixelDivisor = 1): HeaderInfo {
  const info = headerInfo(head, format, size);
  if (info.truncated) throw new EvenlightError('TRUNCATED', path, `file is truncated (${info.truncated})`);
  if (info.width && info.height && (info.width * info.height) / pixelDivisor > maxPixels) {
    throw tooLarge(path, info.width, info.height, maxPixels);
  }
  return info;
}

/** "image is 8000×6000 (48.0 MP), above the limit of 40.0 MP"; pixel counts for tiny limits. */
export function tooLarge(path: string, width: number, height: number, maxPixels: number): EvenlightError {
  const px = width * height;
  const amount = (n: number): string => (maxPixels >= 1e6 ? `${(n / 1e6).toFixed(1)} MP` : `${n} pixels`);
  return new EvenlightError('TOO_LARGE', path, `image is ${width}×${height} (${amount(px)}), above the limit of ${amount(maxPixels)}`);
}
