/**
 * ONNX Runtime wrapper for the Evenlight model (context graph + tile graph, see the Model
 * I/O contract in docs/ARCHITECTURE.md). Sessions use every core (intraOpNumThreads),
 * `run` is async (ORT runs it off the JS thread), tiles go in batches [N,3,H,W].
 * The execution provider comes from backend.ts; if it fails to initialise, the session
 * is created on CPU and `providerNote` says why.
 *
 *   loadModel(dir, { provider?, threads? }) -> Promise<ModelSession>
 *   getModel(dir) -> Promise<ModelSession>       cached per folder (one load per process)
 *   session.runContext(thumbNchw)  -> Promise<Float32Array>   [K]
 *   session.runTiles(batchNchw, n, h, w, context?) -> Promise<Float32Array>   [n,3,h,w]
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { InferenceSession as OrtSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { EvenlightError } from '../errors';
import { resolveExecutionProvider, type ExecutionProvider } from './backend';
import { readManifest, type ModelManifest } from './manifest';

export interface ModelSession {
  dir: string;
  manifest: ModelManifest;
  provider: ExecutionProvider;
  /** why this provider (and the failure, when it fell back to CPU) */
  providerNote: string;
  hasContext: boolean;
  tileSize: number;
  contextSize: number;
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
  const tilePath = join(dir, manifest.tile.file);
  const ctxPath = manifest.context ? join(dir, manifest.context.file) : undefined;

  let provider = choice.provider;
  let providerNote = choice.reason;
  const open = async (path: string): Promise<OrtSession> => {
    try {
      return await createSession(ort, path, provider, threads);
    } catch (err) {
      if (provider === 'cpu') throw new EvenlightError('UNSUPPORTED', path, `cannot load model: ${(err as Error).message}`);
      providerNote = `${provider} failed to initialise (${(err as Error).message.split('\n')[0]}); using cpu`;
      provider = 'cpu';
      try {
        return await createSession(ort, path, 'cpu', threads);
      } catch (err2) {
        throw new EvenlightError('UNSUPPORTED', path, `cannot load model: ${(err2 as Error).message}`);
      }
    }
  };
  const tileSession = await open(tilePath);
  const ctxSession = ctxPath ? await open(ctxPath) : undefined;

  const tileIn = manifest.tile.inputs.tile;
  const tileCtxIn = manifest.tile.inputs.context;
  const tileOut = manifest.tile.output;
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
    tileSize: manifest.tile.size,
    contextSize,
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

const cache = new Map<string, Promise<ModelSession>>();

/** One session per model folder per process; a failed load is not cached. */
export function getModel(dir: string): Promise<ModelSession> {
  let p = cache.get(dir);
  if (!p) {
    p = loadModel(dir);
    cache.set(dir, p);
    p.catch(() => cache.delete(dir));
  }
  return p;
}
