/**
 * Carries an EXIF block into encoded output. sharp only writes EXIF copied from its own
 * input or built from string fields, and our encoder input is raw pixels, so the original
 * block is spliced in here: JPEG APP1 segment, PNG eXIf chunk.
 * The block is the bare TIFF structure ("II*\0"/"MM\0*"), without the "Exif\0\0" prefix.
 */
import { crc32 } from 'node:zlib';

const EXIF_PREFIX = Buffer.from('Exif\0\0', 'latin1');

/** Strips the JPEG "Exif\0\0" prefix if present; returns null when the block is not TIFF. */
export function bareExif(block: Buffer | undefined): Buffer | null {
  if (!block || block.length < 8) return null;
  const b = block.subarray(0, 6).equals(EXIF_PREFIX) ? block.subarray(6) : block;
  const m = b.toString('latin1', 0, 4);
  return m === 'II*\0' || m === 'MM\0*' ? Buffer.from(b) : null;
}

/** Copy of the block with IFD0 Orientation (274) set to `value` when the tag exists. */
export function setExifOrientation(tiff: Buffer, value: number): Buffer {
  const out = Buffer.from(tiff);
  const le = out[0] === 0x49;
  const u16 = (o: number): number => (le ? out.readUInt16LE(o) : out.readUInt16BE(o));
  const u32 = (o: number): number => (le ? out.readUInt32LE(o) : out.readUInt32BE(o));
  const ifd = u32(4);
  if (ifd + 2 > out.length) return out;
  const n = u16(ifd);
  for (let i = 0; i < n; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > out.length) break;
    if (u16(e) === 274 && u16(e + 2) === 3) {
      if (le) out.writeUInt16LE(value, e + 8);
      else out.writeUInt16BE(value, e + 8);
    }
  }
  return out;
}

/** JPEG with its EXIF APP1 replaced by `tiff` (placed after SOI and any JFIF APP0). */
export function embedExifInJpeg(jpeg: Buffer, tiff: Buffer): Buffer {
  const payloadLen = EXIF_PREFIX.length + tiff.length;
  if (payloadLen + 2 > 0xffff) return jpeg; // APP1 cannot hold it; better no EXIF than a broken file
  const parts: Buffer[] = [jpeg.subarray(0, 2)];
  let pos = 2;
  let inserted = false;
  const app1 = Buffer.alloc(4);
  app1.writeUInt16BE(0xffe1, 0);
  app1.writeUInt16BE(payloadLen + 2, 2);
  const segment = Buffer.concat([app1, EXIF_PREFIX, tiff]);
  // Walk the leading APPn markers: keep all but existing EXIF APP1s.
  while (pos + 4 <= jpeg.length && jpeg[pos] === 0xff) {
    const marker = jpeg[pos + 1];
    if (marker < 0xe0 || marker > 0xef) break;
    const len = jpeg.readUInt16BE(pos + 2);
    const seg = jpeg.subarray(pos, pos + 2 + len);
    const isExif = marker === 0xe1 && seg.subarray(4, 10).equals(EXIF_PREFIX);
    if (marker !== 0xe0 && !inserted) {
      parts.push(segment);
      inserted = true;
    }
    if (!isExif) parts.push(seg);
    pos += 2 + len;
  }
  if (!inserted) parts.push(segment);
  parts.push(jpeg.subarray(pos));
  return Buffer.concat(parts);
}

/** PNG with an eXIf chunk (replacing any existing one) before the first IDAT. */
export function embedExifInPng(png: Buffer, tiff: Buffer): Buffer {
  const parts: Buffer[] = [png.subarray(0, 8)];
  let pos = 8;
  let inserted = false;
  while (pos + 12 <= png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    const chunk = png.subarray(pos, pos + 12 + len);
    if (type === 'IDAT' && !inserted) {
      const head = Buffer.alloc(8);
      head.writeUInt32BE(tiff.length, 0);
      head.write('eXIf', 4, 'latin1');
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(tiff, crc32(head.subarray(4))) >>> 0, 0);
      parts.push(head, tiff, crc);
      inserted = true;
    }
    if (type !== 'eXIf') parts.push(chunk);
    pos += 12 + len;
  }
  parts.push(png.subarray(pos));
  return Buffer.concat(parts);
}

/** Minimal EXIF block holding only IFD0 Orientation (274) = `value`. */
export function orientationExif(value: number): Buffer {
  const b = Buffer.alloc(8 + 2 + 12 + 4);
  b.write('II*\0', 0, 'latin1');
  b.writeUInt32LE(8, 4);
  b.writeUInt16LE(1, 8);
  b.writeUInt16LE(274, 10);
  b.writeUInt16LE(3, 12);
  b.writeUInt32LE(1, 14);
  b.writeUInt16LE(value, 18);
  return b;
}
