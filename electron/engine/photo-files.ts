/**
 * The photos of a folder, by extension (the formats table), so that thousands of files list
 * at once; decoding errors surface later, per file. The one lister behind batch, bracket
 * scans and the app's library.
 *
 *   listPhotoFiles(dir, { recursive?, exclude? }) -> Promise<PhotoFile[]>
 *     hidden files (and our own temp files) skipped; symbolic links listed (the reader decides
 *     whether to follow them); sorted by path, code point by code point, so a batch plans and
 *     runs in the same order on every machine and locale
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { photoTypeOf, type PhotoType } from '../common/formats';
import { fromNodeError } from './errors';

export interface PhotoFile {
  path: string;
  name: string;
  type: PhotoType;
}

export async function listPhotoFiles(dir: string, opts: { recursive?: boolean; exclude?: string } = {}): Promise<PhotoFile[]> {
  const out: PhotoFile[] = [];
  const exclude = opts.exclude ? resolve(opts.exclude) : undefined;
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch (err) {
      throw fromNodeError(err, d) ?? err;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const path = join(d, e.name);
      if (e.isDirectory()) {
        if (opts.recursive && resolve(path) !== exclude) await walk(path);
        continue;
      }
      const type = photoTypeOf(e.name);
      if (type && (e.isFile() || e.isSymbolicLink())) out.push({ path, name: e.name, type });
    }
  };
  await walk(dir);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
