/**
 * Worker-thread body for engine jobs, so decoding and normalising a 50 MP photo never
 * blocks the Electron main process or the bridge's event loop. The worker lives across
 * jobs (engine-host.ts) and runs them concurrently; requests, notes and replies go through
 * the engine's worker-rpc.
 */
import { releaseModels, serveRequests } from '../engine';
import type { EngineJob, JobNote } from './job';
import { runJob } from './job-runner';

// closed (engine-host.ts stopEngineHost): the model's thread is stopped only once its session
// has finished opening or running, never with ONNX Runtime's work in flight
serveRequests<EngineJob, JobNote>((job, { signal, note }) => runJob(job, signal, note), { onClose: releaseModels });
