// Small JPEG preview as a data: URL (grid thumbnails, and the editor's "before" image).
// Made in the engine worker (a RAW without an embedded preview needs a half-size decode,
// which would block the main process), registered as a job so `cancel` and closing the
// window stop it.
import type { Handler } from '../context';
import { runEngineJob } from '../../jobs/engine-host';
import { internalJobId, registerJob } from '../job-registry';

export const thumbnail: Handler<'thumbnail'> = async (req, ctx) => {
  const job = registerJob(ctx, req.jobId ?? internalJobId('thumb'));
  try {
    const path = await ctx.access.check(req.path);
    return await runEngineJob({ kind: 'thumbnail', path, maxSide: req.maxSide }, { signal: job.signal });
  } finally {
    job.done();
  }
};
