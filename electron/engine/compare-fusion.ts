// AI / classic normalisation of one frame versus fusion of the whole bracket: writes the
// images, a side-by-side, difference heatmaps and a metrics JSON (PSNR, SSIM of each
// result against the fusion). Used by `evenlight compare-fusion` and the app.
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import type { RgbFloat } from './image/types';
import { writeImage } from './image/io';
import { floatToU8, to8bit } from './image/quantize';
import { writeFileAtomic } from './atomic-write';
import { EvenlightError, errorMessage, throwIfAborted } from './errors';
import { fuseFrames, loadFrames, type FusionMethod } from './fusion';
import { MERTENS_DEFAULTS } from './hdr/mertens';
import { normalizeImageDetailed, type NormalizeMode } from './normalize';
import { psnr } from './metrics/psnr';
import { ssim } from './metrics/ssim';

export interface CompareFusionOptions {
  /** 1-based position of the frame to normalise, darkest first (default: the middle exposure) */
  frame?: number;
  method?: FusionMethod;
  align?: boolean;
  times?: number[];
  modes?: NormalizeMode[];
  modelDir?: string;
  /** panel height of the side-by-side (default 720 px, never upscaled) */
  panelHeight?: number;
  signal?: AbortSignal;
  onProgress?: (stage: string, fraction: number) => void;
}

export interface ModeOutcome {
  mode: NormalizeMode | 'original';
  path?: string;
  heatmap?: string;
  psnr?: number | null;
  ssim?: number;
  meanAbsDiff?: number;
  error?: string;
}

export interface CompareFusionResult {
  fusion: { path: string; method: FusionMethod };
  frame: { index: number; path: string; exposureTime?: number };
  outcomes: ModeOutcome[];
  sideBySide: string;
  metricsPath: string;
  /** the heatmaps map |result - fusion| (mean of R,G,B, 8-bit codes) 0..heatmapScale to black..white */
  heatmapScale: number;
}

const HEAT_SCALE = 64;

/** Per-pixel mean |a - b| over channels in 8-bit codes, as a black-red-yellow-white heatmap. */
export function diffHeatmap(a: RgbFloat, b: RgbFloat, scale = HEAT_SCALE): { image: RgbFloat; meanAbsDiff: number } {
  const n = a.width * a.height;
  const out = new Float32Array(n * 3);
  let sum = 0;
  for (let p = 0, j = 0; p < n; p++, j += 3) {
    const d = (Math.abs(to8bit(a.data[j]) - to8bit(b.data[j])) + Math.abs(to8bit(a.data[j + 1]) - to8bit(b.data[j + 1])) + Math.abs(to8bit(a.data[j + 2]) - to8bit(b.data[j + 2]))) / 3;
    sum += d;
    const t = Math.min(1, d / scale) * 3;
    out[j] = Math.min(1, t);
    out[j + 1] = Math.min(1, Math.max(0, t - 1));
    out[j + 2] = Math.min(1, Math.max(0, t - 2));
  }
  return { image: { width: a.width, height: a.height, data: out }, meanAbsDiff: sum / n };
}

async function sideBySide(panels: RgbFloat[], height: number, path: string): Promise<void> {
  const h = Math.min(height, panels[0].height);
  const scaled = await Promise.all(
    panels.map((p) => sharp(Buffer.from(floatToU8(p.data)), { raw: { width: p.width, height: p.height, channels: 3 } }).resize({ height: h }).raw().toBuffer({ resolveWithObject: true })),
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

export async function compareFusion(files: string[], outDir: string, opts: CompareFusionOptions = {}): Promise<CompareFusionResult> {
  const modes = opts.modes ?? ['ai', 'classic'];
  const progress = opts.onProgress ?? (() => undefined);
  try {
    await mkdir(outDir, { recursive: true });
  } catch (err) {
    throw new EvenlightError('OUTPUT_UNWRITABLE', outDir, `cannot create output folder: ${errorMessage(err)}`);
  }
  const loaded = await loadFrames(files, { times: opts.times, signal: opts.signal, onProgress: progress });
  const fused = fuseFrames(loaded, { method: opts.method, align: opts.align, signal: opts.signal, onProgress: progress });
  const n = fused.inputs.length;
  const index = opts.frame === undefined ? (n >> 1) + 1 : opts.frame;
  if (!Number.isInteger(index) || index < 1 || index > n) throw new EvenlightError('INVALID_ARGUMENT', '', `--frame must be 1..${n} (1 = darkest), got ${opts.frame}`);
  const frame = fused.inputs[index - 1];
  const frameInfo = fused.frames[index - 1];

  const fusionPath = join(outDir, 'fusion.png');
  await writeImage(fusionPath, fused.image, { format: 'png' });
  const framePath = join(outDir, 'frame.png');
  await writeImage(framePath, frame, { format: 'png' });

  const outcomes: ModeOutcome[] = [];
  const panels: RgbFloat[] = [frame];
  const measure = async (mode: ModeOutcome['mode'], img: RgbFloat, path: string): Promise<ModeOutcome> => {
    const heat = diffHeatmap(img, fused.image);
    const heatmap = join(outDir, `diff-${mode}.png`);
    await writeImage(heatmap, heat.image, { format: 'png' });
    const p = psnr(img, fused.image);
    return { mode, path, heatmap, psnr: Number.isFinite(p) ? p : null, ssim: ssim(img, fused.image), meanAbsDiff: heat.meanAbsDiff };
  };
  outcomes.push(await measure('original', frame, framePath));
  for (const [k, mode] of modes.entries()) {
    throwIfAborted(opts.signal);
    progress(`normalize-${mode}`, k / modes.length);
    try {
      const { image, report } = await normalizeImageDetailed(frame, { mode, modelDir: opts.modelDir, signal: opts.signal });
      // normalizeImage quietly falls back to classic; here that would mislabel the result
      if (report.mode !== mode) throw new Error((report.fallback ?? `${mode} was not available`).replace(/; used classic$/, ''));
      const path = join(outDir, `${mode}.png`);
      await writeImage(path, image, { format: 'png' });
      outcomes.push(await measure(mode, image, path));
      panels.push(image);
    } catch (err) {
      throwIfAborted(opts.signal);
      outcomes.push({ mode, error: `${mode}: ${errorMessage(err)}` });
    }
  }
  panels.push(fused.image);
  const sbs = join(outDir, 'side-by-side.png');
  await sideBySide(panels, opts.panelHeight ?? 720, sbs);

  const result: CompareFusionResult = {
    fusion: { path: fusionPath, method: fused.method },
    frame: { index, path: frameInfo.path, exposureTime: frameInfo.exposureTime },
    outcomes,
    sideBySide: sbs,
    metricsPath: join(outDir, 'metrics.json'),
    heatmapScale: HEAT_SCALE,
  };
  const doc = {
    ...result,
    panels: ['frame', ...outcomes.filter((o) => o.mode !== 'original' && !o.error).map((o) => o.mode), 'fusion'],
    frames: fused.frames.map((f) => ({ file: basename(f.path), exposureTime: f.exposureTime, shift: f.shift })),
    // the app and `fuse` share one default (the paper's weights): say which fusion was the reference
    fusionWeights: fused.method === 'mertens' ? MERTENS_DEFAULTS : undefined,
    metric: 'PSNR (dB, 8-bit sRGB) and SSIM (Gaussian 11x11, sigma 1.5, per-channel mean) of each image against the fusion',
  };
  await writeFileAtomic(result.metricsPath, Buffer.from(JSON.stringify(doc, null, 2) + '\n'));
  progress('done', 1);
  return result;
}
