/**
 * The one error type every layer throws, and every code it can carry. Engine codes say what
 * went wrong with a file; request codes say why the app refused or could not answer a
 * request. What crosses to a UI is a Result whose code is one of RESULT_CODES: the engine's
 * own codes other than NOT_FOUND and CANCELLED arrive there as FAILED, with their message.
 *
 * Cancellation has one dialect: EvenlightError('CANCELLED'). A DOM AbortError is turned into
 * it where it could enter (engine/errors.ts `fromAbortError`, used at the worker edge).
 *
 * Pure TypeScript (no Node): the renderer imports it through the contract.
 */

/** Codes of the engine: the file and what is wrong with it. */
export const ENGINE_CODES = [
  'EMPTY',
  'TRUNCATED',
  'UNSUPPORTED',
  'NOT_IMAGE',
  'TOO_LARGE',
  'PERMISSION',
  'NOT_FOUND',
  'OUTPUT_UNWRITABLE',
  'DECODER_MISSING',
  'DECODE_FAILED',
  'CANCELLED',
  'INVALID_ARGUMENT',
] as const;

/** Codes a UI sees in a failed Result (contract.ts). */
export const RESULT_CODES = ['BAD_REQUEST', 'UNKNOWN_COMMAND', 'ACCESS_DENIED', 'NEEDS_PATH', 'NOT_FOUND', 'UNAVAILABLE', 'CANCELLED', 'BUSY', 'FAILED'] as const;

export type ResultCode = (typeof RESULT_CODES)[number];
export type ErrorCode = (typeof ENGINE_CODES)[number] | ResultCode;

const ALL_CODES: ReadonlySet<string> = new Set<string>([...ENGINE_CODES, ...RESULT_CODES]);

export function isErrorCode(v: unknown): v is ErrorCode {
  return typeof v === 'string' && ALL_CODES.has(v);
}

/** The code a UI is told: result codes as they are, every other engine code as FAILED. */
export function resultCode(code: ErrorCode): ResultCode {
  return (RESULT_CODES as readonly string[]).includes(code) ? (code as ResultCode) : 'FAILED';
}

/** Collapse whitespace/newlines so a message from a library or child process stays one line. */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** One line naming the file (when there is one) and the cause, shown as it is by the CLI, the app and logs. */
export class EvenlightError extends Error {
  readonly code: ErrorCode;
  /** Path the error is about ('' when none). */
  readonly file: string;

  constructor(code: ErrorCode, file: string, cause: string, options?: { cause?: unknown }) {
    const what = oneLine(cause);
    super(file ? `${file}: ${what}` : what, options);
    this.name = 'EvenlightError';
    this.code = code;
    this.file = file;
  }
}

export function isEvenlightError(err: unknown): err is EvenlightError {
  return err instanceof EvenlightError;
}

/** True when the error is a cancellation. */
export function isCancelled(err: unknown): boolean {
  return err instanceof EvenlightError && err.code === 'CANCELLED';
}

export function cancelledError(file = ''): EvenlightError {
  return new EvenlightError('CANCELLED', file, 'cancelled');
}

/** Throws CANCELLED when the signal has fired; call between steps of long work. */
export function throwIfAborted(signal: AbortSignal | undefined, file = ''): void {
  if (signal?.aborted) throw cancelledError(file);
}

/** An error as it travels between threads (structured clone keeps no class). */
export interface ErrorRecord {
  name: string;
  message: string;
  code?: string;
  file?: string;
}

export function errorRecord(err: unknown): ErrorRecord {
  if (err instanceof EvenlightError) return { name: err.name, message: err.message, code: err.code, file: err.file };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}

/** The error a record describes: an EvenlightError with its code, file and message intact, else a plain Error. */
export function reviveError(r: ErrorRecord): Error {
  const err = isErrorCode(r.code) ? new EvenlightError(r.code, r.file ?? '', '') : Object.assign(new Error(), { name: r.name });
  err.message = r.message; // exactly as thrown, already naming the file
  return err;
}
