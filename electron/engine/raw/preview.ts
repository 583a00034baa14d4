/**
 * The camera's embedded JPEG preview, for library thumbnails: a few small reads instead of a
 * demosaic. TIFF-based raws (DNG, NEF, CR2, ARW, PEF, SRW, ORF, RW2) are walked here — IFD
 * chain, SubIFDs, JPEGInterchangeFormat, single-strip JPEG images, RW2's JpgFromRaw — and the
 * largest baseline/progressive JPEG wins (lossless-JPEG raw data, SOF3, is not a preview);
 * RAF keeps its preview's offset in the header. Anything else (CR3) asks LibRaw
 * (WebAssembly), then dcraw -e. Orientation comes from IFD0 when the JPEG has none.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { EvenlightError, throwIfAborted } from '../errors';
import { extractRawPreview } from './dcraw';
import { extractPreviewWasm, wasmDecoderInfo } from './libraw-wasm';

export interface EmbeddedPreview {
  jpeg: Buffer;
  width: number;
  height: number;
  /** EXIF orientation of the raw (1..8), when the container says. */
  orientation?: number;
  source: 'tiff' | 'raf' | 'libraw-wasm' | 'dcraw';
}

interface Candidate {
  offset: number;
  length: number;
}

const MAX_IFDS = 64;

function readAt(fd: number, offset: number, length: number): Buffer {
  const b = Buffer.alloc(length);
  const n = readSync(fd, b, 0, length, offset);
  return b.subarray(0, n);
}

/** Size of a JPEG from its SOF (baseline/extended/progressive only), or null. */
export function jpegSize(buf: Uint8Array): { width: number; height: number } | null {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return null;
  let i = 2;
  while (i + 9 < buf.length) {
    if (buf[i] !== 0xff) return null;
    const marker = buf[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    }
    const len = (buf[i + 2] << 8) | buf[i + 3];
    if (marker === 0xc0 || marker === 0xc1 || marker === 0xc2) {
      return { height: (buf[i + 5] << 8) | buf[i + 6], width: (buf[i + 7] << 8) | buf[i + 8] };
    }
    if (marker >= 0xc3 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return null; // lossless, arithmetic: raw data
    if (marker === 0xda || marker === 0xd9) return null;
    i += 2 + len;
  }
  return null;
}

/** Candidates and IFD0's orientation from a TIFF-structured raw. */
function walkTiff(fd: number, size: number): { candidates: Candidate[]; orientation?: number; dng: boolean } | null {
  const head = readAt(fd, 0, 8);
  if (head.length < 8) return null;
  const m = head.toString('latin1', 0, 4);
  const le = m === 'II*\0' || m === 'IIU\0' || m === 'IIRO' || m === 'IIRS';
  const be = m === 'MM\0*' || m === 'MMOR';
  if (!le && !be) return null;
  const candidates: Candidate[] = [];
  let orientation: number | undefined;
  let dng = false;
  const seen = new Set<number>();
  const queue: Array<{ off: number; ifd0: boolean }> = [{ off: le ? head.readUInt32LE(4) : head.readUInt32BE(4), ifd0: true }];
  while (queue.length && seen.size < MAX_IFDS) {
    const { off, ifd0 } = queue.shift()!;
    if (off < 8 || off + 2 > size || seen.has(off)) continue;
    seen.add(off);
    const cnt = readAt(fd, off, 2);
    if (cnt.length < 2) continue;
    const n = le ? cnt.readUInt16LE(0) : cnt.readUInt16BE(0);
    const body = readAt(fd, off + 2, n * 12 + 4);
    if (body.length < n * 12) continue;
    const u16 = (o: number): number => (le ? body.readUInt16LE(o) : body.readUInt16BE(o));
    const u32 = (o: number): number => (le ? body.readUInt32LE(o) : body.readUInt32BE(o));
    const tags = new Map<number, { type: number; count: number; at: number }>();
    for (let i = 0; i < n; i++) tags.set(u16(i * 12), { type: u16(i * 12 + 2), count: u32(i * 12 + 4), at: i * 12 + 8 });
    /** First value of a SHORT/LONG tag (inline). */
    const value = (tag: number): number | undefined => {
      const t = tags.get(tag);
      if (!t) return undefined;
      return t.type === 3 ? u16(t.at) : u32(t.at);
    };
    if (ifd0) {
      orientation = value(274);
      dng = tags.has(50706);
    }
    const jif = value(513);
    const jifLen = value(514);
    if (jif && jifLen) candidates.push({ offset: jif, length: jifLen });
    const compression = value(259);
    const strips = tags.get(273);
    if ((compression === 6 || compression === 7) && strips && strips.count === 1) {
      const len = value(279);
      if (len) candidates.push({ offset: value(273)!, length: len });
    }
    const rw2 = tags.get(0x2e); // Panasonic JpgFromRaw: UNDEFINED bytes
    if (m === 'IIU\0' && rw2 && rw2.count > 4) candidates.push({ offset: u32(rw2.at), length: rw2.count });
    const sub = tags.get(330);
    if (sub) {
      if (sub.count === 1) queue.push({ off: u32(sub.at), ifd0: false });
      else {
        const list = readAt(fd, u32(sub.at), Math.min(sub.count, 16) * 4);
        for (let k = 0; k + 4 <= list.length; k += 4) queue.push({ off: le ? list.readUInt32LE(k) : list.readUInt32BE(k), ifd0: false });
      }
    }
    if (body.length >= n * 12 + 4) queue.push({ off: u32(n * 12), ifd0: false });
  }
  return { candidates, orientation, dng };
}

/**
 * Embedded preview from the file's own structure (TIFF-based raws, RAF); null when there is
 * none; 'none' when there surely is none (a DNG keeps its previews in its IFDs, by the spec).
 */
export function readEmbeddedPreview(path: string): EmbeddedPreview | null | 'none' {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const size = fstatSync(fd).size;
    let found: { candidates: Candidate[]; orientation?: number; dng?: boolean } | null = null;
    let source: EmbeddedPreview['source'] = 'tiff';
    const magic = readAt(fd, 0, 96);
    if (magic.toString('latin1', 0, 15) === 'FUJIFILMCCD-RAW' && magic.length >= 92) {
      found = { candidates: [{ offset: magic.readUInt32BE(84), length: magic.readUInt32BE(88) }] };
      source = 'raf';
    } else {
      found = walkTiff(fd, size);
    }
    if (!found) return null;
    let best: EmbeddedPreview | null = null;
    for (const c of found.candidates) {
      if (c.offset <= 0 || c.length < 64 || c.offset + c.length > size) continue;
      const start = readAt(fd, c.offset, Math.min(c.length, 256 * 1024));
      const dims = jpegSize(start);
      if (!dims || (best && dims.width * dims.height <= best.width * best.height)) continue;
      best = { jpeg: Buffer.alloc(0), width: dims.width, height: dims.height, source, ...(found.orientation ? { orientation: found.orientation } : {}) };
      best.jpeg = c.length <= start.length ? start.subarray(0, c.length) : readAt(fd, c.offset, c.length);
    }
    return best ?? (found.dng ? 'none' : null);
  } catch {
    return null; // a damaged container: the caller decodes instead
  } finally {
    closeSync(fd);
  }
}

/**
 * The best embedded preview by any means: our own parse, then LibRaw (WebAssembly, every
 * format LibRaw reads, CR3 included), then `dcraw -e`; null when the raw has none.
 */
export async function extractEmbeddedPreview(path: string, signal?: AbortSignal): Promise<EmbeddedPreview | null> {
  throwIfAborted(signal, path);
  const own = readEmbeddedPreview(path);
  if (own === 'none') return null;
  if (own) return own;
  const viaWasm = wasmDecoderInfo() ? await extractPreviewWasm(path, signal) : null;
  const jpeg = viaWasm ?? (await extractRawPreview(path, signal).catch((err: unknown) => {
    if (err instanceof EvenlightError && err.code === 'CANCELLED') throw err;
    return null;
  }));
  if (!jpeg) return null;
  const dims = jpegSize(jpeg.subarray(0, 256 * 1024));
  if (!dims) return null;
  return { jpeg, ...dims, source: viaWasm ? 'libraw-wasm' : 'dcraw' };
}
