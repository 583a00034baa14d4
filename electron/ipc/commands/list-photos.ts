// Lists the photos of an opened folder (not recursive), classified by extension so that
// thousands of files list instantly; decoding errors surface later, per file.
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { PhotoEntry, PhotoType } from '../contract';
import type { Handler } from './types';
import { isRawExtension } from '../../engine/raw/detect';

const BY_EXT: Record<string, PhotoType> = { '.jpg': 'jpeg', '.jpeg': 'jpeg', '.png': 'png', '.tif': 'tiff', '.tiff': 'tiff', '.webp': 'webp' };

export function photoTypeOf(path: string): PhotoType | null {
  if (isRawExtension(path)) return 'raw';
  return BY_EXT[extname(path).toLowerCase()] ?? null;
}

export async function photoFiles(folder: string): Promise<PhotoEntry[]> {
  const names = (await readdir(folder)).filter((n) => !n.startsWith('.')).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const photos: PhotoEntry[] = [];
  for (const name of names) {
    const type = photoTypeOf(name);
    if (!type) continue;
    const path = join(folder, name);
    const st = await stat(path).catch(() => null);
    if (st?.isFile()) photos.push({ path, name, type, bytes: st.size });
  }
  return photos;
}

export const listPhotos: Handler<'listPhotos'> = async (req, ctx) => {
  const folder = await ctx.access.check(req.folder);
  return { folder, photos: await photoFiles(folder) };
};
