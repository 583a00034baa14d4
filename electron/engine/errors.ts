/**
 * The engine's side of errors.ts in common/: one EvenlightError for everything the engine
 * refuses or fails at, its message a single line naming the file and the cause. Here are
 * the parts that know Node: errno codes, and turning anything thrown into that one line.
 */
import { basename } from 'node:path';
import { EvenlightError, oneLine, type ErrorCode } from '../common/errors';

export { cancelledError, EvenlightError, isCancelled, isEvenlightError, throwIfAborted, type ErrorCode } from '../common/errors';

interface Size {
  width: number;
  height: number;
}

/** A photo that must have another's size (a bracket's frame, a compared file) and has not. */
export function sizeMismatch(file: string, size: Size, other: string, otherSize: Size): EvenlightError {
  return new EvenlightError('INVALID_ARGUMENT', file, `size ${size.width}x${size.height} differs from ${other} (${otherSize.width}x${otherSize.height})`);
}

/** A DOM AbortError (a signal's own `throwIfAborted`, a Node API given a signal) as our CANCELLED; anything else as it is. */
export function fromAbortError(err: unknown, file = ''): unknown {
  return err instanceof Error && err.name === 'AbortError' ? new EvenlightError('CANCELLED', file, 'cancelled', { cause: err }) : err;
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
export function toEvenlightError(err: unknown, file: string, fallback: ErrorCode = 'DECODE_FAILED'): EvenlightError {
  const e = fromAbortError(err, file);
  if (e instanceof EvenlightError) return e;
  const mapped = fromNodeError(err, file);
  if (mapped) return mapped;
  const text = err instanceof Error ? err.message : String(err);
  return new EvenlightError(fallback, file, oneLine(text) || 'unknown error', { cause: err });
}
