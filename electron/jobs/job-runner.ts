/**
 * What the engine worker does for each job kind (engine-worker.ts serves them). Kept apart
 * from the worker plumbing so each job reads on its own.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventPayload } from '../common/contract';
import { encodeTileFrame } from '../common/tile-frame';
import { compareFusion, downscaleToMaxSide, makeThumbnail, normalizeImage, readImage, rgbFloatToRgba8, roiMask, runBatch, withWritePolicy, writeImage, type RequestContext } from '../engine';
import type { EngineJob, JobKind, JobNote, JobOf, JobResults } from './job';
import { cachedWorkingImage } from './working-image-cache';

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
  return cachedWorkingImage(path, maxSide, signal, async () => {
    // a half-size RAW demosaic is plenty for a preview of at most maxSide pixels
    const { image: full } = await readImage(path, { signal, rawHalfSize: maxSide > 0 && maxSide <= 3000 });
    return downscaleToMaxSide(full, maxSide);
  });
}

/** Sends one finished rectangle of the working image to the UI as a binary frame (moved, not copied). */
function sendTile(note: Note, frame: Uint8Array): void {
  note({ type: 'tile', frame }, [frame.buffer as ArrayBuffer]);
}

const PREVIEW_STRIP_ROWS = 128;

async function runPreview(job: JobOf<'preview'>, signal: AbortSignal, note: Note): Promise<JobResults['preview']> {
  const image = await workingImage(job.path, job.maxSide, signal);
  const { width, height } = image;
  const total = Math.ceil(height / PREVIEW_STRIP_ROWS);
  for (let i = 0; i < total; i++) {
    const y = i * PREVIEW_STRIP_ROWS;
    const h = Math.min(PREVIEW_STRIP_ROWS, height - y);
    const rgb = image.data.subarray(y * width * 3, (y + h) * width * 3);
    sendTile(note, encodeTileFrame({ jobId: job.jobId, index: i, total, x: 0, y, w: width, h, imageWidth: width, imageHeight: height, rgba: rgbFloatToRgba8(rgb, width, h) }));
  }
  return { jobId: job.jobId, width, height };
}

async function runNormalize(job: JobOf<'normalize'>, signal: AbortSignal, note: Note): Promise<JobResults['normalize']> {
  const started = Date.now();
  const image = await workingImage(job.path, job.maxSide, signal);
  let tiles = 0;
  await normalizeImage(image, {
    mode: job.mode,
    strength: job.strength,
    mask: await roiMask(image.width, image.height, job.rois, signal),
    signal,
    onTile: (e) => {
      tiles++;
      const { x, y, w, h } = e.rect;
      const rgba = rgbFloatToRgba8(e.pixels.data, e.pixels.width, e.pixels.height);
      sendTile(note, encodeTileFrame({ jobId: job.jobId, index: e.index, total: e.total, x, y, w, h, imageWidth: image.width, imageHeight: image.height, rgba }));
    },
  });
  return { jobId: job.jobId, width: image.width, height: image.height, tiles, ms: Date.now() - started };
}

async function runExport(job: JobOf<'export'>, signal: AbortSignal): Promise<JobResults['export']> {
  const { image, meta } = await readImage(job.path, { signal });
  const out = await normalizeImage(image, {
    mode: job.mode,
    strength: job.strength,
    mask: await roiMask(image.width, image.height, job.rois, signal),
    signal,
    consumeInput: true, // a full-size decode of its own, not the cached working image
  });
  // never replace a file (a sibling original, an earlier export): take a suffix instead;
  // and the output folder is checked again right before the rename
  const { written } = await withWritePolicy({ noClobber: true, confineTo: job.confineTo }, () => writeImage(job.output, out, { format: job.format, quality: job.quality, meta }));
  return { output: written[0] ?? job.output };
}

async function runBatchJob(job: JobOf<'batch'>, signal: AbortSignal, note: Note): Promise<JobResults['batch']> {
  const progress = (payload: EventPayload<'batchProgress'>): void => note({ type: 'event', event: 'batchProgress', payload });
  const summary = await runBatch(job.folder, job.outDir, {
    confineTo: job.confineTo, // a link planted in the folder must not read a photo from elsewhere
    writePolicy: { noClobber: true, confineTo: job.confineTo },
    format: job.format,
    quality: job.quality,
    mode: job.mode,
    strength: job.strength,
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

async function dataUrl(path: string, maxSide: number): Promise<string> {
  const jpeg = await makeThumbnail(path, maxSide);
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
}

async function runCompare(job: JobOf<'compare'>, signal: AbortSignal): Promise<JobResults['compare']> {
  const dir = await mkdtemp(join(tmpdir(), 'evenlight-compare-'));
  try {
    const r = await compareFusion(job.frames, dir, { frame: job.frames.indexOf(job.aiFrame) + 1, modes: ['ai', 'classic'], signal });
    const ai = r.outcomes.find((o) => o.mode === 'ai' && !o.error);
    const classic = r.outcomes.find((o) => o.mode === 'classic' && !o.error);
    const shown = ai ?? classic;
    if (!shown?.path || !shown.heatmap) {
      const why = r.outcomes.filter((o) => o.error).map((o) => o.error);
      throw new Error(`compare: no single-frame correction succeeded (${why.join('; ') || 'unknown reason'})`);
    }
    const side = job.maxSide > 0 ? job.maxSide : 4096;
    const [aiUrl, fusionUrl, heatUrl] = await Promise.all([dataUrl(shown.path, side), dataUrl(r.fusion.path, side), dataUrl(shown.heatmap, side)]);
    return {
      mode: ai ? 'ai' : 'classic',
      note: ai ? null : (r.outcomes.find((o) => o.mode === 'ai')?.error ?? 'AI correction unavailable'),
      frame: r.frame.path,
      ai: aiUrl,
      fusion: fusionUrl,
      heatmap: heatUrl,
      psnr: shown.psnr ?? null,
      ssim: shown.ssim ?? 0,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
