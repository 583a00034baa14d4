/**
 * Worker thread of curve-apply-pool.ts: applies a transform to one band of a photo, read from a
 * buffer shared with the pool and written into another (worker-rpc.ts), by curve-apply-band.ts.
 */
import { serveRequests } from '../worker-rpc';
import { applyBandRequest, type BandRequest } from './curve-apply-band';
import { wasmKernel } from './curve-apply-wasm';

// compiled as the worker starts, not with its first band
wasmKernel();

serveRequests<BandRequest>(async (r) => applyBandRequest(r));
