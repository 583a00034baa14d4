/**
 * Atomic file writes: the data goes to a temp file in the destination folder (same file
 * system, so rename is atomic) and is renamed over the target only when complete. A
 * reader never sees a half-written photo, and a failure leaves no partial file behind.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { EvenlightError, fromNodeError } from './errors';

/** Temp name next to `target`, hidden and unmistakably ours. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

export async function writeFileAtomic(target: string, data: Uint8Array): Promise<void> {
  const tmp = tempPathFor(target);
  let fh;
  try {
    fh = await open(tmp, 'wx');
  } catch (err) {
    throw fromNodeError(err, target, true) ?? new EvenlightError('OUTPUT_UNWRITABLE', target, `cannot write: ${(err as Error).message}`, { cause: err });
  }
  try {
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw fromNodeError(err, target, true) ?? new EvenlightError('OUTPUT_UNWRITABLE', target, `cannot write: ${(err as Error).message}`, { cause: err });
  }
}
