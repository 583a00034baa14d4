// Registers a cancellable job synchronously, before any await in the handler, so a
// `cancel` sent right after the request always finds it.
import type { Context } from '../router';
import { EvenlightError } from '../../common/errors';

let anonymous = 0;

/** A job the UI gave no id: still registered, so closing the window (dispose) stops it. */
export function internalJobId(kind: string): string {
  return `${kind}~${++anonymous}`; // '~' is outside the contract's jobId alphabet: no clash
}

export function registerJob(ctx: Context, jobId: string): { signal: AbortSignal; done: () => void } {
  if (ctx.jobs.has(jobId)) throw new EvenlightError('BUSY', '', `job ${jobId} is already running`);
  const controller = new AbortController();
  ctx.jobs.set(jobId, controller);
  return { signal: controller.signal, done: () => ctx.jobs.get(jobId) === controller && ctx.jobs.delete(jobId) };
}
