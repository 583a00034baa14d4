/**
 * One photo, file to file: readImage -> normalizeImage -> writeImage (atomic; EXIF/ICC
 * carried over; the original is never written to).
 *
 *   normalizeFile(input, output, opts) -> Promise<NormalizeFileResult>
 *   outputFormatFor(inputPath, outputPath?, explicit?) -> OutputFormat
 *     explicit --format > the output's extension > the input's family
 *     (JPEG -> jpeg, PNG -> png, TIFF/RAW/other -> tiff16)
 *   extensionFor(format) -> '.jpg' | '.png' | '.tif'
 */
import { extname, resolve } from 'node:path';
import { EvenlightError, throwIfAborted } from './errors';
import { readImage, writeImage } from './image/io';
import type { OutputFormat } from './image/types';
import { normalizeImageDetailed, type NormalizeOptions, type NormalizeReport } from './normalize';

export interface NormalizeFileOptions extends Omit<NormalizeOptions, 'onReport'> {
  format?: OutputFormat;
  quality?: number;
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

const EXT_FORMAT: Record<string, OutputFormat> = { '.jpg': 'jpeg', '.jpeg': 'jpeg', '.png': 'png', '.tif': 'tiff16', '.tiff': 'tiff16' };

export function extensionFor(format: OutputFormat): '.jpg' | '.png' | '.tif' {
  return format === 'jpeg' ? '.jpg' : format === 'png' ? '.png' : '.tif';
}

export function outputFormatFor(inputPath: string, outputPath?: string, explicit?: OutputFormat): OutputFormat {
  if (explicit) return explicit;
  const fromOut = outputPath ? EXT_FORMAT[extname(outputPath).toLowerCase()] : undefined;
  if (fromOut) return fromOut;
  const ext = extname(inputPath).toLowerCase();
  if (ext === '.jpg' || ext === '.jpeg') return 'jpeg';
  if (ext === '.png') return 'png';
  return 'tiff16';
}

export async function normalizeFile(input: string, output: string, opts: NormalizeFileOptions = {}): Promise<NormalizeFileResult> {
  if (resolve(input) === resolve(output)) throw new EvenlightError('OUTPUT_UNWRITABLE', output, 'output would overwrite the original input file');
  const format = outputFormatFor(input, output, opts.format);
  const t0 = performance.now();
  const { image, meta } = await readImage(input, { signal: opts.signal, maxPixels: opts.maxPixels });
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
  await writeImage(output, result, { format, quality: opts.quality, meta });
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
