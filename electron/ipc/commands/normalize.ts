// Normalises a photo at the editor's working size in a worker; every finished tile goes to
// the UI as a binary frame so the photo fills in progressively. `cancel` aborts it.
import type { Handler } from './types';
import { runEngineJob } from '../engine-jobs';
import { ipcFailure } from '../failure';

export const normalize: Handler<'normalize'> = async (req, ctx) => {
  const path = await ctx.access.check(req.path);
  if (ctx.jobs.has(req.jobId)) throw ipcFailure('BUSY', `job ${req.jobId} is already running`);
  const controller = new AbortController();
  ctx.jobs.set(req.jobId, controller);
  try {
    return await runEngineJob(
      { kind: 'normalize', jobId: req.jobId, path, maxSide: req.maxSide, mode: req.mode, strength: req.strength, rois: req.rois },
      { signal: controller.signal, onTile: (frame) => ctx.host.sendTile(frame) },
    );
  } finally {
    ctx.jobs.delete(req.jobId);
  }
};
