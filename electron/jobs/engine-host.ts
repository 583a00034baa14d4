/**
 * Runs engine jobs in one long-lived worker thread and relays what they report. Used by
 * the preview, normalize, export, batch, compare and thumbnail handlers (a RAW without an
 * embedded preview takes a half-size decode: never on the main thread). The worker keeps
 * what is costly to rebuild between jobs — the ONNX session and the last decoded working
 * images — so a second Normalise on the same photo neither re-decodes it nor reloads the
 * model.
 *
 * Jobs run concurrently in the worker (each awaits I/O, inference and sharp off the
 * worker's own thread), once their estimated memory fits (memory-budget.ts). Abort asks
 * the worker to stop that job; a job that does not stop within a grace period is given up
 * on, and the worker is replaced when nothing else runs in it. A worker that crashes fails
 * its jobs and is started afresh next time. The worker holds the process open only while a
 * job runs, so it never keeps a CLI or test process alive. After an abort no tile is
 * relayed, and a job whose tiles were cut short that way settles as cancelled.
 *
 *   runEngineJob(job, { signal?, onTile?, onEvent? }) -> Promise<JobResults[job.kind]>
 */
import { cancelledError, connectWorker, isCancelled, startWorker, throwIfAborted, type RpcWorker } from '../engine';
import type { EngineJob, EventNote, JobKind, JobNote, JobResults } from './job';
import { createMemoryGate, estimateJobBytes, type MemoryGate } from './memory-budget';

const ABORT_GRACE_MS = 5000;

type EngineWorker = RpcWorker<EngineJob, JobNote>;

let current: EngineWorker | null = null;
let workersStarted = 0;

function engineWorker(): EngineWorker {
  if (current) return current;
  const w: EngineWorker = connectWorker(startWorker(__dirname, 'engine-worker'), 'engine worker');
  workersStarted++;
  w.onLost(() => {
    if (current === w) current = null;
  });
  current = w;
  return w;
}

/** Stops the worker (app quit, tests) once what it runs has finished, its model released
 * (worker-rpc.ts close, at most CLOSE_TIMEOUT_MS); the next job starts a new one. */
export async function stopEngineHost(): Promise<void> {
  const w = current;
  current = null;
  await w?.close();
}

/** Diagnostics: workers started so far in this process, jobs running now, and whether a worker is held. */
export function engineHostStats(): { workersStarted: number; running: number; alive: boolean } {
  return { workersStarted, running: current?.pending ?? 0, alive: current !== null };
}

export interface JobOptions {
  signal?: AbortSignal;
  onTile?: (frame: Uint8Array) => void;
  onEvent?: (note: EventNote) => void;
}

const memory = createMemoryGate();

/** Memory admission diagnostics (tests, `hostInfo`-style tools). */
export function engineMemoryStats(): ReturnType<MemoryGate['stats']> {
  return memory.stats();
}

/**
 * Runs `job` in the engine worker once its estimated memory fits the budget (it waits in
 * line meanwhile; one that can never fit is refused with a clear error).
 */
export async function runEngineJob<J extends EngineJob>(job: J, opts: JobOptions = {}): Promise<JobResults[J['kind']]> {
  const j: EngineJob = job;
  const what = j.kind === 'batch' ? j.folder : j.kind === 'compare' ? j.frames[0] : j.path;
  const release = await memory.admit(await estimateJobBytes(j), what, opts.signal);
  try {
    return await runAdmitted<J['kind']>(job, opts);
  } finally {
    release();
  }
}

async function runAdmitted<K extends JobKind>(job: EngineJob, opts: JobOptions): Promise<JobResults[K]> {
  throwIfAborted(opts.signal);
  const w = engineWorker();
  // Once cancelled, no further tile reaches the UI, even one the worker sent before the
  // abort reached it: a stream cut short that way settles as cancelled, not as a result.
  let cut = false;
  const call = w.call<JobResults[K]>(job, {
    onNote: (n) => {
      if (n.type !== 'tile') return opts.onEvent?.(n);
      if (opts.signal?.aborted) cut = true;
      else opts.onTile?.(n.frame);
    },
  });
  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = (): void => {
    call.abort();
    killTimer = setTimeout(() => {
      call.giveUp(cancelledError());
      // stuck (e.g. inside a native call that cannot be interrupted): replace the worker
      // once nothing else depends on it
      if (w.pending === 0 && current === w) void stopEngineHost();
    }, ABORT_GRACE_MS);
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await call.result;
    if (cut) throw cancelledError();
    return result;
  } catch (err) {
    // whatever the job failed with after its abort, it was cancelled
    throw opts.signal?.aborted && !isCancelled(err) ? cancelledError() : err;
  } finally {
    clearTimeout(killTimer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
