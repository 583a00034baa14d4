/**
 * One error type for everything the engine refuses or fails at. The message is always a
 * single line that names the file and the cause, so the CLI, the app and logs can show
 * it as-is.
 */
import { basename } from 'node:path';

export type EvenlightErrorCode =
  | 'EMPTY'
  | 'TRUNCATED'
  | 'UNSUPPORTED'
  | 'NOT_IMAGE'
  | 'TOO_LARGE'
  | 'PERMISSION'
  | 'NOT_FOUND'
  | 'OUTPUT_UNWRITABLE'
  | 'DECODER_MISSING'
  | 'DECODE_FAILED'
  | 'CANCELLED'
  | 'INVALID_ARGUMENT';

/** Collapse whitespace/newlines so a message from a library or child process stays one line. */
function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

export class EvenlightError extends Error {
  readonly code: EvenlightErrorCode;
  /** Path the error is about ('' when none). */
  readonly file: string;

  constructor(code: EvenlightErrorCode, file: string, cause: string, options?: { cause?: unknown }) {
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

/** True when the error is a cancellation (our CANCELLED or a DOM AbortError). */
export function isCancelled(err: unknown): boolean {
  if (err instanceof EvenlightError) return err.code === 'CANCELLED';
  return err instanceof Error && err.name === 'AbortError';
}

/** Throws CANCELLED when the signal has fired; call between steps of long work. */
export function throwIfAborted(signal: AbortSignal | undefined, file = ''): void {
  if (signal?.aborted) throw new EvenlightError('CANCELLED', file, 'cancelled');
}

/** Maps Node's errno codes (ENOENT, EACCES, ...) onto ours. */
export function fromNodeError(err: unknown, file: string, writing = false): EvenlightError | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return writing
        ? new EvenlightError('OUTPUT_UNWRITABLE', file, 'cannot write: folder does not exist', { cause: err })
        : new EvenlightError('NOT_FOUND', file, 'file not found', { cause: err });
    case 'ENOTDIR':
      return writing
        ? new EvenlightError('OUTPUT_UNWRITABLE', file, 'cannot write: a parent of this path is a file, not a folder', { cause: err })
        : new EvenlightError('NOT_FOUND', file, 'file not found (a parent of this path is a file)', { cause: err });
    case 'EACCES':
    case 'EPERM':
      return writing
        ? new EvenlightError('OUTPUT_UNWRITABLE', file, 'cannot write: permission denied', { cause: err })
        : new EvenlightError('PERMISSION', file, 'permission denied', { cause: err });
    case 'EROFS':
      return new EvenlightError('OUTPUT_UNWRITABLE', file, 'cannot write: read-only file system', { cause: err });
    case 'ENOSPC':
      return new EvenlightError('OUTPUT_UNWRITABLE', file, 'cannot write: no space left on device', { cause: err });
    case 'EISDIR':
      return writing
        ? new EvenlightError('OUTPUT_UNWRITABLE', file, 'cannot write: path is a folder', { cause: err })
        : new EvenlightError('NOT_IMAGE', file, 'is a folder, not an image file', { cause: err });
    default:
      return undefined;
  }
}

/**
 * Turns anything thrown into one line naming the file and the cause. `file` is used when
 * the error itself does not name one.
 */
export function errorMessage(err: unknown, file?: string): string {
  if (err instanceof EvenlightError) {
    if (err.file || !file) return err.message;
    return `${file}: ${err.message}`;
  }
  const mapped = file ? fromNodeError(err, file) : undefined;
  if (mapped) return mapped.message;
  let text: string;
  if (err instanceof Error) text = err.message || err.name;
  else if (typeof err === 'string') text = err;
  else text = String(err);
  text = oneLine(text) || 'unknown error';
  if (file && !text.includes(file) && !text.includes(basename(file))) return `${file}: ${text}`;
  return text;
}

/** Wraps anything thrown into an EvenlightError (keeps ours unchanged). */
export function toEvenlightError(err: unknown, file: string, fallback: EvenlightErrorCode = 'DECODE_FAILED'): EvenlightError {
  if (err instanceof EvenlightError) return err;
  const mapped = fromNodeError(err, file);
  if (mapped) return mapped;
  const text = err instanceof Error ? err.message : String(err);
  return new EvenlightError(fallback, file, oneLine(text) || 'unknown error', { cause: err });
}
