/**
 * ONNX Runtime wrapper for the Evenlight model (context graph + tile graph, see the Model
 * I/O contract in docs/ARCHITECTURE.md). Sessions use every core (intraOpNumThreads),
 * `run` is async (ORT runs it off the JS thread), tiles go in batches [N,3,H,W].
 * The execution provider comes from backend.ts; if it fails to initialise, the session
 * is created on CPU and `providerNote` says why.
 *
 *   loadModel(dir, { provider?, threads? }) -> Promise<ModelSession>          in this thread
 *   loadModelInWorker(dir, { provider?, threads? }) -> Promise<ModelSession>  on a worker thread
 *     (onnxruntime-node runs inference synchronously once started, so in the main thread
 *     every batch would freeze the event loop; see session-worker.ts)
 *   getModel(dir) -> Promise<ModelSession>   worker-backed, cached per folder (one load per
 *     process); falls back to loadModel when a worker cannot be started
 *   session.runContext(thumbNchw)  -> Promise<Float32Array>   [K]
 *   session.runTiles(batchNchw, n, h, w, context?) -> Promise<Float32Array>   [n,3,h,w]
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { InferenceSession as OrtSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { EvenlightError } from '../errors';
import { startWorker } from '../worker-thread';
import { connectWorker } from '../worker-rpc';
import { resolveExecutionProvider, type ExecutionProvider } from './backend';
import { readManifest, type ModelManifest } from './manifest';

export interface ModelSession {
  dir: string;
  manifest: ModelManifest;
  provider: ExecutionProvider;
  /** why this provider (and the failure, when it fell back to CPU) */
  providerNote: string;
  hasContext: boolean;
  /** v2: the model predicts a transform from a thumbnail (runTransform), it has no tile graph */
  hasTransform: boolean;
  tileSize: number;
  contextSize: number;
  /** v2: thumb [1,3,S,S] -> curves [K·GH·GW] (NCHW) and colour [6] */
  runTransform(thumb: Float32Array): Promise<{ curves: Float32Array; color: Float32Array }>;
  runContext(thumb: Float32Array): Promise<Float32Array>;
  runTiles(batch: Float32Array, n: number, h: number, w: number, context?: Float32Array): Promise<Float32Array>;
  release(): Promise<void>;
}

type Ort = typeof import('onnxruntime-node');

async function createSession(ort: Ort, path: string, provider: ExecutionProvider, threads: number): Promise<OrtSession> {
  return ort.InferenceSession.create(path, {
    executionProviders: [provider],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
}

export async function loadModel(dir: string, opts: { provider?: ExecutionProvider; threads?: number } = {}): Promise<ModelSession> {
  const manifest = readManifest(dir);
  const ort = require('onnxruntime-node') as Ort;
  const choice = opts.provider ? { provider: opts.provider, reason: 'requested' } : resolveExecutionProvider();
  const threads = opts.threads ?? availableParallelism();
  if (manifest.transform) return loadTransformModel(ort, dir, manifest, choice, threads);
  if (!manifest.tile) throw new EvenlightError('UNSUPPORTED', join(dir, 'manifest.json'), 'manifest has no graph');
  const tile = manifest.tile;
  const tilePath = join(dir, tile.file);
  const ctxPath = manifest.context ? join(dir, manifest.context.file) : undefined;

  // the context graph opens on whatever the tile graph ended up on (CPU after a fallback)
  const tileOpened = await openSession(ort, tilePath, choice, threads);
  const ctxOpened = ctxPath ? await openSession(ort, ctxPath, { provider: tileOpened.provider, reason: tileOpened.note }, threads) : undefined;
  const tileSession = tileOpened.session;
  const ctxSession = ctxOpened?.session;
  const provider = ctxOpened?.provider ?? tileOpened.provider;
  const providerNote = ctxOpened?.note ?? tileOpened.note;

  const tileIn = tile.inputs.tile;
  const tileCtxIn = tile.inputs.context;
  const tileOut = tile.output;
  for (const name of [tileIn, ...(ctxSession ? [tileCtxIn] : [])]) {
    if (!tileSession.inputNames.includes(name)) {
      throw new EvenlightError('UNSUPPORTED', tilePath, `tile graph has no input "${name}" (has ${tileSession.inputNames.join(', ')})`);
    }
  }
  if (!tileSession.outputNames.includes(tileOut)) {
    throw new EvenlightError('UNSUPPORTED', tilePath, `tile graph has no output "${tileOut}" (has ${tileSession.outputNames.join(', ')})`);
  }
  const contextSize = manifest.context?.size ?? 224;

  const out = (res: OrtSession.ReturnType, name: string, file: string): OrtTensor => {
    const t = res[name];
    if (!t || t.type !== 'float32') throw new EvenlightError('UNSUPPORTED', file, `model output "${name}" is missing or not float32`);
    return t;
  };

  return {
    dir,
    manifest,
    provider,
    providerNote,
    hasContext: !!ctxSession,
    hasTransform: false,
    tileSize: tile.size,
    contextSize,
    runTransform() {
      return Promise.reject(new Error('this model has no transform graph'));
    },
    async runContext(thumb) {
      if (!ctxSession || !manifest.context) throw new Error('this model has no context graph');
      const t = new ort.Tensor('float32', thumb, [1, 3, contextSize, contextSize]);
      const res = await ctxSession.run({ [manifest.context.input]: t });
      return out(res, manifest.context.output, ctxPath as string).data as Float32Array;
    },
    async runTiles(batch, n, h, w, context) {
      const feeds: Record<string, OrtTensor> = { [tileIn]: new ort.Tensor('float32', batch, [n, 3, h, w]) };
      if (ctxSession) {
        if (!context) throw new Error('this model needs a context vector');
        const k = context.length;
        const rep = new Float32Array(n * k);
        for (let i = 0; i < n; i++) rep.set(context, i * k);
        feeds[tileCtxIn] = new ort.Tensor('float32', rep, [n, k]);
      }
      const res = await tileSession.run(feeds);
      const o = out(res, tileOut, tilePath);
      if (o.data.length !== n * 3 * h * w) throw new EvenlightError('UNSUPPORTED', tilePath, `tile output has ${o.data.length} values, expected ${n * 3 * h * w}`);
      return o.data as Float32Array;
    },
    async release() {
      await tileSession.release();
      await ctxSession?.release();
    },
  };
}

/** Opens a session, falling back to CPU (with the reason) when the chosen provider fails. */
async function openSession(ort: Ort, path: string, choice: { provider: ExecutionProvider; reason: string }, threads: number): Promise<{ session: OrtSession; provider: ExecutionProvider; note: string }> {
  try {
    return { session: await createSession(ort, path, choice.provider, threads), provider: choice.provider, note: choice.reason };
  } catch (err) {
    if (choice.provider === 'cpu') throw new EvenlightError('UNSUPPORTED', path, `cannot load model: ${(err as Error).message}`);
    try {
      const note = `${choice.provider} failed to initialise (${(err as Error).message.split('\n')[0]}); using cpu`;
      return { session: await createSession(ort, path, 'cpu', threads), provider: 'cpu', note };
    } catch (err2) {
      throw new EvenlightError('UNSUPPORTED', path, `cannot load model: ${(err2 as Error).message}`);
    }
  }
}

async function loadTransformModel(ort: Ort, dir: string, manifest: ModelManifest, choice: { provider: ExecutionProvider; reason: string }, threads: number): Promise<ModelSession> {
  const tg = manifest.transform as NonNullable<ModelManifest['transform']>;
  const path = join(dir, tg.file);
  const { session, provider, note } = await openSession(ort, path, choice, threads);
  if (!session.inputNames.includes(tg.input)) throw new EvenlightError('UNSUPPORTED', path, `graph has no input "${tg.input}" (has ${session.inputNames.join(', ')})`);
  for (const o of [tg.outputs.curves, tg.outputs.color]) {
    if (!session.outputNames.includes(o)) throw new EvenlightError('UNSUPPORTED', path, `graph has no output "${o}" (has ${session.outputNames.join(', ')})`);
  }
  const [gh, gw] = tg.grid;
  const k = tg.knots.length;
  const read = (res: OrtSession.ReturnType, name: string, n: readonly number[]): Float32Array => {
    const t = res[name];
    if (!t || t.type !== 'float32' || !n.includes(t.data.length)) throw new EvenlightError('UNSUPPORTED', path, `output "${name}" is not float32 with ${n.join(' or ')} values`);
    return t.data as Float32Array;
  };
  return {
    dir,
    manifest,
    provider,
    providerNote: note,
    hasContext: false,
    hasTransform: true,
    tileSize: 224,
    contextSize: tg.size,
    async runTransform(thumb) {
      const res = await session.run({ [tg.input]: new ort.Tensor('float32', thumb, [1, 3, tg.size, tg.size]) });
      // colour: 6 values, or 10 with a dark white balance (normalize/curve-apply.ts)
      return { curves: read(res, tg.outputs.curves, [k * gh * gw]), color: read(res, tg.outputs.color, [6, 10]) };
    },
    runContext() {
      return Promise.reject(new Error('this model has no context graph'));
    },
    runTiles() {
      return Promise.reject(new Error('this model has no tile graph'));
    },
    async release() {
      await session.release();
    },
  };
}

/** What loadModelInWorker asks of session-worker.ts. */
export type SessionRequest =
  | { op: 'load'; dir: string; provider?: ExecutionProvider; threads?: number }
  | { op: 'context'; thumb: Float32Array }
  | { op: 'transform'; thumb: Float32Array }
  | { op: 'tiles'; batch: Float32Array; n: number; h: number; w: number; context?: Float32Array };

/** What `load` answers: the session's facts (the parent reads the manifest itself). */
export type SessionInfo = Pick<ModelSession, 'provider' | 'providerNote' | 'hasContext' | 'hasTransform' | 'tileSize' | 'contextSize'>;

export async function loadModelInWorker(dir: string, opts: { provider?: ExecutionProvider; threads?: number } = {}): Promise<ModelSession> {
  const manifest = readManifest(dir); // fail fast, with the file named, before starting a thread
  const rpc = connectWorker<SessionRequest>(startWorker(__dirname, 'session-worker'), 'model worker');
  let info: SessionInfo;
  try {
    info = await rpc.call<SessionInfo>({ op: 'load', dir, provider: opts.provider, threads: opts.threads }).result;
  } catch (err) {
    await rpc.terminate();
    throw err;
  }
  // inputs are copied before transfer: callers may keep using their arrays
  const send = <T>(req: SessionRequest, input: Float32Array): Promise<T> => rpc.call<T>(req, { transfer: [input.buffer as ArrayBuffer] }).result;
  return {
    dir,
    manifest,
    ...info,
    runContext: (thumb) => {
      const t = thumb.slice();
      return send<Float32Array>({ op: 'context', thumb: t }, t);
    },
    runTransform: async (thumb) => {
      const t = thumb.slice();
      const [curves, color] = await send<[Float32Array, Float32Array]>({ op: 'transform', thumb: t }, t);
      return { curves, color };
    },
    runTiles: (batch, n, h, w, context) => {
      const b = batch.slice();
      return send<Float32Array>({ op: 'tiles', batch: b, n, h, w, context }, b);
    },
    // a session still opening or running in that thread must finish first (worker-rpc.ts close)
    release: () => rpc.close(),
  };
}

const cache = new Map<string, Promise<ModelSession>>();

/** One session per model folder per process; a failed load is not cached. */
export function getModel(dir: string): Promise<ModelSession> {
  let p = cache.get(dir);
  if (!p) {
    p = loadModelInWorker(dir).catch((err: unknown) => {
      // a model that cannot load fails the same way in this thread: report that error;
      // anything else (no worker support, missing entry) falls back to this thread
      if (err instanceof EvenlightError) throw err;
      return loadModel(dir);
    });
    cache.set(dir, p);
    p.catch(() => cache.delete(dir));
  }
  return p;
}

/** Releases every session getModel opened in this thread, each once it has finished opening
 * (a worker that hosts them is about to stop: engine-worker.ts). */
export async function releaseModels(): Promise<void> {
  const loads = [...cache.values()];
  cache.clear();
  await Promise.all(loads.map((p) => p.then((s) => s.release(), () => undefined)));
}
