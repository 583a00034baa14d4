/**
 * Image format detection by magic bytes (never by extension): a PNG named .jpg still
 * reads, a text file named .jpg is refused as NOT_IMAGE.
 */
import { open } from 'node:fs/promises';
import { EvenlightError, fromNodeError } from '../errors';
import { detectRawMagic } from '../raw/detect';
import { isRawExtension } from '../../common/formats';
import type { InputFormat } from './types';

/** Bytes read for detection; enough for the IFD0/SubIFD tables of camera raws. */
export const HEAD_BYTES = 256 * 1024;

export type Detected =
  | { kind: 'image'; format: InputFormat }
  | { kind: 'unsupported'; name: string }
  | { kind: 'not-image' };

/** Other image formats we recognise but do not read: named in the error message. */
function otherImage(h: Uint8Array): string | null {
  const s = (a: number, n: number): string => String.fromCharCode(...h.subarray(a, a + n));
  if (s(0, 4) === 'GIF8') return 'GIF';
  if (s(0, 2) === 'BM') return 'BMP';
  if (s(4, 4) === 'ftyp') {
    const brand = s(8, 4);
    if (/^(heic|heix|hevc|heim|heis|mif1|msf1)$/.test(brand)) return 'HEIF/HEIC';
    if (/^avi[fs]$/.test(brand)) return 'AVIF';
    return `ISO media (${brand.trim()})`;
  }
  if (s(0, 4) === 'v/1\u0001') return 'OpenEXR';
  if (s(0, 10) === '#?RADIANCE' || s(0, 6) === '#?RGBE') return 'Radiance HDR';
  if (s(0, 4) === '8BPS') return 'Photoshop PSD';
  if (h[0] === 0x00 && h[1] === 0x00 && h[2] === 0x00 && h[3] === 0x0c && s(4, 4) === 'jP  ') return 'JPEG 2000';
  if (h[0] === 0xff && h[1] === 0x0a) return 'JPEG XL';
  if (s(0, 4) === '%PDF') return 'PDF';
  return null;
}

export function detectFormat(head: Uint8Array, path: string): Detected {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return { kind: 'image', format: 'jpeg' };
  if (head.length >= 8 && head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47) {
    return { kind: 'image', format: 'png' };
  }
  if (head.length >= 12 && String.fromCharCode(...head.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...head.subarray(8, 12)) === 'WEBP') {
    return { kind: 'image', format: 'webp' };
  }
  if (detectRawMagic(head)) return { kind: 'image', format: 'raw' };
  const m4 = String.fromCharCode(...head.subarray(0, 4));
  if (m4 === 'II*\0' || m4 === 'MM\0*') {
    // A TIFF container with a raw extension whose markers lie beyond the bytes we read.
    return { kind: 'image', format: isRawExtension(path) ? 'raw' : 'tiff' };
  }
  if (m4 === 'II+\0' || m4 === 'MM\0+') return { kind: 'unsupported', name: 'BigTIFF' };
  const other = otherImage(head);
  if (other) return { kind: 'unsupported', name: other };
  return { kind: 'not-image' };
}

/** Reads the head of `path` and detects its format; throws EvenlightError for every failure. */
export async function sniffFile(path: string): Promise<{ format: InputFormat; size: number; head: Buffer }> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw fromNodeError(err, path) ?? new EvenlightError('NOT_FOUND', path, `cannot open: ${(err as Error).message}`, { cause: err });
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw new EvenlightError('NOT_IMAGE', path, 'is a folder, not an image file');
    if (st.size === 0) throw new EvenlightError('EMPTY', path, 'file is empty (0 bytes)');
    const head = Buffer.alloc(Math.min(HEAD_BYTES, st.size));
    try {
      await fh.read(head, 0, head.length, 0);
    } catch (err) {
      throw fromNodeError(err, path) ?? new EvenlightError('PERMISSION', path, `cannot read: ${(err as Error).message}`, { cause: err });
    }
    const d = detectFormat(head, path);
    if (d.kind === 'unsupported') throw new EvenlightError('UNSUPPORTED', path, `${d.name} files are not supported (use JPEG, PNG, TIFF, WebP or camera RAW)`);
    if (d.kind === 'not-image') {
      if (head.length < 16 && head[0] === 0xff && head[1] === 0xd8) throw new EvenlightError('TRUNCATED', path, 'file is truncated');
      throw new EvenlightError('NOT_IMAGE', path, 'not an image file (content is not JPEG, PNG, TIFF, WebP or camera RAW)');
    }
    return { format: d.format, size: st.size, head };
  } finally {
    await fh.close();
  }
}
