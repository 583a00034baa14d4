/**
 * Worker-thread host for an ONNX Runtime session. onnxruntime-node's `run` is synchronous
 * native work behind a setImmediate, so in the main thread it would freeze the event
 * loop (app IPC, the browser bridge, progress output) for every batch; here it runs on
 * its own thread and tensors travel as transferred ArrayBuffers (no copy).
 *
 * Protocol (parent -> worker): { op: 'load', dir, provider?, threads? } | { op: 'context', id, thumb }
 *   | { op: 'tiles', id, batch, n, h, w, context? } | { op: 'transform', id, thumb } (v2: replies [curves, color])
 * (worker -> parent): { id, ok: true, value } | { id, ok: false, message, code? }; load uses id 0.
 */
import { parentPort } from 'node:worker_threads';
import { EvenlightError } from '../errors';
import { loadModel, type ModelSession } from './session';

type Request =
  | { op: 'load'; dir: string; provider?: import('./backend').ExecutionProvider; threads?: number }
  | { op: 'context'; id: number; thumb: Float32Array }
  | { op: 'transform'; id: number; thumb: Float32Array }
  | { op: 'tiles'; id: number; batch: Float32Array; n: number; h: number; w: number; context?: Float32Array };

let session: ModelSession | undefined;

if (parentPort) {
  const port = parentPort;
  const fail = (id: number, err: unknown) =>
    port.postMessage({ id, ok: false, message: err instanceof Error ? err.message : String(err), code: err instanceof EvenlightError ? err.code : undefined, file: err instanceof EvenlightError ? err.file : undefined });
  port.on('message', (req: Request) => {
    void (async () => {
      if (req.op === 'load') {
        try {
          session = await loadModel(req.dir, { provider: req.provider, threads: req.threads });
          const { manifest, provider, providerNote, hasContext, hasTransform, tileSize, contextSize } = session;
          port.postMessage({ id: 0, ok: true, value: { manifest, provider, providerNote, hasContext, hasTransform, tileSize, contextSize } });
        } catch (err) {
          fail(0, err);
        }
        return;
      }
      try {
        if (!session) throw new Error('model not loaded');
        if (req.op === 'transform') {
          const { curves, color } = await session.runTransform(req.thumb);
          const c = curves.slice();
          const k = color.slice();
          port.postMessage({ id: req.id, ok: true, value: [c, k] }, [c.buffer as ArrayBuffer, k.buffer as ArrayBuffer]);
          return;
        }
        const value = req.op === 'context' ? await session.runContext(req.thumb) : await session.runTiles(req.batch, req.n, req.h, req.w, req.context);
        // a fresh copy: ORT's output buffer may be shared or not detachable
        const out = value.slice();
        port.postMessage({ id: req.id, ok: true, value: out }, [out.buffer as ArrayBuffer]);
      } catch (err) {
        fail(req.id, err);
      }
    })();
  });
}
