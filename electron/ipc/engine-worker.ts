/**
 * Worker-thread body for engine jobs, so decoding and normalising a 50 MP photo never
 * blocks the Electron main process or the bridge's event loop. One job per worker; the
 * parent posts { type: 'abort' } to cancel (the engine sees an AbortSignal).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EngineJob, WorkerMessage } from './engine-jobs';
import { runJob } from './engine-job-runner';

if (!parentPort) throw new Error('engine-worker must run in a worker thread');
const port = parentPort;
const controller = new AbortController();
port.on('message', (m: { type: string }) => {
  if (m.type === 'abort') controller.abort();
});

const post = (m: WorkerMessage, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);

runJob(workerData as EngineJob, controller.signal, post).then(
  (result) => post({ type: 'done', result }),
  (err: unknown) => post({ type: 'error', error: serialiseError(err) }),
);

function serialiseError(err: unknown): { name: string; message: string; code?: string } {
  if (err instanceof Error) return { name: err.name, message: err.message, code: (err as { code?: string }).code };
  return { name: 'Error', message: String(err) };
}
