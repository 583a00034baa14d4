// Streams the editor's "before" image (same decode and working size as normalize) as binary strips.
import type { Handler } from './types';
import { runEngineJob } from '../engine-jobs';
import { ipcFailure } from '../failure';

export const preview: Handler<'preview'> = async (req, ctx) => {
  const path = await ctx.access.check(req.path);
  if (ctx.jobs.has(req.jobId)) throw ipcFailure('BUSY', `job ${req.jobId} is already running`);
  const controller = new AbortController();
  ctx.jobs.set(req.jobId, controller);
  try {
    return await runEngineJob(
      { kind: 'preview', jobId: req.jobId, path, maxSide: req.maxSide },
      { signal: controller.signal, onTile: (frame) => ctx.host.sendTile(frame) },
    );
  } finally {
    ctx.jobs.delete(req.jobId);
  }
};
