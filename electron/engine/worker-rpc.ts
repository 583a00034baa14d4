/**
 * Requests and replies between a thread and a worker it started: the one plumbing behind
 * the jobs' engine worker, the model session's worker and the transform pool's workers.
 * Every request gets an id; its reply, its error, or notes it sends on the way (tiles,
 * progress) come back tagged with that id. Errors cross as records (common/errors.ts) and
 * are revived with their code, file and message; a DOM AbortError is turned into
 * CANCELLED here, on its way out of the worker, and nowhere else. The worker keeps the
 * process alive only while a request is in flight; a worker that dies fails what it had.
 *
 *   parent:  const w = connectWorker<Req, Note>(startWorker(__dirname, 'x-worker'));
 *            const call = w.call<T>(req, { transfer?, onNote? });  await call.result;
 *            call.abort()  (the handler's signal fires)   call.giveUp(err)  (stop waiting)
 *            await w.close()  (what runs finishes, the worker's onClose runs, then it is stopped)
 *   worker:  serveRequests<Req, Note>(async (req, { signal, note, transfer }) => value, { onClose? });
 *
 * Why close() and not terminate() alone: a thread stopped while a native add-on's async work
 * is in flight (ONNX Runtime opening or running a session) takes the whole process down when
 * that work calls back ("terminate called after throwing an instance of 'Napi::Error'").
 */
import { parentPort, type TransferListItem, type Worker } from 'node:worker_threads';
import { errorRecord, reviveError, type ErrorRecord } from '../common/errors';
import { fromAbortError } from './errors';

type ToWorker<Req> = { rpc: 'call'; id: number; req: Req } | { rpc: 'abort'; id: number } | { rpc: 'close' };
type FromWorker<Note> =
  | { id: number; kind: 'done'; value: unknown }
  | { id: number; kind: 'error'; error: ErrorRecord }
  | { id: number; kind: 'note'; note: Note }
  | { kind: 'closed' };

/** How long close() waits for the worker's requests and its onClose before stopping it anyway. */
export const CLOSE_TIMEOUT_MS = 10_000;

export interface WorkerCall<T> {
  readonly id: number;
  readonly result: Promise<T>;
  /** Asks the worker to stop: the handler's signal fires; the result settles with what the worker answers. */
  abort(): void;
  /** Settles the call with `err` now and ignores the worker's answer (one that may never come). */
  giveUp(err: Error): void;
}

export interface CallOptions<Note> {
  /** buffers moved, not copied, to the worker */
  transfer?: readonly TransferListItem[];
  onNote?: (note: Note) => void;
}

export interface RpcWorker<Req, Note = never> {
  readonly worker: Worker;
  call<T>(req: Req, opts?: CallOptions<Note>): WorkerCall<T>;
  /** requests in flight */
  readonly pending: number;
  /** why the worker is gone (it errored or exited), once it is: every call fails with it */
  readonly lost: Error | undefined;
  /** `listener` hears once that the worker is gone, after its calls have failed */
  onLost(listener: (err: Error) => void): void;
  /** Stops the worker now, whatever it runs. */
  terminate(): Promise<void>;
  /** Lets what the worker runs finish and its onClose run (at most timeoutMs), then stops it. */
  close(timeoutMs?: number): Promise<void>;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  onNote?: (note: never) => void;
}

export function connectWorker<Req, Note = never>(worker: Worker, name = 'worker'): RpcWorker<Req, Note> {
  const pending = new Map<number, Pending>();
  const lostListeners: ((err: Error) => void)[] = [];
  let lost: Error | undefined;
  /** ends a close() that waits: the worker answered it, or is gone */
  let closed: (() => void) | undefined;
  let nextId = 1;
  // alive while a request is in flight, never just for being there
  const settleRef = (): void => void (pending.size ? worker.ref() : worker.unref());
  const settle = (id: number, fn: (p: Pending) => void): void => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    settleRef();
    fn(p);
  };
  const lose = (err: Error): void => {
    if (lost) return;
    lost = err;
    for (const id of [...pending.keys()]) settle(id, (p) => p.reject(err));
    for (const l of lostListeners) l(err);
    closed?.();
  };
  worker.on('message', (m: FromWorker<Note>) => {
    if (m.kind === 'closed') return void closed?.();
    if (m.kind === 'note') return void (pending.get(m.id)?.onNote as ((n: Note) => void) | undefined)?.(m.note);
    settle(m.id, (p) => (m.kind === 'done' ? p.resolve(m.value) : p.reject(reviveError(m.error))));
  });
  worker.on('error', (err) => lose(err));
  worker.on('exit', (code) => lose(new Error(`${name} exited (code ${code})`)));
  settleRef();
  return {
    worker,
    get pending() {
      return pending.size;
    },
    get lost() {
      return lost;
    },
    call<T>(req: Req, opts: CallOptions<Note> = {}): WorkerCall<T> {
      const id = nextId++;
      const result = new Promise<T>((resolve, reject) => {
        if (lost) return reject(lost);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onNote: opts.onNote as Pending['onNote'] });
        settleRef();
        worker.postMessage({ rpc: 'call', id, req } satisfies ToWorker<Req>, opts.transfer);
      });
      return {
        id,
        result,
        abort: () => {
          if (pending.has(id) && !lost) worker.postMessage({ rpc: 'abort', id } satisfies ToWorker<Req>);
        },
        giveUp: (err) => settle(id, (p) => p.reject(err)),
      };
    },
    onLost: (listener) => void lostListeners.push(listener),
    terminate: async () => {
      lose(new Error(`${name} stopped`));
      await worker.terminate();
    },
    close: async (timeoutMs = CLOSE_TIMEOUT_MS) => {
      if (!lost) {
        worker.ref(); // the process waits for the close, not only for requests
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          closed = resolve;
          timer = setTimeout(resolve, timeoutMs);
          worker.postMessage({ rpc: 'close' } satisfies ToWorker<Req>);
        });
        clearTimeout(timer);
      }
      lose(new Error(`${name} stopped`));
      await worker.terminate();
    },
  };
}

export interface RequestContext<Note> {
  /** fires when the parent aborts this request */
  signal: AbortSignal;
  /** reports something on the way (a tile, a progress event) */
  note(note: Note, transfer?: readonly TransferListItem[]): void;
  /** buffers the reply moves rather than copies */
  transfer(list: readonly TransferListItem[]): void;
}

export interface ServeOptions {
  /** on the parent's close(), once every request has settled: release what must not die mid-flight */
  onClose?: () => Promise<void>;
}

/** Worker side: answers every request with `handle`, several at once (each awaits its own I/O). */
export function serveRequests<Req, Note = never>(handle: (req: Req, ctx: RequestContext<Note>) => Promise<unknown>, opts: ServeOptions = {}): void {
  if (!parentPort) throw new Error('serveRequests must run in a worker thread');
  const port = parentPort;
  const running = new Map<number, AbortController>();
  const inFlight = new Set<Promise<unknown>>();
  const post = (m: FromWorker<Note>, transfer?: readonly TransferListItem[]): void => port.postMessage(m, transfer);
  port.on('message', (m: ToWorker<Req>) => {
    if (m.rpc === 'abort') return void running.get(m.id)?.abort();
    if (m.rpc === 'close') {
      void Promise.allSettled([...inFlight])
        .then(() => opts.onClose?.())
        .catch(() => undefined)
        .then(() => post({ kind: 'closed' }));
      return;
    }
    const { id } = m;
    const controller = new AbortController();
    running.set(id, controller);
    let replyTransfer: readonly TransferListItem[] | undefined;
    const ctx: RequestContext<Note> = {
      signal: controller.signal,
      note: (note, transfer) => post({ id, kind: 'note', note }, transfer),
      transfer: (list) => void (replyTransfer = list),
    };
    const done = handle(m.req, ctx)
      .then(
        (value) => post({ id, kind: 'done', value }, replyTransfer),
        (err: unknown) => post({ id, kind: 'error', error: errorRecord(fromAbortError(err)) }),
      )
      .finally(() => {
        running.delete(id);
        inFlight.delete(done);
      });
    inFlight.add(done);
  });
}
