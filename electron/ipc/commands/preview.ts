// Streams the editor's "before" image (same decode and working size as normalize) as binary strips.
import type { Handler } from '../context';
import { runEngineJob } from '../../jobs/engine-host';
import { registerJob } from '../job-registry';

export const preview: Handler<'preview'> = async (req, ctx) => {
  const job = registerJob(ctx, req.jobId);
  try {
    const path = await ctx.access.check(req.path);
    return await runEngineJob(
      { kind: 'preview', jobId: req.jobId, path, maxSide: req.maxSide },
      { signal: job.signal, onTile: (frame) => ctx.host.sendTile(frame) },
    );
  } finally {
    job.done();
  }
};
