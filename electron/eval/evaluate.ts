/**
 * Exposure evaluation over bracket scenes (the seed's Table 2): every chosen input frame goes
 * through each method and is scored with PSNR and SSIM (8-bit sRGB) and the colour cast
 * (engine/metrics/cast.ts) against the scene's Mertens fusion of all its frames
 * (engine/hdr/mertens.ts, default weights 1,1,1), or with `pairs` of its darkest and brightest
 * frames alone, each of those two scored. Frames are area-downscaled to a long side of at most `maxSide`
 * (default 1024) before anything else, fusion included. Every frame gets its EV relative to
 * the bracket's best-exposed frame and an EV bucket (eval/ev.ts).
 *
 *   evaluateDataset(datasetDir, opts) -> Promise<EvalResult>
 *   summarize(rows) -> SummaryRow[]          means per method and split
 *   summarizeBuckets(rows) -> BucketSummaryRow[]   the same per method, split and EV bucket
 *   wholeFramePass(image, session) -> Promise<RgbFloat>   the model run once over the whole frame
 *     (v2: its transform applied to all rows at once rather than band by band)
 *
 * Methods: as-shot (the frame itself), classic and ai (engine/normalize/), seed-arch (the seed
 * architecture's ONNX in <modelDir>/seed-vgg, run through the same tiler) when present.
 * A scene that fails (unreadable frame, size mismatch) is listed in `failures`; the rest go on.
 */
import { accessSync, constants } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  applyTransformRows,
  areaResizeNchw,
  castAgainst,
  castReference,
  checkAmounts,
  defaultModelDir,
  downscaleToMaxSide,
  errorMessage,
  EvenlightError,
  findManifest,
  getModel,
  MERTENS_DEFAULTS,
  mertensFuse,
  normalizeAi,
  normalizeImageDetailed,
  photoTransform,
  psnr,
  readImage,
  shadowSmoothing,
  sizeMismatch,
  smoothShadowRows,
  ssim,
  throwIfAborted,
  type ModelSession,
  type RgbFloat,
  withShadowColour,
} from '../engine';
import { EV_BUCKETS, evBucket, frameEvs, meanLuma, type EvBucket } from './ev';
import { listBracketScenes, listFolderScenes, middleFrame, ORDER_BY_IMAGES, readSplit, SPLIT_NAMES, splitOf, type SplitName } from './scenes';
import { pickSheetCases, SHEET_COLUMNS, sheetPanel, writeContactSheet, type SheetPanel } from './sheet';

export type EvalMethod = 'as-shot' | 'classic' | 'ai' | 'seed-arch';
export const ALL_METHODS: readonly EvalMethod[] = ['as-shot', 'classic', 'ai', 'seed-arch'];

export interface EvalOptions {
  frames?: 'middle' | 'all';
  /** long side cap for eval (default 1024) */
  maxSide?: number;
  /** folder with manifest.json (default: the shipped models/) */
  modelDir?: string;
  /** split file with train/dev/test[/heldout] lists (eval/scenes.ts readSplit); none: every scene unsplit. The caller chooses it (the CLI defaults to <model-dir>/training/split.json). */
  splitPath?: string;
  methods?: EvalMethod[];
  /** also run the ai model as one whole-frame pass and compare it with the tiled result */
  tiledCheck?: boolean;
  /** ai's shadow colour, 0..1 (default 0, the product's default: engine normalize/shadow-colour.ts) */
  shadowColour?: number;
  /** only scenes whose id contains one of these strings */
  only?: string[];
  /** score each bracket as the pair of its darkest and brightest frames, fused without the frames
   * between: the two-shot case (a pair several stops apart) from the same scenes */
  pairs?: boolean;
  /** only scenes of these splits */
  splits?: SplitName[];
  /** write a contact sheet PNG here: the worst and best frames by ai PSNR (input | ai | classic | fusion) */
  sheetPath?: string;
  /** rows of each kind on the sheet (default 4 worst + 4 best) */
  sheetRows?: number;
  /** panel height of the sheet in px (default 256) */
  sheetHeight?: number;
  onProgress?: (done: number, total: number, scene: string) => void;
  signal?: AbortSignal;
}

export interface EvalRow {
  scene: string;
  split: SplitName;
  frame: string;
  frameIndex: number;
  frameCount: number;
  /** the middle exposure of its bracket (what --frames middle scores) */
  middle: boolean;
  method: EvalMethod;
  psnr: number;
  ssim: number;
  /** colour cast against the fusion (metrics/cast.ts); null when the fusion has no neutral mid-tones */
  cast: number | null;
  /** the same for the input frame itself (as shot): what the method started from */
  inputCast: number | null;
  /** EV of this frame relative to the bracket's best-exposed frame */
  ev: number;
  bucket: EvBucket;
  /** where ev came from: scene.json times (t * ISO / N^2) or the images */
  evSource: 'metadata' | 'image';
  /** index of the best-exposed frame of the bracket */
  bestFrame: number;
  width: number;
  height: number;
}

export interface SummaryRow {
  method: EvalMethod;
  split: SplitName | 'all';
  /** frames */
  n: number;
  scenes: number;
  psnr: number;
  ssim: number;
  /** mean cast of the method's output over the frames where it is defined (null: none) */
  cast: number | null;
  /** mean cast of the input frames, over the same frames */
  inputCast: number | null;
  /** frames whose cast is over CAST_LIMIT while their input's was not */
  castAddedFrames: number;
  /** scenes with at least one such frame */
  castAddedScenes: number;
}

export interface BucketSummaryRow extends SummaryRow {
  bucket: EvBucket;
}

/** a cast above this is visible; "added" when the input's was at most this */
export const CAST_LIMIT = 5;

export interface TiledCheck {
  scene: string;
  frame: string;
  psnr: number;
}

export interface EvalResult {
  dataset: string;
  frames: 'middle' | 'all';
  /** each bracket scored as the pair of its darkest and brightest frames */
  pairs: boolean;
  maxSide: number;
  /** ai's shadow colour */
  shadowColour: number;
  methods: EvalMethod[];
  /** why a requested method was left out (e.g. seed-arch model missing) */
  skipped: Partial<Record<EvalMethod, string>>;
  /** the reference: Mertens fusion with these weights */
  fusionWeights: { contrast: number; saturation: number; exposure: number };
  castLimit: number;
  rows: EvalRow[];
  /** per method and split, over every scored frame */
  summary: SummaryRow[];
  /** the same over the middle frames only (equals summary when frames = middle) */
  middle: SummaryRow[];
  /** per method, split and EV bucket */
  buckets: BucketSummaryRow[];
  /** the contact sheet when one was asked for */
  sheet?: { path: string; width: number; height: number; rankedBy: EvalMethod; rows: Array<{ kind: 'worst' | 'best'; scene: string; frame: string; psnr: number }> };
  tiledVsWhole: TiledCheck[];
  failures: Array<{ scene: string; file: string; error: string }>;
}

const SPLITS: Array<SplitName | 'all'> = [...SPLIT_NAMES, 'all'];

function summaryOf(method: EvalMethod, split: SplitName | 'all', sel: EvalRow[]): SummaryRow {
  // Infinity (a frame identical to its fusion, e.g. a single-frame scene) would swamp the mean: cap at 100 dB
  const mean = (f: (r: EvalRow) => number): number => sel.reduce((s, r) => s + f(r), 0) / sel.length;
  const withCast = sel.filter((r) => r.cast !== null && r.inputCast !== null);
  const castMean = (f: (r: EvalRow) => number): number | null => (withCast.length ? withCast.reduce((s, r) => s + f(r), 0) / withCast.length : null);
  const added = withCast.filter((r) => (r.cast as number) > CAST_LIMIT && (r.inputCast as number) <= CAST_LIMIT);
  return {
    method,
    split,
    n: sel.length,
    scenes: new Set(sel.map((r) => r.scene)).size,
    psnr: mean((r) => Math.min(100, r.psnr)),
    ssim: mean((r) => r.ssim),
    cast: castMean((r) => r.cast as number),
    inputCast: castMean((r) => r.inputCast as number),
    castAddedFrames: added.length,
    castAddedScenes: new Set(added.map((r) => r.scene)).size,
  };
}

export function summarize(rows: EvalRow[]): SummaryRow[] {
  const out: SummaryRow[] = [];
  const methods = [...new Set(rows.map((r) => r.method))];
  for (const method of methods) {
    for (const split of SPLITS) {
      const sel = rows.filter((r) => r.method === method && (split === 'all' || r.split === split));
      if (sel.length) out.push(summaryOf(method, split, sel));
    }
  }
  return out;
}

export function summarizeBuckets(rows: EvalRow[]): BucketSummaryRow[] {
  const out: BucketSummaryRow[] = [];
  const methods = [...new Set(rows.map((r) => r.method))];
  for (const method of methods) {
    for (const split of SPLITS) {
      for (const bucket of EV_BUCKETS) {
        const sel = rows.filter((r) => r.method === method && r.bucket === bucket && (split === 'all' || r.split === split));
        if (sel.length) out.push({ ...summaryOf(method, split, sel), bucket });
      }
    }
  }
  return out;
}

interface SheetCandidate {
  scene: string;
  frame: string;
  psnr: number;
  label: string;
  panels: Array<SheetPanel | undefined>;
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

export async function wholeFramePass(image: RgbFloat, session: ModelSession, shadowColour = 0): Promise<RgbFloat> {
  if (session.hasTransform) {
    // v2: the same thumbnail and transform, applied to every row in one pass instead of band by band
    const { t: own, pre } = await photoTransform(image, session);
    const t = withShadowColour(own, shadowColour);
    const data = new Float32Array(image.data.length);
    const shadow = shadowSmoothing(t) ? smoothShadowRows(image.data, 1, image.width, image.height, 0, image.height)?.values : undefined;
    applyTransformRows(image.data, data, image.width, 0, image.height, t, { inMax: 1, outMax: 1, pre, height: image.height, shadow });
    return { width: image.width, height: image.height, data };
  }
  const ctx = session.hasContext ? await session.runContext(areaResizeNchw(image, session.contextSize)) : undefined;
  const { width: w, height: h } = image;
  const res = await session.runTiles(toNchw(image), 1, h, w, ctx);
  const n = w * h;
  const out = new Float32Array(3 * n);
  for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) out[p * 3 + c] = res[c * n + p];
  return { width: w, height: h, data: out };
}

/** the first and last of a bracket's frames, darkest first */
function ends<T>(a: readonly T[]): T[] {
  return [a[0], a[a.length - 1]];
}

function clamp01(image: RgbFloat): RgbFloat {
  const data = new Float32Array(image.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.min(1, Math.max(0, image.data[i]));
  return { width: image.width, height: image.height, data };
}

export async function evaluateDataset(datasetDir: string, opts: EvalOptions = {}): Promise<EvalResult> {
  const frames = opts.frames ?? 'middle';
  const maxSide = opts.maxSide ?? 1024;
  const shadowColour = checkAmounts(opts).shadowColour;
  const modelDir = opts.modelDir ?? defaultModelDir();
  const split = opts.splitPath ? readSplit(opts.splitPath) : undefined;
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

  if (opts.sheetPath) {
    // fail before an hour of scoring, not after it
    const dir = dirname(resolve(opts.sheetPath));
    try {
      accessSync(dir, constants.W_OK);
    } catch (err) {
      throw new EvenlightError('OUTPUT_UNWRITABLE', opts.sheetPath, `cannot write the contact sheet there: ${errorMessage(err)}`);
    }
  }
  let scenes = listBracketScenes(datasetDir);
  // no scene.json anywhere: the folders of photos are the brackets
  if (!scenes.length) scenes = await listFolderScenes(datasetDir);
  if (opts.only?.length) scenes = scenes.filter((s) => opts.only?.some((o) => s.id.includes(o)));
  if (opts.splits?.length) scenes = scenes.filter((s) => opts.splits?.includes(splitOf(split, s.id)));
  // a single exposure has no pair
  if (opts.pairs) scenes = scenes.filter((s) => s.frames.length >= 2);
  const result: EvalResult = {
    dataset: datasetDir,
    frames,
    pairs: opts.pairs ?? false,
    maxSide,
    shadowColour,
    methods,
    skipped,
    fusionWeights: { ...MERTENS_DEFAULTS },
    castLimit: CAST_LIMIT,
    rows: [],
    summary: [],
    middle: [],
    buckets: [],
    tiledVsWhole: [],
    failures: [],
  };
  // the sheet ranks by ai when it ran, else by the next most telling method
  const rankedBy = (['ai', 'classic', 'seed-arch', 'as-shot'] as const).find((m) => methods.includes(m));
  const sheetK = Math.max(1, opts.sheetRows ?? 4);
  const sheetH = opts.sheetHeight ?? 256;
  // only the running k worst and k best keep thumbnails: an all-frames run stays small
  let worst: SheetCandidate[] = [];
  let best: SheetCandidate[] = [];

  for (const [si, scene] of scenes.entries()) {
    throwIfAborted(opts.signal);
    opts.onProgress?.(si, scenes.length, scene.id);
    const sp = splitOf(split, scene.id);
    let file = scene.frames[0];
    try {
      let imgs: RgbFloat[] = [];
      let first: { width: number; height: number } | undefined;
      for (const f of scene.frames) {
        file = f;
        const { image } = await readImage(f, { signal: opts.signal });
        // a bracket's frames are fused pixel for pixel: a frame of another size is named, as `fuse` names it
        first ??= { width: image.width, height: image.height };
        if (image.width !== first.width || image.height !== first.height) throw sizeMismatch(f, image, scene.frames[0], first);
        imgs.push(downscaleToMaxSide(image, maxSide));
      }
      // darkest first, as scene.json lists them: the middle frame and the EV chain depend on it
      let framePaths = scene.frames;
      let exposures = scene.exposures;
      if (scene.flags.includes(ORDER_BY_IMAGES)) {
        const order = imgs.map((im, i) => ({ i, l: meanLuma(im) })).sort((a, b) => a.l - b.l).map((o) => o.i);
        imgs = order.map((i) => imgs[i]);
        framePaths = order.map((i) => scene.frames[i]);
        exposures = order.map((i) => scene.exposures[i]);
      }
      if (opts.pairs && imgs.length > 2) {
        imgs = ends(imgs);
        framePaths = ends(framePaths);
        exposures = ends(exposures);
      }
      file = scene.dir;
      const reference = clamp01(mertensFuse(imgs, { signal: opts.signal }));
      const castRef = castReference(reference);
      const evs = frameEvs(imgs, exposures, scene.flags);
      const mid = middleFrame(imgs.length);
      const chosen = frames === 'all' ? imgs.map((_, i) => i) : [mid];
      const castOf = (img: RgbFloat): number | null => {
        const c = castAgainst(img, castRef).cast;
        return Number.isFinite(c) ? c : null;
      };
      for (const i of chosen) {
        file = framePaths[i];
        const input = imgs[i];
        const inputCast = castOf(input);
        const row = (method: EvalMethod, out: RgbFloat): EvalRow => ({
          scene: scene.id,
          split: sp,
          frame: basename(framePaths[i]),
          frameIndex: i,
          frameCount: imgs.length,
          middle: i === mid,
          method,
          psnr: psnr(out, reference),
          ssim: ssim(out, reference),
          cast: method === 'as-shot' ? inputCast : castOf(out),
          inputCast,
          ev: evs.ev[i],
          bucket: evBucket(evs.ev[i]),
          evSource: evs.source,
          bestFrame: evs.best,
          width: input.width,
          height: input.height,
        });
        const outputs = new Map<EvalMethod, RgbFloat>();
        const frameRows: EvalRow[] = [];
        for (const m of methods) {
          let out: RgbFloat;
          if (m === 'as-shot') out = input;
          else if (m === 'classic') out = await normalizeImageDetailed(input, { mode: 'classic', modelDir, signal: opts.signal }).then((r) => r.image);
          else if (m === 'ai') {
            const r = await normalizeImageDetailed(input, { mode: 'ai', modelDir, shadowColour, signal: opts.signal });
            if (r.report.mode !== 'ai') throw new Error(r.report.fallback ?? 'ai normaliser did not run');
            out = r.image;
            if (opts.tiledCheck && aiSession) {
              result.tiledVsWhole.push({ scene: scene.id, frame: basename(framePaths[i]), psnr: psnr(out, await wholeFramePass(input, aiSession, shadowColour)) });
            }
          } else out = await normalizeAi(input, seedSession as ModelSession, { signal: opts.signal });
          outputs.set(m, out);
          frameRows.push(row(m, out));
        }
        result.rows.push(...frameRows);
        const ranked = frameRows.find((r) => r.method === rankedBy);
        if (opts.sheetPath && ranked && !Number.isNaN(ranked.psnr)) {
          const p = ranked.psnr;
          const qualifies = worst.length < sheetK || p < (worst.at(-1) as SheetCandidate).psnr || best.length < sheetK || p > (best.at(-1) as SheetCandidate).psnr;
          if (qualifies) {
            const panels = await Promise.all(
              SHEET_COLUMNS.map((c) => {
                const img = c === 'input' ? input : c === 'fusion' ? reference : outputs.get(c);
                return img ? sheetPanel(img, sheetH) : Promise.resolve(undefined);
              }),
            );
            const db = (m: EvalMethod): string => {
              const r = frameRows.find((x) => x.method === m);
              return r ? ` ${m} ${Math.min(100, r.psnr).toFixed(1)} dB` : '';
            };
            const ev = evs.ev[i];
            const label = `${scene.id} ${basename(framePaths[i])}  EV ${ev >= 0 ? '+' : ''}${ev.toFixed(1)} (${evs.source})${db('as-shot')}${db('ai')}${db('classic')}`;
            const cand: SheetCandidate = { scene: scene.id, frame: basename(framePaths[i]), psnr: p, label, panels };
            worst = [...worst, cand].sort((a, b) => a.psnr - b.psnr).slice(0, sheetK);
            best = [...best, cand].sort((a, b) => b.psnr - a.psnr).slice(0, sheetK);
          }
        }
      }
    } catch (err) {
      throwIfAborted(opts.signal);
      result.failures.push({ scene: scene.id, file, error: errorMessage(err, file) });
    }
  }
  opts.onProgress?.(scenes.length, scenes.length, '');
  result.summary = summarize(result.rows);
  result.middle = summarize(result.rows.filter((r) => r.middle));
  result.buckets = summarizeBuckets(result.rows);
  // the union of the running lists holds the true k worst and k best; pick again so no row repeats
  const picked = pickSheetCases([...new Set([...worst, ...best])], sheetK, (c) => c.psnr);
  if (opts.sheetPath && rankedBy && !picked.worst.length) {
    // keep the scores: a sheet with nothing on it is one more failure, not the end of the run
    result.failures.push({ scene: '', file: opts.sheetPath, error: errorMessage(new EvenlightError('UNSUPPORTED', opts.sheetPath, 'no contact sheet: no frame was scored')) });
  } else if (opts.sheetPath && rankedBy) {
    const rows = [
      ...picked.worst.map((c, k) => ({ kind: 'worst' as const, c, label: `worst ${k + 1}: ${c.label}` })),
      ...picked.best.map((c, k) => ({ kind: 'best' as const, c, label: `best ${k + 1}: ${c.label}` })),
    ];
    const size = await writeContactSheet(opts.sheetPath, rows.map((r) => ({ label: r.label, panels: r.c.panels })));
    result.sheet = { path: opts.sheetPath, ...size, rankedBy, rows: rows.map((r) => ({ kind: r.kind, scene: r.c.scene, frame: r.c.frame, psnr: r.c.psnr })) };
  }
  return result;
}
