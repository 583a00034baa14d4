/**
 * EXIF blocks as Evenlight carries them: the bare TIFF structure ("II*\0"/"MM\0*"), without
 * JPEG's "Exif\0\0" prefix. Made ready here (prefix stripped, orientation set); spliced into
 * an encoded file by embed-metadata.ts.
 */

/** What a JPEG APP1 segment puts before the block. */
export const EXIF_PREFIX = Buffer.from('Exif\0\0', 'latin1');

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
