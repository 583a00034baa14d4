// Lists the photos of an opened folder (not recursive), classified by extension so that
// thousands of files list instantly; decoding errors surface later, per file.
import { stat } from 'node:fs/promises';
import type { PhotoEntry } from '../../common/contract';
import type { Handler } from '../context';
import { listPhotoFiles } from '../../engine';

export const listPhotos: Handler<'listPhotos'> = async (req, ctx) => {
  const folder = await ctx.access.check(req.folder);
  const photos: PhotoEntry[] = [];
  for (const f of await listPhotoFiles(folder)) {
    const st = await stat(f.path).catch(() => null);
    if (st?.isFile()) photos.push({ path: f.path, name: f.name, type: f.type, bytes: st.size });
  }
  // in the order people read them: IMG_9 before IMG_10
  photos.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  return { folder, photos };
};
