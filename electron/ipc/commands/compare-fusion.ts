// AI from one frame vs fusion of the whole bracket, with PSNR/SSIM and a difference
// heatmap, computed in the engine worker at the working size; the three images go to the
// UI as binary frames (layers of tile-frame.ts COMPARE_LAYERS), no file is written.
import type { Handler } from '../context';
import { runEngineJob } from '../../jobs/engine-host';
import { registerJob } from '../job-registry';
import { EvenlightError } from '../../common/errors';

export const compareFusion: Handler<'compareFusion'> = async (req, ctx) => {
  const job = registerJob(ctx, req.jobId);
  try {
    const frames: string[] = [];
    for (const f of req.frames) frames.push(await ctx.access.check(f));
    const aiFrame = req.aiFrame ? await ctx.access.check(req.aiFrame) : frames[Math.floor(frames.length / 2)];
    if (!frames.includes(aiFrame)) throw new EvenlightError('BAD_REQUEST', aiFrame, "not one of the bracket's frames");
    return await runEngineJob({ kind: 'compare', jobId: req.jobId, frames, aiFrame, maxSide: req.maxSide }, { signal: job.signal, onTile: (frame) => ctx.host.sendTile(frame) });
  } finally {
    job.done();
  }
};
