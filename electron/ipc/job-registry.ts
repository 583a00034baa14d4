// The app's running jobs by id: a handler registers its job synchronously, before any
// await, so a `cancel` sent right after the request always finds it.
import type { Context } from './context';
import { EvenlightError } from '../common/errors';

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

/** Aborts a running job; false when none runs under that id (finished, or never started). */
export function cancelJob(ctx: Context, jobId: string): boolean {
  const job = ctx.jobs.get(jobId);
  job?.abort();
  return !!job;
}
