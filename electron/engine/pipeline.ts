/**
 * One photo, file to file: readImage -> normalizeImage -> writeImage (atomic; EXIF/ICC and
 * transparency carried over; the original is never written to).
 *
 *   normalizeFile(input, output, opts) -> Promise<NormalizeFileResult>
 *   outputFormatFor(inputPath, outputPath?, explicit?) -> OutputFormat
 *     explicit --format > the output's extension > the input's family
 *     (JPEG -> jpeg, PNG -> png, TIFF/RAW/other -> tiff16; the formats table, common/formats.ts)
 */
import { resolve } from 'node:path';
import { outputFormatOfInput, outputFormatOfName } from '../common/formats';
import { EvenlightError, throwIfAborted } from './errors';
import { outputBits, readImage, readRaster, writeImage, writeRaster, type ImageMeta } from './image/io';
import type { OutputFormat, Raster } from './image/types';
import { defaultModelDir } from './settings';
import { getModel, type ModelSession } from './model/session';
import { checkAmounts, defaultMode, normalizeImageDetailed, type NormalizeOptions, type NormalizeReport } from './normalize';
import { applyPhotoTransform, photoTransform, predictTransform } from './normalize/ai';
import { applyTransformBands, startTransformWorkers } from './normalize/curve-apply-pool';
import { areaResizeNchw } from './normalize/thumbnail';
import { withShadowColour } from './normalize/shadow-colour';

export interface NormalizeFileOptions extends Omit<NormalizeOptions, 'onReport'> {
  format?: OutputFormat;
  quality?: number;
  /** JPEG: optimised Huffman tables (smaller file, slower encode; common/formats.ts JPEG_DEFAULTS says by how much) */
  optimizeJpeg?: boolean;
  maxPixels?: number;
}

export interface NormalizeFileResult {
  input: string;
  output: string;
  format: OutputFormat;
  width: number;
  height: number;
  report: NormalizeReport;
  /** milliseconds per stage */
  timings: { decode: number; normalize: number; encode: number };
}

export function outputFormatFor(inputPath: string, outputPath?: string, explicit?: OutputFormat): OutputFormat {
  return explicit ?? (outputPath ? outputFormatOfName(outputPath) : undefined) ?? outputFormatOfInput(inputPath);
}

/**
 * The v2 model when the fast path applies to these options, else undefined. It starts
 * loading at once: the caller decodes the photo meanwhile.
 */
function fastPathSession(opts: NormalizeFileOptions): Promise<ModelSession | undefined> | undefined {
  if (opts.rois?.length || opts.mask || opts.onTile) return undefined;
  const modelDir = opts.modelDir ?? defaultModelDir();
  if ((opts.mode ?? defaultMode(modelDir)) !== 'ai') return undefined;
  // a model that cannot load: the float path reports why and falls back to classic
  return getModel(modelDir).then(
    (s) => (s.hasTransform ? s : undefined),
    () => undefined,
  );
}

/** How every path of normalizeFile reads the photo: alpha kept for the output, the size limit, the cancel. */
const readOptions = (opts: NormalizeFileOptions) => ({ signal: opts.signal, maxPixels: opts.maxPixels, keepAlpha: true });

type FloatRead = Awaited<ReturnType<typeof readImage>>;
type FastRead = NonNullable<Awaited<ReturnType<typeof readRaster>>> | FloatRead;

/**
 * The photo as the fast path reads it: 8/16-bit where it has an integer form, else (a RAW)
 * floats, whose decode starts as soon as the sniff says so: beside the model's load, not
 * after it (the decoder started about 0.25 s into a 9 MP DNG's process before; README).
 */
async function readForFast(input: string, opts: NormalizeFileOptions): Promise<FastRead> {
  return (await readRaster(input, readOptions(opts))) ?? readImage(input, readOptions(opts));
}

/**
 * The AI on the decoded 8/16-bit pixels: no float copy of the photo, the transform applied
 * on every core (curve-apply-pool.ts), encoded from the same integers. A RAW goes to
 * normalizeRawFast.
 */
async function normalizeRasterFast(
  input: string,
  output: string,
  format: OutputFormat,
  session: ModelSession,
  { raster, meta }: { raster: Raster; meta: ImageMeta },
  opts: NormalizeFileOptions,
  t0: number,
): Promise<NormalizeFileResult> {
  const t1 = performance.now();
  const { width, height } = raster;
  const thumb = areaResizeNchw(raster, session.contextSize, undefined, 1, 1 / (raster.bits === 8 ? 255 : 65535));
  const t = await predictTransform(session, thumb);
  throwIfAborted(opts.signal, input);
  const bits = outputBits(format, raster.bits);
  // in place when the output has the input's depth, else straight into an output of its own depth
  const n = width * height * 3;
  const dst: Raster = bits === raster.bits ? raster : { width, height, bits, data: bits === 8 ? new Uint8Array(n) : new Uint16Array(n) };
  return finishFast({ input, output, format, session, opts, meta, dst, t0, t1 }, () =>
    applyTransformBands(raster, withShadowColour(t, opts.shadowColour ?? 0), { dst, strength: opts.strength, signal: opts.signal }),
  );
}

/** The fast paths' common end: the transform applied into `dst` (a cancel named as such), the file written, the report. */
async function finishFast(
  f: { input: string; output: string; format: OutputFormat; session: ModelSession; opts: NormalizeFileOptions; meta: ImageMeta; dst: Raster; t0: number; t1: number },
  apply: () => Promise<void>,
): Promise<NormalizeFileResult> {
  const { input, output, format, session, opts, dst } = f;
  try {
    await apply();
  } catch (err) {
    if (opts.signal?.aborted) throw new EvenlightError('CANCELLED', input, 'cancelled');
    throw err;
  }
  const t2 = performance.now();
  await writeRaster(output, dst, { format, quality: opts.quality, optimizeJpeg: opts.optimizeJpeg, meta: f.meta });
  const t3 = performance.now();
  const report: NormalizeReport = { mode: 'ai', requestedMode: 'ai', provider: session.provider, model: `${session.manifest.name}@${session.manifest.version}`, ...checkAmounts(opts), masked: false };
  return { input, output, format, width: dst.width, height: dst.height, report, timings: { decode: f.t1 - f.t0, normalize: t2 - f.t1, encode: t3 - t2 } };
}

/**
 * A camera RAW on the fast path: decoded to floats (headroom above 1 kept), the transform
 * written straight into the output's 8- or 16-bit samples, so no float result is made and
 * quantised.
 */
async function normalizeRawFast(input: string, output: string, format: OutputFormat, session: ModelSession, { image, meta }: FloatRead, opts: NormalizeFileOptions, t0: number): Promise<NormalizeFileResult> {
  const t1 = performance.now();
  const known = await photoTransform(image, session);
  throwIfAborted(opts.signal, input);
  const { width, height } = image;
  const bits = outputBits(format, meta.bitDepth);
  const n = width * height * 3;
  const dst: Raster = { width, height, bits, data: bits === 8 ? new Uint8Array(n) : new Uint16Array(n) };
  return finishFast({ input, output, format, session, opts, meta, dst, t0, t1 }, () =>
    applyPhotoTransform(image, known, dst.data, bits === 8 ? 255 : 65535, { strength: opts.strength, shadowColour: opts.shadowColour, signal: opts.signal }),
  );
}

export async function normalizeFile(input: string, output: string, opts: NormalizeFileOptions = {}): Promise<NormalizeFileResult> {
  if (resolve(input) === resolve(output)) throw new EvenlightError('OUTPUT_UNWRITABLE', output, 'output would overwrite the original input file');
  const format = outputFormatFor(input, output, opts.format);
  checkAmounts(opts, input); // the fast path below skips normalizeImage's own check
  const loading = fastPathSession(opts);
  const t0 = performance.now();
  let decoded: FloatRead | undefined;
  if (loading) {
    startTransformWorkers(); // beside the decode, not after it
    const [session, read] = await Promise.all([loading, readForFast(input, opts)]);
    if (session) {
      if ('raster' in read) return normalizeRasterFast(input, output, format, session, read, opts, t0);
      return normalizeRawFast(input, output, format, session, read, opts, t0);
    }
    if ('image' in read) decoded = read; // no v2 model: the float path below, on this decode
  }
  const { image, meta } = decoded ?? (await readImage(input, readOptions(opts)));
  const t1 = performance.now();
  let report: NormalizeReport;
  let result;
  try {
    // the decode is ours alone: the result may take its memory
    ({ image: result, report } = await normalizeImageDetailed(image, { ...opts, consumeInput: true }));
  } catch (err) {
    if (opts.signal?.aborted) throw new EvenlightError('CANCELLED', input, 'cancelled');
    if (err instanceof RangeError) throw new EvenlightError('INVALID_ARGUMENT', input, err.message);
    throw err;
  }
  throwIfAborted(opts.signal, input);
  const t2 = performance.now();
  await writeImage(output, result, { format, quality: opts.quality, optimizeJpeg: opts.optimizeJpeg, meta });
  const t3 = performance.now();
  return {
    input,
    output,
    format,
    width: result.width,
    height: result.height,
    report,
    timings: { decode: t1 - t0, normalize: t2 - t1, encode: t3 - t2 },
  };
}
