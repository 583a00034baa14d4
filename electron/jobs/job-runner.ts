/**
 * What the engine worker does for each job kind (engine-worker.ts serves them). Kept apart
 * from the worker plumbing so each job reads on its own.
 */
import type { EventPayload } from '../common/contract';
import { COMPARE_LAYERS, encodeTileFrame } from '../common/tile-frame';
import {
  compareBracket,
  defaultMode,
  defaultModelDir,
  EvenlightError,
  getModel,
  makeThumbnail,
  normalizeImage,
  readFitted,
  readImage,
  rgbFloatToRgba8,
  roiMask,
  runBatch,
  startTransformWorkers,
  withWritePolicy,
  writeImage,
  type RequestContext,
  type RgbFloat,
} from '../engine';
import type { EngineJob, JobKind, JobNote, JobOf, JobResults } from './job';
import { cachedWorkingImage, keepSpare, lendSpare, reserveSpare } from './working-image-cache';

type Note = RequestContext<JobNote>['note'];
type Runner<K extends JobKind> = (job: JobOf<K>, signal: AbortSignal, note: Note) => Promise<JobResults[K]>;

const runners: { [K in JobKind]: Runner<K> } = {
  thumbnail: runThumbnail,
  preview: runPreview,
  normalize: runNormalize,
  export: runExport,
  batch: runBatchJob,
  compare: runCompare,
};

export function runJob(job: EngineJob, signal: AbortSignal, note: Note): Promise<JobResults[JobKind]> {
  return (runners[job.kind] as Runner<JobKind>)(job, signal, note);
}

async function runThumbnail(job: JobOf<'thumbnail'>, signal: AbortSignal): Promise<JobResults['thumbnail']> {
  return { dataUrl: `data:image/jpeg;base64,${(await makeThumbnail(job.path, job.maxSide, { signal })).toString('base64')}` };
}

/**
 * The photo at the editor's working size: one decode and scale shared by the preview and
 * every Normalise of it (cached), so before and after line up pixel for pixel.
 */
function workingImage(path: string, maxSide: number, signal: AbortSignal) {
  return cachedWorkingImage(path, maxSide, signal, async () => (await readFitted(path, maxSide, { signal })).image);
}

/** Sends one finished rectangle of the working image to the UI as a binary frame (moved, not copied). */
function sendTile(note: Note, frame: Uint8Array): void {
  note({ type: 'tile', frame }, [frame.buffer as ArrayBuffer]);
}

const STRIP_ROWS = 128;

/** A whole image to the UI as strips of rows, each its own frame (the preview, Compare's images). */
function sendStrips(note: Note, jobId: string, image: RgbFloat, layer: number): void {
  const { width, height } = image;
  const total = Math.ceil(height / STRIP_ROWS);
  for (let i = 0; i < total; i++) {
    const y = i * STRIP_ROWS;
    const h = Math.min(STRIP_ROWS, height - y);
    const rgb = image.data.subarray(y * width * 3, (y + h) * width * 3);
    sendTile(note, encodeTileFrame({ jobId, layer, index: i, total, x: 0, y, w: width, h, imageWidth: width, imageHeight: height, rgba: rgbFloatToRgba8(rgb, width, h) }));
  }
}

/**
 * The shipped model's session starts loading (in its own thread) once the first photo's preview
 * is on screen, while the photographer looks at it, so that the first Normalise pays for
 * inference only; started with the decode instead, it delayed the preview by about 0.35 s. A
 * model that cannot load is reported by that Normalise, as before. The transform's workers
 * (curve-apply-pool.ts), which only the model's transform uses, start then too.
 */
function prewarm(): void {
  if (prewarmed) return; // once per worker: getModel caches the session, and this reads the manifest
  prewarmed = true;
  if (defaultMode() !== 'ai') return;
  getModel(defaultModelDir()).catch(() => undefined);
  startTransformWorkers();
}
let prewarmed = false;

async function runPreview(job: JobOf<'preview'>, signal: AbortSignal, note: Note): Promise<JobResults['preview']> {
  const image = await workingImage(job.path, job.maxSide, signal);
  sendStrips(note, job.jobId, image, 0);
  prewarm();
  reserveSpare(image); // the first Normalise's result, made ready while the photographer looks
  return { jobId: job.jobId, width: image.width, height: image.height };
}

async function runNormalize(job: JobOf<'normalize'>, signal: AbortSignal, note: Note): Promise<JobResults['normalize']> {
  const started = Date.now();
  const image = await workingImage(job.path, job.maxSide, signal);
  let tiles = 0;
  const mask = await roiMask(image.width, image.height, job.rois, signal);
  // only the tiles leave this job: its result is the next Normalise's spare
  const spare = lendSpare(image);
  let out: RgbFloat | undefined;
  try {
    out = await normalizeImage(image, {
      mode: job.mode,
      strength: job.strength,
      shadowColour: job.shadowColour,
      mask,
      signal,
      spare,
      onTile: (e) => {
        tiles++;
        const { x, y, w, h } = e.rect;
        const rgba = rgbFloatToRgba8(e.pixels.data, e.pixels.width, e.pixels.height);
        sendTile(note, encodeTileFrame({ jobId: job.jobId, layer: 0, index: e.index, total: e.total, x, y, w, h, imageWidth: image.width, imageHeight: image.height, rgba }));
      },
    });
  } finally {
    keepSpare(image, out?.data ?? spare);
  }
  return { jobId: job.jobId, width: image.width, height: image.height, tiles, ms: Date.now() - started };
}

async function runExport(job: JobOf<'export'>, signal: AbortSignal): Promise<JobResults['export']> {
  const { image, meta } = await readImage(job.path, { signal, keepAlpha: true });
  const out = await normalizeImage(image, {
    mode: job.mode,
    strength: job.strength,
    shadowColour: job.shadowColour,
    mask: await roiMask(image.width, image.height, job.rois, signal),
    signal,
    consumeInput: true, // a full-size decode of its own, not the cached working image
  });
  // never replace a file (a sibling original, an earlier export): take a suffix instead;
  // and the output folder is checked again right before the rename
  const { written } = await withWritePolicy({ noClobber: true, confineTo: job.confineTo }, () => writeImage(job.output, out, { format: job.format, quality: job.quality, optimizeJpeg: job.optimizeJpeg, meta }));
  return { output: written[0] ?? job.output };
}

async function runBatchJob(job: JobOf<'batch'>, signal: AbortSignal, note: Note): Promise<JobResults['batch']> {
  const progress = (payload: EventPayload<'batchProgress'>): void => note({ type: 'event', event: 'batchProgress', payload });
  const summary = await runBatch(job.folder, job.outDir, {
    confineTo: job.confineTo, // a link planted in the folder must not read a photo from elsewhere
    writePolicy: { noClobber: true, confineTo: job.confineTo },
    format: job.format,
    quality: job.quality,
    optimizeJpeg: job.optimizeJpeg,
    mode: job.mode,
    strength: job.strength,
    shadowColour: job.shadowColour,
    signal,
    onEvent: (e) => {
      if (e.type !== 'file') return;
      progress({
        jobId: job.jobId,
        done: e.finished,
        total: e.total,
        file: e.result.input,
        ok: e.result.status !== 'failed',
        error: e.result.status === 'failed' ? (e.result.reason ?? 'failed') : null,
        output: e.result.status === 'done' ? e.result.output : null,
        etaSeconds: e.etaMs == null ? null : e.etaMs / 1000,
      });
    },
  });
  if (summary.stopped) {
    // disk full or read-only: say so once, in the same progress stream the UI shows
    progress({ jobId: job.jobId, done: summary.done + summary.failed + summary.skipped, total: summary.total, file: job.outDir, ok: false, error: summary.stopped, output: null, etaSeconds: null });
  }
  return { ok: summary.done + summary.skipped, failed: summary.failed + summary.notStarted, cancelled: summary.cancelled };
}

/** Compare: one frame corrected on its own vs the bracket's fusion, at the working size; the three images stream as frames. */
async function runCompare(job: JobOf<'compare'>, signal: AbortSignal, note: Note): Promise<JobResults['compare']> {
  const c = await compareBracket(job.frames, { frame: job.frames.indexOf(job.aiFrame) + 1, modes: ['ai', 'classic'], maxSide: job.maxSide, signal });
  const ai = c.compared.find((x) => x.mode === 'ai' && !x.error);
  const shown = ai ?? c.compared.find((x) => x.mode === 'classic' && !x.error);
  if (!shown?.image || !shown.heatmap) {
    const why = c.compared.filter((x) => x.error).map((x) => x.error);
    throw new EvenlightError('FAILED', '', `compare: no single-frame correction succeeded (${why.join('; ') || 'unknown reason'})`);
  }
  const layers: Record<(typeof COMPARE_LAYERS)[number], RgbFloat> = { corrected: shown.image, fusion: c.fusion.image, heatmap: shown.heatmap };
  COMPARE_LAYERS.forEach((name, layer) => sendStrips(note, job.jobId, layers[name], layer));
  const { width, height } = c.fusion.image;
  return {
    jobId: job.jobId,
    mode: ai ? 'ai' : 'classic',
    note: ai ? null : (c.compared.find((x) => x.mode === 'ai')?.error ?? 'AI correction unavailable'),
    frame: c.frame.path,
    width,
    height,
    psnr: shown.psnr ?? null,
    ssim: shown.ssim ?? 0,
  };
}
