/**
 * Puts the source's EXIF block and ICC profile into an encoded output file. sharp can only
 * attach an ICC profile by converting pixels into it (ours are already in that space) and
 * cannot write a raw EXIF block from raw-pixel input, so both are spliced in here:
 * JPEG APP1/APP2 segments, PNG eXIf/iCCP chunks, TIFF tags in a rewritten IFD0. The block
 * comes ready from exif-block.ts; every splice into a file format is here.
 */
import { crc32, deflateSync } from 'node:zlib';
import { EXIF_PREFIX } from './exif-block';
import type { OutputFormat } from './types';

export function embedMetadata(encoded: Buffer, format: OutputFormat, m: { exif?: Buffer; icc?: Buffer }): Buffer {
  let out = encoded;
  if (format === 'jpeg') {
    if (m.icc) out = embedIccInJpeg(out, m.icc);
    if (m.exif) out = embedExifInJpeg(out, m.exif);
  } else if (format === 'png') {
    if (m.icc) out = embedIccInPng(out, m.icc);
    if (m.exif) out = embedExifInPng(out, m.exif);
  } else if (m.exif || m.icc) {
    out = embedInTiff(out, m.exif, m.icc);
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
      parts.push(pngChunk('eXIf', tiff));
      inserted = true;
    }
    if (type !== 'eXIf') parts.push(chunk);
    pos += 12 + len;
  }
  parts.push(png.subarray(pos));
  return Buffer.concat(parts);
}

const ICC_SIG = Buffer.from('ICC_PROFILE\0', 'latin1');
const ICC_CHUNK = 65519; // 65535 - 2 (length) - 12 (signature) - 2 (seq/count)

/** ICC as APP2 "ICC_PROFILE" segments (split over several when > 64 KB), right after SOI/APP0. */
export function embedIccInJpeg(jpeg: Buffer, icc: Buffer): Buffer {
  const count = Math.ceil(icc.length / ICC_CHUNK);
  if (count > 255) return jpeg;
  const segs: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const part = icc.subarray(i * ICC_CHUNK, (i + 1) * ICC_CHUNK);
    const h = Buffer.alloc(4);
    h.writeUInt16BE(0xffe2, 0);
    h.writeUInt16BE(2 + ICC_SIG.length + 2 + part.length, 2);
    segs.push(h, ICC_SIG, Buffer.from([i + 1, count]), part);
  }
  let pos = 2;
  const keep: Buffer[] = [];
  // Skip APP0 (JFIF must stay first) and drop any existing ICC segments.
  while (pos + 4 <= jpeg.length && jpeg[pos] === 0xff && jpeg[pos + 1] >= 0xe0 && jpeg[pos + 1] <= 0xef) {
    const len = jpeg.readUInt16BE(pos + 2);
    const seg = jpeg.subarray(pos, pos + 2 + len);
    const isIcc = jpeg[pos + 1] === 0xe2 && seg.subarray(4, 16).equals(ICC_SIG);
    if (!isIcc) keep.push(seg);
    pos += 2 + len;
  }
  const app0 = keep.filter((s) => s[1] === 0xe0);
  const rest = keep.filter((s) => s[1] !== 0xe0);
  return Buffer.concat([jpeg.subarray(0, 2), ...app0, ...segs, ...rest, jpeg.subarray(pos)]);
}

/** One PNG chunk: length, type, body, CRC-32 over type + body. */
export function pngChunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body, crc32(head.subarray(4))) >>> 0, 0);
  return Buffer.concat([head, body, crc]);
}

/** ICC as a PNG iCCP chunk after IHDR (drops sRGB/gAMA/cHRM/iCCP, which it supersedes). */
export function embedIccInPng(png: Buffer, icc: Buffer): Buffer {
  const chunk = pngChunk('iCCP', Buffer.concat([Buffer.from('ICC profile\0\0', 'latin1'), deflateSync(icc)]));
  const parts: Buffer[] = [png.subarray(0, 8)];
  let pos = 8;
  while (pos + 12 <= png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    const c = png.subarray(pos, pos + 12 + len);
    if (!['sRGB', 'gAMA', 'cHRM', 'iCCP'].includes(type)) parts.push(c);
    if (type === 'IHDR') parts.push(chunk);
    pos += 12 + len;
  }
  return Buffer.concat(parts);
}

// ---- TIFF ----

/** Bytes per element of each TIFF field type (byte-swapping unit; RATIONAL swaps as 2×4). */
const UNIT: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 4, 6: 1, 7: 1, 8: 2, 9: 4, 10: 4, 11: 4, 12: 8, 13: 4 };
const SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4 };

interface Entry {
  tag: number;
  type: number;
  count: number;
  /** Value bytes in the output's byte order; `inline` = the verbatim 4 value/offset bytes. */
  data?: Buffer;
  inline?: Buffer;
}

function reader(buf: Buffer, le: boolean) {
  return {
    u16: (o: number): number => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o)),
    u32: (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o)),
  };
}

/** Reads an IFD's entries with their values copied out (byte order converted to `toLe`). */
function readEntries(buf: Buffer, off: number, le: boolean, toLe: boolean): Entry[] {
  const r = reader(buf, le);
  if (off + 2 > buf.length) return [];
  const n = r.u16(off);
  const out: Entry[] = [];
  for (let i = 0; i < n; i++) {
    const e = off + 2 + i * 12;
    if (e + 12 > buf.length) break;
    const tag = r.u16(e);
    const type = r.u16(e + 2);
    const count = r.u32(e + 4);
    const size = SIZE[type];
    if (!size) continue;
    const len = size * count;
    const at = len <= 4 ? e + 8 : r.u32(e + 8);
    if (at + len > buf.length) continue;
    const data = Buffer.from(buf.subarray(at, at + len));
    const unit = UNIT[type];
    if (le !== toLe && unit > 1) {
      if (unit === 2) data.swap16();
      else if (unit === 4) data.swap32();
      else data.swap64();
    }
    out.push({ tag, type, count, data });
  }
  return out;
}

/** Serialises an IFD at file offset `start` with its out-of-line values after it. */
function layoutIfd(entries: Entry[], start: number, le: boolean, next: number): Buffer {
  const sorted = [...entries].sort((a, b) => a.tag - b.tag);
  const head = Buffer.alloc(2 + sorted.length * 12 + 4);
  const w16 = (b: Buffer, v: number, o: number): number => (le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
  const w32 = (b: Buffer, v: number, o: number): number => (le ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));
  w16(head, sorted.length, 0);
  const extra: Buffer[] = [];
  let dataPos = start + head.length;
  sorted.forEach((en, i) => {
    const e = 2 + i * 12;
    w16(head, en.tag, e);
    w16(head, en.type, e + 2);
    w32(head, en.count, e + 4);
    if (en.inline) en.inline.copy(head, e + 8);
    else if (en.data && en.data.length <= 4) en.data.copy(head, e + 8);
    else if (en.data) {
      w32(head, dataPos, e + 8);
      const padded = en.data.length % 2 ? Buffer.concat([en.data, Buffer.alloc(1)]) : en.data;
      extra.push(padded);
      dataPos += padded.length;
    }
  });
  w32(head, next, head.length - 4);
  return Buffer.concat([head, ...extra]);
}

/** IFD0 tags copied from the EXIF block into a TIFF's own IFD0 (descriptive text only). */
const IFD0_COPY = new Set([270, 271, 272, 305, 306, 315, 33432]);
/** EXIF sub-IFD tags left out: MakerNote and the Interop pointer hold offsets we would break. */
const EXIF_SKIP = new Set([37500, 40965]);

/** Adds ICC (34675) and EXIF (IFD0 text tags + an EXIF sub-IFD, 34665) to a TIFF's first IFD. */
export function embedInTiff(tiff: Buffer, exif: Buffer | undefined, icc: Buffer | undefined): Buffer {
  const le = tiff[0] === 0x49;
  const r = reader(tiff, le);
  const ifd0 = r.u32(4);
  const n = r.u16(ifd0);
  const entries: Entry[] = [];
  for (let i = 0; i < n; i++) {
    const e = ifd0 + 2 + i * 12;
    entries.push({ tag: r.u16(e), type: r.u16(e + 2), count: r.u32(e + 4), inline: Buffer.from(tiff.subarray(e + 8, e + 12)) });
  }
  const next = r.u32(ifd0 + 2 + n * 12);
  const has = (tag: number): boolean => entries.some((e) => e.tag === tag);
  if (icc && !has(34675)) entries.push({ tag: 34675, type: 7, count: icc.length, data: icc });
  let exifEntries: Entry[] = [];
  if (exif && !has(34665)) {
    const ele = exif[0] === 0x49;
    const er = reader(exif, ele);
    const src0 = readEntries(exif, er.u32(4), ele, le);
    for (const e of src0) if (IFD0_COPY.has(e.tag) && !has(e.tag)) entries.push(e);
    const ptr = src0.find((e) => e.tag === 34665);
    if (ptr?.data) {
      const subOff = le ? ptr.data.readUInt32LE(0) : ptr.data.readUInt32BE(0);
      exifEntries = readEntries(exif, subOff, ele, le).filter((e) => !EXIF_SKIP.has(e.tag));
    }
  }
  const start = tiff.length + (tiff.length % 2);
  const pad = Buffer.alloc(start - tiff.length);
  const ptrBytes = Buffer.alloc(4);
  if (exifEntries.length) entries.push({ tag: 34665, type: 4, count: 1, inline: ptrBytes });
  let ifd = layoutIfd(entries, start, le, next);
  const parts = [tiff, pad, ifd];
  if (exifEntries.length) {
    const exifStart = start + ifd.length;
    if (le) ptrBytes.writeUInt32LE(exifStart, 0);
    else ptrBytes.writeUInt32BE(exifStart, 0);
    ifd = layoutIfd(entries, start, le, next);
    parts[2] = ifd;
    parts.push(layoutIfd(exifEntries, exifStart, le, 0));
  }
  const out = Buffer.concat(parts);
  if (le) out.writeUInt32LE(start, 4);
  else out.writeUInt32BE(start, 4);
  return out;
}

/**
 * A compact bare EXIF block (IFD0 text tags + Orientation + EXIF sub-IFD) rebuilt from a
 * TIFF-structured file's head: plain TIFFs (sharp does not expose their EXIF) and
 * TIFF-based raws, whose capture data should travel into the rendered output.
 */
export function extractExifBlock(head: Buffer): Buffer | null {
  if (head.length < 8) return null;
  const m = head.toString('latin1', 0, 4);
  if (m !== 'II*\0' && m !== 'MM\0*') return null;
  const le = m === 'II*\0';
  const r = reader(head, le);
  const ifd0 = readEntries(head, r.u32(4), le, true);
  const top = ifd0.filter((e) => IFD0_COPY.has(e.tag) || e.tag === 274);
  const ptr = ifd0.find((e) => e.tag === 34665);
  const sub = ptr?.data && ptr.data.length >= 4 ? readEntries(head, ptr.data.readUInt32LE(0), le, true).filter((e) => !EXIF_SKIP.has(e.tag)) : [];
  if (!top.length && !sub.length) return null;
  const header = Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00]);
  if (!sub.length) return Buffer.concat([header, layoutIfd(top, 8, true, 0)]);
  const ptrBytes = Buffer.alloc(4);
  const entries = [...top, { tag: 34665, type: 4, count: 1, inline: ptrBytes }];
  const first = layoutIfd(entries, 8, true, 0);
  ptrBytes.writeUInt32LE(8 + first.length, 0);
  return Buffer.concat([header, layoutIfd(entries, 8, true, 0), layoutIfd(sub, 8 + first.length, true, 0)]);
}
