/**
 * Mapping of anything a handler throws onto the contract's typed error. Handlers throw
 * `ipcFailure(code, message)` for their own refusals; engine errors keep their one-line
 * message (which names the file).
 */
import type { ErrorCode, IpcError } from './contract';
import { AccessError } from './access';
import { EvenlightError, errorMessage } from '../engine/errors';

const TAG = Symbol('ipcFailure');

export function ipcFailure(code: ErrorCode, message: string): Error {
  return Object.assign(new Error(message), { [TAG]: code });
}

export function toIpcError(err: unknown): IpcError {
  if (err instanceof Error && TAG in err) return { code: (err as unknown as Record<symbol, ErrorCode>)[TAG], message: err.message };
  if (err instanceof AccessError) return { code: err.code, message: err.message };
  if (err instanceof EvenlightError) {
    const code: ErrorCode = err.code === 'CANCELLED' ? 'CANCELLED' : err.code === 'NOT_FOUND' ? 'NOT_FOUND' : 'FAILED';
    return { code, message: err.message };
  }
  if (err instanceof Error && err.name === 'AbortError') return { code: 'CANCELLED', message: 'cancelled' };
  return { code: 'FAILED', message: errorMessage(err) };
}
