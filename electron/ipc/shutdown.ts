/**
 * The hosts' last step (the app quitting, the bridge stopping), after their routers have
 * aborted every job: the engine's worker is closed once those jobs have stopped, its model
 * sessions released first (jobs/engine-host.ts stopEngineHost). Left to the process's exit,
 * a worker still opening an ONNX Runtime session aborts the process on its way out.
 */
export { stopEngineHost as stopEngine } from '../jobs/engine-host';
