/**
 * Starts a worker thread from a module next to the caller: the compiled `.js` when it
 * exists (dist/, the packaged app), else the `.ts` source through tsx's require hook
 * (tests and benches run from source). The one bootstrap for every worker Evenlight starts.
 *
 *   startWorker(dir, baseName, { workerData? }) -> Worker
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

export function startWorker(dir: string, baseName: string, opts: { workerData?: unknown } = {}): Worker {
  const js = join(dir, `${baseName}.js`);
  if (existsSync(js)) return new Worker(js, { workerData: opts.workerData });
  const ts = join(dir, `${baseName}.ts`);
  if (!existsSync(ts)) throw new Error(`worker entry ${js} missing`);
  const boot = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(ts)});`;
  return new Worker(boot, { eval: true, workerData: opts.workerData });
}
