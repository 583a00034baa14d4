// Starts a batch in a worker and returns at once; progress and the end arrive as events.
import { resolve, sep } from 'node:path';
import type { Handler } from '../context';
import { runEngineJob } from '../../jobs/engine-host';
import type { EventNote } from '../../jobs/job';
import { defaultOutDir } from '../output-path';
import { listPhotoFiles } from '../../engine';
import { registerJob } from '../job-registry';
import { EvenlightError } from '../../common/errors';

export const batchStart: Handler<'batchStart'> = async (req, ctx) => {
  const job = registerJob(ctx, req.jobId);
  let folder: string;
  let outDir: string;
  let total: number;
  try {
    folder = await ctx.access.check(req.folder);
    outDir = await ctx.access.checkWritable(req.outDir ?? defaultOutDir(folder));
    if (resolve(outDir) === resolve(folder)) throw new EvenlightError('BAD_REQUEST', outDir, "choose an output folder other than the photos' own folder");
    total = (await listPhotoFiles(folder, { exclude: outDir.startsWith(folder + sep) ? outDir : undefined })).length;
  } catch (err) {
    job.done();
    throw err;
  }
  const jobId = req.jobId;
  // counted here too, so a worker that had to be killed still reports what it finished
  let ok = 0;
  let failed = 0;
  const onEvent = (note: EventNote) => {
    if (note.event === 'batchProgress') {
      if (note.payload.ok) ok++;
      else failed++;
    }
    ctx.host.emit(note.event, note.payload);
  };
  void runEngineJob(
    { kind: 'batch', jobId, folder, outDir, format: req.format, quality: req.quality, optimizeJpeg: req.optimizeJpeg, mode: req.mode, strength: req.strength, shadowColour: req.shadowColour, confineTo: ctx.access.roots() },
    { signal: job.signal, onEvent },
  )
    .then(
      (r) => ctx.host.emit('batchDone', { jobId, ok: r.ok, failed: r.failed, cancelled: r.cancelled, outDir }),
      (err: unknown) => {
        const cancelled = job.signal.aborted;
        if (!cancelled) {
          const error = `${folder}: batch stopped: ${err instanceof Error ? err.message : String(err)}`;
          ctx.host.emit('batchProgress', { jobId, done: ok + failed, total, file: folder, ok: false, error, output: null, etaSeconds: null });
        }
        ctx.host.emit('batchDone', { jobId, ok, failed: total - ok, cancelled, outDir });
      },
    )
    .finally(job.done);
  return { jobId, total, outDir };
};
