// Full-size export of one photo with the editor's settings (in a worker; atomic write).
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Handler } from './types';
import { runEngineJob } from '../engine-jobs';
import { defaultOutDir, outputPathFor } from './output-path';
import { removeStaleTemps } from '../../engine/batch';

export const exportPhoto: Handler<'exportPhoto'> = async (req, ctx) => {
  const path = await ctx.access.check(req.path);
  const outDir = await ctx.access.checkWritable(req.outDir ?? defaultOutDir(dirname(path)));
  const output = outputPathFor(path, outDir, req.format);
  await mkdir(outDir, { recursive: true });
  await removeStaleTemps(outDir); // an export that crashed earlier left its temp file here
  return runEngineJob<{ output: string }>({
    kind: 'export',
    path,
    output,
    format: req.format,
    quality: req.quality,
    mode: req.mode,
    strength: req.strength,
    rois: req.rois,
    confineTo: ctx.access.roots(),
  });
};
