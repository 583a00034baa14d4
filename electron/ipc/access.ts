/**
 * Folder access control: the UI may only touch files inside folders the user opened.
 * Paths are resolved with realpath before the containment check, so `..` and symlinks
 * that point outside an opened folder are refused. Outside the opened folders every
 * answer is the same ACCESS_DENIED, whether the path exists or not, so the UI cannot
 * probe the rest of the disk.
 */
import { lstat, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { EvenlightError } from '../common/errors';
import { isInside } from '../engine';

export interface FolderAccess {
  /** Grants a folder (resolved to its realpath); returns the real path. */
  grant(folder: string): Promise<string>;
  /** Resolves an existing path and checks it lies inside a granted folder. */
  check(path: string): Promise<string>;
  /** For outputs that may not exist yet: checks the nearest existing ancestor, returns the real path. */
  checkWritable(path: string): Promise<string>;
  roots(): string[];
}

async function real(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new EvenlightError('NOT_FOUND', path, 'no such file or folder');
    throw new EvenlightError('ACCESS_DENIED', path, (err as Error).message);
  }
}

export function createFolderAccess(): FolderAccess {
  const granted = new Set<string>();

  const outside = (path: string) => new EvenlightError('ACCESS_DENIED', path, 'outside the folders you opened');
  const isGranted = (resolved: string) => [...granted].some((root) => isInside(root, resolved));
  function contained(path: string, resolved: string): string {
    if (isGranted(resolved)) return resolved;
    throw outside(path);
  }

  /**
   * Realpath of the deepest existing ancestor of `path` (for answers about missing paths);
   * null when an entry on the way exists but does not resolve (a dangling or looping link
   * could otherwise tell whether its target exists).
   */
  async function realAncestor(path: string): Promise<string | null> {
    if (await lstat(path).then(() => true, () => false)) return null;
    for (let p = dirname(path); ; p = dirname(p)) {
      try {
        return await realpath(p);
      } catch {
        if (dirname(p) === p || (await lstat(p).then(() => true, () => false))) return null;
      }
    }
  }

  return {
    async grant(folder) {
      if (!isAbsolute(folder)) throw new EvenlightError('ACCESS_DENIED', folder, 'not an absolute path');
      const r = await real(folder);
      if (!(await stat(r)).isDirectory()) throw new EvenlightError('ACCESS_DENIED', folder, 'not a folder');
      // the whole disk is never "a folder of photos"
      if (dirname(r) === r) throw new EvenlightError('ACCESS_DENIED', folder, 'choose a folder, not the root of the disk');
      granted.add(r);
      return r;
    },
    async check(path) {
      if (!isAbsolute(path)) throw new EvenlightError('ACCESS_DENIED', path, 'not an absolute path');
      let r: string;
      try {
        r = await realpath(resolve(path));
      } catch (err) {
        // say "not found" (or why not readable) only where the answer is inside an opened folder
        const anc = await realAncestor(resolve(path));
        if (!anc || !isGranted(anc)) throw outside(path);
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new EvenlightError('NOT_FOUND', path, 'no such file or folder');
        throw new EvenlightError('ACCESS_DENIED', path, (err as Error).message);
      }
      if (!isGranted(r)) throw outside(path);
      return r;
    },
    async checkWritable(path) {
      if (!isAbsolute(path)) throw new EvenlightError('ACCESS_DENIED', path, 'not an absolute path');
      path = resolve(path); // no '..' left in the missing tail
      // walk up to the first existing ancestor, resolve it, then re-append the missing tail
      let existing = path;
      const tail: string[] = [];
      for (;;) {
        try {
          const r = await realpath(existing);
          const full = tail.length ? [r, ...tail.reverse()].join(sep) : r;
          return contained(path, full);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new EvenlightError('ACCESS_DENIED', path, (err as Error).message);
          const parent = dirname(existing);
          if (parent === existing) throw new EvenlightError('NOT_FOUND', path, 'no such folder');
          tail.push(existing.slice(parent.length).replace(/^[\\/]+/, ''));
          existing = parent;
        }
      }
    },
    roots: () => [...granted],
  };
}
