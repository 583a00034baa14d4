// Normalises a photo at the editor's working size in a worker; every finished tile goes to
// the UI as a binary frame so the photo fills in progressively. `cancel` aborts it.
import type { Handler } from '../context';
import { runEngineJob } from '../../jobs/engine-host';
import { registerJob } from '../job-registry';

export const normalize: Handler<'normalize'> = async (req, ctx) => {
  const job = registerJob(ctx, req.jobId);
  try {
    const path = await ctx.access.check(req.path);
    return await runEngineJob(
      { kind: 'normalize', jobId: req.jobId, path, maxSide: req.maxSide, mode: req.mode, strength: req.strength, shadowColour: req.shadowColour, rois: req.rois },
      { signal: job.signal, onTile: (frame) => ctx.host.sendTile(frame) },
    );
  } finally {
    job.done();
  }
};
