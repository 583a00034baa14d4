// Starts a batch in a worker and returns at once; progress and the end arrive as events.
import { resolve, sep } from 'node:path';
import type { Handler } from './types';
import { runEngineJob } from '../engine-jobs';
import { ipcFailure } from '../failure';
import { defaultOutDir } from './output-path';
import { listImages } from '../../engine/batch';

export const batchStart: Handler<'batchStart'> = async (req, ctx) => {
  const folder = await ctx.access.check(req.folder);
  const outDir = await ctx.access.checkWritable(req.outDir ?? defaultOutDir(folder));
  if (resolve(outDir) === resolve(folder)) throw ipcFailure('BAD_REQUEST', `${outDir}: choose an output folder other than the photos' own folder`);
  if (ctx.jobs.has(req.jobId)) throw ipcFailure('BUSY', `job ${req.jobId} is already running`);
  const total = (await listImages(folder, { exclude: outDir.startsWith(folder + sep) ? outDir : undefined })).length;
  const controller = new AbortController();
  ctx.jobs.set(req.jobId, controller);
  const jobId = req.jobId;
  void runEngineJob<{ ok: number; failed: number; cancelled: boolean }>(
    { kind: 'batch', jobId, folder, outDir, format: req.format, quality: req.quality, mode: req.mode, strength: req.strength },
    { signal: controller.signal, onEvent: (event, payload) => ctx.host.emit(event, payload as never) },
  )
    .then(
      (r) => ctx.host.emit('batchDone', { jobId, ok: r.ok, failed: r.failed, cancelled: r.cancelled, outDir }),
      (err: unknown) => {
        const cancelled = controller.signal.aborted;
        ctx.host.emit('batchProgress', { jobId, done: 0, total, file: folder, ok: false, error: cancelled ? 'cancelled' : String((err as Error)?.message ?? err), output: null, etaSeconds: null });
        ctx.host.emit('batchDone', { jobId, ok: 0, failed: total, cancelled, outDir });
      },
    )
    .finally(() => ctx.jobs.delete(jobId));
  return { jobId, total, outDir };
};
