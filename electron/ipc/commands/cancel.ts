// Aborts a running normalize, preview, export, compare or thumbnail job; the engine sees the
// AbortSignal between tiles.
import type { Handler } from '../context';
import { cancelJob } from '../job-registry';

export const cancel: Handler<'cancel'> = async (req, ctx) => ({ cancelled: cancelJob(ctx, req.jobId) });
