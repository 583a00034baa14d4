/**
 * Worker-thread body for engine jobs, so decoding and normalising a 50 MP photo never
 * blocks the Electron main process or the bridge's event loop. The worker lives across
 * jobs (see engine-jobs.ts); the parent posts { type: 'run', id, job } and
 * { type: 'abort', id }, and every reply names its job.
 */
import { parentPort } from 'node:worker_threads';
import type { HostMessage, JobMessage, WorkerMessage } from './engine-jobs';
import { runJob } from './engine-job-runner';

if (!parentPort) throw new Error('engine-worker must run in a worker thread');
const port = parentPort;
const running = new Map<number, AbortController>();

port.on('message', (m: HostMessage) => {
  if (m.type === 'abort') return void running.get(m.id)?.abort();
  const { id, job } = m;
  const controller = new AbortController();
  running.set(id, controller);
  const post = (msg: JobMessage, transfer?: ArrayBuffer[]) => port.postMessage({ ...msg, id } satisfies WorkerMessage, transfer);
  runJob(job, controller.signal, post)
    .then(
      (result) => post({ type: 'done', result }),
      (err: unknown) => post({ type: 'error', error: serialiseError(err) }),
    )
    .finally(() => running.delete(id));
});

function serialiseError(err: unknown): { name: string; message: string; code?: string } {
  if (err instanceof Error) return { name: err.name, message: err.message, code: (err as { code?: string }).code };
  return { name: 'Error', message: String(err) };
}
