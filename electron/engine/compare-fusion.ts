// AI / classic normalisation of one frame of a bracket versus the fusion of all of it, with
// PSNR and SSIM of each against the fusion and a difference heatmap.
//
//   compareBracket(files, opts) -> Promise<BracketComparison>   in memory, at `maxSide`: the
//     app streams its images to the UI (jobs/) with no file written
//   compareFusion(files, outDir, opts) -> Promise<CompareFusionResult>   `evenlight
//     compare-fusion`: the same comparison at full size, written as images, a side-by-side,
//     heatmaps and metrics.json
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import type { Raster, RgbFloat } from './image/types';
import { asRgbFloat } from './image/to-float';
import { writeRaster } from './image/io';
import { floatToU8, to8bit } from './image/quantize';
import { writeFileAtomic } from './atomic-write';
import { EvenlightError, errorMessage, throwIfAborted } from './errors';
import { fuseFrames, loadFrames, type FusionMethod, type FusionResult } from './fusion';
import { MERTENS_DEFAULTS } from './hdr/mertens';
import { normalizeImageDetailed, type NormalizeMode } from './normalize';
import { psnr } from './metrics/psnr';
import { ssim } from './metrics/ssim';

export interface CompareOptions {
  /** 1-based position of the frame to normalise, darkest first (default: the middle exposure) */
  frame?: number;
  method?: FusionMethod;
  align?: boolean;
  times?: number[];
  modes?: NormalizeMode[];
  modelDir?: string;
  /** long side every frame is read at (0 or unset: full size) */
  maxSide?: number;
  /** each ComparedImage's float heatmap and meanAbsDiff (default true); compareFusion makes its own, 8-bit, one at a time */
  heatmaps?: boolean;
  signal?: AbortSignal;
  onProgress?: (stage: string, fraction: number) => void;
}

/** One image against the fusion: the frame as shot ('original') or a mode's correction of it. */
export interface ComparedImage {
  mode: NormalizeMode | 'original';
  image?: RgbFloat;
  /** |image - fusion| as a black-red-yellow-white heatmap (diffHeatmap) */
  heatmap?: RgbFloat;
  /** dB against the fusion; null when identical */
  psnr?: number | null;
  ssim?: number;
  meanAbsDiff?: number;
  error?: string;
}

export interface BracketComparison {
  fusion: { image: RgbFloat; method: FusionMethod };
  frame: { index: number; path: string; exposureTime?: number };
  /** 'original' first, then each mode asked for */
  compared: ComparedImage[];
  /** the frames as fused, darkest first */
  frames: FusionResult['frames'];
  /** the heatmaps map |result - fusion| (mean of R,G,B, 8-bit codes) 0..heatmapScale to black..white */
  heatmapScale: number;
}

export interface CompareFusionOptions extends Omit<CompareOptions, 'maxSide' | 'heatmaps'> {
  /** panel height of the side-by-side (default 720 px, never upscaled) */
  panelHeight?: number;
}

/** A ComparedImage as written: its image and heatmap as PNG files. */
export type ModeOutcome = Omit<ComparedImage, 'image' | 'heatmap'> & { path?: string; heatmap?: string };

export interface CompareFusionResult {
  fusion: { path: string; method: FusionMethod };
  frame: BracketComparison['frame'];
  outcomes: ModeOutcome[];
  sideBySide: string;
  metricsPath: string;
  /** the heatmaps map |result - fusion| (mean of R,G,B, 8-bit codes) 0..heatmapScale to black..white */
  heatmapScale: number;
}

const HEAT_SCALE = 64;

/** Per-pixel mean |a - b| over channels in 8-bit codes, as a black-red-yellow-white heatmap. */
export function diffHeatmap(a: RgbFloat, b: RgbFloat, scale = HEAT_SCALE): { image: RgbFloat; meanAbsDiff: number } {
  const out = new Float32Array(a.width * a.height * 3);
  return { image: { width: a.width, height: a.height, data: out }, meanAbsDiff: heatInto(a, b, scale, out) };
}

/**
 * diffHeatmap as the 8-bit pixels its PNG holds (the float heatmap quantised, byte for byte):
 * compare-fusion writes each heatmap and lets it go, where three float ones at 36 MP held 1.3 GB.
 */
export function diffHeatmap8(a: RgbFloat, b: RgbFloat, scale = HEAT_SCALE): { image: Raster; meanAbsDiff: number } {
  const out = new Uint8Array(a.width * a.height * 3);
  return { image: { width: a.width, height: a.height, bits: 8, data: out }, meanAbsDiff: heatInto(a, b, scale, out) };
}

/** The heatmap into `out` (floats 0..1, or their 8-bit codes); returns the mean difference. */
function heatInto(a: RgbFloat, b: RgbFloat, scale: number, out: Float32Array | Uint8Array): number {
  // a pixel's colour depends only on the sum of its three code differences (0..765): one table
  // of it, in the output's own type (a float32 as stored, or its code as floatToU8 gives it)
  const table = out instanceof Uint8Array ? new Uint8Array(766 * 3) : new Float32Array(766 * 3);
  for (let s = 0; s <= 765; s++) {
    const t = Math.min(1, s / 3 / scale) * 3;
    const rgb = [Math.min(1, t), Math.min(1, Math.max(0, t - 1)), Math.min(1, Math.max(0, t - 2))];
    for (let c = 0; c < 3; c++) table[s * 3 + c] = table instanceof Uint8Array ? to8bit(Math.fround(rgb[c])) : rgb[c];
  }
  const n = a.width * a.height;
  let sum = 0;
  for (let p = 0, j = 0; p < n; p++, j += 3) {
    const s = Math.abs(to8bit(a.data[j]) - to8bit(b.data[j])) + Math.abs(to8bit(a.data[j + 1]) - to8bit(b.data[j + 1])) + Math.abs(to8bit(a.data[j + 2]) - to8bit(b.data[j + 2]));
    sum += s / 3;
    const k = s * 3;
    out[j] = table[k];
    out[j + 1] = table[k + 1];
    out[j + 2] = table[k + 2];
  }
  return sum / n;
}

/**
 * An image as the 8-bit pixels its PNG holds, quantised once for the file and the side-by-side
 * (at 36 MP each quantisation is a fresh 104 MB to fault in, and a Buffer copy of it another).
 */
function as8bit(image: RgbFloat): Raster {
  return { width: image.width, height: image.height, bits: 8, data: floatToU8(image.data) };
}

async function sideBySide(panels: Raster[], height: number, path: string): Promise<void> {
  const h = Math.min(height, panels[0].height);
  const scaled = await Promise.all(
    panels.map((p) => {
      const px = Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength); // a view, not a copy
      return sharp(px, { raw: { width: p.width, height: p.height, channels: 3 } }).resize({ height: h }).raw().toBuffer({ resolveWithObject: true });
    }),
  );
  const gap = 8;
  const width = scaled.reduce((s, x) => s + x.info.width, 0) + gap * (panels.length - 1);
  let left = 0;
  const composites = scaled.map((x) => {
    const c = { input: x.data, raw: { width: x.info.width, height: x.info.height, channels: 3 as const }, left, top: 0 };
    left += x.info.width + gap;
    return c;
  });
  const png = await sharp({ create: { width, height: h, channels: 3, background: '#202020' } }).composite(composites).png().toBuffer();
  await writeFileAtomic(path, png);
}

export async function compareBracket(files: string[], opts: CompareOptions = {}): Promise<BracketComparison> {
  const modes = opts.modes ?? ['ai', 'classic'];
  const progress = opts.onProgress ?? (() => undefined);
  const loaded = await loadFrames(files, { times: opts.times, maxSide: opts.maxSide, signal: opts.signal, onProgress: progress });
  const fused = fuseFrames(loaded, { method: opts.method, align: opts.align, signal: opts.signal, onProgress: progress });
  const n = fused.inputs.length;
  const index = opts.frame === undefined ? (n >> 1) + 1 : opts.frame;
  if (!Number.isInteger(index) || index < 1 || index > n) throw new EvenlightError('INVALID_ARGUMENT', '', `--frame must be 1..${n} (1 = darkest), got ${opts.frame}`);
  const frame = asRgbFloat(fused.inputs[index - 1]);
  const frameInfo = fused.frames[index - 1];

  const measure = (mode: ComparedImage['mode'], image: RgbFloat): ComparedImage => {
    const heat = opts.heatmaps === false ? undefined : diffHeatmap(image, fused.image);
    const p = psnr(image, fused.image);
    return { mode, image, heatmap: heat?.image, psnr: Number.isFinite(p) ? p : null, ssim: ssim(image, fused.image), meanAbsDiff: heat?.meanAbsDiff };
  };
  const compared: ComparedImage[] = [measure('original', frame)];
  for (const [k, mode] of modes.entries()) {
    throwIfAborted(opts.signal);
    progress(`normalize-${mode}`, k / modes.length);
    try {
      const { image, report } = await normalizeImageDetailed(frame, { mode, modelDir: opts.modelDir, signal: opts.signal });
      // normalizeImage quietly falls back to classic; here that would mislabel the result
      if (report.mode !== mode) throw new Error((report.fallback ?? `${mode} was not available`).replace(/; used classic$/, ''));
      compared.push(measure(mode, image));
    } catch (err) {
      throwIfAborted(opts.signal);
      compared.push({ mode, error: `${mode}: ${errorMessage(err)}` });
    }
  }
  return {
    fusion: { image: fused.image, method: fused.method },
    frame: { index, path: frameInfo.path, exposureTime: frameInfo.exposureTime },
    compared,
    frames: fused.frames,
    heatmapScale: HEAT_SCALE,
  };
}

export async function compareFusion(files: string[], outDir: string, opts: CompareFusionOptions = {}): Promise<CompareFusionResult> {
  const progress = opts.onProgress ?? (() => undefined);
  try {
    await mkdir(outDir, { recursive: true });
  } catch (err) {
    throw new EvenlightError('OUTPUT_UNWRITABLE', outDir, `cannot create output folder: ${errorMessage(err)}`);
  }
  const c = await compareBracket(files, { ...opts, heatmaps: false });
  const fusionPath = join(outDir, 'fusion.png');
  const fusion8 = as8bit(c.fusion.image);
  // PNG encoding runs on libvips' threads: one image's files encode while the next image is
  // quantised and its heatmap made (synchronous work, so a failed write is awaited before any
  // other turn of the event loop)
  let encoding: Promise<unknown> = writeRaster(fusionPath, fusion8, { format: 'png' });
  const outcomes: ModeOutcome[] = [];
  const panels: Raster[] = [];
  for (const x of c.compared) {
    if (!x.image) {
      outcomes.push({ mode: x.mode, error: x.error });
      continue;
    }
    const path = join(outDir, x.mode === 'original' ? 'frame.png' : `${x.mode}.png`);
    const image8 = as8bit(x.image);
    const heatmap = join(outDir, `diff-${x.mode}.png`);
    const heat = diffHeatmap8(x.image, c.fusion.image);
    await encoding;
    encoding = Promise.all([writeRaster(path, image8, { format: 'png' }), writeRaster(heatmap, heat.image, { format: 'png' })]);
    outcomes.push({ mode: x.mode, path, heatmap, psnr: x.psnr, ssim: x.ssim, meanAbsDiff: heat.meanAbsDiff });
    panels.push(image8);
  }
  panels.push(fusion8);
  const sbs = join(outDir, 'side-by-side.png');
  await Promise.all([encoding, sideBySide(panels, opts.panelHeight ?? 720, sbs)]);

  const result: CompareFusionResult = {
    fusion: { path: fusionPath, method: c.fusion.method },
    frame: c.frame,
    outcomes,
    sideBySide: sbs,
    metricsPath: join(outDir, 'metrics.json'),
    heatmapScale: c.heatmapScale,
  };
  const doc = {
    ...result,
    panels: ['frame', ...outcomes.filter((o) => o.mode !== 'original' && !o.error).map((o) => o.mode), 'fusion'],
    frames: c.frames.map((f) => ({ file: basename(f.path), exposureTime: f.exposureTime, shift: f.shift })),
    // the app and `fuse` share one default (the paper's weights): say which fusion was the reference
    fusionWeights: c.fusion.method === 'mertens' ? MERTENS_DEFAULTS : undefined,
    metric: 'PSNR (dB, 8-bit sRGB) and SSIM (Gaussian 11x11, sigma 1.5, per-channel mean) of each image against the fusion',
  };
  await writeFileAtomic(result.metricsPath, Buffer.from(JSON.stringify(doc, null, 2) + '\n'));
  progress('done', 1);
  return result;
}
