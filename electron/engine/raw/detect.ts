/**
 * Camera RAW recognition, by extension and by magic bytes. Many raws are TIFF containers
 * (DNG, NEF, CR2, ARW, PEF, SRW), so "starts with II*" alone does not tell a raw from a
 * plain TIFF: we look inside the TIFF directories for raw markers.
 */
import type { RAW_EXTENSIONS } from '../../common/formats';

/** What the magic bytes say; the extensions themselves are in the formats table (common/formats.ts). */
export type RawKind = (typeof RAW_EXTENSIONS)[number] | 'tiff-raw';

const TAG_SUBIFDS = 330;
const TAG_PHOTOMETRIC = 262;
const TAG_MAKE = 271;
const TAG_DNG_VERSION = 50706;
const TAG_EXIF_IFD = 34665;
const TAG_CFA_PATTERN_EP = 33422;
const PHOTOMETRIC_CFA = 32803;
const PHOTOMETRIC_LINEAR_RAW = 34892;

function ascii(buf: Uint8Array, start: number, len: number): string {
  if (start + len > buf.length) return '';
  return String.fromCharCode(...buf.subarray(start, start + len));
}

/** Raw kind from the first bytes of a file (read at least 64 KiB when you can), or null. */
export function detectRawMagic(head: Uint8Array): RawKind | null {
  if (head.length < 16) return null;
  if (ascii(head, 4, 8) === 'ftypcrx ') return 'cr3';
  if (ascii(head, 0, 15) === 'FUJIFILMCCD-RAW') return 'raf';
  const m4 = ascii(head, 0, 4);
  if (m4 === 'IIRO' || m4 === 'IIRS' || m4 === 'MMOR') return 'orf';
  if (m4 === 'IIU\0') return 'rw2';
  const le = m4 === 'II*\0';
  const be = m4 === 'MM\0*';
  if (!le && !be) return null;
  if (ascii(head, 8, 2) === 'CR') return 'cr2';
  return scanTiffForRaw(head, le) ? 'tiff-raw' : null;
}

/** Walks IFD0, its chain, SubIFDs and the EXIF IFD (within `buf`) looking for raw markers. */
function scanTiffForRaw(buf: Uint8Array, le: boolean): boolean {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const u16 = (o: number): number => dv.getUint16(o, le);
  const u32 = (o: number): number => dv.getUint32(o, le);
  const seen = new Set<number>();
  const queue: number[] = [u32(4)];
  while (queue.length && seen.size < 32) {
    const off = queue.shift()!;
    if (off < 8 || off + 2 > buf.length || seen.has(off)) continue;
    seen.add(off);
    const n = u16(off);
    if (off + 2 + n * 12 > buf.length) continue;
    for (let i = 0; i < n; i++) {
      const e = off + 2 + i * 12;
      const tag = u16(e);
      const type = u16(e + 2);
      const count = u32(e + 4);
      const inline = (): number => (type === 3 ? u16(e + 8) : u32(e + 8));
      if (tag === TAG_DNG_VERSION || tag === TAG_CFA_PATTERN_EP) return true;
      if (tag === TAG_PHOTOMETRIC) {
        const v = inline();
        if (v === PHOTOMETRIC_CFA || v === PHOTOMETRIC_LINEAR_RAW) return true;
      }
      if (tag === TAG_MAKE && count >= 4) {
        const at = count <= 4 ? e + 8 : u32(e + 8);
        const make = ascii(buf, at, Math.min(count, 32)).toUpperCase();
        // Nikon, Sony, Pentax and Samsung raws keep the CFA deep in SubIFDs/maker notes
        // that may lie beyond the bytes we read; their Make in a TIFF is a strong hint.
        if (/^(NIKON CORPORATION|SONY|PENTAX|RICOH|SAMSUNG|CANON)/.test(make) && isMakerRawLayout(buf, le)) return true;
      }
      if (tag === TAG_SUBIFDS) {
        if (count === 1) queue.push(u32(e + 8));
        else {
          const at = u32(e + 8);
          for (let k = 0; k < count && at + 4 * k + 4 <= buf.length; k++) queue.push(u32(at + 4 * k));
        }
      }
      if (tag === TAG_EXIF_IFD) queue.push(u32(e + 8));
    }
    const next = off + 2 + n * 12;
    if (next + 4 <= buf.length) queue.push(u32(next));
  }
  return false;
}

/** Camera TIFF-raws carry a tiny IFD0 image (thumbnail) plus SubIFDs; a plain TIFF export does not. */
function isMakerRawLayout(buf: Uint8Array, le: boolean): boolean {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const off = dv.getUint32(4, le);
  if (off + 2 > buf.length) return false;
  const n = dv.getUint16(off, le);
  for (let i = 0; i < n && off + 2 + i * 12 + 12 <= buf.length; i++) {
    if (dv.getUint16(off + 2 + i * 12, le) === TAG_SUBIFDS) return true;
  }
  return false;
}

export interface TiffLayout {
  /** Largest image (width × height) declared by any directory: the raw sensor data. */
  width: number;
  height: number;
  /** Largest end offset (strip/tile offset + byte count) of image data, 0 if unknown. */
  dataEnd: number;
  /** The first directory lies beyond the bytes available. */
  ifdOutside: boolean;
}

/**
 * Reads directory geometry of a TIFF-based file from its head, for checks before the
 * decoder runs: the pixel limit and truncation (image data claimed past the end of file).
 */
export function tiffLayout(head: Uint8Array, fileSize: number): TiffLayout | null {
  if (head.length < 8) return null;
  const m4 = ascii(head, 0, 4);
  const le = m4 === 'II*\0';
  if (!le && m4 !== 'MM\0*') return null;
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const u16 = (o: number): number => dv.getUint16(o, le);
  const u32 = (o: number): number => dv.getUint32(o, le);
  const first = u32(4);
  const out: TiffLayout = { width: 0, height: 0, dataEnd: 0, ifdOutside: false };
  const seen = new Set<number>();
  const queue = [first];
  while (queue.length && seen.size < 32) {
    const off = queue.shift()!;
    const isFirst = seen.size === 0;
    if (off < 8 || off + 2 > head.length || seen.has(off)) {
      if (isFirst && off + 2 > fileSize) out.ifdOutside = true;
      continue;
    }
    seen.add(off);
    const n = u16(off);
    if (off + 2 + n * 12 > head.length) {
      if (isFirst && off + 2 + n * 12 > fileSize) out.ifdOutside = true;
      continue;
    }
    let w = 0;
    let h = 0;
    const arrays = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const e = off + 2 + i * 12;
      const tag = u16(e);
      const type = u16(e + 2);
      const count = u32(e + 4);
      const size = type === 3 ? 2 : type === 4 || type === 13 ? 4 : 0;
      const values = (): number[] => {
        if (!size) return [];
        const at = size * count <= 4 ? e + 8 : u32(e + 8);
        if (at + size * count > head.length || count > 100000) return [];
        return Array.from({ length: count }, (_, k) => (size === 2 ? u16(at + 2 * k) : u32(at + 4 * k)));
      };
      if (tag === 256) w = values()[0] ?? 0;
      else if (tag === 257) h = values()[0] ?? 0;
      else if (tag === 273 || tag === 279 || tag === 324 || tag === 325) arrays.set(tag, values());
      else if (tag === TAG_SUBIFDS || tag === TAG_EXIF_IFD) queue.push(...values());
    }
    if (w * h > out.width * out.height) {
      out.width = w;
      out.height = h;
    }
    for (const [offTag, cntTag] of [
      [273, 279],
      [324, 325],
    ]) {
      const offs = arrays.get(offTag) ?? [];
      const cnts = arrays.get(cntTag) ?? [];
      for (let k = 0; k < Math.min(offs.length, cnts.length); k++) out.dataEnd = Math.max(out.dataEnd, offs[k] + cnts[k]);
    }
    const next = off + 2 + n * 12;
    if (next + 4 <= head.length) queue.push(u32(next));
  }
  return out;
}
