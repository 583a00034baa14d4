/**
 * Exposure evaluation over bracket scenes (the seed's Table 2): every chosen input frame goes
 * through each method and is scored with PSNR and SSIM (8-bit sRGB) against the scene's
 * Mertens fusion of all its frames (hdr/mertens.ts). Frames are area-downscaled to a long
 * side of at most `maxSide` (default 1024) before anything else, fusion included.
 *
 *   evaluateDataset(datasetDir, opts) -> Promise<EvalResult>
 *   summarize(rows) -> SummaryRow[]          mean PSNR/SSIM per method and split
 *   wholeFramePass(image, session) -> Promise<RgbFloat>   the model run once over the whole frame
 *
 * Methods: as-shot (the frame itself), classic and ai (normalize/), seed-arch (the seed
 * architecture's ONNX in <modelDir>/seed-vgg, run through the same tiler) when present.
 * A scene that fails (unreadable frame, size mismatch) is listed in `failures`; the rest go on.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { errorMessage } from '../errors';
import { mertensFuse } from '../hdr/mertens';
import { readImage } from '../image/io';
import type { RgbFloat } from '../image/types';
import { psnr } from '../metrics/psnr';
import { ssim } from '../metrics/ssim';
import { defaultModelDir, findManifest } from '../model/manifest';
import { getModel, type ModelSession } from '../model/session';
import { areaResizeNchw, normalizeAi } from '../normalize/ai';
import { normalizeImageDetailed } from '../normalize/index';
import { downscaleToMaxSide } from '../image/resize';
import { listBracketScenes, middleFrame, readSplit, splitOf, type SplitName } from './scenes';

export type EvalMethod = 'as-shot' | 'classic' | 'ai' | 'seed-arch';
export const ALL_METHODS: readonly EvalMethod[] = ['as-shot', 'classic', 'ai', 'seed-arch'];

export interface EvalOptions {
  frames?: 'middle' | 'all';
  /** long side cap for eval (default 1024) */
  maxSide?: number;
  /** folder with manifest.json (default: the shipped models/) */
  modelDir?: string;
  /** train/dev/test split (default <modelDir>/training/split.json; missing -> every scene unsplit) */
  splitPath?: string;
  methods?: EvalMethod[];
  /** also run the ai model as one whole-frame pass and compare it with the tiled result */
  tiledCheck?: boolean;
  /** only scenes whose id contains one of these strings */
  only?: string[];
  /** only scenes of these splits */
  splits?: SplitName[];
  onProgress?: (done: number, total: number, scene: string) => void;
  signal?: AbortSignal;
}

export interface EvalRow {
  scene: string;
  split: SplitName;
  frame: string;
  frameIndex: number;
  frameCount: number;
  method: EvalMethod;
  psnr: number;
  ssim: number;
  width: number;
  height: number;
}

export interface SummaryRow {
  method: EvalMethod;
  split: SplitName | 'all';
  n: number;
  psnr: number;
  ssim: number;
}

export interface TiledCheck {
  scene: string;
  frame: string;
  psnr: number;
}

export interface EvalResult {
  dataset: string;
  frames: 'middle' | 'all';
  maxSide: number;
  methods: EvalMethod[];
  /** why a requested method was left out (e.g. seed-arch model missing) */
  skipped: Partial<Record<EvalMethod, string>>;
  rows: EvalRow[];
  summary: SummaryRow[];
  tiledVsWhole: TiledCheck[];
  failures: Array<{ scene: string; file: string; error: string }>;
}

const SPLITS: Array<SplitName | 'all'> = ['train', 'dev', 'test', 'unsplit', 'all'];

export function summarize(rows: EvalRow[]): SummaryRow[] {
  const out: SummaryRow[] = [];
  const methods = [...new Set(rows.map((r) => r.method))];
  for (const method of methods) {
    for (const split of SPLITS) {
      const sel = rows.filter((r) => r.method === method && (split === 'all' || r.split === split));
      if (!sel.length) continue;
      // Infinity (a frame identical to its fusion, e.g. a single-frame scene) would swamp the mean: cap at 100 dB
      const mean = (f: (r: EvalRow) => number): number => sel.reduce((s, r) => s + f(r), 0) / sel.length;
      out.push({ method, split, n: sel.length, psnr: mean((r) => Math.min(100, r.psnr)), ssim: mean((r) => r.ssim) });
    }
  }
  return out;
}

/** NCHW planes of a whole frame, clamped to the model's 0..1 input range. */
function toNchw(image: RgbFloat): Float32Array {
  const n = image.width * image.height;
  const out = new Float32Array(3 * n);
  const d = image.data;
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) out[c * n + p] = Math.min(1, Math.max(0, d[p * 3 + c]));
  }
  return out;
}

export async function wholeFramePass(image: RgbFloat, session: ModelSession): Promise<RgbFloat> {
  const ctx = session.hasContext ? await session.runContext(areaResizeNchw(image, session.contextSize)) : undefined;
  const { width: w, height: h } = image;
  const res = await session.runTiles(toNchw(image), 1, h, w, ctx);
  const n = w * h;
  const out = new Float32Array(3 * n);
  for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) out[p * 3 + c] = res[c * n + p];
  return { width: w, height: h, data: out };
}

function clamp01(image: RgbFloat): RgbFloat {
  const data = new Float32Array(image.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.min(1, Math.max(0, image.data[i]));
  return { width: image.width, height: image.height, data };
}

export async function evaluateDataset(datasetDir: string, opts: EvalOptions = {}): Promise<EvalResult> {
  const frames = opts.frames ?? 'middle';
  const maxSide = opts.maxSide ?? 1024;
  const modelDir = opts.modelDir ?? defaultModelDir();
  const splitPath = opts.splitPath ?? join(modelDir, 'training', 'split.json');
  const split = opts.splitPath || existsSync(splitPath) ? readSplit(splitPath) : undefined;
  const requested = opts.methods ?? [...ALL_METHODS];
  const skipped: EvalResult['skipped'] = {};
  const seedDir = join(modelDir, 'seed-vgg');

  let aiSession: ModelSession | undefined;
  let seedSession: ModelSession | undefined;
  const methods: EvalMethod[] = [];
  for (const m of requested) {
    try {
      if (m === 'ai') aiSession = await getModel(modelDir);
      if (m === 'seed-arch') {
        if (!findManifest(seedDir)) {
          skipped[m] = `no seed-architecture model in ${seedDir}`;
          continue;
        }
        seedSession = await getModel(seedDir);
      }
      methods.push(m);
    } catch (err) {
      // ai was asked for explicitly: no silent classic fallback, the caller decides
      if (m === 'ai') throw err;
      skipped[m] = errorMessage(err);
    }
  }

  let scenes = listBracketScenes(datasetDir);
  if (opts.only?.length) scenes = scenes.filter((s) => opts.only?.some((o) => s.id.includes(o)));
  if (opts.splits?.length) scenes = scenes.filter((s) => opts.splits?.includes(splitOf(split, s.id)));
  const result: EvalResult = { dataset: datasetDir, frames, maxSide, methods, skipped, rows: [], summary: [], tiledVsWhole: [], failures: [] };

  for (const [si, scene] of scenes.entries()) {
    opts.signal?.throwIfAborted();
    opts.onProgress?.(si, scenes.length, scene.id);
    const sp = splitOf(split, scene.id);
    let file = scene.frames[0];
    try {
      const imgs: RgbFloat[] = [];
      for (const f of scene.frames) {
        file = f;
        imgs.push(downscaleToMaxSide((await readImage(f, { signal: opts.signal })).image, maxSide));
      }
      file = scene.dir;
      const reference = clamp01(mertensFuse(imgs, { signal: opts.signal }));
      const chosen = frames === 'all' ? imgs.map((_, i) => i) : [middleFrame(imgs.length)];
      for (const i of chosen) {
        file = scene.frames[i];
        const input = imgs[i];
        const row = (method: EvalMethod, out: RgbFloat): EvalRow => ({
          scene: scene.id,
          split: sp,
          frame: basename(scene.frames[i]),
          frameIndex: i,
          frameCount: imgs.length,
          method,
          psnr: psnr(out, reference),
          ssim: ssim(out, reference),
          width: input.width,
          height: input.height,
        });
        for (const m of methods) {
          let out: RgbFloat;
          if (m === 'as-shot') out = input;
          else if (m === 'classic') out = await normalizeImageDetailed(input, { mode: 'classic', modelDir, signal: opts.signal }).then((r) => r.image);
          else if (m === 'ai') {
            const r = await normalizeImageDetailed(input, { mode: 'ai', modelDir, signal: opts.signal });
            if (r.report.mode !== 'ai') throw new Error(r.report.fallback ?? 'ai normaliser did not run');
            out = r.image;
            if (opts.tiledCheck && aiSession) {
              result.tiledVsWhole.push({ scene: scene.id, frame: basename(scene.frames[i]), psnr: psnr(out, await wholeFramePass(input, aiSession)) });
            }
          } else out = await normalizeAi(input, seedSession as ModelSession, { signal: opts.signal });
          result.rows.push(row(m, out));
        }
      }
    } catch (err) {
      opts.signal?.throwIfAborted();
      result.failures.push({ scene: scene.id, file, error: errorMessage(err, file) });
    }
  }
  opts.onProgress?.(scenes.length, scenes.length, '');
  result.summary = summarize(result.rows);
  return result;
}
