/**
 * Atomic file writes: the data goes to a temp file in the destination folder (same file
 * system, so rename is atomic) and is renamed over the target only when complete. A
 * reader never sees a half-written photo, and a failure leaves no partial file behind.
 * After the rename the folder itself is fsynced, so the new name survives a power cut.
 *
 * A write policy (withWritePolicy, carried through awaits by AsyncLocalStorage, so the
 * pipeline between a caller and this file needs no new parameters) can add:
 * - noClobber: never replace an existing file; the output gets a suffix (`IMG_1-1.jpg`)
 *   instead. The final name is taken with link(2), which fails rather than replaces.
 * - confineTo: the output folder is resolved and checked right before the temp file is
 *   created and again right before the rename; a folder that is a symlink, or that
 *   resolves outside these folders, is refused (a folder swapped for a link between the
 *   app's check and the write must not send the photo elsewhere).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { link, lstat, open, realpath, rename, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { EvenlightError, fromNodeError } from './errors';
import { isInside } from './path-inside';

export interface WritePolicy {
  noClobber?: boolean;
  /** real paths of the folders outputs must stay in */
  confineTo?: string[];
}

interface PolicyState extends WritePolicy {
  written: string[];
}

const policyStore = new AsyncLocalStorage<PolicyState>();

/** Runs `fn` with `policy` applied to every atomic write inside it; reports the paths written. */
export async function withWritePolicy<T>(policy: WritePolicy, fn: () => Promise<T>): Promise<{ result: T; written: string[] }> {
  const state: PolicyState = { ...policy, written: [] };
  const result = await policyStore.run(state, fn);
  return { result, written: state.written };
}

/** Temp name next to `target`, hidden and unmistakably ours. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** `name.ext`, `name-1.ext`, `name-2.ext`, ... */
export function suffixed(target: string, n: number): string {
  if (n === 0) return target;
  const ext = extname(target);
  return join(dirname(target), `${basename(target, ext)}-${n}${ext}`);
}

/** The output folder's real path when it is no symlink and lies inside `roots`. */
async function confinedDir(dir: string, roots: string[], target: string): Promise<string> {
  let real: string;
  try {
    if ((await lstat(dir)).isSymbolicLink()) throw new EvenlightError('OUTPUT_UNWRITABLE', target, 'the output folder is a symbolic link; refusing to write through it');
    real = await realpath(dir);
  } catch (err) {
    if (err instanceof EvenlightError) throw err;
    throw fromNodeError(err, target, true) ?? new EvenlightError('OUTPUT_UNWRITABLE', target, `cannot write: ${(err as Error).message}`);
  }
  if (!roots.some((r) => isInside(r, real))) throw new EvenlightError('OUTPUT_UNWRITABLE', target, 'the output folder now lies outside the folders you opened; refusing to write');
  return real;
}

/** Gives `tmp` the first free name among target, target-1, ...; never replaces a file. */
async function linkNoClobber(tmp: string, target: string): Promise<string> {
  for (let n = 0; n < 10_000; n++) {
    const name = suffixed(target, n);
    try {
      await link(tmp, name);
      await unlink(tmp);
      return name;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      // file systems without hard links (FAT, some network shares): check, then rename
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
        if (await lstat(name).then(() => true, () => false)) continue;
        await rename(tmp, name);
        return name;
      }
      throw err;
    }
  }
  throw new EvenlightError('OUTPUT_UNWRITABLE', target, 'no free output name');
}

async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return; // directories cannot be opened for fsync there
  const fh = await open(dir, 'r').catch(() => null);
  if (!fh) return;
  try {
    await fh.sync();
  } catch {
    // some file systems refuse fsync on a folder; the data itself is synced
  } finally {
    await fh.close();
  }
}

/** Writes `data` to `target` atomically; returns the path written (differs under noClobber). */
export async function writeFileAtomic(target: string, data: Uint8Array): Promise<string> {
  const policy = policyStore.getStore();
  const fail = (err: unknown) =>
    err instanceof EvenlightError ? err : (fromNodeError(err, target, true) ?? new EvenlightError('OUTPUT_UNWRITABLE', target, `cannot write: ${(err as Error).message}`, { cause: err }));
  let dir = dirname(target);
  if (policy?.confineTo) dir = await confinedDir(dir, policy.confineTo, target);
  const dest = join(dir, basename(target));
  const tmp = tempPathFor(dest);
  let fh;
  try {
    fh = await open(tmp, 'wx');
  } catch (err) {
    throw fail(err);
  }
  let final: string;
  try {
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (policy?.confineTo && (await confinedDir(dir, policy.confineTo, target)) !== dir) {
      throw new EvenlightError('OUTPUT_UNWRITABLE', target, 'the output folder moved while writing; refusing to write');
    }
    if (policy?.noClobber) {
      final = await linkNoClobber(tmp, dest);
    } else {
      await rename(tmp, dest);
      final = dest;
    }
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw fail(err);
  }
  await syncDir(dir);
  policy?.written.push(final);
  return final;
}
