// Stops a running batch after the files in flight; finished outputs stay.
import type { Handler } from './types';

export const batchCancel: Handler<'batchCancel'> = async (req, ctx) => {
  const job = ctx.jobs.get(req.jobId);
  if (!job) return { cancelled: false };
  job.abort();
  return { cancelled: true };
};
