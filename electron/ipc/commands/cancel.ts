// Aborts a running normalize/compare job; the engine sees the AbortSignal between tiles.
import type { Handler } from './types';

export const cancel: Handler<'cancel'> = async (req, ctx) => {
  const job = ctx.jobs.get(req.jobId);
  if (!job) return { cancelled: false };
  job.abort();
  return { cancelled: true };
};
