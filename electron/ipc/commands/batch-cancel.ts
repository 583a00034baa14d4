// Stops a running batch after the files in flight; finished outputs stay.
import type { Handler } from '../context';
import { cancelJob } from '../job-registry';

export const batchCancel: Handler<'batchCancel'> = async (req, ctx) => ({ cancelled: cancelJob(ctx, req.jobId) });
