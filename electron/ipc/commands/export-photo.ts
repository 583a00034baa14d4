// Full-size export of one photo with the editor's settings (in a worker; atomic write);
// a job like any other, so `cancel` and closing the window stop it.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Handler } from '../context';
import { runEngineJob } from '../../jobs/engine-host';
import { defaultOutDir, outputPathFor } from '../output-path';
import { removeStaleTemps } from '../../engine';
import { internalJobId, registerJob } from '../job-registry';

export const exportPhoto: Handler<'exportPhoto'> = async (req, ctx) => {
  const jobId = req.jobId ?? internalJobId('export');
  const job = registerJob(ctx, jobId);
  try {
    const path = await ctx.access.check(req.path);
    const outDir = await ctx.access.checkWritable(req.outDir ?? defaultOutDir(dirname(path)));
    const output = outputPathFor(path, outDir, req.format);
    await mkdir(outDir, { recursive: true });
    await removeStaleTemps(outDir); // an export that crashed earlier left its temp file here
    const r = await runEngineJob(
      {
        kind: 'export',
        path,
        output,
        format: req.format,
        quality: req.quality,
        optimizeJpeg: req.optimizeJpeg,
        mode: req.mode,
        strength: req.strength,
        shadowColour: req.shadowColour,
        rois: req.rois,
        confineTo: ctx.access.roots(),
      },
      { signal: job.signal },
    );
    return { jobId, output: r.output };
  } finally {
    job.done();
  }
};
