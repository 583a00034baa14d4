/**
 * Photo I/O on sharp: decode any supported file into `RgbFloat` (sRGB-encoded float) and
 * encode it back, carrying EXIF and the ICC profile. Camera RAW goes through raw/dcraw.ts.
 *
 * Colour: pixels are read with `ignoreIcc` so they stay in the file's own RGB space and the
 * same profile is attached on output (a round trip is colour-exact, also for wide-gamut
 * 16-bit TIFFs). CMYK is the exception: it is converted to sRGB and its profile dropped.
 * RAW output is sRGB (the decoder's output space) and carries no profile.
 */
import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { writeFileAtomic } from '../atomic-write';
import { EvenlightError, fromNodeError, throwIfAborted, toEvenlightError } from '../errors';
import type { RawDecodeInfo } from '../raw/dcraw';
import { decodeRawFile } from '../raw/decoder';
import { extractEmbeddedPreview } from '../raw/preview';
import { embedExifInJpeg, embedMetadata, extractExifBlock } from './embed-metadata';
import { bareExif, orientationExif, setExifOrientation } from './exif-block';
import { readExif } from './exif';
import { sniffFile } from './format';
import { checkHeader, tooLarge } from './header';
import type { InputFormat, OutputFormat, Raster, RgbFloat } from './types';
import { intToFloat } from './to-float';
import { floatToU16, floatToU8 } from './quantize';
import { downscaleToMaxSide } from './resize';
import { defaultMaxPixels } from '../settings';
import { JPEG_DEFAULTS } from '../../common/formats';


export interface ImageMeta {
  path: string;
  format: InputFormat;
  /** Size of the decoded (already rotated) image. */
  width: number;
  height: number;
  bitDepth: 8 | 16;
  icc?: Buffer;
  /** Bare EXIF TIFF block ("II*"/"MM*", no "Exif\0\0" prefix) as found in the file. */
  exif?: Buffer;
  /** EXIF orientation of the file (already applied to the pixels). */
  orientation?: number;
  raw?: RawDecodeInfo;
  /**
   * The alpha plane, at `bitDepth`, when read with `keepAlpha` from a file that has one: the
   * output is written with it (PNG, TIFF) or flattened onto white with it (JPEG).
   */
  alpha?: Uint8Array | Uint16Array;
  /**
   * The file is black and white (one channel, with or without alpha): it is decoded to RGB
   * like any other, and an output made from it is written back as one channel, with the
   * file's grey ICC profile (which an RGB file could not carry).
   */
  grey?: boolean;
}

export interface ReadOptions {
  maxPixels?: number;
  /** Half-size RAW demosaic (previews); ignored for other formats. */
  rawHalfSize?: boolean;
  /**
   * A photo with transparency: its straight colour, and its alpha in `meta.alpha`, so that a
   * file-to-file output keeps it. Without it the colour is flattened onto white, as it is
   * shown (previews, fusion, eval).
   */
  keepAlpha?: boolean;
  signal?: AbortSignal;
}

export interface WriteOptions {
  format: OutputFormat;
  /** JPEG quality 1..100 (default JPEG_DEFAULTS.quality). */
  quality?: number;
  /** JPEG: optimised Huffman tables (smaller file, slower encode; default JPEG_DEFAULTS.optimizeCoding) */
  optimizeJpeg?: boolean;
  /** Metadata of the source: EXIF/ICC are carried over; its path is never overwritten; a PNG keeps its depth. */
  meta?: Pick<ImageMeta, 'path'> & Partial<Pick<ImageMeta, 'icc' | 'exif' | 'bitDepth' | 'alpha' | 'grey'>>;
}

/**
 * The sample depth an output is written at: TIFF always 16-bit, JPEG 8-bit, PNG at the
 * source's depth, so a 16-bit PNG (a scan, an export from a raw developer) keeps its precision.
 */
export function outputBits(format: OutputFormat, sourceBits: 8 | 16 = 8): 8 | 16 {
  return format === 'tiff16' || (format === 'png' && sourceBits === 16) ? 16 : 8;
}

/** Maps libvips/sharp messages onto our codes. */
function sharpError(err: unknown, file: string): EvenlightError {
  const mapped = fromNodeError(err, file);
  if (mapped) return mapped;
  const msg = err instanceof Error ? err.message : String(err);
  const first = msg.split(/\r?\n/).find((l) => l.trim()) ?? msg;
  if (/premature end|truncated|unexpected end|end of file|short read|not enough data|out of data|read error|bad seek|damaged|IDAT stream error|Read beyond|Cannot read TIFF directory|TIFFFetch|TIFFRead/i.test(msg)) {
    return new EvenlightError('TRUNCATED', file, `file is truncated or corrupt (${first.trim()})`, { cause: err });
  }
  if (/pixel limit|exceeds/i.test(msg)) return new EvenlightError('TOO_LARGE', file, first, { cause: err });
  if (/unsupported image format|corrupt header/i.test(msg)) {
    return new EvenlightError('DECODE_FAILED', file, `cannot decode: the content is damaged or truncated (${first.trim()})`, { cause: err });
  }
  return new EvenlightError('DECODE_FAILED', file, `cannot decode: ${first.trim()}`, { cause: err });
}

function checkPixels(file: string, width: number, height: number, maxPixels: number): void {
  if (width * height > maxPixels) throw tooLarge(file, width, height, maxPixels);
}

export async function readImage(path: string, opts: ReadOptions = {}): Promise<{ image: RgbFloat; meta: ImageMeta }> {
  const maxPixels = opts.maxPixels ?? defaultMaxPixels();
  throwIfAborted(opts.signal, path);
  const { format, head, size } = await sniffFile(path);
  throwIfAborted(opts.signal, path);
  const checked = checkHeader(path, head, format, size, maxPixels, format === 'raw' && opts.rawHalfSize ? 4 : 1);
  if (format === 'raw') {
    // the head read and checked here goes to the decoder: not read or checked again
    const { image, info } = await decodeRawFile(path, { halfSize: opts.rawHalfSize, signal: opts.signal, maxPixels, rawHead: { head, size, info: checked } });
    const meta: ImageMeta = { path, format, width: image.width, height: image.height, bitDepth: 16, raw: info };
    const exif = extractExifBlock(head);
    if (exif) meta.exif = exif;
    return { image, meta };
  }
  const { data, info, sixteen, meta } = await decodeWithSharp(path, format, head, maxPixels, opts);
  const image = intToFloat(sixteen ? u16View(data) : data, info.width, info.height, info.channels);
  return { image, meta };
}

/**
 * The photo at a working size: long side at most `maxSide` (0: full size), area-downscaled.
 * A RAW takes a half-size demosaic when that is still plenty (maxSide up to 3000 px). What
 * the editor works on (jobs/) and what Compare fuses and corrects.
 */
export async function readFitted(path: string, maxSide: number, opts: Omit<ReadOptions, 'rawHalfSize'> = {}): Promise<{ image: RgbFloat; meta: ImageMeta }> {
  const { image, meta } = await readImage(path, { ...opts, rawHalfSize: maxSide > 0 && maxSide <= 3000 });
  return { image: downscaleToMaxSide(image, maxSide), meta };
}

/**
 * JPEG/PNG/TIFF/WebP decoded to 8- or 16-bit RGB, without a float copy: the fast path of
 * `normalizeFile`. The pixels are sharp's own buffer (viewed, not copied, when it is already
 * 3-channel and aligned). Camera RAW has no integer form here (its headroom needs floats):
 * undefined.
 */
export async function readRaster(path: string, opts: ReadOptions = {}): Promise<{ raster: Raster; meta: ImageMeta } | undefined> {
  const maxPixels = opts.maxPixels ?? defaultMaxPixels();
  throwIfAborted(opts.signal, path);
  const { format, head, size } = await sniffFile(path);
  if (format === 'raw') return undefined;
  checkHeader(path, head, format, size, maxPixels, 1);
  const { data, info, sixteen, meta } = await decodeWithSharp(path, format, head, maxPixels, opts);
  const n = info.width * info.height * 3;
  let pixels: Uint8Array | Uint16Array;
  if (sixteen) {
    const src = u16View(data);
    pixels = info.channels === 3 ? src : copyRgb(src, new Uint16Array(n), info.channels);
  } else {
    const src = new Uint8Array(data.buffer, data.byteOffset, data.length);
    pixels = info.channels === 3 ? src : copyRgb(src, new Uint8Array(n), info.channels);
  }
  return { raster: { width: info.width, height: info.height, bits: sixteen ? 16 : 8, data: pixels }, meta };
}

function copyRgb<T extends Uint8Array | Uint16Array>(src: Uint8Array | Uint16Array, dst: T, channels: number): T {
  for (let i = 0, j = 0; i < dst.length; i += 3, j += channels) {
    dst[i] = src[j];
    dst[i + 1] = src[j + 1];
    dst[i + 2] = src[j + 2];
  }
  return dst;
}

async function decodeWithSharp(
  path: string,
  format: InputFormat,
  head: Buffer,
  maxPixels: number,
  opts: Pick<ReadOptions, 'keepAlpha' | 'signal'>,
): Promise<{ data: Buffer; info: sharp.OutputInfo; sixteen: boolean; meta: ImageMeta }> {
  let md: sharp.Metadata;
  try {
    md = await sharp(path, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw sharpError(err, path);
  }
  checkPixels(path, md.width ?? 0, md.height ?? 0, maxPixels);
  if (md.depth === 'float' || md.depth === 'double' || md.depth === 'complex' || md.depth === 'dpcomplex') {
    // libvips guesses a colour space for float TIFFs (often XYZ) and converts: refuse
    // rather than return silently wrong colours.
    throw new EvenlightError('UNSUPPORTED', path, `floating-point ${format.toUpperCase()} is not supported (save it as 8- or 16-bit)`);
  }
  const cmyk = md.space === 'cmyk';
  const sixteen = md.depth === 'ushort' || md.depth === 'short' || md.depth === 'uint' || md.depth === 'int';
  let decoded: { data: Buffer; info: sharp.OutputInfo };
  try {
    let p = sharp(path, { limitInputPixels: false, failOn: 'truncated', ignoreIcc: !cmyk }).rotate();
    if (md.hasAlpha && !opts.keepAlpha) p = p.flatten({ background: { r: 255, g: 255, b: 255 } });
    p = p.toColourspace(sixteen ? 'rgb16' : 'srgb');
    decoded = await p.raw(sixteen ? { depth: 'ushort' } : undefined).toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw sharpError(err, path);
  }
  throwIfAborted(opts.signal, path);
  const { data, info } = decoded;
  const meta: ImageMeta = { path, format, width: info.width, height: info.height, bitDepth: sixteen ? 16 : 8 };
  if (info.channels === 4) meta.alpha = alphaPlane(data, info.width * info.height, sixteen);
  if (md.space === 'b-w' || md.space === 'grey16') meta.grey = true;
  if (md.icc && !cmyk) meta.icc = md.icc;
  // libvips exposes no EXIF for TIFF input: rebuild it from the file's own directories.
  const exif = bareExif(md.exif) ?? (format === 'tiff' ? extractExifBlock(head) : null);
  if (exif) meta.exif = exif;
  if (md.orientation) meta.orientation = md.orientation;
  return { data, info, sixteen, meta };
}

/** sharp's native-endian 16-bit samples as a Uint16Array: a view, or a copy when the buffer is
 * odd-aligned (a view needs 2-byte alignment). */
function u16View(data: Buffer): Uint16Array {
  return data.byteOffset % 2 === 0 ? new Uint16Array(data.buffer, data.byteOffset, data.length >> 1) : new Uint16Array(Uint8Array.from(data).buffer);
}

/** The 4th channel of interleaved RGBA (sharp's native-endian samples when 16-bit). */
function alphaPlane(data: Buffer, n: number, sixteen: boolean): Uint8Array | Uint16Array {
  const src = sixteen ? u16View(data) : data;
  const out = sixteen ? new Uint16Array(n) : new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = src[i * 4 + 3];
  return out;
}

/**
 * The pixels to encode with the source's alpha: RGBA at the raster's depth for PNG and TIFF,
 * RGB flattened onto white for JPEG (which has no alpha). No alpha, or one of another size
 * (a derived image): the raster as it is.
 */
function withAlpha(raster: Raster, alpha: Uint8Array | Uint16Array | undefined, format: OutputFormat): { data: Uint8Array | Uint16Array; channels: 3 | 4 } {
  const { width, height, bits, data } = raster;
  const n = width * height;
  if (!alpha || alpha.length !== n) return { data, channels: 3 };
  const max = bits === 16 ? 65535 : 255;
  // the plane's own depth scaled to the output's (8 <-> 16 bits: x257)
  const scale = max / (alpha instanceof Uint16Array ? 65535 : 255);
  if (format === 'jpeg') {
    const out = bits === 16 ? new Uint16Array(n * 3) : new Uint8Array(n * 3);
    for (let i = 0; i < n; i++) {
      const a = (alpha[i] * scale) / max;
      for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round(data[i * 3 + c] * a + max * (1 - a));
    }
    return { data: out, channels: 3 };
  }
  const out = bits === 16 ? new Uint16Array(n * 4) : new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    out[i * 4] = data[i * 3];
    out[i * 4 + 1] = data[i * 3 + 1];
    out[i * 4 + 2] = data[i * 3 + 2];
    out[i * 4 + 3] = Math.round(alpha[i] * scale);
  }
  return { data: out, channels: 4 };
}

async function sameFile(a: string, b: string): Promise<boolean> {
  if (resolve(a) === resolve(b)) return true;
  try {
    const [ra, rb] = await Promise.all([realpath(a), realpath(b)]);
    if (ra === rb) return true;
    const [sa, sb] = await Promise.all([stat(ra), stat(rb)]);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false; // the output does not exist yet
  }
}

/** Encodes `image` (values clamped to 0..1) and writes it atomically. */
export async function writeImage(path: string, image: RgbFloat, opts: WriteOptions): Promise<void> {
  const { width, height, data } = image;
  if (!(width > 0 && height > 0) || data.length !== width * height * 3) {
    throw new EvenlightError('INVALID_ARGUMENT', path, `image buffer does not match its size (${width}×${height}, ${data.length} values)`);
  }
  const sixteen = outputBits(opts.format, opts.meta?.bitDepth) === 16;
  await writeRaster(path, { width, height, bits: sixteen ? 16 : 8, data: sixteen ? floatToU16(data) : floatToU8(data) }, opts);
}

/** Encodes integer pixels as they are (no float round trip) and writes them atomically. */
export async function writeRaster(path: string, raster: Raster, opts: WriteOptions): Promise<void> {
  const { width, height, data, bits } = raster;
  if (!(width > 0 && height > 0) || data.length !== width * height * 3) {
    throw new EvenlightError('INVALID_ARGUMENT', path, `image buffer does not match its size (${width}×${height}, ${data.length} values)`);
  }
  if (bits !== outputBits(opts.format, bits)) throw new EvenlightError('INVALID_ARGUMENT', path, `${bits}-bit pixels cannot be written as ${opts.format}`);
  if (opts.meta?.path && (await sameFile(opts.meta.path, path))) {
    throw new EvenlightError('OUTPUT_UNWRITABLE', path, 'refusing to overwrite the original input file');
  }
  const exif = opts.meta?.exif ? bareExif(opts.meta.exif) : null;
  // Pixels are already rotated upright: the carried EXIF must say so.
  const exifOut = exif ? setExifOrientation(exif, 1) : undefined;
  const icc = opts.meta?.icc;
  let encoded: Buffer;
  try {
    const px = withAlpha(raster, opts.meta?.alpha, opts.format);
    let input = sharp(px.data, { raw: { width, height, channels: px.channels } });
    // 16-bit samples are written as such only once named; a grey source's output is grey
    // (R = G = B: the transform keeps neutrals neutral)
    const space = opts.meta?.grey ? (bits === 16 ? 'grey16' : 'b-w') : bits === 16 ? 'rgb16' : undefined;
    if (space) input = input.toColourspace(space);
    if (opts.format === 'tiff16') {
      encoded = await input.tiff({ compression: 'deflate', predictor: 'horizontal' }).toBuffer();
    } else if (opts.format === 'png') {
      encoded = await input.png({ compressionLevel: 6 }).toBuffer();
    } else if (opts.format === 'jpeg') {
      const quality = Math.max(1, Math.min(100, Math.round(opts.quality ?? JPEG_DEFAULTS.quality)));
      encoded = await input
        .jpeg({ quality, chromaSubsampling: quality >= JPEG_DEFAULTS.fullChromaFrom ? '4:4:4' : '4:2:0', optimiseCoding: opts.optimizeJpeg ?? JPEG_DEFAULTS.optimizeCoding })
        .toBuffer();
    } else {
      throw new EvenlightError('INVALID_ARGUMENT', path, `unknown output format ${String(opts.format)}`);
    }
  } catch (err) {
    throw toEvenlightError(err, path, 'OUTPUT_UNWRITABLE');
  }
  encoded = embedMetadata(encoded, opts.format, { exif: exifOut, icc });
  await writeFileAtomic(path, encoded);
}

/**
 * Small JPEG preview, longest side <= maxSide. Big JPEGs use libjpeg shrink-on-load; RAW
 * uses the embedded preview when the decoder can extract one, else a half-size decode.
 */
export async function makeThumbnail(path: string, maxSide: number, opts: { signal?: AbortSignal; maxPixels?: number } = {}): Promise<Buffer> {
  const side = Math.max(1, Math.round(maxSide));
  const { format, head, size } = await sniffFile(path);
  checkHeader(path, head, format, size, opts.maxPixels ?? defaultMaxPixels(), format === 'raw' ? 4 : 1);
  const resize = { width: side, height: side, fit: 'inside' as const, withoutEnlargement: true };
  if (format === 'raw') {
    const preview = await extractEmbeddedPreview(path, opts.signal);
    if (preview) {
      try {
        if (Math.max(preview.width, preview.height) >= Math.min(side, 512)) {
          // Embedded previews are stored unrotated; the raw's own orientation applies.
          const m = await sharp(preview.jpeg).metadata();
          const o = m.orientation ? undefined : (preview.orientation ?? (await readExif(path).catch(() => ({ orientation: undefined }))).orientation);
          const upright = o && o !== 1 ? embedExifInJpeg(preview.jpeg, orientationExif(o)) : preview.jpeg;
          return await sharp(upright).rotate().resize(resize).jpeg({ quality: 85 }).toBuffer();
        }
      } catch {
        // a broken embedded preview: fall through to decoding the raw itself
      }
    }
    const { image } = await readImage(path, { rawHalfSize: true, signal: opts.signal, maxPixels: opts.maxPixels });
    try {
      return await sharp(floatToU8(image.data), { raw: { width: image.width, height: image.height, channels: 3 } })
        .resize(resize)
        .jpeg({ quality: 85 })
        .toBuffer();
    } catch (err) {
      throw sharpError(err, path);
    }
  }
  try {
    const md = await sharp(path, { limitInputPixels: false }).metadata();
    checkPixels(path, md.width ?? 0, md.height ?? 0, opts.maxPixels ?? defaultMaxPixels());
    return await sharp(path, { limitInputPixels: false, failOn: 'truncated' })
      .rotate()
      .resize(resize)
      .flatten({ background: { r: 255, g: 255, b: 255 } })
      .toColourspace('srgb')
      .jpeg({ quality: 85 })
      .toBuffer();
  } catch (err) {
    if (err instanceof EvenlightError) throw err;
    throw sharpError(err, path);
  }
}
