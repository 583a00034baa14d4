/**
 * Runs an engine job in a worker thread and relays its messages. Used by the normalize,
 * export and compare handlers. Abort posts a cancel into the worker; a worker that does
 * not stop within a grace period is terminated.
 */
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EventName, Mode, OutputFormat, Roi } from './contract';
import { ipcFailure } from './failure';
import { EvenlightError } from '../engine/errors';

export type EngineJob =
  | { kind: 'preview'; jobId: string; path: string; maxSide: number }
  | { kind: 'normalize'; jobId: string; path: string; maxSide: number; mode: Mode; strength: number; rois: Roi[] }
  | { kind: 'export'; path: string; output: string; format: OutputFormat; quality: number; mode: Mode; strength: number; rois: Roi[] }
  | { kind: 'compare'; frames: string[]; aiFrame: string; maxSide: number }
  | { kind: 'batch'; jobId: string; folder: string; outDir: string; format: OutputFormat; quality: number; mode: Mode; strength: number };

export type WorkerMessage =
  | { type: 'tile'; frame: Uint8Array }
  | { type: 'event'; event: EventName; payload: unknown }
  | { type: 'done'; result: unknown }
  | { type: 'error'; error: { name: string; message: string; code?: string } };

const ABORT_GRACE_MS = 5000;

function startWorker(job: EngineJob): Worker {
  const js = join(__dirname, 'engine-worker.js');
  if (existsSync(js)) return new Worker(js, { workerData: job });
  // running from source (tests through tsx): register tsx's require hook inside the worker
  const ts = join(__dirname, 'engine-worker.ts');
  const boot = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(ts)});`;
  return new Worker(boot, { eval: true, workerData: job });
}

export function runEngineJob<T>(job: EngineJob, opts: { signal?: AbortSignal; onTile?: (frame: Uint8Array) => void; onEvent?: (event: EventName, payload: unknown) => void } = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (opts.signal?.aborted) return reject(ipcFailure('CANCELLED', 'cancelled'));
    const worker = startWorker(job);
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = () => {
      worker.postMessage({ type: 'abort' });
      killTimer = setTimeout(() => finish(() => reject(ipcFailure('CANCELLED', 'cancelled'))), ABORT_GRACE_MS);
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'tile') opts.onTile?.(m.frame);
      else if (m.type === 'event') opts.onEvent?.(m.event, m.payload);
      else if (m.type === 'done') finish(() => resolve(m.result as T));
      else if (m.type === 'error') {
        const e = m.error;
        const cancelled = e.name === 'AbortError' || e.code === 'CANCELLED' || (opts.signal?.aborted ?? false);
        finish(() => reject(cancelled ? ipcFailure('CANCELLED', 'cancelled') : toError(e)));
      }
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`engine worker exited with code ${code}`))));
  });
}

function toError(e: { name: string; message: string; code?: string }): Error {
  if (e.name === 'EvenlightError' && e.code) {
    // keep the engine's code (NOT_FOUND etc.); its message already names the file
    const err = new EvenlightError(e.code as never, '', e.message);
    return err;
  }
  if (e.code === 'UNAVAILABLE') return ipcFailure('UNAVAILABLE', e.message);
  return new Error(e.message);
}
