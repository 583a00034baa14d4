/**
 * Anything a handler throws, as the contract's typed error. Every layer throws the one
 * EvenlightError (common/errors.ts): its code becomes the code a UI is told (`resultCode`:
 * the engine's file codes other than NOT_FOUND and CANCELLED arrive as FAILED) and its
 * message, which names the file, is kept. Anything else is a FAILED with its one line.
 */
import type { ResultError } from '../common/contract';
import { EvenlightError, resultCode } from '../common/errors';
import { errorMessage } from '../engine';

export function toResultError(err: unknown): ResultError {
  if (err instanceof EvenlightError) return { code: resultCode(err.code), message: err.message };
  return { code: 'FAILED', message: errorMessage(err) };
}
