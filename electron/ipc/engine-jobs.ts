/**
 * Runs engine jobs in one long-lived worker thread and relays their messages. Used by the
 * preview, normalize, export, batch, compare and thumbnail handlers (a RAW without an
 * embedded preview takes a half-size decode: never on the main thread). The worker keeps what is costly
 * to rebuild between jobs — the ONNX session and the last decoded working images — so a
 * second Normalise on the same photo neither re-decodes it nor reloads the model.
 *
 * Jobs carry an id; the worker runs them concurrently (each awaits I/O, inference and
 * sharp off the worker's own thread). Abort posts a cancel for that job; a job that does
 * not stop within a grace period is given up on, and the worker is replaced when nothing
 * else runs in it. A worker that crashes fails its jobs and is started afresh next time.
 * The worker is unref'd while idle, so it never keeps a CLI or test process alive.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker as startEngineWorker } from '../engine';
import type { EventName, Mode, OutputFormat, Roi } from '../common/contract';
import { createMemoryGate, estimateJobBytes, type MemoryGate } from './memory-budget';
import { EvenlightError, cancelledError } from '../common/errors';

export type EngineJob =
  | { kind: 'preview'; jobId: string; path: string; maxSide: number }
  | { kind: 'normalize'; jobId: string; path: string; maxSide: number; mode: Mode; strength: number; rois: Roi[] }
  | { kind: 'export'; path: string; output: string; format: OutputFormat; quality: number; mode: Mode; strength: number; rois: Roi[]; confineTo: string[] }
  | { kind: 'compare'; frames: string[]; aiFrame: string; maxSide: number }
  | { kind: 'thumbnail'; path: string; maxSide: number }
  | { kind: 'batch'; jobId: string; folder: string; outDir: string; format: OutputFormat; quality: number; mode: Mode; strength: number; confineTo: string[] };

/** Parent -> worker. */
export type HostMessage = { type: 'run'; id: number; job: EngineJob } | { type: 'abort'; id: number };

/** What a running job reports. */
export type JobMessage =
  | { type: 'tile'; frame: Uint8Array }
  | { type: 'event'; event: EventName; payload: unknown }
  | { type: 'done'; result: unknown }
  | { type: 'error'; error: { name: string; message: string; code?: string } };

/** Worker -> parent: a job's message, tagged with the job's id. */
export type WorkerMessage = JobMessage & { id: number };

const ABORT_GRACE_MS = 5000;

interface Pending {
  onMessage(m: WorkerMessage): void;
  fail(err: Error): void;
}

interface Host {
  worker: Worker;
  jobs: Map<number, Pending>;
}

let host: Host | null = null;
let nextId = 0;
let workersStarted = 0;

function startWorker(): Worker {
  workersStarted++;
  return startEngineWorker(__dirname, 'engine-worker');
}

function engineHost(): Host {
  if (host) return host;
  const h: Host = { worker: startWorker(), jobs: new Map() };
  const lost = (err: Error): void => {
    if (host === h) host = null;
    for (const job of [...h.jobs.values()]) job.fail(err);
    h.jobs.clear();
  };
  h.worker.on('message', (m: WorkerMessage) => h.jobs.get(m.id)?.onMessage(m));
  h.worker.on('error', (err) => lost(err));
  h.worker.on('exit', (code) => lost(new Error(`engine worker exited with code ${code}`)));
  host = h;
  return h;
}

/** Lets the process exit while no job runs; holds it open while one does. */
function settleRef(h: Host): void {
  if (h.jobs.size > 0) h.worker.ref();
  else h.worker.unref();
}

/** Stops the worker (app quit, tests); the next job starts a new one. */
export async function stopEngineHost(): Promise<void> {
  const h = host;
  host = null;
  if (h) await h.worker.terminate();
}

/** Diagnostics: workers started so far in this process, and jobs running now. */
export function engineHostStats(): { workersStarted: number; running: number } {
  return { workersStarted, running: host?.jobs.size ?? 0 };
}

type JobOptions = { signal?: AbortSignal; onTile?: (frame: Uint8Array) => void; onEvent?: (event: EventName, payload: unknown) => void };

const memory = createMemoryGate();

/** Memory admission diagnostics (tests, `hostInfo`-style tools). */
export function engineMemoryStats(): ReturnType<MemoryGate['stats']> {
  return memory.stats();
}

/**
 * Runs `job` in the engine worker once its estimated memory fits the budget (it waits in
 * line meanwhile; one that can never fit is refused with a clear error).
 */
export async function runEngineJob<T>(job: EngineJob, opts: JobOptions = {}): Promise<T> {
  const what = job.kind === 'batch' ? job.folder : job.kind === 'compare' ? job.frames[0] : job.path;
  const release = await memory.admit(await estimateJobBytes(job), what, opts.signal);
  try {
    return await runAdmitted<T>(job, opts);
  } finally {
    release();
  }
}

function runAdmitted<T>(job: EngineJob, opts: JobOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (opts.signal?.aborted) return reject(cancelledError());
    const h = engineHost();
    const id = ++nextId;
    let killTimer: NodeJS.Timeout | undefined;
    const finish = (fn: () => void): void => {
      if (!h.jobs.delete(id)) return;
      clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      settleRef(h);
      fn();
    };
    const onAbort = (): void => {
      h.worker.postMessage({ type: 'abort', id } satisfies HostMessage);
      killTimer = setTimeout(() => {
        finish(() => reject(cancelledError()));
        // stuck (e.g. inside a native call that cannot be interrupted): replace the worker
        // once nothing else depends on it
        if (h.jobs.size === 0 && host === h) void stopEngineHost();
      }, ABORT_GRACE_MS);
    };
    h.jobs.set(id, {
      onMessage: (m) => {
        if (m.type === 'tile') opts.onTile?.(m.frame);
        else if (m.type === 'event') opts.onEvent?.(m.event, m.payload);
        else if (m.type === 'done') finish(() => resolve(m.result as T));
        else {
          const e = m.error;
          const cancelled = e.name === 'AbortError' || e.code === 'CANCELLED' || (opts.signal?.aborted ?? false);
          finish(() => reject(cancelled ? cancelledError() : toError(e)));
        }
      },
      fail: (err) => finish(() => reject(err)),
    });
    settleRef(h);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    h.worker.postMessage({ type: 'run', id, job } satisfies HostMessage);
  });
}

function toError(e: { name: string; message: string; code?: string }): Error {
  if (e.name === 'EvenlightError' && e.code) {
    // keep the engine's code (NOT_FOUND etc.); its message already names the file
    const err = new EvenlightError(e.code as never, '', e.message);
    return err;
  }
  if (e.code === 'UNAVAILABLE') return new EvenlightError('UNAVAILABLE', '', e.message);
  return new Error(e.message);
}
