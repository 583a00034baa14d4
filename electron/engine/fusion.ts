// Bracket fusion on files, shared by `evenlight fuse`, `compare-fusion` and the app:
// read the frames, take exposure times from EXIF (or the caller), order darkest first,
// optionally align (MTB), then fuse by Mertens or Debevec + Reinhard.
import { extensionOf, outputFormatOfName, type OutputFormat } from '../common/formats';
import type { RgbFloat } from './image/types';
import { readFitted, readRaster, writeImage, type ImageMeta } from './image/io';
import { asRgbFloat } from './image/to-float';
import { readExif } from './image/exif';
import { EvenlightError, sizeMismatch, throwIfAborted } from './errors';
import { mertensFuse, type MertensFrame } from './hdr/mertens';
import { calibrateDebevec, mergeDebevec } from './hdr/debevec';
import { tonemapReinhardDevlin } from './hdr/reinhard';
import { alignMTB, type Shift } from './hdr/align-mtb';
import { writeHdr } from './hdr/rgbe';

export type FusionMethod = 'mertens' | 'debevec-reinhard';
export const FUSION_METHODS: readonly FusionMethod[] = ['mertens', 'debevec-reinhard'];

/** Reinhard settings used for debevec-reinhard (the seed's: gamma 1.5, no adaptation). */
export const REINHARD_SETTINGS = { gamma: 1.5, intensity: 0, lightAdapt: 0, colorAdapt: 0 } as const;

export interface FusionOptions {
  method?: FusionMethod;
  align?: boolean;
  /** exposure times in seconds, one per file in the given order; default: EXIF */
  times?: number[];
  /** also compute the radiance map (needs exposure times) */
  wantHdr?: boolean;
  /** Mertens weights (contrast, saturation, well-exposedness); default MERTENS_DEFAULTS */
  weights?: { contrast: number; saturation: number; exposure: number };
  signal?: AbortSignal;
  onProgress?: (stage: string, fraction: number) => void;
}

export interface LoadedFrame {
  path: string;
  /** float, or at full size the integer pixels the file decodes to (Mertens reads those as they are) */
  image: MertensFrame;
  meta: ImageMeta;
  exposureTime?: number;
}

export interface FusionResult {
  /** display-ready, clipped to 0..1 */
  image: RgbFloat;
  /** linear radiance (debevec-reinhard, or when wantHdr) */
  hdr?: RgbFloat;
  method: FusionMethod;
  /** frames as fused, darkest first */
  frames: Array<{ path: string; exposureTime?: number; shift?: Shift }>;
  /** the frames as fused (darkest first; aligned and cropped with `align`) */
  inputs: MertensFrame[];
  /** metadata of the middle frame, carried into the output */
  meta: ImageMeta;
}

/**
 * The format a fused image's file name asks for (the formats table). Unlike a normalised
 * photo, a fusion has no input family to fall back on: a name that asks for none is refused.
 */
export function fusedOutputFormat(path: string): OutputFormat {
  const format = outputFormatOfName(path);
  if (format) return format;
  const ext = extensionOf(path);
  throw new EvenlightError('INVALID_ARGUMENT', path, `unknown output type "${ext ? '.' + ext : '(none)'}"; use .jpg, .png or .tif`);
}

/**
 * Reads the frames and their exposure times; checks that sizes agree. With `maxSide` a frame
 * is read as float at most that long (image/io.ts readFitted); without, as the 8- or 16-bit
 * pixels it decodes to (RAW as float): a float copy of a 36 MP frame is 424 MB, and at this
 * size faulting it in costs about as much as fusing it.
 */
export async function loadFrames(paths: string[], opts: Pick<FusionOptions, 'times' | 'signal' | 'onProgress'> & { maxSide?: number } = {}): Promise<LoadedFrame[]> {
  if (paths.length < 2) throw new EvenlightError('INVALID_ARGUMENT', '', `fusion needs at least 2 frames, got ${paths.length}`);
  if (opts.times && opts.times.length !== paths.length) {
    throw new EvenlightError('INVALID_ARGUMENT', '', `${opts.times.length} exposure times given for ${paths.length} files`);
  }
  const frames: LoadedFrame[] = [];
  // one frame read ahead: the decoder works on the next while this one is checked (a
  // JPEG decode is single-threaded); no more, so a RAW bracket runs two decoders at most
  const start = (path: string): Promise<FrameRead> => {
    const read = readFrame(path, opts.maxSide ?? 0, opts.signal);
    read.catch(() => undefined); // awaited, and its error thrown, in its turn
    return read;
  };
  let ahead = start(paths[0]);
  for (const [i, path] of paths.entries()) {
    throwIfAborted(opts.signal, path);
    const reading = ahead;
    if (i + 1 < paths.length) ahead = start(paths[i + 1]);
    const { image, meta } = await reading;
    let exposureTime = opts.times?.[i];
    if (exposureTime === undefined) {
      const t = (await readExif(path).catch(() => ({ exposureTime: undefined }))).exposureTime;
      if (t !== undefined && t > 0) exposureTime = t;
    }
    if (frames.length && (image.width !== frames[0].image.width || image.height !== frames[0].image.height)) {
      throw sizeMismatch(path, image, frames[0].path, frames[0].image);
    }
    frames.push({ path, image, meta, exposureTime });
    opts.onProgress?.('read', (i + 1) / paths.length);
  }
  return frames;
}

interface FrameRead {
  image: MertensFrame;
  meta: ImageMeta;
}

async function readFrame(path: string, maxSide: number, signal?: AbortSignal): Promise<FrameRead> {
  const decoded = maxSide > 0 ? undefined : await readRaster(path, { signal });
  return decoded ? { image: decoded.raster, meta: decoded.meta } : readFitted(path, maxSide, { signal });
}

/** Fuses already loaded frames (any order; sorted darkest first when all times are known). */
export function fuseFrames(input: LoadedFrame[], opts: FusionOptions = {}): FusionResult {
  const method = opts.method ?? 'mertens';
  const needTimes = method === 'debevec-reinhard' || opts.wantHdr;
  if (needTimes) {
    const missing = input.find((f) => !(f.exposureTime && f.exposureTime > 0));
    if (missing) {
      throw new EvenlightError('INVALID_ARGUMENT', missing.path, `no exposure time in EXIF, which ${method === 'debevec-reinhard' ? 'debevec-reinhard' : '--hdr'} needs; give them with --times t1,t2,...`);
    }
  }
  const known = input.every((f) => f.exposureTime !== undefined);
  const frames = known ? [...input].sort((a, b) => (a.exposureTime as number) - (b.exposureTime as number)) : [...input];
  let images = frames.map((f) => f.image);
  let shifts: Shift[] | undefined;
  if (opts.align) {
    throwIfAborted(opts.signal);
    const r = alignMTB(images.map(asRgbFloat));
    images = r.images;
    shifts = r.shifts;
    opts.onProgress?.('align', 1);
  }
  throwIfAborted(opts.signal);
  let hdr: RgbFloat | undefined;
  if (needTimes) {
    const times = frames.map((f) => f.exposureTime as number);
    // 8- and 16-bit frames as decoded: no float copy of each (864 MB for three 24 MP frames)
    hdr = mergeDebevec(images, times, calibrateDebevec(images, times));
    opts.onProgress?.('radiance', 1);
  }
  let image: RgbFloat;
  if (method === 'mertens') {
    image = mertensFuse(images, { ...opts.weights, signal: opts.signal, onProgress: (f) => opts.onProgress?.('mertens', f) });
  } else {
    image = tonemapReinhardDevlin(hdr as RgbFloat, REINHARD_SETTINGS);
    opts.onProgress?.('tonemap', 1);
  }
  // Mertens (like OpenCV) can overshoot 0..1 slightly at strong edges: clip for display
  const d = image.data;
  for (let i = 0; i < d.length; i++) d[i] = d[i] < 0 ? 0 : d[i] > 1 ? 1 : d[i];
  return {
    image,
    hdr,
    method,
    frames: frames.map((f, i) => ({ path: f.path, exposureTime: f.exposureTime, shift: shifts?.[i] })),
    inputs: images,
    meta: fusedMeta(frames.map((f) => f.meta)),
  };
}

/**
 * What the fusion is written with: the middle frame's metadata, and grey only when every frame
 * is (a grey frame among colour ones gives a colour fusion, which its grey profile cannot describe).
 */
function fusedMeta(metas: ImageMeta[]): ImageMeta {
  const mid = metas[metas.length >> 1];
  if (!mid.grey || metas.every((m) => m.grey)) return mid;
  const { grey: _grey, icc: _icc, ...rest } = mid;
  return rest;
}

export async function fuseFiles(paths: string[], opts: FusionOptions = {}): Promise<FusionResult> {
  return fuseFrames(await loadFrames(paths, opts), opts);
}

/** Fuses files and writes the result (and the radiance map when `hdrPath` is given), atomically. */
export async function fuseToFile(paths: string[], out: string, opts: FusionOptions & { hdrPath?: string; quality?: number } = {}): Promise<FusionResult> {
  const format = fusedOutputFormat(out);
  if (paths.some((p) => p === out)) throw new EvenlightError('OUTPUT_UNWRITABLE', out, 'refusing to overwrite an input frame');
  const r = await fuseFiles(paths, { ...opts, wantHdr: opts.wantHdr || !!opts.hdrPath });
  await writeImage(out, r.image, { format, quality: opts.quality, meta: r.meta });
  if (opts.hdrPath && r.hdr) await writeHdr(opts.hdrPath, r.hdr);
  return r;
}
