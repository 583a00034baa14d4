/**
 * Worker-thread host for an ONNX Runtime session. onnxruntime-node's `run` is synchronous
 * native work behind a setImmediate, so in the main thread it would freeze the event
 * loop (app IPC, the browser bridge, progress output) for every batch; here it runs on
 * its own thread and tensors travel as transferred ArrayBuffers (no copy). Requests and
 * replies go through worker-rpc.ts; `load` comes first and answers what the session is.
 */
import { serveRequests, type RequestContext } from '../worker-rpc';
import { loadModel, type ModelSession, type SessionInfo, type SessionRequest } from './session';

let session: ModelSession | undefined;

// the parent closes this thread only once its requests have settled; then the session goes
serveRequests<SessionRequest>(handle, {
  onClose: async () => {
    await session?.release();
  },
});

async function handle(req: SessionRequest, { transfer }: RequestContext<never>): Promise<unknown> {
  if (req.op === 'load') {
    session = await loadModel(req.dir, { provider: req.provider, threads: req.threads });
    const { provider, providerNote, hasContext, hasTransform, tileSize, contextSize } = session;
    return { provider, providerNote, hasContext, hasTransform, tileSize, contextSize } satisfies SessionInfo;
  }
  if (!session) throw new Error('model not loaded');
  if (req.op === 'transform') {
    const { curves, color } = await session.runTransform(req.thumb);
    // fresh copies: ORT's output buffers may be shared or not detachable
    const c = curves.slice();
    const k = color.slice();
    transfer([c.buffer as ArrayBuffer, k.buffer as ArrayBuffer]);
    return [c, k];
  }
  const value = req.op === 'context' ? await session.runContext(req.thumb) : await session.runTiles(req.batch, req.n, req.h, req.w, req.context);
  const out = value.slice();
  transfer([out.buffer as ArrayBuffer]);
  return out;
}
